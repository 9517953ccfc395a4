"""Names (SPEC §7.4): NFC/NFD, tone placement, prefixes, abbreviations, case, spacing, ASCII-only."""

import unicodedata

import pytest

from loaders.text import ascii_key, canonical_type, header_key, name_key, nfc, split_unit_type, strip_diacritics


def test_nfd_name_becomes_nfc_and_keeps_its_letters():
    decomposed = unicodedata.normalize("NFD", "Thủy Nguyên")
    assert decomposed != "Thủy Nguyên"
    assert nfc(decomposed) == "Thủy Nguyên"
    assert name_key(decomposed) == name_key("Thủy Nguyên")


@pytest.mark.parametrize("old, new", [("Hoà Bình", "Hòa Bình"), ("Thuỷ Nguyên", "Thủy Nguyên"),
                                      ("Khoá", "Khóa"), ("Quý Hợp", "Qúy Hợp")])
def test_old_and_new_tone_placement_share_a_key(old, new):
    assert old != new
    assert name_key(old) == name_key(new)


def test_different_tones_stay_different():
    assert name_key("Hòa An") != name_key("Hóa An")
    assert name_key("Chiềng Hoà") != name_key("Chiềng Hoa")


@pytest.mark.parametrize("written, kind, bare", [
    ("Xã Đông La", "Xã", "Đông La"), ("X. Đông La", "Xã", "Đông La"), ("x.Đông La", "Xã", "Đông La"),
    ("Phường 01", "Phường", "01"), ("P. Bàn Cờ", "Phường", "Bàn Cờ"), ("TT. Thuỷ Nguyên", "Thị trấn", "Thuỷ Nguyên"),
    ("Thị trấn Ba Vì", "Thị trấn", "Ba Vì"), ("Đặc khu Lý Sơn", "Đặc khu", "Lý Sơn"), ("Xa Dong La", "Xã", "Dong La"),
    ("Ba Vì", None, "Ba Vì"),
])
def test_commune_prefixes_and_abbreviations(written, kind, bare):
    assert split_unit_type(written, "commune") == (kind, bare)


@pytest.mark.parametrize("written, kind, bare", [
    ("Thôn Lũng Vân", "Thôn", "Lũng Vân"), ("Bản Mòng", "Bản", "Mòng"), ("Ấp 3", "Ấp", "3"),
    ("Xóm Đồi", "Xóm", "Đồi"), ("Tổ dân phố số 5", "Tổ dân phố", "số 5"), ("TDP số 5", "Tổ dân phố", "số 5"),
])
def test_hamlet_prefixes(written, kind, bare):
    assert split_unit_type(written, "hamlet") == (kind, bare)


def test_prefix_case_spacing_and_leading_zeros_do_not_change_the_key():
    key = name_key("Phường 1", "commune")
    assert name_key("  PHƯỜNG   01 ", "commune") == key
    assert name_key("P.1", "commune") == key
    assert name_key("Xã  HÒA   bình", "commune") == name_key("Hoà Bình", "commune") == "hoa2 binh2"


def test_ascii_key_matches_names_typed_without_diacritics():
    assert ascii_key("Xã Đông La", "commune") == ascii_key("Xa Dong La", "commune") == "dong la"
    assert strip_diacritics("Đắk Lắk") == "Dak Lak"


def test_a_name_that_is_only_a_prefix_word_is_kept():
    assert split_unit_type("Bản", "hamlet") == (None, "Bản")


def test_header_key_drops_diacritics_case_and_punctuation():
    assert header_key("Tỷ lệ sử dụng điện thoại thông minh (%)") == "ty le su dung dien thoai thong minh"
    assert header_key("Tên xã/phường") == "ten xa phuong"


@pytest.mark.parametrize("written, expected", [("XÃ", "Xã"), ("xa", "Xã"), ("TT.", "Thị trấn"), ("phuong", "Phường"),
                                               ("Đặc khu", "Đặc khu"), ("TDP", "Tổ dân phố"), ("Khác", "Khác"),
                                               ("", None)])
def test_unit_types_are_written_the_canonical_way(written, expected):
    assert canonical_type(written) == expected


def test_digits_that_are_not_decimal_do_not_break_keys():
    assert name_key("Thôn 2²") == "2²"
    assert name_key("Thôn ٠٣", "hamlet") == name_key("Thôn 3", "hamlet")
