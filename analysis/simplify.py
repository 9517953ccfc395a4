"""Geometry prepared for drawing: coverage simplification per view scale, islands kept, compact GeoJSON.

Why coverage simplification: simplifying each polygon on its own (``shapely.simplify``) moves the two copies of a
shared border differently and opens slivers between neighbours. ``shapely.coverage_simplify`` simplifies each
shared edge once, so neighbours stay gap-free; it never drops a polygon part (the smallest it goes is a triangle).

Real boundary files are rarely a clean coverage (the real 2025 commune file has mismatched shared edges on 3,301 of
3,321 units: vertices rounded independently, slivers, 76 invalid shapes). Such input is first repaired
(``make_valid``) and cleaned (``shapely.coverage_clean``: snap, merge narrow gaps and overlaps) so that the
simplified result is a valid coverage. Cleaning is guarded: if it makes a unit empty or takes most of its area
(it happens with some snapping distances), another snapping distance is tried; failing all, the damaged units keep
their own shapes (nothing disappears; the coverage may then overlap there). Islets swallowed by snapping come back.

View scales (tolerance is the Visvalingam-Whyatt one: roughly the square root of the area of the triangles
removed, in degrees; one screen pixel is 360 / (256 · 2**zoom) degrees of longitude):

=========  ==========  ========  ==================================================
scale      tolerance   decimals  drawn at
=========  ==========  ========  ==================================================
national   0.008°      3         zoom 5-7, the whole country (0.008° ≈ 0.35 px at z6)
province   0.0012°     4         zoom 8-10, one province (≈ 0.4 px at z9)
commune    0.00015°    5         zoom 11-14, one commune (≈ 0.4 px at z12)
=========  ==========  ========  ==================================================

Caching: every function here is a pure function of its inputs, so the result is a pure function of
(source file identity, level, scale). The dashboard should cache the serialised geometry per
``(path, mtime_ns, size, level, scale, province)`` — :func:`source_key` gives that key — either with
``st.cache_data`` (arguments: path string, key, level, scale) or on disk with :func:`cached_simplify`
(GeoParquet next to the dataset or in a cache directory). Indicator and period changes then only recompute the
small per-feature properties (class index, value text), never the geometry.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

#: Bump when the algorithm changes, so on-disk caches made by an older version are not reused.
ALGORITHM_VERSION = "1"


@dataclass(frozen=True)
class ViewScale:
    """How much detail a view needs.

    Attributes
    ----------
    tolerance : float
        Coverage simplification tolerance in degrees (see module docstring).
    decimals : int
        Decimals kept in coordinates when serialising (3 ≈ 110 m, 4 ≈ 11 m, 5 ≈ 1.1 m).
    """

    tolerance: float
    decimals: int


SCALES = {
    "national": ViewScale(0.008, 3),
    "province": ViewScale(0.0012, 4),
    "commune": ViewScale(0.00015, 5),
}

#: Cleaning parameters (degrees). Gaps narrower than ~110 m between neighbours are merged (they are digitising
#: errors, and their ragged edges would otherwise pin thousands of vertices); snapping distances tried in order.
CLEAN_GAP_WIDTH = 1e-3
CLEAN_SNAP_DISTANCES = (5e-4, 2e-4, 1e-4)
#: A cleaned unit keeping less than this share of its area (or gaining more than its inverse) is a cleaning failure.
CLEAN_MIN_AREA_RATIO = 0.5


def view_scale(scale: str | ViewScale) -> ViewScale:
    """The :class:`ViewScale` named ``scale`` ("national", "province", "commune"), or ``scale`` itself."""
    if isinstance(scale, ViewScale):
        return scale
    try:
        return SCALES[scale]
    except KeyError:
        raise ValueError(f"unknown view scale {scale!r}; one of {', '.join(SCALES)}") from None


def polygonal(geometries) -> np.ndarray:
    """Valid polygonal geometries: invalid ones repaired, collapsed pieces (lines, points) dropped.

    Non-polygonal inputs (e.g. hamlet points) and missing geometries are returned unchanged.
    """
    geoms = np.asarray(geometries, dtype=object).copy()
    is_area = _is_polygonal(geoms)
    broken = is_area & ~shapely.is_valid(geoms)
    if broken.any():
        # "structure" trusts shells and holes as drawn, which is what digitised boundaries mean.
        geoms[broken] = shapely.make_valid(geoms[broken], method="structure", keep_collapsed=False)
    return geoms


def _is_polygonal(geoms: np.ndarray) -> np.ndarray:
    kinds = shapely.get_type_id(geoms)
    return ((kinds == 3) | (kinds == 6)) & ~shapely.is_empty(geoms)


def clean_coverage(geometries) -> np.ndarray:
    """Make valid polygons a valid coverage (no overlaps, identical shared edges), guarded against losses.

    Already valid coverages (e.g. the embedded demo data) are returned as they are. Otherwise
    ``shapely.coverage_clean`` is tried with each of :data:`CLEAN_SNAP_DISTANCES` (a snapping distance close to
    the spacing of vertices can wreck whole units); the first result in which no unit became empty or lost or
    gained most of its area is used. When every attempt damages some unit, the attempt damaging the fewest is
    used and its damaged units get their own shapes back: nothing disappears, at the price of overlaps there.
    Islets swallowed by snapping are put back (:func:`restore_lost_parts`).
    """
    geoms = np.asarray(geometries, dtype=object)
    if len(geoms) == 0 or shapely.coverage_is_valid(geoms):
        return geoms
    before = shapely.area(geoms)
    best = None
    for snap in CLEAN_SNAP_DISTANCES:
        cleaned = shapely.coverage_clean(geoms, snapping_distance=snap, gap_width=CLEAN_GAP_WIDTH)
        ratio = shapely.area(cleaned) / np.where(before > 0, before, np.nan)
        damaged = shapely.is_empty(cleaned) | (ratio < CLEAN_MIN_AREA_RATIO) | (ratio > 1 / CLEAN_MIN_AREA_RATIO)
        if best is None or damaged.sum() < best[1].sum():
            best = (cleaned, damaged, snap)
        if not damaged.any():
            break
    cleaned, damaged, snap = best
    cleaned = cleaned.copy()
    cleaned[damaged] = geoms[damaged]
    return restore_lost_parts(geoms, cleaned, snap)


def prepare_coverage(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` with polygons repaired and cleaned into a coverage: the slow, scale-independent step.

    Cache this once per source file (cleaning the real 2025 communes takes a few seconds);
    :func:`simplify_for_view` on the result then skips the cleaning (the coverage is already valid).
    """
    geoms = polygonal(gdf.geometry.to_numpy())
    area = _is_polygonal(geoms)
    geoms[area] = clean_coverage(geoms[area])
    out = gdf.copy()
    out[out.geometry.name] = geoms
    return out


def restore_lost_parts(original, simplified, tolerance: float) -> np.ndarray:
    """Put back the parts (islands) of each unit that cleaning or simplification made vanish.

    A part of ``original[i]`` is lost when no part of ``simplified[i]`` lies within ``tolerance`` of it and it
    does not touch any other simplified unit (so putting it back overlaps nothing). It comes back simplified on
    its own (Douglas-Peucker, topology-preserving), or as it was when that would collapse it. A unit that became
    empty gets its original shape back, simplified the same way.
    """
    original = np.asarray(original, dtype=object)
    result = np.asarray(simplified, dtype=object).copy()
    parts, owner = shapely.get_parts(original, return_index=True)
    if len(parts) == 0:
        return result
    near = shapely.dwithin(parts, result[owner], tolerance)
    candidates = np.flatnonzero(~near)
    if len(candidates) == 0:
        return result
    tree = shapely.STRtree(result)
    hits_part, _ = tree.query(parts[candidates], predicate="intersects")
    free = np.setdiff1d(np.arange(len(candidates)), hits_part)
    lost_parts = candidates[free]
    for unit in np.unique(owner[lost_parts]):
        pieces = [_simplify_alone(p, tolerance) for p in parts[lost_parts[owner[lost_parts] == unit]]]
        result[unit] = shapely.union_all([result[unit], *pieces]) if not shapely.is_empty(result[unit]) \
            else shapely.union_all(pieces)
    emptied = shapely.is_empty(result) & ~shapely.is_empty(original)
    for unit in np.flatnonzero(emptied):
        result[unit] = _simplify_alone(original[unit], tolerance)
    return result


def _simplify_alone(geom, tolerance: float):
    simple = shapely.simplify(geom, tolerance, preserve_topology=True)
    return geom if shapely.is_empty(simple) or shapely.area(simple) == 0 else simple


def simplify_geometries(geometries, scale: str | ViewScale) -> np.ndarray:
    """Coverage-simplify an array of unit geometries for a view scale (same order, same length).

    Polygons are repaired, cleaned into a coverage when needed, simplified together and lost islands restored.
    Points and missing geometries pass through unchanged.
    """
    tolerance = view_scale(scale).tolerance
    geoms = polygonal(geometries)
    out = geoms.copy()
    area = _is_polygonal(geoms)
    if not area.any():
        return out
    valid = geoms[area]
    cleaned = clean_coverage(valid)
    simplified = shapely.coverage_simplify(cleaned, tolerance)
    out[area] = restore_lost_parts(valid, simplified, tolerance)
    return out


def simplify_for_view(gdf: gpd.GeoDataFrame, scale: str | ViewScale) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` (EPSG:4326) with its geometry simplified for ``scale``; rows and columns unchanged.

    Parameters
    ----------
    gdf : GeoDataFrame
        Units of one level, covering an area without overlaps (communes of the country, hamlets of a province).
    scale : {"national", "province", "commune"} or ViewScale

    Returns
    -------
    GeoDataFrame
    """
    out = gdf.copy()
    out[out.geometry.name] = simplify_geometries(gdf.geometry.to_numpy(), scale)
    return out


def round_coordinates(geometries, decimals: int) -> np.ndarray:
    """Coordinates rounded to ``decimals`` for serialising.

    Rounding (not ``set_precision``, which re-nodes and can drop tiny islands) keeps every vertex, so a vertex
    shared by two neighbours stays shared.
    """
    geoms = np.asarray(geometries, dtype=object)
    return shapely.transform(geoms, lambda coords: np.round(coords, decimals))


def geojson_geometries(geometries, decimals: int) -> list[str | None]:
    """GeoJSON text of each geometry, coordinates rounded to ``decimals`` (``None`` for a missing one).

    This is what to cache per (source, level, scale): the per-view properties are then glued on cheaply.
    """
    return list(shapely.to_geojson(round_coordinates(geometries, decimals)))


def geojson_features(gdf: gpd.GeoDataFrame, columns=(), decimals: int = 4) -> str:
    """Compact GeoJSON FeatureCollection text with only ``columns`` as properties.

    Text from data is escaped so the result can be embedded in a ``<script>`` element. Missing values become
    ``null``. Use :func:`geojson_payload` for a view scale.
    """
    geometry = geojson_geometries(gdf.geometry.to_numpy(), decimals)
    records = gdf[list(columns)].astype(object).where(gdf[list(columns)].notna(), None).to_dict("records")
    parts = [
        '{"type":"Feature","properties":' + _script_safe(props) + ',"geometry":' + (geom or "null") + "}"
        for props, geom in zip(records, geometry)
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


def geojson_payload(gdf: gpd.GeoDataFrame, scale: str | ViewScale, columns=()) -> str:
    """Simplify ``gdf`` for ``scale`` and serialise it as compact GeoJSON with only ``columns``."""
    view = view_scale(scale)
    return geojson_features(simplify_for_view(gdf, view), columns, view.decimals)


#: Decoder for :func:`encoded_collection` (ES5): returns a GeoJSON FeatureCollection for ``L.geoJson``.
#: Put it in the same ``<script>`` as the layer (``(function(){DECODER_JS; return cmDecode(data);})()``):
#: streamlit-folium inserts the page header with innerHTML, where inline scripts do not run.
DECODER_JS = (
    "function cmDecode(d){var s=d.s,cols=d.p,keys=Object.keys(cols),fs=[];"
    "for(var i=0;i<d.g.length;i++){var g=d.g[i],geom=g;"
    "if(Array.isArray(g)){var polys=[];for(var a=0;a<g.length;a++){var rings=[];"
    "for(var b=0;b<g[a].length;b++){var r=g[a][b],x=0,y=0,ring=[];"
    "for(var j=0;j<r.length;j+=2){x+=r[j];y+=r[j+1];ring.push([x/s,y/s]);}"
    "ring.push(ring[0]);rings.push(ring);}polys.push(rings);}"
    "geom={type:'MultiPolygon',coordinates:polys};}"
    "var p={};for(var q=0;q<keys.length;q++){p[keys[q]]=cols[keys[q]][i];}"
    "fs.push({type:'Feature',properties:p,geometry:geom});}"
    "return {type:'FeatureCollection',features:fs};}"
)


def encode_geometries(geometries, decimals: int) -> list[str | None]:
    """Polygons as compact text: integer deltas on a 10**-decimals grid, closing vertex dropped.

    Each geometry becomes ``[[[x0,y0,dx1,dy1,...],[hole...]],[[...]]]`` (polygons → rings → flat deltas), about
    half the bytes of rounded GeoJSON. Other geometry types (hamlet points) stay GeoJSON text; missing → None.
    Decoded in the browser by :data:`DECODER_JS`; cache the result like :func:`geojson_geometries`.
    """
    geoms = np.asarray(geometries, dtype=object)
    out = geojson_geometries(geoms, decimals)
    area = np.flatnonzero(_is_polygonal(geoms))
    if len(area) == 0:
        return out
    polys, poly_owner = shapely.get_parts(geoms[area], return_index=True)
    rings, ring_owner = shapely.get_rings(polys, return_index=True)
    coords, coord_owner = shapely.get_coordinates(rings, return_index=True)
    grid = np.round(coords * 10 ** decimals).astype(np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(coord_owner)) + 1]
    ends = np.r_[starts[1:], len(coord_owner)]
    deltas = np.diff(grid, axis=0, prepend=np.zeros((1, 2), np.int64))
    deltas[starts] = grid[starts]  # each ring starts absolute
    flat = deltas.ravel().astype(str)
    ring_text = ["[" + ",".join(flat[2 * a:2 * (b - 1)]) + "]" for a, b in zip(starts, ends)]
    poly_rings: list[list[str]] = [[] for _ in polys]
    for text, owner in zip(ring_text, ring_owner):
        poly_rings[owner].append(text)
    geom_polys: list[list[str]] = [[] for _ in area]
    for rings_of, owner in zip(poly_rings, poly_owner):
        geom_polys[owner].append("[" + ",".join(rings_of) + "]")
    for slot, parts in zip(area, geom_polys):
        out[slot] = "[" + ",".join(parts) + "]"
    return out


def encoded_collection(encoded: list[str], properties: dict, decimals: int) -> str:
    """The compact layer :data:`DECODER_JS` decodes: grid scale, columnar properties, encoded geometries.

    Parameters
    ----------
    encoded : list of str
        From :func:`encode_geometries` (same decimals), one per feature.
    properties : dict of str to sequence
        One column (sequence as long as ``encoded``) per property: keys are not repeated per feature.
    decimals : int
    """
    columns = {name: list(values) for name, values in properties.items()}
    return ('{"s":' + str(10 ** decimals) + ',"p":' + _script_safe(columns) + ',"g":['
            + ",".join(text or "null" for text in encoded) + "]}")


def _script_safe(value) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def source_key(path: str | os.PathLike) -> str:
    """Identity of a source file for caching: resolved path, size and modification time (ns)."""
    resolved = Path(path).resolve()
    stat = resolved.stat()
    return f"{resolved}|{stat.st_size}|{stat.st_mtime_ns}"


def cached_simplify(gdf: gpd.GeoDataFrame, scale: str | ViewScale, key: str,
                    cache_dir: str | os.PathLike) -> gpd.GeoDataFrame:
    """:func:`simplify_for_view` with an on-disk GeoParquet cache.

    Parameters
    ----------
    gdf : GeoDataFrame
        The units as loaded from the source.
    scale : str
        View scale name.
    key : str
        Identity of what ``gdf`` was read from and how (e.g. ``source_key(path) + "|commune|province=01"``).
    cache_dir : path
        Where cached layers live; created when missing. Written atomically (temp file + ``os.replace``).
    """
    # The scale's tolerance and decimals are in the key: retuning a scale never serves shapes made for the old one.
    digest = hashlib.sha256(f"{ALGORITHM_VERSION}|{scale}|{view_scale(scale)!r}|{key}".encode()).hexdigest()[:24]
    target = Path(cache_dir) / f"simplified-{digest}.parquet"
    if target.exists():
        return gpd.read_parquet(target)
    result = simplify_for_view(gdf, scale)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_suffix(f".{os.getpid()}.tmp")
    result.to_parquet(temp, compression="zstd")
    os.replace(temp, target)
    return result
