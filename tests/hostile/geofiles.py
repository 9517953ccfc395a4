"""Hostile and broken GeoParquet files and shapefiles."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from shapely.geometry import box

from hostile import case
from hostile.geo import MB, communes, many_points, with_geometries, zigzag


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
