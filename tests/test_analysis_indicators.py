import math

import numpy as np
import pandas as pd
import pytest

from analysis.aggregate import commune_to_province, fill_counts_from_shares, hamlet_to_commune, latest_period
from analysis.indicators import INDICATORS, check_targets, compute_indicator, get_indicator, overall_value


def test_every_spec_indicator_is_defined_once_with_labels_and_direction():
    expected = {"smartphone_share", "team_presence", "members_per_1000", "residents_per_member",
                "vneid_share", "cashless_share", "online_service_share", "digital_skills_share"}
    assert set(INDICATORS) == expected
    assert get_indicator("residents_per_member").higher_is_better is False
    for indicator in INDICATORS.values():
        assert indicator.label("vi") and indicator.label("en") and indicator.unit("vi")
        assert indicator.label("vi") != indicator.label("en")


def test_targets_come_from_the_settings_and_a_misspelt_key_is_refused():
    from loaders.settings import load_settings

    targets = check_targets(load_settings(environ={}).targets)
    assert targets["smartphone_share"] == 80 and targets["online_service_share"] == 50
    assert "members_per_1000" not in targets
    with pytest.raises(KeyError, match="smartphon_share"):
        check_targets({"smartphon_share": 80})


def test_missing_or_zero_denominator_is_no_data_not_zero():
    stats = pd.DataFrame({"smartphone_users": [420, 0, 10, np.nan],
                          "population_15plus": [1000, 500, 0, 800]})
    values = compute_indicator(stats, "smartphone_share")
    assert values.iloc[0] == pytest.approx(42.0)
    assert values.iloc[1] == 0.0
    assert math.isnan(values.iloc[2]) and math.isnan(values.iloc[3])


def test_values_above_100_percent_are_kept_not_clipped():
    stats = pd.DataFrame({"vneid_level2": [1200], "population_15plus": [1000]})
    assert compute_indicator(stats, "vneid_share").iloc[0] == pytest.approx(120.0)


def test_share_column_fills_in_when_counts_are_missing():
    stats = pd.DataFrame({"smartphone_users": [np.nan, 300], "population_15plus": [np.nan, 1000],
                          "smartphone_share": [85.5, 99.0]})
    assert compute_indicator(stats, "smartphone_share").tolist() == pytest.approx([85.5, 30.0])


def test_team_presence_at_hamlet_and_commune_level():
    hamlets = pd.DataFrame({"teams": [2, 0, np.nan]})
    values = compute_indicator(hamlets, "team_presence", level="hamlet")
    assert values.iloc[0] == 100.0 and values.iloc[1] == 0.0 and math.isnan(values.iloc[2])
    communes = pd.DataFrame({"hamlets": [12, 0], "hamlets_with_team": [9, 0]})
    values = compute_indicator(communes, "team_presence", level="commune")
    assert values.iloc[0] == pytest.approx(75.0) and math.isnan(values.iloc[1])


def test_rates_per_1000_and_residents_per_member():
    stats = pd.DataFrame({"team_members": [8966], "population": [1_300_000]})
    assert compute_indicator(stats, "members_per_1000").iloc[0] == pytest.approx(8966 / 1300)
    assert compute_indicator(stats, "residents_per_member").iloc[0] == pytest.approx(1_300_000 / 8966)


def test_overall_value_is_weighted_by_denominator_and_ignores_missing_rows():
    stats = pd.DataFrame({"smartphone_users": [900, 100, np.nan], "population_15plus": [1000, 1000, 5000]})
    assert overall_value(stats, "smartphone_share") == pytest.approx(50.0)


def hamlet_stats():
    return pd.DataFrame({
        "hamlet_id": ["00001-001", "00001-002", "00001-003", "00004-001"],
        "commune_code": ["00001", "00001", "00001", "00004"],
        "province_code": ["01", "01", "01", "01"],
        "period": ["2025-Q4"] * 4,
        "teams": [1, 0, np.nan, 2],
        "team_members": [6, 0, np.nan, 11],
        "population": [500, 300, 200, 1000],
        "smartphone_users": [np.nan, np.nan, np.nan, 700],
    })


def test_hamlet_to_commune_counts_hamlets_with_team_and_residents_without():
    communes = hamlet_to_commune(hamlet_stats()).set_index("commune_code")
    assert communes.loc["00001", "hamlets"] == 2          # the hamlet with unknown teams is not counted
    assert communes.loc["00001", "hamlets_with_team"] == 1
    assert communes.loc["00001", "teams"] == 1
    assert communes.loc["00001", "population"] == 1000
    assert communes.loc["00001", "population_without_team"] == 300
    assert math.isnan(communes.loc["00001", "smartphone_users"])  # all missing stays missing
    assert communes.loc["00004", "smartphone_users"] == 700


def test_commune_to_province_sums_and_keeps_periods_apart():
    communes = hamlet_to_commune(pd.concat([hamlet_stats(), hamlet_stats().assign(period="2025-Q3")]))
    provinces = commune_to_province(communes)
    assert provinces["period"].tolist() == ["2025-Q3", "2025-Q4"]
    assert provinces["teams"].tolist() == [3, 3]
    assert latest_period(provinces) == "2025-Q4"


def test_shares_become_counts_before_summing():
    stats = pd.DataFrame({"smartphone_share": [50.0], "population_15plus": [400]})
    assert fill_counts_from_shares(stats)["smartphone_users"].iloc[0] == pytest.approx(200)
