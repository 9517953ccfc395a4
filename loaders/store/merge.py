"""Merge an upload into the active data, keyed by (unit, period): the one rule both store backends write by.

Statistics are stored in *chunks* of (level, period, province) and boundaries in chunks of (level, province). An
apply rewrites only the chunks its rows fall in and keeps every other chunk as it was:

- a row for a (unit, period) not stored yet is **added**;
- a row for a stored (unit, period) **updates** it cell by cell: a figure the upload gives replaces the stored
  one, an empty cell keeps it (a correction of one column does not erase the others); a share given without its
  count drops the stored count it would contradict, and the other way round;
- ``replace_periods``: every stored row of those periods (in the provinces the officer holds) is removed first,
  so the period holds exactly the upload's rows — an explicit, separate choice;
- boundaries replace the units of the provinces they cover (``replace_level``: of every province); the figures
  stay keyed by code, and those whose unit has no shape any more are listed (:attr:`Commit.orphans`).

The same functions produce the preview's counts and the rows an apply writes, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from loaders.schema import COUNT_COLUMNS, KEY_COLUMN, PERIOD, SHARE_COLUMNS

FIGURES = (*COUNT_COLUMNS, *SHARE_COLUMNS)
#: Identity columns each statistics level keeps, in order.
STATS_IDENTITY = {
    "commune": ("commune_code", "commune_name", "province_code", "province_name"),
    "hamlet": ("hamlet_id", "commune_code", "province_code"),
}
#: A share and the count it is computed from: giving one drops a stored value of the other.
SHARE_COUNT = {"smartphone_share": "smartphone_users", "vneid_share": "vneid_level2",
               "cashless_share": "cashless_users", "digital_skills_share": "digital_skills",
               "online_service_share": "online_dossiers", "team_presence": "hamlets_with_team"}
NO_PROVINCE = ""


def period_key(period) -> tuple:
    """Sort key of a period: "2025" < "2025-Q1" < "2025-03", years first, as the app lists them."""
    year, _, rest = str(period).partition("-")
    return (year, 0 if not rest else 1 if rest.startswith("Q") else 2, rest)


def has_figures(table: pd.DataFrame) -> pd.Series:
    """True for rows that carry at least one figure (a unit "has data" in that period)."""
    present = [c for c in FIGURES if c in table]
    if not present:
        return pd.Series(False, index=table.index)
    return table[present].notna().any(axis=1)


def is_partial(units_with_data: int, units_total: int, complete_share: float) -> bool:
    """Whether a period is partial for an area: fewer than ``complete_share`` of its units have figures."""
    return units_total > 0 and units_with_data < complete_share * units_total


@dataclass
class Counts:
    """Rows (or units) an apply adds, changes, leaves as they were, or removes."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0

    def __iadd__(self, other: "Counts") -> "Counts":
        self.added += other.added
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.removed += other.removed
        return self

    def to_json(self) -> dict:
        return {"added": self.added, "changed": self.changed, "unchanged": self.unchanged, "removed": self.removed}


@dataclass
class Chunks:
    """The new content of the chunks an apply rewrites.

    ``keys`` are (period, province) for statistics, province for units; a chunk in ``keys`` and absent from
    ``frame`` is emptied.
    """

    frame: pd.DataFrame
    keys: set = field(default_factory=set)


@dataclass
class Commit:
    """Everything an apply writes, computed from the active data and the upload (see :func:`build_commit`)."""

    stats: dict = field(default_factory=dict)         # level -> Chunks
    units: dict = field(default_factory=dict)         # level -> Chunks
    stats_counts: dict = field(default_factory=dict)  # level -> period -> province -> Counts
    units_counts: dict = field(default_factory=dict)  # level -> province -> Counts
    orphans: dict = field(default_factory=dict)       # level -> DataFrame(key, name, province_code, periods)
    period_rows: dict = field(default_factory=dict)   # level -> period -> DataFrame of the period after apply
    metadata: dict = field(default_factory=dict)

    def changes_json(self) -> dict:
        """The ledger's ``changes``: level -> period -> {added, changed, unchanged, removed, provinces}."""
        out = {}
        for level, periods in self.stats_counts.items():
            out[level] = {}
            for period in sorted(periods, key=period_key):
                total = Counts()
                for counts in periods[period].values():
                    total += counts
                out[level][period] = {**total.to_json(), "provinces": {
                    p: c.to_json() for p, c in sorted(periods[period].items())}}
        return out

    def units_json(self) -> dict:
        return {level: {p: c.to_json() for p, c in sorted(by_province.items())}
                for level, by_province in self.units_counts.items()}

    @property
    def empty(self) -> bool:
        return not any(c.added or c.changed or c.removed for periods in self.stats_counts.values()
                       for by_p in periods.values() for c in by_p.values()) and \
            not any(c.added or c.changed or c.removed for by_p in self.units_counts.values() for c in by_p.values())


def _province(table: pd.DataFrame) -> pd.Series:
    if "province_code" not in table:
        return pd.Series(NO_PROVINCE, index=table.index, dtype=object)
    return table["province_code"].astype(object).where(table["province_code"].notna(), NO_PROVINCE).astype(str)


def normalise_stats(table: pd.DataFrame, level: str) -> pd.DataFrame:
    """The stored columns of a statistics table: identity, period, figures as float64 (NaN = no data)."""
    identity = [c for c in STATS_IDENTITY[level] if c in table]
    figures = [c for c in FIGURES if c in table]
    out = table[[*identity, PERIOD, *figures]].copy()
    for column in figures:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    for column in (*identity, PERIOD):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    out["province_code"] = _province(out)
    return out.reset_index(drop=True)


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise: every figure equal, NaN equal to NaN."""
    equal = (a == b) | (np.isnan(a) & np.isnan(b))
    return equal.all(axis=1)


def _cell_merge(old: pd.DataFrame, new: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``new`` rows (indexed like ``old``) with empty cells filled from ``old``; shares/counts kept consistent."""
    result = new.reindex(columns=columns).copy()
    stored = old.reindex(index=new.index, columns=columns)
    given = new.reindex(columns=columns).notna()
    for column in columns:
        if column not in FIGURES:
            result[column] = result[column].where(given[column], stored[column])
            continue
        keep_old = ~given[column]
        pair = SHARE_COUNT.get(column) or next((s for s, c in SHARE_COUNT.items() if c == column), None)
        if pair is not None and pair in given:  # the upload gave the other of the pair: the stored one is stale
            keep_old &= ~given[pair]
        result[column] = result[column].where(~keep_old, stored[column]).astype("float64")
    return result


def merged_values(previous: pd.DataFrame | None, upload: pd.DataFrame, level: str) -> pd.DataFrame:
    """The upload's rows as they would be stored (empty cells filled from the stored row): what checks judge."""
    key = KEY_COLUMN[level]
    upload = normalise_stats(upload, level)
    if previous is None or previous.empty:
        return upload
    columns = list(dict.fromkeys([*upload.columns, *[c for c in FIGURES if c in previous]]))
    old = normalise_stats(previous, level).drop_duplicates([key, PERIOD]).set_index([key, PERIOD])
    new = upload.set_index([key, PERIOD])
    merged = _cell_merge(old, new, [c for c in columns if c not in (key, PERIOD)])
    return merged.reset_index()[columns]


def merge_stats(previous: pd.DataFrame | None, upload: pd.DataFrame, level: str, replace_periods=(),
                scope: frozenset | None = None) -> tuple[Chunks, dict]:
    """Merge statistics rows of one level; return the rewritten chunks and the counts per period and province.

    Parameters
    ----------
    previous : DataFrame or None
        The stored rows of (at least) every period the upload touches, all provinces.
    upload : DataFrame
        The upload's rows (joined to units: key, names, province_code, period, figures); one per (unit, period).
    replace_periods : iterable of str
        Periods whose stored rows are removed before the upload's rows go in.
    scope : frozenset or None
        Provinces a replacement may empty (the officer's); ``None``: all.
    """
    key = KEY_COLUMN[level]
    replace_periods = set(replace_periods)
    new = normalise_stats(upload, level)
    old = normalise_stats(previous, level) if previous is not None and len(previous) else new.iloc[0:0]
    new_keys = pd.MultiIndex.from_frame(new[[key, PERIOD]])
    old_keys = pd.MultiIndex.from_frame(old[[key, PERIOD]])
    # chunks: where the new rows go, where their stored rows are (a unit may have changed province), replacements
    chunks = set(zip(new[PERIOD], new["province_code"]))
    chunks |= set(zip(old.loc[old_keys.isin(new_keys), PERIOD], old.loc[old_keys.isin(new_keys), "province_code"]))
    replaced_rows = old[PERIOD].isin(replace_periods)
    if scope is not None:
        replaced_rows &= old["province_code"].isin(scope)
    chunks |= set(zip(old.loc[replaced_rows, PERIOD], old.loc[replaced_rows, "province_code"]))
    in_chunks = pd.Series([c in chunks for c in zip(old[PERIOD], old["province_code"])], index=old.index,
                          dtype=bool)
    old = old[in_chunks]
    old_keys = pd.MultiIndex.from_frame(old[[key, PERIOD]])
    columns = list(dict.fromkeys([*new.columns, *old.columns]))
    figures = [c for c in FIGURES if c in columns]
    old_indexed = old.drop_duplicates([key, PERIOD]).set_index([key, PERIOD])
    new_indexed = new.set_index([key, PERIOD])
    cell_merge = ~new[PERIOD].isin(replace_periods).to_numpy()
    merged = new_indexed.reindex(columns=[c for c in columns if c not in (key, PERIOD)])
    if cell_merge.any():
        merged.loc[cell_merge] = _cell_merge(old_indexed, new_indexed[cell_merge], list(merged.columns))
    existed = new_keys.isin(old_keys)
    before = old_indexed.reindex(index=new_indexed.index, columns=figures).to_numpy(dtype="float64")
    after = merged.reindex(columns=figures).to_numpy(dtype="float64")
    same = _same(after, before) if figures else np.ones(len(new), dtype=bool)
    removed = ~old_keys.isin(new_keys) & old[PERIOD].isin(replace_periods).to_numpy()
    if scope is not None:
        removed &= old["province_code"].isin(scope).to_numpy()
    kept = old[~old_keys.isin(new_keys) & ~removed]
    frame = pd.concat([kept, merged.reset_index()], ignore_index=True)[columns]
    frame = frame.sort_values([PERIOD, "province_code", key], kind="stable").reset_index(drop=True)
    counts: dict = {}
    provinces = new["province_code"].to_numpy()
    periods = new[PERIOD].to_numpy()
    for i in range(len(new)):
        cell = counts.setdefault(periods[i], {}).setdefault(provinces[i], Counts())
        if not existed[i]:
            cell.added += 1
        elif same[i]:
            cell.unchanged += 1
        else:
            cell.changed += 1
    for period, province in zip(old.loc[removed, PERIOD], old.loc[removed, "province_code"]):
        counts.setdefault(period, {}).setdefault(province, Counts()).removed += 1
    return Chunks(frame=frame, keys=chunks), counts


def merge_units(previous: gpd.GeoDataFrame | None, upload: gpd.GeoDataFrame, level: str,
                replace_level: bool = False, scope: frozenset | None = None) -> tuple[Chunks, dict]:
    """Boundaries: the upload's units replace those of the provinces it covers (every province with
    ``replace_level``, within ``scope``); return the rewritten chunks and counts per province."""
    key = KEY_COLUMN[level]
    new = upload.copy()
    new["province_code"] = _province(new)
    old = previous.copy() if previous is not None else new.iloc[0:0]
    old["province_code"] = _province(old)
    touched = set(new["province_code"])
    if replace_level:
        touched |= set(old["province_code"]) if scope is None else set(old["province_code"]) & set(scope)
    old = old[old["province_code"].isin(touched)]
    old_by_key = old.drop_duplicates(key).set_index(key)
    counts: dict = {}
    old_wkb = dict(zip(old_by_key.index, old_by_key.geometry.to_wkb())) if len(old_by_key) else {}
    names = [c for c in new.columns if c.endswith("_name")]
    for row_key, province, wkb, row in zip(new[key], new["province_code"], new.geometry.to_wkb(),
                                           new[names].itertuples(index=False)):
        cell = counts.setdefault(province, Counts())
        if row_key not in old_wkb:
            cell.added += 1
            continue
        before = old_by_key.loc[row_key]
        same = wkb == old_wkb[row_key] and all(
            str(getattr(row, n, "")) == str(before.get(n, "")) for n in names)
        cell.changed += 0 if same else 1
        cell.unchanged += 1 if same else 0
    for row_key, province in zip(old[key], old["province_code"]):
        if row_key not in set(new[key]):
            counts.setdefault(province, Counts()).removed += 1
    frame = new.sort_values(["province_code", *([("commune_code")] if level == "hamlet" else []), key],
                            kind="stable").reset_index(drop=True)
    return Chunks(frame=frame, keys=touched), counts


def orphans(stats: pd.DataFrame | None, units_keys: set, level: str, provinces: set) -> pd.DataFrame:
    """Stored figures of ``provinces`` whose unit is not in ``units_keys`` any more: one line per unit."""
    key = KEY_COLUMN[level]
    columns = [key, "province_code", "name", "periods"]
    if stats is None or stats.empty:
        return pd.DataFrame(columns=columns)
    table = normalise_stats(stats, level)
    table = table[table["province_code"].isin(provinces) & ~table[key].isin(units_keys)]
    name = "commune_name" if "commune_name" in table else key
    lost = table.groupby([key, "province_code"], sort=True).agg(
        name=(name, "first"), periods=(PERIOD, lambda p: sorted(set(p), key=period_key)))
    return lost.reset_index()[columns]
