"""What an exported map says: the view table, its classes and colours, and every text on the map.

Static images (:mod:`dashboard.static_map`), the standalone HTML (:mod:`dashboard.html_export`) and batch atlases
(:mod:`dashboard.batch`) all draw a :class:`MapView`, so a PNG and an HTML file of the same view carry the same
title, legend, period and source line. No matplotlib or folium here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.classify import Classification
from i18n.numbers import format_number, format_period, format_value
from analysis.indicators import Indicator, get_indicator, overall_value
from analysis.view import AREA_LABELS, ViewSpec
from dashboard.i18n import t
from dashboard.map_view import (
    SCHEMES,
    class_colours,
    classify_indicator,
    indicator_legend,
)
from loaders.schema import NAME_COLUMN

#: Classification schemes offered by the exports: the dashboard's ("target" = below / near / at target), and
#: "auto", the exports' default: quantiles, or target classes for yes/no values (see ``classify_indicator``).
SCHEME_KEYS = ("auto", *SCHEMES)
_LEVEL_LABELS = {"province": "level_province", "commune": "level_commune", "hamlet": "level_hamlet"}


@dataclass
class MapView:
    """Everything an exported map shows.

    Attributes
    ----------
    table : GeoDataFrame
        The rows shown (:func:`analysis.view.build_view_table`), EPSG:4326, with ``value``.
    spec : ViewSpec
    lang : str
        "vi" or "en".
    classification : Classification
        Class of every row of ``table`` (``class_of`` −1 = no data).
    colours : list of str
        One colour per class.
    legend_labels : list of str
        One label per class (class breaks in the language's number format, with counts).
    title, subtitle, legend_title, no_data_label, source_line : str
    notes : list of str
        Lines under the legend: population-weighted value of the whole view, target, number of units.
    demo : bool
        The data are demo data: every map says "Dữ liệu minh họa".
    notice : str
        The dataset's own notice for demo data ("ranh giới gần đúng … không phải số liệu chính thức").
    context : GeoDataFrame or None
        Units drawn in grey around the view (e.g. neighbouring provinces) and in the locator inset.
    highlight : GeoDataFrame or None
        The part of ``context`` the view covers (filled in the inset).
    outlines : GeoDataFrame or None
        Boundaries drawn over the map as lines, e.g. the communes on a hamlet map.
    """

    table: pd.DataFrame
    spec: ViewSpec
    lang: str
    classification: Classification
    colours: list[str]
    legend_labels: list[str]
    title: str
    subtitle: str
    legend_title: str
    no_data_label: str
    source_line: str
    notes: list[str] = field(default_factory=list)
    notice: str = ""
    demo: bool = False
    context: pd.DataFrame | None = None
    highlight: pd.DataFrame | None = None
    outlines: pd.DataFrame | None = None
    extra: dict = field(default_factory=dict)

    @property
    def indicator(self) -> Indicator:
        return get_indicator(self.spec.indicator)

    def feature_colours(self) -> list[str | None]:
        """Colour of every row of ``table``; None for "no data"."""
        return [self.colours[c] if c >= 0 else None for c in self.classification.class_of]


def reclassify(values, template: Classification) -> Classification:
    """Classes of ``values`` with the bounds of ``template`` (values beyond them go to the end classes)."""
    array = np.asarray(values, dtype=float)
    class_of = np.full(array.shape, -1, dtype=int)
    present = ~np.isnan(array)
    bins = np.asarray(template.bins, dtype=float)
    if len(bins):
        class_of[present] = np.minimum(np.searchsorted(bins, array[present], side="left"), len(bins) - 1)
    return Classification(template.scheme, template.lower, template.bins, class_of, template.names)


def legend_title(indicator: Indicator, lang: str = "vi") -> str:
    """ "Điện thoại thông minh (%)": the indicator's short name with its unit."""
    short = indicator.short(lang)
    short = short[:1].upper() + short[1:]
    unit = indicator.unit(lang)
    return f"{short} ({unit})" if unit else short


def summary_notes(table: pd.DataFrame, spec: ViewSpec, indicator: Indicator, lang: str = "vi") -> list[str]:
    """The view in numbers: "Chung toàn địa bàn: 61,2 %" (ratio of the summed counts), "Mục tiêu: 80 %",
    "75 xã, phường, đặc khu"."""
    unit = indicator.unit(lang)
    notes = []
    average = overall_value(table, indicator.key, spec.level)
    if not np.isnan(average):
        overall = "Overall" if lang == "en" else "Chung toàn địa bàn"
        notes.append(f"{overall}: {format_value(average, unit, lang)}")
    if indicator.target is not None:
        notes.append(f"{t('target', lang)}: {format_value(indicator.target, unit, lang)}")
    count = format_number(len(table), lang)
    notes.append(f"{count} {t(_LEVEL_LABELS[spec.level], lang).lower()}" if lang == "vi"
                 else f"{count} units ({t(_LEVEL_LABELS[spec.level], lang).lower()})")
    return notes


def _unique_text(table: pd.DataFrame, column: str) -> str | None:
    if column not in table.columns:
        return None
    values = table[column].dropna().astype(str).unique()
    return values[0] if len(values) == 1 else None


def subtitle_text(table: pd.DataFrame, spec: ViewSpec, period: str | None, lang: str = "vi",
                  place: str | None = None) -> str:
    """Area, level and period: "Sơn La · Xã, phường, đặc khu · Miền núi · Kỳ số liệu: Quý 3/2025"."""
    if place is None:
        if spec.commune:
            place = _unique_text(table, NAME_COLUMN["commune"]) or spec.commune
            province = _unique_text(table, NAME_COLUMN["province"])
            place = f"{place}, {province}" if province else place
        elif spec.province:
            place = _unique_text(table, NAME_COLUMN["province"]) or spec.province
        else:
            place = t("all_country", lang)
    parts = [place, t(_LEVEL_LABELS[spec.level], lang)]
    parts += [AREA_LABELS[area][1 if lang == "en" else 0] for area in spec.areas]
    if period:
        parts.append(f"{t('period', lang)}: {format_period(period, lang)}")
    return " · ".join(part for part in parts if part)


def source_text(metadata: dict | None, lang: str = "vi", today: dt.date | None = None) -> str:
    """ "Nguồn: … · Xuất ngày 22/11/2026" from the dataset metadata (``sources`` or ``source``)."""
    metadata = metadata or {}
    sources = metadata.get("sources", metadata.get("source")) or []
    if isinstance(sources, (str, dict)):
        sources = [sources]
    def name(source) -> str:
        if not isinstance(source, dict):
            return str(source)
        if lang == "vi" and source.get("name_vi"):
            return source["name_vi"]
        # "vietnamadminunits (official 2025 register …)" → "vietnamadminunits": the footer is one line.
        return re.sub(r"\s*\(.*$", "", source.get("name") or source.get("title") or "").strip()

    names = [name(source) for source in sources]
    names = [name for name in names if name]
    today = today or dt.date.today()
    date = today.isoformat() if lang == "en" else today.strftime("%d/%m/%Y")
    exported = f"Exported {date}" if lang == "en" else f"Xuất ngày {date}"
    if not names:
        return exported
    return f"{t('source', lang)}: {'; '.join(names)} · {exported}"


def prepare_map_view(table: pd.DataFrame, spec: ViewSpec, *, lang: str = "vi",
                     scheme: str = "auto", k: int = 5, metadata: dict | None = None,
                     context: pd.DataFrame | None = None, highlight: pd.DataFrame | None = None,
                     outlines: pd.DataFrame | None = None,
                     same_classes_as: Classification | None = None, place: str | None = None) -> MapView:
    """Classify a view table and write every text of its map.

    Parameters
    ----------
    table : GeoDataFrame
        From :func:`analysis.view.build_view_table` (``attrs["period"]`` is the period shown).
    spec : ViewSpec
    lang : str
        "vi" (default) or "en".
    scheme : str
        "auto" (default: quantiles, target classes for yes/no values), "quantiles", "equal_interval", "natural_breaks" or "target"
        (quantiles for indicators without a target).
    k : int
        Number of classes.
    metadata : dict, optional
        Dataset metadata (``demo``, ``sources``).
    context, highlight : GeoDataFrame, optional
        Surrounding units (grey) and the part the view covers (for the locator inset).
    outlines : GeoDataFrame, optional
        Boundaries to draw over the units (communes on a hamlet map).
    same_classes_as : Classification, optional
        Use these class bounds instead of classifying ``table`` (pages of an atlas share one legend).
    place : str, optional
        Overrides the place named in the subtitle.
    """
    indicator = get_indicator(spec.indicator)
    if scheme not in SCHEME_KEYS:
        raise ValueError(f"unknown classification {scheme!r}; choose one of: {', '.join(SCHEME_KEYS)}")
    values = pd.to_numeric(table["value"], errors="coerce").to_numpy(dtype=float)
    classes = (reclassify(values, same_classes_as) if same_classes_as is not None
               else classify_indicator(values, spec.indicator, scheme, k))
    colours = class_colours(classes, indicator.higher_is_better)
    legend = indicator_legend(classes, colours, spec.indicator, lang)  # the dashboard's labels, one wording
    period = table.attrs.get("period") or _unique_text(table, "period")
    metadata = metadata or {}
    return MapView(
        table=table, spec=spec, lang=lang, classification=classes, colours=colours,
        legend_labels=[label for _, label in legend.entries],
        title=indicator.label(lang),
        subtitle=subtitle_text(table, spec, period, lang, place),
        legend_title=legend_title(indicator, lang),
        no_data_label=legend.no_data_label,
        source_line=source_text(metadata, lang),
        notes=summary_notes(table, spec, indicator, lang),
        demo=bool(metadata.get("demo")),
        notice=str(metadata.get("notice_en" if lang == "en" else "notice_vi") or "") if metadata.get("demo") else "",
        context=context, highlight=highlight, outlines=outlines,
        extra={"period": period, "scheme": scheme, "k": k},
    )
