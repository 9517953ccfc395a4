"""Values that cannot be true, found row by row (SPEC §7.13): ``check_plausibility(table) -> list[Finding]``.

A share above 100 % or below 0, a negative count, a numerator above its denominator (smartphone users above the
population aged 15+, hamlets with a team above the hamlets), fewer members than teams, a period that does not
exist or has not happened yet: each is a :class:`Finding` naming the file, sheet, row (as the file numbers it),
column and value, with a :class:`~i18n.Message` that says it in words. A row with a finding is *rejected*: the
join does not apply it and its report says so (the upload preview lists the findings).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from i18n import Message, Period, Term
from loaders.schema import COUNT_COLUMNS, PERIOD, SHARE_COLUMNS

#: (numerator, denominator): the first can never exceed the second.
AT_MOST = (
    ("smartphone_users", "population_15plus"), ("vneid_level2", "population_15plus"),
    ("cashless_users", "population_15plus"), ("digital_skills", "population_15plus"),
    ("smartphone_users", "population"), ("vneid_level2", "population"), ("cashless_users", "population"),
    ("digital_skills", "population"), ("population_15plus", "population"), ("hamlets_with_team", "hamlets"),
    ("online_dossiers", "total_dossiers"), ("households_visited", "households"),
)
#: (larger, smaller): every team has at least one member.
AT_LEAST = (("team_members", "teams"),)


@dataclass(frozen=True)
class Finding:
    """One impossible value.

    Attributes
    ----------
    file, sheet : str or None
        Where the row is (the file's name, the sheet's name; ``None`` for a table built in memory).
    row : int or None
        The row number as the file shows it (1-based, title rows included).
    column : str
        The canonical column (``smartphone_users``, ``period``...).
    value : object
        The value found (a number, or the period text).
    message : i18n.Message
        What is wrong, in words (``plausibility.*`` keys).
    position : int
        The row's position in the checked table (for joining findings back to rows).
    """

    file: str | None
    sheet: str | None
    row: int | None
    column: str
    value: object
    message: Message
    position: int

    def where(self) -> Message:
        """"so_lieu.xlsx sheet 'Tháng 9' row 12" in words (as far as known)."""
        from loaders.join_report import where

        return where(self.file, self.sheet, self.row)

    def to_json(self) -> dict:
        value = self.value
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        elif isinstance(value, float) and not math.isfinite(value):
            value = None
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column,
                "value": value if isinstance(value, (int, float, str)) or value is None else str(value),
                "message": self.message.to_json()}


def _column_term(column: str) -> Term:
    return Term(f"columns.{column}")


def check_plausibility(table: pd.DataFrame, today: date | None = None) -> list[Finding]:
    """Every impossible value of a canonical statistics table.

    Parameters
    ----------
    table : pandas.DataFrame
        Canonical statistics (``read_stats(...).table``); ``source_file``, ``source_sheet``, ``source_row`` and
        ``source_period`` (the period cell as written) are used when present.
    today : datetime.date, optional
        The date periods may not lie after (today by default).

    Returns
    -------
    list of Finding
        In row order; a row may have several.
    """
    today = today or date.today()
    frame = table.reset_index(drop=True)
    findings: list[Finding] = []

    def add(position: int, column: str, value, key: str, **params) -> None:
        record = frame.iloc[position]
        findings.append(Finding(
            file=_text(record.get("source_file")), sheet=_text(record.get("source_sheet")),
            row=_row(record.get("source_row")), column=column, value=value,
            message=Message(f"plausibility.{key}", {"column": _column_term(column), "value": value, **params}),
            position=position))

    for column in (c for c in SHARE_COLUMNS if c in frame):
        values = pd.to_numeric(frame[column], errors="coerce")
        for position in values.index[(values > 100) | (values < 0)]:
            add(position, column, float(values[position]), "share_out_of_range")
    for column in (c for c in COUNT_COLUMNS if c in frame):
        values = pd.to_numeric(frame[column], errors="coerce")
        for position in values.index[values < 0]:
            add(position, column, float(values[position]), "negative")
    for numerator, denominator in AT_MOST:
        if numerator in frame and denominator in frame:
            top = pd.to_numeric(frame[numerator], errors="coerce")
            bottom = pd.to_numeric(frame[denominator], errors="coerce")
            for position in top.index[top > bottom]:
                add(position, numerator, float(top[position]), "above_denominator",
                    other=_column_term(denominator), limit=float(bottom[position]))
    for larger, smaller in AT_LEAST:
        if larger in frame and smaller in frame:
            big = pd.to_numeric(frame[larger], errors="coerce")
            small = pd.to_numeric(frame[smaller], errors="coerce")
            for position in big.index[big < small]:
                add(position, larger, float(big[position]), "below", other=_column_term(smaller),
                    limit=float(small[position]))
    findings += _period_findings(frame, today, add)
    return sorted(findings, key=lambda f: f.position)


def _period_findings(frame: pd.DataFrame, today: date, add) -> list:
    """Periods that do not exist (month 13, quarter 5) or lie in the future."""
    if PERIOD not in frame:
        return []
    written = frame["source_period"] if "source_period" in frame else pd.Series(None, index=frame.index)
    current_month = f"{today.year}-{today.month:02d}"
    for position, (period, text) in enumerate(zip(frame[PERIOD], written)):
        if _text(period) is None and _text(text) is not None:
            add(position, PERIOD, str(text), "period_impossible")
        elif _text(period) is not None and _first_month(str(period)) > current_month:
            add(position, PERIOD, str(text or period), "period_future", period=Period(str(period)))
    return []


def _first_month(period: str) -> str:
    """The first month a period covers ("2025-Q3" → "2025-07"), for comparing with today."""
    if "-Q" in period:
        year, quarter = period.split("-Q")
        return f"{year}-{(int(quarter) - 1) * 3 + 1:02d}"
    return period if "-" in period else f"{period}-01"


def rejected_positions(findings: list[Finding]) -> set[int]:
    """Positions of the rows that have at least one finding (rows not applied)."""
    return {finding.position for finding in findings}


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _row(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
