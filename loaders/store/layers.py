"""The layers of a dataset: boundaries per level and statistics per level, and where the directory layout keeps
them (docs/ARCHITECTURE.md). Both backends name layers the same way in the ledger and the metadata."""

from __future__ import annotations

UNIT_LEVELS = ("province", "commune", "hamlet")
STATS_LEVELS = ("commune", "hamlet")
UNIT_FILES = {"province": "geo/provinces.parquet", "commune": "geo/communes.parquet",
              "hamlet": "geo/hamlets.parquet"}
STATS_FILES = {"commune": "stats/commune_stats.csv", "hamlet": "stats/hamlet_stats.parquet"}
METADATA = "metadata.json"


def units_layer(level: str) -> str:
    """The name of a boundary layer ("geo/communes.parquet": the directory file, also the PostGIS layer name)."""
    return UNIT_FILES[level]


def stats_layer(level: str) -> str:
    """The name of a statistics layer."""
    return STATS_FILES[level]
