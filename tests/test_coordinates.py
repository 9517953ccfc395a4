"""Coordinates as typed in hamlet lists, zone words, coordinate headers and hamlet numbers (issue 11)."""

from __future__ import annotations

import math

import pytest

from loaders.columns import meaning
from loaders.coordinates import east_north, kind_of, lon_lat, parse_angle, parse_metres, parse_pair
from loaders.text import ascii_key, name_key
from loaders.vn2000 import province_meridians, read_hint

SECONDS = 21 + 19 / 60 + 28.2 / 3600


@pytest.mark.parametrize("text, expected", [
    ("21,3245", 21.3245), ("21.3245", 21.3245), (21.3245, 21.3245), (" 103,9123 ", 103.9123),
    ("21°19'28,2\"", SECONDS), ("21°19′28.2″N", SECONDS), ("21 19 28.2", SECONDS), ("21:19:28.2", SECONDS),
    ("21d19m28.2s", SECONDS), ("21°19,47'", 21 + 19.47 / 60), ("B 21°19'28,2\"", SECONDS), ("-8,5", -8.5),
])
def test_angles(text, expected):
    assert parse_angle(text) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("text", ["abc", "21 - 19", "21°75'", "21.5°19'", "", None, "Thôn 5"])
def test_not_angles(text):
    assert math.isnan(parse_angle(text))


@pytest.mark.parametrize("text, expected", [
    ("2.345.678,12", 2345678.12), ("2 345 678.12", 2345678.12), ("2345678,12", 2345678.12),
    ("2,345,678.5", 2345678.5), ("512.345", 512345.0), ("512345", 512345.0), (512345.25, 512345.25),
    ("2345678.123", 2345678.123), ("512345,6 m", 512345.6),
])
def test_metres(text, expected):
    assert parse_metres(text) == pytest.approx(expected)


@pytest.mark.parametrize("text, expected", [
    ("21,3245; 103,9123", (21.3245, 103.9123)), ("21.3245, 103.9123", (21.3245, 103.9123)),
    ("(21.3245,103.9123)", (21.3245, 103.9123)), ("21,3245 103,9123", (21.3245, 103.9123)),
    ("21°19'28,2\"N 103°54'0\"E", (SECONDS, 103.9)), ("2345678,1 / 512345,6", (2345678.1, 512345.6)),
])
def test_pairs_in_one_cell(text, expected):
    assert parse_pair(text) == pytest.approx(expected)


def test_which_number_is_which_by_range():
    assert lon_lat(105.8, 21.0, True) == (105.8, 21.0, False)
    assert lon_lat(21.0, 105.8, True) == (105.8, 21.0, True)       # swapped: said and corrected
    assert lon_lat(48.85, 2.35, True) is None                       # not in Vietnam either way
    assert east_north(2345678.0, 512345.0, True) == (512345.0, 2345678.0, False)   # VN-2000: X north
    assert east_north(512345.0, 2345678.0, True) == (512345.0, 2345678.0, True)    # a GIS order: X east
    assert kind_of([21.3, 105.8, float("nan")]) == "degrees" and kind_of([2345678.0, 512345.0]) == "metres"
    assert kind_of([21.3, 2345678.0]) is None


@pytest.mark.parametrize("text, epsg", [
    ("Hệ tọa độ VN-2000, kinh tuyến trục 104°00', múi chiếu 3°", 9206), ("KTT 105 45", 9210),
    ("kinh tuyến trục: 104,75 độ", 9208), ("Kinh tuyen truc 107o45'", 5899), ("múi chiếu 6°, UTM 48N", 3405),
    ("EPSG:9218", 9218), ("Tọa độ X (VN2000, KTT 105°30')", 9209), ("kinh tuyến trục 105°00', múi 6 độ", 3405),
])
def test_zone_words(text, epsg):
    assert read_hint([text]).crs().to_epsg() == epsg


def test_words_that_name_no_zone():
    hint = read_hint(["DANH SÁCH THÔN, BẢN", "Hệ WGS84", "Số hộ 105"])
    assert hint.crs() is None and hint.wgs84


def test_province_meridians_of_2025_provinces():
    assert province_meridians("14") == (104.0,)                    # Sơn La alone
    assert province_meridians("08") == (105.5, 106.0)              # Tuyên Quang + Hà Giang
    assert province_meridians("91") == (104.5, 104.75)             # An Giang + Kiên Giang


@pytest.mark.parametrize("header, canonical", [
    ("X", "coord_x"), ("Tọa độ Y (m)", "coord_y"), ("Kinh độ", "longitude"), ("Vĩ độ (N)", "latitude"),
    ("Longitude", "longitude"), ("lat", "latitude"), ("Tọa độ GPS", "coordinates"), ("Easting", "coord_y"),
    ("Số hộ (x1000)", "households"), ("Tên thôn", "hamlet_name"),
])
def test_coordinate_headers_by_meaning(header, canonical):
    assert meaning(header) == canonical


@pytest.mark.parametrize("a, b", [
    ("Thôn 5", "Thôn Năm"), ("TDP 5", "Tổ dân phố số 5"), ("Tổ dân phố 05", "tdp 5"), ("Xóm 12", "Xóm Mười hai"),
    ("Thôn 21", "Thôn Hai mươi mốt"), ("Thôn 25", "thôn hai mươi lăm"), ("Tổ 105", "Tổ một trăm linh năm"),
    ("Ấp 3", "ấp Ba"), ("Bản Nà Hoà", "Bản Nà Hòa"), ("Thon 6", "Thon Sau"),
])
def test_hamlet_numbers_in_words_or_digits(a, b):
    assert name_key(a, "hamlet") == name_key(b, "hamlet")


@pytest.mark.parametrize("a, b", [("Thôn Nam", "Thôn 5"), ("Thôn Tam", "Thôn 3"), ("Thôn Trung Tâm", "Thôn 3")])
def test_words_that_are_names_not_numbers(a, b):
    assert name_key(a, "hamlet") != name_key(b, "hamlet") and ascii_key(a, "hamlet") != ascii_key(b, "hamlet")
    assert name_key("Phường Năm", "commune") != name_key("Phường 5", "commune")  # communes are left as they are
