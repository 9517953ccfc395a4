"""Gaps (SPEC §4): units with no team, or with a chosen indicator below its target, ranked by people affected.

``gap_score`` = Σ over the chosen indicators of population 15+ × shortfall to target (as a fraction)
+ residents of hamlets with no team. ``team_presence`` is not summed again as an indicator: its shortfall is
already counted as the residents of hamlets without a team.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from analysis.aggregate import estimate_population_without_team
from i18n import LANGS, Measure, Message, Term, lang_column, t
from analysis.indicators import compute_indicator, get_indicator, numeric_column

NO_TEAM = "no_team"
DEFAULT_GAP_INDICATORS = ("smartphone_share",)


@dataclass(frozen=True)
class GapReason:
    """Why a unit is a gap: no team, or one indicator short of its target."""

    indicator: str               # an indicator key, or NO_TEAM
    value: float = math.nan      # the indicator's value (percent) or, for NO_TEAM, hamlets without team
    target: float = math.nan     # the target, or for NO_TEAM the number of hamlets (NaN at hamlet level)

    def message(self) -> Message:
        """The reason as a catalogue message: "không có tổ", "3/12 thôn chưa có tổ", "điện thoại thông minh 42 % < 80 %"."""
        if self.indicator == NO_TEAM:
            if math.isnan(self.target):
                return Message("gap.no_team")
            return Message("gap.hamlets_without_team", {"without": self.value, "hamlets": self.target})
        unit = f"indicator.{self.indicator}.unit"
        return Message("gap.short", {
            "indicator": Term(f"indicator.{self.indicator}.short"),
            "value": Measure(self.value, unit, decimals=0),
            "relation": "<" if get_indicator(self.indicator).higher_is_better else ">",
            "target": Measure(self.target, unit, decimals=0),
        })


def describe_reasons(reasons, lang: str) -> str:
    """The reasons of one unit in words, joined."""
    return t("gap.separator", lang).join(reason.message().text(lang) for reason in reasons)


def _shortfall(values: pd.Series, target: float, key: str) -> pd.Series:
    """Shortfall to target as a fraction (0 where met or no data)."""
    indicator = get_indicator(key)
    gap = (target - values) if indicator.higher_is_better else (values - target)
    denominator = 100.0 if indicator.is_percent else abs(target) or 1.0
    return (gap / denominator).clip(lower=0).fillna(0.0)


def _no_team(table: pd.DataFrame, level: str, target: float) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(has no team or coverage below target, hamlets without team, hamlets) for every row."""
    if level == "hamlet":
        teams = numeric_column(table, "teams")
        missing = (teams == 0)
        return missing, pd.Series(np.nan, index=table.index), pd.Series(np.nan, index=table.index)
    hamlets = numeric_column(table, "hamlets")
    with_team = numeric_column(table, "hamlets_with_team")
    presence = compute_indicator(table, "team_presence", level)
    return (presence < target), hamlets - with_team, hamlets


def find_gaps(table: pd.DataFrame, indicator_keys=DEFAULT_GAP_INDICATORS, level: str = "commune",
              targets: Mapping[str, float] | None = None, include_all: bool = False) -> pd.DataFrame:
    """Rank the gaps of a view table.

    Parameters
    ----------
    table : DataFrame
        One row per unit for one period (units joined to their statistics), e.g. from
        :func:`analysis.view.build_view_table`.
    indicator_keys : sequence of str
        Indicators whose shortfall to target makes a gap (``team_presence`` is always considered).
    level : str
        "hamlet", "commune" or "province": at hamlet level "no team" means ``teams == 0``.
    targets : mapping
        The configured targets (``Settings.targets``); an indicator without one makes no gap.
    include_all : bool
        Keep units that are not gaps (score 0) too.

    Returns
    -------
    DataFrame
        ``table``'s rows that are gaps, with ``gap_score`` (people), ``gap_reasons`` (list of
        :class:`GapReason`), ``reason_vi`` and ``reason_en``, sorted by ``gap_score`` descending.
    """
    targets = dict(targets or {})
    population_15plus = numeric_column(table, "population_15plus")
    score = pd.Series(0.0, index=table.index)
    is_gap = pd.Series(False, index=table.index)
    reasons: list[list[GapReason]] = [[] for _ in range(len(table))]

    no_team, without_team, hamlets = _no_team(table, level, targets.get("team_presence", 100.0))
    if level == "hamlet":
        residents_without_team = numeric_column(table, "population").where(no_team, 0.0)
    else:
        residents_without_team = estimate_population_without_team(table).where(no_team, 0.0)
    score += residents_without_team.fillna(0.0)
    is_gap |= no_team.fillna(False)
    for position in np.flatnonzero(no_team.fillna(False).to_numpy()):
        reasons[position].append(GapReason(NO_TEAM, without_team.iloc[position], hamlets.iloc[position]))

    for key in indicator_keys:
        target = targets.get(key)
        if key == "team_presence" or target is None:
            continue
        values = compute_indicator(table, key, level)
        shortfall = _shortfall(values, target, key)
        short = shortfall > 0
        score += (population_15plus * shortfall).fillna(0.0)
        is_gap |= short
        for position in np.flatnonzero(short.to_numpy()):
            reasons[position].append(GapReason(key, float(values.iloc[position]), float(target)))

    result = table.copy()
    result["gap_score"] = score.round(0)
    result["gap_reasons"] = reasons
    for lang in LANGS:
        result[lang_column("reason", lang)] = [describe_reasons(unit_reasons, lang) for unit_reasons in reasons]
    if not include_all:
        result = result[is_gap.to_numpy()]
    return result.sort_values("gap_score", ascending=False, kind="stable")
