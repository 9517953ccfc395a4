"""The legend model of a shown view: class colours, class labels, "no data", and the texts of each unit.

No folium and no matplotlib here: the web map (:mod:`dashboard.render.webmap`), the static maps
(:mod:`dashboard.render.static_map`) and the HTML export draw the same :class:`Legend`, made from the view's own
classification (:class:`dashboard.query.ShownView`), so the screen and every file say the same classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from dashboard.query import ShownView
from dashboard.query.no_team import has_no_team_class
from dashboard.render import palettes
from i18n import Period, format_number, format_period, format_value, lang_column, t
from loaders.schema import NAME_COLUMN

#: The unit a name is qualified with in tooltips and lists ("Bản 1 · An Khánh").
_PARENT_NAME = {"commune": "province_name", "hamlet": "commune_name"}


@dataclass(frozen=True)
class Outline:
    """A line-only overlay: e.g. the mountainous or island areas, dissolved to one geometry."""

    label: str
    geometry: str  # GeoJSON text
    colour: str
    dash: str | None = None
    weight: float = 2.5


@dataclass(frozen=True)
class Legend:
    """What the legend says; plain strings, escaped where drawn.

    Attributes
    ----------
    title, unit : str
        The indicator (or "people affected", "change") and its unit.
    entries : sequence of (colour, label)
        One per class, in class order, each label with its number of units.
    no_data_label : str
        The hatched "no data" swatch, with its number of units.
    notes : sequence of str
        Lines under the swatches (period, place, target, "Dữ liệu minh họa").
    lines : sequence of Outline
        Outlined areas, drawn as line swatches.
    """

    title: str
    unit: str
    entries: Sequence[tuple[str, str]]
    no_data_label: str
    notes: Sequence[str] = ()
    lines: Sequence[Outline] = ()

    @property
    def colours(self) -> list[str]:
        return [colour for colour, _ in self.entries]

    @property
    def labels(self) -> list[str]:
        return [label for _, label in self.entries]


@dataclass(frozen=True)
class TooltipLabels:
    """Fixed tooltip lines (escaped when drawn); per-unit texts come from :func:`unit_texts`."""

    value: str
    detail: str
    period: str



def counted(label: str, count: int, lang: str) -> str:
    """A legend row with how many units it has: "Chưa đạt < 70 % (23.583)"."""
    return f"{label} ({format_number(count, lang)})"

def class_colours(view: ShownView) -> list[str]:
    """One colour per class of the view's classification (and the fixed "no team" colour after them)."""
    classes = view.classification
    if view.kind == "gaps":
        return [palettes.NOT_A_GAP_COLOUR, *palettes.sequential(max(classes.k - 1, 0), higher_is_better=False)]
    if view.kind == "change":
        return palettes.diverging(classes.k)
    if classes.names:
        colours = palettes.target_colours(classes.names)
        if _yes_no_teams(view):  # "no team" stands out the same way on every map
            colours = [palettes.NO_TEAM_COLOUR if name == "not_met" else colour
                       for name, colour in zip(classes.names, colours)]
    else:
        colours = palettes.sequential(classes.k, view.indicator.higher_is_better)
    return colours + ([palettes.NO_TEAM_COLOUR] if has_no_team_class(classes) else [])


def _yes_no_teams(view: ShownView) -> bool:
    return view.level == "hamlet" and view.indicator.key == "team_presence"


def _no_team_label(view: ShownView, lang: str) -> list[str]:
    """The fixed "no team" class's label, when some unit is in it."""
    classes = view.classification
    if view.kind != "indicator" or not has_no_team_class(classes):
        return []
    count = int((np.asarray(classes.class_of) == classes.k).sum())
    return [counted(t('class.zero_teams', lang), count, lang)]


def unit_names(table: pd.DataFrame, level: str) -> list[str]:
    """Display names: the unit's name, followed by its parent's for communes and hamlets."""
    names = table[NAME_COLUMN[level]].astype(str)
    parent = _PARENT_NAME.get(level)
    if parent and parent in table.columns:
        names = names + " · " + table[parent].fillna("").astype(str)
    return names.tolist()


def _interval_labels(view: ShownView, lang: str) -> list[str]:
    classes, unit = view.classification, view.indicator.unit(lang)
    decimals = 1 if unit == "%" or (classes.k and classes.bins[-1] < 100) else 0
    return [counted(f"{format_number(low, lang, decimals)} – {format_number(high, lang, decimals)}", count, lang)
            for (low, high), count in zip(classes.intervals(), classes.counts())]


def _target_labels(view: ShownView, lang: str) -> list[str]:
    """"Chưa đạt < 70 %", "Gần đạt 70 – 80 %", "Đạt mục tiêu ≥ 80 %"; for yes/no values (hamlets with a team or
    not) the classes say so in words."""
    classes, indicator = view.classification, view.indicator
    if _yes_no_teams(view):
        words = {"not_met": t("class.no_team", lang), "met": t("class.has_team", lang)}
        return [counted(words[name], count, lang) for name, count in zip(classes.names, classes.counts())]
    unit = indicator.unit(lang)
    target, band = view.target, view.band
    low = target - band if indicator.higher_is_better else target + band
    fmt = lambda v: format_value(v, unit, lang)  # noqa: E731
    two = "near" not in classes.names  # yes/no values: below or at the target
    if indicator.higher_is_better:
        ranges = {"not_met": f"< {fmt(target if two else low)}", "near": f"{fmt(low)} – {fmt(target)}",
                  "met": f"≥ {fmt(target)}"}
    else:
        ranges = {"not_met": f"> {fmt(target if two else low)}", "near": f"{fmt(target)} – {fmt(low)}",
                  "met": f"≤ {fmt(target)}"}
    return [counted(f"{t('class.' + name, lang)} {ranges[name]}", count, lang)
            for name, count in zip(classes.names, classes.counts())]


def _signed(value: float, lang: str) -> str:
    return ("+" if value > 0 else "") + format_number(value, lang, 1)


def _change_labels(view: ShownView, lang: str) -> list[str]:
    bins, counts = view.classification.bins, view.classification.counts()
    if not bins:
        return []
    labels = [f"≤ {_signed(bins[0], lang)}"] + [
        f"{_signed(low, lang)} – {_signed(high, lang)}" for low, high in zip(bins[:-2], bins[1:-1])
    ] + [f"> {_signed(bins[-2], lang)}"]
    return [counted(label, count, lang) for label, count in zip(labels, counts)]


def _gap_labels(view: ShownView, lang: str) -> list[str]:
    classes = view.classification
    counts = classes.counts()
    labels = [counted(t('not_a_gap', lang), counts[0], lang)] if counts else []
    lowers = [classes.lower, *classes.bins[1:-1]]
    labels += [counted(f"{format_number(low, lang)} – {format_number(high, lang)}", count, lang)
               for low, high, count in zip(lowers, classes.bins[1:], counts[1:])]
    return labels


def title_and_unit(view: ShownView, lang: str) -> tuple[str, str]:
    """The legend's title and unit: the indicator, "people affected", or the change of the indicator."""
    indicator = view.indicator
    short = indicator.short(lang)
    if view.kind == "gaps":
        return t("gap_score", lang), ""
    if view.kind == "change":
        unit = t("change_unit", lang) if indicator.is_percent else indicator.unit(lang)
        return f"{t('change_map', lang)}: {short}", unit
    # The map's title names the indicator in full; the legend is narrow.
    return short[:1].upper() + short[1:], indicator.unit(lang)


def legend_of(view: ShownView, lang: str, notes: Sequence[str] = (), lines: Sequence[Outline] = ()) -> Legend:
    """The legend of a view: one row per class with its range and count, and the hatched "no data"."""
    if view.kind == "gaps":
        labels = _gap_labels(view, lang)
    elif view.kind == "change":
        labels = _change_labels(view, lang)
    elif view.classification.names:
        labels = _target_labels(view, lang)
    else:
        labels = _interval_labels(view, lang)
    labels = labels + _no_team_label(view, lang)
    title, unit = title_and_unit(view, lang)
    no_data = int((np.asarray(view.classification.class_of) < 0).sum())
    return Legend(title, unit, list(zip(class_colours(view), labels)), counted(t('no_data', lang), no_data, lang),
                  tuple(notes), tuple(lines))


def tooltip_labels(view: ShownView, lang: str) -> TooltipLabels:
    """The fixed lines of a unit's tooltip."""
    indicator = view.indicator
    if view.kind == "gaps":
        return TooltipLabels(t("gap_score", lang), t("gap_reasons", lang), "")
    if view.kind == "change":
        span = f"{format_period(view.period_before, lang)} → {format_period(view.period, lang)}"
        return TooltipLabels(t("change_map", lang), span, "")
    fraction = f"{t('count_' + indicator.numerator, lang)} / {t('count_' + indicator.denominator, lang)}"
    short = indicator.short(lang)
    return TooltipLabels(short[:1].upper() + short[1:], fraction,
                         t("period_line", lang, period=Period(view.period)) if view.period else "")


def unit_texts(view: ShownView, lang: str) -> tuple[list[str], list[str]]:
    """Per row: the value as written in the tooltip, and its detail line (numerator / denominator, the gap's
    reasons, or the values before → after)."""
    table, indicator = view.table, view.indicator
    unit = indicator.unit(lang)
    if view.kind == "gaps":
        values = [format_number(v, lang) if g else "0" for v, g in zip(table["gap_score"], table["is_gap"])]
        return values, table[lang_column("reason", lang)].fillna("").tolist()
    if view.kind == "change":
        change_unit = t("change_unit", lang) if indicator.is_percent else unit
        values = ["" if pd.isna(v) else f"{_signed(v, lang)} {change_unit}" for v in table["value"]]
        spans = [f"{format_value(b, unit, lang)} → {format_value(a, unit, lang)}"
                 for b, a in zip(table["before"], table["after"])]
        return values, spans
    values = [format_value(v, unit, lang) for v in table["value"]]
    if "numerator" not in table.columns or "denominator" not in table.columns:
        return values, [""] * len(table)
    fractions = ["" if pd.isna(n) or pd.isna(d) else f"{format_number(n, lang)} / {format_number(d, lang)}"
                 for n, d in zip(table["numerator"], table["denominator"])]
    return values, fractions
