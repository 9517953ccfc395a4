"""Approximate commune shapes: Voronoi cells of the register centroids clipped to a land mask.

Everything is computed in an Albers equal-area projection centred on Vietnam (areas in m² are true),
then transformed to EPSG:4326. The land mask is the union of one disc per unit with the unit's
registered area (scaled), closed morphologically so the discs of the mainland join up; island
units (đặc khu and xã đảo) get their own discs, kept apart from the mainland by a sea gap, and
their own Voronoi diagram, so they never share an edge with a mainland unit.
"""

from __future__ import annotations

import numpy as np
import pyproj
import shapely
from shapely import affinity

#: Equal-area projection for Vietnam (standard parallels 11°N and 21°N).
METRIC_CRS = "+proj=aea +lat_0=16 +lon_0=106 +lat_1=11 +lat_2=21 +datum=WGS84 +units=m +no_defs"
QUAD_SEGS = 6           # vertices per quarter disc: enough for a blob, keeps files small
DISC_SCALE = 1.35       # discs overlap enough for the closing to join neighbours into land
CLOSING_M = 9_000.0     # fills the gaps between neighbouring discs (and small bays)
SEA_GAP_M = 1_500.0     # minimum water between an island unit and the mainland
ISLAND_MAX_SHARE = 0.45  # an island reaches at most this share of the way to the mainland centroids
ISLAND_MAX_SHIFT_M = 15_000.0  # how far an island may be moved offshore from its register centroid
GEOMETRY_SEED = 3        # island ellipses: aspect and orientation
LEGACY_REACH = 2.5       # an old commune's centroid farther than this many unit radii is mis-geocoded


def project(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Lon/lat degrees to metric (N, 2) coordinates in :data:`METRIC_CRS`."""
    forward = pyproj.Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
    x, y = forward.transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.column_stack([x, y])


def to_lonlat(geoms: np.ndarray) -> np.ndarray:
    """Transform metric geometries back to EPSG:4326 (vertex by vertex, so shared vertices stay shared)."""
    inverse = pyproj.Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)

    def _apply(coords: np.ndarray) -> np.ndarray:
        lon, lat = inverse.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geoms, _apply)


def disc_radii(area_km2: np.ndarray, is_island: np.ndarray) -> np.ndarray:
    """Disc radius per unit (m): the registered area as a disc, scaled up on the mainland only.

    Mainland discs must overlap for the closing to join them; island discs are never closed, so
    they keep the plain radius of their area.
    """
    radii = np.sqrt(np.asarray(area_km2, float) * 1e6 / np.pi)
    return np.where(is_island, radii, DISC_SCALE * radii)


def place_islands(xy: np.ndarray, radii: np.ndarray, is_island: np.ndarray,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Island shapes: an ellipse of the unit's area, moved offshore when its centroid hugs the coast.

    Register centroids of near-shore islands (Cát Hải, Vân Đồn) sit within the mainland's discs; the
    island is pushed away from its three nearest mainland centroids, at most :data:`ISLAND_MAX_SHIFT_M`,
    and shrunk if it still does not fit. Returns (shapes, centres) for the island units, in order.
    """
    tree = shapely.STRtree(shapely.points(xy[~is_island]))
    mainland_xy = xy[~is_island]
    shapes, centres = [], []
    for i in np.flatnonzero(is_island):
        aspect, angle = rng.uniform(1.0, 1.7), rng.uniform(0, 180)
        reach = radii[i] * np.sqrt(aspect)                   # semi-major axis of the ellipse
        near = tree.query_nearest(shapely.points(xy[i]), all_matches=False)
        nearest = np.argsort(np.hypot(*(mainland_xy - xy[i]).T))[:3]
        away = xy[i] - mainland_xy[nearest].mean(axis=0)
        away /= max(np.hypot(*away), 1.0)
        dist = float(np.hypot(*(mainland_xy[near[0]] - xy[i])))
        needed = (reach + SEA_GAP_M) / ISLAND_MAX_SHARE
        centre = xy[i] + away * min(max(needed - dist, 0.0), ISLAND_MAX_SHIFT_M)
        dist = float(np.min(np.hypot(*(mainland_xy - centre).T)))
        shrink = min(1.0, max(ISLAND_MAX_SHARE * dist - SEA_GAP_M, 300.0) / reach)
        disc = shapely.buffer(shapely.points(centre), radii[i] * shrink, quad_segs=QUAD_SEGS)
        ellipse = affinity.rotate(affinity.scale(disc, np.sqrt(aspect), 1 / np.sqrt(aspect)), angle)
        shapes.append(ellipse)
        centres.append(centre)
    return np.array(shapes, dtype=object), np.array(centres).reshape(-1, 2)


def land_mask(xy: np.ndarray, radii: np.ndarray, is_island: np.ndarray, island_shapes: np.ndarray):
    """The approximate land: (mainland, islands) polygons in metric coordinates.

    Holes left by the closing inside the mainland are filled: they are artefacts, not lakes.
    """
    discs = shapely.buffer(shapely.points(xy[~is_island]), radii[~is_island], quad_segs=QUAD_SEGS)
    islands = shapely.union_all(island_shapes)
    mainland = shapely.union_all(discs)
    mainland = shapely.buffer(shapely.buffer(mainland, CLOSING_M, quad_segs=QUAD_SEGS),
                              -CLOSING_M, quad_segs=QUAD_SEGS)
    mainland = _fill_holes(mainland)
    mainland = shapely.difference(mainland, shapely.buffer(islands, SEA_GAP_M, quad_segs=QUAD_SEGS))
    return mainland, islands


def _fill_holes(geom):
    parts = shapely.get_parts(geom)
    return shapely.union_all(shapely.polygons(shapely.get_exterior_ring(parts)))


def voronoi_cells(xy: np.ndarray, region) -> np.ndarray:
    """Voronoi cell of each point (in input order) clipped to ``region``."""
    if len(xy) == 1:
        return np.array([region], dtype=object)
    xmin, ymin, xmax, ymax = shapely.bounds(region)
    frame = shapely.box(xmin - 1e5, ymin - 1e5, xmax + 1e5, ymax + 1e5)
    diagram = shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=frame, ordered=True)
    cells = shapely.get_parts(diagram)
    return shapely.intersection(cells, region)


def absorb_fragments(cells: np.ndarray, xy: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Give each detached piece of a cell to the neighbour that shares most border with it.

    Clipping a convex Voronoi cell to a ragged mask can leave pieces of the cell cut off from its
    seed; they would look like slivers of a unit stranded in its neighbour. A neighbour in the same
    ``group`` (province) is preferred; a piece that touches nothing stays with its own cell.
    """
    main = np.empty(len(cells), dtype=object)
    orphans: list[tuple[int, object]] = []
    for i, cell in enumerate(cells):
        parts = shapely.get_parts(cell)
        seed = shapely.points(xy[i])
        dist = shapely.distance(parts, seed)
        keep = int(np.argmin(dist))
        main[i] = parts[keep]
        orphans.extend((i, p) for j, p in enumerate(parts) if j != keep)
    tree = shapely.STRtree(main)
    received: dict[int, list] = {}
    for owner, piece in orphans:
        candidates = [int(c) for c in tree.query(piece, predicate="intersects") if c != owner]
        shared = [shapely.length(shapely.intersection(shapely.boundary(piece), main[c])) for c in candidates]
        best, best_key = owner, (0, 0.0)
        for c, length in zip(candidates, shared):
            key = (int(group[c] == group[owner]), length)
            if length > 0 and key > best_key:
                best, best_key = c, key
        received.setdefault(best, []).append(piece)
    out = main.copy()
    for i, pieces in received.items():
        out[i] = shapely.union_all([main[i], *pieces])
    return out


def node_coverage(polys: np.ndarray) -> np.ndarray:
    """Rebuild polygons from their fully noded boundaries so neighbours share identical vertices.

    Cells clipped separately put vertices at different places along a shared border; a valid
    coverage (``shapely.coverage_is_valid``) needs them matched, and so does coverage simplification.
    """
    lines = shapely.union_all(shapely.boundary(polys))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    inside = shapely.point_on_surface(faces)
    tree = shapely.STRtree(polys)
    face_idx, poly_idx = tree.query(inside, predicate="within")
    out = np.empty(len(polys), dtype=object)
    order = np.argsort(poly_idx, kind="stable")
    face_idx, poly_idx = face_idx[order], poly_idx[order]
    bounds = np.flatnonzero(np.diff(poly_idx)) + 1
    for faces_of, idx in zip(np.split(face_idx, bounds), np.split(poly_idx, bounds)):
        out[idx[0]] = shapely.coverage_union_all(faces[faces_of])
    missing = [i for i in range(len(polys)) if out[i] is None]
    for i in missing:  # a polygon too thin to hold a face: keep it as it was
        out[i] = polys[i]
    return out


def legacy_generators(xy: np.ndarray, radii: np.ndarray, is_island: np.ndarray,
                      extra_xy: np.ndarray, extra_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep the old-commune centroids that can help shape a mainland unit.

    Dropped: points of island units, points farther from their unit's centroid than
    :data:`LEGACY_REACH` times its radius (+5 km) (mis-geocoded ones), points within 200 m of the
    unit's own centroid, and duplicates (rounded to 100 m).
    """
    dist = np.hypot(*(extra_xy - xy[extra_row]).T)
    radius = radii[extra_row] / DISC_SCALE
    keep = ~is_island[extra_row] & (dist <= np.maximum(LEGACY_REACH * radius, radius + 5_000)) & (dist > 200)
    extra_xy, extra_row = extra_xy[keep], extra_row[keep]
    _, first = np.unique(np.round(extra_xy / 100).astype(np.int64), axis=0, return_index=True)
    first = np.sort(first)
    return extra_xy[first], extra_row[first]


def _mainland_cells(xy, rows, extra_xy, extra_row, region, n_units) -> np.ndarray:
    """Cells of the mainland units: the union of the Voronoi cells of all their generators."""
    seeds = np.vstack([xy[rows], extra_xy])
    owner = np.concatenate([rows, extra_row])
    pieces = voronoi_cells(seeds, region)
    cells = np.empty(n_units, dtype=object)
    order = np.argsort(owner, kind="stable")
    bounds = np.flatnonzero(np.diff(owner[order])) + 1
    for group in np.split(order, bounds):
        cells[owner[group[0]]] = shapely.union_all(pieces[group])
    return cells[rows]


def build_cells(xy: np.ndarray, area_km2: np.ndarray, is_island: np.ndarray, province: np.ndarray,
                extra_xy: np.ndarray | None = None, extra_row: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
    """Commune polygons (metric) in input order, and figures about the construction.

    Parameters
    ----------
    xy, area_km2, is_island, province : numpy.ndarray
        Register centroids (metric), registered areas, island flags and province codes.
    extra_xy, extra_row : numpy.ndarray, optional
        More generators (old communes' centroids) and the unit row each belongs to.

    Returns
    -------
    cells : numpy.ndarray of shapely Polygon/MultiPolygon
    info : dict
        ``median_area_ratio`` (cell area / registered area), ``land_km2``, ``legacy_generators``.
    """
    radii = disc_radii(area_km2, is_island)
    island_shapes, island_xy = place_islands(xy, radii, is_island, np.random.default_rng(GEOMETRY_SEED))
    mainland, islands = land_mask(xy, radii, is_island, island_shapes)
    if extra_xy is None:
        extra_xy, extra_row = np.empty((0, 2)), np.empty(0, dtype=np.int64)
    extra_xy, extra_row = legacy_generators(xy, radii, is_island, extra_xy, extra_row)
    cells = np.empty(len(xy), dtype=object)
    main = np.flatnonzero(~is_island)
    cells[main] = absorb_fragments(_mainland_cells(xy, main, extra_xy, extra_row, mainland, len(xy)),
                                   xy[main], province[main])
    isl = np.flatnonzero(is_island)
    cells[isl] = absorb_fragments(voronoi_cells(island_xy, islands), island_xy, province[isl])
    cells = node_coverage(cells)
    ratio = shapely.area(cells) / (np.asarray(area_km2, float) * 1e6)
    info = {
        "median_area_ratio": round(float(np.median(ratio)), 3),
        "land_km2": round(float(shapely.area(mainland) + shapely.area(islands)) / 1e6),
        "legacy_generators": int(len(extra_xy)),
    }
    return cells, info
