"""Vùng trống: the ranked gap list with reasons in words, one-click area filters, and the gap map beside it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.indicators import INDICATORS, get_indicator
from analysis.view import AREA_FILTERS
from dashboard.app import cache, components
from dashboard.app import state as S
from dashboard.query import ShownView
from dashboard.render.legend import unit_names
from i18n import Period, format_number, lang_column, t

MAP_HEIGHT = 640


def area_toggles(lang: str) -> None:
    """One toggle per area class (mountainous, island, border, ethnic region, extremely difficult)."""
    for column, area in zip(st.columns(len(AREA_FILTERS)), AREA_FILTERS):
        key = f"w_gap_area_{area}"

        def flip(area=area, key=key):
            chosen = set(S.get("areas")) - {area} | ({area} if st.session_state[key] else set())
            S.put("areas", tuple(a for a in AREA_FILTERS if a in chosen))

        st.session_state[key] = area in S.get("areas")
        column.toggle(t(f"area.{area}", lang), key=key, on_change=flip)


def ranked_list(view: ShownView, lang: str) -> pd.DataFrame:
    """The rows of the gap view as the page lists them (gaps first, ranked; the same rows as its downloads)."""
    table = view.table
    return pd.DataFrame({
        t("gap_rank", lang): ["" if pd.isna(rank) else str(int(rank)) for rank in table["rank"]],
        t("gap_unit", lang): unit_names(table, view.level),
        t("gap_score", lang): [format_number(v, lang) if g else "—" for v, g in zip(table["gap_score"], table["is_gap"])],
        t("gap_reasons", lang): table[lang_column("reason", lang)].replace("", t("not_a_gap", lang)),
    })


def sidebar(key: str, lang: str) -> None:
    components.language_switch()
    st.sidebar.header(t("filters", lang))
    components.indicator_filters(key, lang)
    components.place_filters(key, lang, areas=False)
    S.bind("gap_indicators", st.sidebar.multiselect, t("gap_indicators", lang),
           options=[k for k in INDICATORS if k != "team_presence"], placeholder=t("only_team_gaps", lang),
           format_func=lambda k: get_indicator(k).label(lang), to_widget=list, from_widget=tuple)


def render() -> None:
    lang, key = S.lang(), cache.source_key()
    if not S.get("present"):
        sidebar(key, lang)
    view = cache.gap_view(key, S.spec())
    components.start_page(t("gaps_title", lang), components.place_name(view, lang))
    area_toggles(lang)
    view = cache.gap_view(key, S.spec())  # the toggles may have changed the view
    components.notices(view, lang)
    count = int(view.table["is_gap"].sum())
    period = t("period_line", lang, period=Period(view.period)) if view.period else ""
    st.subheader(" — ".join(part for part in (t("gap_count", lang, n=format_number(count, lang)), period) if part),
                 anchor=False)
    list_column, map_column = st.columns([1, 1])
    with list_column:
        if count:
            st.dataframe(ranked_list(view, lang), height=MAP_HEIGHT, width="stretch", hide_index=True)
        else:
            st.info(t("no_gaps", lang))
    with map_column:
        notes = [t("demo_badge", lang)] if view.demo else []
        components.web_map(key, view, lang, notes=notes, lines=components.outlines(key, view.spec, lang),
                           height=MAP_HEIGHT, widget_key="gap_map", returned=())
    if not S.get("present"):
        components.download_buttons(key, {"": view}, lang)
    S.sync_url()


render()
