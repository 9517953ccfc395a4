"""Reading and writing the files of a dataset directory for :mod:`loaders.ingest` (layout: docs/ARCHITECTURE.md).

Geometry is GeoParquet (zstd, bbox covering column); hamlets sorted by province and commune with one row group
per province, so one province can be read alone. Statistics keep the layout of the embedded data.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq

from loaders.schema import CODE_WIDTH, COUNT_COLUMNS, GEOMETRY_SOURCE, PERIOD, SHARE_COLUMNS
from loaders.store import SOURCES_DIR, VERSION_FILE, carry_over

GEO_FILES = {"province": "geo/provinces.parquet", "commune": "geo/communes.parquet",
             "hamlet": "geo/hamlets.parquet"}
STATS_FILES = {"commune": "stats/commune_stats.csv", "hamlet": "stats/hamlet_stats.parquet"}
METADATA = "metadata.json"
#: Identity columns each statistics file keeps, in order.
STATS_IDENTITY = {
    "commune": ("commune_code", "commune_name", "province_code", "province_name"),
    "hamlet": ("hamlet_id", "commune_code", "province_code"),
}
_CODE_DTYPES = {column: str for column in (*CODE_WIDTH, "hamlet_id", PERIOD)}


# -- units -----------------------------------------------------------------------------------------------------------
def _write_geoparquet(frame: gpd.GeoDataFrame, path: Path, group_by: str | None = None) -> None:
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


def write_units(units: gpd.GeoDataFrame, new_dir: Path, level: str) -> set[str]:
    """Write uploaded units of ``level``; commune uploads also write the dissolved provinces. Return the paths."""
    units = units.to_crs("EPSG:4326")
    if level == "commune":
        order = [c for c in ("province_code", "commune_code") if c in units]
        communes = units.sort_values(order, na_position="last").reset_index(drop=True)
        _write_geoparquet(communes, new_dir / GEO_FILES["commune"])
        if "province_code" in communes and communes["province_code"].notna().all():
            _write_geoparquet(provinces_from_communes(communes), new_dir / GEO_FILES["province"])
            return {GEO_FILES["commune"], GEO_FILES["province"]}
        return {GEO_FILES["commune"]}
    hamlets = units.sort_values(["province_code", "commune_code", "hamlet_id"], na_position="last")
    _write_geoparquet(hamlets.reset_index(drop=True), new_dir / GEO_FILES["hamlet"], group_by="province_code")
    return {GEO_FILES["hamlet"]}


def read_previous_units(previous_dir: Path, level: str, provinces: list[str] | None = None):
    """Units of ``level`` in the previous dataset (only ``provinces`` when given), or ``None`` when it has none."""
    path = Path(previous_dir) / GEO_FILES[level]
    if not path.exists():
        return None
    filters = [("province_code", "in", list(provinces))] if provinces else None
    return gpd.read_parquet(path, filters=filters)


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None  # NaN is truthy: never let it through


def provinces_of(loads, data_dir: Path) -> list[str] | None:
    """Province codes every statistics row belongs to, from its province code, commune code or province name.

    ``None`` when some row says nothing about its province (then nothing may be left out of the join).
    """
    from loaders.text import name_key

    communes = read_previous_units(data_dir, "commune")
    if communes is None:
        return None
    by_commune = dict(zip(communes["commune_code"], communes["province_code"]))
    by_name = {name_key(n, "province"): c for n, c in zip(communes["province_name"], communes["province_code"])}
    found = set()
    for load in loads:
        table = load.table
        for row in table.to_dict("records"):
            code = _text(row.get("province_code")) or by_commune.get(_text(row.get("commune_code")))
            code = code or by_name.get(name_key(_text(row.get("province_name")), "province"))
            if not isinstance(code, str):
                return None
            found.add(code)
    return sorted(found) or None


# -- statistics ------------------------------------------------------------------------------------------------------
def read_previous_stats(previous_dir: Path, level: str) -> pd.DataFrame | None:
    """The previous statistics file of ``level`` as stored (codes as text), or ``None``."""
    path = Path(previous_dir) / STATS_FILES[level]
    if not path.exists():
        return None
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=_CODE_DTYPES, keep_default_na=True, encoding="utf-8-sig")
    return pd.read_parquet(path)


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


# -- everything else -------------------------------------------------------------------------------------------------
def carry_over_rest(previous_dir: Path, new_dir: Path, written: set[str], store_root: Path) -> list[str]:
    """Carry every data file of the previous dataset that the upload did not replace; return their paths."""
    previous_dir = Path(previous_dir)
    if not previous_dir.is_dir():
        return []
    carried = []
    for path in sorted(previous_dir.rglob("*")):
        relative = path.relative_to(previous_dir).as_posix()
        if not path.is_file() or relative in written or relative in (METADATA, VERSION_FILE):
            continue
        if relative.startswith(f"{SOURCES_DIR}/") or relative.startswith("."):
            continue  # an earlier upload's own sources stay with that version
        carry_over(previous_dir, new_dir, relative, store_root)
        carried.append(relative)
    return carried


def _read_metadata(previous_dir: Path) -> dict:
    path = Path(previous_dir) / METADATA
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def write_metadata(previous_dir: Path, new_dir: Path, written: set[str], check) -> dict:
    """The previous metadata with this upload recorded; ``demo`` stays true while any demo file remains."""
    metadata = _read_metadata(previous_dir)
    counts = dict(metadata.get("counts", {}))
    for level, relative in GEO_FILES.items():
        if relative in written:  # unit counts of replaced layers, read from the files just written
            counts[f"{level}s"] = pq.ParquetFile(new_dir / relative).metadata.num_rows
    if counts:
        metadata["counts"] = counts
    demo_files = set(previous_demo_files(previous_dir)) - written
    metadata["demo_files"] = sorted(demo_files)
    metadata["demo"] = bool(demo_files)
    uploads = list(metadata.get("uploads", []))
    uploads.append({
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "files": sorted(written),
        "boundaries": None if check.boundaries is None else Path(check.boundaries.info["path"]).name,
        "stats": [Path(s.info["path"]).name for s in check.stats],
    })
    metadata["uploads"] = uploads
    if not metadata["demo"]:
        for key in ("notice", "notice_vi", "notice_en", "title"):  # the demo notices no longer apply
            metadata.pop(key, None)
    periods = set(metadata.get("periods", []))
    for load in check.stats:
        periods |= set(load.info["periods"])
    if periods:
        metadata["periods"] = sorted(periods)
        metadata["latest_period"] = max(periods, key=_period_order)
    with open(new_dir / METADATA, "w", encoding="utf-8") as handle:
        json.dump(metadata, handle, ensure_ascii=False, indent=2)
    return metadata


def _period_order(period: str) -> tuple:
    # "2025" < "2025-Q1" < "2025-03": a year, then its quarters, then months, as the app lists them
    year, _, rest = str(period).partition("-")
    return (year, 0 if not rest else 1 if rest.startswith("Q") else 2, rest)


def previous_demo_files(previous_dir: Path) -> list[str]:
    """Data files of the previous dataset that are still demo data (all of them for the embedded demo)."""
    metadata = _read_metadata(previous_dir)
    if "demo_files" in metadata:
        return list(metadata["demo_files"])
    return _data_files(previous_dir) if metadata.get("demo") else []


def _data_files(directory: Path) -> list[str]:
    directory = Path(directory)
    return sorted(p.relative_to(directory).as_posix() for folder in ("geo", "stats")
                  for p in (directory / folder).glob("*") if p.is_file())

