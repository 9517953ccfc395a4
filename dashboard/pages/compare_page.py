"""So sánh: two periods (with one shared legend and a change map) or two indicators, side by side."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from analysis.aggregate import previous_period
from i18n.numbers import format_period
from analysis.indicators import INDICATORS, get_indicator, overall_value
from dashboard import app_state as S
from dashboard import data_access as D
from dashboard.folium_map import MapStyle
from dashboard.i18n import format_value, t
from dashboard.map_view import change_map, indicator_map, table_period
from dashboard.pages import common
from loaders.schema import KEY_COLUMN

MAP_HEIGHT = 480


def _style(spec) -> MapStyle:
    return MapStyle(border_weight=0.25 if spec.level == "commune" and not spec.province else 0.6)


def _geometries(directory: str, spec, table):
    """The cached geometry of the units in ``table`` and the extent to show (filters may leave only some)."""
    return D.shown_geometries(directory, spec.level, table[KEY_COLUMN[spec.level]],
                              spec.province, spec.commune if spec.level == "hamlet" else None)


def _show(column, m, key: str) -> None:
    with column:
        st_folium(m, key=key, height=MAP_HEIGHT, use_container_width=True, returned_objects=[])


def _headline(column, table, indicator_key: str, level: str, lang: str) -> None:
    indicator = get_indicator(indicator_key)
    value = format_value(overall_value(table, indicator_key, level), indicator.unit(lang), lang)
    column.metric(f"{indicator.short(lang).capitalize()} — {format_period(table_period(table), lang)}", value)


def compare_periods(directory: str, lang: str) -> None:
    """The same indicator in two periods, one legend for both, and the change between them."""
    spec = D.effective_spec(S.view_spec())
    later = D.view_table(directory, spec)
    later_period = table_period(later)
    options = [p for p in D.periods(directory) if p != later_period]
    if not options:
        st.info(t("no_data", lang))
        return
    default = previous_period(D.stats(directory, "commune"), later_period) or options[-1]
    if S.get("period_a") not in options:
        S.put("period_a", default)
    S.bind("period_a", st.selectbox, t("period_a", lang), options=options)
    earlier = D.view_table(directory, S.spec_with(level=spec.level, period=S.get("period_a")))
    geometries, bounds = _geometries(directory, spec, later)
    right, classification = indicator_map(later, spec.level, geometries, bounds, spec.indicator,
                                          scheme=S.get("scheme"), k=S.get("k"), lang=lang, notes=[later_period],
                                          style=_style(spec))
    left, _ = indicator_map(earlier, spec.level, geometries, bounds, spec.indicator, scheme=S.get("scheme"),
                            k=S.get("k"), lang=lang, notes=[S.get("period_a")], bins=list(classification.bins),
                            style=_style(spec))
    columns = st.columns(2)
    _headline(columns[0], earlier, spec.indicator, spec.level, lang)
    _headline(columns[1], later, spec.indicator, spec.level, lang)
    _show(columns[0], left, "compare_a")
    _show(columns[1], right, "compare_b")
    st.subheader(t("change_map", lang))
    _show(st.container(), change_map(earlier, later, spec.level, geometries, bounds, spec.indicator, lang=lang,
                                     style=_style(spec)), "compare_change")
    if not S.get("present"):
        earlier_spec = S.spec_with(level=spec.level, period=S.get("period_a"))
        common.compare_download_buttons(earlier_spec, spec, directory, lang, shared_legend=True)


def compare_indicators(directory: str, lang: str) -> None:
    """Two indicators of the same period side by side."""
    spec = D.effective_spec(S.view_spec())
    S.bind("indicator_b", st.selectbox, t("indicator_b", lang), options=list(INDICATORS),
           format_func=lambda k: common.indicator_label(k, lang))
    second = S.spec_with(level=spec.level, indicator=S.get("indicator_b"))
    columns = st.columns(2)
    for column, view, key in ((columns[0], spec, "compare_a"), (columns[1], second, "compare_b")):
        table = D.view_table(directory, view)
        geometries, bounds = _geometries(directory, view, table)
        _headline(column, table, view.indicator, view.level, lang)
        m, _ = indicator_map(table, view.level, geometries, bounds, view.indicator, scheme=S.get("scheme"),
                             k=S.get("k"), lang=lang, notes=[table_period(table) or ""], style=_style(spec))
        _show(column, m, key)
    if not S.get("present"):
        common.compare_download_buttons(spec, second, directory, lang, shared_legend=False)


def render() -> None:
    lang, directory = S.lang(), D.data_dir()
    if not S.get("present"):
        common.language_switch()
        st.sidebar.header(t("filters", lang))
        common.indicator_filters(directory, lang)
        common.place_filters(directory, lang)
    spec = D.effective_spec(S.view_spec())
    common.start_page(t("page_compare", lang), common.place_name(directory, spec, lang))
    S.bind("compare", st.radio, t("compare_mode", lang), options=["periods", "indicators"], horizontal=True,
           format_func=lambda m: t("compare_" + m, lang))
    if S.get("compare") == "periods":
        compare_periods(directory, lang)
    else:
        compare_indicators(directory, lang)
    S.sync_url()


render()
