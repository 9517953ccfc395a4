"""What every page shares: presentation mode, the demo badge, the sidebar filters and the KPI cards."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from i18n.numbers import format_period
from analysis.indicators import INDICATORS, get_indicator, overall_value
from analysis.view import AREA_LABELS
from dashboard import app_state as S
from dashboard import data_access as D
from dashboard.i18n import format_number, format_percent, format_value, t

#: Presentation mode: no sidebar, no toolbar, large type for a projector.
_PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="collapsedControl"],
[data-testid="stToolbar"], header[data-testid="stHeader"] {display: none !important;}
.block-container {padding-top: 1rem; max-width: 100%;}
html {font-size: 22px;}
[data-testid="stMetricValue"] {font-size: 2.6rem;}
[data-testid="stMetricLabel"] p {font-size: 1.2rem;}
h1 {font-size: 2.4rem !important;}
</style>
"""


#: Optional choices: "" in the widget (a None value would show an empty placeholder), None in the state.
_OPTIONAL = {"to_widget": lambda v: v or "", "from_widget": lambda v: v or None}


def start_page(title: str, subtitle: str | None = None) -> None:
    """Common page start: presentation-mode CSS, title, subtitle, and the demo-data notice when it applies."""
    lang = S.lang()
    present = S.get("present")
    if present:
        st.markdown(_PRESENT_CSS, unsafe_allow_html=True)
    st.title(title)
    meta = D.metadata(D.data_dir())
    demo = ""
    if meta.get("demo"):
        note = meta.get("notice_en" if lang == "en" else "notice_vi") or t("demo_note", lang)
        badge = t("demo_badge", lang)
        # The dataset's notice usually starts with the badge's words ("Dữ liệu minh họa: …"): say them once.
        demo = f"**{badge}**{note[len(badge):]}" if note.lower().startswith(badge.lower()) else f"**{badge}** — {note}"
    if present:  # one compact line on the projector (the legend repeats "demo data" on the map)
        line = " · ".join(part for part in (f"**{subtitle}**" if subtitle else "", demo) if part)
        st.markdown(f"{line} · [{t('exit_present', lang)}]({S.link(present=False)})")
        return
    if subtitle:
        st.markdown(f"**{subtitle}**")
    if demo:
        st.warning(demo, icon=":material/info:")


def place_name(directory: str, spec, lang: str) -> str:
    """The area a view covers: the country, a province, or a commune of a province; and the area classes."""
    name = t("all_country", lang)
    if spec.province:
        name = province_names(directory).get(spec.province, spec.province)
    if spec.province and spec.commune and spec.level == "hamlet":
        name = f"{commune_names(directory, spec.province).get(spec.commune, spec.commune)}, {name}"
    if spec.areas:
        name += " · " + ", ".join(area_label(area, lang) for area in spec.areas)
    return name


def area_label(area: str, lang: str) -> str:
    vi, en = AREA_LABELS[area]
    return en if lang == "en" else vi


def indicator_label(key: str, lang: str) -> str:
    return get_indicator(key).label(lang)


def province_names(directory: str) -> dict[str, str]:
    """Province code → name, sorted by name."""
    units = D.unit_table(directory, "province")
    pairs = sorted(zip(units["province_code"].astype(str), units["province_name"]), key=lambda p: p[1])
    return dict(pairs)


def commune_names(directory: str, province: str) -> dict[str, str]:
    """Commune code → name inside one province, sorted by name."""
    units = D.unit_table(directory, "commune", province)
    return dict(sorted(zip(units["commune_code"].astype(str), units["commune_name"]), key=lambda p: p[1]))


def language_switch() -> str:
    return S.bind("lang", st.sidebar.radio, "Ngôn ngữ / Language", options=["vi", "en"], horizontal=True,
                  format_func=lambda v: "Tiếng Việt" if v == "vi" else "English")


def place_filters(directory: str, lang: str, *, hamlet_level: bool = True, areas: bool = True) -> None:
    """Province, commune and (unless the page has its own toggles) area filters (sidebar)."""
    sb = st.sidebar
    provinces = province_names(directory)
    if S.get("province") not in (None, *provinces):  # a stale or mistyped link
        S.put("province", None)
    province = S.bind("province", sb.selectbox, t("province", lang), options=["", *provinces], **_OPTIONAL,
                      format_func=lambda c: provinces.get(c, c) if c else t("all_country", lang))
    if province and hamlet_level:
        communes = commune_names(directory, province)
        if S.get("commune") not in (None, *communes):
            S.put("commune", None)
        S.bind("commune", sb.selectbox, t("commune", lang), options=["", *communes], **_OPTIONAL,
               format_func=lambda c: communes.get(c, c) if c else t("all_province", lang))
    elif S.get("commune"):
        S.put("commune", None)
    if areas:
        S.bind("areas", sb.multiselect, t("area_classes", lang), options=list(D.area_keys()),
               placeholder=t("all_areas", lang),
               format_func=lambda a: area_label(a, lang), to_widget=list, from_widget=tuple)


def indicator_filters(directory: str, lang: str, *, level: bool = True, period: bool = True) -> None:
    """Indicator, level and period (sidebar)."""
    sb = st.sidebar
    S.bind("indicator", sb.selectbox, t("indicator", lang), options=list(INDICATORS),
           format_func=lambda k: indicator_label(k, lang))
    if level:
        S.bind("level", sb.radio, t("level", lang), options=list(S.LEVELS),
               format_func=lambda v: t("level_" + v, lang))
    if period:
        options = D.periods(directory)
        if S.get("period") not in options:
            S.put("period", None)
        S.bind("period", sb.selectbox, t("period", lang), options=["", *reversed(options)], **_OPTIONAL,
               format_func=lambda p: format_period(p, lang) if p
               else f"{format_period(options[-1], lang)} ({'mới nhất' if lang == 'vi' else 'latest'})")


def map_options(lang: str) -> None:
    """Classification, classes, outlines, threshold, basemap (sidebar)."""
    sb = st.sidebar
    S.bind("scheme", sb.selectbox, t("scheme", lang), options=list(S.SCHEMES),
           format_func=lambda s: t("scheme_" + s, lang))
    if S.get("scheme") != "target":
        S.bind("k", sb.slider, t("classes", lang), min_value=3, max_value=7)
    S.bind("outline", sb.multiselect, t("outlines", lang), options=list(D.area_keys()),
           placeholder=t("no_outlines", lang), format_func=lambda a: area_label(a, lang), to_widget=list, from_widget=tuple)
    S.bind("threshold", sb.number_input, t("threshold", lang), min_value=0.0, step=5.0,
           help=t("threshold_help", lang), to_widget=lambda v: v or 0.0, from_widget=lambda v: v or None)
    S.bind("basemap", sb.toggle, t("basemap", lang))


def presentation_link(lang: str) -> None:
    """A link to this view in presentation mode (opens in a new tab, ready for the projector)."""
    st.sidebar.markdown(f"[{t('present_link', lang)} ↗]({S.link(present=True)})")
    st.sidebar.caption(t("copy_link", lang))


def kpi_cards(table: pd.DataFrame, indicator_key: str, level: str, lang: str) -> None:
    """Teams, members, hamlets covered, population 15+, and the indicator's population-weighted average."""
    def total(column):
        return table[column].sum(min_count=1) if column in table.columns else math.nan

    hamlets, covered = total("hamlets"), total("hamlets_with_team")
    coverage = format_number(covered, lang)
    if not (pd.isna(hamlets) or pd.isna(covered)) and hamlets > 0:
        coverage = format_percent(100.0 * covered / hamlets, lang)
    indicator = get_indicator(indicator_key)
    average = overall_value(table, indicator_key, level)
    cards = [
        (t("kpi_teams", lang), format_number(total("teams"), lang), None),
        (t("kpi_members", lang), format_number(total("team_members"), lang), None),
        (t("kpi_hamlets", lang), coverage, f"{format_number(covered, lang)} / {format_number(hamlets, lang)}"),
        (t("kpi_pop15", lang), format_number(total("population_15plus"), lang), None),
        (indicator.short(lang).capitalize(), format_value(average, indicator.unit(lang), lang),
         f"{indicator.label(lang)} — {t('kpi_average', lang).lower()}"),
    ]
    for column, (label, value, help_text) in zip(st.columns(len(cards)), cards):
        column.metric(label, value, help=help_text)


def download_buttons(spec, table: pd.DataFrame, directory: str, lang: str, *, gap_indicators=None) -> None:
    """Download buttons for the view on screen: the map (PNG, PDF, SVG, HTML) and its table (CSV, XLSX).

    Files are made only when a button is pressed (``data`` is a callable): a PNG takes seconds to render.
    """
    from dashboard import downloads, html_export, static_map, tables

    stem = downloads.file_stem(spec, table)
    scheme, k = S.get("scheme"), S.get("k")
    buttons = [
        (f"{t('download_map', lang)} {fmt.upper()}", f"{stem}.{fmt}", mime,
         lambda fmt=fmt: downloads.map_download(spec, fmt, data_dir=directory, lang=lang, scheme=scheme, k=k)[0])
        for fmt, mime in (*static_map.MIME.items(), ("html", html_export.MIME))
    ]
    if gap_indicators is None:
        buttons += [(f"{t('download_table', lang)} {fmt.upper()}", f"{stem}.{fmt}", tables.MIME[fmt],
                     lambda fmt=fmt: downloads.table_download(spec, fmt, data_dir=directory, lang=lang,
                                                              table=table)[0]) for fmt in ("csv", "xlsx")]
    else:
        buttons += [(f"{t('download_table', lang)} {fmt.upper()}", f"{stem}_vung-trong.{fmt}", tables.MIME[fmt],
                     lambda fmt=fmt: downloads.gaps_download(spec, gap_indicators, fmt, data_dir=directory,
                                                             lang=lang)[0]) for fmt in ("csv", "xlsx")]
    with st.expander(t("downloads", lang)):
        for column, (label, name, mime, make) in zip(st.columns(len(buttons)), buttons):
            column.download_button(label, data=make, file_name=name, mime=mime, on_click="ignore",
                                   key=f"dl_{name}")


def compare_download_buttons(spec_a, spec_b, directory: str, lang: str, *, shared_legend: bool) -> None:
    """Downloads of the compare page: map A and map B as PNG (one legend when comparing periods, as on screen)
    and the table of both values with the change, the same files as ``downloads`` gives the CLI."""
    from dashboard import downloads, tables

    scheme, k = S.get("scheme"), S.get("k")

    def maps():
        return downloads.compare_map_downloads(spec_a, spec_b, "png", data_dir=directory, lang=lang,
                                               scheme=scheme, k=k, shared_legend=shared_legend)

    buttons = [(f"{t('download_map', lang)} {tag} PNG", f"{downloads.file_stem(spec, None, tag)}.png", "image/png",
                lambda index=index: maps()[index][0]) for index, (tag, spec) in enumerate((("A", spec_a), ("B", spec_b)))]
    buttons += [(f"{t('download_table', lang)} {fmt.upper()}", f"{downloads.file_stem(spec_a, None, 'so-sanh')}.{fmt}",
                 tables.MIME[fmt], lambda fmt=fmt: downloads.compare_download(spec_a, spec_b, fmt, data_dir=directory,
                                                                               lang=lang)[0]) for fmt in ("csv", "xlsx")]
    with st.expander(t("downloads", lang)):
        for column, (label, name, mime, make) in zip(st.columns(len(buttons)), buttons):
            column.download_button(label, data=make, file_name=name, mime=mime, on_click="ignore", key=f"dl_{name}")


def atlas_section(spec, directory: str, lang: str) -> None:
    """An atlas for reports: one page per commune of the chosen province (per province without one), as a
    multi-page PDF or a ZIP of PNGs, made on request with a progress bar."""
    from dashboard import downloads

    per = "commune" if spec.province else "province"
    wanted = (tuple(sorted(spec.to_params().items())), per)
    with st.expander(t("atlas_" + per, lang)):
        fmt = st.radio(t("atlas_format", lang), ("pdf", "zip"), horizontal=True, key="atlas_fmt",
                       format_func=lambda f: t("atlas_" + f, lang))
        if st.button(t("atlas_make", lang), key="atlas_make"):
            bar = st.progress(0.0, text=t("atlas_make", lang))

            def progress(done: int, total: int, name: str) -> None:
                bar.progress(done / max(total, 1), text=f"{done}/{total} · {name}")

            made = downloads.atlas_download(spec, per, fmt, data_dir=directory, lang=lang, progress=progress)
            st.session_state["atlas_file"] = (wanted, fmt, made)
        stored = st.session_state.get("atlas_file")
        if stored and stored[0] == wanted and stored[1] == fmt:  # never offer an atlas of another view
            data, name, mime = stored[2]
            st.download_button(f"{t('atlas_download', lang)} {fmt.upper()}", data=data, file_name=name, mime=mime,
                               on_click="ignore", key="atlas_download")


def context_outlines(directory: str, spec, lang: str) -> list:
    """Light province borders when filters hide part of the map, so the units left keep their context."""
    from dashboard.folium_map import Outline

    if not (spec.areas or spec.threshold is not None) or spec.level == "province":
        return []
    label = "Ranh giới tỉnh" if lang == "vi" else "Province borders"
    return [Outline(label, D.province_borders(directory, spec.province), "#8a8a8a", None, 0.8)]
