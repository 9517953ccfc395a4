"""The join report: every row read, in one class, with the counts adding up (SPEC §7, §8).

One place decides how a join is told: :class:`JoinReport` holds each row's outcome and builds both the lines
people read (:meth:`JoinReport.messages` → :class:`~i18n.Message`, worded in Vietnamese or English by the
catalogue) and the JSON of ``coverage-map validate --json`` (:meth:`JoinReport.to_dict`). The CLI and the
upload panel render these; they decide nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from i18n import Message, Period

#: Row classes, in the order a report lists them. The first three are applied.
CODE, NAME, LEGACY = "code", "name", "legacy"
INCOMPLETE, AMBIGUOUS, DUPLICATE, UNMATCHED, IMPLAUSIBLE, NOT_DATA = (
    "legacy_incomplete", "ambiguous", "duplicate", "unmatched", "implausible", "not_data")
CLASSES = (CODE, NAME, LEGACY, INCOMPLETE, AMBIGUOUS, DUPLICATE, UNMATCHED, IMPLAUSIBLE, NOT_DATA)
APPLIED = (CODE, NAME, LEGACY)
#: How many detail lines of each class the text report shows (the JSON has them all).
DETAIL_LINES = 15


def where(file, sheet, row) -> Message:
    """"so_lieu.xlsx sheet 'Quý 3' row 12" (file, sheet and row as far as known)."""
    row = row if row is not None else "?"
    if file and sheet and sheet != str(file).rsplit(".", 1)[0]:
        return Message("join.where", {"file": file, "sheet": sheet, "row": row})
    if file or sheet:
        return Message("join.where_file", {"file": file or sheet, "row": row})
    return Message("join.where_row", {"row": row})


@dataclass
class RowOutcome:
    """What became of one row read."""

    file: str | None
    sheet: str | None
    row: int | None
    name: str
    cls: str
    key: str | None = None
    unit: str = ""
    period: str | None = None
    note: Message | None = None
    suggestion: str = ""

    def where(self) -> Message:
        return where(self.file, self.sheet, self.row)

    def to_dict(self) -> dict:
        match = {CODE: "code", NAME: "name", LEGACY: "legacy_2025"}.get(self.cls, "unmatched")
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "name": self.name, "class": self.cls,
                "match": match,
                "key": self.key, "unit": self.unit, "period": self.period,
                "note": self.note.to_json() if self.note else None, "suggestion": self.suggestion}


@dataclass
class MergedUnit:
    """A 2025 unit whose figures for a period were summed from pre-2025 rows."""

    key: str
    unit: str
    period: str | None
    sources: list[str]
    rows: list[int | None]
    notes: list[Message] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"commune_code": self.key, "unit": self.unit, "period": self.period, "rows_summed": len(self.rows),
                "from": self.sources, "rows": self.rows, "notes": [n.to_json() for n in self.notes]}


@dataclass
class JoinReport:
    """Every row read and what became of it.

    Attributes
    ----------
    level : str
        The level joined (``commune``, ``hamlet``, ``province``).
    outcomes : list of RowOutcome
        One per row read: the data rows in file order, then the rows that are not data.
    merged : list of MergedUnit
        The 2025 units that received summed pre-2025 figures.
    units_without : list of str
        Units of the boundaries with no applied figure (labels).
    era : Message or None
        How the era of the file's codes and names was decided.
    findings : list
        Plausibility findings (:class:`loaders.plausibility.Finding`).
    """

    level: str
    outcomes: list[RowOutcome]
    merged: list[MergedUnit] = field(default_factory=list)
    units_without: list[str] = field(default_factory=list)
    era: Message | None = None
    findings: list = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return len(self.outcomes)

    def counts(self) -> dict[str, int]:
        """Rows per class (every class present, zeros included); they add up to :attr:`rows_read`."""
        counts = dict.fromkeys(CLASSES, 0)
        for outcome in self.outcomes:
            counts[outcome.cls] += 1
        return counts

    @property
    def applied_rows(self) -> int:
        return sum(1 for o in self.outcomes if o.cls in APPLIED)

    @property
    def can_apply(self) -> bool:
        """True when at least one row gives figures to a unit (rows not applied are listed, never silent)."""
        return self.applied_rows > 0

    def of(self, cls: str) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.cls == cls]

    # -- words ---------------------------------------------------------------------------------------------------
    def summary(self) -> Message:
        counts = self.counts()
        return Message("join.summary", {"rows": self.rows_read, "code": counts[CODE], "name": counts[NAME],
                                        "legacy": counts[LEGACY], "units": len(self.merged),
                                        "incomplete": counts[INCOMPLETE], "ambiguous": counts[AMBIGUOUS],
                                        "duplicate": counts[DUPLICATE], "unmatched": counts[UNMATCHED],
                                        "implausible": counts[IMPLAUSIBLE], "not_data": counts[NOT_DATA]})

    def verdict(self) -> Message:
        not_applied = self.rows_read - self.applied_rows - self.counts()[NOT_DATA]
        if self.can_apply and not not_applied:
            return Message("join.can_apply_all", {"rows": self.applied_rows})
        if self.can_apply:
            return Message("join.can_apply", {"rows": self.applied_rows, "not_applied": not_applied})
        return Message("join.cannot_apply", {"rows": self.rows_read})

    def detail(self, outcome: RowOutcome) -> Message:
        """One line for a row not applied as written (or summed), in words."""
        note = outcome.note or ""
        if outcome.cls == UNMATCHED:
            note = Message("join.paren", {"note": outcome.note}) if outcome.note else ""
        params = {"where": outcome.where(), "name": outcome.name or "—", "unit": outcome.unit,
                  "period": Period(outcome.period) if outcome.period else "", "suggestion": outcome.suggestion,
                  "note": note}
        key = {INCOMPLETE: "join.line_incomplete", AMBIGUOUS: "join.line_ambiguous",
               DUPLICATE: "join.line_duplicate", UNMATCHED: "join.line_unmatched_hint" if outcome.suggestion
               else "join.line_unmatched", IMPLAUSIBLE: "join.line_implausible",
               NOT_DATA: "join.line_not_data"}.get(outcome.cls, "join.line_note")
        return Message(key, params)

    def messages(self, limit: int | None = DETAIL_LINES) -> list[Message]:
        """The report as lines: summary, verdict, era, summed units, then each class not applied."""
        lines = [self.summary(), self.verdict()]
        if self.era is not None:
            lines.append(self.era)
        lines += self.notes
        for merged in self.merged[:limit]:
            lines.append(Message("join.line_merged", {"unit": merged.unit, "n": len(merged.rows),
                                                      "period": Period(merged.period) if merged.period else "",
                                                      "sources": merged.sources}))
            lines += merged.notes
        lines += self._more(len(self.merged), limit)
        for cls in (INCOMPLETE, AMBIGUOUS, DUPLICATE, UNMATCHED, IMPLAUSIBLE, NOT_DATA):
            rows = self.of(cls)
            lines += [self.detail(o) for o in rows[:limit]]
            lines += self._more(len(rows), limit)
        for outcome in self.outcomes:
            if outcome.cls in (CODE, NAME) and outcome.note is not None:
                lines.append(Message("join.line_note", {"where": outcome.where(), "name": outcome.name,
                                                        "unit": outcome.unit, "note": outcome.note}))
        lines.append(Message("join.units_without", {"n": len(self.units_without)}))
        return lines

    @staticmethod
    def _more(total: int, limit: int | None) -> list[Message]:
        return [Message("join.more", {"n": total - limit})] if limit is not None and total > limit else []

    def lines(self, lang: str = "en", limit: int | None = DETAIL_LINES) -> list[str]:
        """The report as text lines in ``lang``."""
        return [m.text(lang) for m in self.messages(limit)]

    # -- JSON ----------------------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The SPEC §8 ``join`` object with the accounting added (all rows, all classes)."""
        counts = self.counts()
        unmatched = [{"name": o.name, "suggestion": o.suggestion} for o in self.outcomes
                     if o.cls in (UNMATCHED, AMBIGUOUS)]
        return {
            "matched_by_code": counts[CODE],
            "matched_by_name": counts[NAME],
            "matched_legacy": counts[LEGACY],
            "unmatched_stats": unmatched,
            "units_without_stats": len(self.units_without),
            "units_without_stats_sample": self.units_without[:20],
            "rows_read": self.rows_read,
            "classes": counts,
            "can_apply": self.can_apply,
            "legacy_units": [m.to_dict() for m in self.merged],
            "rows": [o.to_dict() for o in self.outcomes],
            "findings": [f.to_json() for f in self.findings],
            "lines": [m.to_json() for m in self.messages(limit=None)],
            "duplicates": [self.detail(o).text("en") for o in self.of(DUPLICATE)],
            "code_name_differs": [f"{o.name}: {o.note.text('en')}" for o in self.outcomes
                                  if o.cls in (CODE, NAME) and o.note is not None],
        }
