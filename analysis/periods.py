"""Which periods are complete for the area shown, and which one a page opens on (issue 12).

Figures arrive commune by commune and province by province, so the latest period is often *partial*: 5 of 3,321
communes. A page opens on the latest period that is reasonably complete for the area it shows (the share of units
with figures is the ``data.complete_share`` setting), lists partial periods as such ("Quý 1/2026 — 5 / 75 xã"),
and keeps a period given explicitly in a link. What "has figures" and "partial" mean is decided once, in
:mod:`loaders.store.merge` (the upload preview says the same).
"""

from __future__ import annotations

import pandas as pd

from loaders.schema import KEY_COLUMN, PERIOD
from loaders.store.merge import has_figures, is_partial, period_key

COVERAGE_COLUMNS = ("period", "units_with_data", "units_total", "share", "partial")


def period_coverage(stats: pd.DataFrame, units: pd.DataFrame, level: str,
                    complete_share: float = 0.8) -> pd.DataFrame:
    """Per period, how many of ``units`` (the area shown) have figures.

    Parameters
    ----------
    stats : DataFrame
        Statistics of ``level`` (any periods, any units: rows of units outside ``units`` are not counted).
    units : DataFrame
        The units of the area shown (their key column is enough).
    level : {"province", "commune", "hamlet"}
    complete_share : float
        Share of units with figures from which a period counts as complete.

    Returns
    -------
    DataFrame
        ``period``, ``units_with_data``, ``units_total``, ``share`` (0–1, NaN without units), ``partial``;
        one row per period of ``stats``, oldest first.
    """
    key = KEY_COLUMN[level]
    unit_keys = pd.Index(units[key].dropna().unique())
    total = len(unit_keys)
    if stats is None or stats.empty:
        return pd.DataFrame(columns=list(COVERAGE_COLUMNS))
    rows = stats[has_figures(stats) & stats[key].isin(unit_keys)]
    counted = rows.groupby(PERIOD)[key].nunique()
    periods = sorted(set(stats[PERIOD].dropna()), key=period_key)
    with_data = [int(counted.get(p, 0)) for p in periods]
    return pd.DataFrame({
        "period": periods, "units_with_data": with_data, "units_total": total,
        "share": [n / total if total else float("nan") for n in with_data],
        "partial": [is_partial(n, total, complete_share) for n in with_data],
    })


def default_period(coverage: pd.DataFrame, requested: str | None = None) -> str | None:
    """The period a page opens on: ``requested`` when it is one of the periods (a link keeps its period), else
    the latest complete period, else the latest period (``None`` when there is none)."""
    periods = list(coverage["period"]) if len(coverage) else []
    if requested and requested in periods:
        return requested
    complete = coverage.loc[~coverage["partial"].astype(bool), "period"] if len(coverage) else []
    if len(complete):
        return max(complete, key=period_key)
    return max(periods, key=period_key) if periods else None
