"""Read one grid (a CSV or a sheet) into rows of canonical columns, accounting for every row under the header.

The header is found by meaning (:mod:`loaders.header`), identity columns no header explains are found by their
values (:mod:`loaders.column_values`), and each non-empty row under the header is either a data row or a
*not data* row with its reason (:mod:`loaders.table_rows`): numbering, totals, group rows with subtotals,
signature blocks, notes. Nothing is dropped without a line that says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from i18n import Message, Term
from loaders.column_values import settle_columns
from loaders.columns import is_note_header
from loaders.header import Header, find_header, ignored_columns
from loaders.numbers import parse_number
from loaders.table_rows import (FOOTER, GROUP, NOTE, NO_IDENTITY, NUMBERING, TOTAL, has_figure, is_blank,
                                is_footer_row, is_numbering_row, is_total_label, strip_enumerator)
from loaders.text import is_missing, nfc, split_unit_type

IDENTITY_COLUMNS = (
    "province_code", "province_name", "district_code", "district_name", "commune_code", "commune_name",
    "hamlet_id", "hamlet_name",
)
#: Name column of a table → (level, column) of the units that group its rows in legacy reports.
GROUP_OF = {"commune_name": ("district", "district_name"), "hamlet_name": ("commune", "commune_name")}
GROUP_TYPES = {"district": ("Huyện", "Quận", "Thị xã", "Thành phố"),
               "commune": ("Xã", "Phường", "Thị trấn", "Đặc khu")}
_NOT_MEASURES = set(IDENTITY_COLUMNS) | {"commune_type", "hamlet_type", "period", "year", "quarter", "month",
                                         "ethnic_region", "unit_code", "unit_name"}


@dataclass
class SheetRows:
    """The data rows of one grid and an account of every other row.

    Attributes
    ----------
    frame : pandas.DataFrame or None
        Raw cells of the data rows under canonical names, with ``source_sheet`` and ``source_row``; ``None``
        when the grid has no usable header.
    skipped : list of dict
        Rows that are not data: ``sheet``, ``row`` (as the file numbers it), ``label`` and ``reason``
        (a :class:`~i18n.Message`).
    messages : list of Message
        What was decided about the grid (columns ignored, columns found by their values, ...).
    """

    frame: pd.DataFrame | None
    skipped: list[dict] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)


def parse_grid(name: str, rows: list[list]) -> SheetRows:
    """Interpret one grid; see the module docstring."""
    header = find_header(rows)
    if header is None:
        messages = [Message("stats.sheet_no_header", {"sheet": name})] if any(not is_blank(r) for r in rows) else []
        return SheetRows(None, messages=messages)
    result = SheetRows(None)
    body = list(enumerate(rows[header.data_start:], start=header.data_start + 1))
    measure_columns = [c for c, n in header.mapping.items() if n not in _NOT_MEASURES]
    candidates = _first_pass(name, body, header, measure_columns, result)
    mapping = _settle_identity(name, header, candidates, result)
    if not set(mapping.values()) & set(IDENTITY_COLUMNS):
        result.messages.append(Message("stats.sheet_no_identity", {"sheet": name}))
        return result
    _report_columns(name, header, result)
    records = _second_pass(name, candidates, mapping, header, measure_columns, result)
    columns = list(dict.fromkeys([*mapping.values(), *_group_columns(records), "source_sheet", "source_row"]))
    result.frame = pd.DataFrame.from_records(records, columns=columns)
    result.skipped.sort(key=lambda entry: entry["row"])
    return result


def _skip(result: SheetRows, sheet: str, row_number: int, row: list, reason: str, label=None, **params) -> None:
    texts = [nfc(str(v)) for v in row if isinstance(v, str) and v.strip()]
    if label is None or is_missing(label):  # the most telling text: not a list number such as "I" or "1."
        label = next((t for t in texts if len(strip_enumerator(t + " ").strip()) > 3), texts[0] if texts else "")
    label = nfc(str(label))
    result.skipped.append({"sheet": sheet, "row": row_number, "label": label,
                           "reason": Message(f"stats.row_{reason}", {"label": label, **params})})


def _first_pass(sheet, body, header: Header, measure_columns, result: SheetRows) -> list:
    """Rows that may be data; numbering, totals and everything from a signature block or note down are not."""
    candidates, seen_data, in_footer, blank_before = [], False, False, False
    for offset, (row_number, row) in enumerate(body):
        if is_blank(row):
            blank_before = seen_data
            continue
        if in_footer or (seen_data and is_footer_row(row, measure_columns)):
            in_footer = True
            _skip(result, sheet, row_number, row, FOOTER)
            continue
        if offset < 3 and not seen_data and is_numbering_row(row):
            _skip(result, sheet, row_number, row, NUMBERING)
            continue
        labels = [v for v in row if isinstance(v, str) and v.strip()][:3]
        if any(is_total_label(strip_enumerator(nfc(v))) for v in labels):
            _skip(result, sheet, row_number, row, TOTAL)
            continue
        candidates.append((row_number, row, blank_before))
        seen_data, blank_before = True, False
    return candidates


def _settle_identity(sheet, header: Header, candidates, result: SheetRows) -> dict:
    width = max([len(r) for _, r, _ in candidates] + [max(header.texts, default=-1) + 1])
    columns = {c: [r[c] if c < len(r) else None for _, r, _ in candidates] for c in range(width)}
    open_columns = [c for c in columns if c not in header.mapping or header.mapping[c] in ("unit_code", "unit_name")]
    open_columns = [c for c in open_columns if not any(c == d for d, _, _ in header.duplicates)
                    and not any(c in cols for cols in header.summed.values())
                    and not all(is_note_header(t) for t in header.texts.get(c, ("",)) if t)]
    mapping, guesses = settle_columns(columns, header.mapping, {c: header.label(c) for c in columns},
                                      candidates=open_columns)
    for guess in guesses:
        result.messages.append(Message("stats.by_values", {"sheet": sheet, "detail": guess.message()}))
    header.mapping = mapping
    return mapping


def _report_columns(sheet, header: Header, result: SheetRows) -> None:
    ignored = ignored_columns(header)
    if ignored:
        result.messages.append(Message("stats.columns_ignored", {"sheet": sheet, "columns": ignored}))
    for column, canonical, kept in header.duplicates:
        result.messages.append(Message("stats.column_duplicate", {
            "sheet": sheet, "header": header.label(column), "kept": header.label(kept),
            "column": Term(f"columns.{canonical}")}))
    for canonical, columns in header.summed.items():
        result.messages.append(Message("stats.columns_summed", {
            "sheet": sheet, "column": Term(f"columns.{canonical}"), "headers": [header.label(c) for c in columns]}))


def _cells(row: list, mapping: dict, summed: dict) -> dict:
    cells = {name: (row[i] if i < len(row) else None) for i, name in mapping.items()}
    for name, columns in summed.items():
        values = [parse_number(row[i], whole=True) for i in columns if i < len(row)]
        values = [v for v in values if not math.isnan(v)]
        cells[name] = sum(values) if values else None
    return cells


def _second_pass(sheet, candidates, mapping, header: Header, measure_columns, result: SheetRows) -> list[dict]:
    records, groups = [], {}
    has_code = [c for c, n in mapping.items() if n in ("commune_code", "hamlet_id")]
    coded = sum(1 for _, r, _ in candidates if any(c < len(r) and not is_missing(r[c]) for c in has_code))
    code_table = bool(has_code) and coded >= 0.9 * max(len(candidates), 1)
    for row_number, row, previous_blank in candidates:
        cells = _cells(row, mapping, header.summed)
        identity = {c: cells.get(c) for c in IDENTITY_COLUMNS if c in cells}
        if all(is_missing(v) or not str(v).strip() for v in identity.values()):
            _skip(result, sheet, row_number, row, NO_IDENTITY)
            continue
        group = _group_row(cells, mapping)
        if group:
            groups[group[0]] = group[1]
            _skip(result, sheet, row_number, row, GROUP, label=group[2], group=group[1])
            continue
        figures = has_figure(row, measure_columns)
        if not figures and code_table and all(is_missing(cells.get(c)) for c in ("commune_code", "hamlet_id")):
            _skip(result, sheet, row_number, row, NOTE)  # a footer line without a code in a table of codes
            continue
        if not figures and previous_blank and measure_columns:
            _skip(result, sheet, row_number, row, NOTE)
            continue
        records.append({**groups, **cells, "source_sheet": sheet, "source_row": row_number})
    return records


def _group_columns(records: list[dict]) -> list[str]:
    return [c for c in ("district_name", "commune_name") if any(c in r for r in records)]


def _group_row(cells: dict, mapping: dict) -> tuple[str, str, str] | None:
    """A row naming the unit above the level of the table ("Huyện Mường La" among communes, "Xã An Khánh" among
    hamlets): (column it names, bare name, label), or None. Such rows carry subtotals, not a unit of the table."""
    names = set(mapping.values())
    for name_column, (group_level, group_column) in GROUP_OF.items():
        name = cells.get(name_column)
        code_column = {"commune_name": "commune_code", "hamlet_name": "hamlet_id"}[name_column]
        if name_column not in names or group_column in names or is_missing(name) \
                or not is_missing(cells.get(code_column)):
            continue
        kind, bare = split_unit_type(strip_enumerator(nfc(str(name))), group_level)
        if kind in GROUP_TYPES[group_level]:
            return group_column, bare, nfc(str(name))
    return None
