"""The demo's land: Natural Earth 1:10m (``data/context``) cut into parts and shared between units.

The mainland is Natural Earth's largest Vietnamese polygon; every other part is an island. Island
units (đặc khu and xã đảo) may only be drawn on islands, mainland units on the mainland and on the
islands nearer to them. Natural Earth at 1:10m lacks many small islands (Lý Sơn, Bạch Long Vĩ, Cồn
Cỏ, Thổ Châu, ...) and its coast is coarse, so a register centroid can lie in the sea: such a unit
gets a disc of its registered area at its register position (or the nearest free water), drawn as
such (``geometry_source``).
"""

from __future__ import annotations

import numpy as np
import shapely

#: Islets smaller than this are left out: invisible at any zoom the maps use, and below the size of
#: the smallest real island unit (Cồn Cỏ, 2.3 km²) by an order of magnitude.
MIN_PART_M2 = 300_000.0
SEA_GAP_M = 1_500.0          # water kept between a disc-drawn island and any other land
MAX_SHIFT_M = 15_000.0       # how far a disc may be moved from its register position into free water
SHIFT_STEP_M = 500.0
DIRECTIONS = 16
INSET_M = 250.0              # a centroid snapped onto land goes this far inside the coast
#: Estuaries, lagoons and narrow bays up to twice this wide are closed: communes reach across them
#: (the Mekong mouths, Tam Giang - Cầu Hai, the Bạch Đằng), while Natural Earth draws them as sea.
CLOSING_M = 3_000.0
QUAD_SEGS = 8                # vertices per quarter disc
SITE_REACH_M = 60_000.0      # an island unit's old commune farther than this from its centroid is mis-geocoded
SITE_MERGE_M = 5_000.0       # old communes' centroids this close are one island group


def land_parts(land) -> tuple[object, np.ndarray]:
    """(mainland, islands): the largest polygon of ``land`` and the other parts of at least :data:`MIN_PART_M2`."""
    parts = shapely.get_parts(land)
    areas = shapely.area(parts)
    big = int(np.argmax(areas))
    keep = (areas >= MIN_PART_M2) & (np.arange(len(parts)) != big)
    return parts[big], parts[keep]


def close_waters(mainland, neighbours=None):
    """The mainland with its estuaries, lagoons and narrow bays filled (never across a land border).

    A morphological closing by :data:`CLOSING_M`, joined to the original so no coast moves inland, with
    the holes it leaves filled and the neighbours' land cut away.
    """
    closed = shapely.buffer(shapely.buffer(mainland, CLOSING_M, quad_segs=QUAD_SEGS), -CLOSING_M, quad_segs=QUAD_SEGS)
    closed = shapely.union(mainland, closed)
    if neighbours is not None:
        closed = shapely.difference(closed, neighbours)
    parts = shapely.get_parts(closed)
    outer = shapely.polygons(shapely.get_exterior_ring(parts[int(np.argmax(shapely.area(parts)))]))
    return outer if neighbours is None else shapely.difference(outer, neighbours)


def snap_inside(points: np.ndarray, region) -> np.ndarray:
    """Move the points lying outside ``region`` onto it, :data:`INSET_M` inside its edge when possible.

    Returns (N, 2) coordinates; points inside are unchanged.
    """
    out = np.asarray(points, float).copy()
    shapely.prepare(region)
    outside = np.flatnonzero(~shapely.contains_xy(region, out[:, 0], out[:, 1]))
    for i in outside:
        line = shapely.shortest_line(shapely.points(out[i]), region)
        edge = shapely.get_coordinates(line)[1]
        step = edge - out[i]
        step /= max(float(np.hypot(*step)), 1e-9)
        inner = edge + step * INSET_M
        out[i] = inner if shapely.contains_xy(region, *inner) else edge
    return out


def assign_islands(islands: np.ndarray, seeds: np.ndarray, unit: np.ndarray,
                   island_seed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which side owns each island, and which unit when one unit's seeds alone claim it.

    An island belongs to the island units when one of their seeds (register or pre-2025 centroid)
    is strictly nearer to it than any mainland unit's seed; otherwise to the mainland units.

    Parameters
    ----------
    islands : numpy.ndarray of Polygon
    seeds : numpy.ndarray, shape (M, 2)
        Generators of all units (metric).
    unit : numpy.ndarray of int, shape (M,)
        The unit each seed belongs to.
    island_seed : numpy.ndarray of bool, shape (M,)
        Whether the seed's unit is drawn as an island.

    Returns
    -------
    to_island : numpy.ndarray of bool
        One per island: owned by the island units.
    owner : numpy.ndarray of int
        One per island: the owning unit when the island holds seeds of at most one unit of its side
        (the nearest seed's unit when it holds none), else -1 (split among the units inside).
    """
    points = shapely.points(seeds)
    trees = {side: shapely.STRtree(points[island_seed == side]) for side in (True, False)}
    index = {side: np.flatnonzero(island_seed == side) for side in (True, False)}
    to_island = np.zeros(len(islands), dtype=bool)
    owner = np.full(len(islands), -1, dtype=np.int64)
    for k, part in enumerate(islands):
        nearest = {}
        for side, tree in trees.items():
            hit, dist = tree.query_nearest(part, return_distance=True, all_matches=False)
            nearest[side] = (float(dist[0]), int(index[side][hit[0]])) if len(hit) else (np.inf, -1)
        side = nearest[True][0] < nearest[False][0]
        to_island[k] = side
        inside = index[side][np.sort(trees[side].query(part, predicate="contains"))]
        units = np.unique(unit[inside])
        owner[k] = unit[nearest[side][1]] if len(units) <= 1 else -1
    return to_island, owner


def disc_sites(centre: np.ndarray, legacy: np.ndarray, land) -> np.ndarray:
    """Where an island unit with no island at 1:10m is drawn: its centroid and its old communes' islands.

    A đặc khu made of several island groups (Kiên Hải: Hòn Tre, Lại Sơn, An Sơn, Nam Du) had one
    commune per group; their centroids mark the groups. Old centroids on land (mis-geocoded onto
    the mainland town), farther than :data:`SITE_REACH_M`, or within :data:`SITE_MERGE_M` of an
    earlier site are not used.
    """
    sites = [np.asarray(centre, float)]
    shapely.prepare(land)
    for point in np.asarray(legacy, float).reshape(-1, 2):
        if shapely.contains_xy(land, *point) or np.hypot(*(point - centre)) > SITE_REACH_M:
            continue
        if min(np.hypot(*(point - s)) for s in sites) >= SITE_MERGE_M:
            sites.append(point)
    return np.array(sites)


def place_disc(centre: np.ndarray, radius: float, obstacles) -> tuple[object, bool]:
    """A disc of ``radius`` at ``centre``, or in the nearest free water when it would touch land.

    Free = at least :data:`SEA_GAP_M` from ``obstacles``. Candidates are tried by distance, then by
    direction (:data:`DIRECTIONS`, from east anticlockwise), up to :data:`MAX_SHIFT_M`; when none
    is free the disc stays at its place, shrunk to the water it has, or a 300 m disc in the end.

    Returns
    -------
    (Polygon, bool)
        The disc and whether it was moved or shrunk.
    """
    shapely.prepare(obstacles)
    angles = 2 * np.pi * np.arange(DIRECTIONS) / DIRECTIONS
    for shift in np.arange(0.0, MAX_SHIFT_M + 1, SHIFT_STEP_M):
        for angle in angles[:1] if shift == 0 else angles:
            at = centre + shift * np.array([np.cos(angle), np.sin(angle)])
            if shapely.distance(obstacles, shapely.points(at)) >= radius + SEA_GAP_M:
                return shapely.buffer(shapely.points(at), radius, quad_segs=QUAD_SEGS), shift > 0
    room = float(shapely.distance(obstacles, shapely.points(centre))) - SEA_GAP_M
    disc = shapely.buffer(shapely.points(centre), max(room, 300.0), quad_segs=QUAD_SEGS)
    return shapely.difference(disc, shapely.buffer(obstacles, SEA_GAP_M, quad_segs=QUAD_SEGS)), True
