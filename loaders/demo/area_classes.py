"""Area classes of the demo units (SPEC §2, §9), by a documented heuristic.

Only ``is_island`` comes from facts (đặc khu and the known xã đảo, see :mod:`.source`). The others
are a heuristic and every unit carries ``area_class_source = "heuristic"``:

- ``is_mountainous``: every unit of the wholly mountainous provinces of the north; in the partly
  mountainous provinces, a xã whose registered area is large (merged upland communes are big: at
  least :data:`UPLAND_AREA_KM2`) or, between 11.6°N and 19.9°N (Thanh Hóa to Đắk Nông), that lies more than :data:`INLAND_KM` west of
  the coast at its latitude (the Trường Sơn and the Central Highlands).
- ``is_border``: in a province on the land border, a unit that reaches the edge of the national
  mainland within :data:`BORDER_KM` of a coarse hand-drawn line of the border with China, Laos and
  Cambodia (:data:`LAND_BORDER`).
- ``ethnic_region`` (khu vực I/II/III): mountainous units only, by remoteness (distance to the
  nearest phường plus size): the most remote 40 % of mountainous xã are III, the next 30 % II, the
  rest (and mountainous phường) I; other units "".
- ``is_extremely_difficult``: region III, and the small xã đảo.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from .geometry import project

#: Provinces (2025 codes) that are mountainous as a whole.
MOUNTAIN_PROVINCES = ("04", "08", "11", "12", "14", "15", "19", "20")
#: Provinces with mountainous parts.
PARTLY_MOUNTAIN_PROVINCES = ("01", "22", "24", "25", "37", "38", "40", "42", "44", "46", "48", "51",
                             "52", "56", "66", "68", "75")
#: Provinces on the land border (China, Laos, Cambodia).
BORDER_PROVINCES = ("04", "08", "11", "12", "14", "15", "20", "22", "38", "40", "42", "44", "46",
                    "48", "51", "52", "66", "68", "75", "80", "82", "91")
UPLAND_AREA_KM2 = 110.0
INLAND_KM = 55.0
BORDER_KM = 30.0
#: A coarse line (lon, lat) along the land border, from Móng Cái round to Hà Tiên; good to ~20 km.
LAND_BORDER = (
    (108.05, 21.53), (107.40, 21.60), (106.95, 21.75), (106.72, 22.00), (106.50, 22.30),
    (106.72, 22.85), (106.10, 22.95), (105.32, 23.37), (104.95, 22.90), (104.40, 22.70),
    (103.96, 22.50), (103.60, 22.78), (103.00, 22.55), (102.14, 22.40), (102.40, 22.05),
    (102.65, 21.70), (102.95, 21.25), (103.20, 20.85), (103.70, 20.70), (104.45, 20.45),
    (104.95, 20.20), (104.90, 19.70), (104.10, 19.40), (104.70, 18.90), (105.15, 18.40),
    (105.60, 18.00), (105.75, 17.70), (106.50, 16.80), (106.60, 16.62), (107.05, 16.20),
    (107.45, 15.90), (107.60, 15.50), (107.60, 15.10), (107.55, 14.70), (107.45, 14.20),
    (107.40, 13.80), (107.50, 13.30), (107.55, 12.75), (107.50, 12.20), (107.10, 12.00),
    (106.50, 11.85), (106.00, 11.75), (106.15, 11.10), (105.80, 10.90), (105.20, 10.90),
    (104.95, 10.60), (104.45, 10.40),
)


def classify_areas(units: pd.DataFrame, xy: np.ndarray, cells: np.ndarray) -> pd.DataFrame:
    """Area-class columns for the units (same row order).

    Parameters
    ----------
    units : pandas.DataFrame
        The register table from :func:`.source.load_register`.
    xy : numpy.ndarray
        Metric centroids, shape (N, 2).
    cells : numpy.ndarray
        Metric commune polygons.

    Returns
    -------
    pandas.DataFrame
        ``is_mountainous``, ``is_island``, ``is_border``, ``ethnic_region``,
        ``is_extremely_difficult``, ``area_class_source``.
    """
    province = units["province_code"].to_numpy(dtype=object)
    is_xa = (units["commune_type"] == "Xã").to_numpy()
    island = units["is_island"].to_numpy(dtype=bool)
    mountain = _mountainous(units, xy, cells, province, is_xa) & ~island
    border = _border(cells, province, island)
    region = _ethnic_region(units, xy, mountain, is_xa)
    difficult = (region == "III") | (island & is_xa & (units["area_km2"].to_numpy() < 30))
    return pd.DataFrame({
        "is_mountainous": mountain,
        "is_island": island,
        "is_border": border,
        "ethnic_region": region,
        "is_extremely_difficult": difficult,
        "area_class_source": np.where(island & ~mountain & ~border, "register+heuristic", "heuristic"),
    }, index=units.index)


def _mountainous(units, xy, cells, province, is_xa) -> np.ndarray:
    whole = np.isin(province, MOUNTAIN_PROVINCES)
    partly = np.isin(province, PARTLY_MOUNTAIN_PROVINCES) & is_xa
    upland = units["area_km2"].to_numpy() >= UPLAND_AREA_KM2
    # Distance west of the coast: the easternmost mainland point within ±0.1° of latitude.
    lat = units["lat"].to_numpy()
    east_x = np.array([xy[np.abs(lat - la) < 0.1, 0].max() for la in lat])
    inland = (east_x - xy[:, 0] > INLAND_KM * 1000) & (lat >= 11.6) & (lat < 19.9)
    return whole | (partly & (upland | inland))


def _border(cells, province, island) -> np.ndarray:
    mainland = shapely.coverage_union_all(cells[~island])
    outline = shapely.boundary(mainland)
    shapely.prepare(outline)
    line = shapely.linestrings(project(*np.array(LAND_BORDER).T))
    candidate = (np.isin(province, BORDER_PROVINCES) & ~island & shapely.intersects(cells, outline)
                 & (shapely.distance(cells, line) < BORDER_KM * 1000))
    border = np.zeros(len(cells), dtype=bool)
    for i in np.flatnonzero(candidate):
        # the national edge near this cell only: clipping first keeps the overlay small
        xmin, ymin, xmax, ymax = shapely.bounds(cells[i])
        local = shapely.buffer(shapely.clip_by_rect(outline, xmin - 100, ymin - 100, xmax + 100, ymax + 100), 50.0)
        border[i] = shapely.length(shapely.intersection(shapely.boundary(cells[i]), local)) > 1_000
    return border


def _ethnic_region(units, xy, mountain, is_xa) -> np.ndarray:
    urban = (units["commune_type"] == "Phường").to_numpy()
    tree = shapely.STRtree(shapely.points(xy[urban]))
    _, dist = tree.query_nearest(shapely.points(xy), return_distance=True, all_matches=False)
    remoteness = dist / 1000 + 0.05 * units["area_km2"].to_numpy()
    region = np.full(len(units), "", dtype=object)
    rural = mountain & is_xa
    rank = pd.Series(remoteness[rural]).rank(pct=True, method="first").to_numpy()
    region[rural] = np.where(rank > 0.6, "III", np.where(rank > 0.3, "II", "I"))
    region[mountain & ~is_xa] = "I"
    return region
