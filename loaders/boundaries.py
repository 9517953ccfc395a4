"""Read boundary files into canonical units: ``read_boundaries(path, level=None, crs=None) -> BoundaryLoad``.

GeoJSON, Shapefile (plain or zipped), GeoPackage and GeoParquet, through pyogrio. Handles SPEC §7.1-7.5: any CRS
with a definition (VN-2000 included) reprojected to EPSG:4326, refusal with a way out when there is none and the
coordinates are not lon/lat, legacy DBF encodings (:mod:`loaders.encodings`), invalid geometries repaired, Z
dropped, empty geometries reported, field names mapped by the alias table, names NFC, codes zero-padded.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from i18n import Message
from loaders.aliases import canonical_for
from loaders.column_values import settle_columns
from loaders.encodings import codec_for_cpg, redecode_latin1_columns
from loaders.archive import inspect_zip
from loaders.errors import LoaderError
from loaders.numbers import pad_code
from loaders.schema import (AREA_CLASS_COLUMNS, BOOLEAN_AREA_CLASSES, CODE_WIDTH, CRS as WGS84,
                            GEOMETRY_SOURCE, KEY_COLUMN, OPTIONAL_UNIT_COLUMNS, UNIT_COLUMNS)
from loaders.text import canonical_type, header_key, is_missing, is_nfc, nfc, unit_type_of

#: Columns a boundary file may carry (everything else is listed in ``info["ignored_columns"]``).
UNIT_FIELDS = frozenset(UNIT_COLUMNS["hamlet"]) | set(OPTIONAL_UNIT_COLUMNS) | set(AREA_CLASS_COLUMNS)
NAME_FIELDS = ("province_name", "district_name", "commune_name", "hamlet_name")
_TRUE_TEXTS = frozenset({"1", "x", "true", "yes", "co", "có", "c", "y", "t"})
#: Rough extent of Vietnam (lon/lat, with sea areas and a margin), to say when a CRS looks wrong.
VIETNAM_BOUNDS = (100.0, 5.0, 120.0, 25.0)
#: Declared unpacked size above which a ZIP is refused before anything is decompressed (zip bombs).


@dataclass
class BoundaryLoad:
    """Boundaries read into the canonical model.

    Attributes
    ----------
    units : geopandas.GeoDataFrame
        Canonical columns for the level (SPEC §2), ``geometry_source``, geometry in EPSG:4326.
    info : dict
        ``path``, ``layer``, ``level``, ``features``, ``crs_in``, ``reprojected``, ``invalid_fixed``, ``empty``,
        ``encoding``, ``names_not_nfc``, ``ignored_columns``, ``problems`` (plain sentences).
    """

    units: gpd.GeoDataFrame
    info: dict = field(default_factory=dict)


def read_boundaries(path, level: str | None = None, crs=None) -> BoundaryLoad:
    """Read a boundary file into canonical units in EPSG:4326.

    Parameters
    ----------
    path : str or Path
        ``.geojson``/``.json``, ``.shp`` (with its ``.dbf``, ``.shx``, ``.prj``, ``.cpg``), ``.zip`` holding one of
        those, ``.gpkg``, or ``.parquet``/``.geoparquet``.
    level : {"province", "district", "commune", "hamlet"}, optional
        The level of the units; detected from the columns when not given.
    crs : int or str, optional
        The CRS of the coordinates (``3405``, ``"EPSG:3405"``) for files that declare none; when the file
        declares another one, this one wins and the report says so.

    Returns
    -------
    BoundaryLoad

    Raises
    ------
    LoaderError
        Missing, empty, corrupt or unrecognised files, no CRS with projected coordinates, no usable columns.
    """
    path = Path(path)
    source = open_source(path, level)
    problems: list[str] = list(source.problems)
    frame = read_frame(source)
    if len(frame) == 0:
        raise LoaderError("the file holds no features", path)
    encoding = source.encoding
    if source.kind == "Shapefile":
        encoding, undecodable = redecode_latin1_columns(frame, None if source.detect_encoding else source.encoding)
        if source.detect_encoding and encoding != "UTF-8":
            problems.append(f"attributes decoded from {encoding} (no .cpg file; encoding detected)")
        if undecodable:
            problems.append(f"{undecodable} text values are not valid {encoding}: is the .cpg right?")
    crs_in, reprojected, frame = _to_wgs84(frame, crs, path, problems)
    frame, invalid_fixed, empty = _clean_geometries(frame)
    if invalid_fixed:
        problems.append(f"{invalid_fixed} invalid geometries repaired (make_valid)")
    if empty:
        problems.append(f"{empty} features have an empty geometry")
    units, level, not_nfc, ignored = _canonical_units(frame, level, path, problems)
    units[GEOMETRY_SOURCE] = f"loaded: {path.name}"
    info = {
        "path": str(path), "layer": source.layer, "level": level, "features": int(len(units)),
        "crs_in": crs_in, "reprojected": reprojected, "invalid_fixed": invalid_fixed, "empty": empty,
        "encoding": encoding, "names_not_nfc": not_nfc, "ignored_columns": ignored, "problems": problems,
    }
    return BoundaryLoad(units=units, info=info)


# -- opening files --------------------------------------------------------------------------------------------------
@dataclass
class _Source:
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


_KINDS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "Shapefile", ".gpkg": "GeoPackage",
          ".parquet": "GeoParquet", ".geoparquet": "GeoParquet"}
_MAGIC = {"Shapefile": b"\x00\x00\x27\x0a", "GeoPackage": b"SQLite format 3\x00", "GeoParquet": b"PAR1"}


def open_source(path: Path, level: str | None = None) -> _Source:
    """Check a boundary file (or the one inside a ZIP) before reading it; refuse what cannot be read."""
    if not path.exists():
        raise LoaderError("file not found", path)
    if path.is_dir():
        raise LoaderError("is a folder: give the .shp, .gpkg, .geojson, .parquet or .zip file", path)
    if path.stat().st_size == 0:
        raise LoaderError("the file is empty (0 bytes)", path)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _open_zip(path, level)
    kind = _KINDS.get(suffix)
    if kind is None:
        raise LoaderError(f"boundaries must be .geojson, .shp, .zip, .gpkg or .parquet, not '{suffix}'", path)
    with open(path, "rb") as handle:
        head = handle.read(64)
    _check_head(kind, head, path)
    source = _Source(path=path, gdal_path=str(path), kind=kind)
    if kind == "Shapefile":
        siblings = {p.suffix.lower(): p for p in path.parent.glob(path.stem + ".*") if p.stem == path.stem}
        _shapefile_companions(source, siblings.keys(), lambda: siblings[".cpg"].read_bytes())
    return _choose_layer(source, level)


def _check_head(kind: str, head: bytes, path: Path) -> None:
    if kind == "GeoJSON":
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not text.startswith((b"{", b"[")):
            raise LoaderError("not valid GeoJSON: the file is not JSON", path)
    elif not head.startswith(_MAGIC[kind]):
        raise LoaderError(f"not a valid {kind.lower()} (wrong file header: is it another kind of file renamed?)",
                          path)


def _shapefile_companions(source: _Source, suffixes, read_cpg) -> None:
    """Require .dbf and .shx, and decide how the DBF text is decoded: a .cpg is believed, else detected."""
    missing = [s for s in (".shx", ".dbf") if s not in suffixes]
    if missing:
        raise LoaderError(f"the shapefile's {' and '.join(missing)} file is missing: copy every file of the "
                          "shapefile (.shp, .shx, .dbf, .prj, .cpg) together", source.path)
    if ".prj" not in suffixes:
        source.problems.append("no .prj file next to the .shp")
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
            source.problems.append(f"the .cpg names an unknown encoding '{declared}': encoding detected instead")


def _open_zip(path: Path, level: str | None) -> _Source:
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
                raise LoaderError("the ZIP holds no .shp, .gpkg, .geojson or .parquet file", path)
            member = members[0]
            kind = _KINDS[PurePosixPath(member).suffix.lower()]
            with archive.open(member) as handle:
                _check_head(kind, handle.read(64), path)
            source = _Source(path=path, gdal_path=f"/vsizip/{path.resolve()}/{member}", kind=kind,
                             zip_member=member)
            if len(members) > 1:
                source.problems.append(f"the ZIP holds several data files; read '{member}'")
            if kind == "Shapefile":
                stem = str(PurePosixPath(member).with_suffix(""))
                siblings = {PurePosixPath(n).suffix.lower(): n for n in names
                            if str(PurePosixPath(n).with_suffix("")) == stem}
                _shapefile_companions(source, siblings.keys(), lambda: archive.read(siblings[".cpg"]))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise LoaderError("not a valid ZIP file (corrupt or truncated: send it again)", path) from None
    return _choose_layer(source, level)


#: Words in GeoPackage layer names that say which level a layer holds (compared without diacritics).
LAYER_HINTS = {"commune": ("xa", "commune", "ward", "phuong"), "hamlet": ("thon", "hamlet", "village", "ban", "ap"),
               "province": ("tinh", "province"), "district": ("huyen", "district")}


def _choose_layer(source: _Source, level: str | None) -> _Source:
    if source.kind != "GeoPackage":
        return source
    try:
        layers = pyogrio.list_layers(source.gdal_path)
    except pyogrio.errors.DataSourceError as error:
        raise LoaderError(f"cannot open the GeoPackage ({_first_line(error)})", source.path) from None
    spatial = [name for name, geometry_type in layers if geometry_type]
    if not spatial:
        raise LoaderError("the GeoPackage has no layer with geometries", source.path)
    polygons = [name for name, geometry_type in layers if geometry_type and "Polygon" in geometry_type]
    hinted = [name for name in spatial if level and set(header_key(name).replace("_", " ").split())
              & set(LAYER_HINTS.get(level, ()))]
    source.layer = (hinted or polygons or spatial)[0]
    if len(spatial) > 1:
        source.problems.append(f"the GeoPackage has {len(spatial)} layers; read '{source.layer}'")
    return source


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


def read_frame(source: _Source) -> gpd.GeoDataFrame:
    """Read the features of an opened source (no cleaning yet)."""
    try:
        if source.kind == "GeoParquet":
            if source.zip_member:
                with zipfile.ZipFile(source.path) as archive:
                    return gpd.read_parquet(io.BytesIO(archive.read(source.zip_member)))
            return gpd.read_parquet(source.path)
        with warnings.catch_warnings():  # GeoJSON fields mixing numbers and text: kept as text, which we want
            warnings.filterwarnings("ignore", message="Could not parse column", category=UserWarning)
            return pyogrio.read_dataframe(source.gdal_path, layer=source.layer, **source.open_options)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
            pyogrio.errors.GeometryError, UnicodeDecodeError) as error:
        raise LoaderError(f"cannot be read as {source.kind} ({_first_line(error)})", source.path) from None
    except (ValueError, OSError, TypeError) as error:  # pyarrow: not GeoParquet / damaged
        raise LoaderError(f"cannot be read as {source.kind} ({_first_line(error)})", source.path) from None


# -- CRS -------------------------------------------------------------------------------------------------------------
def parse_crs(value) -> CRS:
    """Turn ``3405``, ``"3405"``, ``"EPSG:3405"`` or a WKT/PROJ string into a CRS, or raise :class:`LoaderError`."""
    text = str(value).strip()
    try:
        return CRS.from_user_input(int(text) if text.isdigit() else text)
    except (CRSError, ValueError, TypeError):
        raise LoaderError(f"--crs '{text}' is not a known coordinate reference system (give an EPSG code, "
                          "e.g. 3405 for VN-2000 / UTM 48N or 9210 for VN-2000 / TM-3 105-45)") from None


def crs_label(crs: CRS | None) -> str:
    """``"EPSG:3405"`` when the CRS has an EPSG code, else its name; ``""`` for none."""
    if crs is None:
        return ""
    epsg = crs.to_epsg(min_confidence=70)
    return f"EPSG:{epsg}" if epsg else crs.name


def _ballpark(source: CRS) -> bool:
    """True when PROJ only knows a "ballpark" (datum-less) path from ``source`` to WGS 84."""
    transformer = Transformer.from_crs(source, WGS84, always_xy=True)
    transformer.transform(0, 0)  # PROJ names the operation it picked only once it has run
    return "ballpark" in transformer.description.lower()


def _looks_like_lonlat(bounds) -> bool:
    minx, miny, maxx, maxy = bounds
    return bool(np.all(np.isfinite(bounds))) and -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def _to_wgs84(frame: gpd.GeoDataFrame, crs, path: Path, problems: list[str]):
    declared = frame.crs
    bounds = frame.total_bounds if len(frame) and not frame.geometry.is_empty.all() else np.zeros(4)
    if crs is not None:
        given = parse_crs(crs)
        if declared is not None and not given.equals(declared):
            problems.append(f"the file declares {crs_label(declared)}; --crs {crs_label(given)} used instead")
        frame = frame.set_crs(given, allow_override=True)
    elif declared is None:
        if not _looks_like_lonlat(bounds):
            raise LoaderError(
                "no coordinate reference system (.prj missing) and the coordinates are not longitude/latitude "
                f"(x from {bounds[0]:.0f} to {bounds[2]:.0f}): give it with --crs EPSG, e.g. --crs 3405 for "
                "VN-2000 / UTM 48N or --crs 9210 for VN-2000 / TM-3 105-45", path)
        problems.append("no coordinate reference system declared; coordinates look like lon/lat, EPSG:4326 assumed")
        frame = frame.set_crs(WGS84)
    crs_in = crs_label(frame.crs)
    reprojected = not frame.crs.equals(CRS.from_user_input(WGS84))
    if frame.crs.is_geographic and not reprojected and not _looks_like_lonlat(bounds):
        raise LoaderError("the file says longitude/latitude but its coordinates are not (x from "
                          f"{bounds[0]:.0f} to {bounds[2]:.0f}): give the real CRS with --crs EPSG", path)
    if reprojected:
        if _ballpark(frame.crs):
            problems.append(f"no datum shift is known from {crs_in} to WGS 84 (no TOWGS84 in the .prj): "
                            "positions may be off by a few hundred metres; give the EPSG code with --crs")
        frame = frame.to_crs(WGS84)
    if len(frame) and not frame.geometry.is_empty.all():
        minx, miny, maxx, maxy = frame.total_bounds
        west, south, east, north = VIETNAM_BOUNDS
        if maxx < west or minx > east or maxy < south or miny > north:
            problems.append(f"the features lie outside Vietnam after reprojection from {crs_in}: check the CRS")
    return crs_in, reprojected, frame


# -- geometry --------------------------------------------------------------------------------------------------------
def _polygonal(geometry):
    """Keep the polygonal parts of what make_valid returns (it may add stray lines or points)."""
    if geometry is None or geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    polygons = [q for p in parts for q in (p.geoms if p.geom_type == "MultiPolygon" else [p])]
    return shapely.MultiPolygon(polygons) if polygons else geometry


def _clean_geometries(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int, int]:
    geometries = frame.geometry.values
    if shapely.has_z(geometries).any():
        geometries = shapely.force_2d(geometries)
    missing = shapely.is_missing(geometries)
    empty = int((missing | shapely.is_empty(geometries)).sum())
    invalid = ~missing & ~shapely.is_valid(geometries)
    if invalid.any():
        repaired = shapely.make_valid(geometries[invalid])
        geometries = np.array(geometries, dtype=object)
        geometries[invalid] = [_polygonal(g) for g in repaired]
    types = shapely.get_type_id(geometries)
    if (types == shapely.GeometryType.MULTIPOLYGON).any():
        # one geometry type per layer: repaired parts come back as Polygon where the layer is MultiPolygon
        single = types == shapely.GeometryType.POLYGON
        geometries = np.array(geometries, dtype=object)
        geometries[single] = [shapely.MultiPolygon([g]) for g in geometries[single]]
    frame = frame.set_geometry(gpd.GeoSeries(geometries, index=frame.index, crs=frame.crs))
    return frame, int(invalid.sum()), empty


# -- columns ---------------------------------------------------------------------------------------------------------
def _map_fields(frame) -> tuple[dict[str, str], list[str], list]:
    """Field → canonical column, by what each field name means and, where no name says, by the values.

    A ward layer whose fields are called ``ADM3_EN`` or ``ID_2`` still yields its codes and names: a field whose
    values are mostly commune codes of the registers, or names of communes, districts or provinces, is taken
    (and reported, see :mod:`loaders.column_values`).
    """
    columns = [c for c in frame.columns if c != "geometry"]
    mapping = {}
    for column in columns:
        canonical = canonical_for(column)
        if canonical in ("unit_code", "unit_name") or (canonical in UNIT_FIELDS
                                                       and canonical not in mapping.values()):
            mapping[column] = canonical
    values = {column: frame[column].tolist() for column in columns}
    mapping, guesses = settle_columns(values, mapping, {c: c for c in columns})
    mapping = {column: canonical for column, canonical in mapping.items() if canonical in UNIT_FIELDS}
    return mapping, [c for c in columns if c not in mapping], guesses


def detect_level(columns) -> str | None:
    """The lowest level whose key or name column is present, or ``None``."""
    columns = set(columns)
    for level, fields in (("hamlet", ("hamlet_id", "hamlet_name")), ("commune", ("commune_code", "commune_name")),
                          ("district", ("district_code", "district_name")),
                          ("province", ("province_code", "province_name"))):
        if columns & set(fields):
            return level
    return None


def _as_bool(value) -> bool:
    if is_missing(value):
        return False
    if isinstance(value, (bool, np.bool_, int, float, np.integer, np.floating)):
        return bool(value)
    return nfc(str(value)).lower() in _TRUE_TEXTS


def _say(key: str, **params) -> str:
    """A problem of the column mapping as the English sentence ``info["problems"]`` carries (SPEC §8)."""
    return Message(key, params).text("en")


def _canonical_units(frame, level, path, problems):
    mapping, ignored, guesses = _map_fields(frame)
    problems += [guess.message().text("en") for guess in guesses]
    data = frame.rename(columns=mapping)[[*mapping.values(), "geometry"]]
    found = detect_level(data.columns)
    if level is None:
        level = found
    if level is None:
        raise LoaderError("boundary_columns.no_identity", path, columns=ignored[:12])
    not_nfc = 0
    for column in NAME_FIELDS + ("commune_type", "hamlet_type", "ethnic_region", "hamlet_id"):
        if column in data:
            values = data[column]
            not_nfc += int(sum(1 for v in values if not is_nfc(v)))
            tidy = canonical_type if column.endswith("_type") else (lambda v: None if is_missing(v) else nfc(str(v)))
            data[column] = values.map(tidy).astype(object)
    if not_nfc:
        problems.append(_say("boundary_columns.not_nfc", n=not_nfc))
    for column, width in CODE_WIDTH.items():
        if column in data:
            padded = data[column].map(lambda v, w=width: pad_code(v, w)).astype(object)
            bad = int((padded.isna() & data[column].notna()).sum())
            if bad:
                problems.append(_say("boundary_columns.not_codes", n=bad, column=column, width=width))
            data[column] = padded
    if "commune_name" in data and "commune_type" not in data:
        data["commune_type"] = data["commune_name"].map(lambda n: unit_type_of(n, "commune")).astype(object)
    if "hamlet_name" in data and "hamlet_type" not in data:
        data["hamlet_type"] = data["hamlet_name"].map(lambda n: unit_type_of(n, "hamlet")).astype(object)
    if level == "hamlet" and "hamlet_id" not in data:
        data["hamlet_id"] = _hamlet_ids(data)
        problems.append(_say("boundary_columns.hamlet_ids_made"))
    for column in BOOLEAN_AREA_CLASSES:
        if column in data:
            data[column] = data[column].map(_as_bool).astype(bool)
    key = KEY_COLUMN.get(level)
    if key in data and data[key].dropna().duplicated().any():
        repeated = data[key].dropna()[data[key].dropna().duplicated()]
        problems.append(_say("boundary_columns.repeated", n=len(repeated), column=key, example=repeated.iloc[0]))
    data.insert(0, "level", level)
    expected = UNIT_COLUMNS.get(level, UNIT_COLUMNS["commune"])
    missing = [c for c in expected if c not in data]
    if missing and level in UNIT_COLUMNS:
        problems.append(_say("boundary_columns.missing", columns=missing))
    ordered = [c for c in expected if c in data] + [c for c in data.columns if c not in expected]
    units = gpd.GeoDataFrame(data[ordered], geometry="geometry", crs=frame.crs).reset_index(drop=True)
    return units, level, not_nfc, ignored


def _hamlet_ids(data: pd.DataFrame) -> pd.Series:
    commune = data["commune_code"] if "commune_code" in data else pd.Series("", index=data.index)
    order = commune.groupby(commune).cumcount() + 1
    return pd.Series([f"{c or 'x'}-{n:03d}" for c, n in zip(commune, order)], index=data.index, dtype=object)


def all_names_nfc(units: pd.DataFrame) -> bool:
    """True when every name column of ``units`` holds NFC text only."""
    return all(unicodedata.is_normalized("NFC", v) for c in NAME_FIELDS if c in units
               for v in units[c] if isinstance(v, str))
