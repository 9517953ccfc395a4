"""Where the names of units go on a map: one point inside each unit, and how much room it has.

The point is the centre of the largest circle inside the unit (its "pole of inaccessibility"), not the centroid,
which falls outside crescent-shaped or coastal units; ``room`` is that circle's radius in degrees, so the map can
place the names of roomy units first and drop a name that would not fit.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from loaders.schema import KEY_COLUMN, NAME_COLUMN


def label_points(source, level: str, province: str | None = None, commune: str | None = None) -> pd.DataFrame:
    """One label point per unit of ``level`` (in one province, or one commune's hamlets).

    Returns
    -------
    DataFrame
        ``key``, ``name``, ``lon``, ``lat``, ``room`` (degrees), largest room first; units without a shape are
        left out.
    """
    if level != "province" and not source.has_level(level):
        return pd.DataFrame(columns=["key", "name", "lon", "lat", "room"])
    if level == "province" and not source.has_level("province") and source.has_level("commune"):
        units = _provinces_of_communes(source)  # files of communes: their provinces, dissolved where it is cheap
    else:
        units = source.units(level, province, commune if level == "hamlet" else None)
    if level == "province" and province:
        units = units[units[KEY_COLUMN[level]].astype(str) == province]
    shapes = units.geometry.to_numpy()
    usable = ~(shapely.is_missing(shapes) | shapely.is_empty(shapes))
    units, shapes = units[usable], shapes[usable]
    points, room = _poles(shapes)
    frame = pd.DataFrame({"key": units[KEY_COLUMN[level]].astype(str).to_numpy(),
                          "name": units[NAME_COLUMN[level]].astype(str).to_numpy(),
                          "lon": shapely.get_x(points), "lat": shapely.get_y(points), "room": room})
    return frame.sort_values("room", ascending=False, kind="stable").reset_index(drop=True)


def _provinces_of_communes(source) -> gpd.GeoDataFrame:
    """Province shapes for their names, from the communes simplified for the national map (cached by content): a
    coverage union of a clean coverage takes a fraction of a second, a union of the raw file's communes seconds."""
    from dashboard.query.geometry import prepared_shapes

    communes = source.units("commune")
    prepared = prepared_shapes(source, "commune")
    codes = communes["province_code"].astype(str).to_numpy()
    names = communes.groupby(codes)["province_name"].first() if "province_name" in communes.columns \
        else pd.Series(dict(zip(codes, codes)))
    shapes = []
    for code in names.index:
        chosen = prepared.shapes[codes == code]
        chosen = chosen[~(shapely.is_missing(chosen) | shapely.is_empty(chosen))]
        try:
            shapes.append(shapely.coverage_union_all(chosen))
        except shapely.errors.GEOSException:  # units whose cleaning failed keep their own, overlapping shapes
            shapes.append(shapely.union_all(chosen))
    return gpd.GeoDataFrame({"province_code": names.index.astype(str), "province_name": names.to_numpy()},
                            geometry=shapes, crs="EPSG:4326")


def _poles(shapes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centre and radius of the largest inscribed circle of each shape's largest part (points: themselves)."""
    centres = np.empty(len(shapes), dtype=object)
    radius = np.zeros(len(shapes))
    for i, shape in enumerate(shapes):
        if shapely.get_type_id(shape) not in (3, 6):
            centres[i] = shapely.point_on_surface(shape)
            continue
        parts = shapely.get_parts(shape)
        largest = parts[int(np.argmax(shapely.area(parts)))]
        # Tolerance of a hundredth of the part's size: precise enough for a label, fast on ragged coasts.
        minx, miny, maxx, maxy = shapely.bounds(largest)
        circle = shapely.maximum_inscribed_circle(largest, max(maxx - minx, maxy - miny) / 100)
        centres[i] = shapely.get_point(circle, 0)
        radius[i] = shapely.length(circle)
    return centres, radius
