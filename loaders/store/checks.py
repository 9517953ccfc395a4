"""Rows an apply must not write as they are: implausible figures, other provinces' rows (SPEC §7.13, §11).

A :class:`Finding` names the row (file, sheet, row, unit, period) and says why in a catalogue message. The
preview lists them; "Áp dụng" stays refused while a *blocking* finding remains, unless the officer excludes those
rows explicitly.

SEAM (issue 10): the plausibility rules of the loaders issue plug in as ``checks`` of
:func:`loaders.store.plan.build_preview` — any callable ``(rows, level) -> list[Finding]`` on the rows *as they
would be stored* (the upload's cells over the stored row). :func:`plausibility` below is the basic set used until
those land: negative counts, a count above what it is part of, shares outside 0–100 %, periods in the future.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from i18n import Message, Period, Term
from loaders.schema import COUNT_COLUMNS, KEY_COLUMN, PERIOD, SHARE_COLUMNS

#: (part, whole): the part can never exceed the whole in the same row.
PART_OF = (
    ("smartphone_users", "population_15plus"), ("vneid_level2", "population_15plus"),
    ("cashless_users", "population_15plus"), ("digital_skills", "population_15plus"),
    ("population_15plus", "population"), ("hamlets_with_team", "hamlets"),
    ("online_dossiers", "total_dossiers"), ("teams", "team_members"),
)


def column_term(column: str) -> Term:
    """A column's name for people, inside a sentence ("số người dùng điện thoại thông minh")."""
    return Term(f"store.column.{column}")


@dataclass(frozen=True)
class Finding:
    """One upload row and why it is not applied as it is.

    ``blocking``: apply is refused while it remains (unless excluded); otherwise the row is only reported.
    """

    message: Message
    level: str = ""
    key: str = ""
    name: str = ""
    period: str = ""
    province_code: str = ""
    file: str = ""
    sheet: str = ""
    row: int | None = None
    blocking: bool = True

    def where(self) -> Message:
        """"so_lieu.xlsx, trang T9, dòng 12 (Xã Mường Bú, Quý 1/2026)"."""
        unit = self.name or self.key
        place = "store.where.sheet_row" if self.sheet and self.sheet != _stem(self.file) else "store.where.row"
        return Message(place, {"file": self.file or "—", "sheet": self.sheet, "row": self.row or "—",
                               "unit": unit or "—", "period": Period(self.period) if self.period else "—"})

    def line(self) -> Message:
        return Message("store.where.finding", {"where": self.where(), "reason": self.message})

    def to_json(self) -> dict:
        return {"level": self.level, "key": self.key, "name": self.name, "period": self.period,
                "province_code": self.province_code, "file": self.file, "sheet": self.sheet, "row": self.row,
                "blocking": self.blocking, "reason": self.message.to_json()}


def _stem(file: str) -> str:
    return file.rsplit(".", 1)[0] if file else ""


def finding_for(row: dict, level: str, message: Message, blocking: bool = True) -> Finding:
    """A finding about one upload row (a record of the joined table)."""
    name_column = "hamlet_name" if level == "hamlet" else "commune_name"

    def text(column):
        value = row.get(column)
        return "" if value is None or (isinstance(value, float) and value != value) else str(value)

    source_row = row.get("source_row")
    return Finding(message=message, level=level, key=text(KEY_COLUMN[level]), name=text(name_column),
                   period=text(PERIOD), province_code=text("province_code"), file=text("source_file"),
                   sheet=text("source_sheet"), blocking=blocking,
                   row=int(source_row) if source_row is not None and source_row == source_row else None)


def _future(period: str, today: date) -> bool:
    year, _, rest = str(period).partition("-")
    if not year.isdigit():
        return False
    if not rest:
        month = 1
    elif rest.startswith("Q"):
        month = 3 * (int(rest[1:]) - 1) + 1
    else:
        month = int(rest)
    return (int(year), month) > (today.year, today.month)


def plausibility(rows: pd.DataFrame, level: str, today: date | None = None) -> list[Finding]:
    """Basic plausibility of rows as they would be stored; one finding per row (its first problem)."""
    today = today or date.today()
    findings = []
    for row in rows.to_dict("records"):
        reason = _first_problem(row, today)
        if reason is not None:
            findings.append(finding_for(row, level, reason))
    return findings


def _number(value):
    return None if value is None or (isinstance(value, float) and value != value) else float(value)


def _first_problem(row: dict, today: date) -> Message | None:
    for column in COUNT_COLUMNS:
        value = _number(row.get(column))
        if value is not None and value < 0:
            return Message("store.check.negative", {"column": column_term(column), "value": value})
    for part, whole in PART_OF:
        a, b = _number(row.get(part)), _number(row.get(whole))
        if a is not None and b is not None and a > b:
            return Message("store.check.part_over_whole", {"part": column_term(part), "value": a,
                                                           "whole": column_term(whole), "limit": b})
    for column in SHARE_COLUMNS:
        value = _number(row.get(column))
        if value is not None and not 0 <= value <= 100:
            return Message("store.check.share_range", {"column": column_term(column), "value": value})
    if row.get(PERIOD) and _future(row[PERIOD], today):
        return Message("store.check.future_period", {"period": Period(row[PERIOD])})
    return None
