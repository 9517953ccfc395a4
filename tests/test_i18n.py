"""Labels in Vietnamese and English, and the Vietnamese way of writing numbers."""

from dashboard import i18n
from dashboard.i18n import format_number, format_percent, format_value, t


def test_every_label_has_both_languages():
    for key, (vi, en) in i18n._LABELS.items():
        assert vi and en, key
        assert t(key, "vi") == vi and t(key, "en") == en


def test_vietnamese_is_the_default():
    assert t("page_map") == "Bản đồ" and t("page_map", "en") == "Map"


def test_placeholders_are_filled():
    assert t("gap_count", "vi", n="1.459") == "1.459 đơn vị là vùng trống"


def test_numbers_are_written_the_vietnamese_way():
    assert format_number(1459) == "1.459" and format_number(1459, "en") == "1,459"
    assert format_percent(85.5) == "85,5 %" and format_percent(85.5, "en") == "85.5%"
    assert format_number(1234567.25, "vi", 2) == "1.234.567,25"


def test_no_data_is_never_zero():
    assert "0" not in format_value(float("nan"), "%", "vi")
