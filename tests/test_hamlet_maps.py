"""Hamlets from a list on maps and in exports: approximate areas that tile each real commune, exports by province
with or without a province column, ``validate`` on a list (issue 11)."""

from __future__ import annotations

import csv
import io
import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PIL import Image

import hamlet_lists as build
from analysis.hamlet_areas import APPROXIMATE, hamlet_areas
from dashboard.cli import main
from loaders.boundaries import read_boundaries


@pytest.fixture(scope="module")
def communes(real_communes_path):
    return build.real_communes(str(real_communes_path))


@pytest.fixture(scope="module")
def two_provinces(communes):
    """Hamlets in 10 communes of Sơn La and 8 of Hà Nội (true positions and figures)."""
    codes = build.pick_communes(communes, "14", 10, seed=11) + build.pick_communes(communes, "01", 8, seed=11)
    return build.sample_hamlets(communes, codes, seed=11, most=7)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, communes):
    """A dataset directory with the real communes of Sơn La and Hà Nội (the data in use)."""
    chosen = communes[communes["province_code"].isin(["14", "01"])]
    return build.dataset_dir(tmp_path_factory.mktemp("hamlet_maps") / "data", chosen)


def _list_csv(path, hamlets, province_column: bool):
    header = ["Tỉnh"] * province_column + ["Tên thôn", "Mã xã", "Tên xã", "Vĩ độ", "Kinh độ", "Kỳ báo cáo",
                                           "Số tổ CNSCĐ", "Số thành viên", "Số hộ", "Số người được hướng dẫn"]
    rows = [[r.province_name] * province_column + [r.hamlet_name, r.commune_code, r.commune_name,
                                                   f"{r.lat:.7f}".replace(".", ","), f"{r.lon:.7f}".replace(".", ","),
                                                   "2025-Q3", r.teams, r.team_members, r.households,
                                                   r.people_trained] for r in hamlets.itertuples()]
    return build.write_csv(path, header, rows)


def test_approximate_areas_tile_each_commune(tmp_path, communes, two_provinces):
    path = _list_csv(tmp_path / "ds.csv", two_provinces, province_column=False)
    units = read_boundaries(path, communes=communes).units
    # two hamlets at one spot, and one placed 1 km outside its commune
    units.loc[1, "geometry"] = units.loc[0, "geometry"] if units.loc[1, "commune_code"] == units.loc[0, "commune_code"] \
        else units.loc[1, "geometry"]
    areas = hamlet_areas(units, communes)
    assert (areas["geometry_source"] == APPROXIMATE).all()
    assert np.allclose(areas["point_lon"], units.geometry.x) and np.allclose(areas["point_lat"], units.geometry.y)
    shapes = communes.set_index("commune_code").geometry
    for code, group in areas.groupby("commune_code"):
        cells = group.geometry.to_numpy()
        commune = shapes[code]
        assert shapely.coverage_is_valid(cells), code
        assert all(shapely.is_valid(cells)) and not any(shapely.is_empty(cells))
        union = shapely.union_all(cells)
        assert shapely.area(shapely.symmetric_difference(union, commune)) < 1e-6 * shapely.area(commune), code
        if len(group) == 1:
            assert shapely.equals(cells[0], commune) or shapely.area(shapely.symmetric_difference(cells[0], commune)) \
                < 1e-9 * shapely.area(commune)
        alone = ~group.duplicated(["point_lon", "point_lat"], keep=False)
        for cell, x, y in zip(cells[alone], group["point_lon"][alone], group["point_lat"][alone]):
            assert shapely.intersects_xy(cell, x, y)  # each hamlet's own area holds its point


def test_areas_for_a_shared_spot_and_a_point_outside(communes):
    code = build.pick_communes(communes, "14", 1, seed=12)[0]
    commune = communes.loc[communes["commune_code"] == code, "geometry"].iloc[0]
    inside = build.points_inside(commune, 2, seed=12)
    minx, miny, maxx, maxy = commune.bounds
    points = [tuple(inside[0]), tuple(inside[0]), tuple(inside[1]), (maxx + 0.01, (miny + maxy) / 2)]
    hamlets = gpd.GeoDataFrame({"commune_code": [code] * 4, "hamlet_id": list("abcd")},
                               geometry=gpd.points_from_xy(*zip(*points)), crs=4326)
    cells = hamlet_areas(hamlets, communes).geometry.to_numpy()
    assert shapely.coverage_is_valid(cells) and not any(shapely.is_empty(cells))
    alone = hamlet_areas(hamlets.iloc[1:], communes).geometry.to_numpy()  # the spot held by one hamlet
    shared = shapely.union_all(cells[:2])
    assert shapely.area(shapely.symmetric_difference(shared, alone[0])) < 1e-3 * shapely.area(alone[0])  # 1 m spread
    assert all(shapely.distance(cells[k], shapely.Point(points[0])) < 1e-7 for k in (0, 1))  # both reach the spot
    assert shapely.intersects(cells[3], shapely.shortest_line(shapely.Point(points[3]), commune))  # nearest side
    assert shapely.area(shapely.symmetric_difference(shapely.union_all(cells), commune)) < 1e-6 * commune.area


@pytest.mark.parametrize("province_column", [False, True])
def test_export_by_province_from_a_list(tmp_path, data_dir, two_provinces, province_column):
    """The crash of the issue (KeyError 'province_code' without a province column) is gone: CSV, GeoJSON, PNG
    and HTML of Sơn La at hamlet level, each hamlet with its own figures and an approximate area."""
    path = _list_csv(tmp_path / "ds.csv", two_provinces, province_column)
    son_la = two_provinces[two_provinces["province_code"] == "14"]
    common = ["export", "--data-dir", str(data_dir), "--boundaries", str(path), "--stats", str(path),
              "--level", "hamlet", "--province", "Sơn La", "--indicator", "team_presence"]
    out = tmp_path / "thon.csv"
    assert main([*common, "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == len(son_la) and {r["Mã tỉnh"] for r in rows} == {"14"}
    truth = son_la.set_index(["commune_code", "hamlet_name"])
    team_column = next(c for c in rows[0] if c.startswith("Số tổ"))
    for row in rows:
        assert int(row[team_column]) == truth.loc[(row["Mã xã"], row["Thôn, tổ dân phố"]), "teams"]
    geojson = tmp_path / "thon.geojson"
    assert main([*common, "--out", str(geojson)]) == 0
    features = json.loads(geojson.read_text(encoding="utf-8"))["features"]
    assert len(features) == len(son_la)
    assert {f["geometry"]["type"] for f in features} <= {"Polygon", "MultiPolygon"}
    png = tmp_path / "thon.png"
    assert main([*common, "--out", str(png)]) == 0
    assert Image.open(png).size == (1920, 1080)
    html = tmp_path / "thon.html"
    assert main([*common, "--out", str(html)]) == 0
    assert "Bản" in html.read_text(encoding="utf-8") or "Thôn" in html.read_text(encoding="utf-8")


def test_export_of_hamlet_points_from_gis_without_a_province_column(tmp_path, data_dir, two_provinces):
    """Converted to GeoJSON by hand (the issue's second path): points with commune code and name only."""
    points = gpd.GeoDataFrame(two_provinces[["hamlet_name", "commune_code", "commune_name"]],
                              geometry=gpd.points_from_xy(two_provinces["lon"], two_provinces["lat"]), crs=4326)
    path = tmp_path / "thon.geojson"
    points.to_file(path, driver="GeoJSON")
    stats = _list_csv(tmp_path / "so_lieu.csv", two_provinces, province_column=False)
    out = tmp_path / "out.csv"
    assert main(["export", "--data-dir", str(data_dir), "--boundaries", str(path), "--stats", str(stats),
                 "--level", "hamlet", "--province", "14", "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == (two_provinces["province_code"] == "14").sum()


def test_validate_accepts_a_hamlet_list(tmp_path, data_dir, two_provinces, capsys, monkeypatch):
    monkeypatch.setenv("COVERAGE_MAP_DATA", str(data_dir))
    path = _list_csv(tmp_path / "ds.csv", two_provinces, province_column=False)
    assert main(["validate", "--boundaries", str(path), "--level", "hamlet", "--stats", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    placement = report["boundaries"]["placement"]
    assert (placement["placed"], placement["checked"], placement["outside"], placement["not_placed"]) == (
        len(two_provinces), len(two_provinces), 0, 0)
    assert report["join"]["matched_by_name"] == len(two_provinces)
    assert report["join"]["units_without_stats"] == 0
    assert main(["validate", "--boundaries", str(path), "--level", "hamlet", "--lang", "vi"]) == 0
    text = capsys.readouterr().out
    assert f"đặt được {len(two_provinces)} / {len(two_provinces)} thôn" in text
