"""Plausible hamlet names and types by region (SPEC §9). Names are invented, never real places."""

from __future__ import annotations

import numpy as np

from .source import unit_rng

THAI_1 = ("Nà", "Huổi", "Pá", "Co", "Hua", "Púng", "Nậm", "Phiêng", "Ten", "Lọng", "Pú", "Hát", "Tà",
          "Nong", "Bó", "Piềng", "Xa", "Lả", "Có", "Củ")
THAI_2 = ("Sản", "Pe", "Mạ", "Bánh", "Cang", "Lẹ", "Hịa", "Púa", "Ban", "Khoang", "Nưa", "Luông",
          "Mòn", "Ún", "Sài", "Chạy", "Lầu", "Tấu", "Hin", "Kham", "Bon", "Tát", "Nọi", "Hốc")
HMONG_1 = ("Háng", "Sín", "Mào", "Tả", "Sáng", "Lử", "Pa", "Tủa", "Chống", "Sủng")
HMONG_2 = ("Chải", "Tở", "Phìn", "Súng", "Lồng", "Chua", "Cheo", "Sang", "Pả", "Dì")
TAY_1 = ("Nà", "Khuổi", "Pác", "Bó", "Lũng", "Phiêng", "Cốc", "Nặm", "Slam", "Khau", "Co", "Pò")
TAY_2 = ("Pồng", "Luông", "Cáp", "Lìn", "Ngần", "Mạ", "Rạo", "Tấu", "Thon", "Sla", "Mò", "Pảng",
         "Đẩy", "Slàng", "Lạn", "Nưa", "Vài", "Chang")
HIGHLAND_1 = ("Ea", "Ko", "Cư", "Krông", "Tơng", "Kon", "Đăk", "Ia", "Plơi", "Dlei")
HIGHLAND_2 = ("Kmar", "Sier", "Bông", "Dhăm", "Hring", "Pal", "Jú", "Knia", "Drai", "Klor", "Hra",
              "Trăm", "Ngol", "Roh", "Pông", "Ring", "Kép", "Mơ", "Tê", "Bar")
HAN_1 = ("An", "Bình", "Phú", "Tân", "Long", "Hòa", "Thạnh", "Mỹ", "Vĩnh", "Phước", "Hưng", "Đông",
         "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Xuân", "Thanh", "Quang", "Minh", "Đức",
         "Hiệp", "Khánh", "Thuận", "Lộc", "Yên", "Phong", "Thái")
HAN_2 = ("Lợi", "Hòa", "Thạnh", "Hưng", "Phú", "Bình", "An", "Lộc", "Thới", "Thuận", "Mỹ", "Điền",
         "Lạc", "Hội", "Phong", "Xuân", "Long", "Quới", "Hiệp", "Khánh", "Trung", "Tiến", "Thịnh",
         "Ninh", "Đạt")
NORTH_PLACES = ("Đông", "Đoài", "Thượng", "Hạ", "Trung", "Đình", "Chùa", "Giếng", "Bến", "Mới",
                "Cầu", "Đồng", "Trại", "Chợ", "Bãi")

NORTHWEST = ("11", "12", "14", "15")
NORTHEAST = ("04", "08", "19", "20")
MEKONG_AND_SOUTH = ("75", "79", "80", "82", "86", "91", "92", "96")
BUON_PROVINCES = ("66", "68")
PLEI_PROVINCES = ("52", "51")
XOM_PROVINCES = ("40", "42", "19", "25")


def hamlet_style(province_code: str, commune_type: str, mountainous: bool) -> str:
    """The naming style of a commune's hamlets: its hamlet type and its kind of names."""
    if commune_type == "Phường":
        if province_code == "40":
            return "khoi"
        return "tieukhu" if province_code == "14" else "tdp"
    if province_code in NORTHWEST or (mountainous and province_code in ("25", "38", "40")):
        return "ban"
    if province_code in NORTHEAST or (mountainous and province_code in ("22", "24")):
        return "tay"
    if mountainous and province_code in BUON_PROVINCES:
        return "buon"
    if mountainous and province_code in PLEI_PROVINCES:
        return "plei"
    if province_code in MEKONG_AND_SOUTH:
        return "ap"
    return "xom" if province_code in XOM_PROVINCES else "thon"


def _pick(rng: np.random.Generator, first: tuple, second: tuple) -> str:
    a = first[rng.integers(len(first))]
    b = second[rng.integers(len(second))]
    while b == a:  # "Mỹ Mỹ" is not a name
        b = second[rng.integers(len(second))]
    return f"{a} {b}"


def _one(style: str, seq: int, rng: np.random.Generator) -> tuple[str, str]:
    """(type, name) of the ``seq``-th hamlet (1-based) in a commune of the given style."""
    numbered = {"tdp": "Tổ dân phố", "khoi": "Khối", "tieukhu": "Tiểu khu"}
    if style in numbered:
        return numbered[style], f"{numbered[style]} {seq}"
    roll = rng.random()
    if style == "ban":
        kind = "Bản"
        body = _pick(rng, HMONG_1, HMONG_2) if roll < 0.3 else _pick(rng, THAI_1, THAI_2)
    elif style == "tay":
        kind = ("Thôn", "Bản", "Xóm")[int(rng.integers(3))]
        body = _pick(rng, TAY_1, TAY_2)
    elif style in ("buon", "plei"):
        kind = ("Buôn" if style == "buon" else ("Plei", "Làng")[int(rng.integers(2))]) if roll < 0.6 else "Thôn"
        body = _pick(rng, HIGHLAND_1, HIGHLAND_2) if kind != "Thôn" else str(seq)
    elif style == "ap":
        kind = "Ấp"
        body = str(seq) if roll < 0.25 else _pick(rng, HAN_1, HAN_2)
    elif style == "xom":
        kind = ("Xóm", "Thôn")[int(roll < 0.3)]
        body = str(seq) if roll < 0.5 else _pick(rng, HAN_1, HAN_2)
    else:
        kind = "Thôn"
        body = (str(seq) if roll < 0.3 else NORTH_PLACES[rng.integers(len(NORTH_PLACES))]
                if roll < 0.5 else _pick(rng, HAN_1, HAN_2))
    return kind, f"{kind} {body}"


def hamlet_names(commune_code: str, style: str, count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` (type, name) pairs, unique within the commune (names are unique only there)."""
    rng = unit_rng(seed, commune_code, salt=7)
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for seq in range(1, count + 1):
        for _ in range(20):
            kind, name = _one(style, seq, rng)
            if name not in seen:
                break
        else:  # a crowded commune: number the hamlet instead
            name = f"{kind} {seq}"
            while name in seen:
                name += " A"
        seen.add(name)
        out.append((kind, name))
    return out
