"""What every page shares: the page start (presentation mode, title, demo notice), the sidebar filters, the KPI
cards, the web map widget and the download buttons.

Text from data (names, codes from a link) is shown with ``st.text``/``st.caption`` or escaped, never as Markdown
or HTML: a unit called ``[x](http://…)`` stays text on the projector.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from analysis.indicators import INDICATORS, get_indicator, overall_value
from analysis.view import AREA_FILTERS, ViewSpec
from dashboard.app import cache
from dashboard.app import state as S
from dashboard.app.escape import md_escape
from dashboard.query import ShownView
from dashboard.render import formats
from dashboard.render.legend import Outline
from i18n import Period, format_number, format_percent, format_value, lang_column, t
from i18n.catalogue import catalogue, has_key

#: Every page: a compact head, so the map starts above the fold on a 1366×768 laptop.
_PAGE_CSS = """
<style>
.block-container {padding-top: 3.4rem !important; padding-bottom: 2rem !important;}
h1 {font-size: 2rem !important; padding: 0 0 0.2rem 0 !important;}
[data-testid="stMetricValue"] {font-size: 1.7rem;}
[data-testid="stMetric"] {padding: 0;}
.st-key-search_results button p {text-align: left;}
</style>
"""
#: Presentation mode: no sidebar, no toolbar, large type for a projector.
_PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="collapsedControl"],
[data-testid="stToolbar"], header[data-testid="stHeader"] {display: none !important;}
.block-container {padding-top: 1rem; max-width: 100%;}
html {font-size: 20px;}
.block-container {padding-top: 0.6rem !important;}
[data-testid="stMetricValue"] {font-size: 2.2rem;}
[data-testid="stMetricLabel"] p {font-size: 1.1rem;}
h1 {font-size: 2.1rem !important;}
</style>
"""
#: Outline style per area class: colours and dashes that stay visible over every palette.
OUTLINE_STYLE = {
    "mountainous": ("#5a3d1e", None), "island": ("#c51b7d", None), "border": ("#111111", "6 4"),
    "ethnic": ("#542788", "2 5"), "extremely_difficult": ("#b2182b", "10 4"),
}
#: Optional choices: "" in the widget (a None value would show an empty placeholder), None in the state.
_OPTIONAL = {"to_widget": lambda v: v or "", "from_widget": lambda v: v or None}


def help_markdown(name: str, lang: str) -> str:
    """A ``help.*`` text as written (Markdown, several lines: ``t`` would join them into one line)."""
    vi, en = catalogue()[f"help.{name}"]
    return en if lang == "en" else vi


def start_page(title: str, subtitle: str | None = None, *, page: str | None = None) -> None:
    """Common page start: compact head (presentation mode: large type and the page navigation), the title
    with the page's help ("Cách dùng") beside it, and one line with the place, period and demo-data notice."""
    from dashboard.app import navigation

    lang, present = S.lang(), S.get("present")
    st.html(_PAGE_CSS)
    if present:
        st.html(_PRESENT_CSS)
        if page:
            navigation.present_nav(page, lang)
    head, tools = st.columns([5, 1], vertical_alignment="center")
    head.title(md_escape(title), anchor=False)
    if page and has_key(f"help.{page}") and not present:
        with tools.popover(t("help.title", lang), icon=":material/help:", width="stretch"):
            st.markdown(help_markdown(page, lang))
    meta = cache.source().metadata
    line = [md_escape(subtitle)] if subtitle else []
    if meta.get("demo"):
        note = meta.get(lang_column("notice", lang)) or t("demo_note", lang)
        badge = t("demo_badge", lang)
        # The dataset's notice usually starts with the badge's words ("Dữ liệu minh họa: …"): say them once.
        rest = note[len(badge):].lstrip(" :—-") if note.lower().startswith(badge.lower()) else note
        line.append(f":orange-badge[{md_escape(badge)}] " + (f":orange[{md_escape(rest)}]" if not present else ""))
    if present:
        line.append(f"[{t('exit_present', lang)}]({S.link(present=False)})")
    if line:
        st.markdown(" · ".join(line))


def notices(view: ShownView, lang: str) -> None:
    """What the view could not show as asked (a stale link, a period without figures), in words."""
    for message in view.notices:
        st.info(md_escape(message.text(lang)))


def place_name(view: ShownView, lang: str) -> str:
    """The area a view covers, with its area classes: "Tỉnh Sơn La · Miền núi"."""
    from dashboard.render.texts import place

    name = place(view, lang)
    if view.spec.areas:
        name += " · " + ", ".join(t(f"area.{area}", lang) for area in view.spec.areas)
    return name


def page_links(pages) -> None:
    """The pages in the sidebar (the app's own navigation: /ban-do is also the map, but listed once)."""
    for page in pages:
        st.sidebar.page_link(page)
    st.sidebar.divider()


def language_switch() -> str:
    return S.bind("lang", st.sidebar.radio, "Ngôn ngữ / Language", options=["vi", "en"], horizontal=True,
                  format_func=lambda v: "Tiếng Việt" if v == "vi" else "English")


def place_filters(key: str, lang: str, *, communes: bool = True, areas: bool = True) -> None:
    """Province, commune and (unless the page has its own toggles) area filters (sidebar)."""
    sb = st.sidebar
    provinces = cache.names(key, "province")
    if S.get("province") not in (None, *provinces):  # a stale or mistyped link
        S.put("province", None)
    province = S.bind("province", sb.selectbox, t("province", lang), options=["", *provinces], **_OPTIONAL,
                      format_func=lambda c: provinces.get(c, c) if c else t("all_country", lang))
    if province and communes:
        names = cache.names(key, "commune", province)
        if S.get("commune") not in (None, *names):
            S.put("commune", None)
        S.bind("commune", sb.selectbox, t("commune", lang), options=["", *names], **_OPTIONAL,
               format_func=lambda c: names.get(c, c) if c else t("all_province", lang))
    elif S.get("commune"):
        S.put("commune", None)
    if areas:
        S.bind("areas", sb.multiselect, t("area_classes", lang), options=list(AREA_FILTERS),
               placeholder=t("all_areas", lang), format_func=lambda a: t(f"area.{a}", lang),
               to_widget=list, from_widget=tuple)


def indicator_filters(key: str, lang: str, *, indicator: bool = True, level: bool = True,
                      period: bool = True) -> None:
    """Indicator, level and period (sidebar)."""
    sb = st.sidebar
    if indicator:
        S.bind("indicator", sb.selectbox, t("indicator", lang), options=list(INDICATORS),
               format_func=lambda k: get_indicator(k).label(lang))
    if level:
        S.bind("level", sb.radio, t("level", lang), options=["province", "commune", "hamlet"],
               format_func=lambda v: t("level_" + v, lang))
    if period:
        options = cache.periods(key)
        if S.get("period") not in (None, *options):
            S.put("period", None)
        from dashboard.app import partial  # partial periods marked: "Quý 1/2026 — 5 / 75 xã"

        shown_level, coverage = partial.coverage(key, S.spec())
        S.bind("period", sb.selectbox, t("period", lang), options=["", *reversed(options)], **_OPTIONAL,
               format_func=lambda p: partial.option_label(shown_level, coverage, p, lang) if p
               else partial.default_label(coverage, lang))


def map_options(lang: str) -> None:
    """Classification, classes, outlines, bubbles, threshold, basemap (sidebar)."""
    from dashboard.query.counts import BUBBLE_COUNTS

    sb = st.sidebar
    S.bind("scheme", sb.selectbox, t("scheme", lang), options=["target", "quantiles", "equal_interval",
                                                                "natural_breaks"],
           format_func=lambda s: t("scheme_" + s, lang))
    if S.get("scheme") != "target" or S.get("indicator") not in cache.settings().targets:
        S.bind("k", sb.slider, t("classes", lang), min_value=3, max_value=7)
    S.bind("outlines", sb.multiselect, t("outlines", lang), options=list(AREA_FILTERS),
           placeholder=t("no_outlines", lang), format_func=lambda a: t(f"area.{a}", lang), to_widget=list,
           from_widget=tuple)
    S.bind("bubbles", sb.selectbox, t("bubble.choose", lang), options=["", *BUBBLE_COUNTS], **_OPTIONAL,
           format_func=lambda c: t(f"bubble.{c}", lang) if c else t("bubble.none", lang))
    S.bind("threshold", sb.number_input, t("threshold", lang), min_value=0.0, step=5.0,
           help=t("threshold_help", lang), to_widget=lambda v: v or 0.0, from_widget=lambda v: v or None)
    S.bind("basemap", sb.toggle, t("basemap", lang))


def presentation_link(lang: str) -> None:
    """A link to this view in presentation mode (opens in a new tab, ready for the projector)."""
    st.sidebar.markdown(f"[{t('present_link', lang)} ↗]({S.link(present=True)})")
    st.sidebar.caption(t("copy_link", lang))


def capital(text: str) -> str:
    """First letter upper case, the rest as written ("VNeID mức 2", never "Vneid mức 2")."""
    return text[:1].upper() + text[1:]


def _kpi_values(view: ShownView) -> dict[str, float]:
    """Teams, members, hamlets covered (count and share), population 15+ and the indicator's average."""
    table = view.table

    def total(column):
        return table[column].sum(min_count=1) if column in table.columns else math.nan

    hamlets, covered = total("hamlets"), total("hamlets_with_team")
    if view.level == "hamlet" and "teams" in table.columns:  # one row per hamlet: count the hamlets themselves
        known = table["teams"].notna()
        hamlets, covered = (float(known.sum()) or math.nan), float((table["teams"][known] > 0).sum())
    share = 100.0 * covered / hamlets if not (pd.isna(hamlets) or pd.isna(covered)) and hamlets > 0 else math.nan
    return {"teams": total("teams"), "members": total("team_members"), "hamlets": hamlets, "covered": covered,
            "share": share, "pop15": total("population_15plus"),
            "average": overall_value(table, view.indicator.key, view.level)}


def _signed(value: float, lang: str, decimals: int = 0) -> str:
    return ("+" if value > 0 else "") + format_number(value, lang, decimals)


def kpi_cards(view: ShownView, lang: str, previous: ShownView | None = None, *, vertical: bool = False) -> None:
    """Teams, members, hamlets covered, population 15+, and the indicator's population-weighted average, each
    with its change against the previous period ("+3,2 điểm so với Quý 3/2025") when there is one."""
    now = _kpi_values(view)
    before = _kpi_values(previous) if previous is not None else None
    indicator = view.indicator
    points = t("kpi.points", lang)
    average_unit = points if indicator.is_percent else indicator.unit(lang)

    def delta(name: str, unit: str = "", decimals: int = 0):
        if before is None or pd.isna(now[name]) or pd.isna(before[name]):
            return None
        return t("kpi.delta", lang, change=_signed(now[name] - before[name], lang, decimals), unit=unit).strip()

    coverage = format_percent(now["share"], lang) if not pd.isna(now["share"]) else format_number(now["covered"],
                                                                                                 lang)
    cards = [
        (t("kpi_teams", lang), format_number(now["teams"], lang), None, delta("teams"), "normal"),
        (t("kpi_members", lang), format_number(now["members"], lang), None, delta("members"), "normal"),
        (t("kpi_hamlets", lang), coverage,
         f"{format_number(now['covered'], lang)} / {format_number(now['hamlets'], lang)}",
         delta("share", points, 1), "normal"),
        (t("kpi_pop15", lang), format_number(now["pop15"], lang), None, delta("pop15"), "off"),
        (capital(indicator.short(lang)), format_value(now["average"], indicator.unit(lang), lang),
         f"{indicator.label(lang)} — {t('kpi_average', lang).lower()}", delta("average", average_unit, 1),
         "normal" if indicator.higher_is_better else "inverse"),
    ]
    since = t("kpi.since", lang, period=Period(previous.period)) if previous is not None and previous.period else None
    places = [st.container() for _ in cards] if vertical else st.columns(len(cards))
    for column, (label, value, help_text, change, colour) in zip(places, cards):
        column.metric(label, value, delta=change, delta_color=colour, help=help_text,
                      delta_description=since if change else None)


def outlines(key: str, spec: ViewSpec, lang: str) -> list[Outline]:
    """Light province borders when filters hide part of the map, and the area classes the user outlined."""
    result = []
    if spec.province and spec.level != "province":  # the provinces around one province, in light grey
        borders = cache.province_borders(key, None)
        if borders:
            result.append(Outline(t("province_borders", lang), borders, "#9a9a9a", None, 0.9))
    elif (spec.areas or spec.threshold is not None) and spec.level != "province":
        borders = cache.province_borders(key, spec.province)
        if borders:
            result.append(Outline(t("province_borders", lang), borders, "#8a8a8a", None, 0.8))
    for area in spec.outlines:
        shape = cache.area_outline(key, area, spec.province)
        if shape:
            colour, dash = OUTLINE_STYLE[area]
            result.append(Outline(t(f"area.{area}", lang), shape, colour, dash))
    return result


def web_map(key: str, view: ShownView, lang: str, *, notes=(), lines=(), height: int = 620, widget_key: str,
            returned=("last_active_drawing",), extras=None):
    """The view on the web map (streamlit-folium); returns what the component reports (the clicked unit)."""
    from streamlit_folium import st_folium

    from dashboard.render.webmap import MapStyle, app_map

    spec = view.spec
    layer = cache.geometry_layer(key, view.level, spec.province, spec.commune)
    style = MapStyle(font_scale=1.6 if S.get("present") else 1.0,
                     border_weight=0.25 if view.level == "commune" and not spec.province else 0.6)
    m, values = app_map(view, layer, lang, notes=notes, outlines=lines, basemap=S.get("basemap"), style=style,
                        extras=extras)
    # The map (its geometry by URL) is the same for every indicator, period, scheme and number of classes of a
    # level and place: streamlit-folium keeps its frame (and zoom) and only evaluates the new values.
    return st_folium(m, key=widget_key, height=height, use_container_width=True, returned_objects=list(returned),
                     feature_group_to_add=values)


def download_buttons(key: str, views: dict[str, ShownView], lang: str, *, formats_shown=None) -> None:
    """Download buttons for the maps on screen: each map in every map format, its table in every table format.

    ``views`` maps a button tag ("" for a page with one map, "A"/"B"/"Δ" on the compare page) to the view
    exactly as shown; every file comes from :func:`dashboard.render.formats.export` with that view, as
    ``coverage-map export --link`` does. Files are made only when a button is pressed.
    """
    source = cache.source(key)
    options = formats.ExportOptions(lang=lang, link=S.link())
    buttons = []
    for tag, view in views.items():
        for name in formats_shown or (*formats.MAP_FORMATS, "csv", "xlsx", "geojson"):
            kind = formats.FORMATS[name].kind
            label = f"{t('download_map' if kind == 'map' else 'download_table', lang)} {tag} {name.upper()}"
            buttons.append((" ".join(label.split()), formats.file_name(view, name), formats.mime_of(name),
                            lambda name=name, view=view: formats.export(name, view, source, options).data))
    with st.expander(t("downloads", lang)):
        per_row = 7
        for start in range(0, len(buttons), per_row):
            for column, (label, file_name, mime, make) in zip(st.columns(per_row), buttons[start:start + per_row]):
                column.download_button(label, data=make, file_name=file_name, mime=mime, on_click="ignore",
                                       key=f"dl_{file_name}")


def atlas_section(key: str, view: ShownView, lang: str) -> None:
    """An atlas for reports: one page per commune of the chosen province (per province without one), as a
    multi-page PDF or a ZIP of PNGs, made on request with a progress bar."""
    spec = view.spec
    per = "commune" if spec.province else "province"
    wanted = (tuple(sorted(spec.to_params().items())), per)
    with st.expander(t("atlas_" + per, lang)):
        fmt = st.radio(t("atlas_format", lang), ("pdf", "zip"), horizontal=True, key="atlas_fmt",
                       format_func=lambda f: t("atlas_" + f, lang))
        if st.button(t("atlas_make", lang), key="atlas_make"):
            bar = st.progress(0.0, text=t("atlas_make", lang))

            def progress(done: int, total: int, name: str) -> None:
                bar.progress(done / max(total, 1), text=f"{done}/{total} · {name}")

            options = formats.ExportOptions(lang=lang, per=per, atlas_format=fmt, progress=progress)
            made = formats.export("atlas", view, cache.source(key), options, cache.settings())
            st.session_state["atlas_file"] = (wanted, fmt, made)
        stored = st.session_state.get("atlas_file")
        if stored and stored[0] == wanted and stored[1] == fmt:  # never offer an atlas of another view
            made = stored[2]
            st.download_button(f"{t('atlas_download', lang)} {fmt.upper()}", data=made.data,
                               file_name=made.file_name, mime=made.mime, on_click="ignore", key="atlas_download")
