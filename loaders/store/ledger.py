"""The store's history read like a ledger, and the difference between two versions (issue 12).

Each version's entry (written by :func:`loaders.ingest.ledger_entry` and the store) keeps: ``id``, ``created``
(UTC), ``uploaded_by``, ``role``, ``parent``, ``sources`` (file name, stored name, SHA-256, bytes), ``action``
(``merge`` / ``replace_period`` / ``replace_level``), ``periods``, ``changes`` (level → period → added, changed,
unchanged, removed, and the same per province), ``units`` (boundaries per province), ``completeness``,
``excluded`` rows and ``checked_against``. Events (apply, roll back, use a version) say who changed the active
version and when. Times are shown in the ``data.timezone`` setting (UTC+7 by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from i18n import Message, Period, Term
from loaders.schema import KEY_COLUMN, PERIOD
from loaders.store.merge import FIGURES, Counts, normalise_stats, period_key

DEFAULT_TZ = "Asia/Ho_Chi_Minh"


def _zone(tz_name: str):
    try:
        return ZoneInfo(tz_name or DEFAULT_TZ)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TZ)


def local_time(utc_iso: str | None, tz_name: str = DEFAULT_TZ) -> str:
    """"05/03/2026 14:32 (UTC+07:00)": a stored UTC time in the configured zone, with its offset."""
    if not utc_iso:
        return "—"
    moment = datetime.fromisoformat(str(utc_iso)).astimezone(_zone(tz_name))
    offset = moment.strftime("%z")
    return f"{moment:%d/%m/%Y %H:%M} (UTC{offset[:3]}:{offset[3:]})"


@dataclass
class LedgerLine:
    """One version in the history: who, when, which files, what changed; ``active`` marks the one in use."""

    version: str
    when: str
    who: str
    files: list
    what: list = field(default_factory=list)      # Messages
    parent: str | None = None
    active: bool = False

    def to_json(self, lang: str = "vi") -> dict:
        return {"version": self.version, "when": self.when, "who": self.who, "files": self.files,
                "what": [m.text(lang) for m in self.what], "parent": self.parent, "active": self.active}


def describe(entry: dict) -> list[Message]:
    """What a version did, in words: one message per level and period, and one per boundary layer."""
    lines = []
    action = entry.get("action", "merge")
    if action != "merge":
        lines.append(Message(f"store.ledger.action_{action}", {
            "periods": [Period(p) for p in entry.get("replace_periods", [])]}))
    for level, by_province in (entry.get("units") or {}).items():
        total = Counts()
        for counts in by_province.values():
            total += Counts(**counts)
        lines.append(Message("store.ledger.units", {"units": Term(f"store.units.{level}"),
                                                    "provinces": len(by_province), **total.to_json()}))
    for level, periods in (entry.get("changes") or {}).items():
        for period in sorted(periods, key=period_key):
            counts = periods[period]
            lines.append(Message("store.ledger.period", {
                "period": Period(period), "units": Term(f"store.units.{level}"), "provinces": len(counts["provinces"]),
                **{k: counts[k] for k in ("added", "changed", "unchanged", "removed")}}))
    if entry.get("excluded"):
        lines.append(Message("store.ledger.excluded", {"n": len(entry["excluded"])}))
    if not lines and entry.get("validation"):  # versions written before the ledger counted rows
        lines.append(Message("store.ledger.legacy"))
    return lines


def history(store, tz_name: str = DEFAULT_TZ) -> list[LedgerLine]:
    """Every version, newest first, as ledger lines."""
    active = store.active_id()
    return [LedgerLine(version=v["id"], when=local_time(v.get("created"), tz_name), who=v.get("uploaded_by") or "—",
                       files=[s["name"] for s in v.get("sources", [])], what=describe(v), parent=v.get("parent"),
                       active=v["id"] == active)
            for v in reversed(store.versions())]


def event_line(event: dict, tz_name: str = DEFAULT_TZ) -> Message:
    """"05/03/2026 14:40 (UTC+07:00): lan@… quay lại v0002 (từ v0003)"."""
    return Message(f"store.ledger.event_{event['action']}", {
        "when": local_time(event.get("at"), tz_name), "who": event.get("by") or "—",
        "version": event.get("version") or Term("store.ledger.embedded"),
        "previous": event.get("from") or Term("store.ledger.embedded")})


def rollback_label(store, tz_name: str = DEFAULT_TZ) -> Message | None:
    """The roll-back button named for what it does: "Quay lại v0002 (Lan, 05/03/2026 14:32)"; ``None`` when
    there is nothing to roll back to."""
    active = store.active_id()
    if active is None:
        return None
    parent = store.version(active).get("parent")
    if parent is None:
        return Message("store.ledger.rollback_to_embedded", {"current": active})
    entry = store.version(parent)
    return Message("store.ledger.rollback_to", {"version": parent, "who": entry.get("uploaded_by") or "—",
                                                "when": local_time(entry.get("created"), tz_name), "current": active})


def use_label(store, version_id: str | None, tz_name: str = DEFAULT_TZ) -> Message:
    """"Dùng phiên bản v0001 (Lan, 05/03/2026 14:32)"."""
    if version_id is None:
        return Message("store.ledger.use_embedded")
    entry = store.version(version_id)
    return Message("store.ledger.use_version", {"version": version_id, "who": entry.get("uploaded_by") or "—",
                                                "when": local_time(entry.get("created"), tz_name)})


# -- diff between two versions ------------------------------------------------------------------------------------
def compare_rows(old: pd.DataFrame | None, new: pd.DataFrame | None, level: str) -> dict:
    """period → :class:`Counts` of rows added, changed, unchanged and removed from ``old`` to ``new``."""
    key = KEY_COLUMN[level]
    empty = pd.DataFrame(columns=[key, PERIOD])
    old = normalise_stats(old, level) if old is not None else empty
    new = normalise_stats(new, level) if new is not None else empty
    figures = [c for c in FIGURES if c in old or c in new]
    a = old.drop_duplicates([key, PERIOD]).set_index([key, PERIOD]).reindex(columns=figures).astype("float64")
    b = new.drop_duplicates([key, PERIOD]).set_index([key, PERIOD]).reindex(columns=figures).astype("float64")
    both = a.index.intersection(b.index)
    av, bv = a.loc[both].to_numpy(), b.loc[both].to_numpy()
    same = ((av == bv) | (pd.isna(av) & pd.isna(bv))).all(axis=1) if figures else [True] * len(both)
    counts: dict = {}
    for (_, period), is_same in zip(both, same):
        cell = counts.setdefault(period, Counts())
        cell.unchanged += int(bool(is_same))
        cell.changed += int(not is_same)
    for _, period in b.index.difference(a.index):
        counts.setdefault(period, Counts()).added += 1
    for _, period in a.index.difference(b.index):
        counts.setdefault(period, Counts()).removed += 1
    return dict(sorted(counts.items(), key=lambda item: period_key(item[0])))


@dataclass
class VersionDiff:
    """Rows added / changed / removed per level and period from version ``a`` to version ``b``."""

    a: str | None
    b: str | None
    stats: dict = field(default_factory=dict)   # level -> period -> Counts

    def lines(self) -> list[Message]:
        lines = [Message("store.ledger.diff_head", {"a": self.a or Term("store.ledger.embedded"),
                                                    "b": self.b or Term("store.ledger.embedded")})]
        for level, periods in self.stats.items():
            for period, counts in periods.items():
                if counts.added or counts.changed or counts.removed:
                    lines.append(Message("store.ledger.diff_period", {
                        "period": Period(period), "units": Term(f"store.units.{level}"), **counts.to_json()}))
        if len(lines) == 1:
            lines.append(Message("store.ledger.diff_none"))
        return lines

    def to_json(self) -> dict:
        return {"a": self.a, "b": self.b, "stats": {lvl: {p: c.to_json() for p, c in periods.items()}
                                                    for lvl, periods in self.stats.items()}}


def diff(store, a: str | None, b: str | None) -> VersionDiff:
    """Compare the statistics of two versions (``None``: the embedded data)."""
    from loaders.store.layers import STATS_LEVELS

    first, second = store.dataset(a), store.dataset(b)
    result = VersionDiff(a=a, b=b)
    for level in STATS_LEVELS:
        old, new = first.stats_rows(level), second.stats_rows(level)
        if old is None and new is None:
            continue
        result.stats[level] = compare_rows(old, new, level)
    return result
