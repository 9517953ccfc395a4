"""Bản đồ: the choropleth of one indicator, KPI cards, and the details of a clicked unit."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from i18n.numbers import format_period
from analysis.indicators import INDICATORS, get_indicator
from dashboard import app_state as S
from dashboard import data_access as D
from dashboard.folium_map import MapStyle, Outline
from dashboard.i18n import format_number, format_value, t
from dashboard.map_view import indicator_map, table_period
from dashboard.pages import common
from loaders.schema import KEY_COLUMN, NAME_COLUMN

#: Outline style per area class: colours and dashes that stay visible over every palette.
OUTLINE_STYLE = {
    "mountainous": ("#5a3d1e", None), "island": ("#c51b7d", None), "border": ("#111111", "6 4"),
    "ethnic": ("#542788", "2 5"), "extremely_difficult": ("#b2182b", "10 4"),
}
MAP_HEIGHT, PRESENT_MAP_HEIGHT = 620, 600


def outlines(directory: str, province: str | None, lang: str) -> list[Outline]:
    """The outlines the user switched on, dissolved per area class."""
    result = []
    for area in S.get("outline"):
        shape = D.area_outline(directory, area, province)
        if shape:
            colour, dash = OUTLINE_STYLE[area]
            result.append(Outline(common.area_label(area, lang), shape, colour, dash))
    return result


def legend_notes(directory: str, spec, table: pd.DataFrame, lang: str) -> list[str]:
    """Period, place and the demo badge under the legend (they travel with a screenshot)."""
    notes = [f"{t('period', lang)}: {format_period(table_period(table), lang)}", common.place_name(directory, spec, lang)]
    if D.is_demo(directory):
        notes.append(t("demo_badge", lang))
    return notes


def build_map(directory: str, spec, table: pd.DataFrame, lang: str):
    """The folium map of the view (geometry from the cache, colours and legend from the table)."""
    geometries, bounds = D.shown_geometries(directory, spec.level, table[KEY_COLUMN[spec.level]], spec.province,
                                            spec.commune if spec.level == "hamlet" else None)
    lines = common.context_outlines(directory, spec, lang) + outlines(directory, spec.province, lang)
    style = MapStyle(font_scale=1.6 if S.get("present") else 1.0,
                     border_weight=0.25 if spec.level == "commune" and not spec.province else 0.6)
    m, _ = indicator_map(table, spec.level, geometries, bounds, spec.indicator, scheme=S.get("scheme"),
                         k=S.get("k"), lang=lang, notes=legend_notes(directory, spec, table, lang),
                         outlines=lines, basemap=S.get("basemap"), style=style)
    return m


def clicked_key(result) -> str | None:
    """The key of the unit clicked last, from st_folium's return value."""
    feature = (result or {}).get("last_active_drawing") or {}
    return (feature.get("properties") or {}).get("k")


def details(directory: str, level: str, key: str, period: str | None, indicator_key: str, lang: str) -> None:
    """All indicators of one unit for the period shown, its counts, and the trend of the map's indicator."""
    units = D.unit_table(directory, level)
    row = units[units[KEY_COLUMN[level]].astype(str) == key]
    if row.empty:
        return
    st.subheader(str(row.iloc[0][NAME_COLUMN[level]]))
    history = D.unit_history(directory, level, key)
    if history.empty:
        st.info(t("no_data", lang))
        return
    current = history[history["period"] == period] if period else history.tail(1)
    current = current if len(current) else history.tail(1)
    values = current.iloc[0]
    rows = [(get_indicator(k).label(lang), format_value(values[k], get_indicator(k).unit(lang), lang))
            for k in INDICATORS]
    for count in ("teams", "team_members", "hamlets", "hamlets_with_team", "population_15plus"):
        if count in history.columns:
            rows.append((t("count_" + count, lang), format_number(values[count], lang)))
    st.table(pd.DataFrame(rows, columns=[t("indicator", lang), t("value", lang)]).set_index(t("indicator", lang)))
    st.caption(f"{t('trend', lang)}: {get_indicator(indicator_key).label(lang)}")
    st.line_chart(history.set_index("period")[[indicator_key]], height=200)


def sidebar(directory: str, lang: str) -> None:
    common.language_switch()
    st.sidebar.header(t("filters", lang))
    common.indicator_filters(directory, lang)
    common.place_filters(directory, lang)
    common.map_options(lang)
    common.presentation_link(lang)


def render() -> None:
    lang, directory, present = S.lang(), D.data_dir(), S.get("present")
    if not present:
        sidebar(directory, lang)
    spec = D.effective_spec(S.view_spec())
    table = D.view_table(directory, spec)
    common.start_page(get_indicator(spec.indicator).label(lang),
                      f"{common.place_name(directory, spec, lang)} · {t('period', lang)} {format_period(table_period(table), lang)}")
    if spec.level != S.get("level"):
        st.info(t("hamlet_needs_place", lang))
    common.kpi_cards(table, spec.indicator, spec.level, lang)
    if table.empty:
        st.info(t("no_units", lang))
    map_column, detail_column = (st.container(), st.container()) if present else st.columns([3, 1])
    with map_column:
        result = st_folium(build_map(directory, spec, table, lang), key="main_map",
                           height=PRESENT_MAP_HEIGHT if present else MAP_HEIGHT, use_container_width=True,
                           returned_objects=["last_active_drawing"])
    key = clicked_key(result)
    if key and key != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = key
        S.put("sel", key)
    with detail_column:
        if S.get("sel"):
            details(directory, spec.level, S.get("sel"), table_period(table), spec.indicator, lang)
        else:
            st.caption(t("click_hint", lang))
    if not present:
        common.download_buttons(spec, table, directory, lang)
        common.atlas_section(spec, directory, lang)
    S.sync_url()


render()
