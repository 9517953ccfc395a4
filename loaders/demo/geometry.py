"""Approximate commune shapes: Voronoi cells of the register centroids clipped to the real land.

Everything is computed in an Albers equal-area projection centred on Vietnam (areas in m² are true),
then transformed to EPSG:4326. The land is Natural Earth 1:10m (:mod:`.land`): mainland units share
the mainland (and the islands nearer to them) by the Voronoi cells of their register centroids and of
their pre-2025 communes' centroids; island units (đặc khu and xã đảo) get the islands nearer to
their own centroids, or a disc of their registered area where Natural Earth has no island, so they
never share an edge with a mainland unit.
"""

from __future__ import annotations

import numpy as np
import pyproj
import shapely

from .land import SEA_GAP_M, assign_islands, close_waters, disc_sites, land_parts, place_disc, snap_inside

#: Equal-area projection for Vietnam (standard parallels 11°N and 21°N).
METRIC_CRS = "+proj=aea +lat_0=16 +lon_0=106 +lat_1=11 +lat_2=21 +datum=WGS84 +units=m +no_defs"
LEGACY_REACH = 3.0       # an old commune's centroid farther than this many unit radii is mis-geocoded


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


def to_lonlat_xy(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Metric (N, 2) coordinates back to (lon, lat) arrays."""
    inverse = pyproj.Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)
    return inverse.transform(np.asarray(xy, float)[:, 0], np.asarray(xy, float)[:, 1])


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




def unit_radii(area_km2: np.ndarray) -> np.ndarray:
    """Radius (m) of a disc with each unit's registered area."""
    return np.sqrt(np.asarray(area_km2, float) * 1e6 / np.pi)


def legacy_generators(xy: np.ndarray, radii: np.ndarray, extra_xy: np.ndarray,
                      extra_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep the old-commune centroids that can help shape a unit.

    Dropped: points farther from their unit's centroid than :data:`LEGACY_REACH` times its radius
    (+5 km) (mis-geocoded ones), points within 200 m of any unit's centroid, and duplicates
    (rounded to 100 m).
    """
    dist = np.hypot(*(extra_xy - xy[extra_row]).T)
    radius = radii[extra_row]
    near_any, _ = shapely.STRtree(shapely.points(xy)).query(shapely.points(extra_xy), predicate="dwithin",
                                                              distance=200.0)
    keep = (dist <= np.maximum(LEGACY_REACH * radius, radius + 5_000)) & ~np.isin(np.arange(len(extra_xy)), near_any)
    extra_xy, extra_row = extra_xy[keep], extra_row[keep]
    _, first = np.unique(np.round(extra_xy / 100).astype(np.int64), axis=0, return_index=True)
    first = np.sort(first)
    return extra_xy[first], extra_row[first]


def _cells_by_unit(seeds: np.ndarray, unit: np.ndarray, region) -> dict[int, object]:
    """Union of the Voronoi cells (clipped to ``region``) of each unit's seeds."""
    pieces = voronoi_cells(seeds, region)
    if len(pieces) != len(seeds):
        raise ValueError("duplicate Voronoi generators")
    order = np.argsort(unit, kind="stable")
    bounds = np.flatnonzero(np.diff(unit[order])) + 1
    return {int(unit[g[0]]): shapely.union_all(pieces[g]) for g in np.split(order, bounds)}


def _mainland_cells(xy, province, seeds, unit, island_seed, mainland, islands, to_island,
                    owner) -> dict[int, object]:
    """Cells of the mainland units: Voronoi on the mainland and shared islands, whole islands added.

    A register centroid in the sea (Natural Earth's coast is coarse) is moved onto the land, so each
    unit keeps a cell; a pre-2025 centroid in the sea is dropped. Seeds on an island that a single
    unit owns do not take part in the Voronoi diagram: that unit gets the whole island.
    """
    shared = islands[~to_island & (owner == -1)]
    region = shapely.union_all([mainland, *shared])
    shapely.prepare(region)
    n = len(xy)
    mine = np.flatnonzero(~island_seed)
    on_land = shapely.contains_xy(region, seeds[mine, 0], seeds[mine, 1])
    own_islands = shapely.union_all(islands[~to_island & (owner >= 0)])
    on_own_island = shapely.contains_xy(own_islands, seeds[mine, 0], seeds[mine, 1])
    register = mine < n
    snap = register & ~on_land & ~on_own_island
    points = seeds[mine].copy()
    points[snap] = snap_inside(points[snap], region)
    use = on_land | snap
    cells = _cells_by_unit(points[use], unit[mine][use], region)
    anchors = {}
    for u, p in zip(unit[mine][use][::-1], points[use][::-1]):
        anchors[int(u)] = p          # reversed: the register seed (first) wins
    keys = sorted(cells)
    fixed = absorb_fragments(np.array([cells[k] for k in keys], dtype=object),
                             np.array([anchors[k] for k in keys]), np.asarray(province)[keys])
    cells = dict(zip(keys, fixed))
    for part, u in zip(islands[~to_island & (owner >= 0)], owner[~to_island & (owner >= 0)]):
        cells[int(u)] = shapely.union_all([cells[int(u)], part]) if int(u) in cells else part
    return cells


def _island_cells(seeds, unit, island_seed, islands, to_island, owner) -> dict[int, object]:
    """Cells of the island units on Natural Earth's islands: whole islands, or split by Voronoi
    among the units whose seeds lie on the same island."""
    cells: dict[int, list] = {}
    mine = np.flatnonzero(island_seed)
    for part, u in zip(islands[to_island], owner[to_island]):
        if u >= 0:
            cells.setdefault(int(u), []).append(part)
            continue
        inside = mine[shapely.contains_xy(part, seeds[mine, 0], seeds[mine, 1])]
        for v, piece in _cells_by_unit(seeds[inside], unit[inside], part).items():
            cells.setdefault(v, []).append(piece)
    return {u: shapely.union_all(parts) for u, parts in cells.items()}


def build_cells(xy: np.ndarray, area_km2: np.ndarray, is_island: np.ndarray, province: np.ndarray, land,
                extra_xy: np.ndarray | None = None, extra_row: np.ndarray | None = None,
                neighbours=None) -> tuple[np.ndarray, dict]:
    """Commune polygons (metric) in input order, and figures about the construction.

    Parameters
    ----------
    xy, area_km2, is_island, province : numpy.ndarray
        Register centroids (metric), registered areas, "drawn as an island" flags and province codes.
    land : shapely (Multi)Polygon
        The national land in metric coordinates (Natural Earth 1:10m, :func:`loaders.context.vietnam_land`).
    extra_xy, extra_row : numpy.ndarray, optional
        More generators (old communes' centroids) and the unit row each belongs to.
    neighbours : shapely geometry, optional
        The neighbours' land (metric): closing the estuaries never crosses a land border.

    Returns
    -------
    cells : numpy.ndarray of shapely Polygon/MultiPolygon
    info : dict
        ``median_area_ratio`` (cell area / registered area), ``land_km2``, ``legacy_generators``,
        ``disc_units`` (rows of the island units drawn as discs: no island at 1:10m).
    """
    radii = unit_radii(area_km2)
    mainland, islands = land_parts(land)
    if extra_xy is None:
        extra_xy, extra_row = np.empty((0, 2)), np.empty(0, dtype=np.int64)
    raw_xy, raw_row = extra_xy, extra_row
    extra_xy, extra_row = legacy_generators(xy, radii, extra_xy, extra_row)
    seeds = np.vstack([xy, extra_xy])
    unit = np.concatenate([np.arange(len(xy)), extra_row])
    island_seed = np.asarray(is_island, bool)[unit]
    to_island, owner = assign_islands(islands, seeds, unit, island_seed)
    natural = mainland
    mainland = close_waters(mainland, neighbours)
    # Islands the closed mainland reaches: a mainland unit's island joins the shared land; an island
    # unit's keeps its channel (the closing gives way there, Natural Earth's own mainland stays).
    reached = shapely.intersects(islands, shapely.buffer(mainland, SEA_GAP_M))
    owner[reached & ~to_island] = -1
    carve = islands[reached & to_island]
    if len(carve):
        mainland = shapely.union(shapely.difference(mainland, shapely.buffer(shapely.union_all(carve), SEA_GAP_M)),
                                 natural)
    found = _mainland_cells(xy, province, seeds, unit, island_seed, mainland, islands, to_island, owner)
    found.update(_island_cells(seeds, unit, island_seed, islands, to_island, owner))
    cells = np.empty(len(xy), dtype=object)
    for u, cell in found.items():
        cells[u] = cell
    # everything drawn so far: the land, the closed mainland, and the island units' cells
    obstacles = shapely.union_all([land, mainland, *(cells[u] for u in found if is_island[u])])
    discs = [i for i in range(len(xy)) if cells[i] is None]
    for i in discs:   # island units with no island at 1:10m: discs of their area, in free water
        sites = disc_sites(xy[i], raw_xy[raw_row == i], land)
        pieces = []
        for site in sites:
            piece, _ = place_disc(site, radii[i] / np.sqrt(len(sites)), obstacles)
            obstacles = shapely.union_all([obstacles, piece])
            pieces.append(piece)
        cells[i] = shapely.union_all(pieces)
    cells = node_coverage(cells)
    ratio = shapely.area(cells) / (np.asarray(area_km2, float) * 1e6)
    info = {
        "median_area_ratio": round(float(np.median(ratio)), 3),
        "land_km2": round(float(shapely.area(shapely.union_all(cells))) / 1e6),
        "legacy_generators": int(len(extra_xy)),
        "disc_units": discs,
    }
    return cells, info
