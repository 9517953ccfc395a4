"""The embedded default data (SPEC §9): ``build_demo(out_dir)`` writes a dataset directory.

Layout (docs/ARCHITECTURE.md): ``geo/provinces.parquet``, ``geo/communes.parquet``,
``geo/hamlets.parquet``, ``stats/hamlet_stats.parquet``, ``stats/commune_stats.csv``,
``metadata.json``. Everything is derived from the official 2025 register in ``vietnamadminunits``
and a fixed seed, so two runs give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from loaders.context import load_context
from loaders.schema import COUNT_COLUMNS, CRS

from . import published as pub
from .area_classes import classify_areas
from .geometry import build_cells, project, to_lonlat, to_lonlat_xy
from .hamlets import build_hamlets
from .metadata import build_metadata
from .source import correct_centroids, load_legacy_points, load_register, unit_rng
from .statistics import build_statistics
from .writer import write_csv, write_geoparquet, write_json, write_parquet

SEED = 20251
COMMUNE_SOURCE = "approximate: Voronoi of 2025 register centroids on Natural Earth 1:10m land"
#: Island units with no island in Natural Earth 1:10m (Lý Sơn, Bạch Long Vĩ, ...): said so on each row.
DISC_SOURCE = "approximate: disc of the registered area at the register position (no island at 1:10m)"
PROVINCE_SOURCE = "approximate: dissolved from the approximate communes"
HAMLET_SOURCE = "synthetic"
CLASS_COLUMNS = ["is_mountainous", "is_island", "is_border", "ethnic_region", "is_extremely_difficult",
                 "area_class_source"]


def build_demo(out_dir: str | Path, seed: int = SEED) -> dict:
    """Build the demo dataset into ``out_dir`` (created if needed; files replaced atomically).

    Parameters
    ----------
    out_dir : str or Path
        Dataset directory to write (``geo/``, ``stats/``, ``metadata.json``).
    seed : int, optional
        Seed of every random draw.

    Returns
    -------
    dict
        Summary: ``provinces``, ``communes``, ``hamlets``, ``median_area_ratio``, ``files``
        (relative path -> size in bytes).
    """
    out = Path(out_dir)
    (out / "geo").mkdir(parents=True, exist_ok=True)
    (out / "stats").mkdir(parents=True, exist_ok=True)
    units = load_register()
    xy = project(units["lon"].to_numpy(), units["lat"].to_numpy())
    legacy_lonlat, legacy_row = load_legacy_points(units)
    context = load_context(kinds=("vietnam", "country"))
    land, neighbours = (_metric(shapely.union_all(context.geometry[context["kind"] == kind].to_numpy()))
                        for kind in ("vietnam", "country"))
    legacy_xy = project(*legacy_lonlat.T)
    xy, moved = correct_centroids(units, legacy_xy, legacy_row, xy)
    rows = units["commune_code"].isin(moved).to_numpy()
    units.loc[rows, "lon"], units.loc[rows, "lat"] = to_lonlat_xy(xy[rows])
    cells, info = build_cells(xy, units["area_km2"].to_numpy(), units["island_shape"].to_numpy(bool),
                              units["province_code"].to_numpy(dtype=object), land, legacy_xy, legacy_row,
                              neighbours)
    info["centroids_corrected"] = moved
    info["disc_units"] = units["commune_code"].iloc[info["disc_units"]].tolist()
    communes = pd.concat([units, classify_areas(units, xy, cells, neighbours).drop(columns="is_island")], axis=1)
    hamlet_rows, hamlet_cells = build_hamlets(communes, cells, seed)
    hamlets = _hamlet_table(communes, hamlet_rows, hamlet_cells, seed)
    stats = build_statistics(communes, hamlets.drop(columns="geometry"), seed)
    commune_gdf = _commune_table(communes, cells, info["disc_units"])
    province_gdf = _province_table(communes, cells)

    write_geoparquet(province_gdf, out / "geo" / "provinces.parquet")
    write_geoparquet(commune_gdf, out / "geo" / "communes.parquet")
    write_geoparquet(hamlets, out / "geo" / "hamlets.parquet", group_by="province_code")
    hamlet_stats = _sort_stats(stats, hamlets)
    write_parquet(hamlet_stats, out / "stats" / "hamlet_stats.parquet", group_by="province_code")
    write_csv(commune_sums(hamlet_stats, communes), out / "stats" / "commune_stats.csv")
    summary = {"provinces": len(province_gdf), "communes": len(commune_gdf), "hamlets": len(hamlets), **info,
               "context": context.attrs["provenance"],
               "disc_names": communes.set_index("commune_code").loc[info["disc_units"], "commune_name"].tolist()}
    write_json(build_metadata(summary, sorted(stats["period"].unique())), out / "metadata.json")
    summary["files"] = {str(p.relative_to(out)): p.stat().st_size
                        for p in sorted(out.rglob("*")) if p.is_file() and p.suffix != ".md"}
    return summary


def _metric(geom):
    return shapely.transform(geom, lambda c: project(c[:, 0], c[:, 1]))


def _commune_table(communes: pd.DataFrame, cells: np.ndarray, disc_units: list[str]) -> gpd.GeoDataFrame:
    table = communes[["province_code", "province_name", "commune_code", "commune_name", "commune_type",
                      "area_km2", *CLASS_COLUMNS]].copy()
    table.insert(0, "level", "commune")
    table["geometry_source"] = np.where(table["commune_code"].isin(disc_units), DISC_SOURCE, COMMUNE_SOURCE)
    return gpd.GeoDataFrame(table, geometry=to_lonlat(cells), crs=CRS).reset_index(drop=True)


def _province_table(communes: pd.DataFrame, cells: np.ndarray) -> gpd.GeoDataFrame:
    rows, geoms = [], []
    for code, idx in communes.groupby("province_code", sort=True).indices.items():
        part = communes.iloc[idx]
        rows.append({
            "level": "province", "province_code": code, "province_name": part["province_name"].iloc[0],
            "area_km2": round(float(part["area_km2"].sum()), 2), "communes": len(part),
            # A province is called mountainous when most of its registered area is.
            "is_mountainous": bool(part.loc[part["is_mountainous"], "area_km2"].sum() > part["area_km2"].sum() / 2),
            "is_island": False, "is_border": bool(part["is_border"].any()), "ethnic_region": "",
            "is_extremely_difficult": False, "area_class_source": "heuristic",
            "geometry_source": PROVINCE_SOURCE,
        })
        geoms.append(shapely.coverage_union_all(cells[idx]))
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=to_lonlat(np.array(geoms, dtype=object)), crs=CRS)


def _hamlet_table(communes, rows, cells, seed) -> gpd.GeoDataFrame:
    rows = rows.copy()
    ly_son = (rows["commune_code"] == pub.LY_SON_CODE) & (rows["hamlet_seq"] == 1)
    rows.loc[ly_son, "hamlet_name"] = pub.BAC_AN_BINH["hamlet_name"]   # the northernmost: Đảo Bé
    rows.loc[ly_son, "hamlet_type"] = "Thôn"
    attrs = communes.set_index("commune_code")[["province_code", "province_name", "commune_name", "commune_type",
                                                *CLASS_COLUMNS]]
    table = rows.join(attrs, on="commune_code")
    table["is_extremely_difficult"] = _difficult_hamlets(table, seed)
    table["area_km2"] = np.round(shapely.area(cells) / 1e6, 3)
    table.insert(0, "level", "hamlet")
    table["geometry_source"] = HAMLET_SOURCE
    cols = ["level", "province_code", "province_name", "commune_code", "commune_name", "commune_type",
            "hamlet_id", "hamlet_name", "hamlet_type", "area_km2", *CLASS_COLUMNS, "geometry_source"]
    gdf = gpd.GeoDataFrame(table[cols], geometry=to_lonlat(cells), crs=CRS)
    return gdf.sort_values(["province_code", "commune_code", "hamlet_id"], kind="mergesort").reset_index(drop=True)


def _difficult_hamlets(table: pd.DataFrame, seed: int) -> np.ndarray:
    """Thôn đặc biệt khó khăn: most hamlets of region III communes, a quarter of region II ones."""
    draw = np.array([unit_rng(seed, hid, salt=5).random() for hid in table["hamlet_id"]])
    region = table["ethnic_region"].to_numpy(dtype=object)
    island_case = table["is_extremely_difficult"].to_numpy(bool) & (region == "")   # small xã đảo
    return ((region == "III") & (draw < 0.9)) | ((region == "II") & (draw < 0.25)) | island_case


def _sort_stats(stats: pd.DataFrame, hamlets: gpd.GeoDataFrame) -> pd.DataFrame:
    order = ["hamlet_id", "commune_code", "province_code", "period", *COUNT_COLUMNS]
    stats = stats[order].sort_values(["province_code", "commune_code", "hamlet_id", "period"], kind="mergesort")
    return stats.reset_index(drop=True)


def commune_sums(hamlet_stats: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Commune statistics as exact sums of the hamlet statistics (NaN when nothing was reported)."""
    sums = hamlet_stats.groupby(["commune_code", "period"], sort=True)[list(COUNT_COLUMNS)].sum(min_count=1)
    sums = sums.reset_index()
    names = communes[["commune_code", "commune_name", "province_code", "province_name"]]
    table = sums.merge(names, on="commune_code", how="left")
    cols = ["commune_code", "commune_name", "province_code", "province_name", "period", *COUNT_COLUMNS]
    return table[cols].sort_values(["commune_code", "period"], kind="mergesort").reset_index(drop=True)
