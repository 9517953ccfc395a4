"""Bản đồ: the choropleth of one indicator, KPI cards, and the details of a clicked unit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.indicators import INDICATORS, get_indicator
from dashboard.app import cache, components, map_cache
from dashboard.app import state as S
from dashboard.query import ShownView
from i18n import Period, format_number, format_period, format_value, t
from loaders.schema import NAME_COLUMN

MAP_HEIGHT, PRESENT_MAP_HEIGHT = 620, 600


def legend_notes(view: ShownView, lang: str) -> list[str]:
    """Period, place and the demo badge under the legend (they travel with a screenshot)."""
    notes = [t("period_line", lang, period=Period(view.period)) if view.period else "",
             components.place_name(view, lang)]
    if view.demo:
        notes.append(t("demo_badge", lang))
    return [note for note in notes if note]


def clicked_key(result) -> str | None:
    """The key of the unit clicked last, from st_folium's return value."""
    feature = (result or {}).get("last_active_drawing") or {}
    return (feature.get("properties") or {}).get("k")


def details(key: str, view: ShownView, unit: str, lang: str) -> None:
    """All indicators of one unit for the period shown, its counts, and the trend of the map's indicator."""
    level = view.level
    rows = view.table[view.table[view.key_column].astype(str) == unit]
    if rows.empty:
        return
    st.subheader(str(rows.iloc[0][NAME_COLUMN[level]]), anchor=False)
    history = cache.unit_history(key, level, unit)
    if history.empty:
        st.info(t("no_data", lang))
        return
    current = history[history["period"] == view.period] if view.period else history.tail(1)
    values = (current if len(current) else history.tail(1)).iloc[0]
    lines = [(get_indicator(k).label(lang), format_value(values[k], get_indicator(k).unit(lang), lang))
             for k in INDICATORS]
    for count in ("teams", "team_members", "hamlets", "hamlets_with_team", "population_15plus"):
        if count in history.columns:
            lines.append((t("count_" + count, lang), format_number(values[count], lang)))
    st.table(pd.DataFrame(lines, columns=[t("indicator", lang), t("value", lang)]).set_index(t("indicator", lang)))
    st.caption(f"{t('trend', lang)}: {view.indicator.label(lang)}")
    trend = history.set_index(history["period"].map(lambda p: format_period(p, lang)))
    st.line_chart(trend[[view.spec.indicator]].rename(columns={view.spec.indicator: view.indicator.short(lang)}),
                  height=200)


def sidebar(key: str, lang: str) -> None:
    components.language_switch()
    st.sidebar.header(t("filters", lang))
    components.indicator_filters(key, lang)
    components.place_filters(key, lang)
    components.map_options(lang)
    components.presentation_link(lang)


def render() -> None:
    lang, key, present = S.lang(), cache.source_key(), S.get("present")
    if not present:
        sidebar(key, lang)
    view = cache.indicator_view(key, S.spec())
    components.start_page(view.indicator.label(lang), f"{components.place_name(view, lang)} · "
                          + (t("period_line", lang, period=Period(view.period)) if view.period else ""))
    components.notices(view, lang)
    components.kpi_cards(view, lang)
    if view.table.empty:
        st.info(t("no_units", lang))
    map_column, detail_column = (st.container(), st.container()) if present else st.columns([3, 1])
    with map_column:
        extras = map_cache.extras(key, view.spec, font_scale=1.6 if present else 1.0,
                                  highlight=(S.get("sel"),))
        result = components.web_map(key, view, lang, notes=legend_notes(view, lang),
                                    lines=components.outlines(key, view.spec, lang),
                                    height=PRESENT_MAP_HEIGHT if present else MAP_HEIGHT, widget_key="main_map",
                                    extras=extras)
    clicked = clicked_key(result)
    if clicked and clicked != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = clicked
        S.put("sel", clicked)
    with detail_column:
        if S.get("sel"):
            details(key, view, S.get("sel"), lang)
        else:
            st.caption(t("click_hint", lang))
    if not present:
        components.download_buttons(key, {"": view}, lang)
        components.atlas_section(key, view, lang)
    S.sync_url()


render()
