"""The upload path takes a hamlet list as boundaries with figures (issue 11): one file, checked, previewed, applied;
the map then shows its hamlets as approximate areas with their own figures."""

from __future__ import annotations

import pytest

import hamlet_lists as build
from analysis.hamlet_areas import APPROXIMATE
from dashboard.query.sources import StoreSource
from loaders.archive import stage_files
from loaders.ingest import apply_upload, check_upload, preview_upload
from loaders.store import DirectoryStore


@pytest.fixture(scope="module")
def communes(real_communes_path):
    return build.real_communes(str(real_communes_path))


def test_a_hamlet_list_is_boundaries_and_figures_in_one_upload(tmp_path, communes):
    son_la = communes[communes["province_code"] == "14"]
    base = build.dataset_dir(tmp_path / "base", son_la)
    store = DirectoryStore(tmp_path / "store", default_dir=base, lock_timeout=5)
    codes = build.pick_communes(communes, "14", 6, seed=21)
    truth = build.sample_hamlets(communes, codes, seed=21)
    rows = [[r.hamlet_name, r.commune_name, f"{r.lat:.6f}".replace(".", ","), f"{r.lon:.6f}".replace(".", ","),
             r.teams, r.team_members] for r in truth.itertuples()]
    rows.append(["Bản Không Tọa Độ", truth.commune_name[0], "", "", 1, 4])
    path = build.write_csv(tmp_path / "ds_thon_quy3_2025.csv", ["Tên thôn", "Tên xã", "Vĩ độ", "Kinh độ",
                                                               "Số tổ CNSCĐ", "Số thành viên"], rows)
    staged = stage_files([path], store.staging_dir())
    check = check_upload(staged, store)
    assert check.usable, [e.text("en") for e in check.errors]
    assert check.boundaries is not None and check.boundaries.info["level"] == "hamlet"
    placement = check.report["boundaries"]["placement"]
    assert (placement["placed"], placement["checked"], placement["outside"], placement["not_placed"]) == (
        len(truth), len(truth), 0, 1)
    keys = [m["key"] for m in check.report["boundaries"]["messages"]]
    assert "hamlets.placed" in keys and "hamlets.not_placed_row" in keys
    preview = preview_upload(store, check)
    apply_upload(store, staged, check, preview=preview)
    source = StoreSource(store.dataset())
    hamlets = source.units("hamlet", "14")
    assert len(hamlets) == len(truth) and (hamlets["geometry_source"] == APPROXIMATE).all()
    assert set(hamlets.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    figures = source.stats("hamlet")[["hamlet_id", "teams"]].merge(
        hamlets[["hamlet_id", "commune_code", "hamlet_name"]], on="hamlet_id")
    merged = figures.merge(truth, on=["commune_code", "hamlet_name"], suffixes=("", "_true"))
    assert len(merged) == len(truth) and (merged["teams"] == merged["teams_true"]).all()
