"""Open and read boundary files safely: formats, zips, layers, encodings, and caps counted while reading.

Used by :func:`loaders.boundaries.read_boundaries`. Every file is untrusted: its kind is checked by its first
bytes, a ZIP by :func:`loaders.archive.inspect_zip` before GDAL reads a byte, and before the features are loaded
a first pass streams only the geometries (GDAL's Arrow stream, or the GeoParquet row groups) and counts features
and vertices against the caps, so a bomb stops there with a plain message. Damaged geometries (bad WKB) become
empty shapes and are reported, never a traceback. No message shows a server path: library errors are cut to
their first line with the file's folder removed.
"""

from __future__ import annotations

import io
import json
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pyogrio
import pyogrio.errors
import shapely
from pyproj.exceptions import CRSError, ProjError
from shapely.errors import GEOSException

from i18n import Message
from loaders.archive import inspect_zip
from loaders.encodings import codec_for_cpg
from loaders.errors import LoaderError
from loaders.limits import LimitError, Limits
from loaders.text import header_key

_KINDS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "Shapefile", ".gpkg": "GeoPackage",
          ".parquet": "GeoParquet", ".geoparquet": "GeoParquet"}
_MAGIC = {"Shapefile": b"\x00\x00\x27\x0a", "GeoPackage": b"SQLite format 3\x00", "GeoParquet": b"PAR1"}
#: Words in GeoPackage layer names that say which level a layer holds (compared without diacritics).
LAYER_HINTS = {"commune": ("xa", "commune", "ward", "phuong"), "hamlet": ("thon", "hamlet", "village", "ban", "ap"),
               "province": ("tinh", "province"), "district": ("huyen", "district")}
_BATCH = 20_000
_ABSOLUTE_PATH = re.compile(r"(?:/vsizip/)?(?:/[^/\s'\"]+)+/([^/\s'\"]+)")
_LIBRARY_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
                   pyogrio.errors.GeometryError, pyogrio.errors.CRSError, UnicodeDecodeError, ValueError, OSError,
                   TypeError, KeyError, IndexError, GEOSException, CRSError, ProjError, zipfile.BadZipFile, zlib.error, EOFError,
                   NotImplementedError)


class BoundaryError(LoaderError):
    """A boundary file that cannot be used (keys ``boundaries.*``)."""

    namespace = "boundaries"


@dataclass
class Source:
    """Where and how to read a boundary file: the GDAL path, the layer, and how its text is encoded."""

    path: Path
    gdal_path: str
    kind: str  # "GeoJSON", "Shapefile", "GeoPackage" or "GeoParquet"
    layer: str | None = None
    encoding: str = "UTF-8"
    detect_encoding: bool = False
    open_options: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    zip_member: str | None = None


def detail(error: BaseException) -> str:
    """The first line of a library's error, without folders (only file names), for a one-line message."""
    text = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return _ABSOLUTE_PATH.sub(r"\1", text)[:160] or type(error).__name__


def open_source(path: Path, level: str | None = None) -> Source:
    """Check a boundary file (or the one inside a ZIP) before reading it; refuse what cannot be read."""
    if not path.exists():
        raise BoundaryError("not_found", path)
    if path.is_dir():
        raise BoundaryError("is_folder", path)
    if path.stat().st_size == 0:
        raise BoundaryError("empty", path)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _choose_layer(_open_zip(path), level)
    kind = _KINDS.get(suffix)
    if kind is None:
        raise BoundaryError("bad_type", path, ext=suffix or "\"\"")
    with open(path, "rb") as handle:
        head = handle.read(64)
    _check_head(kind, head, path)
    source = Source(path=path, gdal_path=str(path), kind=kind)
    if kind == "Shapefile":
        siblings = {p.suffix.lower(): p for p in path.parent.glob(glob_escape(path.stem) + ".*")
                    if p.stem == path.stem}
        _shapefile_companions(source, siblings.keys(), lambda: siblings[".cpg"].read_bytes()[:256])
    return _choose_layer(source, level)


def glob_escape(text: str) -> str:
    """A file stem with glob's special characters taken literally (a name may contain ``[`` or ``*``)."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _check_head(kind: str, head: bytes, path: Path) -> None:
    if kind == "GeoJSON":
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not text.startswith((b"{", b"[")):
            raise BoundaryError("not_json", path)
    elif not head.startswith(_MAGIC[kind]):
        raise BoundaryError("wrong_header", path, kind=kind.lower())


def _shapefile_companions(source: Source, suffixes, read_cpg) -> None:
    """Require .dbf and .shx, and decide how the DBF text is decoded: a .cpg is believed, else detected."""
    missing = [s for s in (".shx", ".dbf") if s not in suffixes]
    if missing:
        raise BoundaryError("missing_parts", source.path, parts=" + ".join(missing))
    if ".prj" not in suffixes:
        source.problems.append(Message("boundaries.no_prj"))
    # GDAL's own recoding (from .cpg or the DBF language byte) is not trusted: it truncates cp1258 text and
    # legacy files set the language byte wrongly. Read raw bytes as ISO-8859-1 and decode them ourselves.
    source.open_options = {"ENCODING": "ISO-8859-1"}
    source.detect_encoding = True
    if ".cpg" in suffixes:
        declared = read_cpg().decode("ascii", errors="replace").strip()
        codec = codec_for_cpg(declared)
        if codec:
            source.encoding, source.detect_encoding = codec, False
        else:
            source.problems.append(Message("boundaries.unknown_cpg", {"declared": declared[:40]}))


def _open_zip(path: Path) -> Source:
    # Refuses unsafe entry paths, symlinks, zip bombs and archives over the upload caps before GDAL reads a byte.
    inspect_zip(path)
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.testzip() is not None:
                raise zipfile.BadZipFile
            names = [n for n in archive.namelist() if not n.endswith("/") and "__MACOSX" not in n]
            members = [n for n in names if PurePosixPath(n).suffix.lower() in _KINDS]
            members.sort(key=lambda n: (list(_KINDS).index(PurePosixPath(n).suffix.lower()) != 2, n))
            if not members:
                raise BoundaryError("zip_no_layer", path)
            member = members[0]
            kind = _KINDS[PurePosixPath(member).suffix.lower()]
            with archive.open(member) as handle:
                _check_head(kind, handle.read(64), path)
            source = Source(path=path, gdal_path=f"/vsizip/{path.resolve()}/{member}", kind=kind, zip_member=member)
            if len(members) > 1:
                source.problems.append(Message("boundaries.zip_several", {"member": member}))
            if kind == "Shapefile":
                stem = str(PurePosixPath(member).with_suffix(""))
                siblings = {PurePosixPath(n).suffix.lower(): n for n in names
                            if str(PurePosixPath(n).with_suffix("")) == stem}
                _shapefile_companions(source, siblings.keys(), lambda: archive.read(siblings[".cpg"])[:256])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError):
        raise LoaderError("archive.bad_zip", path) from None
    return source


def _choose_layer(source: Source, level: str | None) -> Source:
    if source.kind != "GeoPackage":
        return source
    try:
        layers = pyogrio.list_layers(source.gdal_path)
    except _LIBRARY_ERRORS as error:
        raise BoundaryError("gpkg_unreadable", source.path, detail=detail(error)) from None
    spatial = [name for name, geometry_type in layers if geometry_type]
    if not spatial:
        raise BoundaryError("gpkg_no_layer", source.path)
    polygons = [name for name, geometry_type in layers if geometry_type and "Polygon" in geometry_type]
    hinted = [name for name in spatial if level and set(header_key(name).replace("_", " ").split())
              & set(LAYER_HINTS.get(level, ()))]
    source.layer = (hinted or polygons or spatial)[0]
    if len(spatial) > 1:
        source.problems.append(Message("boundaries.gpkg_layers", {"n": len(spatial), "layer": source.layer}))
    return source


# -- reading ---------------------------------------------------------------------------------------------------------
def read_frame(source: Source, limits: Limits) -> gpd.GeoDataFrame:
    """Count the features and vertices against the caps (streaming), then read the features (no cleaning yet)."""
    try:
        if source.kind == "GeoParquet":
            return _read_geoparquet(source, limits)
        _census(_gdal_geometries(source, limits), source, limits)
        with warnings.catch_warnings():  # GeoJSON fields mixing numbers and text: kept as text, which we want
            warnings.filterwarnings("ignore", message="Could not parse column", category=UserWarning)
            return pyogrio.read_dataframe(source.gdal_path, layer=source.layer, **source.open_options)
    except (LoaderError, MemoryError):
        raise
    except _LIBRARY_ERRORS as error:
        raise BoundaryError("unreadable", source.path, kind=source.kind, detail=detail(error)) from None


def _gdal_geometries(source: Source, limits: Limits):
    """The geometry column of a GDAL source, batch by batch (WKB arrays); refuses too many features first."""
    try:
        declared = int(pyogrio.read_info(source.gdal_path, layer=source.layer)["features"])
    except _LIBRARY_ERRORS:
        declared = -1  # unknown without reading: counted below
    if declared > limits.max_features:
        raise LimitError("too_many_features", source.path, features=declared, limit=limits.max_features)
    with pyogrio.open_arrow(source.gdal_path, layer=source.layer, columns=[], batch_size=_BATCH,
                            use_pyarrow=True, **source.open_options) as (meta, reader):
        name = meta["geometry_name"] or "wkb_geometry"
        for batch in reader:
            if name in batch.schema.names:
                yield batch.column(name).to_numpy(zero_copy_only=False)


def _census(batches, source: Source, limits: Limits) -> None:
    """Count features and vertices batch by batch, stopping at the first cap passed; note damaged WKB."""
    features = vertices = damaged = 0
    for wkb in batches:
        features += len(wkb)
        if features > limits.max_features:
            raise LimitError("too_many_features", source.path, features=features, limit=limits.max_features)
        wkb = np.asarray(wkb, dtype=object)
        geometries = shapely.from_wkb(wkb, on_invalid="ignore")
        damaged += int((shapely.is_missing(geometries) & (wkb != None)).sum())  # noqa: E711 - elementwise
        vertices += int(shapely.get_num_coordinates(geometries).sum())
        if vertices > limits.max_vertices:
            raise LimitError("too_many_vertices", source.path, limit=limits.max_vertices)
    if damaged:
        source.problems.append(Message("boundaries.bad_wkb", {"n": damaged}))


def _read_geoparquet(source: Source, limits: Limits) -> gpd.GeoDataFrame:
    import pyarrow.parquet as pq

    from loaders.archive import ArchiveLimits, MB

    if source.zip_member:
        with zipfile.ZipFile(source.path) as archive:
            data = io.BytesIO(archive.read(source.zip_member))
    else:
        data = source.path
    parquet = pq.ParquetFile(data)
    metadata = parquet.metadata
    if metadata.num_rows > limits.max_features:
        raise LimitError("too_many_features", source.path, features=metadata.num_rows, limit=limits.max_features)
    unpacked = sum(metadata.row_group(g).total_byte_size for g in range(metadata.num_row_groups))
    cap = ArchiveLimits.from_settings().max_unpacked_bytes
    if unpacked > cap:  # a few hundred kilobytes of zstd can unpack to gigabytes
        raise LoaderError("archive.unpacked_too_big", source.path, size_mb=unpacked / MB, limit_mb=cap / MB)
    geo = _geo_metadata(parquet.schema_arrow.metadata)
    column = geo.get("primary_column", "geometry")
    encoding = str(geo.get("columns", {}).get(column, {}).get("encoding", "WKB")).upper()
    if encoding == "WKB" and column in parquet.schema_arrow.names:
        _census((b.column(0).to_numpy(zero_copy_only=False)
                 for b in parquet.iter_batches(batch_size=_BATCH, columns=[column])), source, limits)
    if source.zip_member:
        data.seek(0)
    try:
        return gpd.read_parquet(data)
    except GEOSException:  # damaged WKB: the other features are still read, the damaged ones reported
        if source.zip_member:
            data.seek(0)
        return _geoparquet_tolerant(pq.read_table(data), geo, column, source)


def _geo_metadata(metadata) -> dict:
    try:
        return json.loads((metadata or {}).get(b"geo", b"{}"))
    except (ValueError, TypeError):
        return {}


def _geoparquet_tolerant(table, geo: dict, column: str, source: Source) -> gpd.GeoDataFrame:
    """The table with damaged WKB read as empty shapes (the census has counted and reported them)."""
    from pyproj import CRS

    wkb = np.asarray(table.column(column).to_numpy(zero_copy_only=False), dtype=object)
    geometries = shapely.from_wkb(wkb, on_invalid="ignore")
    crs = geo.get("columns", {}).get(column, {}).get("crs", "OGC:CRS84")
    crs = CRS.from_json_dict(crs) if isinstance(crs, dict) else crs
    frame = table.drop_columns([column]).to_pandas()
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometries, index=frame.index), crs=crs)
