"""Every text around a map: title, subtitle (place, level, areas, period), the source line, the notes under the
legend, the information sheet of a table, and file names. One wording for the screen, the images, the HTML, the
tables and the CLI.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import numpy as np
import pandas as pd

from dashboard.query import ShownView
from dashboard.query.hamlets import approximate_rows
from i18n import Period, format_number, format_value, lang_column, t
from i18n.numbers import format_date
from loaders.text import strip_diacritics
from analysis.indicators import overall_value


def title(view: ShownView, lang: str) -> str:
    """The map's title: the indicator, the gaps, or the change of the indicator."""
    if view.kind == "gaps":
        return t("gaps_title", lang)
    if view.kind == "change":
        return f"{t('change_map', lang)}: {view.indicator.label(lang)}"
    return view.indicator.label(lang)


def place(view: ShownView, lang: str) -> str:
    """The area shown: the country, a province, or a commune of a province."""
    province = view.names.get("province_name")
    commune = view.names.get("commune_name")
    if view.spec.commune and commune and view.level == "hamlet":
        return f"{commune}, {province}" if province else commune
    if view.spec.province and province:
        return province
    return t("all_country", lang)


def period_text(view: ShownView, lang: str) -> str:
    """"Quý 4/2025", or "Quý 3/2025 → Quý 4/2025" for a change."""
    if not view.period:
        return ""
    if view.kind == "change" and view.period_before:
        return t("map_text.period_span", lang, before=Period(view.period_before), after=Period(view.period))
    return t("period_line", lang, period=Period(view.period))


def subtitle(view: ShownView, lang: str) -> str:
    """Area, level, area classes and period: "Tỉnh Sơn La · Xã, phường, đặc khu · Miền núi · Kỳ số liệu: Quý 3/2025"."""
    parts = [place(view, lang), t(f"level_{view.level}", lang)]
    parts += [t(f"area.{area}", lang) for area in view.spec.areas]
    if view.spec.threshold is not None:
        sign = "<" if view.spec.threshold_below else ">"
        parts.append(t("map_text.threshold_note", lang, relation=sign,
                       value=format_value(view.spec.threshold, view.indicator.unit(lang), lang)))
    parts.append(period_text(view, lang))
    return " · ".join(part for part in parts if part)


def summary_notes(view: ShownView, lang: str) -> list[str]:
    """The view in numbers: "Chung toàn địa bàn: 61,2 %" (ratio of the summed counts), "Mục tiêu: 80 %",
    "75 xã, phường, đặc khu"."""
    notes = []
    if view.kind == "indicator":
        indicator = view.indicator
        unit = indicator.unit(lang)
        average = overall_value(view.table, indicator.key, view.level)
        if not np.isnan(average):
            notes.append(t("map_text.overall_value", lang, value=format_value(average, unit, lang)))
        if view.target is not None:
            notes.append(f"{t('target', lang)}: {format_value(view.target, unit, lang)}")
    elif view.kind == "gaps":
        notes.append(t("gap_count", lang, n=format_number(int(view.table["is_gap"].sum()), lang)))
    notes.append(t("map_text.unit_count", lang, n=format_number(len(view.table), lang),
                   level=t(f"level_{view.level}", lang).lower()))
    if approximate_rows(view.table).any():  # hamlets from a list: areas made from their points (issue 11)
        notes.append(t("hamlets.areas_short", lang))
    return notes


def headline(view: ShownView, lang: str) -> str:
    """The sentence above the map that answers "where are the gaps": how many units are below the target, and
    how many of them are mountainous and island units ("952 xã dưới mục tiêu 80 %, trong đó 610 xã miền núi,
    41 xã đảo"). Empty when the indicator has no target or the view is not an indicator map.
    """
    if view.kind != "indicator" or view.target is None or view.table.empty:
        return ""
    table, indicator = view.table, view.indicator
    values = pd.to_numeric(table["value"], errors="coerce")
    units = t(f"headline.units.{view.level}", lang)
    if view.level == "hamlet" and indicator.key == "team_presence":
        below = (values == 0).to_numpy()
        first = t("headline.no_team", lang, n=format_number(int(below.sum()), lang), units=units)
    else:
        below = (values < view.target if indicator.higher_is_better else values > view.target).to_numpy()
        target = format_value(view.target, indicator.unit(lang), lang)
        if not below.any():
            return t("headline.none_below", lang, units=units, target=target)
        first = t("headline.below", lang, n=format_number(int(below.sum()), lang), units=units, target=target)
    if not below.any():
        return first
    parts = []
    for area, column in (("mountainous", "is_mountainous"), ("island", "is_island")):
        if column in table.columns:
            n = int((table[column].fillna(False).astype(bool).to_numpy() & below).sum())
            if n:
                parts.append(t(f"headline.{area}", lang, n=format_number(n, lang), units=units))
    return f"{first}, {t('headline.of_which', lang, parts=parts)}" if parts else first


def source_line(metadata: dict | None, lang: str, today: dt.date | None = None) -> str:
    """ "Nguồn: … · Xuất ngày 22/11/2026" from the dataset metadata (``sources`` or ``source``)."""
    metadata = metadata or {}
    sources = metadata.get("sources", metadata.get("source")) or []
    if isinstance(sources, (str, dict)):
        sources = [sources]

    def name(source) -> str:
        if not isinstance(source, dict):
            return str(source)
        if source.get(lang_column("name", lang)):  # a source's own name in the reader's language
            return source[lang_column("name", lang)]
        # "vietnamadminunits (official 2025 register …)" → "vietnamadminunits": the footer is one line.
        return re.sub(r"\s*\(.*$", "", source.get("name") or source.get("title") or "").strip()

    names = [text for text in map(name, sources) if text]
    today = today or dt.date.today()
    exported = t("map_text.exported_on", lang, date=format_date(today, lang))
    return f"{t('source', lang)}: {'; '.join(names)} · {exported}" if names else exported


def demo_notice(view: ShownView, lang: str) -> str:
    """The dataset's own notice for demo data ("ranh giới gần đúng …"), or ""."""
    if not view.demo:
        return ""
    return str(view.metadata.get(lang_column("notice", lang)) or t("demo_note", lang))


def info_rows(view: ShownView, lang: str, link: str = "") -> list[tuple[str, str]]:
    """The information sheet of a table export: what it is, where, when, from which data."""
    title_, unit = title(view, lang), view.indicator.unit(lang) if view.kind != "gaps" else ""
    rows = [(t("info.indicator", lang), title_), (t("info.unit", lang), unit or "—"),
            (t("info.period", lang), period_text(view, lang) or "—"),
            (t("info.area", lang), subtitle(view, lang)), (t("info.source", lang), source_line(view.metadata, lang))]
    if link:
        rows.append((t("info.link", lang), link))
    if view.demo:
        rows.append((t("info.note", lang), demo_notice(view, lang)))
    return rows


def slug(text: str) -> str:
    """ASCII file-name part: "Tỉnh Sơn La" → "Tinh-Son-La" (safe on every system and in e-mail)."""
    ascii_text = unicodedata.normalize("NFKD", strip_diacritics(str(text))).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:60] or "x"


def file_stem(view: ShownView, suffix: str = "") -> str:
    """ "smartphone_share_Tinh-Son-La_2025-Q4": what, where, when; safe on every system."""
    what = {"gaps": "vung-trong", "change": f"thay-doi_{view.spec.indicator}"}.get(view.kind, view.spec.indicator)
    parts = [what]
    if view.spec.commune and view.names.get("commune_name") and view.level == "hamlet":
        parts.append(slug(view.names["commune_name"]))
    elif view.spec.province:
        parts.append(slug(view.names.get("province_name", view.spec.province)))
    else:
        parts.append("toan-quoc")
    if view.spec.areas:
        parts.append("-".join(view.spec.areas))
    if view.period_before:
        parts.append(f"{view.period_before}-{view.period}")
    elif view.period:
        parts.append(str(view.period))
    if suffix:
        parts.append(suffix)
    return "_".join(parts)
