"""How close approximate communes are to real boundaries: the measures of issue 18.

Used by ``tests/test_demo_real.py`` (thresholds) and ``benchmarks/bench_demo_outline.py`` (figures)
against the real 2025 communes (``../shared/data/real/vn_communes_2025.gpkg``, never shipped).
All geometry is in :data:`.geometry.METRIC_CRS` (metres).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from .geometry import METRIC_CRS

STEP_M = 1_000.0
WITHIN_M = 3_000.0
#: Issue 18's thresholds: outline share, median IoU, share of interior points in the right cell.
THRESHOLDS = {"outline": 0.80, "median_iou": 0.65, "interior": 0.98}


def read_real(path) -> gpd.GeoDataFrame:
    """The real communes (layer as shipped) in the metric CRS, repaired, indexed by 5-digit code."""
    real = gpd.read_file(path).to_crs(METRIC_CRS)
    real = real.set_geometry(shapely.make_valid(real.geometry.to_numpy()))
    return real.set_index(real["ward_code"].astype(str).str.zfill(5))


def mainland_ring(geoms: np.ndarray, grid_m: float = 1.0):
    """Exterior ring of the largest polygon of the union (holes and slivers between units ignored)."""
    union = shapely.union_all(geoms, grid_size=grid_m)
    parts = shapely.get_parts(union)
    return shapely.get_exterior_ring(parts[int(np.argmax(shapely.area(parts)))])


def outline_share(real_ring, other_ring, step_m: float = STEP_M, within_m: float = WITHIN_M) -> float:
    """Share of ``real_ring`` (sampled every ``step_m``) lying within ``within_m`` of ``other_ring``."""
    samples = shapely.line_interpolate_point(real_ring, np.arange(0.0, shapely.length(real_ring), step_m))
    return float(np.mean(shapely.distance(samples, other_ring) <= within_m))


def commune_scores(demo: gpd.GeoDataFrame, real: gpd.GeoDataFrame) -> dict:
    """Median IoU, share of real interior points in the right cell, share of real area in the right cell.

    Parameters
    ----------
    demo : geopandas.GeoDataFrame
        Approximate communes with ``commune_code``, in the metric CRS.
    real : geopandas.GeoDataFrame
        Real communes indexed by code (:func:`read_real`).

    Returns
    -------
    dict
        ``units`` (codes in both), ``median_iou``, ``interior``, ``area_right_cell``.
    """
    approx = demo.set_index("commune_code")
    codes = approx.index.intersection(real.index)
    a = approx.loc[codes].geometry.to_numpy()
    r = real.loc[codes].geometry.to_numpy()
    overlap = shapely.area(shapely.intersection(a, r))
    iou = overlap / shapely.area(shapely.union(a, r))
    return {
        "units": len(codes),
        "median_iou": float(np.median(iou)),
        "interior": float(np.mean(shapely.contains(a, shapely.point_on_surface(r)))),
        "area_right_cell": float(overlap.sum() / shapely.area(r).sum()),
    }
