"""`coverage-map validate` on the demo files joins 100 % (issue 3, done-when)."""

from __future__ import annotations

import json

from dashboard.cli import main
from loaders.dataset import DEFAULT_DATA_DIR, load_stats, load_units


def _validate(capsys, *args) -> dict:
    assert main(["validate", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_demo_communes_join_fully(capsys):
    report = _validate(capsys, "--boundaries", str(DEFAULT_DATA_DIR / "geo" / "communes.parquet"),
                       "--stats", str(DEFAULT_DATA_DIR / "stats" / "commune_stats.csv"))
    assert report["boundaries"]["features"] == 3321
    assert report["boundaries"]["invalid_fixed"] == 0
    join = report["join"]
    assert join["matched_by_code"] == 3321 * 8
    assert join["matched_by_name"] == 0 and join["unmatched_stats"] == [] and join["units_without_stats"] == 0
    assert report["stats"][0]["problems"] == []


def test_demo_hamlets_of_a_province_join_fully(tmp_path, capsys):
    hamlets = load_units(DEFAULT_DATA_DIR, "hamlet", province_code="12")   # Lai Châu
    stats = load_stats(DEFAULT_DATA_DIR, "hamlet").query("province_code == '12'")
    stats = stats.merge(hamlets[["hamlet_id", "hamlet_name", "commune_name", "province_name"]], on="hamlet_id")
    hamlets.to_parquet(tmp_path / "hamlets.parquet")
    stats.to_csv(tmp_path / "hamlet_stats.csv", index=False)
    report = _validate(capsys, "--boundaries", str(tmp_path / "hamlets.parquet"), "--level", "hamlet",
                       "--stats", str(tmp_path / "hamlet_stats.csv"))
    join = report["join"]
    assert join["matched_by_code"] == len(stats)
    assert join["unmatched_stats"] == [] and join["units_without_stats"] == 0
