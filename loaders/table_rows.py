"""Which rows under a header are data, and why the others are not (SPEC §7.7, §7.10).

Under a real table come rows that are not units: the column numbering "(1) (2) (3)", totals ("Tổng cộng",
"Toàn tỉnh"), group rows that name a district or commune and carry its subtotal, and under the table the
signature block ("Người lập biểu", "KT. CHỦ TỊCH", a person's name, "Sơn La, ngày 15 tháng 10 năm 2025"),
notes ("Ghi chú: …", "Nguồn: …") and footers without a code. Each is recognised by a general rule and
reported with its row number, never read as a unit.
"""

from __future__ import annotations

import re

from loaders.text import is_missing, name_key, nfc, strip_diacritics

NUMBERING, TOTAL, GROUP, FOOTER, NOTE, NO_IDENTITY = ("numbering", "total", "group", "footer", "note",
                                                      "no_identity")
_NUMBERING_CELL = re.compile(r"^\(?\s*([0-9]{1,2}|[A-Za-z]|[IVX]{1,4})\s*\)?$")
#: Beginnings of the texts of signature blocks and notes (ASCII, lower case).
FOOTER_STARTS = (
    "nguoi lap", "lap bieu", "nguoi bao cao", "nguoi tong hop", "thu truong", "chu tich", "pho chu tich",
    "giam doc", "pho giam doc", "truong phong", "pho truong phong", "ky ten", "ky, ghi ro", "(ky", "da ky", "(da ky",
    "ghi chu", "luu y", "noi nhan", "nguon", "xac nhan", "tm.", "tm ", "kt.", "kt ", "tl.", "luu:", "luu vt",
    "- luu", "- nhu tren", "nhu tren", "can bo", "ke toan", "chuyen vien", "ubnd", "uy ban nhan dan", "(*)", "*",
    "note", "source", "prepared by", "signed", "cong chuc", "van phong",
)
_DATE = re.compile(r"ngay\W*\d{0,2}\W*thang\W*\d{0,2}\W*nam\W*\d{0,4}|^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")
#: First words of a totals label, with a second word that must follow ("Tổng Cọt" and "Toàn Thắng" are
#: communes, so "Tổng"/"Cộng"/"Toàn" alone or followed by "all" or a level word); written as in the text.
_TOTAL_FIRST = ("tổng", "cộng", "toàn", "total", "sum", "subtotal", "grand")
_TOTAL_SECOND = ("cộng", "số", "toàn", "tỉnh", "huyện", "xã", "quận", "thị", "thành", "phường", "các", "chung",
                 "total", "khu", "vùng", "địa", "cả", "trong")


def _keys(words) -> set[str]:
    return {name_key(w, strip=False) for w in words}


_FIRST_KEYS, _SECOND_KEYS = _keys(_TOTAL_FIRST), _keys(_TOTAL_SECOND)
_FIRST_PLAIN = {strip_diacritics(w) for w in _TOTAL_FIRST}
_SECOND_PLAIN = {strip_diacritics(w) for w in _TOTAL_SECOND}


def is_total_label(text) -> bool:
    """True for the label of a totals or subtotals row ("Tổng cộng", "Cộng toàn huyện", "Toàn tỉnh", "Total").

    >>> is_total_label("Tổng cộng"), is_total_label("Toàn tỉnh"), is_total_label("Tổng Cọt")
    (True, True, False)
    """
    if is_missing(text) or not str(text).strip():
        return False
    written = nfc(str(text)).replace(":", " ")
    words = name_key(written, strip=False).split()
    if not words:
        return False
    if strip_diacritics(written) == written:  # typed without diacritics: compare letters only
        plain = [strip_diacritics(w).rstrip("12345") for w in words]
        first, second = _FIRST_PLAIN, _SECOND_PLAIN
    else:
        plain, first, second = words, _FIRST_KEYS, _SECOND_KEYS
    if plain[0] not in first:
        return False
    return len(plain) == 1 or plain[1] in second or plain[0] in ("total", "sum", "subtotal", "grand")


def is_numbering_row(row: list) -> bool:
    """The row under a header that numbers its columns: "(1) (2) (3)", "A B 1 2 3"."""
    cells = [c for c in row if not is_missing(c) and str(c).strip()]
    return len(cells) >= 2 and all(_NUMBERING_CELL.match(str(c).strip()) for c in cells)


def _plain_lower(value) -> str:
    return strip_diacritics(nfc(str(value))).lower().strip()


def is_footer_row(row: list, measure_columns) -> bool:
    """A row of a signature block or a note: a marker text and no figure in any measure column."""
    if any(not is_missing(row[c]) and str(row[c]).strip() and _is_figure(row[c])
           for c in measure_columns if c < len(row)):
        return False
    for value in row:
        if isinstance(value, str) and value.strip():
            text = _plain_lower(value)
            if text.startswith(FOOTER_STARTS) or _DATE.search(text):
                return True
    return is_date_row(row)


def is_date_row(row: list) -> bool:
    """A row holding only a date (the date line of a signature block)."""
    cells = [v for v in row if not is_missing(v) and str(v).strip()]
    return len(cells) == 1 and hasattr(cells[0], "year") and hasattr(cells[0], "month")


def _is_figure(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return bool(re.match(r"^[\s+-]*[\d.,\s%]*\d[\d.,\s%]*$", str(value)))


def has_figure(row: list, measure_columns) -> bool:
    """True when some measure cell of the row holds a number."""
    return any(c < len(row) and not is_missing(row[c]) and _is_figure(row[c]) for c in measure_columns)


def is_blank(row: list) -> bool:
    return all(is_missing(v) or not str(v).strip() for v in row)


def strip_enumerator(text: str) -> str:
    """Drop a leading list number from a label: "I. Huyện Mường La" → "Huyện Mường La", "1) Xã A" → "Xã A"."""
    return re.sub(r"^\s*(?:[IVXivx]{1,4}|\d{1,3}|[a-zA-Z])\s*[.)/-]\s+", "", text)
