"""The indicators of SPEC §3, each defined once: key, formula, direction (words in the catalogue, targets in the
settings).

A rate whose denominator is missing or zero is NaN ("no data"), never 0. Values above 100 % are kept
(and flagged by validation), not clipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from i18n import t


@dataclass(frozen=True)
class Indicator:
    """One indicator. Its words (label, short name, unit) are catalogue entries ``indicator.<key>.*``; its target
    is a setting (``[targets]``), passed in where needed, never read here.

    Attributes
    ----------
    key : str
        Stable key used in the UI, URLs and the CLI.
    numerator, denominator : str
        Count columns of SPEC §2.
    scale : float
        The rate is ``numerator / denominator * scale``.
    higher_is_better : bool
        Direction; gaps and target classes use it.
    share_column : str or None
        A column that may carry the rate directly (percent) when the counts are absent.
    """

    key: str
    numerator: str
    denominator: str
    scale: float = 100.0
    higher_is_better: bool = True
    share_column: str | None = None

    @property
    def is_percent(self) -> bool:
        return self.scale == 100.0

    def label(self, lang: str = "vi") -> str:
        """Full label (map titles, legends)."""
        return t(f"indicator.{self.key}.label", lang)

    def short(self, lang: str = "vi") -> str:
        """Short name, for reasons in words ("điện thoại thông minh 42 % < 80 %")."""
        return t(f"indicator.{self.key}.short", lang)

    def unit(self, lang: str = "vi") -> str:
        """Unit shown in legends: "%", "người/1.000 dân" …"""
        return t(f"indicator.{self.key}.unit", lang)


def _share(key, numerator, denominator="population_15plus"):
    return Indicator(key, numerator, denominator, share_column=key)


#: Every indicator except ``gap_score`` (which ranks gaps, see :mod:`analysis.gaps`).
INDICATORS: dict[str, Indicator] = {
    indicator.key: indicator
    for indicator in (
        _share("smartphone_share", "smartphone_users"),
        _share("team_presence", "hamlets_with_team", "hamlets"),
        Indicator("members_per_1000", "team_members", "population", scale=1000.0),
        Indicator("residents_per_member", "population", "team_members", scale=1.0, higher_is_better=False),
        _share("vneid_share", "vneid_level2"),
        _share("cashless_share", "cashless_users"),
        _share("online_service_share", "online_dossiers", "total_dossiers"),
        _share("digital_skills_share", "digital_skills"),
    )
}


def check_targets(targets: Mapping[str, float]) -> dict[str, float]:
    """The configured targets, refused when a key is not an indicator (a misspelt target would silently do
    nothing)."""
    unknown = sorted(set(targets) - set(INDICATORS))
    if unknown:
        raise KeyError(f"unknown indicator {unknown[0]!r} in [targets]; choose from: {', '.join(INDICATORS)}")
    return {key: float(value) for key, value in targets.items()}


def get_indicator(key: str) -> Indicator:
    """Look an indicator up by key, with a message listing the valid keys."""
    try:
        return INDICATORS[key]
    except KeyError:
        raise KeyError(f"unknown indicator {key!r}; choose one of: {', '.join(INDICATORS)}") from None


def numeric_column(stats: pd.DataFrame, name: str | None) -> pd.Series:
    """Column ``name`` as floats aligned with ``stats``; all NaN when the column is absent."""
    if name and name in stats.columns:
        return pd.to_numeric(stats[name], errors="coerce").astype(float)
    return pd.Series(np.nan, index=stats.index, dtype=float)


def compute_indicator(stats: pd.DataFrame, key: str, level: str | None = None) -> pd.Series:
    """The indicator's value for every row of ``stats`` (NaN where there is no data).

    Parameters
    ----------
    stats : DataFrame
        Canonical statistics (counts; optionally share columns in percent).
    key : str
        Indicator key.
    level : str, optional
        At ``"hamlet"`` level ``team_presence`` is 100 when the hamlet has at least one team, 0 when it has
        none, and NaN when the number of teams is unknown (SPEC §3).

    Returns
    -------
    Series of float
        Counts are used when both are present; a given share fills rows whose counts are missing.
    """
    indicator = get_indicator(key)
    if key == "team_presence" and level == "hamlet":
        teams = numeric_column(stats, "teams")
        return (teams > 0).astype(float).where(teams.notna()) * 100.0
    numerator = numeric_column(stats, indicator.numerator)
    denominator = numeric_column(stats, indicator.denominator)
    value = (numerator / denominator.where(denominator > 0)) * indicator.scale
    if indicator.share_column and indicator.share_column in stats.columns:
        value = value.fillna(numeric_column(stats, indicator.share_column))
    return value.rename(key)


def indicator_table(stats: pd.DataFrame, keys=None, level: str | None = None) -> pd.DataFrame:
    """All (or the given) indicators as columns, aligned with ``stats``."""
    keys = list(keys or INDICATORS)
    return pd.DataFrame({key: compute_indicator(stats, key, level) for key in keys}, index=stats.index)


def overall_value(stats: pd.DataFrame, key: str, level: str | None = None) -> float:
    """The indicator over a whole selection, weighted by its denominator (ratio of sums).

    Rows lacking either count are left out of both sums, so missing data does not pull the average down.
    """
    indicator = get_indicator(key)
    if key == "team_presence" and level == "hamlet":
        values = compute_indicator(stats, key, level)
        return float(values.mean()) if values.notna().any() else float("nan")
    numerator = numeric_column(stats, indicator.numerator)
    denominator = numeric_column(stats, indicator.denominator)
    both = numerator.notna() & denominator.notna()
    total = denominator[both].sum()
    if total <= 0:
        return float("nan")
    return float(numerator[both].sum() / total * indicator.scale)
