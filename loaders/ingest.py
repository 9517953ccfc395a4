"""Turn an upload into a new version of the store, in three steps the officer sees one after the other (issue 12):

1. :func:`check_upload` reads the staged files, runs :func:`loaders.validate.validate` (the same report as
   ``coverage-map validate``), joins the figures to the active boundaries once, and records which active data it
   was checked against (the store's token);
2. :func:`preview_upload` computes what an apply would change (:class:`loaders.store.plan.Preview`: rows added
   or updated per period and province, completeness of a new period, refused rows and why) — the panel and
   ``coverage-map store apply`` print its :meth:`~loaders.store.plan.Preview.lines`;
3. :func:`apply_upload` writes exactly that preview as a new version (merge per unit and period; replacing a
   period or a level only when chosen), refused when the active data changed since the check.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from loaders.archive import StagedUpload, UploadError
from loaders.boundaries import BoundaryLoad
from loaders.errors import LoaderError
from loaders.guard import read_boundaries, read_stats  # untrusted files: read in a bounded worker (issue 14)
from loaders.schema import KEY_COLUMN, PERIOD
from loaders.stats import StatsLoad
from loaders.store import ACTIVE, Identity, StaleCheck, Store, StoreError
from loaders.store.checks import finding_for
from loaders.store.layers import units_layer
from loaders.store.plan import ApplyOptions, Preview, Upload, build_preview

log = logging.getLogger(__name__)

class IngestError(UploadError):
    """An upload that cannot become a dataset version, explained in Vietnamese and English."""

    namespace = "ingest"


@dataclass
class UploadCheck:
    """The outcome of :func:`check_upload`.

    Attributes
    ----------
    report : dict or None
        :func:`loaders.validate.validate` output (SPEC §8), ``None`` when the files could not be read at all.
    errors : list of LoaderError
        Why the upload cannot be applied (empty when usable). :class:`IngestError` ones have ``text(lang)``.
    boundaries : BoundaryLoad or None
        The uploaded boundaries, read once and reused by :func:`apply_upload`.
    stats : list of StatsLoad
        The uploaded statistics, read once.
    """

    report: dict | None = None
    errors: list = field(default_factory=list)
    boundaries: BoundaryLoad | None = None
    stats: list = field(default_factory=list)
    scope: list | None = None  # province codes hamlet figures were checked within (None: everywhere)
    upload: Upload | None = None  # the joined rows and boundaries, ready to merge
    token: str = ""  # the store's token when checked: an apply on other data is refused

    @property
    def usable(self) -> bool:
        """True when the upload can be applied."""
        return not self.errors and (self.boundaries is not None or bool(self.stats))


def error_text(error: Exception, lang: str = "vi") -> str:
    """One line for a refused upload in the user's language."""
    if isinstance(error, LoaderError):
        return error.text(lang)
    return str(error)


def _unit_errors(load: BoundaryLoad) -> list[LoaderError]:
    units, level, path = load.units, load.info["level"], load.info["path"]
    if level not in ("commune", "hamlet"):
        return [IngestError("level_not_supported", path, level=level)]
    if len(units) == 0:
        return [IngestError("no_features", path)]
    # a hamlet is placed by its commune; a commune needs its own code (the key of the figures)
    for key in ((KEY_COLUMN[level], "commune_code") if level == "hamlet" else (KEY_COLUMN[level],)):
        if key not in units or units[key].isna().any():
            count = len(units) if key not in units else int(units[key].isna().sum())
            return [IngestError("missing_keys", path, count=count, column=key)]
    key = KEY_COLUMN[level]
    duplicated = units[key][units[key].duplicated()]
    if len(duplicated):
        examples = ", ".join(str(v) for v in duplicated.unique()[:3])
        return [IngestError("duplicate_keys", path, column=key, examples=examples)]
    return []


def _stats_errors(load: StatsLoad) -> list[LoaderError]:
    path, level = load.info["path"], load.info["level"]
    if level not in ("commune", "hamlet"):
        return [IngestError("stats_level", path, level=level)]
    if len(load.table) == 0:
        return [IngestError("no_rows", path)]
    missing = int(load.table[PERIOD].isna().sum()) if PERIOD in load.table else len(load.table)
    if missing:
        return [IngestError("no_period", path, count=missing)]
    return []


def _join_units(check: UploadCheck, parent, level: str, directory: Path):
    """The units statistics of ``level`` are joined to, and a file of them for the report: the upload's
    boundaries when they are of that level, else the active data's (hamlets: only their provinces', since the
    join's cost grows with the units)."""
    if check.boundaries is not None and check.boundaries.info["level"] == level:
        return check.boundaries.units, Path(check.boundaries.info["path"])
    if not parent.has_units(level):
        return None, None
    provinces = None
    if level == "hamlet":
        check.scope = _provinces_of(check.stats, parent)
        provinces = check.scope
    path = getattr(parent, "path", None)
    if provinces is None and path is not None:
        units_file = Path(path) / units_layer(level)
        return parent.units(level), units_file
    units = parent.units(level)
    if provinces:
        units = units[units["province_code"].isin(provinces)].reset_index(drop=True)
    scoped = directory / "scope" / f"{level}.parquet"
    scoped.parent.mkdir(parents=True, exist_ok=True)
    units.to_parquet(scoped, compression="zstd")
    return units, scoped


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None  # NaN is truthy: never let it through


def _provinces_of(loads, parent) -> list[str] | None:
    """Province codes every statistics row belongs to (by province code, commune code or province name);
    ``None`` when some row says nothing about its province (then no unit may be left out of the join)."""
    from loaders.text import name_key

    if not parent.has_units("commune"):
        return None
    communes = parent.unit_index("commune")
    by_commune = dict(zip(communes["commune_code"], communes["province_code"]))
    by_name = {name_key(n, "province"): c for n, c in zip(communes.get("province_name", []),
                                                         communes["province_code"])}
    found = set()
    for load in loads:
        for row in load.table.to_dict("records"):
            code = _text(row.get("province_code")) or by_commune.get(_text(row.get("commune_code")))
            code = code or by_name.get(name_key(_text(row.get("province_name")), "province"))
            if not isinstance(code, str):
                return None
            found.add(code)
    return sorted(found) or None


def check_upload(staged: StagedUpload, store: Store, level: str | None = None, crs=None) -> UploadCheck:
    """Read, validate and join staged files against the active data; never raises for bad input (the reasons
    are in ``.errors``).

    Parameters
    ----------
    staged : StagedUpload
        From :func:`loaders.archive.stage_files`.
    store : Store
        Its active data supplies the boundaries when only statistics are uploaded; its token is recorded.
    level, crs : optional
        Passed to :func:`loaders.boundaries.read_boundaries` for the uploaded boundaries.
    """
    check = UploadCheck(token=store.token())
    try:
        parent = store.dataset(ACTIVE)
        communes = parent.units("commune") if parent.has_units("commune") else None
        _read_uploads(check, staged, level, crs, communes)
        if check.errors:
            return check
        check.upload = Upload(files=[Path(p).name for p in staged.sources])
        if check.boundaries is not None:
            check.upload.units[check.boundaries.info["level"]] = check.boundaries.units
        levels = sorted({s.info["level"] for s in check.stats})
        reports = []
        for stats_level in levels:
            loads = [s for s in check.stats if s.info["level"] == stats_level]
            units, units_file = _join_units(check, parent, stats_level, staged.directory)
            if units is None:
                check.errors.append(IngestError("no_boundaries_for_stats", loads[0].info["path"], level=stats_level))
                return check
            reports.append(_validate(check, units_file, loads, stats_level, crs, communes))
            _join(check, units, loads, stats_level)
        if not check.stats:
            reports.append(_validate(check, Path(check.boundaries.info["path"]), [], None, crs, communes))
        check.report = _combine_reports(reports)
        _join_errors(check)
    except LoaderError as error:
        check.errors.append(error)
    except Exception as error:  # noqa: BLE001 - a hostile file must give a message, never a traceback
        log.exception("unexpected error while checking an upload")
        check.errors.append(IngestError("unreadable", staged.sources[0] if staged.sources else None,
                                        detail=type(error).__name__))
    return check


def _read_uploads(check: UploadCheck, staged: StagedUpload, level, crs, communes=None) -> None:
    if staged.boundaries is not None:
        check.boundaries = read_boundaries(staged.boundaries, level=level, crs=crs, communes=communes)
        check.errors += _unit_errors(check.boundaries)
    for path in staged.stats:
        load = read_stats(path)
        check.stats.append(load)
        check.errors += _stats_errors(load)
    # A hamlet list with coordinates is boundaries (points) and figures at once (issue 11).
    lists = [s for s in check.stats if s.info.get("coordinates") and s.info.get("level") == "hamlet"]
    if check.boundaries is None and lists:
        check.boundaries = read_boundaries(lists[0].info["path"], level="hamlet", crs=crs, communes=communes)
        check.errors += _unit_errors(check.boundaries)


def _validate(check: UploadCheck, boundary_file: Path, loads, stats_level: str | None, crs, communes=None) -> dict:
    from loaders.validate import validate

    uploaded = check.boundaries is not None and Path(check.boundaries.info["path"]) == boundary_file
    level = check.boundaries.info["level"] if uploaded else stats_level
    report = validate(boundary_file, [s.info["path"] for s in loads], level=level, crs=crs if uploaded else None,
                      communes=communes if uploaded and level == "hamlet" else None)
    report["boundaries_uploaded"] = uploaded
    return report


def _combine_reports(reports: list[dict]) -> dict:
    """One report for uploads with statistics of two levels: files listed together, join counts added."""
    report = dict(reports[0])
    for other in reports[1:]:
        report["stats"] = report["stats"] + other["stats"]
        join = dict(report["join"])
        for key, value in other["join"].items():
            join[key] = _combined(join.get(key), value)
        report["join"] = join
    return report


def _combined(ours, theirs):
    """Two files' values of one join figure as one: yes only if both, counts added, lists joined."""
    if ours is None:
        return theirs
    if isinstance(theirs, bool):
        return bool(ours) and theirs
    if isinstance(theirs, int):
        return ours + theirs
    if isinstance(theirs, dict):
        return {key: _combined(ours.get(key), value) for key, value in theirs.items()} | \
            {key: value for key, value in ours.items() if key not in theirs}
    return list(ours) + list(theirs)


def _join(check: UploadCheck, units: pd.DataFrame, loads, level: str) -> None:
    """Join the figures once; keep matched rows for the merge, report every other row as ignored."""
    from loaders.join import MATCH_LEGACY, MATCH_NONE, join_stats
    from loaders.join_report import AMBIGUOUS, IMPLAUSIBLE, INCOMPLETE, NOT_DATA
    from loaders.plausibility import check_plausibility

    table = pd.concat([s.table.assign(source_file=Path(s.info["path"]).name) for s in loads], ignore_index=True)
    result = join_stats(units, table, level)
    joined = result.table
    matched = joined[joined["match"] != MATCH_NONE].reset_index(drop=True)
    check.upload.stats[level] = matched
    kept = set(zip(matched["source_file"], matched["source_sheet"], matched["source_row"]))
    reasons = {}  # impossible rows the join did not keep: their first impossible value
    for found in check_plausibility(table.reset_index(drop=True)):
        reasons.setdefault(found.position, found.message)
    rows = table.assign(match=[r["match"] for r in result.report["rows"]],
                        row_class=[r["class"] for r in result.report["rows"]])
    for position, row in enumerate(rows.to_dict("records")):
        where = (row.get("source_file"), row.get("source_sheet"), row.get("source_row"))
        if row["match"] == MATCH_NONE:
            if row["row_class"] == IMPLAUSIBLE and (where in kept or position not in reasons):
                continue  # kept with its unit: the store's preview refuses it with its reason
            message = reasons[position] if row["row_class"] == IMPLAUSIBLE else _message(
                f"store.check.{row['row_class']}" if row["row_class"] in (AMBIGUOUS, INCOMPLETE, NOT_DATA)
                else "store.check.unmatched")
            check.upload.ignored.append(finding_for(row, level, message, blocking=False))
        elif row["match"] != MATCH_LEGACY and where not in kept:
            check.upload.ignored.append(finding_for(row, level, _message("store.check.duplicate"), blocking=False))


def _message(key: str, **params):
    from i18n import Message

    return Message(key, params)


def _join_errors(check: UploadCheck) -> None:
    if not check.stats or check.report is None:
        return
    if not any(len(rows) for rows in check.upload.stats.values()):
        check.errors.append(IngestError("no_match", check.stats[0].info["path"]))


def validation_summary(check: UploadCheck) -> dict:
    """The few figures of a report kept in the manifest (the whole report stays with the version)."""
    report = check.report or {}
    join = report.get("join", {})
    return {
        "boundaries": None if check.boundaries is None else {
            "level": check.boundaries.info["level"], "features": check.boundaries.info["features"],
            "crs_in": check.boundaries.info["crs_in"]},
        "stats": [{"file": Path(s.info["path"]).name, "rows": s.info["rows"], "periods": s.info["periods"],
                   "level": s.info["level"]} for s in check.stats],
        "matched": join.get("matched_by_code", 0) + join.get("matched_by_name", 0) + join.get("matched_legacy", 0),
        "unmatched": len(join.get("unmatched_stats", [])),
    }


def preview_upload(store: Store, check: UploadCheck, options: ApplyOptions = ApplyOptions(),
                   identity: Identity | None = None, settings=None, checks=None) -> Preview:
    """What applying a usable upload would change, against the data it was checked on.

    Parameters
    ----------
    options : ApplyOptions
        Merge (default), or replace periods / a level; exclude refused rows.
    identity : Identity
        The officer (default: the local national officer when login is off).
    checks : iterable of callables, optional
        Row checks (default :func:`loaders.store.checks.plausibility`; see that module's SEAM note).

    Raises
    ------
    StaleCheck
        The active data changed since the check: check the upload again.
    IngestError
        The upload is not usable.
    """
    from loaders.settings import load_settings
    from loaders.store.checks import plausibility

    if not check.usable or check.upload is None:
        raise IngestError("not_usable", None)
    if store.token() != check.token:
        raise StaleCheck("stale", None, checked=check.token.split(":", 1)[-1],
                         active=store.token().split(":", 1)[-1], by=_active_by(store))
    settings = settings or load_settings()
    return build_preview(store.dataset(ACTIVE), check.upload, check.token, options, identity or Identity.local(),
                         settings["data.complete_share"], checks if checks is not None else (plausibility,))


def _active_by(store: Store) -> str:
    active = store.active_id()
    return (store.version(active).get("uploaded_by") or "—") if active else "—"


def apply_upload(store: Store, staged: StagedUpload, check: UploadCheck, uploaded_by: str = "", note: str = "",
                 options: ApplyOptions = ApplyOptions(), identity: Identity | None = None,
                 preview: Preview | None = None) -> dict:
    """Write a checked upload as the new active version (exactly ``preview``, computed here when not given);
    return its ledger entry. The staging directory is removed after a successful apply.

    Raises
    ------
    IngestError
        The upload is not usable.
    StoreError
        Refused rows not excluded (``store.rejected_rows``), nothing to change (``store.nothing_to_apply``),
        the data changed since the check (:class:`StaleCheck`), or the store busy (:class:`StoreBusy`).
    """
    identity = identity or Identity.local(uploaded_by)
    if not check.usable:
        raise IngestError("not_usable", staged.sources[0] if staged.sources else None)
    preview = preview or preview_upload(store, check, options, identity)
    if preview.blocked:
        raise StoreError("rejected_rows", None, count=sum(f.blocking for f in preview.rejected))
    if preview.empty:
        raise StoreError("nothing_to_apply", None)
    entry = ledger_entry(preview, check, identity, uploaded_by, note)
    entry = store.commit(preview.commit, staged.sources, identity, preview.token, entry)
    staged.discard()
    return entry


def ledger_entry(preview: Preview, check: UploadCheck, identity: Identity, uploaded_by: str, note: str) -> dict:
    """What the ledger keeps about an apply besides id, time, parent and sources (added by the store)."""
    options = preview.options
    changes = preview.commit.changes_json()
    return {
        "uploaded_by": uploaded_by or identity.label(), "role": identity.role, "note": note,
        "action": "replace_level" if options.replace_level else "replace_period" if options.replace_periods
        else "merge",
        "replace_periods": list(options.replace_periods),
        "periods": sorted({p for level in changes.values() for p in level}, key=_period_key),
        "changes": changes, "units": preview.commit.units_json(),
        "excluded": [f.to_json() for f in preview.rejected] if options.exclude_rejected else [],
        "ignored": len(preview.ignored), "checked_against": preview.token,
        "completeness": preview.completeness, "validation": validation_summary(check),
    }


def _period_key(period):
    from loaders.store.merge import period_key

    return period_key(period)
