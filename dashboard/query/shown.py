"""The one answer to "what is shown": a view of a data source → the rows, their values and their classes.

Every page of the app, every download button, the CLI and the atlases call these functions, and the app's cache
only wraps them. So the screen, its CSV, its PNG and ``coverage-map export`` of the same view have the same rows,
the same values and the same class bounds.

- :func:`indicator_view`: the choropleth of one indicator (Bản đồ; the two maps of So sánh).
- :func:`gap_view`: gaps ranked by people affected, classed by gap score (Vùng trống).
- :func:`compare_views`: two periods (one legend, B's class bounds reused for A) or two indicators, and the change.

A view is first checked against the data (:func:`resolve_spec`): a level the data lack, a province or commune
that is not there, a period with no figures. The app shows what it could and says why (``notices``); the CLI
asks for ``strict=True`` and gets a :class:`ViewError` to print.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analysis.aggregate import periods as stats_periods, previous_period
from analysis.classify import (Classification, change_classification, classify_indicator,
                               gap_classification)
from analysis.gaps import find_gaps
from analysis.indicators import Indicator, check_targets, get_indicator
from analysis.view import ViewSpec, build_view_table, province_stats_for_areas, select_units
from dashboard.query.hamlets import areas_notices
from dashboard.query.no_team import mark_no_team
from i18n import Message, Period, Term
from loaders.errors import LoaderError
from loaders.schema import KEY_COLUMN

KINDS = ("indicator", "gaps", "change")


class ViewError(LoaderError):
    """A view the data cannot show (strict mode: the CLI prints it and exits 2)."""

    namespace = "view"


@dataclass
class ShownView:
    """What a map and its table show.

    Attributes
    ----------
    kind : str
        "indicator", "gaps" or "change".
    spec : ViewSpec
        The view as shown (checked against the data: see :func:`resolve_spec`).
    table : DataFrame
        One row per unit shown (no geometry): codes, names, area classes, counts, ``value`` (the indicator, the
        gap score or the change), ``numerator``/``denominator``, ``period``; gap views add ``is_gap``,
        ``gap_score``, ``rank``, ``reason_vi``/``reason_en``; change views add ``before`` and ``after``.
    classification : Classification
        The class of every row (−1 = no data). The legend, the web map and every export use it as it is.
    period : str or None
        The period shown (for a change view, the later one).
    metadata : dict
        The source's metadata (demo flag, sources).
    target, band : float or None, float
        The indicator's target and the "near target" band the classes were made with.
    notices : tuple of Message
        What the view could not show as asked, in words.
    period_before : str or None
        Change views: the earlier period.
    """

    kind: str
    spec: ViewSpec
    table: pd.DataFrame
    classification: Classification
    period: str | None
    metadata: dict
    target: float | None = None
    band: float = 10.0
    notices: tuple[Message, ...] = ()
    period_before: str | None = None
    names: dict = field(default_factory=dict)   # province_name / commune_name of the place shown

    @property
    def level(self) -> str:
        return self.spec.level

    @property
    def key_column(self) -> str:
        return KEY_COLUMN[self.spec.level]

    @property
    def indicator(self) -> Indicator:
        return get_indicator(self.spec.indicator)

    @property
    def demo(self) -> bool:
        return bool(self.metadata.get("demo"))

    def keys(self) -> list[str]:
        return self.table[self.key_column].astype(str).tolist()


@dataclass
class Comparison:
    """The compare page: map A, map B, and (two periods) the change B − A."""

    a: ShownView
    b: ShownView
    change: ShownView | None
    shared_legend: bool


def data_periods(source) -> list[str]:
    """Periods with figures, oldest first (commune figures when there are communes)."""
    level = "commune" if source.has_level("commune") else source.levels()[0]
    return list(stats_periods(source.stats(level)))


def resolve_spec(source, spec: ViewSpec, strict: bool = False) -> tuple[ViewSpec, tuple[Message, ...]]:
    """The view the data can show, and what had to change, in words.

    Raises
    ------
    ViewError
        With ``strict``: instead of changing the view.
    """
    notices: list[Message] = []

    def give_up(key: str, changes: dict, **params) -> None:
        if strict:
            raise ViewError(key, None, **params)
        notices.append(Message(f"view.{key}", params))
        nonlocal spec
        spec = replace(spec, **changes)

    levels = source.levels()
    if spec.level not in levels:
        give_up("no_level", {"level": levels[0]}, level=Term(f"level_word.{spec.level}"),
                levels=[Term(f"level_word.{level}") for level in levels])
    if spec.province and source.has_level("commune") and spec.province not in _codes(source, "province"):
        give_up("no_province", {"province": None, "commune": None}, code=spec.province)
    if spec.commune and spec.commune not in _codes(source, "commune", spec.province):
        give_up("no_commune", {"commune": None}, code=spec.commune)
    if spec.commune and not spec.province and source.has_level("commune"):
        communes = source.units("commune")
        row = communes[communes["commune_code"].astype(str) == spec.commune]
        if len(row):
            spec = replace(spec, province=str(row["province_code"].iloc[0]))
    periods = data_periods(source)
    for name in ("period", "period_a"):
        wanted = getattr(spec, name)
        if wanted and periods and wanted not in periods:
            give_up("no_period", {name: None}, period=Period(wanted), periods=[Period(p) for p in periods])
    return spec, tuple(notices)


def period_coverage(source, spec: ViewSpec, settings) -> pd.DataFrame:
    """Per period, how many units of the area shown have figures (``period``, ``units_with_data``,
    ``units_total``, ``share``, ``partial``), oldest first: the period list and the default period use it."""
    from analysis.periods import period_coverage as coverage_of

    units = source.units(spec.level, spec.province, spec.commune if spec.level == "hamlet" else None)
    if spec.areas:
        communes = None
        if spec.level == "hamlet" and "is_mountainous" not in units.columns and source.has_level("commune"):
            communes = source.units("commune", spec.province)
        units = select_units(pd.DataFrame(units.drop(columns=units.geometry.name)), replace(spec, commune=None)
                             if spec.level != "hamlet" else spec, communes)
    return coverage_of(source.stats(spec.level), units, spec.level, settings["data.complete_share"])


def _shown_period(source, spec: ViewSpec, settings) -> tuple[str | None, tuple[Message, ...]]:
    """The period a view shows: the one asked for, else the latest reasonably complete one for the area shown;
    and notices when it is partial, or when a newer partial period was passed over."""
    from analysis.periods import default_period

    coverage = period_coverage(source, spec, settings)
    if not len(coverage):
        return spec.period, ()
    period = default_period(coverage, spec.period)
    rows = coverage.set_index("period")
    notices = []
    level = Term(f"level_word.{spec.level}")
    if period in rows.index and bool(rows.loc[period, "partial"]):
        notices.append(Message("view.partial_period", {"period": Period(period), "level": level,
                                                       "with_data": int(rows.loc[period, "units_with_data"]),
                                                       "total": int(rows.loc[period, "units_total"])}))
    latest = coverage["period"].iloc[-1]
    if spec.period is None and latest != period:
        notices.append(Message("view.newer_partial", {"latest": Period(latest), "period": Period(period),
                                                      "level": level,
                                                      "with_data": int(rows.loc[latest, "units_with_data"]),
                                                      "total": int(rows.loc[latest, "units_total"])}))
    return period, tuple(notices)


def _codes(source, level: str, province: str | None = None) -> set[str]:
    column = KEY_COLUMN[level]
    if level == "province" and not source.has_level("province"):
        units = source.units("commune" if source.has_level("commune") else source.levels()[0])
        column = "province_code"
    else:
        units = source.units(level, province) if source.has_level(level) else source.units(source.levels()[0])
    return set(units[column].astype(str)) if column in units.columns else set()


def _table(source, spec: ViewSpec) -> pd.DataFrame:
    """:func:`analysis.view.build_view_table` on the source's data (rows without geometry)."""
    level = spec.level
    units = source.units(level, spec.province, spec.commune if level == "hamlet" else None)
    units = pd.DataFrame(units.drop(columns=units.geometry.name))
    communes = None
    if level in ("hamlet", "province") and source.has_level("commune"):
        communes = source.units("commune")
        communes = pd.DataFrame(communes.drop(columns=communes.geometry.name))
    if level == "province" and spec.areas and communes is not None:
        stats = province_stats_for_areas(communes, source.stats("commune"), spec.areas)
    else:
        stats = source.stats(level)
    table = build_view_table(units, stats, spec, communes=communes)
    period = table.attrs.get("period")
    table = pd.DataFrame(table)
    table.attrs["period"] = period
    return table


def _names(source, spec: ViewSpec, table: pd.DataFrame) -> dict:
    """Names of the place shown (subtitles, file names), from the data."""
    names = {}
    for level, code in (("province", spec.province), ("commune", spec.commune)):
        column = f"{level}_name"
        if not code:
            continue
        rows = table[table[KEY_COLUMN[level]].astype(str) == code] if KEY_COLUMN[level] in table.columns else []
        if len(rows) and column in table.columns:
            names[column] = str(rows[column].iloc[0])
        elif source.has_level(level) or level == "province":
            units = source.units(level if source.has_level(level) else source.levels()[0], spec.province)
            match = units[units[KEY_COLUMN[level]].astype(str) == code] if KEY_COLUMN[level] in units else []
            if len(match) and column in units.columns:
                names[column] = str(match[column].iloc[0])
    return names


def indicator_view(source, spec: ViewSpec, settings, *, template: Classification | None = None,
                   strict: bool = False) -> ShownView:
    """The choropleth of ``spec.indicator``: rows, values and classes.

    Parameters
    ----------
    source : DataSource
    spec : ViewSpec
    settings : loaders.settings.Settings
        Targets and the "near target" band.
    template : Classification, optional
        Reuse these class bounds (the compare page: A with B's).
    strict : bool
        Refuse a view the data cannot show (:class:`ViewError`) instead of adapting it.
    """
    spec, notices = resolve_spec(source, spec, strict)
    period, period_notes = _shown_period(source, spec, settings)
    table = _table(source, replace(spec, period=period))
    notices += period_notes + areas_notices(table)
    indicator = get_indicator(spec.indicator)
    target = check_targets(settings.targets).get(indicator.key)
    classification = classify_indicator(table["value"], spec.scheme, spec.k, target=target,
                                         band=settings.near_target_band, higher_is_better=indicator.higher_is_better,
                                         template=template)
    classification = mark_no_team(classification, table, indicator.key, spec.level)
    return ShownView("indicator", spec, table, classification, table.attrs.get("period"), source.metadata,
                     target, settings.near_target_band, notices, names=_names(source, spec, table))


def gap_view(source, spec: ViewSpec, settings, *, strict: bool = False) -> ShownView:
    """Every unit of the view with its gap score (people affected) and reasons; gaps ranked first."""
    spec, notices = resolve_spec(source, spec, strict)
    period, period_notes = _shown_period(source, spec, settings)
    table = _table(source, replace(spec, period=period))
    notices += period_notes + areas_notices(table)
    gaps = find_gaps(table, spec.gap_indicators, level=spec.level, targets=check_targets(settings.targets),
                     include_all=True)
    gaps = gaps.drop(columns=["gap_reasons"])
    gaps["is_gap"] = gaps["reason_vi"].str.len() > 0
    gaps = pd.concat([gaps[gaps["is_gap"]], gaps[~gaps["is_gap"]]]).reset_index(drop=True)
    gaps["rank"] = pd.array([*range(1, int(gaps["is_gap"].sum()) + 1), *[pd.NA] * int((~gaps["is_gap"]).sum())],
                            dtype="Int64")
    gaps["value"] = gaps["gap_score"].where(gaps["is_gap"], 0.0)
    has_population = pd.to_numeric(gaps.get("population_15plus"), errors="coerce").notna().to_numpy()
    classification = gap_classification(gaps["gap_score"], gaps["is_gap"], has_population)
    gaps.attrs["period"] = table.attrs.get("period")
    return ShownView("gaps", spec, gaps, classification, table.attrs.get("period"), source.metadata, None,
                     settings.near_target_band, notices, names=_names(source, spec, gaps))


def compare_views(source, spec: ViewSpec, settings, *, strict: bool = False) -> Comparison:
    """The compare page's maps.

    Two periods (``spec.compare == "periods"``): B is ``spec`` (its period or the latest), A the same indicator in
    ``spec.period_a`` (default: the period before B's) classified with B's class bounds, so one colour means one
    value on both maps; and the change B − A. Two indicators: A is ``spec``, B ``spec.indicator_b``, each with
    its own classes.
    """
    if spec.compare == "indicators":
        a = indicator_view(source, spec, settings, strict=strict)
        b = indicator_view(source, replace(a.spec, indicator=spec.indicator_b, period=a.period), settings,
                           strict=strict)
        return Comparison(a, b, None, shared_legend=False)
    b = indicator_view(source, spec, settings, strict=strict)
    periods = data_periods(source)
    earlier = b.spec.period_a or previous_period(pd.DataFrame({"period": periods}), b.period) if b.period else None
    if earlier is None:
        earlier = next((p for p in reversed(periods) if p != b.period), b.period)
    a = indicator_view(source, replace(b.spec, period=earlier), settings, template=b.classification)
    return Comparison(a, b, change_view(a, b), shared_legend=True)


def change_view(a: ShownView, b: ShownView) -> ShownView:
    """The change of the indicator from A's period to B's, for the units of B (no data where either is missing)."""
    key = b.key_column
    before = a.table.set_index(a.table[key].astype(str))["value"]
    table = b.table.copy()
    table["before"] = before.reindex(table[key].astype(str)).to_numpy()
    table["after"] = table["value"]
    table["value"] = table["after"] - table["before"]
    table.attrs["period"] = b.period
    return ShownView("change", b.spec, table, change_classification(table["value"]), b.period, b.metadata,
                     b.target, b.band, b.notices, a.period, names=b.names)


#: The maps of the pages: the map page's indicator, the gap page's gaps, the compare page's A, B and change.
MAPS = ("indicator", "gaps", "compare-a", "compare-b", "change")


def view_for_page(source, spec: ViewSpec, which: str, settings, *, strict: bool = False) -> ShownView:
    """One of the maps the pages show (:data:`MAPS`), exactly as the page shows it.

    Downloads and ``coverage-map export --map/--link`` use it, so a file is the map on screen.
    """
    if which == "gaps":
        return gap_view(source, spec, settings, strict=strict)
    if which in ("compare-a", "compare-b", "change"):
        comparison = compare_views(source, spec, settings, strict=strict)
        view = {"compare-a": comparison.a, "compare-b": comparison.b, "change": comparison.change}[which]
        if view is None:
            raise ViewError("no_change_map", None)
        return view
    if which != "indicator":
        raise ValueError(f"unknown map {which!r}; choose one of: {', '.join(MAPS)}")
    return indicator_view(source, spec, settings, strict=strict)


def has_data(view: ShownView) -> bool:
    """Whether any row has a value."""
    return bool(np.isfinite(pd.to_numeric(view.table["value"], errors="coerce")).any())
