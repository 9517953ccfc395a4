"""So sánh: two periods (one legend for both, and the change map) or two indicators, side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.indicators import INDICATORS, get_indicator, overall_value
from dashboard.app import cache, components, map_cache, navigation, partial
from dashboard.app import state as S
from dashboard.query import ShownView
from i18n import Period, format_period, format_value, t

MAP_HEIGHT = 480


def _label(view: ShownView, lang: str) -> str:
    """"Điện thoại thông minh — Quý 3/2025": which map of the two."""
    return f"{components.capital(view.indicator.short(lang))} — {format_period(view.period, lang)}"


def _no_figures(view: ShownView) -> bool:
    return view.table.empty or pd.to_numeric(view.table["value"], errors="coerce").isna().all()


def _headline(column, key: str, view: ShownView, lang: str) -> None:
    indicator = view.indicator
    value = format_value(overall_value(view.table, indicator.key, view.level), indicator.unit(lang), lang)
    column.metric(_label(view, lang), value)
    covered = partial.covers(key, view, lang)
    if covered:
        column.caption(covered)


def _notes(key: str, view: ShownView, lang: str) -> list[str]:
    notes = [t("period_line", lang, period=Period(view.period))] if view.period else []
    return notes + list(filter(None, [partial.covers(key, view, lang)]))


def _map(key: str, view: ShownView, lang: str, widget_key: str, notes=()) -> None:
    extras = map_cache.extras(key, view.spec, font_scale=1.6 if S.get("present") else 1.0)
    components.web_map(key, view, lang, notes=notes, height=MAP_HEIGHT, widget_key=widget_key, returned=(),
                       extras=extras)


def render() -> None:
    navigation.switch_if_asked()
    lang, key = S.lang(), cache.source_key()
    if not S.get("present"):
        components.language_switch()
        st.sidebar.header(t("filters", lang))
        components.indicator_filters(key, lang)
        components.place_filters(key, lang)
    comparison = cache.compare_views(key, S.spec())
    components.start_page(t("page_compare", lang), components.place_name(comparison.b, lang), page="compare")
    components.notices(comparison.b, lang)
    S.bind("compare", st.radio, t("compare_mode", lang), options=["periods", "indicators"], horizontal=True,
           format_func=lambda m: t("compare_" + m, lang))
    if S.get("compare") == "periods":
        options = [p for p in cache.periods(key) if p != comparison.b.period]
        if not options:
            st.info(t("empty.compare_one_period", lang))
            S.sync_url()
            return
        S.bind("period_a", st.selectbox, t("period_a", lang), options=["", *options],
               format_func=lambda p: format_period(p, lang) if p else t("previous_period", lang),
               to_widget=lambda v: v or "", from_widget=lambda v: v or None)
    else:
        S.bind("indicator_b", st.selectbox, t("indicator_b", lang), options=list(INDICATORS),
               format_func=lambda k: get_indicator(k).label(lang))
    comparison = cache.compare_views(key, S.spec())
    for message in comparison.a.notices:  # A's own (a partial earlier period); B's are said above
        if message not in comparison.b.notices:
            st.info(components.md_escape(message.text(lang)))
    if _no_figures(comparison.a) and _no_figures(comparison.b):  # e.g. the islands of a province without any
        st.info(components.md_escape(t("empty.compare_no_data", lang, place=components.place_name(comparison.b, lang),
                                       a=_label(comparison.a, lang), b=_label(comparison.b, lang))))
    columns = st.columns(2)
    for column, view, widget_key in ((columns[0], comparison.a, "compare_a"), (columns[1], comparison.b, "compare_b")):
        _headline(column, key, view, lang)
        with column:
            _map(key, view, lang, widget_key, _notes(key, view, lang))
    views = {"A": comparison.a, "B": comparison.b}
    if comparison.change is not None:
        st.subheader(t("change_map", lang), anchor=False)
        _map(key, comparison.change, lang, "compare_change")
        views["Δ"] = comparison.change
    if not S.get("present"):
        components.download_buttons(key, views, lang, formats_shown=("png", "pdf", "svg", "html", "csv", "xlsx"))
    S.sync_url()


render()
