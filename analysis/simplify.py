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

Every function here is a pure function of its inputs; the dashboard caches the results by content
(:mod:`dashboard.query.geometry`), so indicator and period changes never re-simplify.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

#: Bump when the algorithm changes, so on-disk caches made by an older version are not reused.
ALGORITHM_VERSION = "2"


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
    if len(geoms) == 0 or (not _broken_around_first(geoms) and shapely.coverage_is_valid(geoms)):
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


def clean_geometries(geometries) -> np.ndarray:
    """Polygons repaired and cleaned into a coverage (same order, same length): the slow, scale-independent step.

    Cache it once per source file (cleaning the real 2025 communes takes a few seconds); :func:`simplify_cleaned`
    then only simplifies. Points and missing geometries pass through unchanged.
    """
    geoms = polygonal(geometries)
    area = _is_polygonal(geoms)
    if area.any():
        geoms[area] = clean_coverage(geoms[area])
    return geoms


def _broken_around_first(geoms: np.ndarray, sample: int = 200) -> bool:
    """Whether some of the units around the first one already break the coverage (mismatched shared edges).

    An invalid edge between two units stays invalid among all units, so a dirty file (most real ones) is
    recognised from a few hundred neighbours instead of checking the whole coverage (about a second for the
    real communes) before cleaning it anyway. False means "not known": the whole coverage is then checked.
    """
    if len(geoms) <= sample:
        return False
    centre = shapely.centroid(geoms[0])
    near = shapely.STRtree(geoms).query_nearest(centre, all_matches=True)
    order = np.argsort(shapely.distance(shapely.centroid(geoms), centre))[:sample]
    chosen = np.union1d(near, order)
    return not shapely.coverage_is_valid(geoms[chosen])


def prepare_coverage(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` with its polygons repaired and cleaned into a coverage (:func:`clean_geometries`)."""
    out = gdf.copy()
    out[out.geometry.name] = clean_geometries(gdf.geometry.to_numpy())
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
    # Which candidates touch some simplified unit: boxes first, then the exact test on prepared units (the
    # large shapes are the ones worth preparing).
    part_index, unit_index = shapely.STRtree(result).query(parts[candidates])
    prepared = result.copy()
    shapely.prepare(prepared)
    touching = shapely.intersects(prepared[unit_index], parts[candidates][part_index])
    lost_parts = candidates[np.setdiff1d(np.arange(len(candidates)), part_index[touching])]
    for unit in np.unique(owner[lost_parts]):
        pieces = shapely.union_all([_simplify_alone(p, tolerance) for p in
                                    parts[lost_parts[owner[lost_parts] == unit]]])
        kept = result[unit]
        if shapely.is_empty(kept):
            result[unit] = pieces
        elif shapely.intersects(kept, pieces):
            result[unit] = shapely.union_all([kept, pieces])
        else:  # apart from the unit (the usual case): no overlay of the whole unit is needed
            result[unit] = shapely.multipolygons([*shapely.get_parts(kept), *shapely.get_parts(pieces)])
    emptied = shapely.is_empty(result) & ~shapely.is_empty(original)
    for unit in np.flatnonzero(emptied):
        result[unit] = _simplify_alone(original[unit], tolerance)
    return result


def _simplify_alone(geom, tolerance: float):
    simple = shapely.simplify(geom, tolerance, preserve_topology=True)
    return geom if shapely.is_empty(simple) or shapely.area(simple) == 0 else simple


def simplify_cleaned(cleaned, scale: str | ViewScale) -> np.ndarray:
    """Coverage-simplify shapes that are already a clean coverage (:func:`clean_geometries`) for a view scale.

    The fast, per-scale step; islands the simplification would lose come back. Any subset of a clean coverage
    (the units of one province) is a clean coverage too.
    """
    tolerance = view_scale(scale).tolerance
    geoms = np.asarray(cleaned, dtype=object)
    out = geoms.copy()
    area = _is_polygonal(geoms)
    if area.any():
        simplified = shapely.coverage_simplify(geoms[area], tolerance)
        out[area] = restore_lost_parts(geoms[area], simplified, tolerance)
    return out


def simplify_geometries(geometries, scale: str | ViewScale) -> np.ndarray:
    """Coverage-simplify an array of unit geometries for a view scale (same order, same length).

    Polygons are repaired, cleaned into a coverage when needed (:func:`clean_geometries`), simplified together
    and lost islands restored (:func:`simplify_cleaned`). Points and missing geometries pass through unchanged.
    """
    return simplify_cleaned(clean_geometries(geometries), scale)


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
