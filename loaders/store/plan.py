"""The preview of an apply, computed before anything is written: what each period gains or changes, how complete
a new period is, which rows are refused and why (issue 12).

:func:`build_preview` runs the same merge an apply writes (:mod:`loaders.store.merge`), against the active data
the upload was checked on, and returns a :class:`Preview` whose :meth:`Preview.lines` are catalogue messages: the
upload panel and ``coverage-map store apply`` print the same words. The apply writes ``preview.commit`` as it is,
so the ledger's counts are the preview's counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from i18n import Message
from loaders.schema import KEY_COLUMN, PERIOD
from loaders.store.access import Identity
from loaders.store.checks import finding_for, plausibility
from loaders.store.merge import (Chunks, Commit, has_figures, is_partial, merge_stats, merge_units,
                                 merged_values, orphans, period_key)


@dataclass
class Upload:
    """A checked upload, ready to merge: joined statistics rows and boundaries, by level.

    ``stats`` rows carry the unit's key and names (from the boundaries), ``province_code``, ``period``, figures
    and ``source_file``/``source_sheet``/``source_row``; ``ignored`` are rows no choice will apply (not joined,
    second row for the same unit and period), reported in the preview.
    """

    stats: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    files: list = field(default_factory=list)
    ignored: list = field(default_factory=list)


@dataclass(frozen=True)
class ApplyOptions:
    """The officer's choices: merge (default), or replace whole periods / whole levels; exclude refused rows."""

    replace_periods: tuple = ()
    replace_level: bool = False
    exclude_rejected: bool = False


@dataclass
class Preview:
    """What an apply will do, in figures and in words. ``commit`` is what it writes."""

    token: str
    options: ApplyOptions
    commit: Commit
    rejected: list = field(default_factory=list)
    ignored: list = field(default_factory=list)
    completeness: list = field(default_factory=list)
    province_names: dict = field(default_factory=dict)
    files: list = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        """True while refused rows remain that the officer has not chosen to exclude."""
        return any(f.blocking for f in self.rejected) and not self.options.exclude_rejected

    @property
    def empty(self) -> bool:
        return self.commit.empty

    def lines(self) -> list[Message]:
        """The preview in words (same for the panel and the CLI)."""
        from loaders.store.preview_words import preview_lines

        return preview_lines(self)

    def to_json(self) -> dict:
        return {"token": self.token, "blocked": self.blocked, "changes": self.commit.changes_json(),
                "units": self.commit.units_json(), "completeness": self.completeness,
                "rejected": [f.to_json() for f in self.rejected], "ignored": [f.to_json() for f in self.ignored],
                "orphans": {lvl: frame.to_dict("records") for lvl, frame in self.commit.orphans.items()},
                "lines": [m.to_json() for m in self.lines()]}


# -- units -------------------------------------------------------------------------------------------------------
def _with_parent_columns(units: gpd.GeoDataFrame, parent, level: str) -> gpd.GeoDataFrame:
    """Area classes the upload lacks come from the stored units; hamlets without a province get it from their
    commune."""
    from loaders.schema import AREA_CLASS_COLUMNS

    units = units.copy()
    if level == "hamlet" and ("province_code" not in units or units["province_code"].isna().any()) \
            and parent.has_units("commune"):
        index = parent.unit_index("commune")
        found = units["commune_code"].map(dict(zip(index["commune_code"], index["province_code"])))
        units["province_code"] = (units["province_code"].fillna(found) if "province_code" in units
                                  else found).astype(object)
    missing = [c for c in AREA_CLASS_COLUMNS if c not in units]
    if not missing or not parent.has_units(level):
        return units
    previous = parent.units(level)
    carried = [c for c in missing if c in previous]
    if "area_class_source" in previous and "area_class_source" not in units and carried:
        carried.append("area_class_source")  # say where the carried classes came from (e.g. "heuristic")
    key = KEY_COLUMN[level]
    lookup = pd.DataFrame(previous[[key, *carried]]).drop_duplicates(key).set_index(key)
    for column in carried:
        values = units[key].map(lookup[column])
        units[column] = values.fillna("" if column in ("ethnic_region", "area_class_source") else False).to_numpy()
    return units


def _refuse_other_provinces(frame: pd.DataFrame, level: str, identity: Identity, rejected: list) -> pd.DataFrame:
    allowed = identity.write_provinces
    if allowed is None:
        return frame
    province = frame["province_code"].astype(str) if "province_code" in frame else pd.Series("", index=frame.index)
    outside = ~province.isin(allowed)
    for row in frame[outside].drop(columns="geometry", errors="ignore").to_dict("records"):
        rejected.append(finding_for(row, level, Message("store.check.other_province", {
            "province": row.get("province_code") or "—", "user": identity.user or "—"})))
    return frame[~outside]


def _plan_units(commit: Commit, parent, upload: Upload, options, identity, rejected) -> None:
    from loaders.ingest_files import provinces_from_communes

    for level, units in upload.units.items():
        units = _refuse_other_provinces(_with_parent_columns(units, parent, level), level, identity, rejected)
        previous = parent.units(level) if parent.has_units(level) else None
        chunks, counts = merge_units(previous, units, level, options.replace_level, identity.write_provinces)
        commit.units[level], commit.units_counts[level] = chunks, counts
        if level == "commune" and chunks.frame["province_code"].ne("").all():
            provinces = provinces_from_communes(chunks.frame)
            commit.units["province"] = Chunks(frame=provinces, keys=set(chunks.keys))
        stored = parent.stats_rows(level) if level in ("commune", "hamlet") else None
        lost = orphans(stored, set(chunks.frame[KEY_COLUMN[level]]), level, chunks.keys)
        if len(lost):
            commit.orphans[level] = lost


# -- statistics --------------------------------------------------------------------------------------------------
def _plan_stats(commit: Commit, parent, upload: Upload, options, identity, rejected, checks) -> None:
    for level, rows in upload.stats.items():
        rows = _refuse_other_provinces(rows, level, identity, rejected)
        replace = set(options.replace_periods) | (set(parent.periods(level)) if options.replace_level else set())
        periods = sorted(set(rows[PERIOD]) | replace, key=period_key)
        previous = parent.stats_rows(level, periods=periods)
        merging = previous[~previous[PERIOD].isin(replace)] if previous is not None else None
        merged = merged_values(merging, rows, level).assign(**{
            c: rows[c].to_numpy() for c in ("source_file", "source_sheet", "source_row") if c in rows})
        found = [f for check in checks for f in check(merged, level)]
        rejected += found
        if found:
            bad = {(f.key, f.period) for f in found}
            keep = [(k, p) not in bad for k, p in zip(rows[KEY_COLUMN[level]].astype(str), rows[PERIOD])]
            rows = rows[keep]
        chunks, counts = merge_stats(previous, rows, level, replace, identity.write_provinces)
        commit.stats[level], commit.stats_counts[level] = chunks, counts
        commit.period_rows[level] = _period_rows(previous, chunks, periods)


def _period_rows(previous, chunks: Chunks, periods) -> dict:
    """Each touched period's rows after the apply: untouched chunks as stored, rewritten chunks as merged."""
    out = {}
    for period in periods:
        kept = pd.DataFrame()
        if previous is not None and len(previous):
            old = previous[previous[PERIOD] == period]
            province = old["province_code"].astype(str) if "province_code" in old else ""
            kept = old[[(period, p) not in chunks.keys for p in province]] if len(old) else old
        new = chunks.frame[chunks.frame[PERIOD] == period]
        out[period] = pd.concat([kept, new], ignore_index=True) if len(kept) else new
    return out


def _units_with_data(rows: pd.DataFrame, key: str, unit_keys: set) -> pd.DataFrame:
    if rows is None or not len(rows):
        return pd.DataFrame(columns=[key, "province_code"])
    with_data = rows[has_figures(rows)]
    return with_data[with_data[key].isin(unit_keys)].drop_duplicates(key)


def _latest_complete(parent, level: str, period_rows: dict, unit_keys: set, complete_share: float):
    """The latest period that is complete after the apply (what the start page opens on), or ``None``."""
    key = KEY_COLUMN[level]
    stored = parent.stats_rows(level)
    periods = set(period_rows) | (set(stored[PERIOD].dropna()) if stored is not None else set())
    for period in sorted(periods, key=period_key, reverse=True):
        rows = period_rows.get(period)
        if rows is None:
            rows = stored[stored[PERIOD] == period]
        if not is_partial(len(_units_with_data(rows, key, unit_keys)), len(unit_keys), complete_share):
            return period
    return None


def _completeness(commit: Commit, parent, complete_share: float) -> list[dict]:
    """Per touched period: units with figures / units of the level, nationally and per province touched."""
    result = []
    for level, periods in commit.period_rows.items():
        units = _unit_index_after(commit, parent, level)
        key = KEY_COLUMN[level]
        unit_keys = set(units[key])
        total_by_province = units.groupby("province_code").size().to_dict() if len(units) else {}
        touched = {p for per in commit.stats_counts.get(level, {}).values() for p in per}
        stored_periods = parent.periods(level)
        latest = max(stored_periods, key=period_key, default=None)
        complete = _latest_complete(parent, level, periods, unit_keys, complete_share)
        for period, rows in sorted(periods.items(), key=lambda item: period_key(item[0])):
            known = _units_with_data(rows, key, unit_keys)
            by_province = known.groupby("province_code")[key].nunique().to_dict() if len(known) else {}
            item = {"level": level, "period": period, "units_with_data": int(len(known)),
                    "units_total": int(len(units)), "new": period not in stored_periods,
                    "new_latest": latest is None or period_key(period) > period_key(latest),
                    "latest_before": latest, "latest_complete": complete,
                    "provinces": {p: [int(by_province.get(p, 0)), int(total_by_province.get(p, 0))]
                                  for p in sorted(touched)}}
            item["partial"] = is_partial(item["units_with_data"], item["units_total"], complete_share)
            result.append(item)
    return result


def _unit_index_after(commit: Commit, parent, level: str) -> pd.DataFrame:
    columns = list(dict.fromkeys([KEY_COLUMN[level], "province_code"]))
    index = parent.unit_index(level)[columns] if parent.has_units(level) else pd.DataFrame(columns=columns)
    if level in commit.units:
        chunks = commit.units[level]
        index = index[~index["province_code"].isin(chunks.keys)]
        new = pd.DataFrame(chunks.frame[columns])
        index = pd.concat([index, new], ignore_index=True)
    return index


def build_preview(parent, upload: Upload, token: str, options: ApplyOptions = ApplyOptions(),
                  identity: Identity | None = None, complete_share: float = 0.8, checks=(plausibility,)) -> Preview:
    """Compute what applying ``upload`` on ``parent`` (the active :class:`~loaders.store.base.Dataset`, read with
    full access) would write, without writing anything.

    Parameters
    ----------
    token : str
        The store's token when ``parent`` was read; the apply is refused when the store's token differs.
    identity : Identity
        The officer: rows of provinces they do not hold are refused, replacements limited to theirs.
    checks : iterable of callables
        ``(rows, level) -> list[Finding]`` on the rows as they would be stored (see :mod:`loaders.store.checks`).
    """
    identity = identity or Identity.local()
    identity.require_officer()
    commit, rejected = Commit(), []
    _plan_units(commit, parent, upload, options, identity, rejected)
    _plan_stats(commit, parent, upload, options, identity, rejected, checks)
    commit.metadata = _metadata(parent, upload, commit, options)
    names = {}
    if parent.has_units("commune"):
        index = parent.unit_index("commune")
        if "province_name" in index:
            names = dict(zip(index["province_code"], index["province_name"]))
    return Preview(token=token, options=options, commit=commit, rejected=rejected, ignored=list(upload.ignored),
                   completeness=_completeness(commit, parent, complete_share), province_names=names,
                   files=list(upload.files))


def _metadata(parent, upload: Upload, commit: Commit, options: ApplyOptions) -> dict:
    """The parent's metadata with this apply recorded; still ``demo`` while any demo layer remains."""
    from loaders.store.layers import stats_layer, units_layer

    metadata = dict(parent.metadata())
    demo = set(metadata.get("demo_files", [])) if "demo_files" in metadata else (
        set(parent.layers()) if metadata.get("demo") else set())
    for level, chunks in commit.units.items():
        if set(chunks.keys) >= set(parent.unit_index(level)["province_code"]) if parent.has_units(level) else True:
            demo.discard(units_layer(level))  # every province's shapes replaced
    if options.replace_level and upload.stats:
        demo -= {stats_layer(level) for level in commit.stats}
    metadata["demo_files"] = sorted(demo)
    metadata["demo"] = bool(demo)
    if not demo:
        for key in ("notice", "notice_vi", "notice_en", "title"):  # the demo notices no longer apply
            metadata.pop(key, None)
    periods = set(metadata.get("periods", []))
    for rows in commit.period_rows.values():
        periods |= set(rows)
    if periods:
        metadata["periods"] = sorted(periods, key=period_key)
        metadata["latest_period"] = metadata["periods"][-1]
    counts = dict(metadata.get("counts", {}))
    for level in commit.units:
        counts[f"{level}s"] = int(len(_unit_index_after(commit, parent, level)))
    if counts:
        metadata["counts"] = counts
    return metadata
