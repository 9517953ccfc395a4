"""Bản đồ: the choropleth of one indicator with the sentence that answers "where are the gaps", KPI cards with
their change, names, drill-down and search, and the details of the chosen unit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.indicators import INDICATORS, get_indicator
from dashboard.app import cache, components, map_cache, navigation, partial
from dashboard.app import state as S
from dashboard.app.escape import md_escape
from dashboard.query import ShownView
from dashboard.render.texts import headline
from i18n import Period, format_number, format_period, format_value, t

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


def details(key: str, view: ShownView, level: str, unit: str, lang: str) -> None:
    """All indicators of one unit for the period shown, its counts, and the trend of the map's indicator."""
    st.subheader(md_escape(navigation.unit_name(key, view, level, unit)), anchor=False)
    history = cache.unit_history(key, level, unit)
    if history.empty:
        st.info(t("empty.no_history", lang))
        return
    current = history[history["period"] == view.period] if view.period else history.tail(1)
    values = (current if len(current) else history.tail(1)).iloc[0]
    lines = [(get_indicator(k).label(lang), format_value(values[k], get_indicator(k).unit(lang), lang))
             for k in INDICATORS]
    for count in ("teams", "team_members", "hamlets", "hamlets_with_team", "population_15plus"):
        if count in history.columns:
            lines.append((t("count_" + count, lang), format_number(values[count], lang)))
    st.table(pd.DataFrame(lines, columns=[t("indicator", lang), t("value", lang)]).set_index(t("indicator", lang)))
    if level == "commune" and view.level == "commune" and cache.source(key).has_level("hamlet"):
        st.button(md_escape(t("drill.open_hamlets", lang, name=navigation.unit_name(key, view, level, unit))),
                  key="open_hamlets", on_click=_open_hamlets, args=(unit,))
    trend(history, view, lang)


def _open_hamlets(unit: str) -> None:
    S.put("level", "hamlet")
    S.put("commune", unit)


def trend(history: pd.DataFrame, view: ShownView, lang: str) -> None:
    """The map's indicator over the periods, periods in words and in time order."""
    st.caption(f"{t('trend', lang)}: {view.indicator.label(lang)}")
    import altair as alt

    indicator = view.indicator
    frame = pd.DataFrame({t("period", lang): [format_period(p, lang) for p in history["period"]],
                          components.capital(indicator.short(lang)): history[view.spec.indicator].to_numpy()})
    order = frame[t("period", lang)].tolist()
    chart = alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X(t("period", lang), sort=order, title=None, axis=alt.Axis(labelAngle=-40)),
        y=alt.Y(components.capital(indicator.short(lang)), title=indicator.unit(lang)),
    ).properties(height=200)
    st.altair_chart(chart, width="stretch")


def sidebar(key: str, lang: str) -> None:
    components.language_switch()
    st.sidebar.header(t("filters", lang))
    components.indicator_filters(key, lang)
    components.place_filters(key, lang)
    components.map_options(lang)
    components.presentation_link(lang)


def render() -> None:
    navigation.switch_if_asked()
    lang, key, present = S.lang(), cache.source_key(), S.get("present")
    if not present:
        sidebar(key, lang)
    view = cache.indicator_view(key, S.spec())
    components.start_page(view.indicator.label(lang), f"{components.place_name(view, lang)} · "
                          + (t("period_line", lang, period=Period(view.period)) if view.period else ""),
                          page="map")
    covered = partial.covers(key, view, lang)  # "Số liệu của 5 / 75 xã" when not every unit has figures
    if present:  # the map high on the projector: the cards stand beside it
        if view.spec.province:
            navigation.breadcrumb(key, view, lang)
        components.notices(view, lang)
        map_column, detail_column = st.columns([3, 1])
        with detail_column:
            components.kpi_cards(view, lang, map_cache.previous(key, view.spec), vertical=True)
            if covered:
                st.caption(covered)
    else:
        crumbs, search = st.columns([3, 2], vertical_alignment="center")
        with crumbs:
            navigation.breadcrumb(key, view, lang)
        with search:
            navigation.search_box(key, lang)
        components.notices(view, lang)
        components.kpi_cards(view, lang, map_cache.previous(key, view.spec))
        if covered:
            st.caption(covered)
        map_column, detail_column = st.columns([3, 1])
    sentence = headline(view, lang)
    if sentence:
        map_column.subheader(sentence, anchor=False)
    if view.table.empty:
        map_column.info(t("empty.no_units", lang))
    chosen = navigation.selected_unit(view)
    outlined = [view.spec.commune] if view.level == "commune" and view.spec.commune else []
    if S.get("sel") and S.get("sel") != st.session_state.get("_last_click"):
        outlined.append(S.get("sel"))  # chosen by search or a link (a clicked unit is outlined by the map itself)
    with map_column:
        extras = map_cache.extras(key, view.spec, font_scale=1.6 if present else 1.0, bubbles=S.get("bubbles"),
                                  highlight=outlined)
        result = components.web_map(key, view, lang, notes=[*legend_notes(view, lang), *filter(None, [covered])],
                                    lines=components.outlines(key, view.spec, lang),
                                    height=PRESENT_MAP_HEIGHT if present else MAP_HEIGHT, widget_key="main_map",
                                    extras=extras)
        st.caption(t(f"drill.hint_{view.level}", lang))
    clicked = clicked_key(result)
    if clicked and clicked != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = clicked
        if navigation.follow_click(key, view, clicked):
            st.rerun()
        chosen = navigation.selected_unit(view)
    with detail_column:
        if chosen:
            details(key, view, *chosen, lang)
        else:
            st.caption(t("click_hint", lang))
    if not present:
        components.download_buttons(key, {"": view}, lang)
        components.atlas_section(key, view, lang)
    S.sync_url()


if __name__ == "__main__":  # run by Streamlit (map_alias.py imports render instead)
    render()
