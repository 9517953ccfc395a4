"""Approximate hamlet areas from hamlet points: Voronoi cells clipped to the commune (SPEC §2, issue 11).

Most provinces only know where each hamlet is (a point from a list). To colour hamlets on a map, each commune is
divided among its hamlets: every place in the commune goes to the nearest hamlet point (a Voronoi diagram,
computed on a local plane where a degree of longitude is shortened by cos(latitude), so "nearest" means metres),
and the cells are clipped to the commune. The result tiles the commune exactly: no gaps, no overlaps
(``tests/test_hamlet_areas.py`` checks it on real communes). The shapes are marked
``geometry_source = "approximate: Voronoi of hamlet points"`` and the points are kept (``point_lon``,
``point_lat``) so maps can show where the hamlet really is.

Special cases, each decided here once:

- a commune with one hamlet: the whole commune;
- several hamlets at one spot: the cell of that spot is cut into sectors around it, one per hamlet;
- a hamlet whose point lies outside its commune: its cell grows from the nearest point of the commune;
- a hamlet whose commune has no shape, or that has no point: kept as it is (point or nothing).
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

APPROXIMATE = "approximate: Voronoi of hamlet points"
#: Distance (degrees, about 1 m) at which hamlets sharing a spot are spread around it before the Voronoi.
SPREAD = 1e-5
#: Precision grid (degrees) of the clipped cells: one grid for every cell, so neighbours share their vertices.
GRID = 1e-9


def hamlet_areas(hamlets: gpd.GeoDataFrame, communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Hamlets with their approximate areas (see the module docstring).

    Parameters
    ----------
    hamlets : geopandas.GeoDataFrame
        Hamlet units with ``commune_code``; Point geometries get areas, others are returned unchanged.
    communes : geopandas.GeoDataFrame
        Commune shapes with ``commune_code`` (same CRS, EPSG:4326).

    Returns
    -------
    geopandas.GeoDataFrame
        ``hamlets`` in the same order with area geometries where they could be made, ``point_lon`` and
        ``point_lat`` (the hamlet's point, NaN where it had none) and ``geometry_source`` set to
        :data:`APPROXIMATE` on the rows given an area.
    """
    result = hamlets.copy()
    geometries = np.array(result.geometry.values, dtype=object)
    is_point = ~shapely.is_missing(geometries) & (shapely.get_type_id(geometries) == 0)
    is_point &= ~shapely.is_empty(geometries)
    result["point_lon"] = np.where(is_point, shapely.get_x(geometries), np.nan)
    result["point_lat"] = np.where(is_point, shapely.get_y(geometries), np.nan)
    shapes = dict(zip(communes["commune_code"].astype(str), communes.geometry.values))
    made = np.zeros(len(result), dtype=bool)
    codes = result["commune_code"].astype(str).to_numpy()
    for code in pd.unique(codes[is_point]):
        commune = _polygonal(shapes.get(code))
        if commune is None:
            continue
        rows = np.flatnonzero(is_point & (codes == code))
        points = shapely.get_coordinates(geometries[rows])
        geometries[rows] = divide_commune(commune, points)
        made[rows] = True
    source = result["geometry_source"].to_numpy(dtype=object, copy=True) if "geometry_source" in result \
        else np.full(len(result), None, dtype=object)
    source[made] = APPROXIMATE
    result["geometry_source"] = source
    return result.set_geometry(gpd.GeoSeries(geometries, index=result.index, crs=hamlets.crs))


def divide_commune(commune, points: np.ndarray) -> list:
    """One area per point (``points``: an (n, 2) array of lon/lat), together exactly ``commune``."""
    commune = _polygonal(commune)
    if len(points) == 1 or commune is None:
        return [commune if commune is not None else shapely.Polygon()] * len(points)
    generators = _inside(commune, points)
    scale = math.cos(math.radians(float(np.mean(generators[:, 1]))))
    generators = _spread(generators)
    local = generators * [scale, 1.0]
    minx, miny, maxx, maxy = shapely.bounds(commune)
    extent = shapely.box(minx * scale, miny, maxx * scale, maxy).buffer(max(maxx - minx, maxy - miny) + 1.0)
    cells = shapely.voronoi_polygons(shapely.multipoints(local), extend_to=extent, ordered=True)
    cells = shapely.get_parts(cells)
    cells = shapely.transform(cells, lambda xy: xy / [scale, 1.0])
    areas = [_polygonal(shapely.intersection(cell, commune, grid_size=GRID)) for cell in cells]
    return [area if area is not None else shapely.Polygon() for area in areas]


def _polygonal(geometry):
    """The polygonal part of a geometry (valid), or None."""
    if geometry is None or shapely.is_missing(geometry) or shapely.is_empty(geometry):
        return None
    if not shapely.is_valid(geometry):
        geometry = shapely.make_valid(geometry)
    parts = shapely.get_parts(geometry)
    polygons = [p for p in parts if shapely.get_type_id(p) in (3, 6)]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.union_all(polygons)


def _inside(commune, points: np.ndarray) -> np.ndarray:
    """Points outside the commune moved to its nearest point (their cell then grows from there)."""
    moved = points.copy()
    outside = ~shapely.contains_xy(commune, points[:, 0], points[:, 1])
    for i in np.flatnonzero(outside):
        nearest = shapely.shortest_line(shapely.Point(points[i]), commune)
        moved[i] = shapely.get_coordinates(nearest)[-1]
    return moved


def _spread(points: np.ndarray) -> np.ndarray:
    """Points sharing a spot set on a small circle around it, so their shared cell is cut into sectors."""
    spread = points.copy()
    keys = [tuple(p) for p in np.round(points, 9)]
    groups: dict[tuple, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        for k, i in enumerate(members):
            angle = 2 * math.pi * k / len(members)
            spread[i] = points[i] + SPREAD * np.array([math.cos(angle), math.sin(angle)])
    return spread
