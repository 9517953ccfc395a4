"""What is shown: a view specification and the one function that builds the table behind a map.

The app, the exports and the CLI all call :func:`build_view_table`, so a CSV exported from the dashboard has
exactly the rows and values of the map on screen, and a link (``ViewSpec.to_params``) reproduces the view.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from analysis.aggregate import commune_to_province, latest_period
from analysis.classify import SCHEME_KEYS
from analysis.indicators import INDICATORS, compute_indicator, get_indicator
from loaders.schema import KEY_COLUMN, LEVELS, PERIOD

#: One-click area filters (SPEC §4) → how a unit qualifies. Several chosen areas combine with OR
#: ("mountainous or island"), since planners ask for the hard places together.
AREA_FILTERS = {
    "mountainous": ("is_mountainous", None),
    "island": ("is_island", None),
    "border": ("is_border", None),
    "ethnic": ("ethnic_region", ("II", "III")),
    "extremely_difficult": ("is_extremely_difficult", None),
}
#: Compare modes of the compare page: two periods of one indicator, or two indicators of one period.
COMPARE_MODES = ("periods", "indicators")
CLASSES_RANGE = (3, 7)


@dataclass(frozen=True)
class ViewSpec:
    """Everything that decides what a map, its legend and its table show: the one description of a view.

    The app's URL, the CLI's arguments and every download are this object; :meth:`to_params` /
    :meth:`from_params` are the only URL encoding (a link reproduces the view).
    """

    level: str = "commune"
    indicator: str = "smartphone_share"
    period: str | None = None              # None: the default period of the data (latest)
    province: str | None = None            # province code
    commune: str | None = None             # commune code: at hamlet level its hamlets; at commune level, the chosen one
    areas: tuple[str, ...] = field(default_factory=tuple)
    threshold: float | None = None         # keep units whose value is below (or above) this
    threshold_below: bool = True
    scheme: str = "target"                 # one of analysis.classify.SCHEME_KEYS (gaps first: below / near / at)
    k: int = 5                             # classes of the value-range schemes
    outlines: tuple[str, ...] = ("mountainous", "island")     # area classes outlined on the map ("none": none)
    gap_indicators: tuple[str, ...] = ("smartphone_share",)    # shortfalls that make a gap (team presence always)
    compare: str = "periods"               # compare page: "periods" or "indicators"
    period_a: str | None = None            # compare page: the earlier period (None: the one before)
    indicator_b: str = "vneid_share"       # compare page: the second indicator

    def __post_init__(self):
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}; choose one of: {', '.join(LEVELS)}")
        for key in (self.indicator, self.indicator_b, *self.gap_indicators):
            get_indicator(key)
        for areas in (self.areas, self.outlines):
            unknown = set(areas) - set(AREA_FILTERS)
            if unknown:
                raise ValueError(f"unknown area {sorted(unknown)[0]!r}; choose from: {', '.join(AREA_FILTERS)}")
        if self.scheme not in SCHEME_KEYS:
            raise ValueError(f"unknown classification {self.scheme!r}; choose one of: {', '.join(SCHEME_KEYS)}")
        if not CLASSES_RANGE[0] <= self.k <= CLASSES_RANGE[1]:
            raise ValueError(f"classes must be between {CLASSES_RANGE[0]} and {CLASSES_RANGE[1]}, not {self.k}")
        if self.compare not in COMPARE_MODES:
            raise ValueError(f"unknown compare mode {self.compare!r}; choose one of: {', '.join(COMPARE_MODES)}")

    def to_params(self) -> dict[str, str]:
        """Query parameters for a URL: only what differs from the defaults, so links stay short."""
        params: dict[str, str] = {}
        for name, (url_name, kind) in _URL.items():
            value = getattr(self, name)
            if value == _DEFAULTS[name] or value is None:
                continue
            if kind is tuple:
                params[url_name] = ",".join(value) or "none"  # none, where the default is some
            elif kind is bool:
                params[url_name] = "1"  # the only non-default: threshold above (threshold_below False)
            elif kind is float:
                params[url_name] = f"{value:g}"
            else:
                params[url_name] = str(value)
        return params

    @classmethod
    def from_params(cls, params) -> "ViewSpec":
        """A view from query parameters; a value that is not valid is ignored (bad links fall back, never crash)."""
        spec = cls()
        for name, (url_name, kind) in _URL.items():
            text = params.get(url_name)
            if text in (None, ""):
                continue
            text = str(text)
            try:
                if kind is tuple:
                    known = INDICATORS if name == "gap_indicators" else AREA_FILTERS  # keep the valid ones
                    value = tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip() in known))
                elif kind is bool:
                    value = text not in ("1", "true", "yes")  # "above=1" means "not below"
                elif kind is float:
                    value = float(text.replace(",", "."))
                    if value != value or abs(value) == float("inf"):
                        continue
                elif kind is int:
                    value = int(text)
                else:
                    value = text[:64]
                spec = replace(spec, **{name: value})
            except (ValueError, KeyError):
                continue
        return spec


#: field → (URL parameter, type). Kept compatible with links made by earlier versions.
_URL = {
    "level": ("level", str), "indicator": ("indicator", str), "period": ("period", str),
    "province": ("province", str), "commune": ("commune", str), "areas": ("area", tuple),
    "threshold": ("threshold", float), "threshold_below": ("above", bool), "scheme": ("scheme", str),
    "k": ("k", int), "outlines": ("outline", tuple), "gap_indicators": ("gi", tuple),
    "compare": ("compare", str), "period_a": ("pa", str), "indicator_b": ("ib", str),
}
_DEFAULTS = {name: getattr(ViewSpec(), name) for name in _URL}


def area_mask(units: pd.DataFrame, areas) -> pd.Series:
    """True for units in any of the chosen areas (all True when none is chosen)."""
    if not areas:
        return pd.Series(True, index=units.index)
    mask = pd.Series(False, index=units.index)
    for area in areas:
        column, accepted = AREA_FILTERS[area]
        if column not in units.columns:
            continue
        values = units[column]
        mask |= values.isin(accepted) if accepted else values.fillna(False).astype(bool)
    return mask


def select_units(units: pd.DataFrame, spec: ViewSpec, communes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The units of ``spec.level`` inside the chosen province, commune and areas.

    Area classes are commune attributes; hamlets inherit them from ``communes`` when they lack the columns.
    """
    selected = units
    if spec.province and "province_code" in selected.columns:
        selected = selected[selected["province_code"].astype(str) == spec.province]
    if spec.commune and spec.level == "hamlet" and "commune_code" in selected.columns:
        selected = selected[selected["commune_code"].astype(str) == spec.commune]
    if spec.areas:
        if spec.level == "hamlet" and communes is not None and "is_mountainous" not in selected.columns:
            classes = communes.set_index("commune_code")
            inherited = classes.reindex(selected["commune_code"]).set_index(selected.index)
            selected = selected[area_mask(inherited, spec.areas)]
        else:
            selected = selected[area_mask(selected, spec.areas)]
    return selected


def stats_for_period(stats: pd.DataFrame, period: str | None) -> tuple[pd.DataFrame, str | None]:
    """The rows of one period (the latest when ``period`` is None) and the period used."""
    if PERIOD not in stats.columns:
        return stats, None
    period = period or latest_period(stats)
    return stats[stats[PERIOD].astype(str) == str(period)], period


def province_stats_for_areas(communes: pd.DataFrame, commune_stats: pd.DataFrame, areas) -> pd.DataFrame:
    """Province statistics summed over only the communes in ``areas`` (all communes when none)."""
    if not areas:
        return commune_to_province(commune_stats)
    chosen = set(communes.loc[area_mask(communes, areas), "commune_code"].astype(str))
    return commune_to_province(commune_stats[commune_stats["commune_code"].astype(str).isin(chosen)])


def build_view_table(units: pd.DataFrame, stats: pd.DataFrame, spec: ViewSpec,
                     communes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows a map shows: selected units joined to one period of statistics, with the indicator.

    Parameters
    ----------
    units : (Geo)DataFrame
        Units of ``spec.level`` (canonical columns).
    stats : DataFrame
        Statistics of the same level, all periods. For province level with areas chosen, pass
        :func:`province_stats_for_areas` so only those communes count.
    spec : ViewSpec
    communes : DataFrame, optional
        Commune units, whose area classes hamlets inherit.

    Returns
    -------
    (Geo)DataFrame
        The selected units (every one, also those without statistics: their ``value`` is NaN) with the
        count columns, ``value`` (the indicator), ``numerator``, ``denominator`` and ``period``;
        ``attrs["period"]`` holds the period used.
    """
    key = KEY_COLUMN[spec.level]
    selected = select_units(units, spec, communes)
    period_stats, period = stats_for_period(stats, spec.period)
    stat_columns = [c for c in period_stats.columns if c == key or c not in selected.columns]
    period_stats = period_stats[stat_columns].drop_duplicates(subset=[key], keep="last")
    table = selected.merge(period_stats, on=key, how="left")
    indicator = get_indicator(spec.indicator)
    table["value"] = compute_indicator(table, spec.indicator, spec.level).to_numpy()
    for role, column in (("numerator", indicator.numerator), ("denominator", indicator.denominator)):
        table[role] = pd.to_numeric(table[column], errors="coerce") if column in table.columns else float("nan")
    table[PERIOD] = period
    if spec.threshold is not None:
        keep = table["value"] < spec.threshold if spec.threshold_below else table["value"] > spec.threshold
        table = table[keep.fillna(False)]
    table = table.reset_index(drop=True)
    table.attrs["period"] = period
    return table
