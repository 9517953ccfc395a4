"""Area classes of the demo units (SPEC §2, §9), by a documented heuristic.

Only ``is_island`` comes from facts (đặc khu and the known xã đảo, see :mod:`.source`). The others
are a heuristic and every unit carries ``area_class_source = "heuristic"``:

- ``is_mountainous``: every unit of the wholly mountainous provinces of the north; in the partly
  mountainous provinces, a xã whose registered area is large (merged upland communes are big: at
  least :data:`UPLAND_AREA_KM2`) or, between 11.6°N and 19.9°N (Thanh Hóa to Đắk Nông), that lies more than :data:`INLAND_KM` west of
  the coast at its latitude (the Trường Sơn and the Central Highlands).
- ``is_border``: a unit whose edge runs along the land border with China, Laos or Cambodia (Natural
  Earth 1:10m, ``context/natural_earth.parquet``) for more than :data:`BORDER_MIN_M` metres.
- ``ethnic_region`` (khu vực I/II/III): mountainous units only, by remoteness (distance to the
  nearest phường plus size): the most remote 40 % of mountainous xã are III, the next 30 % II, the
  rest (and mountainous phường) I; other units "".
- ``is_extremely_difficult``: region III, and the small xã đảo.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely


#: Provinces (2025 codes) that are mountainous as a whole.
MOUNTAIN_PROVINCES = ("04", "08", "11", "12", "14", "15", "19", "20")
#: Provinces with mountainous parts.
PARTLY_MOUNTAIN_PROVINCES = ("01", "22", "24", "25", "37", "38", "40", "42", "44", "46", "48", "51",
                             "52", "56", "66", "68", "75")
UPLAND_AREA_KM2 = 110.0
INLAND_KM = 55.0
BORDER_MIN_M = 1_000.0
BORDER_SNAP_M = 50.0     # cells and the neighbours' land share vertices up to projection round-off


def classify_areas(units: pd.DataFrame, xy: np.ndarray, cells: np.ndarray, neighbours) -> pd.DataFrame:
    """Area-class columns for the units (same row order).

    Parameters
    ----------
    units : pandas.DataFrame
        The register table from :func:`.source.load_register`.
    xy : numpy.ndarray
        Metric centroids, shape (N, 2).
    cells : numpy.ndarray
        Metric commune polygons.
    neighbours : shapely geometry
        The neighbouring countries' land, metric.

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
    border = _border(cells, island, neighbours)
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


def _border(cells, island, neighbours) -> np.ndarray:
    near = shapely.buffer(neighbours, BORDER_SNAP_M)
    shapely.prepare(near)
    border = np.zeros(len(cells), dtype=bool)
    for i in np.flatnonzero(~island & shapely.intersects(cells, near)):
        border[i] = shapely.length(shapely.intersection(shapely.boundary(cells[i]), near)) > BORDER_MIN_M
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
