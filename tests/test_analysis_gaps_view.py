import math

import numpy as np
import pandas as pd
import pytest

from i18n.numbers import format_number, format_percent
from analysis.gaps import NO_TEAM, find_gaps
from analysis.view import ViewSpec, build_view_table, province_stats_for_areas
from loaders.settings import load_settings

TARGETS = load_settings(environ={}).targets


def communes():
    return pd.DataFrame({
        "level": "commune",
        "province_code": ["14", "14", "14", "51"],
        "province_name": ["Sơn La", "Sơn La", "Sơn La", "Quảng Ngãi"],
        "commune_code": ["04000", "04003", "04006", "21000"],
        "commune_name": ["Mường La", "Chiềng Hoa", "Tô Hiệu", "Lý Sơn"],
        "is_mountainous": [True, True, False, False],
        "is_island": [False, False, False, True],
        "ethnic_region": ["III", "II", "", ""],
    })


def commune_stats():
    rows = []
    for period, step in (("2025-Q3", 0), ("2025-Q4", 50)):
        rows += [
            ("04000", period, 12, 12, 10000, 3000 + step, 2, 10),
            ("04003", period, 10, 6, 5000, 3600 + step, 1, 7),
            ("04006", period, 8, 8, 8000, 7000 + step, 3, 30),
            ("21000", period, 4, 0, 4000, np.nan, 0, 0),
        ]
    frame = pd.DataFrame(rows, columns=["commune_code", "period", "hamlets", "hamlets_with_team",
                                        "population_15plus", "smartphone_users", "teams", "team_members"])
    frame["population"] = frame["population_15plus"] * 1.3
    frame["province_code"] = frame["commune_code"].map({"04000": "14", "04003": "14", "04006": "14", "21000": "51"})
    return frame


def test_view_table_keeps_units_without_data_and_uses_latest_period():
    table = build_view_table(communes(), commune_stats(), ViewSpec(indicator="smartphone_share"))
    assert table.attrs["period"] == "2025-Q4" and len(table) == 4
    values = dict(zip(table["commune_code"], table["value"]))
    assert values["04000"] == pytest.approx(30.5)
    assert math.isnan(values["21000"])               # no data stays no data
    assert table.loc[table.commune_code == "04003", "denominator"].iloc[0] == 5000


def test_filters_combine_province_area_period_threshold():
    spec = ViewSpec(indicator="smartphone_share", period="2025-Q3", province="14",
                    areas=("mountainous",), threshold=50)
    table = build_view_table(communes(), commune_stats(), spec)
    assert table["commune_code"].tolist() == ["04000"]
    assert table["value"].iloc[0] == pytest.approx(30.0)


def test_several_areas_combine_with_or():
    table = build_view_table(communes(), commune_stats(), ViewSpec(areas=("island", "ethnic")))
    assert sorted(table["commune_code"]) == ["04000", "04003", "21000"]


def test_view_spec_round_trips_through_url_params():
    spec = ViewSpec(level="hamlet", indicator="vneid_share", period="2024-Q2", province="14",
                    commune="04003", areas=("mountainous", "island"), threshold=60.5, threshold_below=False)
    assert ViewSpec.from_params(spec.to_params()) == spec
    assert ViewSpec.from_params({"indicator": "nonsense", "level": "galaxy"}) == ViewSpec()


def test_province_stats_for_areas_sums_only_chosen_communes():
    provinces = province_stats_for_areas(communes(), commune_stats(), ("mountainous",))
    latest = provinces[provinces.period == "2025-Q4"].set_index("province_code")
    assert list(latest.index) == ["14"]
    assert latest.loc["14", "population_15plus"] == 15000


def test_gaps_rank_by_people_affected_with_reasons_in_words():
    table = build_view_table(communes(), commune_stats(), ViewSpec(period="2025-Q3"))
    gaps = find_gaps(table, ["smartphone_share"], level="commune", targets=TARGETS)
    # Tô Hiệu (87.5 %, every hamlet has a team) is no gap; Lý Sơn's 5,200 residents outrank Mường La's 5,000.
    assert gaps["commune_code"].tolist() == ["21000", "04000", "04003"]
    mường_la = gaps.iloc[1]
    assert mường_la["gap_score"] == pytest.approx(10000 * 0.5)
    assert mường_la["reason_vi"] == "điện thoại thông minh 30 % < 80 %"
    assert mường_la["reason_en"] == "smartphone use 30% < 80%"
    lý_sơn = gaps.iloc[0]
    assert lý_sơn["reason_vi"] == "4/4 thôn chưa có tổ"
    assert lý_sơn["gap_score"] == pytest.approx(4000 * 1.3)   # all residents: no hamlet has a team
    chiềng_hoa = gaps.iloc[2]
    assert [r.indicator for r in chiềng_hoa["gap_reasons"]] == [NO_TEAM, "smartphone_share"]
    assert chiềng_hoa["gap_score"] == pytest.approx(5000 * 1.3 * 4 / 10 + 5000 * (80 - 72) / 100)


def test_units_meeting_every_target_are_not_gaps():
    table = build_view_table(communes(), commune_stats(), ViewSpec())
    gaps = find_gaps(table, ["smartphone_share"], targets={"smartphone_share": 20, "team_presence": 50})
    assert "04006" not in set(gaps["commune_code"])


def test_hamlet_without_team_is_a_gap():
    hamlets = pd.DataFrame({"hamlet_id": ["a", "b"], "teams": [0, 1], "population": [550, 900],
                            "population_15plus": [400, 700], "smartphone_users": [360, 600]})
    gaps = find_gaps(hamlets, ["smartphone_share"], level="hamlet", targets=TARGETS)
    assert gaps["hamlet_id"].tolist() == ["a"]
    assert gaps["reason_vi"].iloc[0] == "không có tổ"
    assert gaps["gap_score"].iloc[0] == 550


def test_vietnamese_and_english_number_formats():
    assert format_number(1459) == "1.459" and format_number(1459, "en") == "1,459"
    assert format_percent(85.5) == "85,5 %" and format_percent(85.5, "en") == "85.5%"
    assert format_number(1234567.25, decimals=2) == "1.234.567,25"
    assert format_percent(float("nan")) == "không có dữ liệu"
