"""Hamlets as maps show them: a hamlet known by a point gets its approximate area within its commune (issue 11).

Hamlet lists give points (:mod:`loaders.hamlet_places`); the data store keeps them as points, because the areas
depend on the commune shapes in use and are cheap to make. Every data source hands out its hamlets through
:func:`map_hamlets`, so the web map, the static maps, the tables and every export of a view show the same areas
(:func:`analysis.hamlet_areas.hamlet_areas`, marked approximate) with the points kept in ``point_lon`` /
``point_lat`` for markers.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from analysis.hamlet_areas import APPROXIMATE, hamlet_areas
from i18n import Message


def has_points(units: gpd.GeoDataFrame) -> bool:
    """True when some unit is a point (hamlets from a list)."""
    geometries = units.geometry.values
    return bool(len(units)) and bool(np.any(shapely.get_type_id(geometries) == 0))


def map_hamlets(hamlets: gpd.GeoDataFrame, communes) -> gpd.GeoDataFrame:
    """``hamlets`` with approximate areas for the point hamlets whose commune has a shape.

    Parameters
    ----------
    hamlets : geopandas.GeoDataFrame
        Hamlet units (points, polygons or both).
    communes : callable or geopandas.GeoDataFrame or None
        The communes of the same data (a callable is only called when some hamlet is a point).
    """
    if not has_points(hamlets) or "commune_code" not in hamlets.columns:
        return hamlets
    communes = communes() if callable(communes) else communes
    if communes is None or not len(communes):
        return hamlets
    wanted = set(hamlets["commune_code"].astype(str))
    communes = communes[communes["commune_code"].astype(str).isin(wanted)]
    return hamlet_areas(hamlets, communes)


def approximate_rows(table) -> np.ndarray:
    """Which rows of a view's table are hamlets with an approximate area made from their point."""
    if "geometry_source" not in table.columns:
        return np.zeros(len(table), dtype=bool)
    return (table["geometry_source"] == APPROXIMATE).to_numpy()


def areas_notices(table) -> tuple:
    """The notice a view of approximate hamlet areas carries ("areas divided from the hamlets' positions")."""
    count = int(approximate_rows(table).sum())
    return (Message("hamlets.areas_notice", {"n": count}),) if count else ()
