"""Islands too small to see: the parts of units under a size, away from every other unit.

Both the web map (a dot per part, recomputed at each zoom: :mod:`dashboard.render.webmap_layers`) and the static
maps (:mod:`dashboard.render.static_map`) mark them, so Bạch Long Vĩ, Lý Sơn, Hoàng Sa and Trường Sa never vanish
from a national map. Parts that touch or nearly touch another unit (tiny urban wards) get no dot: their neighbours
already show the place, and a dot would cover their colours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

ALONE = np.inf


@dataclass(frozen=True)
class TinyParts:
    """Parts that may need a dot: centre, size, distance to the nearest other unit, and the unit they belong to.

    ``gap`` is ``inf`` when no other unit lies within the distance searched.
    """

    x: np.ndarray
    y: np.ndarray
    extent: np.ndarray
    gap: np.ndarray
    owner: np.ndarray   # index into the geometries given


def tiny_parts(geometries, max_extent: float, min_gap: float, far: float) -> TinyParts:
    """Parts of ``geometries`` smaller than ``max_extent`` across and at least ``min_gap`` from any other unit.

    Parameters
    ----------
    geometries : array of shapely geometries
        One per unit (missing or empty ones are skipped).
    max_extent, min_gap, far : float
        In the geometries' units; the distance to other units is measured up to ``far`` (farther is ``inf``).
    """
    geometries = np.asarray(geometries, dtype=object)
    present = np.flatnonzero(~(shapely.is_missing(geometries) | shapely.is_empty(geometries)))
    empty = TinyParts(*(np.empty(0) for _ in range(4)), np.empty(0, dtype=int))
    if len(present) == 0:
        return empty
    units = geometries[present]
    parts, owner = shapely.get_parts(units, return_index=True)
    polygons = shapely.get_type_id(parts) == 3
    parts, owner = parts[polygons], owner[polygons]
    bounds = shapely.bounds(parts)
    extent = np.fmax(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1])
    small = np.flatnonzero(extent < max_extent)
    if len(small) == 0:
        return empty
    gap = np.full(len(small), ALONE)
    if len(units) > 1:
        tree = shapely.STRtree(units)
        # Parts touching another unit (most tiny urban wards) are among neighbours: no distance to measure.
        pair_part, pair_unit = tree.query(parts[small], predicate="intersects")
        gap[pair_part[pair_unit != owner[small[pair_part]]]] = 0.0
        alone = np.flatnonzero(gap > 0)
        pair_part, pair_unit = tree.query(parts[small[alone]], predicate="dwithin", distance=far)
        other = pair_unit != owner[small[alone[pair_part]]]
        distance = shapely.distance(parts[small[alone[pair_part[other]]]], units[pair_unit[other]])
        np.minimum.at(gap, alone[pair_part[other]], distance)
    keep = gap >= min_gap
    chosen = small[keep]
    centres = shapely.point_on_surface(parts[chosen])
    return TinyParts(shapely.get_x(centres), shapely.get_y(centres), extent[chosen], gap[keep],
                     present[owner[chosen]])
