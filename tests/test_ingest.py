"""Uploads become dataset versions: boundaries, joined statistics, carry-over, templates (issue 7)."""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely

from loaders.archive import stage_files
from loaders.dataset import DEFAULT_DATA_DIR
from loaders.ingest import IngestError, apply_upload, check_upload
from loaders.stats import read_stats
from loaders.store import DirectoryStore
from loaders.templates import TEMPLATE_COLUMNS, build_template, template_headers
from loaders.validate import validate
from upload_fixtures import (COMMUNES, XSS_NAME, commune_boundaries, commune_stats_csv, hamlet_boundaries,
                             tree_hashes)


@pytest.fixture
def store(tmp_path) -> DirectoryStore:
    empty = tmp_path / "no-default-data"
    empty.mkdir()
    # the embedded data is not part of these tests: an empty store falls back to an empty directory
    return DirectoryStore(tmp_path / "store", default_dir=empty)


def upload(store: DirectoryStore, *paths, **check_args) -> dict:
    staged = stage_files(list(paths), store.staging_dir())
    check = check_upload(staged, store, **check_args)
    assert check.usable, [str(e) for e in check.errors]
    return apply_upload(store, staged, check, uploaded_by="test")


@pytest.fixture
def with_boundaries(store, tmp_path) -> DirectoryStore:
    upload(store, commune_boundaries(tmp_path / "ranh_gioi_xa.geojson"))
    return store


def test_boundaries_become_communes_and_dissolved_provinces(with_boundaries):
    version = with_boundaries.active_dir()
    communes = gpd.read_parquet(version / "geo/communes.parquet")
    provinces = gpd.read_parquet(version / "geo/provinces.parquet")
    assert communes["commune_code"].tolist() == [c[2] for c in COMMUNES]
    assert XSS_NAME in communes["commune_name"].tolist()  # stored as loaded; escaping is the display's job
    assert communes.crs.to_epsg() == 4326 and communes["is_mountainous"].tolist() == [False, False, True, True]
    assert provinces["province_code"].tolist() == ["01", "14"]
    assert [round(a, 4) for a in shapely.area(provinces.geometry.to_numpy())] == [round(2 * 0.09 * 0.09, 4)] * 2
    entry = with_boundaries.versions()[0]
    assert entry["sources"][0]["name"] == "ranh_gioi_xa.geojson"
    assert entry["validation"]["boundaries"]["features"] == 4


def test_statistics_are_joined_to_the_active_boundaries_and_stored_as_counts(with_boundaries, tmp_path):
    csv = commune_stats_csv(tmp_path / "so_lieu.csv")
    staged = stage_files([csv], with_boundaries.staging_dir())
    check = check_upload(staged, with_boundaries)
    assert check.usable and check.report["boundaries_uploaded"] is False
    expected = validate(with_boundaries.active_dir() / "geo/communes.parquet", [csv])
    assert check.report["join"] == expected["join"]  # the same report as `coverage-map validate`
    assert check.report["join"]["matched_by_code"] == 2 and check.report["join"]["matched_by_name"] == 1
    assert [u["name"] for u in check.report["join"]["unmatched_stats"]] == ["Xã Không Tồn Tại"]
    geo_before = tree_hashes(with_boundaries.active_dir() / "geo")

    entry = apply_upload(with_boundaries, staged, check, uploaded_by="Lan")
    version = with_boundaries.active_dir()
    assert entry["id"] == "v0002" and entry["parent"] == "v0001"
    stats = pd.read_csv(version / "stats/commune_stats.csv", dtype=str)
    assert stats["commune_code"].tolist() == ["00004", "00008", "03980"]  # unmatched row not loaded
    assert stats.loc[0, "team_members"] == "1234" and stats.loc[2, "population"] == "4000"
    assert stats.loc[1, "commune_name"] == "Xã Hòa Bình"  # the boundary file's spelling, not "Xa Hoa Binh"
    assert tree_hashes(version / "geo") == geo_before  # carried over byte for byte
    assert (version / "sources/so_lieu.csv").read_bytes() == csv.read_bytes()
    assert not staged.directory.exists()
    assert json.loads((version / "metadata.json").read_text(encoding="utf-8"))["periods"] == ["2025-Q3"]


def test_a_new_period_is_added_and_the_same_period_replaced(with_boundaries, tmp_path):
    upload(with_boundaries, commune_stats_csv(tmp_path / "q3.csv", "2025-Q3", teams=3))
    upload(with_boundaries, commune_stats_csv(tmp_path / "q4.csv", "2025-Q4", teams=4))
    upload(with_boundaries, commune_stats_csv(tmp_path / "q3_sua.csv", "2025-Q3", teams=9))
    stats = pd.read_csv(with_boundaries.active_dir() / "stats/commune_stats.csv", dtype=str)
    ba_dinh = stats[stats["commune_code"] == "00004"].set_index("period")["teams"].to_dict()
    assert ba_dinh == {"2025-Q3": "9", "2025-Q4": "4"}
    assert len(stats) == 6
    assert [v["id"] for v in with_boundaries.versions()] == ["v0001", "v0002", "v0003", "v0004"]


def test_new_boundaries_keep_the_previous_area_classes(with_boundaries, tmp_path):
    frame = gpd.read_file(commune_boundaries(tmp_path / "a.geojson", shift=0.001)).drop(columns=["Miền núi"])
    frame.to_file(tmp_path / "moi.geojson", driver="GeoJSON")
    upload(with_boundaries, tmp_path / "moi.geojson")
    communes = gpd.read_parquet(with_boundaries.active_dir() / "geo/communes.parquet")
    assert communes["is_mountainous"].tolist() == [False, False, True, True]


def test_zipped_shapefile_upload(store, tmp_path):
    frame = gpd.read_file(commune_boundaries(tmp_path / "a.geojson")).drop(columns=["Miền núi"])
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    frame.to_file(shp_dir / "xa.shp", encoding="utf-8")
    archive = tmp_path / "ranh_gioi.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for part in sorted(shp_dir.iterdir()):
            zipped.write(part, f"ranh_gioi/{part.name}")
    entry = upload(store, archive)
    communes = gpd.read_parquet(store.active_dir() / "geo/communes.parquet")
    assert sorted(communes["commune_name"]) == sorted(c[3] for c in COMMUNES)
    assert [s["name"] for s in entry["sources"]] == ["ranh_gioi.zip"]  # the zip as received, not its parts


def test_demo_figures_are_kept_and_the_data_stays_marked_demo(tmp_path):
    # issue 12: an upload over the embedded demo data adds to it; nothing the user had disappears
    store = DirectoryStore(tmp_path / "store")  # over the embedded demo data
    before = pd.read_csv(DEFAULT_DATA_DIR / "stats/commune_stats.csv", dtype=str)
    path = tmp_path / "q1_2026.csv"
    path.write_text("Mã xã,Kỳ báo cáo,Số tổ CNSCĐ\n03980,2026-Q1,3\n", encoding="utf-8")
    upload(store, path)
    version = store.active_dir()
    stats = pd.read_csv(version / "stats/commune_stats.csv", dtype=str)
    assert len(stats) == len(before) + 1
    assert stats[stats["period"] != "2026-Q1"].sort_values(["commune_code", "period"]).reset_index(drop=True) \
        .equals(before.sort_values(["commune_code", "period"]).reset_index(drop=True))
    metadata = json.loads((version / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["demo"] is True and metadata["latest_period"] == "2026-Q1"


def test_statistics_without_a_period_are_refused(with_boundaries, tmp_path):
    path = tmp_path / "khong_ky.csv"
    path.write_text("Mã xã,Số tổ CNSCĐ\n00004,3\n", encoding="utf-8")
    before = tree_hashes(with_boundaries.root)
    staged = stage_files([path], with_boundaries.staging_dir())
    check = check_upload(staged, with_boundaries)
    assert not check.usable and check.errors[0].key == "ingest.no_period"
    assert "Kỳ báo cáo" in str(check.errors[0]) and "period" in check.errors[0].text("en")
    with pytest.raises(IngestError):
        apply_upload(with_boundaries, staged, check)
    staged.discard()
    assert tree_hashes(with_boundaries.root) == before


def test_statistics_with_nothing_to_join_to_are_refused(store, tmp_path):
    staged = stage_files([commune_stats_csv(tmp_path / "a.csv")], store.staging_dir())
    check = check_upload(staged, store)
    assert not check.usable and check.errors[0].key == "ingest.no_boundaries_for_stats"


def test_duplicate_commune_codes_are_refused(store, tmp_path):
    frame = gpd.read_file(commune_boundaries(tmp_path / "a.geojson"))
    frame.loc[1, "ma_xa"] = frame.loc[0, "ma_xa"]
    frame.to_file(tmp_path / "trung.geojson", driver="GeoJSON")
    staged = stage_files([tmp_path / "trung.geojson"], store.staging_dir())
    check = check_upload(staged, store)
    assert [e.key for e in check.errors] == ["ingest.duplicate_keys"] and "00004" in str(check.errors[0])


@pytest.mark.parametrize("level", ["commune", "hamlet"])
def test_template_headers_are_all_recognised_by_read_stats(tmp_path, level):
    workbook = openpyxl.load_workbook(io.BytesIO(build_template(level)))
    sheet = workbook.active
    headers = [c.value for c in sheet[4] if c.value]
    assert headers == template_headers(level)
    for row, code in ((5, "00004"), (6, 3980)):  # as text and as a number Excel lost the zeros of
        for column, canonical in enumerate(TEMPLATE_COLUMNS[level], start=1):
            sheet.cell(row=row, column=column, value=7)
        values = {"province_code": "01", "province_name": "Hà Nội", "commune_code": code,
                  "commune_name": "Xã Hòa Bình", "hamlet_id": f"h{row}", "hamlet_name": "Thôn Nà Pục",
                  "period": "2025-Q3"}
        for column, canonical in enumerate(TEMPLATE_COLUMNS[level], start=1):
            if canonical in values:
                sheet.cell(row=row, column=column, value=values[canonical])
    workbook.save(tmp_path / "filled.xlsx")
    load = read_stats(tmp_path / "filled.xlsx")
    assert set(load.info["columns"]) >= set(TEMPLATE_COLUMNS[level])
    assert load.info["problems"] == [] and load.info["level"] == level
    assert load.table["commune_code"].tolist() == ["00004", "03980"]
    assert load.table["teams"].tolist() == [7.0, 7.0]


def test_prefilled_template_round_trip_through_an_upload(with_boundaries, tmp_path):
    units = gpd.read_parquet(with_boundaries.active_dir() / "geo/communes.parquet")
    workbook = openpyxl.load_workbook(io.BytesIO(build_template("commune", units, period="2025-09")))
    sheet = workbook.active
    teams_column = TEMPLATE_COLUMNS["commune"].index("teams") + 1
    for row in range(5, 5 + len(units)):
        sheet.cell(row=row, column=teams_column, value=row)
    workbook.save(tmp_path / "mau_da_dien.xlsx")
    upload(with_boundaries, tmp_path / "mau_da_dien.xlsx")
    stats = pd.read_csv(with_boundaries.active_dir() / "stats/commune_stats.csv", dtype=str)
    assert stats["commune_code"].tolist() == units["commune_code"].tolist()
    assert stats["teams"].tolist() == ["5", "6", "7", "8"] and set(stats["period"]) == {"2025-09"}


def test_hamlet_figures_are_checked_within_their_provinces(with_boundaries, tmp_path):
    upload(with_boundaries, hamlet_boundaries(tmp_path / "thon.geojson"))
    path = tmp_path / "so_lieu_thon.csv"
    path.write_text("Mã xã,Tên thôn/tổ dân phố,Kỳ báo cáo,Số tổ CNSCĐ\n4,Thôn 1,2025-09,1\n4,thon 2,2025-09,0\n"
                    "8,Thôn 1,2025-09,2\n", encoding="utf-8")
    staged = stage_files([path], with_boundaries.staging_dir())
    check = check_upload(staged, with_boundaries)
    assert check.usable and check.scope == ["01"]
    assert check.report["join"]["matched_by_name"] == 3
    assert check.report["join"]["units_without_stats"] == 1  # only Hà Nội's four hamlets were in the join
    apply_upload(with_boundaries, staged, check)
    stats = pd.read_parquet(with_boundaries.active_dir() / "stats/hamlet_stats.parquet")
    assert stats["hamlet_id"].tolist() == ["00004-T1", "00004-T2", "00008-T1"]
    assert stats["teams"].tolist() == [1, 0, 2]


def test_metadata_counts_follow_the_uploaded_layers(with_boundaries):
    metadata = json.loads((with_boundaries.active_dir() / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["counts"] == {"provinces": 2, "communes": 4}
    assert with_boundaries.versions()[0]["sources"][0]["name"] == "ranh_gioi_xa.geojson"  # the ledger says which file


@pytest.mark.real_data
def test_real_2025_boundaries_become_a_version(real_communes_path, tmp_path):
    store = DirectoryStore(tmp_path / "store")  # over the embedded demo data: its area classes are carried
    entry = upload(store, real_communes_path)
    version = store.active_dir()
    communes = gpd.read_parquet(version / "geo/communes.parquet")
    provinces = gpd.read_parquet(version / "geo/provinces.parquet")
    assert len(communes) == 3321 and len(provinces) == 34
    assert communes.geometry.is_valid.all()  # the 76 invalid shapes were repaired
    assert entry["validation"]["boundaries"]["features"] == 3321
    assert real_communes_path.read_bytes() == (version / "sources" / real_communes_path.name).read_bytes()
    if (DEFAULT_DATA_DIR / "geo/communes.parquet").exists():
        assert communes["is_island"].sum() > 0
        assert all(s == "" or s.endswith("heuristic") for s in communes["area_class_source"])


def test_hamlets_without_province_codes_get_them_from_the_communes(with_boundaries, tmp_path):
    frame = gpd.read_file(hamlet_boundaries(tmp_path / "a.geojson")).drop(columns=["ma_tinh"])
    frame.to_file(tmp_path / "thon_khong_tinh.geojson", driver="GeoJSON")
    upload(with_boundaries, tmp_path / "thon_khong_tinh.geojson")
    hamlets = gpd.read_parquet(with_boundaries.active_dir() / "geo/hamlets.parquet")
    assert hamlets["province_code"].tolist() == ["01"] * 4 + ["14"] * 4


def test_hamlets_without_commune_codes_are_refused(store, tmp_path):
    frame = gpd.read_file(hamlet_boundaries(tmp_path / "a.geojson")).drop(columns=["ma_xa"])
    frame.to_file(tmp_path / "thon.geojson", driver="GeoJSON")
    staged = stage_files([tmp_path / "thon.geojson"], store.staging_dir())
    check = check_upload(staged, store)
    assert [e.key for e in check.errors] == ["ingest.missing_keys"] and "commune_code" in str(check.errors[0])
