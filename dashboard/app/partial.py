"""Partial periods, said on every page: the period list marks them ("Quý 1/2026 — 5 / 75 xã"), the default option
names the period a page opens on, and KPI cards and legends say how many units the figures cover when not all do.

What "has figures", "partial" and "the default period" mean is decided once (:mod:`analysis.periods`, through
:func:`dashboard.query.period_coverage` for the area shown); this module only words it for the widgets.
"""

from __future__ import annotations


import pandas as pd
import streamlit as st

from analysis.periods import default_period
from analysis.view import ViewSpec
from dashboard import query
from dashboard.app import cache
from i18n import Period, Term, format_period, t


def _area(spec: ViewSpec) -> ViewSpec:
    """The part of a view the coverage depends on (level and area shown), as a small cache key."""
    return ViewSpec(level=spec.level, province=spec.province, commune=spec.commune, areas=spec.areas)


@st.cache_data(show_spinner=False, max_entries=64)
def _coverage(key: str, area: ViewSpec) -> tuple[str, pd.DataFrame]:
    source = cache.source(key)
    resolved, _ = query.resolve_spec(source, area)  # the area as the pages will show it
    return resolved.level, query.period_coverage(source, _area(resolved), cache.settings())


def coverage(key: str, spec: ViewSpec) -> tuple[str, pd.DataFrame]:
    """The level shown and, per period, the units of the area shown with figures, their total and ``partial``
    (oldest first)."""
    return _coverage(key, _area(spec))


def _row(table: pd.DataFrame, period: str | None):
    if period is None or not len(table):
        return None
    rows = table[table["period"] == period]
    return rows.iloc[0] if len(rows) else None


def _units(level: str) -> Term:
    return Term(f"store.units.{level}")


def option_label(level: str, table: pd.DataFrame, period: str, lang: str) -> str:
    """"Quý 1/2026 — 5 / 75 xã" when ``period`` is partial for the area shown (below ``data.complete_share``),
    else "Quý 1/2026"."""
    row = _row(table, period)
    if row is None or not bool(row["partial"]):
        return format_period(period, lang)
    return t("partial.option", lang, period=Period(period), with_data=int(row["units_with_data"]),
             total=int(row["units_total"]), units=_units(level))


def default_label(table: pd.DataFrame, lang: str) -> str:
    """The period-list entry for "no period chosen": the period the page opens on, and why."""
    period = default_period(table) if len(table) else None
    if period is None:
        return t("latest_period", lang, period="")
    latest = table["period"].iloc[-1]
    if period == latest:
        return t("latest_period", lang, period=Period(period))
    return t("partial.default_complete", lang, period=Period(period))


def covers(key: str, view, lang: str, period: str | None = None) -> str | None:
    """"Số liệu của 5 / 75 xã" when the figures of the view's period cover only some of its units, else ``None``."""
    row = _row(coverage(key, view.spec)[1], period or view.period)
    if row is None or row["units_with_data"] >= row["units_total"]:
        return None
    return t("partial.covers", lang, with_data=int(row["units_with_data"]), total=int(row["units_total"]),
             units=_units(view.level))
