"""read_boundaries: formats, CRS (VN-2000), legacy DBF encodings, geometry repair, names and codes (SPEC §7.1-7.5)."""

import json
import unicodedata
import zipfile

import geopandas as gpd
import pyogrio
import pytest
import shapely
from pyproj import Geod, Transformer

from fixtures_builders import encode_cp1258, square, write_raw_shapefile
from loaders.boundaries import read_boundaries
from loaders.errors import LoaderError

HANOI_FLAGPOLE = (105.8401, 21.0326)  # lon, lat in WGS84
# VN-2000 -> WGS84 seven parameters of Decision 05/2007/QĐ-BTNMT, written out so the fixture does not depend on
# the transformation PROJ would choose (a loader ignoring the datum shift is ~200 m off).
VN2000_UTM48_FROM_WGS84 = (
    "+proj=pipeline +step +proj=push +v_3 +step +proj=cart +ellps=WGS84 +step +inv +proj=helmert "
    "+x=-191.90441429 +y=-39.30318279 +z=-111.45032835 +rx=-0.00928836 +ry=0.01975479 +rz=-0.00427372 "
    "+s=0.252906278 +convention=coordinate_frame +step +inv +proj=cart +ellps=WGS84 +step +proj=pop +v_3 "
    "+step +proj=utm +zone=48 +ellps=WGS84"
)


def _distance_m(a, b) -> float:
    return Geod(ellps="WGS84").inv(a[0], a[1], b[0], b[1])[2]


def _closest_vertex_distance(geometry, point) -> float:
    return min(_distance_m(xy, point) for xy in shapely.get_coordinates(geometry))


# -- CRS ---------------------------------------------------------------------------------------------------------
def test_vn2000_utm48n_shapefile_lands_within_a_metre(tmp_path):
    x, y = Transformer.from_pipeline(VN2000_UTM48_FROM_WGS84).transform(*HANOI_FLAGPOLE)
    path = write_raw_shapefile(tmp_path / "ranh_gioi.shp", {"MA_XA": ["00004"], "TEN_XA": ["Ba Đình"]},
                               [shapely.box(x, y, x + 50, y + 50)], crs="EPSG:3405", cpg="UTF-8")
    load = read_boundaries(path)
    assert load.info["crs_in"] == "EPSG:3405" and load.info["reprojected"] is True
    assert load.units.crs.to_epsg() == 4326
    assert _closest_vertex_distance(load.units.geometry.iloc[0], HANOI_FLAGPOLE) < 1.0
    assert not any("datum" in p for p in [str(m) for m in load.info["problems"]])


def test_vn2000_tm3_zone_is_read_from_its_prj(tmp_path):
    x, y = Transformer.from_crs(4326, 9210, always_xy=True).transform(*HANOI_FLAGPOLE)
    path = write_raw_shapefile(tmp_path / "tm3.shp", {"MA_XA": ["00004"]}, [shapely.box(x, y, x + 20, y + 20)],
                               crs="EPSG:9210", cpg="UTF-8")
    load = read_boundaries(path)
    assert load.info["crs_in"] == "EPSG:9210"
    assert _closest_vertex_distance(load.units.geometry.iloc[0], HANOI_FLAGPOLE) < 1.0


def test_no_crs_and_projected_coordinates_is_refused_with_the_way_out(tmp_path):
    x, y = Transformer.from_pipeline(VN2000_UTM48_FROM_WGS84).transform(*HANOI_FLAGPOLE)
    path = write_raw_shapefile(tmp_path / "no_prj.shp", {"MA_XA": ["00004"]}, [shapely.box(x, y, x + 50, y + 50)],
                               crs="EPSG:3405", cpg="UTF-8")
    path.with_suffix(".prj").unlink()
    with pytest.raises(LoaderError) as error:
        read_boundaries(path)
    assert "no_prj.shp" in str(error.value) and "--crs" in str(error.value) and "\n" not in str(error.value)
    load = read_boundaries(path, crs="3405")
    assert load.info["crs_in"] == "EPSG:3405"
    assert _closest_vertex_distance(load.units.geometry.iloc[0], HANOI_FLAGPOLE) < 1.0


LOCAL_TM3_PRJ = (  # a VN-2000 TM-3 .prj as local tools write it: WGS84 ellipsoid, no datum shift
    'PROJCS["VN_2000_TM3",GEOGCS["GCS_local",DATUM["D_local",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.75],'
    'PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]')


def test_a_prj_without_datum_shift_is_read_and_flagged(tmp_path):
    x, y = Transformer.from_crs(4326, LOCAL_TM3_PRJ, always_xy=True).transform(105.8, 21.0)
    path = write_raw_shapefile(tmp_path / "local.shp", {"MA_XA": ["00004"]}, [shapely.box(x, y, x + 9, y + 9)],
                               crs=LOCAL_TM3_PRJ, cpg="UTF-8")
    load = read_boundaries(path)
    assert load.info["reprojected"] is True
    assert _closest_vertex_distance(load.units.geometry.iloc[0], (105.8, 21.0)) < 1.0
    assert any(p.startswith("no datum shift is known") for p in [str(m) for m in load.info["problems"]])


def test_no_crs_with_lonlat_coordinates_is_assumed_wgs84_and_said(tmp_path):
    path = write_raw_shapefile(tmp_path / "lonlat.shp", {"MA_XA": ["00004"]}, [square(105.8, 21.0)], cpg="UTF-8")
    path.with_suffix(".prj").unlink()
    load = read_boundaries(path)
    assert load.info["crs_in"] == "EPSG:4326" and load.info["reprojected"] is False
    assert any("EPSG:4326 assumed" in p for p in [str(m) for m in load.info["problems"]])


# -- encodings ---------------------------------------------------------------------------------------------------
LEGACY_NAMES = {  # encoding -> (bytes per name, expected names)
    "TCVN3": ([b"B\xb6o Th\xbeng", b"M\xad\xeang Kh\xad\xacng", b"\xa7\xabng La"],
              ["Bảo Thắng", "Mường Khương", "Đông La"]),
    "VNI": ([b"Xa\xf5 \xd1o\xe2ng La", b"Thu\xfby Nguye\xe2n", b"H\xf6\xf4\xf9ng Ho\xf9a"],
            ["Xã Đông La", "Thủy Nguyên", "Hướng Hóa"]),
    "cp1258": ([encode_cp1258(n) for n in ("Bảo Thắng", "Mường Khương", "Đông La")],
               ["Bảo Thắng", "Mường Khương", "Đông La"]),
}


@pytest.mark.parametrize("encoding", LEGACY_NAMES)
def test_dbf_in_legacy_encoding_without_cpg_is_detected_and_decoded(tmp_path, encoding):
    raw, expected = LEGACY_NAMES[encoding]
    path = write_raw_shapefile(tmp_path / "xa.shp", {"TEN_XA": raw, "MA_XA": ["02800", "02801", "09892"]},
                               [square(104 + i * 0.1, 22) for i in range(3)])
    assert not path.with_suffix(".cpg").exists()
    load = read_boundaries(path)
    assert load.info["encoding"] == encoding
    assert load.units["commune_name"].tolist() == expected
    assert all(unicodedata.is_normalized("NFC", n) for n in load.units["commune_name"])


def test_a_cpg_file_is_believed(tmp_path):
    names = ["Hướng Hóa", "Bảo Thắng"]
    path = write_raw_shapefile(tmp_path / "xa.shp", {"TEN_XA": [encode_cp1258(n) for n in names]},
                               [square(104, 22), square(105, 22)], cpg="1258")
    load = read_boundaries(path)
    assert load.info["encoding"] == "cp1258"
    assert load.units["commune_name"].tolist() == names
    # a .cpg wins over detection: without it these cp1252 bytes read as cp1258 "Xă Tân"
    latin = write_raw_shapefile(tmp_path / "latin.shp", {"TEN_XA": ["Xã Tân".encode("cp1252")]}, [square(104, 22)],
                                cpg="1252")
    load = read_boundaries(latin)
    assert load.info["encoding"] == "cp1252"
    assert load.units["commune_name"].tolist() == ["Xã Tân"]
    latin.with_suffix(".cpg").unlink()
    assert read_boundaries(latin).units["commune_name"].tolist() == ["Xă Tân"]


def test_a_wrong_cpg_is_believed_and_said(tmp_path):
    raw, _ = LEGACY_NAMES["TCVN3"]
    path = write_raw_shapefile(tmp_path / "xa.shp", {"TEN_XA": raw}, [square(104 + i * 0.1, 22) for i in range(3)],
                               cpg="UTF-8")
    load = read_boundaries(path)
    assert load.info["encoding"] == "UTF-8"
    assert "3 text values are not valid UTF-8: is the .cpg right?" in [str(p) for p in load.info["problems"]]


def test_zipped_tcvn3_shapefile(tmp_path):
    raw, expected = LEGACY_NAMES["TCVN3"]
    (tmp_path / "src").mkdir()
    shp = write_raw_shapefile(tmp_path / "src" / "xa.shp", {"TEN_XA": raw},
                              [square(104 + i * 0.1, 22) for i in range(3)])
    archive = tmp_path / "ranh_gioi.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in shp.parent.iterdir():
            zipped.write(part, f"data/{part.name}")
    load = read_boundaries(archive)
    assert load.units["commune_name"].tolist() == expected and load.info["encoding"] == "TCVN3"


# -- geometry, names, codes, formats -----------------------------------------------------------------------------
def _geojson(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": geometry} for props, geometry in features]},
        ensure_ascii=False), encoding="utf-8")
    return path


def test_invalid_geometry_repaired_z_dropped_empty_reported(tmp_path):
    bowtie = {"type": "Polygon", "coordinates": [[[105, 21, 5], [105.1, 21.1, 5], [105.1, 21, 5],
                                                   [105, 21.1, 5], [105, 21, 5]]]}
    good = shapely.geometry.mapping(square(105.2, 21))
    path = _geojson(tmp_path / "xa.geojson", [
        ({"ma_xa": 1234, "ten_xa": "Xã Hoà Bình"}, bowtie),
        ({"ma_xa": "9877", "ten_xa": unicodedata.normalize("NFD", "Xã Thuỷ Nguyên")}, good),
        ({"ma_xa": "9878.0", "ten_xa": "Phường 1"}, None),
    ])
    load = read_boundaries(path)
    units, info = load.units, load.info
    assert info["invalid_fixed"] == 1 and info["empty"] == 1 and info["features"] == 3
    assert units.geometry.iloc[0].is_valid and not units.geometry.iloc[0].has_z
    assert units.geometry.iloc[0].area == pytest.approx(0.005)  # both triangles of the bowtie kept
    assert units["commune_code"].tolist() == ["01234", "09877", "09878"]
    assert units["commune_name"].tolist() == ["Xã Hoà Bình", "Xã Thuỷ Nguyên", "Phường 1"]
    assert units["commune_type"].tolist() == ["Xã", "Xã", "Phường"]
    assert info["names_not_nfc"] == 1 and info["level"] == "commune"
    assert not any("more than once" in p for p in [str(m) for m in info["problems"]])
    twice = _geojson(tmp_path / "twice.geojson", [({"ma_xa": 1234}, good), ({"ma_xa": "01234"}, good)])
    assert "2 commune_code" not in " ".join(map(str, read_boundaries(twice).info["problems"]))
    assert "1 commune_code values appear more than once, e.g. '01234'" in list(map(str, read_boundaries(twice).info["problems"]))


def test_geoparquet_and_gpkg_hamlets_with_level_detected(tmp_path):
    frame = gpd.GeoDataFrame({"commune_code": ["09877", "09877"], "hamlet_name": ["Thôn Lũng Vân", "Xóm 2"],
                              "province_code": [1, 1]}, geometry=[square(105, 21), square(105.1, 21)], crs=4326)
    frame.to_parquet(tmp_path / "thon.parquet")
    pyogrio.write_dataframe(frame, tmp_path / "thon.gpkg", layer="thon")
    for name in ("thon.parquet", "thon.gpkg"):
        load = read_boundaries(tmp_path / name)
        assert load.info["level"] == "hamlet"
        assert load.units["hamlet_id"].tolist() == ["09877-001", "09877-002"]
        assert load.units["hamlet_type"].tolist() == ["Thôn", "Xóm"]
        assert load.units["province_code"].tolist() == ["01", "01"]


def test_gpkg_with_several_layers_reads_the_one_for_the_level(tmp_path):
    path = tmp_path / "ranh_gioi.gpkg"
    provinces = gpd.GeoDataFrame({"ma_tinh": ["01"]}, geometry=[square(105, 21, 1)], crs=4326)
    hamlets = gpd.GeoDataFrame({"ma_xa": ["09877"], "ten_thon": ["Thôn 1"]}, geometry=[square(105, 21)], crs=4326)
    pyogrio.write_dataframe(provinces, path, layer="ranh_gioi_tinh")
    pyogrio.write_dataframe(hamlets, path, layer="ranh_gioi_thon", append=True)
    load = read_boundaries(path, level="hamlet")
    assert load.info["layer"] == "ranh_gioi_thon" and load.units["hamlet_name"].tolist() == ["Thôn 1"]
    assert "the GeoPackage has 2 layers; read 'ranh_gioi_thon'" in [str(p) for p in load.info["problems"]]
    assert read_boundaries(path).info["layer"] == "ranh_gioi_tinh"


@pytest.mark.parametrize("name, content, message", [
    ("empty.geojson", b"", "empty"),
    ("notjson.geojson", b"this is not json", "not JSON"),
    ("text.shp", b"just some text\n", "not a valid shapefile"),
    ("truncated.zip", None, "ZIP"),
    ("nothing.gpkg", b"not a database at all", "not a valid geopackage"),
    ("no_features.geojson", b'{"type": "FeatureCollection", "features": []}', "holds no features"),
    ("broken.geojson", b'{"type": "FeatureCollection", "features": [', "cannot be read as GeoJSON"),
])
def test_bad_files_give_one_line_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        good = tmp_path / "good.zip"
        with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as zipped:
            zipped.writestr("xa.geojson", '{"type": "FeatureCollection", "features": []}' * 200)
        path.write_bytes(good.read_bytes()[:-60])
    else:
        path.write_bytes(content)
    with pytest.raises(LoaderError) as error:
        read_boundaries(path)
    text = str(error.value)
    assert text.startswith(f"{name}: ") and message in text and "\n" not in text


def test_zip_declaring_a_huge_unpacked_size_is_refused_before_unpacking(tmp_path, monkeypatch):
    settings = tmp_path / "settings.toml"
    settings.write_text("[upload]\nmax_unpacked_mb = 1\nmax_zip_ratio = 100000\n", encoding="utf-8")
    monkeypatch.setenv("COVERAGE_MAP_SETTINGS", str(settings))
    archive = tmp_path / "bom.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("xa.geojson", " " * (2 * 1024**2))
    with pytest.raises(LoaderError, match=r"^bom\.zip: ") as error:
        read_boundaries(archive)
    assert "1 MB" in str(error.value) and "\n" not in str(error.value)


def test_shapefile_without_dbf_is_refused(tmp_path):
    path = write_raw_shapefile(tmp_path / "xa.shp", {"MA_XA": ["00004"]}, [square(105, 21)], cpg="UTF-8")
    path.with_suffix(".dbf").unlink()
    with pytest.raises(LoaderError, match=r"xa\.shp: .*\.dbf"):
        read_boundaries(path)


@pytest.mark.real_data
def test_real_2025_communes(real_communes_path):
    load = read_boundaries(real_communes_path)
    units, info = load.units, load.info
    assert info["features"] == 3321 and info["invalid_fixed"] == 76 and info["level"] == "commune"
    assert units.is_valid.all() and units.crs.to_epsg() == 4326
    assert units["commune_code"].str.fullmatch(r"\d{5}").all() and units["commune_code"].is_unique
    assert units["commune_type"].value_counts().to_dict() == {"Xã": 2621, "Phường": 687, "Đặc khu": 13}
    assert info["names_not_nfc"] > 0
    assert all(unicodedata.is_normalized("NFC", n) for n in units["commune_name"])
