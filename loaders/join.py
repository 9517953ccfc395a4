"""Join statistics to units: ``join_stats(units, stats, level) -> JoinResult`` (SPEC §7.9).

Order of trust, per statistics row: the official code; then the normalised name within the province (and the
district when both sides give one), first with diacritics (:func:`~loaders.text.name_key`), then without
(:func:`~loaders.text.ascii_key`) when that is unambiguous; then, for communes, the pre-2025 register mapping a
legacy commune to its 2025 unit. Anything else is unmatched, with the closest unit name as a *suggestion* that
is shown and never applied.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz, process

from loaders.schema import CODE_WIDTH, COUNT_COLUMNS, KEY_COLUMN, NAME_COLUMN, PERIOD, SHARE_COLUMNS
from loaders.text import ascii_key, is_missing, name_key, strip_diacritics, unit_type_of
from loaders.numbers import pad_code

#: How a statistics row found its unit (the ``match`` column of the joined table).
MATCH_CODE, MATCH_NAME, MATCH_LEGACY, MATCH_NONE = "code", "name", "legacy_2025", "unmatched"
SUGGESTION_CUTOFF = 70
_PARENT = {"commune": "province", "hamlet": "commune", "province": None, "district": "province"}


@dataclass
class JoinResult:
    """Statistics rows joined to units.

    Attributes
    ----------
    table : pandas.DataFrame
        The statistics rows with the unit's key and names filled in from the units (display names as loaded),
        ``match`` (``code``, ``name``, ``legacy_2025``, ``unmatched``), ``match_note`` and ``source_name``
        (the name as the statistics file wrote it). Legacy communes mapped to the same 2025 unit and period are
        summed into one row.
    report : dict
        ``matched_by_code``, ``matched_by_name``, ``matched_legacy``, ``unmatched_stats`` ([{name, suggestion}]),
        ``units_without_stats``, ``duplicates`` and ``rows`` (per row: sheet, row, name, match, key).
    """

    table: pd.DataFrame
    report: dict = field(default_factory=dict)


def _is_plain(name) -> bool:
    """True when a name carries no diacritics at all (typed in plain ASCII letters)."""
    text = "" if is_missing(name) else str(name)
    return strip_diacritics(text) == text


def _text(value) -> str:
    return "" if is_missing(value) else str(value).strip()


class _UnitIndex:
    """Units of one level, indexed by key and by name within their parent (province or commune)."""

    def __init__(self, units: pd.DataFrame, level: str):
        self.level, self.key, self.name = level, KEY_COLUMN[level], NAME_COLUMN[level]
        self.units = units.reset_index(drop=True)
        for column in (self.key, self.name):
            if column not in self.units:  # shapes with codes only, or names only
                self.units[column] = None
        self.keys = {k: i for i, k in enumerate(self.units[self.key]) if not is_missing(k)}
        # (kind, prefix stripped) -> name key -> [(scope, unit position, name has no diacritics)]: one dict
        # lookup per statistics row, whatever the number of units
        self.lookup: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for i, row in enumerate(self.units.to_dict("records")):
            scope, name = self.scope_of(row), row[self.name]
            if is_missing(name):
                continue
            plain = _is_plain(name)
            for kind, key_of in (("name", name_key), ("ascii", ascii_key)):
                for strip in (True, False):
                    self.lookup[(kind, strip)][key_of(name, level, strip)].append((scope, i, plain))

    def scope_of(self, row) -> str:
        parent = _PARENT[self.level]
        return _text(row.get(KEY_COLUMN[parent])) if parent else ""

    def in_scopes(self, scopes) -> list[int]:
        if scopes is None:
            return list(range(len(self.units)))
        parent_key = KEY_COLUMN[_PARENT[self.level]] if _PARENT[self.level] else None
        if parent_key is None:
            return list(range(len(self.units)))
        return [i for i, s in enumerate(self.units[parent_key]) if s in scopes]

    #: Lookups tried in order until one finds units: (kind, note, [(unit key stripped, query key stripped)]).
    #: Prefix-stripped keys first; then keys that keep a first word looking like a prefix ("Xa Dung");
    #: then without diacritics, where a name written with diacritics only meets a unit written without.
    TIERS = (
        ("name", "", ((True, True),)),
        ("name", "", ((False, True), (True, False), (False, False))),
        ("ascii", "without diacritics", ((True, True),)),
        ("ascii", "without diacritics", ((False, True), (True, False), (False, False))),
    )

    def by_names(self, name, scopes, district=None, unit_type=None, typed_plain=False) -> tuple[list[int], str]:
        """Units whose name matches within the scopes: (indices, "" or "without diacritics").

        Several matches are narrowed by district, then by unit type (Xã vs Phường of the same name).
        ``typed_plain``: the whole file was typed without diacritics, so "Thanh An" may be Thanh An or Thạnh An
        and is only looked up without diacritics (both are found, nothing is guessed).
        """
        plain_query = _is_plain(name)
        for kind, note, pairs in self.TIERS[2:] if typed_plain else self.TIERS:
            key_of = name_key if kind == "name" else ascii_key
            found: list[int] = []
            for unit_strip, query_strip in pairs:
                for scope, i, plain in self.lookup[(kind, unit_strip)].get(key_of(name, self.level, query_strip), ()):
                    if (scopes is None or scope in scopes) and (kind == "name" or plain_query or plain) \
                            and i not in found:
                        found.append(i)
            found = self._narrow(found, "district_name", district, "district")
            found = self._narrow(found, f"{self.level}_type", unit_type, None)
            if found:
                return found, note
        return [], ""

    def _narrow(self, found: list[int], column: str, wanted, level) -> list[int]:
        if len(found) < 2 or not wanted or column not in self.units:
            return found
        wanted_key = ascii_key(wanted, level) if level else ascii_key(wanted)
        narrowed = [i for i in found if (ascii_key(self.units.at[i, column], level) if level
                                         else ascii_key(self.units.at[i, column])) == wanted_key]
        return narrowed or found

    def label(self, i: int) -> str:
        row = self.units.iloc[i]
        parent = _PARENT[self.level]
        where = _text(row.get(NAME_COLUMN[parent])) if parent else ""
        kind = _text(row.get(f"{self.level}_type"))
        name = _text(row[self.name])
        shown = name if not kind or name.lower().startswith(kind.lower()) else f"{kind} {name}"
        return f"{shown} ({_text(row[self.key])}{', ' + where if where else ''})"

    def suggest(self, name, scopes) -> str:
        candidates = self.in_scopes(scopes) or list(range(len(self.units)))
        choices = {i: ascii_key(self.units.at[i, self.name], self.level) for i in candidates}
        best = process.extractOne(ascii_key(name, self.level), choices, scorer=fuzz.ratio,
                                  score_cutoff=SUGGESTION_CUTOFF)
        return self.label(best[2]) if best else ""


class _Provinces:
    """Province codes of the units, found by code or by name (without diacritics or prefix)."""

    def __init__(self, units: pd.DataFrame):
        codes = units["province_code"] if "province_code" in units else pd.Series(dtype=object)
        names = units["province_name"] if "province_name" in units else pd.Series(None, index=codes.index)
        self.codes = {c for c in codes if not is_missing(c)}
        self.by_name: dict[str, set] = defaultdict(set)
        for code, name in set(zip(codes, names)):
            if not is_missing(name):
                self.by_name[ascii_key(name, "province")].add(code)

    def scopes(self, row) -> set[str] | None:
        """The province codes a statistics row may belong to (None = it does not say)."""
        code = pad_code(row.get("province_code"), 2)
        if code and code in self.codes:
            return {code}
        name = _text(row.get("province_name"))
        if name:
            return self.by_name.get(ascii_key(name, "province")) or {"?"}
        return None


def join_stats(units: pd.DataFrame, stats, level: str | None = None) -> JoinResult:
    """Attach each statistics row to a unit and report how.

    Parameters
    ----------
    units : pandas.DataFrame or geopandas.GeoDataFrame
        Canonical units (e.g. ``read_boundaries(...).units``).
    stats : pandas.DataFrame or StatsLoad
        Canonical statistics (``read_stats(...).table``).
    level : {"province", "commune", "hamlet"}, optional
        Defaults to the units' ``level`` column.

    Returns
    -------
    JoinResult
    """
    stats = getattr(stats, "table", stats)
    level = level or (units["level"].iloc[0] if "level" in units and len(units) else "commune")
    index = _UnitIndex(pd.DataFrame(units.drop(columns="geometry", errors="ignore")), level)
    communes = _UnitIndex(index.units.drop_duplicates("commune_code"), "commune") if level == "hamlet" else None
    provinces = _Provinces(index.units)
    names = [n for n in stats.get(NAME_COLUMN[level], pd.Series(dtype=object)) if not is_missing(n)]
    typed_plain = bool(names) and all(_is_plain(n) for n in names)
    rows = []
    for row in stats.to_dict("records"):
        matched = _match_row(row, level, index, communes, provinces, typed_plain)
        matched.update(sheet=row.get("source_sheet"), row=row.get("source_row"))
        rows.append(matched)
    table = stats.copy().reset_index(drop=True)
    table["source_name"] = stats[NAME_COLUMN[level]].values if NAME_COLUMN[level] in stats else None
    for column in ("match", "match_note", "unit_index"):
        table[column] = [r[column] for r in rows]
    table = _fill_from_units(table, index, level)
    table, duplicates = _combine(table, index.key)
    report = _report(table, rows, index, duplicates)
    return JoinResult(table=table.drop(columns="unit_index"), report=report)


def _match_row(row, level, index: _UnitIndex, communes, provinces: _Provinces, typed_plain: bool) -> dict:
    name = _text(row.get(index.name))
    width = CODE_WIDTH.get(index.key)
    key = pad_code(row.get(index.key), width) if width else (_text(row.get(index.key)) or None)
    if key and key in index.keys:
        found = index.keys[key]
        loaded = index.units.at[found, index.name]
        differs = name and name_key(name, index.level) != name_key(loaded, index.level)
        note = f"name differs: the boundaries call {key} '{loaded}'" if differs else ""
        return {"match": MATCH_CODE, "match_note": note, "unit_index": found, "name": name}
    scopes = provinces.scopes(row) if level in ("commune", "district") else None
    if level == "hamlet":
        parent = _match_row(row, "commune", communes, None, provinces, typed_plain)
        if parent["unit_index"] is None:
            return {**parent, "name": name or parent["name"], "suggestion": parent.get("suggestion", "")}
        scopes = {communes.units.at[parent["unit_index"], "commune_code"]}
    unit_type = _text(row.get(f"{index.level}_type")) or unit_type_of(name, index.level) if name else None
    found, note = (index.by_names(name, scopes, _text(row.get("district_name")), unit_type, typed_plain)
                   if name else ([], ""))
    if len(found) == 1:
        return {"match": MATCH_NAME, "match_note": note, "unit_index": found[0], "name": name}
    if len(found) > 1:
        labels = "; ".join(index.label(i) for i in found[:3])
        return {"match": MATCH_NONE, "match_note": "ambiguous", "unit_index": None, "name": name,
                "suggestion": labels}
    if level == "commune":
        mapped = _legacy(row, key, name)
        if mapped and mapped["commune_code"] in index.keys:
            return {"match": MATCH_LEGACY, "unit_index": index.keys[mapped["commune_code"]], "name": name,
                    "match_note": f"pre-2025 {mapped['legacy']} → 2025 {mapped['commune_name']}"}
    return {"match": MATCH_NONE, "match_note": "", "unit_index": None, "name": name or (key or ""),
            "suggestion": index.suggest(name, scopes) if name else ""}


def _legacy(row, key, name) -> dict | None:
    from loaders.register import map_legacy_to_2025

    if key:
        mapped = map_legacy_to_2025(legacy_code=key)
        if mapped:
            return mapped
    if name:
        return map_legacy_to_2025(name, _text(row.get("province_name")) or None,
                                  _text(row.get("district_name")) or None)
    return None


def _fill_from_units(table: pd.DataFrame, index: _UnitIndex, level: str) -> pd.DataFrame:
    """Take key and names from the matched unit, so joined rows carry the boundary file's spelling."""
    unit_columns = [c for c in index.units.columns if c not in ("level",) and not c.startswith("is_")
                    and c in ("province_code", "province_name", "district_code", "district_name", "commune_code",
                              "commune_name", "commune_type", "hamlet_id", "hamlet_name", "hamlet_type")]
    matched = table["unit_index"].notna()
    positions = table.loc[matched, "unit_index"].astype(int)
    for column in unit_columns:
        if column not in table:
            table[column] = None
        table[column] = table[column].astype(object)
        table.loc[matched, column] = index.units[column].to_numpy()[positions.to_numpy()]
    return table


def _combine(table: pd.DataFrame, key: str) -> tuple[pd.DataFrame, list[str]]:
    """Sum legacy rows that became one 2025 unit; keep the first of true duplicates (reported)."""
    duplicates = []
    period = table[PERIOD] if PERIOD in table else pd.Series("", index=table.index)
    matched = table["unit_index"].notna()
    legacy = table["match"] == MATCH_LEGACY
    direct_keys = set(zip(table.loc[matched & ~legacy, key], period[matched & ~legacy]))
    superseded = legacy & pd.Series([(k, p) in direct_keys for k, p in zip(table[key], period)], index=table.index)
    if superseded.any():
        duplicates.append(f"{int(superseded.sum())} pre-2025 row(s) ignored: the 2025 unit has its own row")
    keep = table[~superseded]
    merged = []
    group_keys = [key, PERIOD] if PERIOD in keep else [key]
    for _, group in keep[keep["match"] == MATCH_LEGACY].groupby(group_keys, dropna=False, sort=False):
        first = group.iloc[0].copy()
        for column in (c for c in COUNT_COLUMNS if c in group):
            first[column] = group[column].sum(min_count=1)
        if len(group) > 1:
            for column in (c for c in SHARE_COLUMNS if c in group):
                first[column] = float("nan")  # shares of several communes cannot be combined without weights
            first["match_note"] = "; ".join(group["match_note"])
            first["source_name"] = ", ".join(_text(n) for n in group["source_name"])
        merged.append(first)
    others = keep[keep["match"] != MATCH_LEGACY]
    dup_mask = others["unit_index"].notna() & others.duplicated(
        [key, PERIOD] if PERIOD in others else [key], keep="first")
    for _, row in others[dup_mask].iterrows():
        where = f" (sheet '{row['source_sheet']}' row {row['source_row']})" if _text(row.get("source_sheet")) else ""
        period = f" for {row[PERIOD]}" if _text(row.get(PERIOD)) else ""
        duplicates.append(f"second row for {key} {row[key]}{period} ignored{where}")
    combined = pd.concat([others[~dup_mask], pd.DataFrame(merged)], ignore_index=False).sort_index()
    return combined.reset_index(drop=True), duplicates


def _report(table: pd.DataFrame, rows: list[dict], index: _UnitIndex, duplicates: list[str]) -> dict:
    counts = defaultdict(int)
    for r in rows:
        counts[r["match"]] += 1
    matched_units = {i for r in rows if r["unit_index"] is not None for i in [r["unit_index"]]}
    unmatched = [{"name": r["name"], "suggestion": r.get("suggestion", "")} for r in rows
                 if r["match"] == MATCH_NONE]
    without = [index.label(i) for i in range(len(index.units)) if i not in matched_units]
    return {
        "matched_by_code": counts[MATCH_CODE],
        "matched_by_name": counts[MATCH_NAME],
        "matched_legacy": counts[MATCH_LEGACY],
        "unmatched_stats": unmatched,
        "units_without_stats": len(without),
        "units_without_stats_sample": without[:20],
        "duplicates": duplicates,
        "code_name_differs": [f"{r['name']}: {r['match_note']}" for r in rows
                              if r["match"] == MATCH_CODE and r["match_note"]],
        "rows": [{"sheet": r["sheet"], "row": r["row"], "name": r["name"], "match": r["match"],
                  "note": r["match_note"],
                  "key": None if r["unit_index"] is None else index.units.at[r["unit_index"], index.key]}
                 for r in rows],
    }
