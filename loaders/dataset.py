"""Read a dataset directory: units per level, statistics per level, metadata.

Layout (docs/ARCHITECTURE.md)::

    geo/provinces.parquet  geo/communes.parquet  geo/hamlets.parquet   (GeoParquet, EPSG:4326)
    stats/hamlet_stats.parquet  stats/commune_stats.csv                (counts, one row per unit and period)
    metadata.json

The embedded demo data (``coverage-map demo``) is :data:`DEFAULT_DATA_DIR`. Readers are small and
uncached: the app caches them. Hamlets are filtered while reading (one row group per province), so a
province at hamlet level never reads the whole country.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

from i18n import Term
from loaders.errors import LoaderError
from loaders.schema import CODE_WIDTH, COUNT_COLUMNS, LEVELS

#: The repository's embedded demo dataset.
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[1] / "data"

UNIT_FILES = {"province": "geo/provinces.parquet", "commune": "geo/communes.parquet",
              "hamlet": "geo/hamlets.parquet"}
HAMLET_STATS = "stats/hamlet_stats.parquet"
COMMUNE_STATS = "stats/commune_stats.csv"
METADATA = "metadata.json"
_TEXT_COLUMNS = ("hamlet_id", "commune_code", "province_code", "period", "commune_name", "province_name")


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise LoaderError("dataset.unknown_level", level=str(level)[:20], levels=list(LEVELS))


def _code(value, column: str) -> str:
    """A code as zero-padded text ("1" -> "01"), tolerating Excel floats ("1.0")."""
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return text.zfill(CODE_WIDTH[column])


def load_units(data_dir: str | Path, level: str, province_code: str | None = None,
               commune_code: str | None = None) -> gpd.GeoDataFrame:
    """Units of one level, optionally only one province's or one commune's.

    Parameters
    ----------
    data_dir : str or Path
        Dataset directory.
    level : {"province", "commune", "hamlet"}
    province_code, commune_code : str, optional
        Keep only these units (at province level ``commune_code`` is ignored). Filters are pushed
        down to the Parquet reader, which skips row groups of other provinces.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical columns (SPEC §2) in EPSG:4326, in file order.

    Raises
    ------
    LoaderError
        Unknown level or missing file.
    """
    _check_level(level)
    path = Path(data_dir) / UNIT_FILES[level]
    if not path.exists():
        raise LoaderError("dataset.no_units", path, level=Term(f"store.level.{level}"))
    filters = []
    if province_code is not None:
        filters.append(("province_code", "=", _code(province_code, "province_code")))
    if commune_code is not None and level != "province":
        filters.append(("commune_code", "=", _code(commune_code, "commune_code")))
    return gpd.read_parquet(path, filters=filters or None)


def _as_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Counts as float64 with NaN for "no data" (nullable integers do not mix well with rates)."""
    for column in COUNT_COLUMNS:
        if column in table:
            table[column] = pd.to_numeric(table[column], errors="coerce").astype("float64")
    return table


def _hamlet_stats(data_dir: Path) -> pd.DataFrame | None:
    path = data_dir / HAMLET_STATS
    return pd.read_parquet(path) if path.exists() else None


def _commune_stats(data_dir: Path) -> pd.DataFrame | None:
    path = data_dir / COMMUNE_STATS
    if not path.exists():
        return None
    table = pd.read_csv(path, dtype={c: str for c in _TEXT_COLUMNS}, encoding="utf-8")
    for column in ("commune_code", "province_code"):
        table[column] = table[column].map(lambda v, c=column: _code(v, c))
    return table


def read_stats_rows(data_dir: str | Path, level: str) -> pd.DataFrame | None:
    """The statistics rows of ``level`` ("commune" or "hamlet") as the directory stores them, or ``None``."""
    data_dir = Path(data_dir)
    return _hamlet_stats(data_dir) if level == "hamlet" else _commune_stats(data_dir)


def aggregate_stats(read_rows, level: str, where=None) -> pd.DataFrame:
    """Statistics of ``level`` from stored rows: ``read_rows("commune" | "hamlet")`` gives the rows or ``None``.

    ``hamlet`` and ``commune`` are the stored rows (communes summed from hamlets when only hamlet figures are
    stored); ``province`` sums the communes by province and period. Sums skip units that did not report a
    column; a sum is NaN only when no unit reported it. Counts come back as float64 (NaN = no data).

    Raises
    ------
    LoaderError
        Unknown level, or no statistics for that level.
    """
    _check_level(level)
    table = read_rows("hamlet") if level == "hamlet" else read_rows("commune")
    if table is None and level != "hamlet":
        hamlets = read_rows("hamlet")
        if hamlets is not None:
            hamlets = _as_counts(hamlets.copy())
            counts = [c for c in COUNT_COLUMNS if c in hamlets]
            table = hamlets.groupby(["commune_code", "province_code", "period"], sort=True)[counts].sum(min_count=1)
            table = table.reset_index()
    if table is None:
        raise LoaderError("dataset.no_stats", where, level=Term(f"store.level.{level}"))
    table = _as_counts(table.copy())
    if level != "province":
        return table
    counts = [c for c in COUNT_COLUMNS if c in table]
    keys = ["province_code", "province_name", "period"] if "province_name" in table else ["province_code", "period"]
    sums = table.groupby(keys, sort=True)[counts].sum(min_count=1)
    return sums.reset_index()


def load_stats(data_dir: str | Path, level: str) -> pd.DataFrame:
    """Statistics of one level, all periods; counts are float64 (NaN = no data).

    ``hamlet`` reads ``stats/hamlet_stats.parquet``; ``commune`` reads ``stats/commune_stats.csv``
    (codes kept as zero-padded text), or sums the hamlets when the CSV is absent; ``province`` sums
    the communes by province and period (see :func:`aggregate_stats`).

    Raises
    ------
    LoaderError
        Unknown level, or no statistics for that level in the dataset.
    """
    return aggregate_stats(lambda lvl: read_stats_rows(data_dir, lvl), level, where=data_dir)


def dataset_metadata(data_dir: str | Path) -> dict:
    """The dataset's ``metadata.json`` (``{}`` when there is none).

    For the demo data it holds ``"demo": true``, the notice ``"dữ liệu minh họa"``, ``periods``,
    sources, licences and the construction method.
    """
    path = Path(data_dir) / METADATA
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise LoaderError("dataset.bad_metadata", path, detail=error.msg, line=error.lineno) from None
