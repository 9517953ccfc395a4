"""The indicators of SPEC §3, each defined once: key, labels, unit, formula, direction, target.

A rate whose denominator is missing or zero is NaN ("no data"), never 0. Values above 100 % are kept
(and flagged by validation), not clipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from loaders.settings import targets as configured_targets


@dataclass(frozen=True)
class Indicator:
    """One indicator.

    Attributes
    ----------
    key : str
        Stable key used in the UI, URLs and the CLI.
    label_vi, label_en : str
        Full labels (map titles, legends).
    short_vi, short_en : str
        Short labels for reasons in words ("điện thoại thông minh 42 % < 80 %").
    unit_vi, unit_en : str
        Unit shown in legends: "%", "người/1.000 dân" …
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
    label_vi: str
    label_en: str
    short_vi: str
    short_en: str
    unit_vi: str
    unit_en: str
    numerator: str
    denominator: str
    scale: float = 100.0
    higher_is_better: bool = True
    share_column: str | None = None

    @property
    def is_percent(self) -> bool:
        return self.scale == 100.0

    @property
    def target(self) -> float | None:
        """The configured target (settings.toml), or None."""
        return configured_targets().get(self.key)

    def label(self, lang: str = "vi") -> str:
        return self.label_en if lang == "en" else self.label_vi

    def short(self, lang: str = "vi") -> str:
        return self.short_en if lang == "en" else self.short_vi

    def unit(self, lang: str = "vi") -> str:
        return self.unit_en if lang == "en" else self.unit_vi


def _share(key, label_vi, label_en, short_vi, short_en, numerator, denominator="population_15plus"):
    return Indicator(key, label_vi, label_en, short_vi, short_en, "%", "%", numerator, denominator,
                     share_column=key)


#: Every indicator except ``gap_score`` (which ranks gaps, see :mod:`analysis.gaps`).
INDICATORS: dict[str, Indicator] = {
    indicator.key: indicator
    for indicator in (
        _share("smartphone_share", "Tỷ lệ người dân dùng điện thoại thông minh",
               "Share of people using a smartphone", "điện thoại thông minh", "smartphone use",
               "smartphone_users"),
        _share("team_presence", "Tỷ lệ thôn, tổ dân phố có Tổ công nghệ số cộng đồng",
               "Share of hamlets with a community digital technology team", "thôn có tổ",
               "hamlets with a team", "hamlets_with_team", "hamlets"),
        Indicator("members_per_1000", "Số thành viên Tổ CNSCĐ trên 1.000 dân",
                  "Team members per 1,000 residents", "thành viên/1.000 dân", "members per 1,000",
                  "người/1.000 dân", "per 1,000 residents", "team_members", "population", scale=1000.0),
        Indicator("residents_per_member", "Số dân trên một thành viên Tổ CNSCĐ",
                  "Residents per team member", "dân/thành viên", "residents per member",
                  "người", "residents", "population", "team_members", scale=1.0,
                  higher_is_better=False),
        _share("vneid_share", "Tỷ lệ người dân có định danh điện tử mức 2 (VNeID)",
               "Share of people with a level-2 electronic ID (VNeID)", "VNeID mức 2", "VNeID level 2",
               "vneid_level2"),
        _share("cashless_share", "Tỷ lệ người dân thanh toán không dùng tiền mặt",
               "Share of people paying cashless", "thanh toán không dùng tiền mặt", "cashless payment",
               "cashless_users"),
        _share("online_service_share", "Tỷ lệ hồ sơ dịch vụ công trực tuyến",
               "Share of public-service dossiers filed online", "dịch vụ công trực tuyến",
               "online public services", "online_dossiers", "total_dossiers"),
        _share("digital_skills_share", "Tỷ lệ người dân có kỹ năng số cơ bản",
               "Share of people with basic digital skills", "kỹ năng số cơ bản", "basic digital skills",
               "digital_skills"),
    )
}


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
