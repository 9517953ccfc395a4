"""Writing the files of a dataset directory (layout: docs/ARCHITECTURE.md) for the directory store.

Geometry is GeoParquet (zstd, bbox covering column); hamlets sorted by province and commune with one row group
per province, so one province can be read alone. Statistics keep the layout of the embedded data.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq

from loaders.schema import COUNT_COLUMNS, GEOMETRY_SOURCE, PERIOD, SHARE_COLUMNS
from loaders.store.layers import STATS_FILES
from loaders.store.merge import STATS_IDENTITY


# -- units -----------------------------------------------------------------------------------------------------------
def write_geoparquet(frame: gpd.GeoDataFrame, path: Path, group_by: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if group_by is None:
        frame.to_parquet(path, compression="zstd", write_covering_bbox=True, index=False)
        return
    from geopandas.io.arrow import _geopandas_to_arrow  # the GeoParquet schema, written in row groups below

    table = _geopandas_to_arrow(frame, index=False, write_covering_bbox=True)
    sizes = frame.groupby(group_by, sort=False).size().to_numpy()
    with pq.ParquetWriter(path, table.schema, compression="zstd") as writer:
        start = 0
        for size in sizes:
            writer.write_table(table.slice(start, int(size)), row_group_size=int(size))
            start += int(size)


def provinces_from_communes(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve communes into provinces (the layout keeps a province layer for the national map)."""
    columns = ["province_code", "province_name"] if "province_name" in communes else ["province_code"]
    keep = [*columns, "geometry"] + (["area_km2"] if "area_km2" in communes else [])
    provinces = communes[keep].dissolve(by=columns, aggfunc="sum" if "area_km2" in keep else "first",
                                        as_index=False)
    provinces.insert(0, "level", "province")
    provinces[GEOMETRY_SOURCE] = "dissolved from communes"
    return provinces.sort_values("province_code").reset_index(drop=True)


# -- statistics ------------------------------------------------------------------------------------------------------
def stats_columns(table: pd.DataFrame, level: str) -> list[str]:
    """The columns a statistics file keeps: identity, period, counts and shares present."""
    identity = [c for c in STATS_IDENTITY[level] if c in table]
    figures = [c for c in (*COUNT_COLUMNS, *SHARE_COLUMNS) if c in table]
    return [*identity, PERIOD, *figures]


def write_stats(table: pd.DataFrame, new_dir: Path, level: str) -> set[str]:
    """Write the merged statistics of ``level`` in the dataset layout; return the path written."""
    path = new_dir / STATS_FILES[level]
    path.parent.mkdir(parents=True, exist_ok=True)
    table = table[stats_columns(table, level)]
    for column in (c for c in COUNT_COLUMNS if c in table):
        values = table[column]
        if ((values.dropna() % 1) == 0).all():  # counts stay whole numbers on disk ("3", not "3.0")
            table = table.assign(**{column: values.astype("Int64")})
    for column in (*STATS_IDENTITY[level], PERIOD):
        if column in table:
            table = table.assign(**{column: table[column].astype(object).where(table[column].notna(), None)})
    if path.suffix == ".csv":
        table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    else:
        table.to_parquet(path, index=False, compression="zstd")
    return {STATS_FILES[level]}
