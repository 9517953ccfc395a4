"""Hostile and broken boundary files: GeoJSON, GeoParquet, shapefiles, GeoPackages; huge and damaged geometries."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import box

from hostile import case
from hostile.archives import small_geojson

MB = 1024 * 1024


def communes(n: int = 2, names=None) -> gpd.GeoDataFrame:
    names = names or [f"Xã Số {i}" for i in range(n)]
    return gpd.GeoDataFrame({"ma_tinh": ["01"] * n, "ma_xa": [f"{4 + 4 * i:05d}" for i in range(n)],
                             "ten_xa": names},
                            geometry=[box(105.8 + i * 0.1, 21.0, 105.89 + i * 0.1, 21.09) for i in range(n)],
                            crs="EPSG:4326")


def zigzag(vertices: int, x: float = 105.8, y: float = 21.0) -> shapely.Polygon:
    """A valid comb-shaped polygon: the shape that made GEOS's Douglas-Peucker recurse until SIGSEGV."""
    xs = np.linspace(x, x + 0.5, vertices - 3)
    ys = y + 0.1 + 0.05 * (np.arange(vertices - 3) % 2)
    return shapely.Polygon(np.c_[np.r_[xs, x + 0.5, x], np.r_[ys, y, y]])


def with_geometries(frame: gpd.GeoDataFrame, geometries) -> gpd.GeoDataFrame:
    frame = frame.copy()
    frame["geometry"] = gpd.GeoSeries(list(geometries), crs=frame.crs)
    return frame


def many_points(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"ma_xa": np.char.zfill(np.arange(n).astype(str), 5)},
                            geometry=shapely.points(105 + np.arange(n) * 1e-6, np.full(n, 21.0)), crs="EPSG:4326")


# -- GeoJSON ---------------------------------------------------------------------------------------------------------
def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@case("geojson", "boundaries")
def _geojson_control(d: Path) -> Path:
    (d / "xa.geojson").write_bytes(small_geojson())
    return d / "xa.geojson"


@case("geojson", "boundaries", "refused", "boundaries.not_json")
def _geojson_that_is_html(d: Path) -> Path:
    return write_text(d / "xa.geojson", "<html>404 Not Found</html>")


@case("geojson", "boundaries", "refused", "boundaries.unreadable")
def _geojson_truncated(d: Path) -> Path:
    (d / "cat.geojson").write_bytes(small_geojson()[:-80])
    return d / "cat.geojson"


@case("geojson", "boundaries", "refused")
def _geojson_nested_a_million_deep(d: Path) -> Path:
    depth = 1_000_000
    return write_text(d / "sau.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
                      '"geometry":{"type":"Polygon","coordinates":' + "[" * depth + "]" * depth + "}}]}")


@case("geojson", "boundaries", "ok", "boundaries.simplified", slow=True)
def _geojson_polygon_of_400k_vertices(d: Path) -> Path:
    with_geometries(communes(1), [zigzag(400_001)]).to_file(d / "rang_cua.geojson", driver="GeoJSON")
    return d / "rang_cua.geojson"


@case("geojson", "boundaries", "refused", "limits.too_many_features", slow=True)
def _geojson_500k_features(d: Path) -> Path:
    many_points(500_001).to_file(d / "nua_trieu.geojson", driver="GeoJSON")
    return d / "nua_trieu.geojson"


@case("geojson", "boundaries", "ok", "boundaries.non_finite")
def _geojson_nan_coordinates(d: Path) -> Path:
    data = json.loads(small_geojson())
    data["features"][0]["geometry"]["coordinates"][0][1] = [float("nan"), 21.0]
    return write_text(d / "nan.geojson", json.dumps(data, ensure_ascii=False))  # json writes NaN, as some tools do


@case("geojson", "boundaries", "refused", "boundaries.unreadable")
def _geojson_number_beyond_a_double(d: Path) -> Path:
    text = small_geojson().decode("utf-8").replace("[105.89, 21.0]", "[1e999, 21.0]", 1)
    return write_text(d / "vo_cuc.geojson", text)


@case("geojson", "boundaries", "refused", "boundaries.not_lonlat")
def _geojson_astronomical_coordinates(d: Path) -> Path:
    data = json.loads(small_geojson())
    data["features"][0]["geometry"]["coordinates"] = [[[1e20, 21.0], [1e20 + 1e6, 21.0], [1e20, 22.0], [1e20, 21.0]]]
    return write_text(d / "xa_vu_tru.geojson", json.dumps(data, ensure_ascii=False))


@case("geojson", "boundaries", "ok", "boundaries.empty_geometries")
def _geojson_coordinates_as_text(d: Path) -> Path:
    return write_text(d / "chu.geojson", small_geojson().decode("utf-8").replace("21.0]", '"21"]'))


@case("geojson", "boundaries", "refused", "boundaries.no_features")
def _geojson_empty_collection(d: Path) -> Path:
    return write_text(d / "rong.geojson", '{"type": "FeatureCollection", "features": []}')


@case("geojson", "boundaries", "ok", "boundaries.empty_geometries")
def _geojson_null_geometries(d: Path) -> Path:
    data = json.loads(small_geojson())
    data["features"][1]["geometry"] = None
    return write_text(d / "khong_hinh.geojson", json.dumps(data, ensure_ascii=False))


@case("geojson", "boundaries", "refused", "boundaries.unreadable")
def _geojson_property_of_10_mb(d: Path) -> Path:
    data = json.loads(small_geojson())
    data["features"][0]["properties"]["ghi_chu"] = "x" * (10 * MB)
    return write_text(d / "thuoc_tinh_lon.geojson", json.dumps(data))


@case("geojson", "boundaries", "refused")
def _geojson_topojson(d: Path) -> Path:
    return write_text(d / "topo.geojson", '{"type":"Topology","objects":{},"arcs":[[[0,0],[1,1]]]}')


@case("geojson", "boundaries", "refused", "boundaries.not_json")
def _geojson_utf16(d: Path) -> Path:
    (d / "utf16.geojson").write_bytes(small_geojson().decode("utf-8").encode("utf-16"))
    return d / "utf16.geojson"


@case("geojson", "boundaries")
def _geojson_with_bom(d: Path) -> Path:
    (d / "bom.geojson").write_bytes(b"\xef\xbb\xbf" + small_geojson())
    return d / "bom.geojson"


@case("geojson", "boundaries")
def _geojson_names_with_markup(d: Path) -> Path:
    names = ["![x](http://evil/x.png) [bấm](http://evil)", "<img src=x onerror=alert(1)> ＝1+1"]
    (d / "chen_ma.geojson").write_bytes(small_geojson(names))
    return d / "chen_ma.geojson"


@case("geojson", "boundaries", "ok", "boundaries.simplified", slow=True)
def _geojson_polygon_with_20k_holes(d: Path) -> Path:
    holes = [box(105.801 + (i % 200) * 0.0004, 21.001 + (i // 200) * 0.0008, 105.8012 + (i % 200) * 0.0004,
                 21.0012 + (i // 200) * 0.0008).exterior.coords for i in range(20_000)]
    polygon = shapely.Polygon(box(105.8, 21.0, 105.9, 21.09).exterior.coords, holes)
    with_geometries(communes(1), [polygon]).to_file(d / "lo_thung.geojson", driver="GeoJSON")
    return d / "lo_thung.geojson"


@case("geojson", "boundaries", "ok", "boundaries.simplified", slow=True)
def _geojson_multipolygon_of_20k_islands(d: Path) -> Path:
    parts = [box(105.8 + (i % 200) * 0.0004, 21.0 + (i // 200) * 0.0008, 105.8002 + (i % 200) * 0.0004,
                 21.0002 + (i // 200) * 0.0008) for i in range(20_000)]
    with_geometries(communes(1), [shapely.MultiPolygon(parts)]).to_file(d / "dao.geojson", driver="GeoJSON")
    return d / "dao.geojson"


@case("geojson", "boundaries", "ok", "boundaries.repaired")
def _geojson_bow_tie(d: Path) -> Path:
    bow = shapely.Polygon([(105.8, 21.0), (105.9, 21.1), (105.9, 21.0), (105.8, 21.1), (105.8, 21.0)])
    with_geometries(communes(1), [bow]).to_file(d / "no.geojson", driver="GeoJSON")
    return d / "no.geojson"


@case("geojson", "boundaries", "refused", "boundaries.not_lonlat")
def _geojson_latitude_and_longitude_swapped(d: Path) -> Path:
    frame = communes(2)
    frame["geometry"] = frame.geometry.map(lambda g: shapely.ops.transform(lambda x, y: (y, x), g))
    frame.to_file(d / "dao_truc.geojson", driver="GeoJSON")
    return d / "dao_truc.geojson"


@case("geojson", "boundaries", "any")
def _geojson_unknown_crs_member(d: Path) -> Path:
    data = json.loads(small_geojson())
    data["crs"] = {"type": "name", "properties": {"name": "EPSG:99999"}}
    return write_text(d / "crs_la.geojson", json.dumps(data, ensure_ascii=False))


@case("geojson", "boundaries", "ok", "boundaries.simplified", slow=True)
def _geojson_line_of_400k_vertices(d: Path) -> Path:
    line = shapely.LineString(np.c_[np.linspace(105, 106, 400_000), 21 + 0.01 * (np.arange(400_000) % 2)])
    with_geometries(communes(1), [line]).to_file(d / "duong.geojson", driver="GeoJSON")
    return d / "duong.geojson"


# -- GeoPackage ------------------------------------------------------------------------------------------------------
@case("gpkg", "boundaries")
def _gpkg_control(d: Path) -> Path:
    communes(3).to_file(d / "xa.gpkg", driver="GPKG")
    return d / "xa.gpkg"


@case("gpkg", "boundaries", "refused", "boundaries.wrong_header")
def _gpkg_that_is_not_sqlite(d: Path) -> Path:
    (d / "gia.gpkg").write_bytes(b"not sqlite" * 100)
    return d / "gia.gpkg"


@case("gpkg", "boundaries", "refused")
def _gpkg_truncated(d: Path) -> Path:
    communes(300).to_file(d / "x.gpkg", driver="GPKG")
    data = (d / "x.gpkg").read_bytes()
    (d / "x.gpkg").unlink()
    (d / "cat.gpkg").write_bytes(data[: len(data) // 3])
    return d / "cat.gpkg"


@case("gpkg", "boundaries", "refused")
def _gpkg_sqlite_without_layers(d: Path) -> Path:
    with sqlite3.connect(d / "trong.gpkg") as connection:
        connection.execute("CREATE TABLE t (x INTEGER)")
    return d / "trong.gpkg"


@case("gpkg", "boundaries", "any")
def _gpkg_geometry_blobs_of_garbage(d: Path) -> Path:
    communes(3).to_file(d / "blob.gpkg", driver="GPKG")
    with sqlite3.connect(d / "blob.gpkg") as connection:
        table = connection.execute("SELECT table_name FROM gpkg_contents").fetchone()[0]
        for (trigger,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            connection.execute(f'DROP TRIGGER "{trigger}"')  # they call SpatiaLite functions sqlite3 lacks
        connection.execute(f"UPDATE \"{table}\" SET geom = X'{bytes((i * 53) % 256 for i in range(64)).hex()}' "
                           "WHERE fid = 2")
    return d / "blob.gpkg"


@case("gpkg", "boundaries", "ok", "boundaries.non_finite")
def _gpkg_nan_coordinates(d: Path) -> Path:
    frame = with_geometries(communes(2), [box(105.8, 21.0, 105.9, 21.1),
                                         shapely.Polygon([(105.9, 21.0), (np.nan, 21.0), (106.0, 21.1)])])
    frame.to_file(d / "nan.gpkg", driver="GPKG")
    return d / "nan.gpkg"


@case("gpkg", "boundaries", "ok", "boundaries.simplified", slow=True)
def _gpkg_polygon_of_400k_vertices(d: Path) -> Path:
    with_geometries(communes(1), [zigzag(400_001)]).to_file(d / "rang_cua.gpkg", driver="GPKG")
    return d / "rang_cua.gpkg"


@case("gpkg", "boundaries", "refused", "limits.too_many_features", slow=True)
def _gpkg_500k_features(d: Path) -> Path:
    many_points(500_001).to_file(d / "nua_trieu.gpkg", driver="GPKG")
    return d / "nua_trieu.gpkg"


@case("gpkg", "boundaries", "ok", "boundaries.gpkg_layers")
def _gpkg_two_layers_one_named_like_sql(d: Path) -> Path:
    communes(2).to_file(d / "hai_lop.gpkg", layer="xa'; DROP TABLE gpkg_contents; --", driver="GPKG")
    communes(2).to_file(d / "hai_lop.gpkg", layer="ranh_gioi_xa", driver="GPKG")
    return d / "hai_lop.gpkg"
