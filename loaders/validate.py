"""Load, clean and join files and describe the result: ``validate(...) -> dict`` (SPEC §8, ``--json`` shape).

The dict is the stable contract of ``coverage-map validate --json``; the app's upload page shows the same report.
Everything in it is JSON-safe (no NaN, no numpy types).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from i18n import Message
from loaders.boundaries import all_names_nfc, read_boundaries
from loaders.errors import LoaderError
from loaders.join import join_stats
from loaders.stats import read_stats

#: How many rows of the joined table the report shows.
SAMPLE_ROWS = 5
_SAMPLE_DROP = ("geometry", "source_sheet", "unit_index", "source_file", "source_rows", "row_class")


def json_safe(value):
    """Turn numpy scalars, NaN and pandas NA into plain JSON values (recursively for lists and dicts)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        number = float(value)
        if math.isnan(number):
            return None
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (str, int)):
        return value
    return str(value)


def _sample(table: pd.DataFrame) -> list[dict]:
    head = table.drop(columns=[c for c in _SAMPLE_DROP if c in table]).head(SAMPLE_ROWS)
    return [json_safe(record) for record in head.to_dict("records")]


_ORDER = {"province": 0, "district": 1, "commune": 2, "hamlet": 3}


def _units_for(units: pd.DataFrame, level: str, stats_level: str) -> tuple[pd.DataFrame, str] | None:
    """Units to join statistics of ``stats_level`` to; ``None`` when the figures are finer than the shapes.

    Commune figures on hamlet shapes join to the hamlets' communes, province figures to their provinces.
    """
    if stats_level == level:
        return units, level
    if _ORDER.get(stats_level, 2) > _ORDER.get(level, 2):
        return None
    key = {"commune": "commune_code", "province": "province_code"}.get(stats_level)
    if key is None or key not in units:
        return None
    return units.drop_duplicates(key).assign(level=stats_level), stats_level


def _read_all(paths) -> tuple[list, list[LoaderError]]:
    """Read every statistics file; a file that cannot be used becomes one error, never a traceback."""
    loads, errors = [], []
    for path in paths:
        try:
            loads.append(read_stats(path))
        except LoaderError as error:
            errors.append(error)
        except Exception as error:  # noqa: BLE001 - a hostile file must give a message, never a traceback
            errors.append(LoaderError("stats.unreadable", path, detail=type(error).__name__))
    return loads, errors


def _stats_entry(load) -> dict:
    info = load.info
    entry = {key: info[key] for key in ("path", "rows", "rows_read", "periods", "columns", "problems", "level")}
    entry["messages"] = [m.to_json() for m in info["messages"]]
    entry["not_data"] = len(load.skipped)
    entry["findings"] = [f.to_json() for f in load.findings]
    entry["can_apply"] = load.can_apply
    return entry


def validate(boundaries, stats=(), level: str | None = None, crs=None) -> dict:
    """Load a boundary file and any statistics files, join them, and report in the SPEC §8 shape.

    Parameters
    ----------
    boundaries : str or Path
        A boundary file (see :func:`loaders.boundaries.read_boundaries`).
    stats : iterable of str or Path
        Statistics files (CSV, XLSX), all joined to the boundaries.
    level : str, optional
        The boundaries' level, detected when not given.
    crs : int or str, optional
        CRS of boundary coordinates that declare none.

    Returns
    -------
    dict
        ``boundaries`` (features, crs_in, reprojected, invalid_fixed, encoding, empty, level, layer, names_nfc,
        problems, path), ``stats`` (one entry per file: path, rows, rows_read, periods, columns, problems,
        messages, level, not_data, findings, can_apply), ``join`` (matched_by_code, matched_by_name,
        matched_legacy, unmatched_stats, units_without_stats, duplicates, and the full accounting of
        :meth:`loaders.join_report.JoinReport.to_dict`: rows_read, classes, can_apply, legacy_units, rows,
        findings, lines), ``errors`` (statistics files that could not be used: path, message) and ``sample``
        (first rows of the joined table, or of the units when no statistics were given).

    Raises
    ------
    LoaderError
        When the boundaries cannot be used, or when every statistics file given is unusable.
    """
    load = read_boundaries(boundaries, level=level, crs=crs)
    units, info = load.units, load.info
    report = {
        "boundaries": {
            "path": info["path"], "layer": info["layer"], "level": info["level"], "features": info["features"],
            "crs_in": info["crs_in"], "reprojected": info["reprojected"], "invalid_fixed": info["invalid_fixed"],
            "empty": info["empty"], "encoding": info["encoding"], "names_nfc": all_names_nfc(units),
            "problems": info["problems"],
        },
        "stats": [],
        "join": {"matched_by_code": 0, "matched_by_name": 0, "matched_legacy": 0, "unmatched_stats": [],
                 "units_without_stats": int(len(units)), "duplicates": []},
        "errors": [],
        "sample": _sample(pd.DataFrame(units)),
    }
    if info["level"] == "commune":
        from loaders.register import check_against_register

        register = check_against_register(units)
        report["boundaries"]["register_2025"] = register
        if register["not_official"]:
            report["boundaries"]["problems"].append(Message("validate.not_in_register", {
                "n": register["not_official"], "total": len(units)}).text("en"))
    stats = list(stats)
    loads, errors = _read_all(stats)
    if errors and not loads:
        raise errors[0]
    report["errors"] = [{"path": e.path, "message": e.message.to_json(), "text": e.text("en")} for e in errors]
    if not loads:
        return json_safe(report)
    report["stats"] = [_stats_entry(s) for s in loads]
    stats_level = loads[0].info["level"]
    target = _units_for(units, info["level"], stats_level)
    if target is None:
        report["join"]["problems"] = [Message("validate.levels_do_not_join", {
            "stats": stats_level, "units": info["level"]}).text("en")]
        return json_safe(report)
    join_units, join_level = target
    result = join_stats(join_units, loads, join_level)
    report["join"] = {**result.report, "level": join_level}
    report["sample"] = _sample(result.applied)
    return json_safe(report)
