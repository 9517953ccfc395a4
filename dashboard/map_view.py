"""From a view table (``analysis.view.build_view_table``) to a folium map: classes, colours, legend, tooltips.

No streamlit here: the dashboard pages and the standalone HTML export build the same map with
:func:`indicator_map` (the export then calls :func:`dashboard.offline.standalone_html`).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.classify import Classification, TargetBased, UserDefined, classify
from i18n.numbers import format_period
from analysis.indicators import get_indicator
from dashboard import palettes
from dashboard.folium_map import (
    Legend,
    MapStyle,
    Outline,
    TooltipLabels,
    choropleth_map,
)
from dashboard.i18n import format_number, format_value, t
from loaders.schema import KEY_COLUMN, NAME_COLUMN
from loaders.settings import near_target_band

SCHEMES = ("quantiles", "equal_interval", "natural_breaks", "target")
#: The unit a name is qualified with in tooltips ("Bản 1 · An Khánh").
_PARENT_NAME = {"commune": "province_name", "hamlet": "commune_name"}


def table_period(table: pd.DataFrame) -> str | None:
    """The period a view table shows (its ``attrs`` do not survive every copy, the column does)."""
    if table.attrs.get("period"):
        return table.attrs["period"]
    if "period" in table.columns and len(table) and pd.notna(table["period"].iloc[0]):
        return str(table["period"].iloc[0])
    return None


def unit_names(table: pd.DataFrame, level: str) -> list[str]:
    """Display names: the unit's name, followed by its parent's for communes and hamlets."""
    names = table[NAME_COLUMN[level]].astype(str)
    parent = _PARENT_NAME.get(level)
    if parent and parent in table.columns:
        names = names + " · " + table[parent].astype(str)
    return names.tolist()


def is_yes_no(values) -> bool:
    """True when the values with data take at most two distinct values (hamlet team presence: 0 or 100)."""
    return pd.to_numeric(pd.Series(values), errors="coerce").dropna().nunique() <= 2


def classify_indicator(values, indicator_key: str, scheme: str, k: int) -> Classification:
    """Classify indicator values.

    "target" uses the configured target (quantiles when there is none); "auto" means quantiles. Yes/no values
    always get the target classes when the indicator has a target: value ranges would put every hamlet in one
    class "0 – 100", while "not met" against "met" is what a reader wants to see.
    """
    indicator = get_indicator(indicator_key)
    if indicator.target is not None and (scheme == "target" or is_yes_no(values)):
        return classify(values, TargetBased(indicator.target, near_target_band(), indicator.higher_is_better))
    return classify(values, "quantiles" if scheme in ("target", "auto") else scheme, k)


def class_colours(classification: Classification, higher_is_better: bool = True) -> list[str]:
    """Colours for the classes: target colours by class name, else a sequential palette."""
    if classification.names:
        return palettes.target_colours(classification.names)
    return palettes.sequential(classification.k, higher_is_better)


def _interval_labels(classification: Classification, unit: str, lang: str) -> list[str]:
    decimals = 1 if unit == "%" or classification.k and classification.bins[-1] < 100 else 0
    counts = classification.counts()
    labels = []
    for (low, high), count in zip(classification.intervals(), counts):
        labels.append(f"{format_number(low, lang, decimals)} – {format_number(high, lang, decimals)} ({count})")
    return labels


def _target_labels(classification: Classification, indicator, lang: str) -> list[str]:
    """"Chưa đạt (< 70 %)", "Gần đạt (70 – 80 %)", "Đạt mục tiêu (≥ 80 %)" with the unit count of each class."""
    unit = indicator.unit(lang)
    target, low = indicator.target, indicator.target - near_target_band()
    if not indicator.higher_is_better:
        low = indicator.target + near_target_band()
    fmt = lambda v: format_value(v, unit, lang)  # noqa: E731
    ranges = {"not_met": f"< {fmt(low)}", "near": f"{fmt(low)} – {fmt(target)}", "met": f"≥ {fmt(target)}"}
    if not indicator.higher_is_better:
        ranges = {"not_met": f"> {fmt(low)}", "near": f"{fmt(target)} – {fmt(low)}", "met": f"≤ {fmt(target)}"}
    return [f"{t(name, lang)} {ranges[name]} ({count})"
            for name, count in zip(classification.names, classification.counts())]


def indicator_legend(classification: Classification, colours: Sequence[str], indicator_key: str, lang: str,
                     notes: Sequence[str] = ()) -> Legend:
    """Legend for an indicator map: title, unit, one row per class with its range and count, "no data"."""
    indicator = get_indicator(indicator_key)
    unit = indicator.unit(lang)
    labels = (_target_labels(classification, indicator, lang) if classification.names
              else _interval_labels(classification, unit, lang))
    no_data = int((classification.class_of < 0).sum())
    return Legend(indicator.label(lang), unit, list(zip(colours, labels)),
                  f"{t('no_data', lang)} ({no_data})", list(notes))


def fraction_texts(table: pd.DataFrame, lang: str) -> list[str]:
    """"numerator / denominator" per row, empty where either is missing."""
    if "numerator" not in table.columns or "denominator" not in table.columns:
        return [""] * len(table)
    return [
        "" if pd.isna(n) or pd.isna(d) else f"{format_number(n, lang)} / {format_number(d, lang)}"
        for n, d in zip(table["numerator"], table["denominator"])
    ]


def feature_properties(table: pd.DataFrame, level: str, class_of: np.ndarray, value_text: Sequence[str],
                       fraction_text: Sequence[str]) -> list[dict]:
    """The few properties each feature carries (see :mod:`dashboard.folium_map`)."""
    keys = table[KEY_COLUMN[level]].astype(str).tolist()
    return [
        {"k": key, "n": name, "c": int(c), "v": value, "f": fraction}
        for key, name, c, value, fraction in zip(keys, unit_names(table, level), class_of, value_text, fraction_text)
    ]


def draw_map(table: pd.DataFrame, level: str, geometries: Mapping[str, str], bounds, class_of, colours,
             legend: Legend, tooltip: TooltipLabels, value_text, fraction_text, *,
             outlines: Sequence[Outline] = (), basemap: bool = False, style: MapStyle | None = None):
    """Draw the rows of ``table`` that have a geometry.

    ``geometries`` maps unit key → encoded geometry text (``data_access.shown_geometries``: only the units shown),
    and ``bounds`` is their extent, so a filtered view fits the units drawn.
    """
    keys = table[KEY_COLUMN[level]].astype(str)
    present = keys.isin(geometries.keys()).to_numpy()
    rows = table[present]
    props = feature_properties(rows, level, np.asarray(class_of)[present],
                               [v for v, p in zip(value_text, present) if p],
                               [f for f, p in zip(fraction_text, present) if p])
    shapes = [geometries[key] for key in keys[present]]
    return choropleth_map(shapes, bounds, props, colours, legend, tooltip, outlines=outlines, basemap=basemap,
                          style=style)


def tooltip_labels(indicator_key: str, lang: str, period: str | None) -> TooltipLabels:
    """Tooltip lines for an indicator: its short label, "numerator / denominator" names and the period."""
    indicator = get_indicator(indicator_key)
    fraction = f"{t('count_' + indicator.numerator, lang)} / {t('count_' + indicator.denominator, lang)}"
    return TooltipLabels(indicator.short(lang).capitalize(), fraction, f"{t('period', lang)}: {format_period(period, lang)}")


def indicator_map(table: pd.DataFrame, level: str, geometries: Mapping[str, str], bounds, indicator_key: str, *,
                  scheme: str = "quantiles", k: int = 5, lang: str = "vi", notes: Sequence[str] = (),
                  outlines: Sequence[Outline] = (), basemap: bool = False, style: MapStyle | None = None,
                  bins: Sequence[float] | None = None):
    """The choropleth of one indicator for a view table.

    Parameters
    ----------
    bins : sequence of float, optional
        Fixed class upper bounds (e.g. another period's, so two maps share one legend); overrides ``scheme``.

    Returns
    -------
    (folium.Map, Classification)
    """
    indicator = get_indicator(indicator_key)
    if bins and scheme != "target":
        classification = classify(table["value"], UserDefined(bins))
    else:
        classification = classify_indicator(table["value"], indicator_key, scheme, k)
    colours = class_colours(classification, indicator.higher_is_better)
    legend = indicator_legend(classification, colours, indicator_key, lang, notes)
    values = [format_value(v, indicator.unit(lang), lang) for v in table["value"]]
    tooltip = tooltip_labels(indicator_key, lang, table_period(table))
    m = draw_map(table, level, geometries, bounds, classification.class_of, colours, legend, tooltip, values,
                 fraction_texts(table, lang), outlines=outlines, basemap=basemap, style=style)
    return m, classification


def change_classification(change) -> Classification:
    """Five classes symmetric around 0 (fell a lot, fell, little change, rose, rose a lot).

    The scale is the 95th percentile of the absolute change, so one outlier does not flatten the map.
    """
    values = pd.to_numeric(pd.Series(change), errors="coerce").to_numpy(dtype=float)
    spread = float(np.nanpercentile(np.abs(values), 95)) if np.isfinite(values).any() else 0.0
    step = spread if spread > 0 else 1.0
    return classify(values, UserDefined([-0.6 * step, -0.2 * step, 0.2 * step, 0.6 * step, step]))


def _signed(value: float, lang: str) -> str:
    return ("+" if value > 0 else "") + format_number(value, lang, 1)


def gap_classes(scores: pd.Series, is_gap: pd.Series, k: int = 4) -> tuple[np.ndarray, list[float]]:
    """Class 0 = not a gap; 1..k = gap score quantiles. Returns (class_of, upper bounds of the gap classes)."""
    class_of = np.zeros(len(scores), dtype=int)
    gap_scores = scores[is_gap.to_numpy()]
    if len(gap_scores):
        gap_classification = classify(gap_scores.to_numpy(dtype=float), "quantiles", k)
        class_of[is_gap.to_numpy()] = gap_classification.class_of + 1
        return class_of, list(gap_classification.bins)
    return class_of, []


NOT_A_GAP_COLOUR = "#f4f4f4"


def gap_map(gaps: pd.DataFrame, level: str, geometries: Mapping[str, str], bounds, *, lang: str = "vi",
            notes: Sequence[str] = (), outlines: Sequence[Outline] = (), style: MapStyle | None = None):
    """The gap map: units that are gaps coloured by ``gap_score`` (people affected), the others pale.

    ``gaps`` is :func:`analysis.gaps.find_gaps` with ``include_all=True`` plus an ``is_gap`` column. Units
    without population figures are "no data".
    """
    class_of, bounds_of_classes = gap_classes(gaps["gap_score"], gaps["is_gap"])
    no_population = pd.to_numeric(gaps.get("population_15plus"), errors="coerce").isna().to_numpy()
    class_of[no_population & ~gaps["is_gap"].to_numpy()] = -1
    colours = [NOT_A_GAP_COLOUR, *palettes.sequential(len(bounds_of_classes), higher_is_better=False)]
    lowers = [gaps.loc[gaps["is_gap"], "gap_score"].min(), *bounds_of_classes[:-1]]
    entries = [(NOT_A_GAP_COLOUR, t("not_a_gap", lang))] + [
        (colour, f"{format_number(low, lang)} – {format_number(high, lang)}")
        for colour, low, high in zip(colours[1:], lowers, bounds_of_classes)
    ]
    legend = Legend(t("gap_score", lang), "", entries, t("no_data", lang), list(notes))
    reasons = gaps["reason_en" if lang == "en" else "reason_vi"].fillna("").tolist()
    values = [format_number(v, lang) if g else "0" for v, g in zip(gaps["gap_score"], gaps["is_gap"])]
    tooltip = TooltipLabels(t("gap_score", lang), t("gap_reasons", lang), "")
    return draw_map(gaps, level, geometries, bounds, class_of, colours, legend, tooltip, values, reasons,
                    outlines=outlines, style=style)


def change_map(before: pd.DataFrame, after: pd.DataFrame, level: str, geometries: Mapping[str, str], bounds,
               indicator_key: str, *, lang: str = "vi", notes: Sequence[str] = (), style: MapStyle | None = None):
    """The change of an indicator between two view tables of the same units (after − before)."""
    key = KEY_COLUMN[level]
    earlier = before.set_index(before[key].astype(str))["value"]
    table = after.copy()
    table["before"] = earlier.reindex(table[key].astype(str)).to_numpy()
    table["value"] = table["value"] - table["before"]
    classification = change_classification(table["value"])
    colours = palettes.diverging(classification.k)
    indicator = get_indicator(indicator_key)
    unit = t("change_unit", lang) if indicator.is_percent else indicator.unit(lang)
    bins, counts = classification.bins, classification.counts()
    labels = [f"≤ {_signed(bins[0], lang)}"] + [
        f"{_signed(low, lang)} – {_signed(high, lang)}" for low, high in zip(bins[:-2], bins[1:-1])
    ] + [f"> {_signed(bins[-2], lang)}"]
    entries = [(colour, f"{label} ({count})") for colour, label, count in zip(colours, labels, counts)]
    no_data = int((classification.class_of < 0).sum())
    legend = Legend(f"{t('change_map', lang)}: {indicator.label(lang)}", unit, entries,
                    f"{t('no_data', lang)} ({no_data})", list(notes))
    values = ["" if pd.isna(v) else f"{_signed(v, lang)} {unit}" for v in table["value"]]
    spans = [f"{format_value(b, indicator.unit(lang), lang)} → {format_value(a, indicator.unit(lang), lang)}"
             for b, a in zip(table["before"], after["value"])]
    tooltip = TooltipLabels(t("change_map", lang), f"{format_period(table_period(before), lang)} → {format_period(table_period(after), lang)}", "")
    return draw_map(table, level, geometries, bounds, classification.class_of, colours, legend, tooltip, values,
                    spans, style=style)
