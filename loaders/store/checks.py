"""Rows an apply must not write as they are: implausible figures, other provinces' rows (SPEC §7.13, §11).

A :class:`Finding` names the row (file, sheet, row, unit, period) and says why in a catalogue message. The
preview lists them; "Áp dụng" stays refused while a *blocking* finding remains, unless the officer excludes those
rows explicitly.

The rules are the loaders' (:func:`loaders.plausibility.check_plausibility`: shares outside 0–100 %, negative
counts, a part above its whole, fewer members than teams, periods that do not exist or have not happened), applied
here by :func:`plausibility` to the rows *as they would be stored* (the upload's cells over the stored row): a
correction of one figure may contradict another figure already stored. Checks plug into
:func:`loaders.store.plan.build_preview` as callables ``(rows, level) -> list[Finding]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from i18n import Message, Period
from loaders.plausibility import check_plausibility
from loaders.schema import KEY_COLUMN, PERIOD

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


def plausibility(rows: pd.DataFrame, level: str, today: date | None = None) -> list[Finding]:
    """The loaders' plausibility rules on rows as they would be stored; one finding per row (its first problem)."""
    records = rows.to_dict("records")
    first: dict[int, Message] = {}
    for found in check_plausibility(rows.reset_index(drop=True), today):
        first.setdefault(found.position, found.message)
    return [finding_for(records[position], level, message) for position, message in sorted(first.items())]
