"""Coordinates as people type them in hamlet lists: degrees, degrees-minutes-seconds, metres (SPEC §7.12).

Degrees come as numbers, as text with a decimal comma ("21,3245"), or as DMS in any of the usual spellings
(``21°19'28,2"``, ``21 19 28.2``, ``21:19:28.2``, ``21d19m28s``, degrees and decimal minutes ``21°19,47'``);
both may sit in one cell ("21,3245; 103,9123"). Plane coordinates in metres may carry thousands separators
("2.345.678,12", "2 345 678.12"). Hemisphere letters are ignored: in Vietnam latitudes are north and longitudes
east, and "N" means north in English but south (Nam) in Vietnamese.

Which number is which is decided by range, because in Vietnam they cannot be confused: longitudes are 100-120°,
latitudes 5-25°; VN-2000 northings (X) are 0.9-2.7 million metres, eastings (Y) under 0.9 million.
"""

from __future__ import annotations

import math
import re

from loaders.text import is_missing, nfc

#: Ranges that tell the numbers apart (with margins beyond Vietnam's extent).
LON_RANGE, LAT_RANGE = (100.0, 120.0), (5.0, 25.0)
NORTH_RANGE, EAST_RANGE = (850_000.0, 2_800_000.0), (0.0, 1_000_000.0)
DEGREES, METRES = "degrees", "metres"

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_HEMISPHERE = re.compile(r"(?i)(?<![^\W\d_])[nsewbđt](?![^\W\d_])")  # a lone N, S, E, W, B, Đ, T
_DMS_MARKS = re.compile(r"[°º˚′'’`″\"”:]|\b[dms]\b|(?<=\d)[dms](?=\s*\d|\s*$)|độ|phút|giây", re.IGNORECASE)


def _float(value) -> float | None:
    if isinstance(value, bool) or is_missing(value):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(float(value)) else None
    return None


def parse_angle(value) -> float:
    """Degrees from a number or a text (decimal with a point or a comma, or DMS); NaN when it is not one."""
    number = _float(value)
    if number is not None:
        return number
    if is_missing(value) or not isinstance(value, str):
        return math.nan
    text = nfc(value).strip()
    negative = text.startswith("-")
    text = _HEMISPHERE.sub(" ", text.lstrip("+-")).strip()
    words = re.sub(r"độ|phút|giây|(?<=\d)\s*[dms]\b|(?<=\d)[dms](?=\d)", " ", text, flags=re.IGNORECASE)
    if not text or re.search(r"[^\W\d_]", words):  # any other letter: a name, not an angle
        return math.nan
    tokens = _NUMBER.findall(text)
    if not tokens or len(tokens) > 3:
        return math.nan
    rest = _NUMBER.sub(" ", text)
    if len(tokens) > 1 and not _DMS_MARKS.search(rest) and rest.strip():
        return math.nan  # "21 - 19" and the like: not an angle
    parts = [float(t.replace(",", ".")) for t in tokens]
    if any(p.is_integer() is False for p in parts[:-1]) or any(p >= 60 for p in parts[1:]):
        return math.nan  # only the last part may have decimals; minutes and seconds stay under 60
    degrees = parts[0] + sum(p / 60 ** i for i, p in enumerate(parts[1:], start=1))
    return -degrees if negative else degrees


def parse_metres(value) -> float:
    """Metres from a number or a text with or without thousands separators; NaN when it is not one.

    A single separator followed by exactly three digits after one to three digits ("512.345") is a thousands
    separator: no plane coordinate in Vietnam is under 100 km, so it cannot be a decimal there.
    """
    number = _float(value)
    if number is not None:
        return number
    if is_missing(value) or not isinstance(value, str):
        return math.nan
    text = re.sub(r"[\s\u00a0\u202f']", "", nfc(value)).rstrip("m").lstrip("+")
    negative = text.startswith("-")
    text = text.lstrip("-")
    if not text or not re.fullmatch(r"[\d.,]+", text) or not text[0].isdigit():
        return math.nan
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal = "." if text.rfind(".") > text.rfind(",") else ","
        grouping = "," if decimal == "." else "."
        text = text.replace(grouping, "").replace(decimal, ".")
    elif dots > 1 or commas > 1:
        text = text.replace(".", "").replace(",", "")
    elif dots or commas:
        head, _, tail = text.replace(",", ".").partition(".")
        text = head + tail if len(tail) == 3 and len(head) <= 3 else f"{head}.{tail}"
    try:
        number = float(text)
    except ValueError:
        return math.nan
    return -number if negative else number


def parse_pair(value) -> tuple[float, float]:
    """Two angles or two distances written in one cell ("21,3245; 103,9123", "21°19'N 103°54'E")."""
    if is_missing(value) or not isinstance(value, str):
        return (math.nan, math.nan)
    text = nfc(value).strip().strip("()[]{}")
    for separator in (r"\s*;\s*", r"\s*\|\s*", r"\s*/\s*", r",\s+", r"\t+", r"(?<=[\"″”'′’NSEWnsewBĐđ])\s+",
                      r"\s+", r","):
        parts = [p for p in re.split(separator, text) if p.strip()]
        if len(parts) != 2:
            continue
        pair = tuple(parse_angle(p) for p in parts)
        if not any(math.isnan(v) for v in pair):
            return pair
        pair = tuple(parse_metres(p) for p in parts)
        if not any(math.isnan(v) for v in pair):
            return pair
    return (math.nan, math.nan)


def kind_of(values) -> str | None:
    """``"degrees"`` or ``"metres"`` for the numbers of a coordinate column, or None when it holds neither."""
    numbers = [abs(v) for v in values if not math.isnan(v)]
    if not numbers:
        return None
    degrees = sum(1 for v in numbers if v <= 180)
    metres = sum(1 for v in numbers if v >= 10_000)
    if degrees >= 0.8 * len(numbers):
        return DEGREES
    if metres >= 0.8 * len(numbers):
        return METRES
    return None


def _inside(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def lon_lat(first: float, second: float, first_is_lon: bool) -> tuple[float, float, bool] | None:
    """(lon, lat, swapped) from two angles whose order the header gives; None when they are not in Vietnam's
    ranges either way (``swapped``: the values contradicted the header)."""
    lon, lat = (first, second) if first_is_lon else (second, first)
    if _inside(lon, LON_RANGE) and _inside(lat, LAT_RANGE):
        return lon, lat, False
    if _inside(lat, LON_RANGE) and _inside(lon, LAT_RANGE):
        return lat, lon, True
    return None


def east_north(first: float, second: float, first_is_north: bool) -> tuple[float, float, bool] | None:
    """(east, north, swapped) from two distances; VN-2000 writes X (first) north and Y east. ``swapped``: the
    values said the other order (a GIS program writes X east)."""
    east, north = (second, first) if first_is_north else (first, second)
    if _inside(north, NORTH_RANGE) and _inside(east, EAST_RANGE) and north > east:
        return east, north, False
    if _inside(east, NORTH_RANGE) and _inside(north, EAST_RANGE) and east > north:
        return north, east, True
    return None


def looks_like(values, kind: str) -> float:
    """Share of ``values`` that can be a latitude, longitude, northing or easting (``kind``: "lat", "lon",
    "north", "east"), for columns no header names."""
    bounds = {"lat": LAT_RANGE, "lon": LON_RANGE, "north": NORTH_RANGE, "east": (100_000.0, 850_000.0)}[kind]
    parse = parse_angle if kind in ("lat", "lon") else parse_metres
    numbers = [parse(v) for v in values if not is_missing(v) and str(v).strip()]
    if not numbers:
        return 0.0
    fitting = sum(1 for v in numbers if not math.isnan(v) and _inside(v, bounds)
                  and (kind in ("north", "east") or not float(v).is_integer()))
    return fitting / len(numbers)
