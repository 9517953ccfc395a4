"""The view one period earlier: what the KPI cards compare with ("▲ 3,2 điểm so với Quý 3/2025")."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from analysis.aggregate import previous_period
from dashboard.query.shown import ShownView, data_periods, indicator_view


def previous_view(source, view: ShownView, settings) -> ShownView | None:
    """``view``'s indicator view for the period before ``view.period`` in the data, or None (first period,
    or no periods)."""
    if not view.period:
        return None
    earlier = previous_period(pd.DataFrame({"period": data_periods(source)}), view.period)
    if earlier is None:
        return None
    return indicator_view(source, replace(view.spec, period=earlier), settings)
