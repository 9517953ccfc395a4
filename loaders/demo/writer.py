"""Deterministic writers: same input, same bytes (no timestamps; rows sorted by the caller)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def _replace(tmp: Path, path: Path) -> None:
    os.replace(tmp, path)


def _write_table(table: pa.Table, path: Path, group_by: str | None) -> None:
    """Write ``table`` with zstd, one row group per run of equal ``group_by`` values (or one in all)."""
    tmp = path.with_name(path.name + ".tmp")
    with pq.ParquetWriter(tmp, table.schema, compression="zstd") as writer:
        if group_by is None:
            writer.write_table(table, row_group_size=max(len(table), 1))
        else:
            keys = table.column(group_by).to_pylist()
            start = 0
            for end in [i for i in range(1, len(keys)) if keys[i] != keys[i - 1]] + [len(keys)]:
                writer.write_table(table.slice(start, end - start), row_group_size=end - start)
                start = end
    _replace(tmp, path)


def write_geoparquet(gdf: gpd.GeoDataFrame, path: Path, group_by: str | None = None) -> None:
    """GeoParquet (zstd, bbox covering column), optionally one row group per ``group_by`` value.

    geopandas writes the GeoParquet metadata; the table is then rewritten with pyarrow so the row
    groups can follow the provinces (readers skip the other provinces' groups).
    """
    buffer = io.BytesIO()
    gdf.to_parquet(buffer, index=False, compression="zstd", write_covering_bbox=True)
    _write_table(pq.read_table(pa.BufferReader(buffer.getvalue())), path, group_by)


def write_parquet(df: pd.DataFrame, path: Path, group_by: str | None = None) -> None:
    """Plain Parquet (zstd) of a DataFrame without its index."""
    _write_table(pa.Table.from_pandas(df, preserve_index=False), path, group_by)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV, ``\\n`` line ends, missing values empty, codes as text."""
    tmp = path.with_name(path.name + ".tmp")
    df.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
    _replace(tmp, path)


def write_json(data: dict, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _replace(tmp, path)
