"""Partial periods: coverage per period for the area shown and the period a page opens on (issue 12)."""

import pandas as pd

from analysis.periods import default_period, period_coverage


def _stats(rows):
    return pd.DataFrame(rows, columns=["commune_code", "period", "teams"])


UNITS = pd.DataFrame({"commune_code": ["a", "b", "c", "d", "e"]})


def test_coverage_counts_units_with_figures_in_the_area_shown():
    stats = _stats([(u, "2025-Q4", 1) for u in "abcde"] + [("a", "2026-Q1", 2), ("b", "2026-Q1", None),
                                                            ("z", "2026-Q1", 3)])
    coverage = period_coverage(stats, UNITS, "commune")
    assert coverage[["period", "units_with_data", "units_total"]].values.tolist() == [
        ["2025-Q4", 5, 5], ["2026-Q1", 1, 5]]  # an empty row and a unit outside the area do not count
    assert coverage["partial"].tolist() == [False, True]
    assert default_period(coverage) == "2025-Q4"
    assert default_period(coverage, requested="2026-Q1") == "2026-Q1"  # a link keeps its period
    assert default_period(coverage, requested="2031-Q1") == "2025-Q4"


def test_the_threshold_decides_and_without_a_complete_period_the_latest_is_used():
    stats = _stats([("a", "2025-Q4", 1), ("b", "2025-Q4", 1), ("a", "2026-Q1", 1)])
    assert default_period(period_coverage(stats, UNITS, "commune", complete_share=0.4)) == "2025-Q4"
    assert default_period(period_coverage(stats, UNITS, "commune", complete_share=0.8)) == "2026-Q1"
    assert default_period(period_coverage(_stats([]), UNITS, "commune")) is None


def test_a_province_can_be_complete_when_the_country_is_not():
    stats = _stats([("a", "2026-Q1", 1), ("b", "2026-Q1", 1)])
    province = UNITS.iloc[:2]
    assert period_coverage(stats, province, "commune")["partial"].tolist() == [False]
    assert period_coverage(stats, UNITS, "commune")["partial"].tolist() == [True]
