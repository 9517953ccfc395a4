"""Read statistics tables (CSV, XLSX) into canonical columns: ``read_stats(path) -> StatsLoad`` (SPEC §7.5-7.8).

Real monthly reports have title rows above the header, two-row merged headers, a numbering row ("(1) (2) ..."),
a totals row, several sheets, Vietnamese number formats and codes whose leading zeros Excel ate. Each grid (a CSV
or one sheet) is read cell by cell as text or numbers, the header is found by the alias table, and every cleaning
step that changes or drops something leaves a line in ``info["problems"]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from loaders.aliases import canonical_for, canonical_for_pair, is_ignored_header, is_total_label
from loaders.errors import LoaderError
from loaders.grids import Grid, read_grids
from loaders.numbers import pad_code, parse_number_series, period_from_parts, period_from_text
from loaders.schema import CODE_WIDTH, COUNT_COLUMNS, PERIOD, SHARE_COLUMNS
from loaders.text import canonical_type, is_missing, nfc, split_unit_type, unit_type_of

#: Columns that identify a row's unit; a row with none of them is not data.
IDENTITY_COLUMNS = (
    "province_code", "province_name", "district_code", "district_name", "commune_code", "commune_name",
    "hamlet_id", "hamlet_name",
)
TEXT_COLUMNS = ("province_name", "district_name", "commune_name", "commune_type", "hamlet_name", "hamlet_type",
                "ethnic_region")
#: Name column of a table → (level, column) of the units that group its rows in legacy reports.
GROUP_OF = {"commune_name": ("district", "district_name"), "hamlet_name": ("commune", "commune_name")}
GROUP_TYPES = {"district": ("Huyện", "Quận", "Thị xã", "Thành phố"),
               "commune": ("Xã", "Phường", "Thị trấn", "Đặc khu")}
#: How many rows from the top of a grid may hold the header.
HEADER_SEARCH_ROWS = 30
_NUMBERING_CELL = re.compile(r"^\(?\s*([0-9]{1,2}|[A-Za-z])\s*\)?$")


@dataclass
class StatsLoad:
    """A statistics file read into canonical columns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per unit and period: identity columns, ``period``, counts and shares (floats, NaN = no figure),
        ``source_sheet`` and ``source_row`` (1-based row in the sheet, for messages).
    info : dict
        ``path``, ``rows``, ``periods``, ``columns`` (canonical columns found), ``problems`` (plain sentences),
        ``level`` (``commune``, ``hamlet`` or ``province``) and ``sheets``.
    """

    table: pd.DataFrame
    info: dict = field(default_factory=dict)


def read_stats(path) -> StatsLoad:
    """Read a CSV or XLSX statistics file into the canonical columns of SPEC §2.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (any delimiter, with or without BOM, UTF-8 or cp1258) or ``.xlsx`` file; every sheet of an
        XLSX that has a recognisable header is read.

    Returns
    -------
    StatsLoad

    Raises
    ------
    LoaderError
        When the file is missing, empty, unreadable, or has no recognisable header anywhere.
    """
    path = Path(path)
    grids = read_grids(path)
    frames, problems, sheets = [], [], []
    for grid in grids:
        problems.extend(grid.notes)
        parsed = _parse_grid(grid, problems)
        if parsed is not None:
            frames.append(parsed)
            sheets.append(grid.name)
    if not frames:
        where = "in any sheet" if len(grids) > 1 else ""
        raise LoaderError(
            f"no recognisable header row {where} (expected columns such as 'Mã xã', 'Tên xã/phường', "
            "'Số tổ CNSCĐ', 'Số thành viên')", path)
    table = pd.concat(frames, ignore_index=True)
    if table.empty:
        problems.append("no data rows under the header")
    table = _fill_periods(table, path, problems)
    columns = [c for c in table.columns if c not in ("source_sheet", "source_row")]
    info = {
        "path": str(path),
        "rows": int(len(table)),
        "periods": sorted(p for p in table[PERIOD].dropna().unique()),
        "columns": columns,
        "problems": problems,
        "level": _level_of(columns),
        "sheets": sheets,
    }
    return StatsLoad(table=table, info=info)


def _level_of(columns) -> str:
    if "hamlet_name" in columns or "hamlet_id" in columns:
        return "hamlet"
    if "commune_code" in columns or "commune_name" in columns:
        return "commune"
    if "district_code" in columns or "district_name" in columns:
        return "district"
    return "province"


# -- header ----------------------------------------------------------------------------------------------------------
def _row_mapping(labels: list) -> dict[int, str]:
    """Column index → canonical name for one header row (first column wins when two say the same)."""
    mapping, seen = {}, set()
    for index, label in enumerate(labels):
        canonical = canonical_for(label)
        if canonical and canonical not in seen:
            mapping[index] = canonical
            seen.add(canonical)
    return mapping


def _pair_mapping(parents: list, children: list) -> dict[int, str]:
    mapping, seen = {}, set()
    for index in range(max(len(parents), len(children))):
        parent = parents[index] if index < len(parents) else None
        child = children[index] if index < len(children) else None
        canonical = canonical_for_pair(parent, child)
        if canonical and canonical not in seen:
            mapping[index] = canonical
            seen.add(canonical)
    return mapping


def _usable(mapping: dict[int, str]) -> bool:
    names = set(mapping.values())
    return bool(names & set(IDENTITY_COLUMNS)) and len(names) >= 2


def find_header(rows: list[list]) -> tuple[int, int, dict[int, str]] | None:
    """Find the header: (first header row, first data row, column index → canonical), or None.

    Tries every row near the top alone and paired with the row below (two-row merged headers) and keeps the
    reading that recognises the most columns.
    """
    best = None
    for top in range(min(len(rows), HEADER_SEARCH_ROWS)):
        candidates = [(top, top + 1, _row_mapping(rows[top]))]
        if top + 1 < len(rows):
            candidates.append((top, top + 2, _pair_mapping(rows[top], rows[top + 1])))
        for start, data_start, mapping in candidates:
            if _usable(mapping) and (best is None or len(mapping) > len(best[2])):
                best = (start, data_start, mapping)
    return best


# -- rows ------------------------------------------------------------------------------------------------------------
def _is_numbering_row(row: list) -> bool:
    cells = [c for c in row if not is_missing(c) and str(c).strip()]
    return len(cells) >= 2 and all(_NUMBERING_CELL.match(str(c).strip()) for c in cells)


def _parse_grid(grid: Grid, problems: list[str]) -> pd.DataFrame | None:
    header = find_header(grid.rows)
    if header is None:
        if grid.rows:
            problems.append(f"sheet '{grid.name}': no recognisable header, skipped")
        return None
    _, data_start, mapping = header
    unmapped = [str(c) for i, c in enumerate(grid.rows[data_start - 1]) if i not in mapping
                and not is_missing(c) and str(c).strip() and not is_ignored_header(c)]
    if unmapped:
        problems.append(f"sheet '{grid.name}': columns not recognised, ignored: " + ", ".join(unmapped))
    records, groups = [], {}
    for offset, row in enumerate(grid.rows[data_start:]):
        row_number = data_start + offset + 1
        cells = {name: (row[i] if i < len(row) else None) for i, name in mapping.items()}
        if all(is_missing(v) or not str(v).strip() for v in row):
            continue
        if offset < 2 and _is_numbering_row(row):
            continue
        label = next((str(v) for v in row if isinstance(v, str) and v.strip()), "")
        if is_total_label(label) or any(is_total_label(cells.get(c)) for c in IDENTITY_COLUMNS):
            problems.append(f"sheet '{grid.name}' row {row_number}: totals row '{nfc(label)}' dropped")
            continue
        if all(is_missing(cells.get(c)) or not str(cells.get(c)).strip() for c in IDENTITY_COLUMNS):
            problems.append(f"sheet '{grid.name}' row {row_number}: no code or name, skipped")
            continue
        group = _group_row(cells, mapping)
        if group:
            groups[group[0]] = group[1]
            problems.append(f"sheet '{grid.name}' row {row_number}: group row '{nfc(label)}' (subtotal) skipped; "
                            f"the rows below it are taken to be in {nfc(label)}")
            continue
        records.append({**groups, **cells, "source_sheet": grid.name, "source_row": row_number})
    columns = [*mapping.values(), *groups, "source_sheet", "source_row"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    return _clean_columns(frame, grid.name, problems)


def _group_row(cells: dict, mapping: dict[int, str]) -> tuple[str, str] | None:
    """A row naming the unit above the level of the table ("Huyện Mường La" among communes, "Xã An Khánh" among
    hamlets): (column it names, bare name), or None. Such rows carry subtotals, not a unit of the table."""
    for name_column, (group_level, group_column) in GROUP_OF.items():
        name = cells.get(name_column)
        code_column = {"commune_name": "commune_code", "hamlet_name": "hamlet_id"}[name_column]
        if name_column not in mapping.values() or group_column in mapping.values() or is_missing(name) \
                or not is_missing(cells.get(code_column)):
            continue
        kind, bare = split_unit_type(name, group_level)
        if kind in GROUP_TYPES[group_level]:
            return group_column, bare
    return None


def _clean_columns(frame: pd.DataFrame, sheet: str, problems: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if column in CODE_WIDTH:
            padded = values.map(lambda v, w=CODE_WIDTH[column]: pad_code(v, w))
            bad = [str(v) for v, p in zip(values, padded) if p is None and not is_missing(v) and str(v).strip()]
            if bad:
                problems.append(f"sheet '{sheet}': {len(bad)} {column} value(s) are not codes, e.g. '{bad[0]}'")
            out[column] = padded.astype(object)
        elif column in COUNT_COLUMNS or column in SHARE_COLUMNS or column == "area_km2":
            parsed, not_numbers = parse_number_series(values, whole=column in COUNT_COLUMNS)
            if not_numbers:
                problems.append(f"sheet '{sheet}': {not_numbers} cell(s) of {column} are not numbers, left empty")
            if column in SHARE_COLUMNS and (parsed > 100).any():
                problems.append(f"sheet '{sheet}': {int((parsed > 100).sum())} value(s) of {column} above 100 %")
            if column in SHARE_COLUMNS and parsed.max() > 0 and parsed.max() <= 1:
                problems.append(f"sheet '{sheet}': every {column} value is at most 1: fractions rather than "
                                "percentages? (0,85 should be written 85)")
            out[column] = parsed
        elif column in ("commune_type", "hamlet_type"):
            out[column] = values.map(canonical_type).astype(object)
        elif column in TEXT_COLUMNS or column in ("hamlet_id",):
            out[column] = values.map(lambda v: None if is_missing(v) else nfc(str(v))).astype(object)
        else:
            out[column] = values
    if "commune_name" in out and "commune_type" not in out:
        out["commune_type"] = out["commune_name"].map(lambda n: unit_type_of(n, "commune")).astype(object)
    return out


# -- periods ---------------------------------------------------------------------------------------------------------
def _fill_periods(table: pd.DataFrame, path: Path, problems: list[str]) -> pd.DataFrame:
    """Give every row a ``period``: its own column, year + quarter/month columns, the sheet name or file name."""
    periods = pd.Series([None] * len(table), index=table.index, dtype=object)
    if PERIOD in table:
        periods = table[PERIOD].map(period_from_text).astype(object)
        unreadable = table[PERIOD][periods.isna() & table[PERIOD].notna()]
        if len(unreadable):
            problems.append(f"{len(unreadable)} period value(s) not understood, e.g. '{unreadable.iloc[0]}' "
                            "(use YYYY, YYYY-Qn or YYYY-MM)")
    elif "year" in table:
        periods = pd.Series([period_from_parts(y, q, m) for y, q, m in zip(
            table["year"], table.get("quarter", [None] * len(table)), table.get("month", [None] * len(table)))],
            index=table.index, dtype=object)
    missing = periods.isna()
    if missing.any():
        by_sheet = table.loc[missing, "source_sheet"].map(period_from_text)
        periods[missing] = by_sheet
    missing = periods.isna()
    if missing.any():
        from_file = period_from_text(path.stem)
        if from_file:
            periods[missing] = from_file
        else:
            problems.append(f"no period for {int(missing.sum())} row(s): add a 'period' column (YYYY, YYYY-Qn or "
                            "YYYY-MM) or put the period in the sheet or file name")
    table = table.drop(columns=[c for c in ("year", "quarter", "month") if c in table])
    table[PERIOD] = periods
    ordered = [c for c in table.columns if c not in ("source_sheet", "source_row")]
    return table[ordered + ["source_sheet", "source_row"]]
