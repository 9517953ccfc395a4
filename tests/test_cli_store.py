"""``coverage-map store``: the same check, preview, merge and access as the panel, from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from store_fixtures import embedded, stats_csv, stats_table  # noqa: F401

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def cli(tmp_path, embedded, monkeypatch):
    """Run ``coverage-map store ...`` in-process against a directory store over the small dataset."""
    from dashboard.cli import main
    from loaders.store import DirectoryStore

    import loaders.store.directory as directory

    monkeypatch.setattr(directory, "DEFAULT_DATA_DIR", embedded)
    root = tmp_path / "store"

    def run(*args, capsys=None):
        return main(["store", *args, "--store", str(root)])

    run.store = lambda: DirectoryStore(root, default_dir=embedded)
    return run


def test_apply_prints_the_preview_and_merges(cli, tmp_path, capsys):
    before = stats_table(cli.store())
    path = stats_csv(tmp_path / "q3.csv", [("03980", "2025-Q3", {"teams": 2}), ("03982", "2025-Q3", {"teams": 1})])
    assert cli("apply", str(path), "--yes", "--as", "lan", "--lang", "vi") == 0
    out = capsys.readouterr().out
    assert "Quý 3/2025: thêm 2 đơn vị (xã)." in out and "2 / 5 xã" in out and "Đã áp dụng: phiên bản v0001" in out
    after = stats_table(cli.store())
    assert after[after["period"] != "2025-Q3"].reset_index(drop=True).equals(before)
    assert cli("history") == 0 and "lan" in capsys.readouterr().out
    assert cli("diff", "embedded", "v0001") == 0
    assert "Q3 2025 (communes): 2 added" in capsys.readouterr().out
    assert cli("rollback", "--yes") == 0 and cli.store().active_id() is None


def test_the_history_names_the_local_operator_in_words(cli, tmp_path, capsys):
    path = stats_csv(tmp_path / "q3.csv", [("03980", "2025-Q3", {"teams": 2})])
    assert cli("apply", str(path), "--yes") == 0
    capsys.readouterr()
    assert cli("history", "--lang", "vi") == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("* v0001 ") and "người quản trị máy chủ" in first and "local" not in first


def test_an_implausible_row_stops_the_cli_with_its_reason(cli, tmp_path, capsys):
    path = stats_csv(tmp_path / "q3.csv", [("03980", "2025-Q3", {"population_15plus": 3314,
                                                                  "smartphone_users": 999999})])
    assert cli("apply", str(path), "--yes") == 2
    captured = capsys.readouterr()
    assert "999,999 is above population aged 15+ = 3,314" in captured.out and "refused" in captured.err
    assert "matches no administrative unit" not in captured.out  # refused for what it is, once
    assert cli.store().versions() == []


def test_replace_period_from_the_cli(cli, tmp_path, capsys):
    path = stats_csv(tmp_path / "q2.csv", [("03980", "2025-Q2", {"teams": 3})])
    assert cli("apply", str(path), "--yes", "--replace-period", "2025-Q2") == 0
    table = stats_table(cli.store())
    assert table[table["period"] == "2025-Q2"]["commune_code"].tolist() == ["03980"]


def test_a_provincial_officer_cannot_apply_another_province_from_the_cli(tmp_path, embedded):
    roles = tmp_path / "roles.toml"
    roles.write_text('[users."lan@sonla.gov.vn"]\nrole = "provincial_officer"\nprovinces = ["14"]\n'
                     '[users."an@gov.vn"]\nrole = "national_officer"\n', encoding="utf-8")
    settings = tmp_path / "settings.toml"
    settings.write_text('[auth]\nenabled = true\nroles_file = "roles.toml"\n', encoding="utf-8")
    path = stats_csv(tmp_path / "q3.csv", [("00004", "2025-Q3", {"teams": 2})])
    code = ("import sys, loaders.store.directory as d, pathlib; d.DEFAULT_DATA_DIR = pathlib.Path(sys.argv[1]); "
            "from dashboard.cli import main; sys.exit(main(sys.argv[2:]))")
    env = {**os.environ, "COVERAGE_MAP_SETTINGS": str(settings), "COVERAGE_MAP_STORE": str(tmp_path / "store")}

    def run(*args):
        return subprocess.run([sys.executable, "-c", code, str(embedded), "store", *args], env=env, cwd=REPO,
                              capture_output=True, text=True, timeout=300)

    refused = run("apply", str(path), "--yes", "--as", "lan@sonla.gov.vn")
    assert refused.returncode == 2 and "belongs to province 01, which lan@sonla.gov.vn may not update" in refused.stdout
    assert run("rollback", "--yes", "--as", "lan@sonla.gov.vn").returncode == 2
    unknown = run("apply", str(path), "--yes", "--as", "someone@else")
    assert unknown.returncode == 2 and "has no access" in unknown.stderr
    applied = run("apply", str(path), "--yes", "--as", "an@gov.vn")
    assert applied.returncode == 0, applied.stderr
    history = json.loads(run("history", "--json").stdout)
    assert history["versions"][0]["who"] == "an@gov.vn"
