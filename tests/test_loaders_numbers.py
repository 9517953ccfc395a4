"""Codes (SPEC §7.5), numbers (§7.6) and periods as Vietnamese files write them."""

import datetime
import math

import pandas as pd
import pytest

from loaders.numbers import pad_code, parse_number, parse_number_series, period_from_parts, period_from_text


@pytest.mark.parametrize("cell, expected", [
    (1234, "01234"), ("1234", "01234"), ("1234.0", "01234"), (1234.0, "01234"), (" 09877 ", "09877"),
    ("", None), ("-", None), (None, None), (float("nan"), None), ("12a45", None), ("123456", None), (12.5, None),
    ("12²", None), ("١٢٣", None),
])
def test_commune_codes_come_back_zero_padded(cell, expected):
    assert pad_code(cell, 5) == expected


def test_province_codes_are_two_digits():
    assert pad_code(1, 2) == "01"
    assert pad_code("8.0", 2) == "08"


@pytest.mark.parametrize("cell, expected", [
    ("1.459", 1459.0), ("85,5", 85.5), ("85,5%", 85.5), ("85,5 %", 85.5), ("0", 0.0), (0, 0.0),
    ("12", 12.0), ("1.234.567", 1234567.0), ("1 459", 1459.0), (17, 17.0), (3.25, 3.25),
])
def test_vietnamese_numbers(cell, expected):
    assert parse_number(cell) == expected


@pytest.mark.parametrize("cell", ["", "-", "–", "x", "n/a", None, float("nan"), "không rõ"])
def test_empty_dash_and_text_are_missing_not_zero(cell):
    assert math.isnan(parse_number(cell))


def test_a_column_with_english_decimals_is_read_as_english():
    parsed, not_numbers = parse_number_series(pd.Series(["85.5", "1,234.5", "90", "-"]))
    assert parsed.iloc[:3].tolist() == [85.5, 1234.5, 90.0]
    assert math.isnan(parsed.iloc[3]) and not_numbers == 0


def test_count_columns_read_a_single_group_separator_as_thousands():
    parsed, _ = parse_number_series(pd.Series(["1,459", "1.459", "12"]), whole=True)
    assert parsed.tolist() == [1459.0, 1459.0, 12.0]


def test_not_numbers_are_counted():
    _, not_numbers = parse_number_series(pd.Series(["12", "mười hai", ""]))
    assert not_numbers == 1


@pytest.mark.parametrize("text, expected", [
    ("2025-Q3", "2025-Q3"), ("Q3/2025", "2025-Q3"), ("Quý III/2025", "2025-Q3"), ("Quý 3 năm 2025", "2025-Q3"),
    ("Tháng 9/2025", "2025-09"), ("T9-2025", "2025-09"), ("09/2025", "2025-09"), ("2025-09", "2025-09"),
    ("Năm 2025", "2025"), ("bao_cao_2025_Q3", "2025-Q3"), (2025, "2025"), (datetime.date(2025, 9, 1), "2025-09"),
    ("Sheet1", None), ("Sheet 1 2025", "2025"), ("Tổng hợp", None),
])
def test_periods_from_cells_sheet_and_file_names(text, expected):
    assert period_from_text(text) == expected


def test_period_from_year_and_quarter_or_month_columns():
    assert period_from_parts(2025, 3) == "2025-Q3"
    assert period_from_parts("2025", "III") == "2025-Q3"
    assert period_from_parts(2025, None, 9) == "2025-09"
    assert period_from_parts(2025) == "2025"
