"""The PostGIS backend: one store shared by several app servers (issue 17); same semantics as the directory.

An apply is one transaction: ``pg_try_advisory_xact_lock`` serialises applies (the one that waits longer than
``data.lock_timeout_s`` is told to retry), the active version is re-read and compared with the token the upload
was checked against (:class:`StaleCheck`), the touched chunks are written (``GeoDataFrame.to_postgis``, COPY),
the version, its chunk list, its source files (bytes) and the ledger line are inserted, ``state.active`` moves,
and ``NOTIFY coverage_map`` tells the other servers. A crash or a killed process at any point rolls the whole
transaction back: the previous version stays active. Reads (``read_postgis``) run with the reader's provinces in
``coverage_map.read``, so row-level security leaves other provinces out (:mod:`loaders.store.postgis_schema`).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd

from loaders.dataset import DEFAULT_DATA_DIR
from loaders.schema import KEY_COLUMN
from loaders.store import staging
from loaders.store import base as _base  # _base.checkpoint: crash tests replace it
from loaders.store.base import (ACTIVE, EMBEDDED, Dataset, StaleCheck, Store, StoreBusy, StoreError)
from loaders.store.layers import STATS_FILES, UNIT_FILES
from loaders.store.merge import FIGURES
from loaders.store.postgis_schema import SCHEMA, UNIT_COLUMNS, ddl

S = SCHEMA
_LOCK_KEY = 7_211_012  # pg advisory lock id of applies ("coverage-map" issue 12)


def engine_url(url: str) -> str:
    """A ``postgresql://`` URL with the psycopg (3) driver SQLAlchemy needs."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)


def _context(connection, read, write="") -> None:
    """Set the row-level security context for this transaction (``None``: every province)."""
    from sqlalchemy import text

    value = lambda provinces: "*" if provinces is None else ",".join(sorted(provinces))  # noqa: E731
    connection.execute(text("SELECT set_config('coverage_map.read', :r, true), "
                            "set_config('coverage_map.write', :w, true)"),
                       {"r": value(read), "w": value(write) if write != "" else ""})


class PostgisDataset(Dataset):
    """One version read from PostGIS (rows of other provinces invisible to a limited reader: row-level security)."""

    def __init__(self, store: "PostgisStore", version_id: str, provinces: frozenset | None):
        self.store, self.version_id, self.provinces = store, version_id, provinces
        self.token = f"postgis:{version_id}"
        self._metadata = None

    def __repr__(self) -> str:
        return f"PostgisDataset({self.version_id!r}, provinces={self.provinces})"

    def _query(self, sql: str, params: dict, geometry: bool = False):
        from sqlalchemy import text

        with self.store.engine.connect() as connection, connection.begin():
            _context(connection, self.provinces)
            if geometry:
                return gpd.read_postgis(text(sql), connection, geom_col="geom", params=params)
            return pd.read_sql(text(sql), connection, params=params)

    def metadata(self) -> dict:
        if self._metadata is None:
            self._metadata = self.store._version_metadata(self.version_id)
        return {k: v for k, v in self._metadata.items() if k != "columns"}

    def _columns(self, layer: str) -> list[str]:
        self.metadata()
        return list(self._metadata.get("columns", {}).get(layer, []))

    def layers(self) -> list[str]:
        self.metadata()
        return sorted(self._metadata.get("columns", {}))

    def has_units(self, level: str) -> bool:
        return UNIT_FILES[level] in self.layers()

    def units(self, level, province_code=None, commune_code=None) -> gpd.GeoDataFrame:
        from loaders.errors import LoaderError
        from i18n import Term

        if not self.has_units(level):
            raise LoaderError("dataset.no_units", None, level=Term(f"store.level.{level}"))
        columns = [c for c in self._columns(UNIT_FILES[level]) if c in UNIT_COLUMNS]
        where, params = "", {"v": self.version_id, "layer": UNIT_FILES[level]}
        if province_code is not None:
            where += " AND u.province_code = :p"
            params["p"] = str(province_code).zfill(2)
        if commune_code is not None and level != "province":
            where += " AND u.commune_code = :c"
            params["c"] = str(commune_code).zfill(5)
        sql = (f"SELECT {', '.join(f'u.{_q(c)}' for c in columns)}, u.geom FROM {S}.units u "
               f"JOIN {S}.version_chunks vc ON vc.chunk = u.chunk JOIN {S}.chunks c ON c.chunk = u.chunk "
               f"WHERE vc.version = :v AND c.layer = :layer{where} ORDER BY u.province_code, u.ctid")
        frame = self._query(sql, params, geometry=True).rename_geometry("geometry")
        return frame[[*columns, "geometry"]]

    def unit_index(self, level: str) -> pd.DataFrame:
        from loaders.schema import NAME_COLUMN

        wanted = list(dict.fromkeys([KEY_COLUMN[level], "province_code", "province_name", NAME_COLUMN[level]]))
        columns = [c for c in wanted if c in self._columns(UNIT_FILES[level])]
        sql = (f"SELECT {', '.join(f'u.{_q(c)}' for c in columns)} FROM {S}.units u "
               f"JOIN {S}.version_chunks vc ON vc.chunk = u.chunk JOIN {S}.chunks c ON c.chunk = u.chunk "
               f"WHERE vc.version = :v AND c.layer = :layer")
        return self._query(sql, {"v": self.version_id, "layer": UNIT_FILES[level]})

    def stats_rows(self, level, periods=None, provinces=None):
        layer = STATS_FILES[level]
        if layer not in self.layers():
            return None
        columns = self._columns(layer)
        where, params = "", {"v": self.version_id, "layer": layer}
        if periods is not None:
            where += " AND c.period = ANY(:periods)"
            params["periods"] = list(periods)
        if provinces is not None:
            where += " AND c.province_code = ANY(:provinces)"
            params["provinces"] = list(provinces)
        sql = (f"SELECT {', '.join(f's.{_q(c)}' for c in columns)} FROM {S}.stats s "
               f"JOIN {S}.version_chunks vc ON vc.chunk = s.chunk JOIN {S}.chunks c ON c.chunk = s.chunk "
               f"WHERE vc.version = :v AND c.layer = :layer{where}")
        return self._query(sql, params)

    def periods(self, level: str) -> list[str]:
        from loaders.store.merge import period_key

        sql = (f"SELECT DISTINCT c.period FROM {S}.chunks c JOIN {S}.version_chunks vc ON vc.chunk = c.chunk "
               f"WHERE vc.version = :v AND c.layer = :layer")
        found = self._query(sql, {"v": self.version_id, "layer": STATS_FILES[level]})["period"]
        return sorted(set(found), key=period_key)


def _q(name: str) -> str:
    return f'"{name}"'


class PostgisStore(Store):
    """A store in PostgreSQL/PostGIS at ``url`` (``postgresql://user@host/db``); see the module docstring."""

    backend = "postgis"

    def __init__(self, url: str, default_dir=None, staging: str | Path | None = None, lock_timeout: float = 60.0,
                 staging_max_age_s: float = 24 * 3600, staging_max_bytes: float = 2e9):
        from sqlalchemy import create_engine

        self.url = url
        self.engine = create_engine(engine_url(url), pool_pre_ping=True, pool_size=2, max_overflow=8)
        self.default_dir = Path(default_dir or DEFAULT_DATA_DIR)
        self.staging_root = Path(staging) if staging else Path(DEFAULT_DATA_DIR).parent / "var" / "staging"
        self.lock_timeout = lock_timeout
        self.staging_limits = (staging_max_age_s, staging_max_bytes)

    def location(self) -> str:
        return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", self.url)

    def __repr__(self) -> str:
        return f"PostgisStore({self.location()!r})"

    def _run(self, function):
        """Run ``function(connection)`` in a transaction; database trouble becomes one sentence."""
        from sqlalchemy.exc import OperationalError, ProgrammingError

        try:
            with self.engine.connect() as connection, connection.begin():
                return function(connection)
        except OperationalError as error:
            raise StoreError("db_unreachable", None, detail=str(error.orig).splitlines()[0][:160]) from None
        except ProgrammingError as error:
            if "does not exist" in str(error.orig) and SCHEMA in str(error.orig):
                raise StoreError("not_initialised", None) from None
            raise

    def _scalar(self, sql: str, **params):
        from sqlalchemy import text

        return self._run(lambda c: c.execute(text(sql), params).scalar())

    # -- reading ---------------------------------------------------------------------------------------------------
    def versions(self) -> list[dict]:
        from sqlalchemy import text

        rows = self._run(lambda c: c.execute(text(f"SELECT entry FROM {S}.versions ORDER BY seq")).all())
        return [row[0] for row in rows]

    def events(self) -> list[dict]:
        from sqlalchemy import text

        rows = self._run(lambda c: c.execute(text(
            f"SELECT at, by, action, version, previous FROM {S}.events ORDER BY seq")).all())
        return [{"at": at.isoformat(timespec="seconds"), "by": by, "action": action, "version": version,
                 "from": previous} for at, by, action, version, previous in rows]

    def active_id(self) -> str | None:
        return self._scalar(f"SELECT active FROM {S}.state")

    def _version_metadata(self, version_id: str) -> dict:
        found = self._scalar(f"SELECT metadata FROM {S}.versions WHERE id = :v", v=version_id)
        if found is None:
            raise StoreError("unknown_version", None, version=str(version_id)[:40])
        return found

    def dataset(self, version_id: str | None = ACTIVE, identity=None) -> Dataset:
        from loaders.store.directory import DirectoryDataset

        if version_id == ACTIVE:
            version_id = self.active_id()
        provinces = identity.read_provinces if identity is not None else None
        if version_id is None:  # nothing applied yet: the embedded data, as on the directory backend
            return DirectoryDataset(self.default_dir, None, f"{self.backend}:{EMBEDDED}", provinces)
        self._version_metadata(version_id)
        return PostgisDataset(self, version_id, provinces)

    def source_bytes(self, version_id: str, stored_as: str) -> bytes:
        found = self._scalar(f"SELECT content FROM {S}.sources WHERE version = :v AND stored_as = :n",
                             v=version_id, n=stored_as)
        if found is None:
            raise StoreError("unknown_source", None, version=version_id, name=str(stored_as)[:80])
        return bytes(found)

    def staging_dir(self, prefix: str = "upload-") -> Path:
        return staging.new_dir(self.staging_root, prefix)

    def clean_staging(self) -> int:
        return staging.clean(self.staging_root, *self.staging_limits)

    def wait_for_change(self, token: str, timeout: float = 5.0) -> str:
        """Block until another server applies or rolls back (LISTEN/NOTIFY) or ``timeout``; return the token."""
        import psycopg

        with psycopg.connect(re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", self.url),
                             autocommit=True) as connection:
            connection.execute("LISTEN coverage_map")
            if self.token() != token:
                return self.token()
            for _ in connection.notifies(timeout=timeout, stop_after=1):
                break
        return self.token()

    # -- writing ---------------------------------------------------------------------------------------------------
    def init(self) -> None:
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        try:
            with self.engine.connect() as connection, connection.begin():
                for statement in ddl(FIGURES):
                    connection.execute(text(statement))
        except DBAPIError as error:
            detail = str(error.orig).splitlines()[0][:160]
            raise StoreError("no_postgis" if "postgis" in detail.lower() else "db_unreachable", None,
                             detail=detail) from None

    def _lock(self, connection) -> None:
        from sqlalchemy import text

        deadline = time.monotonic() + self.lock_timeout
        while not connection.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _LOCK_KEY}).scalar():
            if time.monotonic() >= deadline:
                raise StoreBusy("busy", None, seconds=round(self.lock_timeout))
            time.sleep(0.05)

    def commit(self, commit, sources, identity, expected_token: str, entry: dict) -> dict:
        from loaders.store.postgis_write import write_commit

        def work(connection):
            _context(connection, None, None)
            self._lock(connection)
            active = connection.exec_driver_sql(f"SELECT active FROM {S}.state FOR UPDATE").scalar()
            if f"{self.backend}:{active or EMBEDDED}" != expected_token:
                raise StaleCheck("stale", None, checked=expected_token.split(":", 1)[-1],
                                 active=active or EMBEDDED, by=self._by(connection, active))
            _base.checkpoint("building")
            return write_commit(self, connection, commit, sources, identity, active, entry)

        result = self._run(work)
        _base.checkpoint("after_manifest")
        return result

    def _by(self, connection, version_id) -> str:
        if version_id is None:
            return "—"
        entry = connection.exec_driver_sql(f"SELECT entry FROM {S}.versions WHERE id = %(v)s",
                                           {"v": version_id}).scalar()
        return (entry or {}).get("uploaded_by") or "—"

    def _set_active(self, version_id, identity, action: str) -> None:
        from sqlalchemy import text

        def work(connection):
            self._lock(connection)
            previous = connection.execute(text(f"SELECT active FROM {S}.state FOR UPDATE")).scalar()
            connection.execute(text(f"UPDATE {S}.state SET active = :v, changed_at = now()"), {"v": version_id})
            connection.execute(text(f"INSERT INTO {S}.events (by, action, version, previous) "
                                    f"VALUES (:by, :a, :v, :p)"),
                               {"by": identity.label(), "a": action, "v": version_id, "p": previous})
            connection.execute(text("SELECT pg_notify('coverage_map', :v)"), {"v": version_id or EMBEDDED})

        self._run(work)
