"""What every data store is: versions with a ledger, one active version, atomic apply, rollback (SPEC §11).

Two backends implement :class:`Store` with the same semantics (the store test suite runs against both):

- :class:`loaders.store.directory.DirectoryStore`: a directory of immutable dataset directories (the default;
  the first run needs no server);
- :class:`loaders.store.postgis.PostgisStore`: PostgreSQL/PostGIS, shared by several app servers.

A version is never changed after it is written; "roll back" and "use this version" only change which version is
active. An apply computes a :class:`loaders.store.merge.Commit` (the rows to add or replace, keyed by unit and
period) from the active data and writes it as a new version in one atomic step; it is refused when the active data
changed since the upload was checked (:class:`StaleCheck`) or when another apply holds the store for longer than
``data.lock_timeout_s`` (:class:`StoreBusy`). With no version applied yet, the embedded default data is active.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from abc import ABC, abstractmethod
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd

from loaders.errors import LoaderError

#: The active version, whatever its id (argument default of :meth:`Store.dataset`).
ACTIVE = "active"
EMBEDDED = "embedded"


class StoreError(LoaderError):
    """The store cannot do what was asked (unknown version, nothing to roll back to…); keys ``store.*``."""

    namespace = "store"


class StoreBusy(StoreError):
    """Another apply held the store for longer than the lock timeout: try again."""


class StaleCheck(StoreError):
    """The active data changed after the upload was checked: check it again (nothing was written)."""


class AccessDenied(StoreError):
    """The identity may not do this (apply rows of another province, roll back the national data…)."""


def checkpoint(name: str) -> None:
    """A named point inside an apply. Does nothing; crash tests replace it to kill the process right there."""


def utc_now() -> str:
    """The current time in UTC, ISO 8601 to the second (what the ledger stores)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in chunks (uploads may be hundreds of MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_dir(path: Path) -> None:
    """Flush a directory, so a rename inside it survives a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomic(path: str | Path, data) -> None:
    """Write JSON to a temp file next to ``path``, fsync it, and ``os.replace`` it over ``path``."""
    path = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


class Dataset(ABC):
    """One version's data as the reader may see it (rows of other provinces are left out when ``provinces``
    limits the reader; enforced here and, on PostGIS, by row-level security).

    Attributes
    ----------
    version_id : str or None
        The version read (``None``: the embedded default data).
    token : str
        Changes whenever the data read changes: the cache key for everything derived from it.
    provinces : frozenset or None
        The province codes this reader sees (``None``: all).
    """

    version_id: str | None
    token: str
    provinces: frozenset | None = None

    @abstractmethod
    def has_units(self, level: str) -> bool:
        """Whether the version has boundaries of ``level``."""

    @abstractmethod
    def units(self, level: str, province_code: str | None = None,
              commune_code: str | None = None) -> gpd.GeoDataFrame:
        """Units of ``level`` (canonical columns, EPSG:4326), optionally one province's or one commune's.

        Raises
        ------
        LoaderError
            Unknown level, or no boundaries of that level in this version.
        """

    @abstractmethod
    def stats_rows(self, level: str, periods=None, provinces=None) -> pd.DataFrame | None:
        """Stored statistics rows of ``level`` ("commune" or "hamlet") as written, or ``None`` when there are none.

        ``periods`` and ``provinces`` narrow what is read (the merge reads only the periods an upload touches).
        """

    @abstractmethod
    def metadata(self) -> dict:
        """The version's metadata (sources, ``demo`` flag, periods, unit counts)."""

    @abstractmethod
    def layers(self) -> list[str]:
        """Names of the layers this version has (:mod:`loaders.store.layers`)."""

    def unit_index(self, level: str) -> pd.DataFrame:
        """Key, ``province_code`` and name of every unit of ``level``, without geometry (cheap)."""
        from loaders.schema import KEY_COLUMN, NAME_COLUMN

        units = self.units(level)
        columns = [c for c in dict.fromkeys([KEY_COLUMN[level], "province_code", "province_name", NAME_COLUMN[level]])
                   if c in units]
        return pd.DataFrame(units[columns]).reset_index(drop=True)

    def periods(self, level: str) -> list[str]:
        """Periods with stored rows of ``level``, in order."""
        from loaders.store.merge import period_key

        rows = self.stats_rows(level)
        return [] if rows is None else sorted(set(rows["period"].dropna()), key=period_key)

    def stats(self, level: str) -> pd.DataFrame:
        """Statistics of one level, all periods, counts as float64 (NaN = no data); the app's reader.

        ``province`` sums the communes, ``commune`` sums the hamlets when the version has no commune figures.

        Raises
        ------
        LoaderError
            No statistics for that level.
        """
        from loaders.dataset import aggregate_stats

        return aggregate_stats(lambda lvl: self.stats_rows(lvl), level, where=self.version_id or EMBEDDED)


class Store(ABC):
    """A versioned data store. Subclasses: :class:`~loaders.store.directory.DirectoryStore`,
    :class:`~loaders.store.postgis.PostgisStore`.

    Every method that changes the store takes the :class:`~loaders.store.access.Identity` doing it and writes a
    line in the ledger; reads take the identity whose provinces limit them.
    """

    backend = ""

    # -- reading -------------------------------------------------------------------------------------------------
    @abstractmethod
    def versions(self) -> list[dict]:
        """Every version's ledger entry, oldest first (see :mod:`loaders.store.ledger` for the fields)."""

    @abstractmethod
    def events(self) -> list[dict]:
        """Every change of the active version (apply, rollback, use), oldest first."""

    @abstractmethod
    def active_id(self) -> str | None:
        """Id of the active version, or ``None`` when the embedded default data is in use."""

    def version(self, version_id: str) -> dict:
        """One version's ledger entry; :class:`StoreError` when unknown."""
        for entry in self.versions():
            if entry["id"] == version_id:
                return entry
        raise StoreError("unknown_version", None, version=str(version_id)[:40])

    def token(self) -> str:
        """Changes whenever the active data changes; cheap (call it on every rerun and key caches on it)."""
        return f"{self.backend}:{self.active_id() or EMBEDDED}"

    @abstractmethod
    def dataset(self, version_id: str | None = ACTIVE, identity=None) -> Dataset:
        """A reader of one version (the active one by default; ``None`` = the embedded data), limited to what
        ``identity`` may read."""

    @abstractmethod
    def staging_dir(self, prefix: str = "upload-") -> Path:
        """A fresh private local directory for an upload being checked (see :mod:`loaders.store.staging`)."""

    @abstractmethod
    def source_bytes(self, version_id: str, stored_as: str) -> bytes:
        """An uploaded file of a version, byte for byte as received."""

    # -- writing -------------------------------------------------------------------------------------------------
    @abstractmethod
    def init(self) -> None:
        """Create the store's structure (idempotent)."""

    @abstractmethod
    def commit(self, commit, sources, identity, expected_token: str, entry: dict) -> dict:
        """Write ``commit`` (a :class:`~loaders.store.merge.Commit` computed against ``expected_token``) as a new
        active version in one atomic step; return its ledger entry.

        Raises
        ------
        StaleCheck
            The active data is no longer the one the commit was computed from.
        StoreBusy
            Another apply held the store for longer than the lock timeout.
        """

    @abstractmethod
    def _set_active(self, version_id: str | None, identity, action: str) -> None:
        """Make ``version_id`` active and record ``action`` in the ledger (under the store's lock)."""

    def activate(self, version_id: str | None, identity=None) -> None:
        """"Use this version": make ``version_id`` active (``None``: the embedded default data).

        Only national officers may: it changes every province's figures at once.
        """
        from loaders.store.access import Identity

        identity = identity or Identity.local()
        identity.require_national("use_version")
        if version_id is not None:
            self.version(version_id)
        self._set_active(version_id, identity, "use")

    def rollback(self, identity=None) -> str | None:
        """"Roll back": make the active version's parent active again; return the now-active id."""
        from loaders.store.access import Identity

        identity = identity or Identity.local()
        identity.require_national("rollback")
        active = self.active_id()
        if active is None:
            raise StoreError("nothing_to_roll_back")
        parent = self.version(active).get("parent")
        self._set_active(parent, identity, "rollback")
        return parent

    @abstractmethod
    def clean_staging(self) -> int:
        """Remove uploads left waiting (older than ``data.staging_max_age_h``, or the oldest beyond
        ``data.staging_max_mb``) and abandoned builds; return how many were removed. Call it at start-up."""

    def status(self) -> dict:
        """What ``coverage-map store status`` prints: backend, where, active version, number of versions."""
        versions = self.versions()
        active = self.active_id()
        return {"backend": self.backend, "location": self.location(), "active": active,
                "versions": len(versions), "latest": versions[-1]["id"] if versions else None,
                "created": self.version(active)["created"] if active else None}

    @abstractmethod
    def location(self) -> str:
        """Where the store is, for people (a directory, or the URL without its password)."""
