"""Vietnamese text: NFC, tone-mark placement, unit-type prefixes and the name keys used by joins (SPEC §7.4).

Display names stay as loaded (only NFC and tidy spacing); joins compare *keys* built by :func:`name_key`, which
ignore Unicode form, old/new tone placement (Hoà/Hòa, Thuỷ/Thủy), case, spacing, punctuation, leading zeros in
numbers and the unit-type prefix (Xã, X., Phường, P., TT., Thôn, TDP, ...). :func:`ascii_key` further drops every
diacritic, for names typed without them; it is only used when it is unambiguous.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

#: Combining tone marks (the five Vietnamese tones other than level): grave, acute, tilde, hook, dot below.
TONE_MARKS = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}

#: Unit-type prefixes as written in full, lower case, by level. Longest first when matching.
UNIT_TYPES = {
    "province": ("thành phố trực thuộc trung ương", "thành phố", "tỉnh"),
    "district": ("thành phố", "thị xã", "quận", "huyện"),
    "commune": ("đặc khu", "thị trấn", "phường", "xã"),
    "hamlet": (
        "tổ dân phố", "tiểu khu", "khu phố", "thôn", "bản", "ấp", "xóm", "buôn", "plei", "làng", "khối",
        "khóm", "tổ", "khu",
    ),
}
#: Abbreviations people type for those prefixes, mapped to the full form (keys lower case, without the dot).
ABBREVIATIONS = {
    "x": "xã", "p": "phường", "tt": "thị trấn", "đk": "đặc khu", "dk": "đặc khu",
    "tp": "thành phố", "t": "tỉnh", "tx": "thị xã", "q": "quận", "h": "huyện",
    "tdp": "tổ dân phố", "kp": "khu phố",
}
#: How a type is written in the canonical ``*_type`` columns.
TYPE_DISPLAY = {
    "xã": "Xã", "phường": "Phường", "thị trấn": "Thị trấn", "đặc khu": "Đặc khu",
    "tổ dân phố": "Tổ dân phố", "tiểu khu": "Tiểu khu", "khu phố": "Khu phố", "thôn": "Thôn", "bản": "Bản",
    "ấp": "Ấp", "xóm": "Xóm", "buôn": "Buôn", "plei": "Plei", "làng": "Làng", "khối": "Khối", "khóm": "Khóm",
    "tổ": "Tổ", "khu": "Khu", "tỉnh": "Tỉnh", "thành phố": "Thành phố", "thị xã": "Thị xã", "quận": "Quận",
    "huyện": "Huyện", "thành phố trực thuộc trung ương": "Thành phố",
}

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w]+")


def is_missing(value) -> bool:
    """True for None, NaN and pandas NA (anything that is not a value)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def nfc(value):
    """Return ``value`` as NFC with runs of whitespace collapsed and the ends stripped; non-strings unchanged."""
    if not isinstance(value, str):
        return value
    return _nfc(value)


@lru_cache(maxsize=65536)
def _nfc(value: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def is_nfc(value) -> bool:
    """True when ``value`` is not a string or is already in Unicode NFC."""
    return not isinstance(value, str) or unicodedata.is_normalized("NFC", value)


def split_tones(word: str) -> tuple[str, str]:
    """Split a word into its letters without tone marks and the tone digits found in it.

    Vowel-shape marks (circumflex, breve, horn) and đ are kept: only the five tone marks move, which is what
    makes the old and new placements (``hoà``/``hòa``, ``thuỷ``/``thủy``) compare equal.
    """
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(TONE_MARKS[ch] for ch in decomposed if ch in TONE_MARKS)
    letters = "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    return unicodedata.normalize("NFC", letters), tones


def strip_diacritics(text: str) -> str:
    """Drop every diacritic (tones and vowel marks) and map đ/Đ to d/D: the ASCII spelling of a name."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    return [w for w in _NOT_WORD.split(text.lower()) if w]


def split_unit_type(name, level: str | None = None) -> tuple[str | None, str]:
    """Split a leading unit-type prefix off a name.

    Parameters
    ----------
    name : str
        A unit name as loaded, e.g. ``"X. Đông La"``, ``"Phường 01"``, ``"TDP Số 3"``.
    level : str, optional
        ``province``, ``district``, ``commune`` or ``hamlet``; ``None`` tries every level (commune first).

    Returns
    -------
    tuple of (str or None, str)
        The type as written in the canonical ``*_type`` columns (``"Xã"``, ``"Tổ dân phố"``, ...) or ``None``,
        and the rest of the name (NFC, tidy spacing). A prefix is only split when something is left after it.
    """
    return _split_unit_type(nfc(str(name)), level)


@lru_cache(maxsize=65536)
def _split_unit_type(text: str, level: str | None) -> tuple[str | None, str]:
    levels = (level,) if level else ("commune", "hamlet", "district", "province")
    lowered = text.lower()
    # "X." / "P." / "TT." / "TDP" (with or without the dot, followed by a space or a dot)
    abbreviation = re.match(r"^([^\W\d_]{1,3})\s*\.\s*|^([^\W\d_]{2,3})\s+", lowered)
    if abbreviation:
        short = abbreviation.group(1) or abbreviation.group(2)
        full = ABBREVIATIONS.get(short)
        single_letter = len(short) == 1 and abbreviation.group(1) is None
        if full and not single_letter and any(full in UNIT_TYPES[lv] for lv in levels):
            rest = text[abbreviation.end():].strip()
            if rest:
                return TYPE_DISPLAY[full], rest
    # names typed without diacritics ("Xa Hoa Binh") carry their prefix without them too
    typed_ascii = lowered.isascii()
    for lv in levels:
        for prefix in sorted(UNIT_TYPES[lv], key=len, reverse=True):
            written = strip_diacritics(prefix) if typed_ascii else prefix
            if lowered.startswith(written + " ") and text[len(written):].strip():
                return TYPE_DISPLAY[prefix], text[len(written):].strip()
    return None, text


def _key_words(name: str, level: str | None, strip: bool) -> list[str]:
    bare = split_unit_type(name, level)[1] if strip else nfc(name)
    words = []
    for word in _words(bare):
        if word.isdecimal():  # not isdigit(): "²" is a digit that int() refuses
            word = str(int(word))  # "Phường 01" and "Phường 1" are the same unit
        words.append(word)
    return words


@lru_cache(maxsize=65536)
def _name_key(name: str, level: str | None, strip: bool) -> str:
    keyed = []
    for word in _key_words(name, level, strip):
        letters, tones = split_tones(word)
        keyed.append(letters + tones)
    return " ".join(keyed)


@lru_cache(maxsize=65536)
def _ascii_key(name: str, level: str | None, strip: bool) -> str:
    return " ".join(strip_diacritics(word) for word in _key_words(name, level, strip))


def name_key(name, level: str | None = None, strip: bool = True) -> str:
    """The key two spellings of the same unit name share.

    Ignores Unicode form, tone placement, case, spacing, punctuation, leading zeros in numbers and (with
    ``strip``) the unit-type prefix; keeps every letter and which tone each word carries, so ``Hòa An`` and
    ``Hóa An`` stay different. ``strip=False`` keeps a leading word that looks like a prefix: the commune
    "Xa Dung" is not "Xã Dung".

    Examples
    --------
    >>> name_key("Xã Hoà  Bình") == name_key("hòa bình") == name_key("X. Hòa Bình")
    True
    """
    if is_missing(name) or not str(name).strip():
        return ""
    return _name_key(str(name), level, strip)


def ascii_key(name, level: str | None = None, strip: bool = True) -> str:
    """Like :func:`name_key` with every diacritic dropped: matches names typed without them (``Hoa Binh``)."""
    if is_missing(name) or not str(name).strip():
        return ""
    return _ascii_key(str(name), level, strip)


def canonical_type(value):
    """Write a unit type the canonical way: ``"XÃ"``, ``"xa"``, ``"TT"`` → ``"Xã"``, ``"Xã"``, ``"Thị trấn"``.

    Unknown types come back NFC and tidy; missing stays ``None``.
    """
    if is_missing(value) or not str(value).strip():
        return None
    text = nfc(str(value))
    wanted = strip_diacritics(text).lower().rstrip(".")
    full = ABBREVIATIONS.get(text.lower().rstrip("."), text.lower())
    for written, display in TYPE_DISPLAY.items():
        if full == written or (text.isascii() and wanted == strip_diacritics(written)):
            return display
    return text


def unit_type_of(name, level: str | None = None) -> str | None:
    """The unit type a name starts with (``"Xã"``, ``"Phường"``, ...), or ``None``."""
    if is_missing(name):
        return None
    return split_unit_type(name, level)[0]


def header_key(text) -> str:
    """Normalise a column header for alias lookup: no diacritics, lower case, words joined by single spaces."""
    if is_missing(text):
        return ""
    return " ".join(_words(strip_diacritics(nfc(str(text)))))
