"""Aggregate statistics up the hierarchy: hamlet → commune → province.

Counts are summed; a sum over only missing values stays missing (``min_count=1``), so "no data" never
turns into 0. Shares given instead of counts are turned into counts first, weighted by their denominator.
"""

from __future__ import annotations

import pandas as pd

from analysis.indicators import INDICATORS, numeric_column
from loaders.schema import COUNT_COLUMNS, PERIOD

#: Residents of hamlets that have no team; summed from hamlet statistics (SPEC §4 gap score).
POPULATION_WITHOUT_TEAM = "population_without_team"

COMMUNE_KEYS = ("province_code", "commune_code")
PROVINCE_KEYS = ("province_code",)


def fill_counts_from_shares(stats: pd.DataFrame) -> pd.DataFrame:
    """Derive missing numerator counts from share columns (percent) and their denominators.

    A file that reports "Tỷ lệ sử dụng điện thoại thông minh (%)" and population 15+ can then be summed
    like one that reports counts.
    """
    stats = stats.copy()
    for indicator in INDICATORS.values():
        share = indicator.share_column
        if not share or share not in stats.columns or indicator.denominator not in stats.columns:
            continue
        derived = pd.to_numeric(stats[share], errors="coerce") / 100.0 * pd.to_numeric(
            stats[indicator.denominator], errors="coerce")
        if indicator.numerator in stats.columns:
            stats[indicator.numerator] = pd.to_numeric(stats[indicator.numerator], errors="coerce").fillna(derived)
        else:
            stats[indicator.numerator] = derived
    return stats


def _count_columns(stats: pd.DataFrame) -> list[str]:
    extra = [POPULATION_WITHOUT_TEAM] if POPULATION_WITHOUT_TEAM in stats.columns else []
    return [column for column in (*COUNT_COLUMNS, *extra) if column in stats.columns]


def sum_counts(stats: pd.DataFrame, by: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Sum every count column within groups ``by`` (+ period); all-missing groups stay NaN."""
    stats = fill_counts_from_shares(stats)
    keys = [*by, PERIOD] if PERIOD in stats.columns else list(by)
    counts = _count_columns(stats)
    numeric = stats[keys].copy()
    for column in counts:
        numeric[column] = pd.to_numeric(stats[column], errors="coerce")
    return numeric.groupby(keys, sort=True, dropna=False)[counts].sum(min_count=1).reset_index()


def hamlet_to_commune(hamlet_stats: pd.DataFrame) -> pd.DataFrame:
    """Commune statistics from hamlet statistics.

    ``hamlets`` counts the hamlets reported, ``hamlets_with_team`` those with at least one team (hamlets
    whose number of teams is unknown count in neither), and ``population_without_team`` sums the residents
    of hamlets with no team.
    """
    stats = hamlet_stats.copy()
    if "teams" in stats.columns:
        teams = numeric_column(stats, "teams")
        known = teams.notna()
        stats["hamlets"] = known.astype(float).where(known)
        stats["hamlets_with_team"] = (teams > 0).astype(float).where(known)
        if "population" in stats.columns:
            population = numeric_column(stats, "population")
            stats[POPULATION_WITHOUT_TEAM] = population.where(teams == 0, 0.0).where(known)
    return sum_counts(stats, COMMUNE_KEYS)


def commune_to_province(commune_stats: pd.DataFrame) -> pd.DataFrame:
    """Province statistics from commune statistics."""
    return sum_counts(commune_stats, PROVINCE_KEYS)


def periods(stats: pd.DataFrame) -> list[str]:
    """The periods present, oldest first ("2024-Q1" < "2024-Q2" < "2025-Q1")."""
    if PERIOD not in stats.columns:
        return []
    return sorted({str(value) for value in stats[PERIOD].dropna().unique()})


def latest_period(stats: pd.DataFrame) -> str | None:
    """The most recent period, or None when there is none."""
    found = periods(stats)
    return found[-1] if found else None


def previous_period(stats: pd.DataFrame, period: str) -> str | None:
    """The period just before ``period`` in the data, or None."""
    found = periods(stats)
    index = found.index(period) if period in found else len(found)
    return found[index - 1] if index > 0 else None


def estimate_population_without_team(stats: pd.DataFrame) -> pd.Series:
    """Residents of hamlets with no team: summed when known, else estimated from the share of hamlets.

    Commune files rarely carry hamlet populations; then the commune's population is split evenly across
    its hamlets, which is stated in the gap list's method note.
    """
    known = numeric_column(stats, POPULATION_WITHOUT_TEAM)
    hamlets = numeric_column(stats, "hamlets")
    with_team = numeric_column(stats, "hamlets_with_team")
    population = numeric_column(stats, "population")
    share_without = ((hamlets - with_team) / hamlets.where(hamlets > 0)).clip(lower=0)
    return known.fillna(population * share_without)
