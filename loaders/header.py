"""Find the header of a table in a grid: which rows hold it and what each column means (SPEC §7.7, §7.10).

Real reports put title rows, the national motto, a form number and a unit line above the table, and a one-,
two- or three-row header under them (group cells merged over their sub-headers). Every row near the top is
tried alone and with the one or two rows under it; each column's texts, group first, are read by
:func:`loaders.columns.meaning`, and the reading that recognises the most columns wins (the shallower on a tie,
so a first data row is never taken for a sub-header).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.columns import header_symbols, is_note_header, is_total_header, meaning
from loaders.text import is_missing, nfc

#: How many rows from the top of a grid may hold the header.
HEADER_SEARCH_ROWS = 30
MAX_HEADER_ROWS = 3
IDENTITY = ("province_code", "province_name", "district_code", "district_name", "commune_code", "commune_name",
            "hamlet_id", "hamlet_name", "unit_code", "unit_name")
_NUMBER_TEXT = re.compile(r"^[\s+-]*[\d.,\s%]*\d[\d.,\s%]*$")


@dataclass
class Header:
    """Where a table's header is and what its columns mean.

    Attributes
    ----------
    top : int
        Index of the first header row in the grid.
    data_start : int
        Index of the first row under the header.
    mapping : dict
        Column index → canonical column (one column per canonical name).
    texts : dict
        Column index → the header texts of that column, group first (for messages).
    summed : dict
        Canonical → column indices added up (team counts given per level, "cấp xã" and "cấp thôn").
    duplicates : list
        (column index, canonical, index of the column kept) for columns that mean the same as another.
    """

    top: int
    data_start: int
    mapping: dict[int, str]
    texts: dict[int, tuple[str, ...]]
    summed: dict[str, list[int]] = field(default_factory=dict)
    duplicates: list[tuple[int, str, int]] = field(default_factory=list)

    def label(self, index: int) -> str:
        """A column's header as written ("Điện thoại thông minh / Số người sử dụng")."""
        return " / ".join(self.texts.get(index, ())) or f"#{index + 1}"


def _text_cells(row: list) -> list[str]:
    return [nfc(str(v)) for v in row if not is_missing(v) and str(v).strip()]


def _is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and bool(_NUMBER_TEXT.match(value))


def header_like(row: list) -> bool:
    """A row that can be part of a header: some words, no numbers (data rows and numbering rows have them)."""
    cells = [v for v in row if not is_missing(v) and str(v).strip()]
    return bool(cells) and not any(_is_number(v) for v in cells) and any(
        any(ch.isalpha() for ch in str(v)) for v in cells)


def is_title_row(row: list) -> bool:
    """A row holding a single text (a title, possibly merged across the table), not a group header."""
    return len(set(_text_cells(row))) <= 1


def column_texts(block: list[list]) -> dict[int, tuple[str, ...]]:
    """Each column's header texts, top row first.

    In a CSV a group label sits in its first column only; it is carried right over the columns whose
    sub-header (last row) is filled and whose left neighbour belongs to the same group.
    """
    width = max(len(row) for row in block)
    grid = [[(row[c] if c < len(row) and not is_missing(row[c]) and str(row[c]).strip() else None)
             for c in range(width)] for row in block]
    last = grid[-1]
    for upper in grid[:-1]:
        for c in range(1, width):
            if upper[c] is None and last[c] is not None and upper[c - 1] is not None and last[c - 1] is not None:
                upper[c] = upper[c - 1]
    texts = {}
    for c in range(width):
        parts = []
        for row in grid:
            if row[c] is not None and (not parts or nfc(str(row[c])) != parts[-1]):
                parts.append(nfc(str(row[c])))
        if parts:
            texts[c] = tuple(parts)
    return texts


def read_columns(texts: dict[int, tuple[str, ...]]) -> Header:
    """Map columns to canonical names; a second column meaning the same is kept aside (or summed, see
    :class:`Header`), preferring a column headed as a total."""
    meanings = {c: meaning(*parts) for c, parts in texts.items()}
    by_canonical: dict[str, list[int]] = {}
    for c, canonical in meanings.items():
        if canonical:
            by_canonical.setdefault(canonical, []).append(c)
    header = Header(top=0, data_start=0, mapping={}, texts=texts)
    for canonical, columns in by_canonical.items():
        totals = [c for c in columns if is_total_header(*texts[c])]
        kept = totals[0] if totals and len(columns) > 1 else columns[0]
        header.mapping[kept] = canonical
        others = [c for c in columns if c != kept]
        levels = [frozenset().union(*(header_symbols(t) for t in texts[c])) & {"LEVEL_C", "LEVEL_H"}
                  for c in columns]
        if others and not totals and all(levels) and len(set(levels)) == len(levels):
            header.summed[canonical] = columns  # "Số tổ cấp xã" + "Số tổ cấp thôn"
            continue
        header.duplicates += [(c, canonical, kept) for c in others]
    return header


def _score(header: Header) -> tuple[int, int]:
    names = set(header.mapping.values())
    identity = names & set(IDENTITY)
    measures = names - set(IDENTITY)
    if not identity and len(measures) < 2:
        return (0, 0)
    return (len(names), len(identity))


def find_header(rows: list[list]) -> Header | None:
    """The best header of a grid, or ``None`` when no row near the top reads as one.

    A header needs an identity column (code or name of a unit) and one more column, or two recognised
    figures (the identity may then be found from the values, see :mod:`loaders.column_values`).
    """
    best, best_rank = None, None
    for top in range(min(len(rows), HEADER_SEARCH_ROWS)):
        if not header_like(rows[top]):
            continue
        for depth in range(1, MAX_HEADER_ROWS + 1):
            block = rows[top:top + depth]
            if len(block) < depth or (depth > 1 and (not header_like(block[-1]) or is_title_row(block[-2]))):
                break
            header = read_columns(column_texts(block))
            score = _score(header)
            if score == (0, 0) or (len(header.mapping) < 2):
                continue
            rank = (score, -depth, -top)
            if best_rank is None or rank > best_rank:
                best, best_rank = header, rank
                best.top, best.data_start = top, top + depth
    return best


def ignored_columns(header: Header) -> list[str]:
    """Headers of columns neither recognised nor mere numbering or notes (reported as ignored)."""
    return [header.label(c) for c, parts in header.texts.items()
            if c not in header.mapping and not any(c in cols for cols in header.summed.values())
            and not any(c == d for d, _, _ in header.duplicates) and not all(is_note_header(p) for p in parts)]
