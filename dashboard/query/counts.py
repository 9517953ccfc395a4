"""Counts a map can show as proportional symbols over its rate choropleth (a count is never a choropleth).

- ``teams``: community digital technology teams;
- ``team_members``: their members;
- ``population_without_team``: residents of hamlets that have no team (a hamlet's residents at hamlet level;
  summed, or estimated from the share of hamlets without a team, above it, as in the gap score).
"""

from __future__ import annotations

import pandas as pd

from analysis.aggregate import estimate_population_without_team
from analysis.indicators import numeric_column

BUBBLE_COUNTS = ("teams", "team_members", "population_without_team")


def count_values(table: pd.DataFrame, level: str, count: str) -> pd.Series:
    """The count ``count`` of every row of a view's table (NaN where unknown)."""
    if count not in BUBBLE_COUNTS:
        raise ValueError(f"unknown count {count!r}; choose one of: {', '.join(BUBBLE_COUNTS)}")
    if count != "population_without_team":
        return numeric_column(table, count)
    if level == "hamlet":
        teams = numeric_column(table, "teams")
        return numeric_column(table, "population").where(teams == 0, 0.0).where(teams.notna())
    return estimate_population_without_team(table)
