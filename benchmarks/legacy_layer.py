"""A legacy-sized commune layer (~10,000 units) for benchmarks, generated here and never committed.

Cells: Voronoi polygons of the 10,040 pre-2025 commune centroids of the official register (vietnamadminunits),
clipped to the national outline (the dissolved real 2025 communes when present, else the embedded demo
provinces). Straight Voronoi edges would make the naive path look far better than real legacy files, whose
borders are digitised every ~100-200 m; so every edge is cut every 0.002° and bent by a smooth function of
position (the same function for both neighbours, so shared borders stay shared), giving ~100 vertices per unit
as in real data.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from benchmarks.common import DEMO_DIR, REAL_COMMUNES
from analysis import simplify as S

#: Vertex spacing and bend amplitude of the generated borders (degrees).
SEGMENT = 0.002
BEND = 0.0012


def legacy_centroids() -> gpd.GeoDataFrame:
    """The pre-2025 register's communes with their centroid, one row per distinct position."""
    from vietnamadminunits.database import query

    rows = query("select wardCode, wardShort, districtShort, provinceCode, provinceShort, wardLat, wardLon "
                 "from admin_units_legacy")
    table = gpd.pd.DataFrame(rows).dropna(subset=["wardLat", "wardLon"])
    table = table.drop_duplicates(subset=["wardLat", "wardLon"])
    return gpd.GeoDataFrame(
        {"commune_code": table["wardCode"].astype(str), "commune_name": table["wardShort"],
         "district_name": table["districtShort"], "province_code": table["provinceCode"].astype(str),
         "province_name": table["provinceShort"]},
        geometry=gpd.points_from_xy(table["wardLon"], table["wardLat"]), crs="EPSG:4326",
    ).reset_index(drop=True)


def national_outline():
    """The land outline the cells are clipped to, and where it came from."""
    if REAL_COMMUNES.exists():
        real = gpd.read_file(REAL_COMMUNES)
        return shapely.coverage_union_all(S.prepare_coverage(real).geometry.to_numpy()), "real 2025 communes"
    provinces = gpd.read_parquet(DEMO_DIR / "geo" / "provinces.parquet")
    return shapely.union_all(provinces.geometry.to_numpy()), "embedded demo provinces (real file absent)"


def _bend(coords: np.ndarray) -> np.ndarray:
    x, y = coords[:, 0], coords[:, 1]
    # Gentle enough not to fold the plane (each partial derivative stays below ~0.5): cells stay valid.
    dx = BEND * np.sin(x * 157.0 + y * 123.0) + BEND / 8 * np.sin(x * 1187.0 - y * 811.0)
    dy = BEND * np.sin(x * 131.0 - y * 149.0) + BEND / 8 * np.sin(y * 1229.0 + x * 857.0)
    return np.round(np.column_stack([x + dx, y + dy]), 6)


def legacy_layer() -> tuple[gpd.GeoDataFrame, str]:
    """~10,000 legacy-sized communes (detailed borders, EPSG:4326) and a line saying how they were made."""
    points = legacy_centroids()
    outline, source = national_outline()
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points.geometry.to_numpy()),
                                                       extend_to=shapely.box(100, 5, 120, 26)))
    # voronoi_polygons does not keep input order: match cells back to their point.
    tree = shapely.STRtree(cells)
    point_idx, cell_idx = tree.query(points.geometry.to_numpy(), predicate="within")
    order = np.full(len(points), -1)
    order[point_idx] = cell_idx
    points = points[order >= 0].reset_index(drop=True)
    cells = cells[order[order >= 0]]
    dense = S.polygonal(shapely.transform(shapely.segmentize(cells, SEGMENT), _bend))
    shapely.prepare(outline)
    inside = shapely.contains_properly(outline, dense)
    clipped = dense.copy()
    clipped[~inside] = shapely.intersection(dense[~inside], outline)
    clipped = S.polygonal(clipped)
    keep = ~shapely.is_empty(clipped) & np.isin(shapely.get_type_id(clipped), (3, 6))
    layer = points[keep].set_geometry(clipped[keep]).reset_index(drop=True)
    layer["level"] = "commune"
    layer["geometry_source"] = "benchmark: bent Voronoi of legacy centroids"
    return layer, f"Voronoi of {len(points):,} legacy centroids clipped to {source}"


if __name__ == "__main__":
    import time

    start = time.perf_counter()
    gdf, how = legacy_layer()
    print(how, f"{len(gdf):,} units", f"{shapely.get_num_coordinates(gdf.geometry.to_numpy()).sum():,} vertices",
          f"{time.perf_counter() - start:.1f} s", "coverage valid:", shapely.coverage_is_valid(gdf.geometry.to_numpy()))
