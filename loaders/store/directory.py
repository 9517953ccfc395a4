"""The directory backend: every version an immutable dataset directory (the default; no server needed).

Layout (root = the ``data.store`` setting, ``var/store/`` by default)::

    manifest.json   {"format": 2, "active": "v0002" | null, "versions": [ledger entries], "events": [...]}
    .lock           held (``fcntl.flock``) while a version is written or the active version changes
    .tmp/           uploads being checked and versions being built (never read by the app)
    v0001/          a full dataset directory (docs/ARCHITECTURE.md layout) + sources/ + version.json

A version is built under ``.tmp/``, frozen read-only and renamed into place only when complete; the manifest is
replaced atomically afterwards. A crash (even ``kill -9``) at any point leaves the previous manifest, hence the
previous active version, in force; a half-built directory is removed by :meth:`DirectoryStore.clean_staging`.
Unchanged files are hard-linked from the previous version (versions are read-only, so sharing bytes is safe).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import geopandas as gpd
import pandas as pd

from loaders.dataset import DEFAULT_DATA_DIR, dataset_metadata, load_units, read_stats_rows
from loaders.schema import KEY_COLUMN, NAME_COLUMN, PERIOD
from loaders.store import staging
from loaders.store import base as _base  # _base.checkpoint: crash tests replace it
from loaders.store.base import (ACTIVE, EMBEDDED, Dataset, StaleCheck, Store, StoreBusy, StoreError,
                                fsync_dir, sha256_file, utc_now, write_json_atomic)
from loaders.store.layers import METADATA, STATS_FILES, UNIT_FILES

MANIFEST = "manifest.json"
SOURCES_DIR = "sources"
VERSION_FILE = "version.json"
_VERSION_ID = re.compile(r"^v(\d{4,})$")


class DirectoryDataset(Dataset):
    """A dataset directory read as a :class:`~loaders.store.base.Dataset` (rows of ``provinces`` only, if given)."""

    def __init__(self, path: str | Path, version_id: str | None = None, token: str = "",
                 provinces: frozenset | None = None):
        self.path = Path(path)
        self.version_id = version_id
        self.token = token or f"directory:{self.path}"
        self.provinces = provinces

    def __repr__(self) -> str:
        return f"DirectoryDataset({str(self.path)!r}, provinces={self.provinces})"

    def _limit(self, frame):
        if self.provinces is None or frame is None or "province_code" not in frame:
            return frame
        return frame[frame["province_code"].isin(self.provinces)].reset_index(drop=True)

    def has_units(self, level: str) -> bool:
        return (self.path / UNIT_FILES[level]).is_file()

    def units(self, level, province_code=None, commune_code=None) -> gpd.GeoDataFrame:
        return self._limit(load_units(self.path, level, province_code, commune_code))

    def unit_index(self, level: str) -> pd.DataFrame:
        import pyarrow.parquet as pq

        path = self.path / UNIT_FILES[level]
        names = pq.ParquetFile(path).schema_arrow.names
        columns = [c for c in dict.fromkeys([KEY_COLUMN[level], "province_code", "province_name",
                                             NAME_COLUMN[level]]) if c in names]
        return self._limit(pd.read_parquet(path, columns=columns))

    def stats_rows(self, level, periods=None, provinces=None):
        path = self.path / STATS_FILES[level]
        if not path.is_file():
            return None
        if path.suffix == ".parquet" and periods is not None:
            table = pd.read_parquet(path, filters=[(PERIOD, "in", list(periods))]) if periods else None
            if table is None:
                table = pd.read_parquet(path).iloc[0:0]
        else:
            table = read_stats_rows(self.path, level)
            if periods is not None:
                table = table[table[PERIOD].isin(list(periods))]
        if provinces is not None:
            table = table[table["province_code"].isin(provinces)]
        return self._limit(table.reset_index(drop=True))

    def periods(self, level: str) -> list[str]:
        from loaders.store.merge import period_key

        path = self.path / STATS_FILES[level]
        if not path.is_file():
            return []
        column = (pd.read_parquet(path, columns=[PERIOD])[PERIOD] if path.suffix == ".parquet"
                  else pd.read_csv(path, usecols=[PERIOD], dtype=str)[PERIOD])
        return sorted(set(column.dropna()), key=period_key)

    def metadata(self) -> dict:
        return dataset_metadata(self.path)

    def layers(self) -> list[str]:
        return sorted(name for name in (*UNIT_FILES.values(), *STATS_FILES.values()) if (self.path / name).is_file())


def _tree_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha256_file(p)
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != VERSION_FILE}


def _freeze(root: Path) -> None:
    # read-only files: a version is immutable, and a hard-linked copy in a later version cannot alter it
    for path in root.rglob("*"):
        if path.is_file():
            path.chmod(0o444)


class DirectoryStore(Store):
    """Versions as directories under ``root``; see the module docstring.

    Parameters
    ----------
    root : str or Path
        The store directory. Created on first write, never on read (the app may run from a read-only checkout).
    default_dir : str or Path, optional
        The dataset in use while no version is active (the embedded data).
    lock_timeout : float
        Seconds an apply waits for another before :class:`StoreBusy`.
    """

    backend = "directory"

    def __init__(self, root: str | Path, default_dir: str | Path | None = None, lock_timeout: float = 60.0,
                 staging_max_age_s: float = 24 * 3600, staging_max_bytes: float = 2e9):
        self.root = Path(root)
        self.default_dir = Path(default_dir or DEFAULT_DATA_DIR)
        self.lock_timeout = lock_timeout
        self.staging_limits = (staging_max_age_s, staging_max_bytes)

    def __repr__(self) -> str:
        return f"DirectoryStore({str(self.root)!r})"

    def location(self) -> str:
        return str(self.root)

    # -- reading ---------------------------------------------------------------------------------------------------
    def manifest(self) -> dict:
        """The manifest (an empty one when the store has never been written)."""
        path = self.root / MANIFEST
        if not path.exists():
            return {"format": 2, "active": None, "versions": [], "events": []}
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
        manifest.setdefault("events", [])
        return manifest

    def versions(self) -> list[dict]:
        return list(self.manifest()["versions"])

    def events(self) -> list[dict]:
        return list(self.manifest()["events"])

    def active_id(self) -> str | None:
        return self.manifest().get("active")

    def version_dir(self, version_id: str) -> Path:
        """The dataset directory of a version."""
        if not _VERSION_ID.match(str(version_id)):
            raise StoreError("bad_version_id", None, version=str(version_id)[:40])
        return self.root / version_id

    def active_dir(self) -> Path:
        """The active dataset directory: the active version's, or the embedded default data."""
        active = self.active_id()
        return self.version_dir(active) if active else self.default_dir

    def dataset(self, version_id: str | None = ACTIVE, identity=None) -> DirectoryDataset:
        if version_id == ACTIVE:
            version_id = self.active_id()
        path = self.version_dir(version_id) if version_id else self.default_dir
        if version_id and not path.is_dir():
            raise StoreError("version_missing", None, version=version_id)
        provinces = identity.read_provinces if identity is not None else None
        return DirectoryDataset(path, version_id, f"{self.backend}:{version_id or EMBEDDED}", provinces)

    def source_bytes(self, version_id: str, stored_as: str) -> bytes:
        path = self.version_dir(version_id) / SOURCES_DIR / stored_as
        if path.parent.resolve() != (self.version_dir(version_id) / SOURCES_DIR).resolve() or not path.is_file():
            raise StoreError("unknown_source", None, version=version_id, name=str(stored_as)[:80])
        return path.read_bytes()

    def verify(self, version_id: str) -> list[str]:
        """Files of a version whose bytes no longer match the ledger (empty list: intact)."""
        expected = self.version(version_id).get("files", {})
        current = _tree_hashes(self.version_dir(version_id))
        return sorted(k for k in set(expected) | set(current) if expected.get(k) != current.get(k))

    # -- writing ---------------------------------------------------------------------------------------------------
    def init(self) -> None:
        (self.root / ".tmp").mkdir(parents=True, exist_ok=True)
        if not (self.root / MANIFEST).exists():
            with self.lock():
                if not (self.root / MANIFEST).exists():
                    write_json_atomic(self.root / MANIFEST, self.manifest())

    @contextmanager
    def lock(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the store's lock file so two writers cannot interleave; :class:`StoreBusy` after ``timeout``."""
        (self.root / ".tmp").mkdir(parents=True, exist_ok=True)
        timeout = self.lock_timeout if timeout is None else timeout
        with open(self.root / ".lock", "a+") as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreBusy("busy", None, seconds=round(timeout)) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def staging_dir(self, prefix: str = "upload-") -> Path:
        return staging.new_dir(self.root / ".tmp", prefix)

    def clean_staging(self) -> int:
        removed = staging.clean(self.root / ".tmp", *self.staging_limits)
        if (self.root / MANIFEST).exists():  # version directories renamed into place before a crash
            with self.lock():
                known = {v["id"] for v in self.versions()}
                for path in self.root.iterdir():
                    if _VERSION_ID.match(path.name) and path.name not in known and path.is_dir():
                        staging.remove_tree(path)
                        removed += 1
        return removed

    clean_tmp = clean_staging  # TRANSITION: the name the upload panel calls until the redesign

    def _next_id(self, manifest: dict) -> str:
        # directories count too: a version renamed into place before a crash keeps its number
        numbers = [int(m.group(1)) for e in manifest["versions"] if (m := _VERSION_ID.match(e["id"]))]
        numbers += [int(m.group(1)) for p in self.root.iterdir() if (m := _VERSION_ID.match(p.name))]
        return f"v{max(numbers, default=0) + 1:04d}"

    def commit(self, commit, sources, identity, expected_token: str, entry: dict) -> dict:
        with self.lock():
            if self.token() != expected_token:
                raise StaleCheck("stale", None, **_stale_params(self, expected_token))
            manifest = self.manifest()
            parent = self.dataset(ACTIVE)
            build = Path(tempfile.mkdtemp(prefix="build-", dir=self.root / ".tmp"))
            try:
                _base.checkpoint("building")
                written = _write_layers(commit, parent, build)
                _carry_over(parent.path, build, written, self.root)
                with open(build / METADATA, "w", encoding="utf-8") as handle:
                    json.dump(commit.metadata, handle, ensure_ascii=False, indent=1)
                _base.checkpoint("written")
                version_id = self._next_id(manifest)
                entry = {**entry, "id": version_id, "created": utc_now(), "parent": manifest.get("active"),
                         "sources": _copy_sources(sources, build / SOURCES_DIR)}
                entry["files"] = _tree_hashes(build)
                write_json_atomic(build / VERSION_FILE, entry)
                _freeze(build)
                _base.checkpoint("before_rename")
                os.rename(build, self.root / version_id)  # atomic: the version appears complete or not at all
                fsync_dir(self.root)
                _base.checkpoint("before_manifest")
            except BaseException:
                staging.remove_tree(build)
                raise
            manifest["versions"].append(entry)
            manifest["active"] = version_id
            manifest["events"].append({"at": entry["created"], "by": identity.label(), "action": "apply",
                                       "version": version_id, "from": entry["parent"]})
            write_json_atomic(self.root / MANIFEST, manifest)
            _base.checkpoint("after_manifest")
            return entry

    def _set_active(self, version_id, identity, action: str) -> None:
        with self.lock():
            manifest = self.manifest()
            if version_id is not None and not self.version_dir(version_id).is_dir():
                raise StoreError("version_missing", None, version=version_id)
            manifest["events"].append({"at": utc_now(), "by": identity.label(), "action": action,
                                       "version": version_id, "from": manifest.get("active")})
            manifest["active"] = version_id
            write_json_atomic(self.root / MANIFEST, manifest)


def _stale_params(store: Store, expected_token: str) -> dict:
    active = store.active_id()
    entry = store.version(active) if active else {}
    return {"checked": expected_token.split(":", 1)[-1], "active": active or EMBEDDED,
            "by": entry.get("uploaded_by") or "—"}


def _write_layers(commit, parent: DirectoryDataset, build: Path) -> set[str]:
    """Every layer the commit touches, written whole: the parent's untouched chunks plus the new ones."""
    from loaders.ingest_files import write_geoparquet, write_stats

    written = set()
    for level, chunks in commit.units.items():
        previous = parent.units(level) if parent.has_units(level) else None
        frame = chunks.frame
        if previous is not None and len(previous):
            kept = previous[~previous["province_code"].astype(str).isin(chunks.keys)]
            frame = pd.concat([kept, frame], ignore_index=True) if len(kept) else frame
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
        order = [c for c in ("province_code", "commune_code", KEY_COLUMN[level]) if c in frame]
        frame = frame.sort_values(list(dict.fromkeys(order)), kind="stable").reset_index(drop=True)
        write_geoparquet(frame, build / UNIT_FILES[level], group_by="province_code" if level == "hamlet" else None)
        written.add(UNIT_FILES[level])
    for level, chunks in commit.stats.items():
        previous = parent.stats_rows(level)
        frame = chunks.frame
        if previous is not None and len(previous):
            province = previous["province_code"].astype(str)
            kept = previous[[(p, q) not in chunks.keys for p, q in zip(previous[PERIOD], province)]]
            frame = pd.concat([kept, frame], ignore_index=True) if len(kept) else frame
        key = KEY_COLUMN[level]
        frame = frame.sort_values([key, PERIOD], kind="stable").reset_index(drop=True)
        written |= write_stats(frame, build, level)
    return written


def _carry_over(previous_dir: Path, new_dir: Path, written: set[str], store_root: Path) -> None:
    """Hard-link (inside the store) or copy (the embedded data) every data file the commit did not rewrite."""
    for path in sorted(Path(previous_dir).rglob("*")):
        relative = path.relative_to(previous_dir).as_posix()
        if not path.is_file() or relative in written or relative in (METADATA, VERSION_FILE):
            continue
        if relative.startswith(f"{SOURCES_DIR}/") or relative.startswith("."):
            continue  # an earlier upload's own sources stay with that version
        target = new_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if Path(store_root).resolve() in path.resolve().parents:
            try:
                os.link(path, target)
                continue
            except OSError:
                pass  # file systems without hard links: copy instead
        shutil.copyfile(path, target)


def _copy_sources(sources, dest: Path) -> list[dict]:
    dest.mkdir(parents=True, exist_ok=True)
    recorded = []
    for source in sources:
        source = Path(source)
        digest = sha256_file(source)
        target = dest / source.name
        if target.exists():  # two uploads with the same name: keep both
            target = dest / f"{len(recorded) + 1}-{source.name}"
        shutil.copyfile(source, target)  # bytes only: never touch or rewrite what was received
        if sha256_file(target) != digest:
            raise StoreError("copy_mismatch", source)
        recorded.append({"name": source.name, "stored_as": target.name, "sha256": digest,
                         "bytes": source.stat().st_size})
    return recorded
