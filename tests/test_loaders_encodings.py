"""Legacy 8-bit Vietnamese (SPEC §7.2): TCVN3 (ABC), VNI and cp1258 decoded and detected, to NFC."""

import unicodedata

import pytest

from loaders.encodings import (decode_tcvn3, decode_text_file, decode_vni, detect_encoding, is_vietnamese_syllable,
                               legacy_font_encoding)
from fixtures_builders import encode_cp1258

# Byte strings as the legacy fonts store them, written out by hand from the published tables.
TCVN3 = {
    b"B\xb6o Th\xbeng": "Bảo Thắng",
    b"M\xad\xeang Kh\xad\xacng": "Mường Khương",
    b"\xa7\xabng La": "Đông La",
    b"Thu\xfb Nguy\xaan": "Thuỷ Nguyên",
    b"L\xfd S\xacn": "Lý Sơn",
    b"Qu\xb6ng Tr\xde": "Quảng Trị",
    b"H\xad\xedng H\xe3a": "Hướng Hóa",
}
VNI = {
    b"Xa\xf5 \xd1o\xe2ng La": "Xã Đông La",
    b"Vie\xe4t Nam": "Việt Nam",
    b"Thu\xfby Nguye\xe2n": "Thủy Nguyên",
    b"\xd1a\xeak La\xeak": "Đăk Lăk",
    b"H\xf6\xf4\xf9ng Ho\xf9a": "Hướng Hóa",
    b"Qua\xfbng Tr\xf2": "Quảng Trị",
    b"Y\xd9 Ye\xe2n": "Ý Yên",
}


@pytest.mark.parametrize("raw, expected", TCVN3.items())
def test_tcvn3_decodes_to_the_exact_nfc_name(raw, expected):
    decoded = decode_tcvn3(raw)
    assert decoded == expected
    assert unicodedata.is_normalized("NFC", decoded)


@pytest.mark.parametrize("raw, expected", VNI.items())
def test_vni_decodes_to_the_exact_nfc_name(raw, expected):
    decoded = decode_vni(raw)
    assert decoded == expected
    assert unicodedata.is_normalized("NFC", decoded)


def test_detection_tells_the_four_encodings_apart():
    names = ["Bảo Thắng", "Mường Khương", "Đông La", "Thủy Nguyên", "Hướng Hóa", "Lý Sơn"]
    assert detect_encoding(list(TCVN3)) == "TCVN3"
    assert detect_encoding(list(VNI)) == "VNI"
    assert detect_encoding([encode_cp1258(n) for n in names]) == "cp1258"
    assert detect_encoding([n.encode("utf-8") for n in names]) == "UTF-8"
    assert detect_encoding([b"Ba Vi", b"An Khanh"]) == "UTF-8"  # plain ASCII reads the same everywhere


def test_a_single_vni_sentence_is_not_taken_for_tcvn3():
    # decoded as TCVN3 these bytes read "chaứo caực baùn": letters, but no Vietnamese vowel group "aư"
    assert detect_encoding([b"Xin cha\xf8o ca\xf9c ba\xefn"]) == "VNI"


def test_text_typed_in_legacy_fonts_is_recognised_and_real_unicode_is_left_alone():
    assert legacy_font_encoding(["B\xb6o Th\xbeng", "12"]) == "TCVN3"
    assert legacy_font_encoding(["Xin chaøo caùc baïn"]) == "VNI"
    assert legacy_font_encoding(["Bảo Thắng", "Café"]) is None
    assert legacy_font_encoding(["Café crème", "Hà"]) is None


def test_syllable_check():
    assert is_vietnamese_syllable("Nguyễn") and is_vietnamese_syllable("khương") and is_vietnamese_syllable("Đông")
    assert not is_vietnamese_syllable("B¶o") and not is_vietnamese_syllable("Vieät")
    assert is_vietnamese_syllable("khuya") and is_vietnamese_syllable("người") and is_vietnamese_syllable("Thuỷ")
    assert not is_vietnamese_syllable("chaứo")


def test_csv_text_with_bom_and_in_cp1258():
    assert decode_text_file("\ufeffMã xã;Tên xã".encode("utf-8")) == ("Mã xã;Tên xã", "UTF-8 (BOM)")
    text, encoding = decode_text_file(encode_cp1258("Mã xã;Tên xã\n1;Hướng Hóa\n"))
    assert (text, encoding) == ("Mã xã;Tên xã\n1;Hướng Hóa\n", "cp1258")
