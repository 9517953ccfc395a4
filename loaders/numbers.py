"""Numbers and codes as Vietnamese files write them (SPEC §7.5, §7.6).

* ``"1.459"`` is one thousand four hundred and fifty-nine (dot = thousands), ``"85,5"`` and ``"85,5%"`` are 85.5
  (comma = decimal); English ``"1,459"`` / ``"85.5"`` are read too when the column makes the convention clear.
* Empty cells and the dashes people type for "no figure" are missing (NaN), never 0; ``"0"`` is 0.
* Codes lose their leading zeros in Excel (``1234`` → ``"01234"``) or come back as floats (``"1234.0"``).
* Periods are written many ways (``Quý III/2025``, ``T9-2025``, ``2025-Q3``) and become ``YYYY``, ``YYYY-Qn`` or
  ``YYYY-MM``.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from loaders.text import is_missing, strip_diacritics

#: Cell texts that mean "no figure" (compared after stripping and lower-casing).
MISSING_MARKERS = frozenset({"", "-", "–", "—", "--", "x", "n/a", "na", "..", "...", "k/c", "không có số liệu"})

_NUMBER = re.compile(r"^[+-]?[\d.,\s\u00a0]*\d[\d.,\s\u00a0]*$")
_GROUPS_OF_THREE = re.compile(r"^\d{1,3}([.,]\d{3})+$")


def is_missing_marker(value) -> bool:
    """True for NaN/None and for texts meaning "no figure" (``""``, ``"-"``, ``"x"``, ``"n/a"``...)."""
    if is_missing(value):
        return True
    return isinstance(value, str) and value.strip().lower() in MISSING_MARKERS


def _strip_percent(text: str) -> str:
    return text.replace("%", "").strip()


def detect_decimal(values) -> str:
    """Guess a column's decimal separator from its texts: ``","`` (Vietnamese, the default) or ``"."``.

    A separator followed by other than exactly three digits, or the last of two different separators, can only
    be a decimal point; ``"1.459"`` alone is ambiguous and read the Vietnamese way.
    """
    votes = {",": 0, ".": 0}
    for value in values:
        if not isinstance(value, str):
            continue
        text = _strip_percent(value).replace(" ", "").lstrip("+-")
        separators = [ch for ch in text if ch in ".,"]
        if not separators:
            continue
        if len(set(separators)) == 2:
            votes[separators[-1]] += 1
        elif len(separators) == 1 and not _GROUPS_OF_THREE.match(text):
            votes[separators[0]] += 1
    return "." if votes["."] > votes[","] else ","


def parse_number(value, decimal: str = ",", whole: bool = False) -> float:
    """Parse one cell into a float; NaN for missing markers and for text that is not a number.

    Parameters
    ----------
    value : object
        A cell: a number already, or text such as ``"1.459"``, ``"85,5%"``, ``" 12 "``, ``"-"``.
    decimal : {",", "."}
        The decimal separator of the column (see :func:`detect_decimal`).
    whole : bool
        The column holds counts: a single separator before groups of three digits (``"1,459"``, ``"1.459"``)
        is then a thousands separator whatever the decimal convention.

    Examples
    --------
    >>> parse_number("1.459"), parse_number("85,5%"), parse_number("0")
    (1459.0, 85.5, 0.0)
    """
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value) if not math.isnan(float(value)) else math.nan
    if is_missing_marker(value):
        return math.nan
    text = _strip_percent(str(value)).replace("\u00a0", "").replace(" ", "")
    if not _NUMBER.match(text):
        return math.nan
    if whole and _GROUPS_OF_THREE.match(text.lstrip("+-")):
        text = text.replace(",", "").replace(".", "")
    thousands = "." if decimal == "," else ","
    if text.count(decimal) > 1:  # "1,234,567" in a column whose decimal is ","
        text = text.replace(decimal, "")
    text = text.replace(thousands, "").replace(decimal, ".")
    try:
        return float(text)
    except ValueError:
        return math.nan


#: Columns at least this long first try to read every cell as a plain whole number in one go.
FAST_PATH_ROWS = 200


def parse_number_series(series: pd.Series, whole: bool = False) -> tuple[pd.Series, int]:
    """Parse a whole column; return the floats and how many non-empty cells were not numbers.

    ``whole=True`` for count columns (see :func:`parse_number`).
    """
    values = series.tolist()
    if len(values) >= FAST_PATH_ROWS:  # whole numbers written plainly, the common case in long files: at once
        plain = pd.to_numeric(series, errors="coerce")
        text = series.astype(str).str.strip()
        if plain.notna().sum() == series.notna().sum() and text[series.notna()].str.fullmatch(r"-?\d+").all():
            return plain.astype("float64"), 0
    decimal = detect_decimal(values)
    parsed = pd.Series([parse_number(v, decimal, whole) for v in values], index=series.index, dtype="float64")
    not_numbers = int(sum(1 for v, p in zip(values, parsed) if math.isnan(p) and not is_missing_marker(v)))
    return parsed, not_numbers


def pad_code(value, width: int) -> str | None:
    """Return an official code as a zero-padded string, or ``None`` when the cell holds no code.

    Examples
    --------
    >>> pad_code(1234, 5), pad_code("1234.0", 5), pad_code(" 01 ", 2), pad_code("", 5), pad_code(0, 5)
    ('01234', '01234', '01', None, None)
    """
    if is_missing_marker(value):
        return None
    if isinstance(value, (float, np.floating)):
        if not float(value).is_integer():
            return None
        value = int(value)
    text = str(value).strip()
    if re.fullmatch(r"\d+\.0+", text):  # Excel float written as text
        text = text.split(".")[0]
    if not re.fullmatch(r"[0-9]+", text) or len(text) > width:  # ASCII digits only: "12²" is not a code
        return None
    if int(text) == 0:  # a numeric field left at 0 (shapefiles have no "empty" number): no code, not "00000"
        return None
    return text.zfill(width)


# -- periods ---------------------------------------------------------------------------------------------------------
_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER_FIRST = re.compile(r"\b(?:quy|q)\s*(iv|iii|ii|i|[1-4])\s*[-_/. ]*\s*(?:nam\s*)?((?:19|20)\d\d)")
_YEAR_QUARTER = re.compile(r"((?:19|20)\d\d)\s*[-_/. ]*\s*(?:quy|q)\s*([1-4])")
_MONTH_FIRST = re.compile(r"\b(?:thang|t)\s*(\d{1,2})\s*[-_/. ]+\s*(?:nam\s*)?((?:19|20)\d\d)")
_MONTH_SLASH = re.compile(r"(?<!\d)(\d{1,2})\s*[/-]\s*((?:19|20)\d\d)(?!\d)")
_YEAR_MONTH = re.compile(r"((?:19|20)\d\d)\s*[-_/.]\s*(\d{1,2})(?!\d)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
#: A quarter or month written with a number that no quarter or month has ("Quý 5/2025", "Tháng 13/2025").
_BAD_QUARTER = re.compile(r"\b(?:quy|q)\s*(\d+)\b|((?:19|20)\d\d)\s*[-_/. ]*\s*(?:quy|q)\s*(\d+)\b")
_BAD_MONTH = re.compile(r"\b(?:thang|t)\s*(\d+)\s*[-_/. ]+\s*(?:nam\s*)?(?:19|20)\d\d|"
                        r"(?<![\d/.-])(\d+)\s*[/-]\s*(?:19|20)\d\d(?!\d)|"
                        r"(?:19|20)\d\d\s*-\s*(\d{1,2})$")


def _month(year: str, month: str) -> str | None:
    return f"{year}-{int(month):02d}" if 1 <= int(month) <= 12 else None


def period_from_text(value) -> str | None:
    """Read a period (``YYYY``, ``YYYY-Qn``, ``YYYY-MM``) out of a cell, sheet name or file name.

    Understands ``2025-Q3``, ``Q3/2025``, ``Quý III/2025``, ``Tháng 9/2025``, ``T9-2025``, ``09/2025``,
    ``2025-09``, ``Năm 2025`` and dates; ``None`` when there is none.
    """
    if is_missing(value):
        return None
    if hasattr(value, "year") and hasattr(value, "month"):  # a date cell
        return f"{value.year}-{value.month:02d}"
    if isinstance(value, (int, np.integer)) or (isinstance(value, float) and value.is_integer()):
        value = str(int(value))
    text = " ".join(re.split(r"[^\w/.-]+", strip_diacritics(str(value)).lower()))
    text = text.replace("_", " ")
    if _names_no_real_period(text):
        return None
    if match := _QUARTER_FIRST.search(text):
        quarter = match.group(1)
        quarter = _ROMAN_QUARTERS.get(quarter, quarter)
        return f"{match.group(2)}-Q{quarter}"
    if match := _YEAR_QUARTER.search(text):
        return f"{match.group(1)}-Q{match.group(2)}"
    for pattern, year_first in ((_MONTH_FIRST, False), (_YEAR_MONTH, True), (_MONTH_SLASH, False)):
        if match := pattern.search(text):
            year, month = (match.group(1), match.group(2)) if year_first else (match.group(2), match.group(1))
            if period := _month(year, month):
                return period
    if match := _YEAR.search(text):
        return match.group(1)
    return None


def _names_no_real_period(text: str) -> bool:
    """True when the text names a quarter outside 1-4 or a month outside 1-12 (it must not become a year)."""
    for match in _BAD_QUARTER.finditer(text):
        number = match.group(1) or match.group(3)
        if number and not 1 <= int(number) <= 4:
            return True
    for match in _BAD_MONTH.finditer(text):
        number = match.group(1) or match.group(2) or match.group(3)
        if number and not 1 <= int(number) <= 12:
            return True
    return False


def period_from_parts(year, quarter=None, month=None) -> str | None:
    """Build a period from separate year / quarter / month cells (``2025`` + ``3`` → ``2025-Q3``)."""
    year_number = parse_number(year)
    if math.isnan(year_number):
        return period_from_text(year)
    text = str(int(year_number))
    quarter_number = parse_number(quarter) if not is_missing_marker(quarter) else math.nan
    if isinstance(quarter, str) and math.isnan(quarter_number):
        quarter_number = _ROMAN_QUARTERS.get(strip_diacritics(quarter).lower().replace("quy", "").strip(), math.nan)
    month_number = parse_number(month) if not is_missing_marker(month) else math.nan
    if not math.isnan(month_number) and 1 <= month_number <= 12:
        return f"{text}-{int(month_number):02d}"
    if not math.isnan(quarter_number) and 1 <= quarter_number <= 4:
        return f"{text}-Q{int(quarter_number)}"
    return text
