"""The corpus of real layouts (tests/corpus): every row read ends in its exact class and unit, figures are summed
right, and no row anywhere lands on a wrong unit (issue 10, done-when)."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from corpus.layouts import CASES
from loaders.join import join_stats
from loaders.stats import read_stats
from loaders.validate import validate


def _outcomes(report: dict) -> dict:
    return {(row["sheet"], row["row"]): row for row in report["join"]["rows"]}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every case built and validated once: (case, validate report, join result)."""
    results = {}
    for build in CASES:
        folder = tmp_path_factory.mktemp(build.__name__)
        case = build(folder)
        report = validate(case.boundaries, case.stats)
        from loaders.boundaries import read_boundaries

        units = read_boundaries(case.boundaries).units
        joined = join_stats(units, [read_stats(p) for p in case.stats], report["join"]["level"])
        results[case.name] = (case, report, joined)
    return results


@pytest.mark.parametrize("name", [build.__name__ for build in CASES])
def test_every_row_has_its_exact_outcome(built, name):
    case, report, _ = built[name]
    join = report["join"]
    outcomes = _outcomes(report)
    assert join["rows_read"] == len(case.expected) == sum(join["classes"].values())
    assert len(outcomes) == len(case.expected)
    for expected in case.expected:
        got = outcomes.get((expected.sheet, expected.row))
        assert got is not None, f"{name}: no outcome for {expected}"
        assert got["class"] == expected.cls, (name, expected, got)
        if expected.cls in ("code", "name", "legacy") and expected.key is not None:
            assert got["key"] == expected.key, (name, expected, got)
    assert join["can_apply"] == any(e.cls in ("code", "name", "legacy") for e in case.expected)
    for row in join["rows"]:
        if row["class"] == "unmatched" and name == "son_la_2025_report":
            assert row["suggestion"] == "Xã Mường Bú (03847, Sơn La)"
    for description, check in case.checks:
        assert check(report), f"{name}: {description}"


@pytest.mark.parametrize("name", [build.__name__ for build in CASES])
def test_figures_land_summed_and_recomputed(built, name):
    case, report, joined = built[name]
    key = "hamlet_id" if report["join"]["level"] == "hamlet" else "commune_code"
    applied = joined.applied.set_index([key, "period"])
    for key, columns in case.sums.items():
        assert key in applied.index, (name, key)
        for column, value in columns.items():
            assert math.isclose(applied.loc[key, column], value, rel_tol=1e-9), (name, key, column)
    if applied.index.get_level_values(0).notna().all():
        assert not applied.index.duplicated().any()  # one row per unit and period


def test_no_row_of_the_corpus_lands_on_a_wrong_unit(built):
    wrong, counts = [], Counter()
    for case, report, _ in built.values():
        outcomes = _outcomes(report)
        for expected in case.expected:
            got = outcomes[(expected.sheet, expected.row)]
            counts[got["class"]] += 1
            if got["class"] in ("code", "name", "legacy") and expected.key is not None and got["key"] != expected.key:
                wrong.append((case.name, expected, got["key"]))
    assert wrong == []
    assert sum(counts.values()) >= 250 and counts["legacy"] >= 40 and counts["not_data"] >= 15
