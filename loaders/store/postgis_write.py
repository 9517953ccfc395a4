"""Writing a version into PostGIS, inside the apply's transaction (see :mod:`loaders.store.postgis`)."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import pandas as pd

from loaders.schema import PERIOD
from loaders.store import base as _base  # _base.checkpoint: crash tests replace it
from loaders.store.base import StoreError, sha256_file, utc_now
from loaders.store.layers import STATS_FILES, STATS_LEVELS, UNIT_FILES, UNIT_LEVELS
from loaders.store.merge import FIGURES, NO_PROVINCE
from loaders.store.postgis_schema import SCHEMA, STATS_TEXT, UNIT_COLUMNS

S = SCHEMA


def _province(frame) -> pd.Series:
    if "province_code" not in frame:
        return pd.Series(NO_PROVINCE, index=frame.index, dtype=object)
    return frame["province_code"].astype(object).where(frame["province_code"].notna(), NO_PROVINCE).astype(str)


def _new_chunk(connection, layer: str, province: str, period: str, rows: int) -> int:
    return connection.exec_driver_sql(
        f"INSERT INTO {S}.chunks (layer, province_code, period, rows) VALUES (%(l)s, %(p)s, %(t)s, %(n)s) "
        f"RETURNING chunk", {"l": layer, "p": province, "t": period, "n": rows}).scalar()


def write_units(connection, level: str, frame: gpd.GeoDataFrame, provinces) -> list[tuple]:
    """Insert one chunk per province of ``provinces`` (empty ones too: they empty that province); return
    (chunk, layer, province, period) of each."""
    layer = UNIT_FILES[level]
    frame = frame.copy()
    frame["province_code"] = _province(frame)
    written, ids = [], {}
    for province in sorted(provinces):
        rows = int((frame["province_code"] == province).sum())
        ids[province] = _new_chunk(connection, layer, province, "", rows)
        written.append((ids[province], layer, province, ""))
    frame = frame[frame["province_code"].isin(ids)]
    if len(frame):
        columns = [c for c in UNIT_COLUMNS if c in frame]
        table = gpd.GeoDataFrame(frame[columns].assign(chunk=frame["province_code"].map(ids).astype("int64")),
                                 geometry=frame.geometry.to_numpy(), crs="EPSG:4326").rename_geometry("geom")
        for column in columns:
            if table[column].dtype == object or str(table[column].dtype).startswith("string"):
                table[column] = table[column].astype(object).where(table[column].notna(), None)
        table.to_postgis("units_in", connection, schema=S, if_exists="append", index=False)
        _move(connection, "units", ["chunk", *columns, "geom"])
    return written


def _move(connection, table: str, columns: list[str]) -> None:
    """From the COPY table into the real one, through row-level security's write check."""
    names = ", ".join(f'"{c}"' for c in columns)
    connection.exec_driver_sql(f"INSERT INTO {S}.{table} ({names}) SELECT {names} FROM {S}.{table}_in")
    connection.exec_driver_sql(f"DELETE FROM {S}.{table}_in")


def write_stats(connection, level: str, frame: pd.DataFrame, keys) -> list[tuple]:
    """Insert one chunk per (period, province) of ``keys`` with ``frame``'s rows (COPY)."""
    layer = STATS_FILES[level]
    frame = frame.copy()
    frame["province_code"] = _province(frame)
    written, ids = [], {}
    for period, province in sorted(keys):
        rows = int(((frame[PERIOD] == period) & (frame["province_code"] == province)).sum())
        ids[(period, province)] = _new_chunk(connection, layer, province, period, rows)
        written.append((ids[(period, province)], layer, province, period))
    columns = ["province_code", PERIOD, *[c for c in STATS_TEXT if c in frame], *[c for c in FIGURES if c in frame]]
    chunk_of = [ids.get((p, q)) for p, q in zip(frame[PERIOD], frame["province_code"])]
    records = frame[columns].astype(object).where(frame[columns].notna(), None).itertuples(index=False, name=None)
    cursor = connection.connection.driver_connection.cursor()
    names = ", ".join(f'"{c}"' for c in ("chunk", *columns))
    with cursor.copy(f"COPY {S}.stats_in ({names}) FROM STDIN") as copy:
        for chunk, record in zip(chunk_of, records):
            if chunk is not None:
                copy.write_row((chunk, *(None if isinstance(v, float) and math.isnan(v) else v for v in record)))
    _move(connection, "stats", ["chunk", *columns])
    return written


def _import_embedded(store, connection) -> tuple[list[tuple], dict]:
    """The embedded dataset as chunks (the parent of the first version); return them and its metadata."""
    from loaders.store.directory import DirectoryDataset

    embedded = DirectoryDataset(store.default_dir)
    chunks, columns = [], {}
    for level in UNIT_LEVELS:
        if embedded.has_units(level):
            units = embedded.units(level)
            chunks += write_units(connection, level, units, set(_province(units)))
            columns[UNIT_FILES[level]] = [c for c in units.columns if c in UNIT_COLUMNS]
    for level in STATS_LEVELS:
        rows = embedded.stats_rows(level)
        if rows is not None:
            keys = set(zip(rows[PERIOD], _province(rows)))
            chunks += write_stats(connection, level, rows, keys)
            columns[STATS_FILES[level]] = [c for c in ("province_code", PERIOD, *STATS_TEXT, *FIGURES) if c in rows]
    return chunks, {**embedded.metadata(), "columns": columns}


def _parent(store, connection, active) -> tuple[list[tuple], dict]:
    if active is None:
        return _import_embedded(store, connection)
    rows = connection.exec_driver_sql(
        f"SELECT c.chunk, c.layer, c.province_code, c.period FROM {S}.version_chunks vc "
        f"JOIN {S}.chunks c ON c.chunk = vc.chunk WHERE vc.version = %(v)s", {"v": active}).all()
    metadata = connection.exec_driver_sql(f"SELECT metadata FROM {S}.versions WHERE id = %(v)s",
                                          {"v": active}).scalar()
    return [tuple(row) for row in rows], metadata


def write_commit(store, connection, commit, sources, identity, active, entry: dict) -> dict:
    """Everything an apply writes, in the caller's transaction; return the ledger entry."""
    from loaders.store.postgis import _context

    parent_chunks, parent_metadata = _parent(store, connection, active)
    _context(connection, None, identity.write_provinces)  # row-level security checks every row written now
    new_chunks, replaced = [], set()
    columns = dict(parent_metadata.get("columns", {}))
    for level, chunks in commit.units.items():
        new_chunks += write_units(connection, level, chunks.frame, chunks.keys)
        replaced |= {(UNIT_FILES[level], p, "") for p in chunks.keys}
        columns[UNIT_FILES[level]] = list(dict.fromkeys(
            [*columns.get(UNIT_FILES[level], []), *[c for c in chunks.frame.columns if c in UNIT_COLUMNS]]))
    for level, chunks in commit.stats.items():
        new_chunks += write_stats(connection, level, chunks.frame, chunks.keys)
        replaced |= {(STATS_FILES[level], p, period) for period, p in chunks.keys}
        present = [c for c in ("province_code", PERIOD, *STATS_TEXT, *FIGURES) if c in chunks.frame]
        columns[STATS_FILES[level]] = list(dict.fromkeys([*columns.get(STATS_FILES[level], []), *present]))
    _base.checkpoint("written")
    kept = [c for c in parent_chunks if (c[1], c[2], c[3]) not in replaced]
    count = connection.exec_driver_sql(f"SELECT count(*) FROM {S}.versions").scalar()
    version_id = f"v{count + 1:04d}"
    recorded, contents = [], []
    for source in sources:
        data = open(source, "rb").read()  # noqa: SIM115 - small enough; kept byte for byte
        stored_as = source.name if source.name not in {r["stored_as"] for r in recorded} \
            else f"{len(recorded) + 1}-{source.name}"
        if sha256_file(source) != _sha(data):
            raise StoreError("copy_mismatch", source)
        recorded.append({"name": source.name, "stored_as": stored_as, "sha256": _sha(data), "bytes": len(data)})
        contents.append((stored_as, data))
    entry = {**entry, "id": version_id, "created": utc_now(), "parent": active, "sources": recorded}
    metadata = {**commit.metadata, "columns": columns}
    connection.exec_driver_sql(
        f"INSERT INTO {S}.versions (id, created, entry, metadata) VALUES (%(id)s, %(c)s, %(e)s, %(m)s)",
        {"id": version_id, "c": entry["created"], "e": json.dumps(entry, ensure_ascii=False),
         "m": json.dumps(metadata, ensure_ascii=False)})
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {S}.version_chunks (version, chunk) FROM STDIN") as copy:
        for chunk in [*kept, *new_chunks]:
            copy.write_row((version_id, chunk[0]))
    for stored_as, data in contents:
        connection.exec_driver_sql(f"INSERT INTO {S}.sources (version, stored_as, content) "
                                   f"VALUES (%(v)s, %(n)s, %(d)s)", {"v": version_id, "n": stored_as, "d": data})
    connection.exec_driver_sql(f"UPDATE {S}.state SET active = %(v)s, changed_at = now()", {"v": version_id})
    connection.exec_driver_sql(f"INSERT INTO {S}.events (at, by, action, version, previous) "
                               f"VALUES (%(at)s, %(by)s, 'apply', %(v)s, %(p)s)",
                               {"at": entry["created"], "by": identity.label(), "v": version_id, "p": active})
    connection.exec_driver_sql("SELECT pg_notify('coverage_map', %(v)s)", {"v": version_id})
    _base.checkpoint("before_manifest")
    return entry


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
