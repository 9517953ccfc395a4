"""A :class:`~loaders.store.plan.Preview` in words: catalogue messages, the same for the panel and the CLI."""

from __future__ import annotations

from i18n import Message, Period, Term
from loaders.store.merge import Counts, period_key

#: Refused or ignored rows named one by one before "… and N more".
SHOWN_ROWS = 10
SHOWN_PROVINCES = 8


def level_units(level: str) -> Term:
    """"xã" / "thôn" / "tỉnh": what a count of units of ``level`` is called."""
    return Term(f"store.units.{level}")


def _parts(counts: Counts) -> list[Message]:
    parts = []
    for name in ("added", "changed", "unchanged", "removed"):
        value = getattr(counts, name)
        if value:
            parts.append(Message(f"store.preview.part_{name}", {"n": value}))
    return parts


def _province_list(by_province: dict, names: dict, value) -> list[Message]:
    items = sorted(by_province.items(), key=lambda item: (-value(item[1]), item[0]))
    shown = [Message("store.preview.province_count", {"province": names.get(code) or code or "—",
                                                       "n": value(counts)})
             for code, counts in items[:SHOWN_PROVINCES] if value(counts)]
    if len(items) > SHOWN_PROVINCES:
        shown.append(Message("store.preview.and_more", {"n": len(items) - SHOWN_PROVINCES}))
    return shown


def _stats_lines(preview) -> list[Message]:
    lines = []
    for level, periods in preview.commit.stats_counts.items():
        for period in sorted(periods, key=period_key):
            total = Counts()
            for counts in periods[period].values():
                total += counts
            parts = _parts(total)
            if not parts:
                continue
            lines.append(Message("store.preview.period", {"period": Period(period), "units": level_units(level),
                                                          "parts": parts}))
            touched = _province_list(periods[period], preview.province_names, lambda c: c.added + c.changed)
            if touched:
                lines.append(Message("store.preview.by_province", {"provinces": touched}))
            if period in preview.options.replace_periods and total.removed:
                lines.append(Message("store.preview.replaced_period", {"period": Period(period), "n": total.removed,
                                                                       "units": level_units(level)}))
    return lines


def _completeness_lines(preview) -> list[Message]:
    lines = []
    for item in preview.completeness:
        if not (item["new"] or item["partial"]):
            continue
        params = {"period": Period(item["period"]), "with_data": item["units_with_data"],
                  "total": item["units_total"], "units": level_units(item["level"])}
        if item["new_latest"] and item["partial"] and item["latest_complete"]:
            lines.append(Message("store.preview.new_latest_partial", {
                **params, "previous": Period(item["latest_complete"])}))
        elif item["new_latest"] and item["partial"]:
            lines.append(Message("store.preview.new_latest_none_complete", params))
        elif item["new_latest"]:
            lines.append(Message("store.preview.new_latest", params))
        else:
            lines.append(Message("store.preview.coverage", params))
        provinces = [Message("store.preview.province_coverage", {
            "province": preview.province_names.get(code) or code or "—", "with_data": counts[0],
            "total": counts[1], "units": level_units(item["level"])})
            for code, counts in list(item["provinces"].items())[:SHOWN_PROVINCES]]
        if provinces:
            lines.append(Message("store.preview.by_province", {"provinces": provinces}))
    return lines


def _units_lines(preview) -> list[Message]:
    lines = []
    for level, by_province in preview.commit.units_counts.items():
        total = Counts()
        for counts in by_province.values():
            total += counts
        lines.append(Message("store.preview.units", {"units": level_units(level), "parts": _parts(total) or [
            Message("store.preview.part_unchanged", {"n": 0})], "provinces": len(by_province)}))
    for level, lost in preview.commit.orphans.items():
        examples = [f"{row['name']} ({row[lost.columns[0]]})" for row in lost.head(5).to_dict("records")]
        lines.append(Message("store.preview.orphans", {"n": len(lost), "units": level_units(level),
                                                       "examples": examples}))
    return lines


def _rows_lines(findings: list, head: str, more: str) -> list[Message]:
    if not findings:
        return []
    lines = [Message(head, {"n": len(findings)})]
    lines += [f.line() for f in findings[:SHOWN_ROWS]]
    if len(findings) > SHOWN_ROWS:
        lines.append(Message(more, {"n": len(findings) - SHOWN_ROWS}))
    return lines


def preview_lines(preview) -> list[Message]:
    """Every line of the preview, in reading order."""
    lines = [Message("store.preview.files", {"files": preview.files})] if preview.files else []
    lines += _units_lines(preview)
    stats = _stats_lines(preview)
    lines += stats
    lines += _completeness_lines(preview)
    if stats or preview.commit.units_counts:
        lines.append(Message("store.preview.rest_kept"))
    if preview.empty:
        lines.append(Message("store.preview.nothing"))
    blocking = [f for f in preview.rejected if f.blocking]
    lines += _rows_lines(blocking, "store.preview.rejected", "store.preview.more_rows")
    if blocking:
        lines.append(Message("store.preview.excluded" if preview.options.exclude_rejected else "store.preview.blocked",
                             {"n": len(blocking)}))
    lines += _rows_lines(preview.ignored, "store.preview.ignored", "store.preview.more_rows")
    return lines
