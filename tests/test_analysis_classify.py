import numpy as np
import pytest

from analysis.classify import NO_DATA, TargetBased, UserDefined, classify

VALUES = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, np.nan]


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval", "natural_breaks"])
def test_no_data_gets_its_own_class_and_never_the_lowest(scheme):
    result = classify(VALUES, scheme, k=5)
    assert result.class_of[-1] == NO_DATA
    assert result.class_of[0] == 0 and result.class_of[9] == result.k - 1
    assert sum(result.counts()) == 10
    assert list(result.bins) == sorted(result.bins)


def test_equal_interval_breaks_are_exact():
    result = classify(VALUES, "equal_interval", k=5)
    assert result.bins == pytest.approx((14, 23, 32, 41, 50))
    assert result.lower == 5


def test_natural_breaks_separate_clusters():
    values = [1, 2, 3, 50, 51, 52, 98, 99, 100]
    result = classify(values, "natural_breaks", k=3)
    assert result.class_of.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_fewer_distinct_values_than_classes():
    result = classify([7, 7, 7, 9], "quantiles", k=5)
    assert result.k <= 2
    assert set(result.class_of) <= {0, 1}


def test_all_missing_gives_no_classes():
    result = classify([np.nan, np.nan], "quantiles", k=5)
    assert result.k == 0 and list(result.class_of) == [NO_DATA, NO_DATA]


def test_target_based_classes_below_near_at():
    result = classify([42, 72, 79.9, 80, 95, np.nan], TargetBased(80, 10), k=3)
    assert result.names == ("not_met", "near", "met")
    assert result.class_of.tolist() == [0, 1, 1, 2, 2, NO_DATA]


def test_target_based_when_lower_is_better():
    result = classify([100, 150, 400], TargetBased(120, 50, higher_is_better=False))
    assert result.names == ("met", "near", "not_met")
    assert result.class_of.tolist() == [0, 1, 2]


def test_user_defined_bounds_are_shared_between_periods():
    bounds = (20, 40, 60, 80, 100)
    first = classify([10, 50, 90], UserDefined(bounds))
    second = classify([30, 70], UserDefined(bounds))
    assert first.bins == second.bins == bounds
    assert first.class_of.tolist() == [0, 2, 4] and second.class_of.tolist() == [1, 3]


def test_unknown_scheme_is_named():
    with pytest.raises(KeyError, match="natural_breaks"):
        classify([1, 2], "jenks-ish")
