"""VN-2000 plane coordinates: which zone a hamlet list is in, and its CRS (SPEC §7.1, §7.12).

Provincial lists give hamlets in VN-2000 X/Y (X north, Y east) of the province's TM-3 zone: a transverse
Mercator with scale 0.9999 and false easting 500 km on the province's *central meridian* (kinh tuyến trục),
fixed per province by Circular 973/2001/TT-TCĐC of the General Department of Land Administration (Tổng cục Địa
chính), annex "Kinh tuyến trục theo từng tỉnh"; Hà Tây (105°00') joined Hà Nội in 2008. Maps at smaller scales
use the 6° UTM zones 48 and 49 (scale 0.9996). The zone is taken, in this order, from ``--crs``, from the text of
the file (the column header or a line above or under the table: "Kinh tuyến trục 104°00'", "KTT 105 45",
"múi chiếu 3°", "UTM 48", "EPSG:9210"), else from the province of each hamlet's commune.

A 2025 province formed from several old ones may span several meridians (Tuyên Quang: 106°00', the former Hà
Giang: 105°30'), so the meridian of a 2025 commune is the one of the province it belonged to before 2025
(:func:`commune_meridians`, through the official crosswalk).

The CRS built here are the EPSG ones (VN-2000 / TM-3 …, EPSG:5896-5899 and 9205-9218; VN-2000 / UTM 48N/49N,
EPSG:3405/3406): PROJ then applies the published 7-parameter shift VN-2000 → WGS 84 of Decision
05/2007/QĐ-BTNMT (EPSG transformation "VN-2000 to WGS 84 (2)"); ``tests/test_vn2000.py`` checks it against an
independent computation from the published parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pyproj import CRS, Transformer
from pyproj.transformer import TransformerGroup

from loaders.text import nfc, strip_diacritics

#: Central meridian (degrees east) of each pre-2025 province (GSO code), Circular 973/2001/TT-TCĐC. The names are
#: there to be read (a test checks them against the pre-2025 register).
PROVINCE_MERIDIANS: dict[str, tuple[str, float]] = {
    "01": ("Hà Nội", 105.0), "02": ("Hà Giang", 105.5), "04": ("Cao Bằng", 105.75), "06": ("Bắc Kạn", 106.5),
    "08": ("Tuyên Quang", 106.0), "10": ("Lào Cai", 104.75), "11": ("Điện Biên", 103.0),
    "12": ("Lai Châu", 103.0), "14": ("Sơn La", 104.0), "15": ("Yên Bái", 104.75), "17": ("Hòa Bình", 106.0),
    "19": ("Thái Nguyên", 106.5), "20": ("Lạng Sơn", 107.25), "22": ("Quảng Ninh", 107.75),
    "24": ("Bắc Giang", 107.0), "25": ("Phú Thọ", 104.75), "26": ("Vĩnh Phúc", 105.0), "27": ("Bắc Ninh", 105.5),
    "30": ("Hải Dương", 105.5), "31": ("Hải Phòng", 105.75), "33": ("Hưng Yên", 105.5),
    "34": ("Thái Bình", 105.5), "35": ("Hà Nam", 105.0), "36": ("Nam Định", 105.5), "37": ("Ninh Bình", 105.0),
    "38": ("Thanh Hóa", 105.0), "40": ("Nghệ An", 104.75), "42": ("Hà Tĩnh", 105.5), "44": ("Quảng Bình", 106.0),
    "45": ("Quảng Trị", 106.25), "46": ("Huế", 107.0), "48": ("Đà Nẵng", 107.75), "49": ("Quảng Nam", 107.75),
    "51": ("Quảng Ngãi", 108.0), "52": ("Bình Định", 108.25), "54": ("Phú Yên", 108.5),
    "56": ("Khánh Hòa", 108.25), "58": ("Ninh Thuận", 108.25), "60": ("Bình Thuận", 108.5),
    "62": ("Kon Tum", 107.5), "64": ("Gia Lai", 108.5), "66": ("Đắk Lắk", 108.5), "67": ("Đắk Nông", 108.5),
    "68": ("Lâm Đồng", 107.75), "70": ("Bình Phước", 106.25), "72": ("Tây Ninh", 105.5),
    "74": ("Bình Dương", 105.75), "75": ("Đồng Nai", 107.75), "77": ("Bà Rịa - Vũng Tàu", 107.75),
    "79": ("Hồ Chí Minh", 105.75), "80": ("Long An", 105.75), "82": ("Tiền Giang", 105.75),
    "83": ("Bến Tre", 105.75), "84": ("Trà Vinh", 105.5), "86": ("Vĩnh Long", 105.5), "87": ("Đồng Tháp", 105.0),
    "89": ("An Giang", 104.75), "91": ("Kiên Giang", 104.5), "92": ("Cần Thơ", 105.0), "93": ("Hậu Giang", 105.0),
    "94": ("Sóc Trăng", 105.5), "95": ("Bạc Liêu", 105.0), "96": ("Cà Mau", 104.5),
}
#: EPSG code of the VN-2000 TM-3 zone on each central meridian.
TM3_EPSG = {103.0: 9205, 104.0: 9206, 104.5: 9207, 104.75: 9208, 105.0: 5897, 105.5: 9209, 105.75: 9210,
            106.0: 9211, 106.25: 9212, 106.5: 9213, 107.0: 9214, 107.25: 9215, 107.5: 9216, 107.75: 5899,
            108.0: 5898, 108.25: 9217, 108.5: 9218, 102.0: 5896}
#: VN-2000 / UTM zone 48N and 49N (6° zones on 105° and 111°).
UTM_EPSG = {48: 3405, 49: 3406}
UTM_MERIDIANS = {105.0: 48, 111.0: 49}

_DEGREES = r"(\d{3})(?!\d)(?:[.,](\d+)|\s*(?:[°º˚o]|do\b)?\s*(?:(\d{1,2})(?!\d)\s*(?:['′’`]|phut\b)?)?)"
_MERIDIAN = re.compile(r"(?:kinh\s*tuyen\s*truc|ktt|kinh\s*tuyen\s*trung\s*uong|central\s*meridian|lon_?0)"
                       r"\s*[:=]?\s*(?:la\s*)?" + _DEGREES, re.IGNORECASE)
_ZONE_WIDTH = re.compile(r"mui\s*(?:chieu)?\s*[:=]?\s*([36])(?!\d)|([36])\s*(?:°|º|do\b)\s*(?:zone|mui)"
                         r"|\btm[\s-]*3\b|\b(utm)\b", re.IGNORECASE)
_UTM_ZONE = re.compile(r"(?:utm|mui\s*(?:chieu)?)\s*(?:zone\s*)?(48|49)\s*n?\b", re.IGNORECASE)
_EPSG = re.compile(r"epsg\s*[:=]?\s*(\d{4,5})", re.IGNORECASE)
_WGS84 = re.compile(r"wgs\s*-?\s*84", re.IGNORECASE)
_VN2000 = re.compile(r"vn\s*-?\s*2000", re.IGNORECASE)


@dataclass(frozen=True)
class ZoneHint:
    """What the text of a file says about its coordinates.

    ``meridian``: a central meridian in degrees; ``width``: 3 or 6 (zone width) or None; ``epsg``: a code
    written in the file; ``utm_zone``: 48 or 49; ``wgs84`` / ``vn2000``: the datum is named; ``text``: the
    line that said it (for the report).
    """

    meridian: float | None = None
    width: int | None = None
    epsg: int | None = None
    utm_zone: int | None = None
    wgs84: bool = False
    vn2000: bool = False
    text: str = ""

    def crs(self) -> CRS | None:
        """The CRS these words name, or None when they do not name one."""
        if self.epsg:
            try:
                return CRS.from_epsg(self.epsg)
            except Exception:  # noqa: BLE001 - an unknown code in a title line names nothing
                return None
        if self.utm_zone:
            return CRS.from_epsg(UTM_EPSG[self.utm_zone])
        if self.meridian is not None:
            if self.width == 6 and self.meridian in UTM_MERIDIANS:
                return CRS.from_epsg(UTM_EPSG[UTM_MERIDIANS[self.meridian]])
            return tm3_crs(self.meridian)
        return None


def _plain(text: str) -> str:
    return strip_diacritics(nfc(text)).lower()


def _degrees(degrees: str, fraction: str | None, minutes: str | None) -> float:
    if fraction is not None:  # 104,75 or 104.5: decimal degrees
        return float(f"{degrees}.{fraction}")
    return int(degrees) + (int(minutes) / 60 if minutes else 0.0)


def read_hint(texts) -> ZoneHint:
    """The zone named by any of ``texts`` (cells around a table, headers): meridian, width, EPSG, UTM zone."""
    found: dict = {}
    for text in texts:
        if not isinstance(text, str) or not text.strip():
            continue
        plain = _plain(text)
        said = False
        if "meridian" not in found and (match := _MERIDIAN.search(plain)):
            value = _degrees(match.group(1), match.group(2), match.group(3))
            if 100 <= value <= 120:
                found["meridian"], said = round(value * 4) / 4, True
        if "width" not in found and (match := _ZONE_WIDTH.search(plain)):
            width = match.group(1) or match.group(2)
            found["width"] = int(width) if width else (6 if match.group(3) else 3)
            said = True
        if "utm_zone" not in found and (match := _UTM_ZONE.search(plain)):
            found["utm_zone"], said = int(match.group(1)), True
        if "epsg" not in found and (match := _EPSG.search(plain)):
            found["epsg"], said = int(match.group(1)), True
        if _WGS84.search(plain):
            found["wgs84"], said = True, True
        if _VN2000.search(plain):
            found["vn2000"], said = True, True
        if said and "text" not in found:
            found["text"] = nfc(text)[:120]
    return ZoneHint(**found)


def tm3_crs(meridian: float) -> CRS:
    """VN-2000 / TM-3 on ``meridian`` (an EPSG CRS; a meridian EPSG lacks gets the same definition by hand)."""
    meridian = round(meridian * 4) / 4
    if meridian in TM3_EPSG:
        return CRS.from_epsg(TM3_EPSG[meridian])
    return CRS.from_proj4(f"+proj=tmerc +lat_0=0 +lon_0={meridian} +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
                          "+towgs84=-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,"
                          "0.252906278 +units=m +no_defs")


@lru_cache(maxsize=64)
def to_wgs84(crs: CRS) -> Transformer:
    """The transformation of ``crs`` to WGS 84 lon/lat; for VN-2000 always the national one.

    PROJ otherwise picks, point by point, the most local operation it knows: in the Mekong delta that is the
    oil-industry set "VN-2000 to WGS 84 (1)" (blocks DBSCL 02 and 03), 0.8 m away from the national parameters of
    Decision 05/2007/QĐ-BTNMT ("VN-2000 to WGS 84 (2)") that cadastral coordinates are made with.
    """
    group = TransformerGroup(crs, "EPSG:4326", always_xy=True)
    national = [t for t in group.transformers if "VN-2000 to WGS 84 (2)" in t.description]
    return national[0] if national else Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def meridian_label(meridian: float) -> str:
    """104.75 → "104°45'" (how the circular writes it)."""
    degrees = int(meridian)
    return f"{degrees}°{round((meridian - degrees) * 60):02d}'"


@lru_cache(maxsize=1)
def commune_meridians() -> dict[str, tuple[float, ...]]:
    """2025 commune code → the central meridians of the provinces its parts belonged to before 2025."""
    from loaders.legacy import crosswalk
    from loaders.register import legacy_units

    old_province = dict(zip(legacy_units()["legacy_code"], legacy_units()["province_code"]))
    found: dict[str, set[float]] = {}
    for legacy, current in zip(crosswalk()["legacy_code"], crosswalk()["commune_code"]):
        province = old_province.get(legacy)
        if province in PROVINCE_MERIDIANS:
            found.setdefault(current, set()).add(PROVINCE_MERIDIANS[province][1])
    return {code: tuple(sorted(values)) for code, values in found.items()}


def province_meridians(province_code: str) -> tuple[float, ...]:
    """The central meridians used in a 2025 province (one, or several when it joined provinces of different
    meridians)."""
    from loaders.legacy import legacy_to_2025_province

    return tuple(sorted({PROVINCE_MERIDIANS[old][1] for old, new in legacy_to_2025_province().items()
                         if new == province_code and old in PROVINCE_MERIDIANS}))
