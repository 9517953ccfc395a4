"""Synthetic hamlets: every commune cut into 5-30 Voronoi cells of seeded random points.

Points are drawn uniformly inside the commune and relaxed twice (Lloyd) so the hamlets look like
even-sized neighbourhoods rather than random shards; cells are clipped to the commune and then
noded together with the neighbouring communes' hamlets so the layer is a valid coverage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from .geometry import node_coverage, voronoi_cells
from .names import hamlet_names, hamlet_style
from .source import NO_DATA_COMMUNES, unit_rng

MIN_HAMLETS, MAX_HAMLETS = 5, 30
LLOYD_STEPS = 2


def hamlet_count(area_km2: float, commune_type: str, rng: np.random.Generator) -> int:
    """How many hamlets a commune has: grows with the square root of its area, ±20 %."""
    base = (8 + 1.8 * np.sqrt(area_km2)) if commune_type == "Phường" else (3 + 1.9 * np.sqrt(area_km2))
    return int(np.clip(round(base * rng.uniform(0.8, 1.2)), MIN_HAMLETS, MAX_HAMLETS))


def _random_points(poly, count: int, rng: np.random.Generator) -> np.ndarray:
    xmin, ymin, xmax, ymax = shapely.bounds(poly)
    shapely.prepare(poly)
    found = np.empty((0, 2))
    while len(found) < count:
        cand = rng.uniform((xmin, ymin), (xmax, ymax), size=(4 * count, 2))
        found = np.vstack([found, cand[shapely.contains_xy(poly, cand[:, 0], cand[:, 1])]])
    return found[:count]


def split_commune(poly, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` cells covering ``poly``, ordered north-west to south-east (for stable numbering)."""
    pts = _random_points(poly, count, rng)
    for _ in range(LLOYD_STEPS):
        cells = voronoi_cells(pts, poly)
        moved = shapely.get_coordinates(shapely.centroid(cells))
        if len(moved) == count:  # a cell can vanish in a degenerate case: keep the old points then
            pts = moved
    cells = voronoi_cells(pts, poly)
    order = np.lexsort((pts[:, 0], -np.round(pts[:, 1], -3)))  # rows of 1 km from north, then west
    return cells[order]


def build_hamlets(communes: pd.DataFrame, cells: np.ndarray, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Hamlet attribute table and metric polygons for all communes.

    Parameters
    ----------
    communes : pandas.DataFrame
        Commune rows with codes, names, type, ``area_km2``, ``is_mountainous``.
    cells : numpy.ndarray
        Metric commune polygons in the same order.
    seed : int
        Demo seed; each commune draws from its own generator (seed, code).

    Returns
    -------
    (pandas.DataFrame, numpy.ndarray)
        Rows with ``commune_code``, ``hamlet_id``, ``hamlet_name``, ``hamlet_type``, ``hamlet_seq``;
        and their metric polygons.
    """
    rows, geoms = [], []
    for (_, unit), poly in zip(communes.iterrows(), cells):
        rng = unit_rng(seed, unit["commune_code"], salt=3)
        count = hamlet_count(unit["area_km2"], unit["commune_type"], rng)
        if unit["commune_code"] in NO_DATA_COMMUNES:  # uninhabited: a token subdivision
            count = MIN_HAMLETS
        parts = split_commune(poly, count, rng)
        style = hamlet_style(unit["province_code"], unit["commune_type"], bool(unit["is_mountainous"]))
        for seq, ((kind, name), part) in enumerate(zip(hamlet_names(unit["commune_code"], style, count, seed),
                                                       parts), start=1):
            rows.append((unit["commune_code"], f"{unit['commune_code']}-{seq:03d}", name, kind, seq))
            geoms.append(part)
    table = pd.DataFrame(rows, columns=["commune_code", "hamlet_id", "hamlet_name", "hamlet_type", "hamlet_seq"])
    return table, node_coverage(np.array(geoms, dtype=object))
