"""A tiny dataset directory for the export tests (built here, in tmp_path), and tests of the export data sources.

Other export tests import :func:`build_dataset` from this module. Two provinces of square communes and hamlets:
"Tỉnh Sơn La" (14) with three communes, one of them mountainous, and "Thành phố Hà Nội" (01) with two communes,
one of which is named like a formula (to check spreadsheet exports neutralise it).
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from analysis.view import ViewSpec
from dashboard.query import DatasetSource, FileSource, indicator_view
from dashboard.query.places import resolve_place
from loaders.settings import load_settings
from loaders.errors import LoaderError

FORMULA_NAME = '=HYPERLINK("http://evil.example","bấm")'
COMMUNES = [
    # code, name, type, province code, province name, x, y, mountainous
    ("04000", "Xã Mường La", "Xã", "14", "Tỉnh Sơn La", 103.9, 21.4, True),
    ("04003", "Xã Chiềng Hoa", "Xã", "14", "Tỉnh Sơn La", 104.0, 21.4, False),
    ("04006", "Phường Tô Hiệu", "Phường", "14", "Tỉnh Sơn La", 103.9, 21.3, False),
    ("00004", "Phường Ba Đình", "Phường", "01", "Thành phố Hà Nội", 105.8, 21.0, False),
    ("00008", FORMULA_NAME, "Phường", "01", "Thành phố Hà Nội", 105.9, 21.0, False),
]
PERIODS = ("2025-Q3", "2025-Q4")
SIZE = 0.1  # degrees: each commune is a 0.1° square, each hamlet half of it


def _communes() -> gpd.GeoDataFrame:
    rows = [{"level": "commune", "province_code": p, "province_name": pn, "commune_code": c, "commune_name": n,
             "commune_type": t, "is_mountainous": m, "is_island": False, "is_border": False,
             "ethnic_region": "III" if m else "", "is_extremely_difficult": False,
             "geometry_source": "synthetic", "geometry": box(x, y, x + SIZE, y + SIZE)}
            for c, n, t, p, pn, x, y, m in COMMUNES]
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def _hamlets(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = []
    for commune in communes.itertuples():
        x0, y0, x1, y1 = commune.geometry.bounds
        for index, (a, b) in enumerate(((x0, (x0 + x1) / 2), ((x0 + x1) / 2, x1)), start=1):
            rows.append({"level": "hamlet", "province_code": commune.province_code,
                         "province_name": commune.province_name, "commune_code": commune.commune_code,
                         "commune_name": commune.commune_name, "commune_type": commune.commune_type,
                         "hamlet_id": f"{commune.commune_code}-{index:02d}", "hamlet_name": f"Bản {index}",
                         "hamlet_type": "Bản", "geometry_source": "synthetic", "geometry": box(a, y0, b, y1)})
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def _hamlet_stats(hamlets: gpd.GeoDataFrame) -> pd.DataFrame:
    rows = []
    for step, period in enumerate(PERIODS):
        for number, hamlet in enumerate(hamlets.itertuples()):
            population = 1000.0 + 100 * number
            share = 0.30 + 0.06 * number + 0.02 * step
            rows.append({"hamlet_id": hamlet.hamlet_id, "commune_code": hamlet.commune_code,
                         "province_code": hamlet.province_code, "period": period,
                         "teams": float(number % 3 != 0), "team_members": 5.0 * (number % 3 != 0),
                         "population": population, "population_15plus": population * 0.75,
                         "smartphone_users": round(population * 0.75 * share)})
    table = pd.DataFrame(rows)
    # The last commune reports no population: its smartphone share is "no data", never 0.
    table.loc[table["commune_code"] == "00008", ["population_15plus", "smartphone_users"]] = np.nan
    return table


def _commune_stats(hamlet_stats: pd.DataFrame, communes: gpd.GeoDataFrame) -> pd.DataFrame:
    stats = hamlet_stats.assign(hamlets=1.0, hamlets_with_team=(hamlet_stats["teams"] > 0).astype(float))
    counts = ["teams", "team_members", "population", "population_15plus", "smartphone_users", "hamlets",
              "hamlets_with_team"]
    sums = stats.groupby(["commune_code", "province_code", "period"])[counts].sum(min_count=1).reset_index()
    names = communes.set_index("commune_code")
    sums.insert(1, "commune_name", sums["commune_code"].map(names["commune_name"]))
    sums.insert(3, "province_name", sums["commune_code"].map(names["province_name"]))
    return sums


def build_dataset(directory, demo: bool = True):
    """Write the tiny dataset (layout of docs/ARCHITECTURE.md) to ``directory`` and return its path."""
    (directory / "geo").mkdir(parents=True, exist_ok=True)
    (directory / "stats").mkdir(exist_ok=True)
    communes = _communes()
    hamlets = _hamlets(communes)
    provinces = communes.dissolve("province_code", as_index=False)[["province_code", "province_name", "geometry"]]
    provinces.insert(0, "level", "province")
    communes.to_parquet(directory / "geo" / "communes.parquet")
    hamlets.to_parquet(directory / "geo" / "hamlets.parquet")
    provinces.to_parquet(directory / "geo" / "provinces.parquet")
    hamlet_stats = _hamlet_stats(hamlets)
    hamlet_stats.to_parquet(directory / "stats" / "hamlet_stats.parquet")
    _commune_stats(hamlet_stats, communes).to_csv(directory / "stats" / "commune_stats.csv", index=False)
    metadata = {"demo": demo, "periods": list(PERIODS), "notice_vi": "Dữ liệu minh họa: số liệu tổng hợp.",
                "notice_en": "Demo data: synthetic figures.",
                "sources": [{"name": "bộ dữ liệu kiểm thử (test fixture)"}]}
    (directory / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
    return directory


@pytest.fixture()
def dataset(tmp_path):
    return build_dataset(tmp_path / "data")


def test_province_and_commune_resolve_by_name_or_code(dataset):
    source = DatasetSource(dataset)
    spec = resolve_place(source, ViewSpec(), "sơn la", None)
    assert spec.province == "14"
    spec = resolve_place(source, ViewSpec(level="hamlet"), None, "Chiềng Hoa")
    assert (spec.province, spec.commune) == ("14", "04003")
    assert resolve_place(source, ViewSpec(), "1", None).province == "01"
    with pytest.raises(LoaderError, match="no province called"):
        resolve_place(source, ViewSpec(), "Atlantis", None)


def test_the_query_is_the_analysis_view_of_the_source(dataset):
    source = DatasetSource(dataset)
    settings = load_settings(environ={})
    view = indicator_view(source, ViewSpec(province="14", areas=("mountainous",)), settings)
    assert view.table["commune_code"].tolist() == ["04000"]
    assert view.period == "2025-Q4" and view.names == {"province_name": "Tỉnh Sơn La"}
    hamlets = indicator_view(source, ViewSpec(level="hamlet", commune="04003", province="14"), settings)
    assert hamlets.table["hamlet_id"].tolist() == ["04003-01", "04003-02"]
    # a chosen commune at commune level: the province's communes, the commune being the chosen one
    chosen = indicator_view(source, ViewSpec(province="14", commune="04003"), settings)
    assert sorted(chosen.table["commune_code"]) == ["04000", "04003", "04006"]


def test_a_view_the_data_cannot_show_says_so(dataset):
    from dashboard.query import ViewError

    source = DatasetSource(dataset)
    settings = load_settings(environ={})
    view = indicator_view(source, ViewSpec(province="99", period="2031-Q1"), settings)
    assert view.spec.province is None and view.spec.period is None and view.period == "2025-Q4"
    assert [m.key for m in view.notices] == ["view.no_province", "view.no_period"]
    assert "Quý 4/2025" in view.notices[1].text("vi")
    with pytest.raises(ViewError, match="no figures for Q1 2031"):
        indicator_view(source, ViewSpec(period="2031-Q1"), settings, strict=True)


def test_file_source_reads_boundaries_and_stats(dataset, tmp_path):
    communes = gpd.read_parquet(dataset / "geo" / "communes.parquet")
    boundaries = tmp_path / "xa.geojson"
    communes.to_file(boundaries, driver="GeoJSON")
    stats = tmp_path / "so_lieu.csv"
    pd.read_csv(dataset / "stats" / "commune_stats.csv", dtype=str).to_csv(stats, index=False)
    source = FileSource.read(boundaries, [stats], level="commune")
    table = indicator_view(source, ViewSpec(province="14"), load_settings(environ={})).table
    assert sorted(table["commune_code"]) == ["04000", "04003", "04006"]
    assert table["value"].notna().all()
