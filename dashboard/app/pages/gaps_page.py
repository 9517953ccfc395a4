"""Vùng trống: the ranked gap list with reasons in words, one-click area filters, the filters in force always in
view, and the gap map beside the list."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.indicators import INDICATORS, get_indicator
from analysis.view import AREA_FILTERS
from dashboard.app import cache, components, map_cache, navigation, partial
from dashboard.app import state as S
from dashboard.query import ShownView
from dashboard.render.legend import unit_names
from i18n import Period, format_number, format_value, lang_column, t

MAP_HEIGHT = 640
#: Below 1600 px the list and the map stack, so the reasons are never cut off on a laptop.
_STACK_CSS = """<style>
@media (max-width: 1600px) {
  .st-key-gap_row [data-testid="stHorizontalBlock"] {flex-wrap: wrap;}
  .st-key-gap_row [data-testid="stColumn"] {flex: 1 1 100% !important; width: 100% !important; min-width: 100%;}
}
</style>"""
#: Area classes a unit is tagged with in the list (the hard areas the meeting asks about).
LIST_TAGS = ("mountainous", "island", "border", "extremely_difficult")


def area_toggles(lang: str) -> None:
    """One toggle per area class (mountainous, island, border, ethnic region, extremely difficult)."""
    for column, area in zip(st.columns(len(AREA_FILTERS)), AREA_FILTERS):
        key = f"w_gap_area_{area}"

        def flip(area=area, key=key):
            chosen = set(S.get("areas")) - {area} | ({area} if st.session_state[key] else set())
            S.put("areas", tuple(a for a in AREA_FILTERS if a in chosen))

        st.session_state[key] = area in S.get("areas")
        column.toggle(t(f"area.{area}", lang), key=key, on_change=flip)


def _tags(table: pd.DataFrame, lang: str) -> list[str]:
    """The hard-area classes of each unit, in words ("Miền núi, Biên giới")."""
    columns = {area: AREA_FILTERS[area] for area in LIST_TAGS}
    words = []
    for _, row in table.iterrows():
        found = []
        for area, (column, accepted) in columns.items():
            value = row.get(column)
            if value is not None and not pd.isna(value) and (value in accepted if accepted else bool(value)):
                found.append(t(f"area.{area}", lang))
        words.append(", ".join(found))
    return words


def ranked_list(view: ShownView, lang: str) -> pd.DataFrame:
    """The rows of the gap view as the page lists them (gaps first, ranked; the same rows as its downloads)."""
    table = view.table
    return pd.DataFrame({
        t("gap_rank", lang): ["" if pd.isna(rank) else str(int(rank)) for rank in table["rank"]],
        t("gap_unit", lang): unit_names(table, view.level),
        t("gap_filters.areas_column", lang): _tags(table, lang),
        t("gap_score", lang): [format_number(v, lang) if g else "—" for v, g in zip(table["gap_score"], table["is_gap"])],
        t("gap_reasons", lang): table[lang_column("reason", lang)].replace("", t("not_a_gap", lang)),
    })


def _clear_threshold() -> None:
    S.put("threshold", None)


def active_filters(view: ShownView, lang: str) -> None:
    """The filters in force, always in view: place, area classes, what makes a gap, and a threshold set on the
    map page (with a button to remove it), so the list never shrinks silently."""
    spec = view.spec
    parts = [components.place_name(view, lang) if spec.areas else
             f"{components.place_name(view, lang)} · {t('gap_filters.all', lang)}"]
    gap_words = [get_indicator(k).short(lang) for k in spec.gap_indicators if k != "team_presence"]
    parts.append(t("gap_filters.indicators", lang, indicators=gap_words) if gap_words
                 else t("gap_filters.only_teams", lang))
    line, button = st.columns([5, 1], vertical_alignment="center")
    line.markdown(f"**{components.md_escape(t('gap_filters.title', lang))}:** "
                  + " · ".join(components.md_escape(part) for part in parts))
    if spec.threshold is not None:
        indicator = get_indicator(spec.indicator)
        line.warning(t("gap_filters.threshold", lang, indicator=indicator.short(lang),
                       relation="<" if spec.threshold_below else ">",
                       value=format_value(spec.threshold, indicator.unit(lang), lang)), icon=":material/filter_alt:")
        button.button(t("gap_filters.clear_threshold", lang), key="clear_threshold", on_click=_clear_threshold)


def sidebar(key: str, lang: str) -> None:
    components.language_switch()
    st.sidebar.header(t("filters", lang))
    components.indicator_filters(key, lang, indicator=False)
    components.place_filters(key, lang, areas=False)
    S.bind("gap_indicators", st.sidebar.multiselect, t("gap_indicators", lang),
           options=[k for k in INDICATORS if k != "team_presence"], placeholder=t("only_team_gaps", lang),
           format_func=lambda k: get_indicator(k).label(lang), to_widget=list, from_widget=tuple)


def render() -> None:
    navigation.switch_if_asked()
    lang, key, present = S.lang(), cache.source_key(), S.get("present")
    if not present:
        sidebar(key, lang)
    view = cache.gap_view(key, S.spec())
    components.start_page(t("gaps_title", lang), components.place_name(view, lang), page="gaps")
    area_toggles(lang)
    view = cache.gap_view(key, S.spec())  # the toggles may have changed the view
    active_filters(view, lang)
    components.notices(view, lang)
    count = int(view.table["is_gap"].sum())
    period = t("period_line", lang, period=Period(view.period)) if view.period else ""
    st.subheader(" — ".join(part for part in (t("gap_count", lang, n=format_number(count, lang)), period) if part),
                 anchor=False)
    st.html(_STACK_CSS)
    list_column, map_column = st.container(key="gap_row").columns([5, 3])
    with list_column:
        if count:
            st.dataframe(ranked_list(view, lang), height=MAP_HEIGHT, width="stretch", hide_index=True,
                         column_config={t("gap_rank", lang): st.column_config.TextColumn(width=50),
                                        t("gap_unit", lang): st.column_config.TextColumn(width=245),
                                        t("gap_filters.areas_column", lang): st.column_config.TextColumn(width=100),
                                        t("gap_score", lang): st.column_config.TextColumn(
                                            t("gap_filters.score_short", lang), help=t("gap_score", lang),
                                            width=80),
                                        t("gap_reasons", lang): st.column_config.TextColumn(width="large")})
        else:
            st.info(t("empty.no_gaps", lang))
    with map_column:
        notes = [t("demo_badge", lang)] if view.demo else []
        notes += filter(None, [partial.covers(key, view, lang)])
        extras = map_cache.extras(key, view.spec, font_scale=1.6 if present else 1.0)
        components.web_map(key, view, lang, notes=notes, lines=components.outlines(key, view.spec, lang),
                           height=MAP_HEIGHT, widget_key="gap_map", returned=(), extras=extras)
    if not present:
        components.download_buttons(key, {"": view}, lang)
    S.sync_url()


render()
