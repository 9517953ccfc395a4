"""Hamlet lists with coordinates become hamlets: positions, figures, areas, report (issue 11, SPEC §7.12).

Lists are built from real places (``tests/hamlet_lists.py``): positions inside real 2025 communes of two or more
provinces, written in VN-2000 TM-3 X/Y (computed independently of PROJ's EPSG definitions), in degrees with a
decimal comma and in DMS. Every hamlet must land within 50 m of its true position and carry its own figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import CRS, Transformer

import hamlet_lists as build
from loaders.boundaries import read_boundaries
from loaders.errors import LoaderError
from loaders.join import join_stats
from loaders.stats import read_stats
from loaders.vn2000 import PROVINCE_MERIDIANS, commune_meridians, to_wgs84

TOLERANCE_M = 50.0


@pytest.fixture(scope="module")
def communes(real_communes_path):
    return build.real_communes(str(real_communes_path))


def _vn2000_rows(hamlets: pd.DataFrame, meridians, text_every: int = 3) -> list[list]:
    """Rows of a provincial list: STT, hamlet, commune code, commune, X (north), Y (east), figures."""
    rows = []
    for k, row in enumerate(hamlets.itertuples(), start=1):
        meridian = meridians(row) if callable(meridians) else meridians
        north, east = build.vn2000_tm3(row.lon, row.lat, meridian)
        x, y = (build.grouped(north), build.grouped(east)) if k % text_every == 0 else (round(north, 3),
                                                                                           round(east, 3))
        rows.append([k, row.hamlet_name, row.commune_code, f"Xã {row.commune_name}"
                     if row.commune_type == "Xã" else f"{row.commune_type} {row.commune_name}", x, y,
                     row.teams, row.team_members, row.households, row.people_trained])
    return rows


HEADER = ["STT", "Tên thôn, bản, tổ dân phố", "Mã xã", "Xã, phường", "Tọa độ X (m)", "Tọa độ Y (m)",
          "Số tổ CNSCĐ", "Số thành viên tổ", "Số hộ", "Số người được hướng dẫn"]


def test_the_meridian_table_names_the_provinces_of_the_pre_2025_register():
    from loaders.register import legacy_units
    from loaders.text import ascii_key

    register = legacy_units().drop_duplicates("province_code").set_index("province_code")["province_name"]
    assert set(PROVINCE_MERIDIANS) == set(register.index)  # every one of the 63 provinces, nothing else
    for code, (name, meridian) in PROVINCE_MERIDIANS.items():
        assert ascii_key(name, "province") == ascii_key(register[code], "province"), code
        assert 102.0 <= meridian <= 109.0 and (meridian * 4).is_integer()


def test_epsg_zones_apply_the_published_shift(communes):
    """PROJ's VN-2000 / TM-3 zones carry the 7 parameters of Decision 05/2007: the independent computation and
    PROJ agree to the centimetre, and ignoring the shift would be off by about 200 m."""
    points = communes.geometry.representative_point()
    rng = np.random.default_rng(3)
    for epsg, meridian in ((9206, 104.0), (5897, 105.0), (9208, 104.75), (9211, 106.0), (5899, 107.75)):
        chosen = rng.choice(len(points), 40, replace=False)
        lon, lat = points.x.to_numpy()[chosen], points.y.to_numpy()[chosen]
        north, east = build.vn2000_tm3(lon, lat, meridian)
        back_lon, back_lat = to_wgs84(CRS.from_epsg(epsg)).transform(east, north)
        assert build.distances_m(lon, lat, back_lon, back_lat).max() < 0.05
        bare = Transformer.from_proj(f"+proj=tmerc +lon_0={meridian} +k=0.9999 +x_0=500000 +ellps=WGS84",
                                     "EPSG:4326", always_xy=True).transform(east, north)
        assert build.distances_m(lon, lat, *bare).min() > 100


def test_a_vn2000_list_with_its_meridian_above_the_table(tmp_path, communes):
    """Sơn La, TM-3 104°00' said in a line above the table; no province column; X north, Y east, some cells
    written "2.345.678,12"; every hamlet within 50 m, inside its commune, with its own figures."""
    codes = build.pick_communes(communes, "14", 12, seed=1)
    truth = build.sample_hamlets(communes, codes, seed=1)
    path = build.write_xlsx(tmp_path / "thon_son_la.xlsx", "Quý 3-2025",
                            ["DANH SÁCH THÔN, BẢN VÀ TỔ CNSCĐ", "Hệ tọa độ VN-2000, kinh tuyến trục 104°00', "
                             "múi chiếu 3°"], HEADER, _vn2000_rows(truth, 104.0))
    load = read_boundaries(path, level="hamlet", communes=communes)
    both = build.matched(truth, load.units)
    assert both["error_m"].max() < TOLERANCE_M
    assert load.info["placement"] | {"outside_rows": [], "not_placed_rows": []} == {
        "rows": len(truth), "placed": len(truth), "checked": len(truth), "outside": 0, "not_placed": 0,
        "furthest_outside_m": 0.0, "outside_rows": [], "not_placed_rows": []}
    assert set(load.units["province_code"]) == {"14"} and set(load.units["province_name"]) == {"Sơn La"}
    assert load.info["crs_in"].startswith("EPSG:9206")
    keys = [m.key for m in load.info["problems"]]
    assert "hamlets.zone_from_file" in keys and "hamlets.all_inside" in keys
    joined = join_stats(load.units, read_stats(path), "hamlet")
    assert joined.report["classes"]["applied"] if "applied" in joined.report["classes"] else True
    figures = joined.applied.merge(truth, on=["commune_code", "hamlet_name"], suffixes=("", "_true"))
    assert len(figures) == len(truth)
    for column in ("teams", "team_members", "households", "people_trained"):
        assert (figures[column] == figures[f"{column}_true"]).all(), column


def test_the_zone_of_each_commune_from_its_former_province(tmp_path, communes):
    """Tuyên Quang (2025) joined Tuyên Quang (106°00') and Hà Giang (105°30'); a list that names no meridian is
    read in each commune's former province's zone, and lands within 50 m."""
    meridians = commune_meridians()
    codes = [c for c in build.pick_communes(communes, "08", 60, seed=2) if len(meridians.get(c, ())) == 1][:16]
    assert {meridians[c][0] for c in codes} == {105.5, 106.0}
    truth = build.sample_hamlets(communes, codes, seed=2)
    path = build.write_xlsx(tmp_path / "tuyen_quang.xlsx", "2025", ["DANH SÁCH THÔN"], HEADER,
                            _vn2000_rows(truth, lambda row: meridians[row.commune_code][0]))
    load = read_boundaries(path, communes=communes)
    both = build.matched(truth, load.units)
    assert load.info["placement"]["placed"] == len(truth)
    assert both["error_m"].max() < TOLERANCE_M
    line = next(m for m in load.info["problems"] if m.key == "hamlets.zone_from_province")
    assert "105°30'" in line.text("vi") and "106°00'" in line.text("vi")


def test_crs_option_and_utm(tmp_path, communes):
    """An Giang in VN-2000 / UTM 48N given with --crs; X/Y in the GIS order (X east) is recognised by value."""
    codes = build.pick_communes(communes, "91", 8, seed=4)
    truth = build.sample_hamlets(communes, codes, seed=4)
    rows = []
    for k, row in enumerate(truth.itertuples(), start=1):
        north, east = build.vn2000_tm3(row.lon, row.lat, 105.0, scale=0.9996)
        rows.append([k, row.hamlet_name, row.commune_code, round(east, 2), round(north, 2)])
    path = build.write_csv(tmp_path / "an_giang.csv", ["STT", "Ấp", "Mã xã", "X", "Y"], rows)
    load = read_boundaries(path, crs="3405", communes=communes)
    assert build.matched(truth, load.units)["error_m"].max() < TOLERANCE_M
    keys = [m.key for m in load.info["problems"]]
    assert "hamlets.zone_given" in keys and "hamlets.x_is_east" in keys


def test_degrees_as_people_type_them(tmp_path, communes):
    """Quảng Ninh and Hà Nội in degrees: decimal commas, DMS, one pair swapped, one outside Vietnam, one without
    a position, one unknown commune; each row ends in its reported class."""
    codes = build.pick_communes(communes, "22", 6, seed=5) + build.pick_communes(communes, "01", 6, seed=5)
    truth = build.sample_hamlets(communes, codes, seed=5)
    rows = []
    for k, row in enumerate(truth.itertuples(), start=1):
        lat, lon = f"{row.lat:.6f}".replace(".", ","), f"{row.lon:.6f}".replace(".", ",")
        if k % 4 == 0:
            lat, lon = build.dms(row.lat, "N"), build.dms(row.lon, "E")
        if k == 3:
            lat, lon = lon, lat  # typed in the wrong columns
        rows.append([row.hamlet_name, row.commune_name, lat, lon, row.teams])
    rows += [["Thôn Lạc", truth.commune_name[0], "48,85", "2,35", 1],      # Paris
             ["Thôn Trống", truth.commune_name[0], "", "", 1],
             ["Thôn Lạ", "Xã Không Có Thật", "21,0", "105,8", 1]]
    path = build.write_csv(tmp_path / "toa_do.csv", ["Tên thôn", "Tên xã", "Vĩ độ", "Kinh độ", "Số tổ"], rows)
    load = read_boundaries(path, communes=communes)
    both = build.matched(truth, load.units)
    assert both["error_m"].max() < 1.0
    placement = load.info["placement"]
    assert (placement["rows"], placement["placed"], placement["not_placed"]) == (len(truth) + 3, len(truth), 3)
    reasons = {r["hamlet"]: r["reason"]["key"] for r in placement["not_placed_rows"]}
    assert reasons == {"Thôn Lạc": "hamlets.reason_outside_vietnam", "Thôn Trống": "hamlets.reason_no_position",
                       "Thôn Lạ": "hamlets.reason_commune_unknown"}
    assert any(m.key == "hamlets.swapped" and m.params["n"] == 1 for m in load.info["problems"])
    assert set(load.units["province_code"]) == {"22", "01"}


def test_a_hamlet_outside_its_commune_is_placed_and_measured(tmp_path, communes):
    code = build.pick_communes(communes, "14", 1, seed=6)[0]
    shape = communes.loc[communes["commune_code"] == code, "geometry"].iloc[0]
    minx, miny, maxx, maxy = shape.bounds
    outside_lon, lat = maxx + 0.01, (miny + maxy) / 2   # about 1 km east of the commune's extent
    path = build.write_csv(tmp_path / "ngoai.csv", ["Tên thôn", "Mã xã", "Kinh độ", "Vĩ độ"],
                           [["Bản Xa", code, str(outside_lon).replace(".", ","), str(lat).replace(".", ",")]])
    load = read_boundaries(path, communes=communes)
    placement = load.info["placement"]
    assert (placement["placed"], placement["outside"]) == (1, 1)
    expected = build.distances_m(outside_lon, lat, *shapely.get_coordinates(
        shapely.shortest_line(shapely.Point(outside_lon, lat), shape))[-1])
    assert placement["outside_rows"][0]["distance"] == pytest.approx(float(expected), rel=0.02)


def test_same_name_in_two_communes_are_two_hamlets_with_their_own_figures(tmp_path, communes):
    """"Thôn 1" in every commune; the statistics spell names other ways (TDP/Tổ dân phố số, numbers in words,
    old tone marks, lower case) and still join within their commune only."""
    codes = build.pick_communes(communes, "14", 5, seed=7) + build.pick_communes(communes, "01", 5, seed=7)
    truth = build.sample_hamlets(communes, codes, seed=7)
    list_path = build.write_csv(tmp_path / "ds.csv", ["Tên thôn", "Mã xã", "Vĩ độ", "Kinh độ"],
                                [[r.hamlet_name, r.commune_code, r.lat, r.lon] for r in truth.itertuples()])
    load = read_boundaries(list_path, communes=communes)
    assert (load.units["hamlet_name"] == "Thôn 1").sum() == len(codes)
    assert load.units["hamlet_id"].is_unique

    def respell(name: str) -> str:
        name = name.replace("Tổ dân phố ", "TDP số ").replace("Thôn 1", "thôn Một").replace("Hoà", "Hòa")
        return name.replace("Thủy", "Thuỷ").replace("Ấp ", "ấp ")

    stats_path = build.write_csv(tmp_path / "so_lieu_2025-Q3.csv", ["Mã xã", "Tên thôn", "Số tổ", "Số thành viên"],
                                 [[r.commune_code, respell(r.hamlet_name), r.teams, r.team_members]
                                  for r in truth.itertuples()])
    joined = join_stats(load.units, read_stats(stats_path), "hamlet").applied
    assert len(joined) == len(truth)
    by_unit = joined.set_index("hamlet_id")
    ids = load.units.set_index(["commune_code", "hamlet_name"])["hamlet_id"]
    for row in truth.itertuples():
        got = by_unit.loc[ids[(row.commune_code, row.hamlet_name)]]
        assert (got["teams"], got["team_members"]) == (row.teams, row.team_members)


def test_not_a_hamlet_list_is_refused_in_one_line(tmp_path):
    path = build.write_csv(tmp_path / "so_lieu.csv", ["Mã xã", "Tên xã", "Số tổ"], [["03856", "Xã Bắc Yên", 3]])
    with pytest.raises(LoaderError) as raised:
        read_boundaries(path, level="hamlet")
    assert raised.value.key == "hamlets.not_a_list" and "so_lieu.csv" in raised.value.text("vi")


def test_without_commune_shapes_communes_come_from_the_register(tmp_path, communes):
    codes = build.pick_communes(communes, "14", 3, seed=8)
    truth = build.sample_hamlets(communes, codes, seed=8, most=2)
    path = build.write_csv(tmp_path / "ds.csv", ["Thôn", "Xã", "Kinh độ", "Vĩ độ"],
                           [[r.hamlet_name, r.commune_name, r.lon, r.lat] for r in truth.itertuples()])
    load = read_boundaries(path)
    assert set(load.units["commune_code"]) == set(codes) and set(load.units["province_code"]) == {"14"}
    assert any(m.key == "hamlets.not_checked" for m in load.info["problems"])
