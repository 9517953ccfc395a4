"""Read statistics tables (CSV, XLSX) into canonical columns: ``read_stats(path) -> StatsLoad`` (SPEC §7.5-7.13).

Real monthly reports have title rows above the header, two- and three-row merged headers, a numbering row
("(1) (2) ..."), totals and group rows, a signature block under the table, several sheets, Vietnamese number
formats and codes whose leading zeros Excel ate. Each grid (a CSV or one sheet) is read cell by cell
(:func:`read_grids`), interpreted by :func:`loaders.sheet.parse_grid` (header by meaning, identity columns by
values, every row accounted for), cleaned here, and checked for impossible values
(:func:`loaders.plausibility.check_plausibility`). Every step that changes, drops or doubts something leaves a
:class:`~i18n.Message` in ``info["messages"]`` (``info["problems"]`` holds the same in English).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from i18n import Message, Term
from loaders.columns import COORDINATE_COLUMNS
from loaders.errors import LoaderError
from loaders.grids import Grid, read_grids
from loaders.numbers import pad_code, parse_number_series, period_from_parts, period_from_text
from loaders.plausibility import Finding, check_plausibility
from loaders.schema import CODE_WIDTH, COUNT_COLUMNS, PERIOD, SHARE_COLUMNS
from loaders.sheet import IDENTITY_COLUMNS, parse_grid
from loaders.text import canonical_type, is_missing, nfc, unit_type_of

TEXT_COLUMNS = ("province_name", "district_name", "commune_name", "commune_type", "hamlet_name", "hamlet_type",
                "ethnic_region")
__all__ = ["IDENTITY_COLUMNS", "StatsLoad", "read_stats", "read_grids", "Grid"]


@dataclass
class StatsLoad:
    """A statistics file read into canonical columns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per data row of the file: identity columns, ``period``, counts and shares (floats, NaN = no
        figure), ``source_sheet``, ``source_row`` (the row number the file shows) and ``source_period`` (the
        period cell as written, when there is one).
    info : dict
        ``path``, ``rows`` (data rows), ``rows_read`` (non-empty rows under the headers: data + not data),
        ``periods``, ``columns`` (canonical columns found), ``problems`` (English sentences), ``messages``
        (the same as :class:`~i18n.Message`), ``level`` (``commune``, ``hamlet``, ``district`` or
        ``province``), ``sheets`` and ``coordinates`` (coordinate columns found: the file is also a hamlet list,
        see :mod:`loaders.hamlet_list`; they are not in ``table``).
    skipped : list of dict
        Rows under a header that are not data (numbering, totals, group rows, signature blocks, notes):
        ``file``, ``sheet``, ``row``, ``label``, ``reason`` (Message).
    findings : list of Finding
        Impossible values, row by row (see :mod:`loaders.plausibility`).
    """

    table: pd.DataFrame
    info: dict = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def can_apply(self) -> bool:
        """True when at least one row is free of impossible values (rows with findings are never applied)."""
        return len(self.table) > len({f.position for f in self.findings})


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
    frames, messages, sheets, skipped, coordinates = [], [], [], [], set()
    for grid in grids:
        messages.extend(Message("common.untranslated", {"text": note}) for note in grid.notes)
        parsed = parse_grid(grid.name, grid.rows)
        messages.extend(parsed.messages)
        skipped.extend({"file": path.name, **entry} for entry in parsed.skipped)
        if parsed.frame is not None:
            # coordinates make a hamlet list boundaries too (loaders.hamlet_list); they are not figures
            coordinates.update(c for c in parsed.frame.columns if c in COORDINATE_COLUMNS)
            frames.append(_clean_columns(parsed.frame.drop(columns=list(COORDINATE_COLUMNS), errors="ignore"),
                                         grid.name, messages))
            sheets.append(grid.name)
    if not frames:
        key = "stats.no_header_any_sheet" if len(grids) > 1 else "stats.no_header"
        raise LoaderError(key, path)
    table = pd.concat(frames, ignore_index=True)
    if table.empty:
        messages.append(Message("stats.no_data_rows"))
    table = _fill_periods(table, path, messages)
    findings = check_plausibility(table.assign(source_file=path.name))
    messages += [Message("stats.finding", {"where": f.where(), "finding": f.message}) for f in findings]
    columns = [c for c in table.columns if c not in ("source_sheet", "source_row", "source_period")]
    info = {
        "path": str(path),
        "rows": int(len(table)),
        "rows_read": int(len(table) + len(skipped)),
        "periods": sorted(p for p in table[PERIOD].dropna().unique()),
        "columns": columns,
        "problems": [m.text("en") for m in messages],
        "messages": messages,
        "level": _level_of(columns),
        "sheets": sheets,
        "coordinates": sorted(coordinates),
    }
    return StatsLoad(table=table, info=info, skipped=skipped, findings=findings)


def _level_of(columns) -> str:
    if "hamlet_name" in columns or "hamlet_id" in columns:
        return "hamlet"
    if "commune_code" in columns or "commune_name" in columns:
        return "commune"
    if "district_code" in columns or "district_name" in columns:
        return "district"
    return "province"


# -- cleaning --------------------------------------------------------------------------------------------------------
def _clean_columns(frame: pd.DataFrame, sheet: str, messages: list[Message]) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if column in CODE_WIDTH:
            padded = values.map(lambda v, w=CODE_WIDTH[column]: pad_code(v, w))
            bad = [str(v) for v, p in zip(values, padded) if p is None and not is_missing(v) and str(v).strip()]
            if bad:
                messages.append(Message("stats.not_codes", {"sheet": sheet, "n": len(bad),
                                                            "column": Term(f"columns.{column}"), "example": bad[0]}))
            out[column] = padded.astype(object)
        elif column in COUNT_COLUMNS or column in SHARE_COLUMNS or column == "area_km2":
            parsed, not_numbers = parse_number_series(values, whole=column in COUNT_COLUMNS)
            if not_numbers:
                messages.append(Message("stats.not_numbers", {"sheet": sheet, "n": not_numbers,
                                                              "column": Term(f"columns.{column}")}))
            if column in SHARE_COLUMNS and parsed.max() > 0 and parsed.max() <= 1:
                messages.append(Message("stats.fractions", {"sheet": sheet, "column": Term(f"columns.{column}")}))
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
def _fill_periods(table: pd.DataFrame, path: Path, messages: list[Message]) -> pd.DataFrame:
    """Give every row a ``period``: its own column, year + quarter/month columns, the sheet name or file name.

    A period cell that names no real period ("Tháng 13/2025") stays without one and keeps its text in
    ``source_period``, so the plausibility check can point at it.
    """
    periods = pd.Series([None] * len(table), index=table.index, dtype=object)
    written = pd.Series([None] * len(table), index=table.index, dtype=object)
    if PERIOD in table:
        written = table[PERIOD].map(lambda v: None if is_missing(v) else str(v).strip() or None).astype(object)
        periods = table[PERIOD].map(period_from_text).astype(object)
        unreadable = table[PERIOD][periods.isna() & written.notna()]
        if len(unreadable):
            messages.append(Message("stats.period_unreadable", {"n": len(unreadable),
                                                                "example": str(unreadable.iloc[0])}))
    elif "year" in table:
        parts = zip(table["year"], table.get("quarter", [None] * len(table)), table.get("month", [None] * len(table)))
        periods = pd.Series([period_from_parts(y, q, m) for y, q, m in parts], index=table.index, dtype=object)
    missing = periods.isna() & written.isna()
    if missing.any():
        periods[missing] = table.loc[missing, "source_sheet"].map(period_from_text)
    missing = periods.isna() & written.isna()
    if missing.any():
        from_file = period_from_text(path.stem)
        if from_file:
            periods[missing] = from_file
        else:
            messages.append(Message("stats.no_period", {"n": int(missing.sum())}))
    table = table.drop(columns=[c for c in ("year", "quarter", "month") if c in table])
    table[PERIOD] = periods
    table["source_period"] = written
    ordered = [c for c in table.columns if c not in ("source_sheet", "source_row", "source_period")]
    return table[ordered + ["source_sheet", "source_row", "source_period"]]
