"""Read boundary files into canonical units: ``read_boundaries(path, level=None, crs=None) -> BoundaryLoad``.

GeoJSON, Shapefile (plain or zipped), GeoPackage and GeoParquet, through pyogrio. Handles SPEC §7.1-7.5: any CRS
with a definition (VN-2000 included) reprojected to EPSG:4326, refusal with a way out when there is none and the
coordinates are not lon/lat, legacy DBF encodings (:mod:`loaders.encodings`), invalid geometries repaired, Z
dropped, empty geometries reported, field names mapped by the alias table, names NFC, codes zero-padded.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError, ProjError

from i18n import Message
from loaders.aliases import canonical_for
from loaders.boundary_files import BoundaryError, open_source, read_frame
from loaders.column_values import settle_columns
from loaders.encodings import redecode_latin1_columns
from loaders.errors import LoaderError
from loaders.limits import Limits, announce, current
from loaders.numbers import pad_code
from loaders.schema import (AREA_CLASS_COLUMNS, BOOLEAN_AREA_CLASSES, CODE_WIDTH, CRS as WGS84,
                            GEOMETRY_SOURCE, KEY_COLUMN, OPTIONAL_UNIT_COLUMNS, UNIT_COLUMNS)
from loaders.text import canonical_type, is_missing, is_nfc, nfc, unit_type_of

#: Columns a boundary file may carry (everything else is listed in ``info["ignored_columns"]``).
UNIT_FIELDS = frozenset(UNIT_COLUMNS["hamlet"]) | set(OPTIONAL_UNIT_COLUMNS) | set(AREA_CLASS_COLUMNS)
NAME_FIELDS = ("province_name", "district_name", "commune_name", "hamlet_name")
_TRUE_TEXTS = frozenset({"1", "x", "true", "yes", "co", "có", "c", "y", "t"})
#: Rough extent of Vietnam (lon/lat, with sea areas and a margin), to say when a CRS looks wrong.
VIETNAM_BOUNDS = (100.0, 5.0, 120.0, 25.0)


@dataclass
class BoundaryLoad:
    """Boundaries read into the canonical model.

    Attributes
    ----------
    units : geopandas.GeoDataFrame
        Canonical columns for the level (SPEC §2), ``geometry_source``, geometry in EPSG:4326.
    info : dict
        ``path``, ``layer``, ``level``, ``features``, ``crs_in``, ``reprojected``, ``invalid_fixed``, ``empty``,
        ``encoding``, ``names_not_nfc``, ``ignored_columns``, ``problems`` (:class:`i18n.Message` values, or
        plain sentences from code not yet moved to the catalogue).
    """

    units: gpd.GeoDataFrame
    info: dict = field(default_factory=dict)


#: Table files that are boundaries when they list hamlets with coordinates (:mod:`loaders.hamlet_places`).
LIST_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


def read_boundaries(path, level: str | None = None, crs=None, communes=None) -> BoundaryLoad:
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
    communes : geopandas.GeoDataFrame or path, optional
        Commune shapes of the data in use: hamlets take their commune's province from them (else from the 2025
        register), and a hamlet list's positions are checked against them.

    Returns
    -------
    BoundaryLoad

    Raises
    ------
    LoaderError
        Missing, empty, corrupt or unrecognised files, no CRS with projected coordinates, no usable columns;
        files over the caps of :func:`loaders.limits.current` (features, vertices).
    """
    path = Path(path)
    if path.suffix.lower() in LIST_SUFFIXES and level in (None, "hamlet"):
        from loaders.hamlet_places import read_hamlet_list

        return read_hamlet_list(path, crs=crs, communes=communes)
    announce(path)
    limits = current()
    source = open_source(path, level)
    frame = read_frame(source, limits)
    problems: list = list(source.problems)
    if len(frame) == 0:
        raise BoundaryError("no_features", path)
    encoding = source.encoding
    if source.kind == "Shapefile":
        encoding, undecodable = redecode_latin1_columns(frame, None if source.detect_encoding else source.encoding)
        if source.detect_encoding and encoding != "UTF-8":
            problems.append(Message("boundaries.decoded_from", {"encoding": encoding}))
        if undecodable:
            problems.append(Message("boundaries.undecodable", {"n": undecodable, "encoding": encoding}))
    frame = _drop_non_finite(frame, problems)
    crs_in, reprojected, frame = _to_wgs84(frame, crs, path, problems)
    frame = _drop_non_finite(frame, problems)  # a projection may send points outside its domain to infinity
    frame, invalid_fixed, empty = _clean_geometries(frame)
    if invalid_fixed:
        problems.append(Message("boundaries.repaired", {"n": invalid_fixed}))
    frame = _bound_vertices(frame, limits, problems)
    if empty:
        problems.append(Message("boundaries.empty_geometries", {"n": empty}))
    units, level, not_nfc, ignored = _canonical_units(frame, level, path, problems)
    if level == "hamlet":
        from loaders.hamlet_communes import attach_communes

        units = attach_communes(units, communes, problems)
    units = _names_by_code(units)
    units[GEOMETRY_SOURCE] = f"loaded: {path.name}"
    info = {
        "path": str(path), "layer": source.layer, "level": level, "features": int(len(units)),
        "crs_in": crs_in, "reprojected": reprojected, "invalid_fixed": invalid_fixed, "empty": empty,
        "encoding": encoding, "names_not_nfc": not_nfc, "ignored_columns": ignored, "problems": problems,
    }
    return BoundaryLoad(units=units, info=info)


# -- CRS -------------------------------------------------------------------------------------------------------------
def parse_crs(value) -> CRS:
    """Turn ``3405``, ``"3405"``, ``"EPSG:3405"`` or a WKT/PROJ string into a CRS, or raise :class:`LoaderError`."""
    text = str(value).strip()
    try:
        return CRS.from_user_input(int(text) if text.isdigit() else text)
    except (CRSError, ValueError, TypeError):
        raise BoundaryError("bad_crs_option", text=text[:60]) from None


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


def _bounds(frame: gpd.GeoDataFrame) -> np.ndarray:
    """The extent of the non-empty shapes (zeros when there are none)."""
    bounds = shapely.total_bounds(frame.geometry.values) if len(frame) else np.zeros(4)
    return bounds if np.all(np.isfinite(bounds)) else np.zeros(4)


def _to_wgs84(frame: gpd.GeoDataFrame, crs, path: Path, problems: list):
    try:
        return _reproject(frame, crs, path, problems)
    except (CRSError, ProjError) as error:  # a .prj PROJ cannot use: refused with the way out
        from loaders.boundary_files import detail

        raise BoundaryError("bad_crs", path, detail=detail(error)) from None


def _reproject(frame: gpd.GeoDataFrame, crs, path: Path, problems: list):
    declared = frame.crs
    bounds = _bounds(frame)
    if crs is not None:
        given = parse_crs(crs)
        if declared is not None and not given.equals(declared):
            problems.append(Message("boundaries.crs_overridden",
                                    {"declared": crs_label(declared), "given": crs_label(given)}))
        frame = frame.set_crs(given, allow_override=True)
    elif declared is None:
        if not _looks_like_lonlat(bounds):
            raise BoundaryError("no_crs_projected", path, x_min=float(bounds[0]), x_max=float(bounds[2]))
        problems.append(Message("boundaries.crs_assumed"))
        frame = frame.set_crs(WGS84)
    crs_in = crs_label(frame.crs)
    reprojected = not frame.crs.equals(CRS.from_user_input(WGS84))
    if frame.crs.is_geographic and not reprojected and not _looks_like_lonlat(bounds):
        raise BoundaryError("not_lonlat", path, x_min=float(bounds[0]), x_max=float(bounds[2]))
    if reprojected:
        if _ballpark(frame.crs):
            problems.append(Message("boundaries.no_datum_shift", {"crs": crs_in}))
        frame = frame.to_crs(WGS84)
    if len(frame) and not shapely.is_empty(frame.geometry.values).all():
        minx, miny, maxx, maxy = _bounds(frame)
        west, south, east, north = VIETNAM_BOUNDS
        if maxx < west or minx > east or maxy < south or miny > north:
            problems.append(Message("boundaries.outside_vietnam", {"crs": crs_in}))
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


def _drop_non_finite(frame: gpd.GeoDataFrame, problems: list) -> gpd.GeoDataFrame:
    """Shapes with NaN or infinite coordinates cannot be drawn, measured or repaired: left empty, and said."""
    geometries = frame.geometry.values
    coordinates, owner = shapely.get_coordinates(geometries, return_index=True)
    bad_rows = np.unique(owner[~np.isfinite(coordinates).all(axis=1)])
    if not len(bad_rows):
        return frame
    problems.append(Message("boundaries.non_finite", {"n": len(bad_rows)}))
    cleaned = np.array(geometries, dtype=object)
    cleaned[bad_rows] = None
    return frame.set_geometry(gpd.GeoSeries(cleaned, index=frame.index, crs=frame.crs))


def _bound_vertices(frame: gpd.GeoDataFrame, limits: Limits, problems: list) -> gpd.GeoDataFrame:
    """Simplify the units with more vertices than ``limits.max_feature_vertices``, and say so.

    Such detail cannot be seen on any map of the app, and a shape of hundreds of thousands of vertices has made
    the Douglas-Peucker simplifier of the map exports recurse until the process crashed. Visvalingam-Whyatt
    (``shapely.coverage_simplify``, iterative) removes the least visible vertices first.
    """
    cap = int(limits.max_feature_vertices)
    geometries = np.array(frame.geometry.values, dtype=object)
    counts = shapely.get_num_coordinates(geometries)
    large = np.flatnonzero(counts > cap)
    if not len(large):
        return frame
    for index in large:
        geometries[index] = simplify_below(geometries[index], cap)
    problems.append(Message("boundaries.simplified", {"n": len(large), "limit": cap, "largest": int(counts.max())}))
    return frame.set_geometry(gpd.GeoSeries(geometries, index=frame.index, crs=frame.crs))


def simplify_below(geometry, cap: int):
    """The shape with at most ``cap`` vertices: simplified, then (a unit of countless islands or holes) only its
    largest parts kept; lines and point clouds thinned out."""
    if shapely.get_type_id(geometry) not in (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON):
        return _thin_out(geometry, cap)
    tolerance = max(shapely.length(geometry) / cap / 8, 1e-9)
    simple, count = geometry, shapely.get_num_coordinates(geometry)
    for _ in range(8):
        candidate = shapely.coverage_simplify(geometry, tolerance)
        candidate_count = shapely.get_num_coordinates(candidate)
        if candidate_count >= count:  # rings of four vertices cannot lose any: more tolerance will not help
            break
        simple, count = candidate, candidate_count
        if count <= cap:
            break
        tolerance *= 4
    if count > cap:
        simple = _largest_parts(simple, cap)
    if not shapely.is_valid(simple):
        simple = _polygonal(shapely.make_valid(simple))
    return simple


def _largest_parts(geometry, cap: int):
    """The largest polygons, each with its largest holes, as many as ``cap`` vertices allow (at least one)."""
    kept, used = [], 0
    for part in sorted(shapely.get_parts(geometry), key=shapely.area, reverse=True):
        ring = part.exterior
        if kept and used + len(ring.coords) > cap:
            break
        used += len(ring.coords)
        holes = []
        for hole in sorted(part.interiors, key=lambda r: shapely.area(shapely.Polygon(r)), reverse=True):
            if used + len(hole.coords) > cap:
                break
            holes.append(hole)
            used += len(hole.coords)
        kept.append(shapely.Polygon(ring, holes))
    return kept[0] if len(kept) == 1 else shapely.MultiPolygon(kept)


def _thin_out(geometry, cap: int):
    """Lines and points (not what boundaries should be, but read): every k-th vertex kept; anything else empty."""
    kind = shapely.get_type_id(geometry)
    if kind not in (shapely.GeometryType.LINESTRING, shapely.GeometryType.MULTILINESTRING,
                    shapely.GeometryType.MULTIPOINT):
        return None
    step = int(np.ceil(shapely.get_num_coordinates(geometry) / cap)) + 1
    if kind == shapely.GeometryType.MULTIPOINT:
        return shapely.multipoints(shapely.get_coordinates(geometry)[::step])
    lines = []
    for line in shapely.get_parts(geometry):
        coordinates = shapely.get_coordinates(line)
        thinned = np.vstack([coordinates[:-1:step], coordinates[-1:]])
        if len(thinned) >= 2:
            lines.append(shapely.linestrings(thinned))
    return lines[0] if len(lines) == 1 else shapely.MultiLineString(lines)


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


def _names_by_code(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Province and commune names the file lacks, from the 2025 register by code (else the code itself).

    Every page and file names the places it shows: a layer applied without province names made every page of
    the app fail (issue 14). A name the file gives is kept as it is.
    """
    from loaders.register import official_units

    for level in ("province", "commune"):
        code, name = f"{level}_code", f"{level}_name"
        if code not in units or (name in units and units[name].notna().all()):
            continue
        register = official_units().drop_duplicates(code).set_index(code)[f"{level}_fullname"]
        found = units[code].map(register)
        found = found.where(found.notna(), units[code])
        given = units[name] if name in units else pd.Series(None, index=units.index, dtype=object)
        units[name] = given.where(given.notna(), found).astype(object)
    return units


def _hamlet_ids(data: pd.DataFrame) -> pd.Series:
    commune = data["commune_code"] if "commune_code" in data else pd.Series("", index=data.index)
    order = commune.groupby(commune).cumcount() + 1
    return pd.Series([f"{c or 'x'}-{n:03d}" for c, n in zip(commune, order)], index=data.index, dtype=object)


def all_names_nfc(units: pd.DataFrame) -> bool:
    """True when every name column of ``units`` holds NFC text only."""
    return all(unicodedata.is_normalized("NFC", v) for c in NAME_FIELDS if c in units
               for v in units[c] if isinstance(v, str))
