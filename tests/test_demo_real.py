"""How close the approximate demo communes are to the real 2025 shapes (../shared, skipped when absent)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from loaders.dataset import DEFAULT_DATA_DIR, load_units
from loaders.demo.geometry import METRIC_CRS

pytestmark = pytest.mark.real_data


def test_approximate_communes_resemble_the_real_ones(real_communes_path):
    approx = load_units(DEFAULT_DATA_DIR, "commune").to_crs(METRIC_CRS).set_index("commune_code")
    real = gpd.read_file(real_communes_path).to_crs(METRIC_CRS)
    real = real.set_index(real["ward_code"].astype(str).str.zfill(5))
    codes = approx.index.intersection(real.index)
    assert len(codes) == 3321
    a = approx.loc[codes].geometry.to_numpy()
    r = shapely.make_valid(real.loc[codes].geometry.to_numpy())
    iou = shapely.area(shapely.intersection(a, r)) / shapely.area(shapely.union(a, r))
    assert np.median(iou) > 0.6                      # measured 0.65
    inside = shapely.contains(a, shapely.point_on_surface(r))
    assert inside.mean() > 0.95                      # measured 0.98
    # a real commune's area lies mostly in the approximate cell with its code (measured 0.78)
    assert shapely.area(shapely.intersection(a, r)).sum() / shapely.area(r).sum() > 0.7
