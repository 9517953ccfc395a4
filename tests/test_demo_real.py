"""How close the approximate demo communes are to the real 2025 shapes (../shared, skipped when absent).

Issue 18's measures (:mod:`loaders.demo.quality`; ``python -m benchmarks.bench_demo_outline`` prints them
next to the old disc mask and raw Natural Earth): the real mainland outline lies within 3 km of the demo's
(measured 85.1 %; 48.9 % with the disc mask, 86.6 % for Natural Earth 1:10m itself), median commune IoU
0.660 (0.652 before), 98.1 % of real interior points in the right cell.
"""

from __future__ import annotations

import pytest
import shapely

from loaders.dataset import DEFAULT_DATA_DIR, load_units
from loaders.demo.geometry import METRIC_CRS
from loaders.demo.quality import THRESHOLDS, commune_scores, mainland_ring, outline_share, read_real

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def real(real_communes_path):
    return read_real(real_communes_path)


@pytest.fixture(scope="module")
def approx():
    return load_units(DEFAULT_DATA_DIR, "commune").to_crs(METRIC_CRS)


def test_the_outline_follows_the_real_coast_and_borders(real, approx):
    share = outline_share(mainland_ring(real.geometry.to_numpy()), mainland_ring(approx.geometry.to_numpy()))
    print(f"real mainland outline within 3 km of the demo's: {100 * share:.1f} %")
    assert share >= THRESHOLDS["outline"]


def test_approximate_communes_resemble_the_real_ones(real, approx):
    scores = commune_scores(approx, real)
    print(f"median IoU {scores['median_iou']:.3f}, interior points in the right cell "
          f"{100 * scores['interior']:.1f} %, real area in the right cell {100 * scores['area_right_cell']:.1f} %")
    assert scores["units"] == 3321
    assert scores["median_iou"] >= THRESHOLDS["median_iou"]
    assert scores["interior"] >= THRESHOLDS["interior"]
    assert scores["area_right_cell"] > 0.7                  # measured 0.77


def test_dac_khu_on_real_islands_lie_on_them(real, approx):
    """Where Natural Earth has the island, the đặc khu is drawn on it: most of the demo shape is real land
    of that đặc khu (Phú Quốc, Côn Đảo, Vân Đồn, Cô Tô, Cát Hải, Phú Quý; discs are checked by position)."""
    approx = approx.set_index("commune_code")
    for code in ("31078", "26732", "06994", "07192", "11914", "23272"):
        demo = approx.geometry[code]
        near = shapely.buffer(real.geometry[code], 1_500)   # 1:10m coasts are off by up to ~1 km
        assert shapely.area(shapely.intersection(demo, near)) / shapely.area(demo) > 0.8, code
    for code in ("21548", "11948", "19742", "20434", "21607", "31105", "31108", "30781", "30811", "30814"):  # discs
        assert shapely.distance(approx.geometry[code], real.geometry[code]) < 2_000, code
