"""Join statistics to units, right or not at all: ``join_stats(units, stats, level) -> JoinResult`` (SPEC §7.9-7.13).

Per row: impossible values reject it (:mod:`loaders.plausibility`); its era and unit are resolved
(:mod:`loaders.join_resolve`): a trusted code, else a name within its province and district, else nothing (the
closest name is suggested, never applied). Pre-2025 communes on 2025 boundaries are mapped to the unit they
became and their **counts summed** per unit and period, but only when every old commune of that unit is there
and none was divided with another unit; shares are recomputed from summed numerators and denominators, never
averaged. Two rows for one unit and period are applied once when they agree and not at all when they differ.
Every row read ends in one class of :mod:`loaders.join_report`, and the classes add up to the rows read.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from dataclasses import dataclass, field

import pandas as pd

from i18n import Message, Term
from loaders.join_index import UnitIndex, is_plain, text_of
from loaders.text import is_missing
from loaders.join_report import (AMBIGUOUS, APPLIED, CODE, DUPLICATE, IMPLAUSIBLE, INCOMPLETE, LEGACY, NAME,
                                 NOT_DATA, UNMATCHED, JoinReport, MergedUnit, RowOutcome)
from loaders.join_resolve import (DIRECT, MAPPED, SPLIT, Eras, Resolution, Resolver, decide_eras, units_era,
                                  without_remark)
from loaders.legacy import CURRENT, LEGACY as LEGACY_ERA, parts_of, register
from loaders.plausibility import check_plausibility
from loaders.schema import COUNT_COLUMNS, KEY_COLUMN, NAME_COLUMN, PERIOD, SHARE_COLUMNS, SHARE_PARTS

#: The ``match`` column of the joined table: how an applied row found its unit; every other row is unmatched.
MATCH_CODE, MATCH_NAME, MATCH_LEGACY, MATCH_NONE = "code", "name", "legacy_2025", "unmatched"
_MATCH = {CODE: MATCH_CODE, NAME: MATCH_NAME, LEGACY: MATCH_LEGACY}
_UNIT_COLUMNS = ("province_code", "province_name", "district_code", "district_name", "commune_code",
                 "commune_name", "commune_type", "hamlet_id", "hamlet_name", "hamlet_type")


@dataclass
class JoinResult:
    """Statistics rows joined to units.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per applied unit and period (pre-2025 rows summed into one), with the unit's key and names
        from the units, ``match`` (``code``, ``name``, ``legacy_2025``), ``match_note``, ``source_name``,
        ``source_rows`` and ``rows_summed``; then the rows not applied, with ``match`` = ``unmatched`` and no unit
        key, except rows rejected as implausible that are their unit's only row for the period: they keep their
        unit and ``match`` so that the store can show and refuse them (:attr:`rejected`). ``row_class`` gives every
        row's class (see :mod:`loaders.join_report`); :attr:`applied` is what may be shown.
    report : dict
        :meth:`JoinReport.to_dict`: SPEC §8 ``join`` fields and the full accounting.
    summary : JoinReport
        The same report as an object (lines in words, counts).
    """

    table: pd.DataFrame
    report: dict = field(default_factory=dict)
    summary: JoinReport | None = None

    @property
    def applied(self) -> pd.DataFrame:
        """Only the rows that give figures to units (what a map or an export may show)."""
        return self.table[self.table["row_class"].isin(APPLIED)].reset_index(drop=True)

    @property
    def rejected(self) -> pd.DataFrame:
        """Rows of one unit each whose values cannot be true: kept with their unit for the store's preview,
        which lists them with the reason and refuses to apply them until the officer excludes them."""
        return self.table[(self.table["row_class"] == IMPLAUSIBLE) & (self.table["match"] != MATCH_NONE)] \
            .reset_index(drop=True)


def join_stats(units: pd.DataFrame, stats, level: str | None = None) -> JoinResult:
    """Attach each statistics row to a unit, or say why not.

    Parameters
    ----------
    units : pandas.DataFrame or geopandas.GeoDataFrame
        Canonical units (e.g. ``read_boundaries(...).units``).
    stats : pandas.DataFrame, StatsLoad or list of StatsLoad
        Canonical statistics; a :class:`~loaders.stats.StatsLoad` also brings the rows that are not data, so the
        report accounts for every row read.
    level : {"province", "commune", "hamlet"}, optional
        Defaults to the units' ``level`` column.

    Returns
    -------
    JoinResult
    """
    table, skipped = _stats_table(stats)
    level = level or (units["level"].iloc[0] if "level" in units and len(units) else "commune")
    index = UnitIndex(pd.DataFrame(units.drop(columns="geometry", errors="ignore")), level)
    outcomes, resolutions, eras = _resolve_rows(table, index, level)
    findings = check_plausibility(table)
    for finding in findings:
        outcomes[finding.position].cls = IMPLAUSIBLE
        outcomes[finding.position].note = finding.message
    _settle_duplicates(table, outcomes, resolutions, index)
    merged = _settle_legacy(table, outcomes, resolutions, index)
    joined = _joined_table(table, outcomes, resolutions, merged, index)
    applied_units = {r.position for o, r in zip(outcomes, resolutions) if o.cls in APPLIED}
    without = [index.label(i) for i in range(len(index.units)) if i not in applied_units]
    not_data = [RowOutcome(s.get("file"), s.get("sheet"), s.get("row"), s.get("label", ""), NOT_DATA,
                           note=s["reason"]) for s in skipped]
    era = eras.message() if eras is not None and (eras.file == LEGACY_ERA or eras.only_legacy) else None
    report = JoinReport(level=level, outcomes=outcomes + not_data, merged=[m for m, _ in merged.values()],
                        units_without=without, era=era, findings=findings)
    return JoinResult(table=joined, report=report.to_dict(), summary=report)


def _stats_table(stats) -> tuple[pd.DataFrame, list[dict]]:
    loads = stats if isinstance(stats, (list, tuple)) else [stats]
    if all(hasattr(s, "table") for s in loads):
        frames = [s.table.assign(source_file=Path(s.info.get("path", "")).name) if "source_file" not in s.table
                  else s.table for s in loads]
        skipped = [entry for s in loads for entry in getattr(s, "skipped", [])]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(), skipped
    return stats.reset_index(drop=True), []


def _resolve_rows(table: pd.DataFrame, index: UnitIndex, level: str):
    records = [without_remark(record) for record in table.to_dict("records")]
    name_column = NAME_COLUMN[level]
    names = [r.get(name_column) for r in records if text_of(r.get(name_column))]
    typed_plain = bool(names) and all(is_plain(n) for n in names)
    eras = None
    if level == "hamlet":
        communes = UnitIndex(index.units.drop_duplicates("commune_code"), "commune")
        eras = decide_eras(records, units_era(communes))
        resolutions = _resolve_hamlets(records, index, communes, eras, typed_plain)
    else:
        if level == "commune":
            eras = decide_eras(records, units_era(index))
        resolver = Resolver(index, eras or Eras(units="other", file=CURRENT, rows=[CURRENT] * len(records)),
                            typed_plain)
        resolutions = [resolver.resolve(r, eras.rows[i] if eras else CURRENT) for i, r in enumerate(records)]
        if level == "commune":
            _within_the_file_province(records, resolutions, resolver, eras, index)
    written = table.to_dict("records")  # outcomes name rows as the file wrote them
    outcomes = [_outcome(r, res, index, level) for r, res in zip(written, resolutions)]
    return outcomes, resolutions, eras


#: A file names no province: the province of at least this share of its rows that found one unit, counted
#: over at least MIN_ROWS rows, is the file's, and its other names are looked up there.
PROVINCE_SHARE, MIN_ROWS = 0.9, 5


def _within_the_file_province(records, resolutions, resolver: Resolver, eras, index: UnitIndex) -> None:
    """Rows that name no province and found no single unit are looked up again within the file's province."""
    if "province_code" not in index.units:
        return
    provinces = index.units["province_code"].tolist()
    found = [provinces[r.position] for r in resolutions if r.kind in (DIRECT, MAPPED) and r.position is not None]
    if len(found) < MIN_ROWS:
        return
    province, count = max(((p, found.count(p)) for p in set(found)), key=lambda pair: pair[1])
    if count < PROVINCE_SHARE * len(found) or is_missing(province):
        return
    for i, (row, resolution) in enumerate(zip(records, resolutions)):
        names_province = text_of(row.get("province_code")) or text_of(row.get("province_name"))
        if resolution.kind not in ("ambiguous", "unmatched") or names_province:
            continue
        again = resolver.resolve({**row, "province_code": province}, eras.rows[i] if eras else CURRENT)
        if again.kind in (DIRECT, MAPPED, SPLIT):
            detail = Message("join.paren", {"note": again.note}) if again.note else ""
            again.note = Message("join.note_file_province", {"province": _province_name(index, province),
                                                              "n": count, "detail": detail})
            resolutions[i] = again


def _province_name(index: UnitIndex, code: str) -> str:
    names = index.units.loc[index.units["province_code"] == code, "province_name"] \
        if "province_name" in index.units else []
    return text_of(next(iter(names), None)) or code


def _resolve_hamlets(records, index: UnitIndex, communes: UnitIndex, eras: Eras, typed_plain) -> list[Resolution]:
    """A hamlet row: its commune first (any era), then its name among that commune's hamlets."""
    resolver = Resolver(communes, eras, typed_plain)
    resolutions = []
    for i, row in enumerate(records):
        hamlet_id = text_of(row.get("hamlet_id"))
        if hamlet_id and hamlet_id in index.keys:
            resolutions.append(Resolution(DIRECT, position=index.keys[hamlet_id], by="code"))
            continue
        parent = resolver.resolve(row, eras.rows[i])
        scopes = ({communes.key_list[parent.position]} if parent.kind in (DIRECT, MAPPED)
                  else set(parent.targets) if parent.kind == SPLIT else None)
        name = text_of(row.get("hamlet_name"))
        if scopes is None or not name:
            resolutions.append(Resolution(parent.kind if parent.kind not in (DIRECT, MAPPED) else "unmatched",
                                          candidates=parent.candidates, suggestion=parent.suggestion,
                                          note=parent.note))
            continue
        found, how = index.by_names(name, scopes, typed_plain=typed_plain)
        if len(found) == 1:
            resolutions.append(Resolution(DIRECT, position=found[0], by="name",
                                          note=Message("join.note_without_diacritics") if how == "ascii" else None))
        elif found:
            resolutions.append(Resolution("ambiguous", candidates=[index.label(f) for f in found],
                                          note=Message("join.note_same_name", {"n": len(found)})))
        else:
            resolutions.append(Resolution("unmatched", suggestion=index.suggest(name, scopes)))
    return resolutions


def _outcome(row: dict, resolution: Resolution, index: UnitIndex, level: str) -> RowOutcome:
    name = text_of(row.get(NAME_COLUMN[level])) or text_of(row.get(KEY_COLUMN[level]))
    outcome = RowOutcome(file=text_of(row.get("source_file")) or None, sheet=text_of(row.get("source_sheet")) or None,
                         row=_int(row.get("source_row")), name=name, cls=UNMATCHED,
                         period=text_of(row.get(PERIOD)) or None, note=resolution.note,
                         suggestion=resolution.suggestion)
    if resolution.position is not None:
        outcome.key = index.key_list[resolution.position]
        outcome.unit = index.label(resolution.position)
    if resolution.kind == DIRECT:
        outcome.cls = CODE if resolution.by == "code" else NAME
    elif resolution.kind == MAPPED:
        outcome.cls = LEGACY
        outcome.note = Message("join.note_legacy_to", {"old": register(LEGACY_ERA).label(resolution.legacy),
                                                       "unit": outcome.unit})
    elif resolution.kind == SPLIT:
        outcome.cls = INCOMPLETE
        outcome.note = Message("join.note_divided", {"old": register(LEGACY_ERA).label(resolution.legacy),
                                                     "units": [register(CURRENT).label(t) for t in resolution.targets]})
    elif resolution.kind == AMBIGUOUS:
        outcome.cls = AMBIGUOUS
        outcome.suggestion = "; ".join(resolution.candidates[:4])
    return outcome


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _figures(table: pd.DataFrame, position: int) -> tuple:
    columns = [c for c in (*COUNT_COLUMNS, *SHARE_COLUMNS) if c in table]
    return tuple(None if pd.isna(v) else float(v) for v in table.iloc[position][columns])


def _settle_duplicates(table, outcomes, resolutions, index) -> None:
    """Two rows about one unit (or one pre-2025 commune) and period: applied once if they agree, else neither."""
    groups = defaultdict(list)
    for position, (outcome, resolution) in enumerate(zip(outcomes, resolutions)):
        if outcome.cls in (CODE, NAME):
            groups[("unit", resolution.position, outcome.period)].append(position)
        elif outcome.cls == LEGACY:
            groups[("legacy", resolution.legacy, outcome.period)].append(position)
    direct_rows = {(key, period): rows for (kind, key, period), rows in groups.items() if kind == "unit"}
    for (kind, _, period), rows in groups.items():
        if len(rows) > 1:
            first = outcomes[rows[0]]
            if len({_figures(table, p) for p in rows}) == 1:
                for p in rows[1:]:
                    outcomes[p].cls = DUPLICATE
                    outcomes[p].note = Message("join.note_same_figures", {"where": first.where()})
            else:
                for p in rows:
                    outcomes[p].cls = AMBIGUOUS
                    outcomes[p].note = Message("join.note_conflicting_rows", {"n": len(rows)})
                    outcomes[p].suggestion = ""
    for position, outcome in enumerate(outcomes):
        own = direct_rows.get((resolutions[position].position, outcome.period))
        if outcome.cls == LEGACY and own and outcomes[own[0]].cls in (CODE, NAME):
            outcome.cls = DUPLICATE
            outcome.note = Message("join.note_unit_has_own_row", {"where": outcomes[own[0]].where()})


def _settle_legacy(table, outcomes, resolutions, index) -> dict:
    """Group mapped pre-2025 rows per 2025 unit and period; apply a group only when it is the whole unit."""
    groups = defaultdict(list)
    for position, (outcome, resolution) in enumerate(zip(outcomes, resolutions)):
        if resolution.kind == MAPPED:
            groups[(resolution.target, outcome.period)].append(position)
    old = register(LEGACY_ERA)
    merged = {}
    for (target, period), rows in groups.items():
        usable = [p for p in rows if outcomes[p].cls == LEGACY]
        whole, divided = parts_of(target)
        present = {resolutions[p].legacy for p in usable}
        reason = None
        if divided:
            reason = Message("join.note_unit_has_divided_part", {"old": [old.label(c) for c in sorted(divided)]})
        elif present != set(whole):
            missing = sorted(whole - present)
            reason = Message("join.note_unit_missing_parts", {"n": len(missing), "total": len(whole),
                                                              "old": [old.label(c) for c in missing[:6]]})
        if reason is not None:
            for p in usable:
                outcomes[p].cls = INCOMPLETE
                outcomes[p].note = Message("join.note_not_summed", {"unit": outcomes[p].unit, "reason": reason})
            continue
        unit = outcomes[usable[0]].unit
        sums, notes = _sum_rows(table, usable)
        merged[(target, period)] = (MergedUnit(key=target, unit=unit, period=period,
                                               sources=[old.label(resolutions[p].legacy) for p in usable],
                                               rows=[outcomes[p].row for p in usable], notes=notes), (usable, sums))
    return merged


def _sum_rows(table: pd.DataFrame, rows: list[int]) -> tuple[dict, list[Message]]:
    """Counts summed (only when every row has the figure) and shares recomputed from their parts."""
    part = table.iloc[rows]
    sums, notes = {}, []
    for column in (c for c in COUNT_COLUMNS if c in part):
        values = part[column]
        if values.notna().all():
            sums[column] = float(values.sum())
        else:
            sums[column] = math.nan
            if values.notna().any():
                notes.append(Message("join.note_count_incomplete", {"column": Term(f"columns.{column}")}))
    for share in (c for c in SHARE_COLUMNS if c in part):
        numerator, denominator = SHARE_PARTS[share]
        top, bottom = sums.get(numerator, math.nan), sums.get(denominator, math.nan)
        if math.isnan(top) and denominator in part and part[denominator].notna().all() and part[share].notna().all():
            top = float((part[share] * part[denominator] / 100).sum())
        if not math.isnan(top) and not math.isnan(bottom) and bottom > 0:
            sums[share] = 100 * top / bottom
        else:
            sums[share] = math.nan
            if part[share].notna().any():
                notes.append(Message("join.note_share_not_aggregable", {"column": Term(f"columns.{share}")}))
    return sums, notes


def _joined_table(table, outcomes, resolutions, merged, index: UnitIndex) -> pd.DataFrame:
    out = table.copy().reset_index(drop=True)
    name_column = NAME_COLUMN[index.level]
    out["source_name"] = out[name_column] if name_column in out else None
    out["row_class"] = [o.cls for o in outcomes]
    out["match"] = [_MATCH.get(o.cls, MATCH_NONE) for o in outcomes]
    out["match_note"] = [o.note.text("en") if o.note and o.cls not in APPLIED else "" for o in outcomes]
    out["source_rows"] = [f"{o.sheet or ''}:{o.row}" for o in outcomes]
    out["rows_summed"] = 1
    applied = [p for p, o in enumerate(outcomes) if o.cls in APPLIED and resolutions[p].position is not None]
    taken = {(resolutions[p].position, outcomes[p].period) for p in applied}
    for p, outcome in enumerate(outcomes):  # an impossible row stays with its unit, for the store to refuse
        resolution = resolutions[p]
        if outcome.cls == IMPLAUSIBLE and resolution.kind == DIRECT and (resolution.position, outcome.period) \
                not in taken:
            out.at[p, "match"] = MATCH_CODE if resolution.by == "code" else MATCH_NAME
            applied.append(p)
            taken.add((resolution.position, outcome.period))
    applied.sort()
    positions = [resolutions[p].position for p in applied]
    for column in (c for c in _UNIT_COLUMNS if c in index.units):
        values = (out[column] if column in out else pd.Series(None, index=out.index)).astype(object).to_numpy(copy=True)
        values[applied] = index.units[column].to_numpy()[positions]
        out[column] = values
    if index.key in out:  # rows not applied carry no unit
        out.loc[~out.index.isin(applied), index.key] = None
    for position in applied:
        if outcomes[position].cls != LEGACY and outcomes[position].note is not None:
            out.at[position, "match_note"] = outcomes[position].note.text("en")
    keep = [p for p, o in enumerate(outcomes) if o.cls != LEGACY]
    for (target, period), (unit, (rows, sums)) in merged.items():
        first = rows[0]
        for column, value in sums.items():
            out.at[first, column] = value
        out.at[first, "source_name"] = ", ".join(text_of(out.at[p, "source_name"]) for p in rows)
        out.at[first, "source_rows"] = ", ".join(out.at[p, "source_rows"] for p in rows)
        out.at[first, "rows_summed"] = len(rows)
        out.at[first, "match_note"] = Message("join.line_merged", {"unit": unit.unit, "n": len(rows),
                                                                   "period": "", "sources": unit.sources}).text("en")
        keep.append(first)
    keep.sort()
    order = [p for p in keep if out.at[p, "match"] != MATCH_NONE] + [p for p in keep if out.at[p, "match"] == MATCH_NONE]
    return out.iloc[order].drop(columns=["source_period"], errors="ignore").reset_index(drop=True)
