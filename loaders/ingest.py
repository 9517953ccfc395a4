"""Turn a checked upload into a new dataset version in the store (issue 7).

Two steps, so the data officer sees the report before anything changes:

1. :func:`check_upload` reads the staged files, runs :func:`loaders.validate.validate` (the same report as
   ``coverage-map validate``) and decides whether the upload is usable; statistics alone are validated against
   the active dataset's boundaries.
2. :func:`apply_upload` builds the new version through :meth:`loaders.store.DatasetStore.apply`: uploaded
   boundaries become ``geo/communes.parquet`` (+ ``geo/provinces.parquet`` dissolved) or ``geo/hamlets.parquet``;
   uploaded figures are joined to the boundaries and merged into ``stats/commune_stats.csv`` or
   ``stats/hamlet_stats.parquet`` (a new figure for a unit and period replaces the old one); every other file is
   carried over from the previous version unchanged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from loaders.archive import StagedUpload, UploadError
from loaders.boundaries import BoundaryLoad
from loaders.errors import LoaderError
from loaders.guard import read_boundaries, read_stats  # untrusted files: read in a bounded worker (issue 14)
from loaders.ingest_files import (GEO_FILES, STATS_FILES, carry_over_rest, previous_demo_files, provinces_of,
                                  read_previous_stats, read_previous_units, write_metadata, write_stats,
                                  write_units)
from loaders.schema import KEY_COLUMN, PERIOD
from loaders.stats import StatsLoad
from loaders.store import DatasetStore

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


def _boundary_file_for(level: str, check: UploadCheck, active_dir: Path, directory: Path) -> Path | None:
    """The boundaries statistics of ``level`` are validated against: the upload's, else the active dataset's.

    Hamlet figures are checked against the hamlets of their provinces only: the national hamlet layer has
    tens of thousands of units and the join's cost grows with them.
    """
    if check.boundaries is not None and check.boundaries.info["level"] in (level, "hamlet"):
        return Path(check.boundaries.info["path"])
    path = Path(active_dir) / GEO_FILES[level]
    if not path.exists():
        return None
    if level != "hamlet":
        return path
    check.scope = provinces_of(check.stats, active_dir)
    if not check.scope:
        return path
    scoped = directory / "scope" / "hamlets.parquet"
    scoped.parent.mkdir(parents=True, exist_ok=True)
    read_previous_units(active_dir, level, check.scope).to_parquet(scoped, compression="zstd")
    return scoped


def check_upload(staged: StagedUpload, store: DatasetStore, level: str | None = None, crs=None) -> UploadCheck:
    """Read and validate staged files; never raises for bad input (the reasons are in ``.errors``).

    Parameters
    ----------
    staged : StagedUpload
        From :func:`loaders.archive.stage_files`.
    store : DatasetStore
        Its active dataset supplies the boundaries when only statistics are uploaded.
    level, crs : optional
        Passed to :func:`loaders.boundaries.read_boundaries` for the uploaded boundaries.
    """
    check = UploadCheck()
    try:
        _read_uploads(check, staged, level, crs)
        if check.errors:
            return check
        stats_level = check.stats[0].info["level"] if check.stats else None
        if stats_level and any(s.info["level"] != stats_level for s in check.stats):
            stats_level = None  # validate joins every file to one level: check each file on its own then
        boundary_file = (_boundary_file_for(stats_level, check, store.active_dir(), staged.directory) if stats_level
                         else Path(check.boundaries.info["path"]) if check.boundaries else None)
        if check.stats and boundary_file is None:
            level_needed = stats_level or check.stats[0].info["level"]
            check.errors.append(IngestError("no_boundaries_for_stats", check.stats[0].info["path"],
                                            level=level_needed))
            return check
        check.report = _validate(check, boundary_file, stats_level, crs)
        _join_errors(check)
    except LoaderError as error:
        check.errors.append(error)
    except Exception as error:  # noqa: BLE001 - a hostile file must give a message, never a traceback
        log.exception("unexpected error while checking an upload")
        check.errors.append(IngestError("unreadable", staged.sources[0] if staged.sources else None,
                                        detail=type(error).__name__))
    return check


def _read_uploads(check: UploadCheck, staged: StagedUpload, level, crs) -> None:
    if staged.boundaries is not None:
        check.boundaries = read_boundaries(staged.boundaries, level=level, crs=crs)
        check.errors += _unit_errors(check.boundaries)
    for path in staged.stats:
        load = read_stats(path)
        check.stats.append(load)
        check.errors += _stats_errors(load)


def _validate(check: UploadCheck, boundary_file: Path, stats_level: str | None, crs) -> dict:
    from loaders.validate import validate

    uploaded = check.boundaries is not None and Path(check.boundaries.info["path"]) == boundary_file
    level = check.boundaries.info["level"] if uploaded else stats_level
    report = validate(boundary_file, [s.info["path"] for s in check.stats], level=level,
                      crs=crs if uploaded else None)
    report["boundaries_uploaded"] = uploaded
    return report


def _join_errors(check: UploadCheck) -> None:
    if not check.stats or check.report is None:
        return
    join = check.report["join"]
    matched = join["matched_by_code"] + join["matched_by_name"] + join.get("matched_legacy", 0)
    if matched == 0:
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


def apply_upload(store: DatasetStore, staged: StagedUpload, check: UploadCheck, uploaded_by: str = "",
                 note: str = "") -> dict:
    """Make a usable upload the new active version; return its manifest entry.

    On any error the store is unchanged (the version is built in a temp directory and only renamed into place
    when complete). The staging directory is removed after a successful apply.

    Raises
    ------
    IngestError
        When ``check`` is not usable.
    """
    if not check.usable:
        raise IngestError("not_usable", staged.sources[0] if staged.sources else None)

    def populate(new_dir: Path, previous_dir: Path) -> dict:
        return build_version(new_dir, previous_dir, check, store.root)

    entry = store.apply(populate, staged.sources, uploaded_by=uploaded_by, validation=validation_summary(check),
                        note=note)
    staged.discard()
    return entry


def build_version(new_dir: Path, previous_dir: Path, check: UploadCheck, store_root: Path) -> dict:
    """Write the complete dataset of a new version into ``new_dir``; return what changed (for the manifest)."""
    written, details = set(), {"replaced": [], "carried_over": [], "notes": []}
    units_by_level = {}
    if check.boundaries is not None:
        level = check.boundaries.info["level"]
        units = _with_previous_area_classes(check.boundaries.units, previous_dir, level)
        if level == "hamlet":
            units = _with_province_codes(units, previous_dir)
        written |= write_units(units, new_dir, level)
        units_by_level[level] = units
    for level in ("commune", "hamlet"):
        loads = [s for s in check.stats if s.info["level"] == level]
        if not loads:
            continue
        units = units_by_level.get(level)
        if units is None:
            units = read_previous_units(previous_dir, level, check.scope if level == "hamlet" else None)
        if units is None:
            raise IngestError("no_boundaries_for_stats", loads[0].info["path"], level=level)
        new_rows = _joined_rows(units, loads, level)
        previous = read_previous_stats(previous_dir, level)
        if STATS_FILES[level] in previous_demo_files(previous_dir):
            # real figures never sit next to synthetic ones: the demo figures of this level are dropped
            previous = None
            details["notes"].append(f"demo {level} statistics replaced by the upload")
        written |= write_stats(_merge(previous, new_rows, level, details), new_dir, level)
    details["replaced"] = sorted(written)
    details["carried_over"] = carry_over_rest(previous_dir, new_dir, written, store_root)
    write_metadata(previous_dir, new_dir, written, check)
    return details


def _with_previous_area_classes(units: gpd.GeoDataFrame, previous_dir: Path, level: str) -> gpd.GeoDataFrame:
    """Keep the area classes (mountainous, island...) the previous version had, when the upload has none."""
    from loaders.schema import AREA_CLASS_COLUMNS

    missing = [c for c in AREA_CLASS_COLUMNS if c not in units]
    previous = read_previous_units(previous_dir, level) if missing else None
    if previous is None:
        return units
    key = KEY_COLUMN[level]
    carried = [c for c in missing if c in previous]
    if not carried:
        return units
    if "area_class_source" in previous and "area_class_source" not in units:
        carried.append("area_class_source")  # say where the carried classes came from (e.g. "heuristic")
    lookup = pd.DataFrame(previous[[key, *carried]]).drop_duplicates(key).set_index(key)
    units = units.copy()
    for column in carried:
        values = units[key].map(lookup[column])
        units[column] = values.fillna("" if column in ("ethnic_region", "area_class_source") else False).to_numpy()
    return units


def _with_province_codes(hamlets: gpd.GeoDataFrame, previous_dir: Path) -> gpd.GeoDataFrame:
    """Hamlet files often carry only the commune code: the province comes from the communes of the dataset."""
    if "province_code" in hamlets and hamlets["province_code"].notna().all():
        return hamlets
    communes = read_previous_units(previous_dir, "commune")
    lookup = {} if communes is None else dict(zip(communes["commune_code"], communes["province_code"]))
    hamlets = hamlets.copy()
    found = hamlets["commune_code"].map(lookup)
    hamlets["province_code"] = (hamlets["province_code"].fillna(found) if "province_code" in hamlets
                                else found).astype(object)
    return hamlets


def _joined_rows(units: pd.DataFrame, loads: list[StatsLoad], level: str) -> pd.DataFrame:
    from loaders.join import join_stats

    table = pd.concat([s.table for s in loads], ignore_index=True)
    joined = join_stats(units, table, level).table
    return joined[joined["match"] != "unmatched"].reset_index(drop=True)


def _merge(previous: pd.DataFrame | None, new_rows: pd.DataFrame, level: str, details: dict) -> pd.DataFrame:
    """New figures replace old ones for the same unit and period; everything else in ``previous`` stays."""
    key = KEY_COLUMN[level]
    if previous is None or previous.empty:
        return new_rows
    replaced = pd.MultiIndex.from_frame(new_rows[[key, PERIOD]].astype(str))
    old_keys = pd.MultiIndex.from_frame(previous[[key, PERIOD]].astype(str))
    kept = previous[~old_keys.isin(replaced)]
    if len(kept) < len(previous):
        details["notes"].append(f"{len(previous) - len(kept)} {level} rows replaced by the upload")
    merged = pd.concat([kept, new_rows], ignore_index=True)
    return merged.sort_values([key, PERIOD], kind="stable").reset_index(drop=True)

