"""Vùng trống: the ranked gap list with reasons in words, one-click area filters, and the gap map beside it."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from i18n.numbers import format_period
from analysis.indicators import INDICATORS
from dashboard import app_state as S
from dashboard import data_access as D
from dashboard.folium_map import MapStyle
from dashboard.i18n import format_number, t
from dashboard.map_view import gap_map, table_period, unit_names
from dashboard.pages import common
from loaders.schema import KEY_COLUMN

MAP_HEIGHT = 640
LIST_LENGTH = 200


def area_toggles(lang: str) -> None:
    """One toggle per area class (mountainous, island, border, ethnic region, extremely difficult)."""
    columns = st.columns(len(D.area_keys()))
    for column, area in zip(columns, D.area_keys()):
        key = f"w_gap_area_{area}"

        def flip(area=area, key=key):
            chosen = set(S.get("areas")) - {area} | ({area} if st.session_state[key] else set())
            S.put("areas", tuple(a for a in D.area_keys() if a in chosen))

        st.session_state[key] = area in S.get("areas")
        column.toggle(common.area_label(area, lang), key=key, on_change=flip)


def ranked_list(gaps: pd.DataFrame, level: str, lang: str) -> pd.DataFrame:
    """The gaps in rank order as the table shown (and the one a planner copies)."""
    shown = gaps[gaps["is_gap"]].head(LIST_LENGTH)
    return pd.DataFrame({
        t("gap_rank", lang): range(1, len(shown) + 1),
        t("gap_unit", lang): unit_names(shown, level),
        t("gap_score", lang): [format_number(v, lang) for v in shown["gap_score"]],
        t("gap_reasons", lang): shown["reason_en" if lang == "en" else "reason_vi"].tolist(),
    }).set_index(t("gap_rank", lang))


def sidebar(directory: str, lang: str) -> None:
    common.language_switch()
    st.sidebar.header(t("filters", lang))
    common.indicator_filters(directory, lang)
    common.place_filters(directory, lang, areas=False)
    S.bind("gap_indicators", st.sidebar.multiselect, t("gap_indicators", lang),
           options=[k for k in INDICATORS if k != "team_presence"], placeholder=t("only_team_gaps", lang),
           format_func=lambda k: common.indicator_label(k, lang), to_widget=list, from_widget=tuple)


def render() -> None:
    lang, directory = S.lang(), D.data_dir()
    if not S.get("present"):
        sidebar(directory, lang)
    spec = D.effective_spec(S.view_spec())
    common.start_page(t("gaps_title", lang), common.place_name(directory, spec, lang))
    area_toggles(lang)
    spec = D.effective_spec(S.view_spec())
    gaps = D.gap_table(directory, spec, tuple(S.get("gap_indicators")))
    count = int(gaps["is_gap"].sum())
    st.subheader(t("gap_count", lang, n=format_number(count, lang)) + f" — {t('period', lang)} {format_period(table_period(gaps), lang)}")
    list_column, map_column = st.columns([1, 1])
    with list_column:
        if count:
            st.dataframe(ranked_list(gaps, spec.level, lang), height=MAP_HEIGHT, width="stretch")
        else:
            st.info(t("no_gaps", lang))
    with map_column:
        geometries, bounds = D.shown_geometries(directory, spec.level, gaps[KEY_COLUMN[spec.level]], spec.province,
                                                spec.commune if spec.level == "hamlet" else None)
        notes = [t("demo_badge", lang)] if D.is_demo(directory) else []
        m = gap_map(gaps, spec.level, geometries, bounds, lang=lang, notes=notes,
                    outlines=common.context_outlines(directory, spec, lang),
                    style=MapStyle(border_weight=0.25 if spec.level == "commune" and not spec.province else 0.6))
        st_folium(m, key="gap_map", height=MAP_HEIGHT, use_container_width=True, returned_objects=[])
    if not S.get("present"):
        common.download_buttons(spec, D.view_table(directory, spec), directory, lang,
                                gap_indicators=tuple(S.get("gap_indicators")))
    S.sync_url()


render()
