"""Hostile and broken boundary files: GeoJSON, GeoParquet, shapefiles, GeoPackages; huge and damaged geometries."""

from __future__ import annotations

import json
import sqlite3
import struct
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
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


# -- GeoParquet ------------------------------------------------------------------------------------------------------
@case("geoparquet", "boundaries")
def _geoparquet_control(d: Path) -> Path:
    communes(3).to_parquet(d / "xa.parquet")
    return d / "xa.parquet"


def geo_table(frame: gpd.GeoDataFrame, directory: Path) -> pa.Table:
    """The frame as a GeoParquet table (WKB geometry and ``geo`` metadata), to be altered and written."""
    frame.to_parquet(directory / "_tmp.parquet")
    table = pq.read_table(directory / "_tmp.parquet")
    (directory / "_tmp.parquet").unlink()
    return table


@case("geoparquet", "boundaries", "ok", "boundaries.bad_wkb")
def _geoparquet_damaged_wkb(d: Path) -> Path:
    table = geo_table(communes(4), d)
    wkb = table.column("geometry").to_pylist()
    wkb[1], wkb[3] = b"\x01\x03\x00\x00\x00\xff\xff\xff\x7f" + bytes(20), bytes(range(40))
    index = table.schema.get_field_index("geometry")
    table = table.set_column(index, table.schema.field(index), pa.array(wkb, type=table.schema.field(index).type))
    pq.write_table(table, d / "wkb_hong.parquet")
    return d / "wkb_hong.parquet"


@case("geoparquet", "boundaries", "refused", "boundaries.unreadable")
def _geoparquet_truncated(d: Path) -> Path:
    communes(3).to_parquet(d / "x.parquet")
    data = (d / "x.parquet").read_bytes()
    (d / "x.parquet").unlink()
    (d / "cat.parquet").write_bytes(data[: len(data) // 2])
    return d / "cat.parquet"


@case("geoparquet", "boundaries", "refused", "boundaries.unreadable")
def _geoparquet_magic_only(d: Path) -> Path:
    (d / "vo.parquet").write_bytes(b"PAR1" + bytes(64) + b"PAR1")
    return d / "vo.parquet"


@case("geoparquet", "boundaries", "refused", "boundaries.unreadable")
def _geoparquet_without_geo_metadata(d: Path) -> Path:
    pq.write_table(pa.table({"ma_xa": ["00004"], "x": [105.8]}), d / "khong_geo.parquet")
    return d / "khong_geo.parquet"


@case("geoparquet", "boundaries", "refused", "limits.too_many_features")
def _geoparquet_600k_rows(d: Path) -> Path:
    many_points(600_000).to_parquet(d / "nhieu_dong.parquet")
    return d / "nhieu_dong.parquet"


@case("geoparquet", "boundaries", "refused", "limits.too_many_vertices", slow=True)
def _geoparquet_six_million_vertices(d: Path) -> Path:
    frame = with_geometries(communes(100), [zigzag(60_000, 105 + i * 0.01) for i in range(100)])
    frame.to_parquet(d / "nhieu_dinh.parquet", compression="zstd")
    return d / "nhieu_dinh.parquet"


@case("geoparquet", "boundaries", "refused", "archive.unpacked_too_big", slow=True)
def _geoparquet_that_unpacks_to_600_mb(d: Path) -> Path:
    table = geo_table(communes(2), d)
    path = d / "bom.parquet"
    schema = table.schema.append(pa.field("rac", pa.binary()))
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for _ in range(12):  # two different values: no dictionary page can make them one
            writer.write_table(table.append_column("rac", pa.array([b"a" * (25 * MB), b"b" * (25 * MB)],
                                                                   pa.binary())), row_group_size=2)
    return path


@case("geoparquet", "boundaries", "ok", slow=True)
def _geoparquet_dictionary_of_one_huge_value(d: Path) -> Path:  # 8 GB if expanded: read as categories, it is not
    rows = 400_000
    table = geo_table(many_points(rows), d)
    column = pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, dtype=np.int32)), pa.array(["x" * 20_000]))
    pq.write_table(table.append_column("ghi_chu", column), d / "tu_dien.parquet", compression="zstd")
    return d / "tu_dien.parquet"


@case("geoparquet", "boundaries", "ok", "boundaries.non_finite")
def _geoparquet_nan_coordinates(d: Path) -> Path:
    frame = with_geometries(communes(2), [box(105.8, 21.0, 105.9, 21.1),
                                         shapely.Polygon([(105.9, 21.0), (np.nan, 21.0), (106.0, 21.1)])])
    frame.to_parquet(d / "nan.parquet")
    return d / "nan.parquet"


@case("geoparquet", "boundaries", "ok", "boundaries.simplified", slow=True)
def _geoparquet_polygon_of_400k_vertices(d: Path) -> Path:
    with_geometries(communes(1), [zigzag(400_001)]).to_parquet(d / "rang_cua.parquet")
    return d / "rang_cua.parquet"


@case("geoparquet", "boundaries", "refused", "boundaries.unreadable")
def _geoparquet_crs_that_is_nonsense(d: Path) -> Path:
    table = pq.read_table(_geoparquet_control(d))
    geo = json.loads(table.schema.metadata[b"geo"])
    geo["columns"]["geometry"]["crs"] = {"type": "GeographicCRS", "name": "x", "datum": 12}
    pq.write_table(table.replace_schema_metadata({b"geo": json.dumps(geo).encode()}), d / "crs_sai.parquet")
    return d / "crs_sai.parquet"


@case("geoparquet", "boundaries", "refused")
def _geoparquet_geo_metadata_not_json(d: Path) -> Path:
    table = pq.read_table(_geoparquet_control(d))
    pq.write_table(table.replace_schema_metadata({b"geo": b"{not json"}), d / "geo_hong.parquet")
    return d / "geo_hong.parquet"


@case("geoparquet", "boundaries", slow=True)
def _geoparquet_ten_thousand_row_groups(d: Path) -> Path:
    frame = communes(10_000)
    frame["geometry"] = [box(105 + (i % 100) * 0.01, 20 + (i // 100) * 0.01, 105.009 + (i % 100) * 0.01,
                             20.009 + (i // 100) * 0.01) for i in range(10_000)]
    frame.to_parquet(d / "nhom_dong.parquet", row_group_size=1)
    return d / "nhom_dong.parquet"


# -- shapefiles ------------------------------------------------------------------------------------------------------
def shapefile(frame: gpd.GeoDataFrame, path: Path, cpg: str | None = "UTF-8") -> list[Path]:
    frame.to_file(path, driver="ESRI Shapefile", encoding="UTF-8")
    if cpg is None:
        path.with_suffix(".cpg").unlink(missing_ok=True)
    else:
        path.with_suffix(".cpg").write_text(cpg)
    return [path, *sorted(p for p in path.parent.glob(path.stem + ".*") if p != path)]


@case("shapefile", "boundaries")
def _shapefile_control(d: Path) -> list:
    return shapefile(communes(3), d / "xa.shp")


@case("shapefile", "boundaries", "ok", "boundaries.empty_geometries")
def _shapefile_body_of_garbage(d: Path) -> list:
    files = shapefile(communes(3), d / "rac.shp")
    data = bytearray(files[0].read_bytes())
    data[100:] = bytes((i * 37) % 256 for i in range(len(data) - 100))
    files[0].write_bytes(bytes(data))
    return files


@case("shapefile", "boundaries", "any")
def _shapefile_cut_in_half(d: Path) -> list:
    files = shapefile(communes(30), d / "cat.shp")
    files[0].write_bytes(files[0].read_bytes()[: files[0].stat().st_size // 2])
    return files


@case("shapefile", "boundaries", "refused", "boundaries.missing_parts")
def _shapefile_without_dbf(d: Path) -> list:
    files = shapefile(communes(2), d / "thieu.shp")
    files[0].with_suffix(".dbf").unlink()
    return [f for f in files if f.exists()]


@case("shapefile", "boundaries", "any")
def _shapefile_dbf_claiming_two_billion_records(d: Path) -> list:
    files = shapefile(communes(2), d / "dbf_noi_doi.shp")
    dbf = files[0].with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    struct.pack_into("<L", data, 4, 2**31 - 1)
    dbf.write_bytes(bytes(data))
    return files


@case("shapefile", "boundaries", "refused", "boundaries.unreadable")
def _shapefile_prj_of_garbage(d: Path) -> list:
    files = shapefile(communes(2), d / "prj_rac.shp")
    files[0].with_suffix(".prj").write_text('PROJCS["x",GEOGCS[' * 500)
    return files


@case("shapefile", "boundaries", "ok", "boundaries.unknown_cpg")
def _shapefile_cpg_naming_base64(d: Path) -> list:
    return shapefile(communes(2, ["Xã Hòa Bình", "Phường Ba Đình"]), d / "base64.shp", cpg="base64")


@case("shapefile", "boundaries", "ok", "boundaries.unknown_cpg")
def _shapefile_cpg_naming_rot13(d: Path) -> list:
    return shapefile(communes(2), d / "rot13.shp", cpg="rot_13")


@case("shapefile", "boundaries", "ok", "boundaries.unknown_cpg")
def _shapefile_cpg_of_a_megabyte(d: Path) -> list:
    return shapefile(communes(2), d / "cpg_lon.shp", cpg="x" * MB)


@case("shapefile", "boundaries")
def _shapefile_cpg_naming_utf16(d: Path) -> list:
    return shapefile(communes(2), d / "utf16.shp", cpg="UTF-16")


@case("shapefile", "boundaries", "ok", "boundaries.non_finite")
def _shapefile_nan_coordinates(d: Path) -> list:  # GDAL will not write NaN: the bytes are patched afterwards
    files = shapefile(communes(2), d / "nan.shp")
    shx = files[0].with_suffix(".shx").read_bytes()
    second = struct.unpack(">i", shx[108:112])[0] * 2  # offset of record 2, in 16-bit words
    data = bytearray(files[0].read_bytes())
    first_point = second + 8 + 4 + 32 + 4 + 4 + 4  # record header, type, box, parts, points, one part index
    struct.pack_into("<dd", data, first_point + 16, float("nan"), float("inf"))
    files[0].write_bytes(bytes(data))
    return files


@case("shapefile", "boundaries", "ok", "boundaries.simplified", slow=True)
def _shapefile_polygon_of_400k_vertices(d: Path) -> list:
    return shapefile(with_geometries(communes(1), [zigzag(400_001)]), d / "rang_cua.shp")


@case("shapefile", "boundaries", "refused", "limits.too_many_vertices", slow=True)
def _shapefile_six_million_vertices(d: Path) -> list:
    frame = with_geometries(communes(100), [zigzag(60_000, 105 + i * 0.01) for i in range(100)])
    return shapefile(frame, d / "nhieu_dinh.shp")


@case("shapefile", "boundaries", "refused", "limits.too_many_features", slow=True)
def _shapefile_500k_features(d: Path) -> list:
    return shapefile(many_points(500_001), d / "nua_trieu.shp")


@case("shapefile", "boundaries")
def _shapefile_named_with_glob_characters(d: Path) -> list:
    return shapefile(communes(2), d / "xa[1]*.shp")


@case("shapefile", "boundaries", "refused", "boundaries.wrong_header")
def _shapefile_that_is_text(d: Path) -> list:
    (d / "xa.shp").write_text("Đây là văn bản, không phải shapefile", encoding="utf-8")
    return [d / "xa.shp"]


@case("shapefile", "boundaries", "ok", "boundaries.decoded_from")
def _shapefile_tcvn3_without_cpg(d: Path) -> list:
    from fixtures_builders import square, write_raw_shapefile

    path = write_raw_shapefile(d / "tcvn3.shp", {"MA_XA": ["00004", "00008"],
                                                 "TEN_XA": [b"Ph\xad\xeang Ba \xa7\xddnh", b"X\xb7 H\xdfa B\xdfnh"]},
                               [square(105.8, 21.0), square(105.9, 21.0)])
    return [path, *sorted(p for p in d.glob("tcvn3.*") if p != path)]


@case("shapefile", "boundaries", "any")
def _shapefile_dbf_of_garbage(d: Path) -> list:
    files = shapefile(communes(2), d / "dbf_rac.shp")
    files[0].with_suffix(".dbf").write_bytes(bytes((i * 91) % 256 for i in range(4000)))
    return files


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
