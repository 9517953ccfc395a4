"""``coverage-map gaps`` through the real entry point: the ranked list, its JSON, and one-line errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from dashboard.cli import main
from test_export_dataset import build_dataset


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return build_dataset(tmp_path_factory.mktemp("cli_gaps") / "data")


def gaps(data_dir, *args):
    return main(["gaps", "--data-dir", str(data_dir), *args])


def test_json_lists_gaps_ranked_by_people_affected(data_dir, capsys):
    assert gaps(data_dir, "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["period"] == "2025-Q4" and result["indicators"] == ["smartphone_share"]
    scores = [gap["gap_score"] for gap in result["gaps"]]
    assert scores == sorted(scores, reverse=True) and [g["rank"] for g in result["gaps"]] == list(
        range(1, len(scores) + 1))
    assert result["total_gaps"] == len(result["gaps"]) > 0
    first = result["gaps"][0]
    assert len(first["commune_code"]) == 5 and first["reason_vi"] and first["reason_en"]


def test_filters_and_top(data_dir, capsys):
    assert gaps(data_dir, "--province", "Sơn La", "--area", "mountainous", "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert [g["commune_code"] for g in result["gaps"]] == ["04000"] and result["province"] == "14"
    assert gaps(data_dir, "--top", "1", "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["gaps"]) == 1 and result["total_gaps"] >= 1


def test_text_output_names_the_reasons_in_vietnamese(data_dir, capsys):
    assert gaps(data_dir, "--province", "14") == 0
    out = capsys.readouterr().out
    assert "vùng trống" in out and "điện thoại thông minh" in out and "Tỉnh Sơn La" in out


def test_several_indicators_and_csv_out(data_dir, tmp_path, capsys):
    out = tmp_path / "vung-trong.csv"
    assert gaps(data_dir, "--indicator", "smartphone_share", "team_presence", "--out", str(out), "--json") == 0
    result = json.loads(capsys.readouterr().out)
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert len(rows) - 1 == len(result["gaps"]) and "Hạng" in rows[0] and "Lý do" in rows[0]


@pytest.mark.parametrize("args, message", [
    (["--indicator", "bogus"], "unknown indicator 'bogus'"),
    (["--province", "Atlantis"], "no province called 'Atlantis'"),
    (["--period", "Q4"], "bad period 'Q4'"),
    (["--top", "-1"], "--top must be"),
])
def test_errors_are_one_line_exit_2(data_dir, capsys, args, message):
    assert gaps(data_dir, *args) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
