"""The versioned dataset store: every applied upload becomes a new, immutable dataset directory (SPEC §11).

Layout (root = ``$COVERAGE_MAP_STORE`` or ``var/store/`` in the repository)::

    manifest.json        {"format": 1, "active": "v0002" | null, "versions": [...]}  (atomic writes)
    .lock                held while a version is applied or the active version changes
    .tmp/                uploads being checked and versions being built (never read by the app)
    v0001/               a full dataset directory (docs/ARCHITECTURE.md layout) + sources/ + version.json
    v0002/ ...

A version directory is built under ``.tmp/`` and renamed into place only when complete, so the app never sees a
half-written version; the manifest is replaced atomically afterwards. Nothing is ever deleted by apply or
rollback: rolling back only changes which version is active. With no active version the app reads the embedded
default data (``loaders.dataset.DEFAULT_DATA_DIR``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from loaders.errors import LoaderError
from loaders.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
MANIFEST = "manifest.json"
SOURCES_DIR = "sources"
VERSION_FILE = "version.json"
_VERSION_ID = re.compile(r"^v(\d{4,})$")
_LOCK_TIMEOUT_S = 120.0


class StoreError(LoaderError):
    """The store cannot do what was asked (busy, unknown version, nothing to roll back to); keys ``store.*``."""

    namespace = "store"


def default_data_dir() -> Path:
    """The embedded default dataset directory, from ``loaders.dataset`` when it is there."""
    try:
        from loaders.dataset import DEFAULT_DATA_DIR
    except ImportError:  # loaders.dataset not built yet: same place it documents
        return REPO / "data"
    return Path(DEFAULT_DATA_DIR)


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in chunks (uploads may be hundreds of MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    # a rename is durable only once the directory holding it is flushed
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomic(path: str | Path, data: dict) -> None:
    """Write JSON to a temp file next to ``path``, fsync it, and ``os.replace`` it over ``path``."""
    path = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _tree_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): sha256_file(p)
        for p in sorted(root.rglob("*")) if p.is_file() and p.name != VERSION_FILE
    }


def _freeze(root: Path) -> None:
    # read-only files: a version is immutable, and a hard-linked copy in a later version cannot alter it
    for path in root.rglob("*"):
        if path.is_file():
            path.chmod(0o444)


class DatasetStore:
    """A directory of dataset versions with a manifest naming the active one.

    Parameters
    ----------
    root : str or Path, optional
        The store directory; defaults to ``$COVERAGE_MAP_STORE`` or ``var/store/`` in the repository. Created
        on first write, never on read (the app may run from a read-only checkout).
    """

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root or load_settings()["data.store"])

    def __repr__(self) -> str:
        return f"DatasetStore({str(self.root)!r})"

    # -- reading ---------------------------------------------------------------------------------------------------
    def manifest(self) -> dict:
        """The manifest as a dict (an empty one when the store has never been written)."""
        path = self.root / MANIFEST
        if not path.exists():
            return {"format": 1, "active": None, "versions": []}
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)

    def versions(self) -> list[dict]:
        """Every version's manifest entry, oldest first."""
        return list(self.manifest()["versions"])

    def version(self, version_id: str) -> dict:
        """One version's manifest entry; :class:`StoreError` when unknown."""
        for entry in self.versions():
            if entry["id"] == version_id:
                return entry
        raise StoreError("unknown_version", self.root / MANIFEST, version=version_id)

    def active_id(self) -> str | None:
        """Id of the active version, or ``None`` when the embedded default data is in use."""
        return self.manifest().get("active")

    def version_dir(self, version_id: str) -> Path:
        """The dataset directory of a version."""
        if not _VERSION_ID.match(version_id):
            raise StoreError("bad_version_id", self.root / MANIFEST, version=str(version_id)[:40])
        return self.root / version_id

    def active_dir(self) -> Path:
        """The active dataset directory: the active version, or the embedded default data."""
        active = self.active_id()
        return self.version_dir(active) if active else default_data_dir()

    def token(self) -> str:
        """A string that changes whenever the active data changes: use it as a cache key."""
        return str(self.active_dir())

    # -- writing ---------------------------------------------------------------------------------------------------
    def _prepare(self) -> None:
        (self.root / ".tmp").mkdir(parents=True, exist_ok=True)

    @contextmanager
    def lock(self, timeout: float = _LOCK_TIMEOUT_S) -> Iterator[None]:
        """Hold the store's lock file (``fcntl.flock``) so two writers cannot interleave."""
        self._prepare()
        with open(self.root / ".lock", "a+") as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreError("busy", self.root / ".lock") from None
                    time.sleep(0.1)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def staging_dir(self, prefix: str = "upload-") -> Path:
        """A fresh private directory under ``.tmp/`` for an upload being checked (the caller removes it)."""
        self._prepare()
        return Path(tempfile.mkdtemp(prefix=prefix, dir=self.root / ".tmp"))

    def _next_id(self, manifest: dict) -> str:
        # directories count too: a version renamed into place before a crash keeps its number
        numbers = [int(m.group(1)) for e in manifest["versions"] if (m := _VERSION_ID.match(e["id"]))]
        numbers += [int(m.group(1)) for p in self.root.iterdir() if (m := _VERSION_ID.match(p.name))]
        return f"v{max(numbers, default=0) + 1:04d}"

    def apply(
        self,
        populate: Callable[[Path, Path], dict | None],
        sources: list[Path] | tuple[Path, ...] = (),
        uploaded_by: str = "",
        validation: dict | None = None,
        note: str = "",
    ) -> dict:
        """Build a new version and make it active; return its manifest entry.

        Parameters
        ----------
        populate : callable
            ``populate(new_dir, previous_dir)`` writes the complete dataset into ``new_dir`` (a temp directory
            inside the store) reading whatever it needs from ``previous_dir`` (the active data); it may return
            a dict stored as the entry's ``"details"``. Any exception aborts: the temp directory is removed
            and the active version is unchanged.
        sources : list of Path
            The uploaded files, copied byte for byte into ``<version>/sources/`` with their SHA-256.
        uploaded_by, note : str
            Who uploaded (free text) and what the upload is, shown in the history.
        validation : dict, optional
            Summary of the validation report, kept in the manifest.
        """
        with self.lock():
            manifest = self.manifest()
            previous_dir = self.active_dir()
            build = Path(tempfile.mkdtemp(prefix="build-", dir=self.root / ".tmp"))
            try:
                details = populate(build, previous_dir) or {}
                recorded = self._copy_sources(sources, build / SOURCES_DIR)
                version_id = self._next_id(manifest)
                entry = {
                    "id": version_id,
                    "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "uploaded_by": uploaded_by,
                    "note": note,
                    "sources": recorded,
                    "validation": validation or {},
                    "details": details,
                    "parent": manifest.get("active"),
                    "files": _tree_hashes(build),
                }
                write_json_atomic(build / VERSION_FILE, entry)
                _freeze(build)
                os.rename(build, self.root / version_id)  # atomic: the version appears complete or not at all
                _fsync_dir(self.root)
            except BaseException:
                shutil.rmtree(build, ignore_errors=True)
                raise
            manifest["versions"].append(entry)
            manifest["active"] = version_id
            write_json_atomic(self.root / MANIFEST, manifest)
            return entry

    @staticmethod
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
            recorded.append({"name": source.name, "stored_as": target.name, "sha256": digest, "bytes": source.stat().st_size})
        return recorded

    def activate(self, version_id: str | None) -> None:
        """Make ``version_id`` the active version (``None``: the embedded default data)."""
        with self.lock():
            manifest = self.manifest()
            if version_id is not None:
                self.version(version_id)
                if not self.version_dir(version_id).is_dir():
                    raise StoreError("version_missing", self.root, version=version_id)
            manifest["active"] = version_id
            write_json_atomic(self.root / MANIFEST, manifest)

    def rollback(self) -> str | None:
        """Make the active version's parent active again; return the now-active id (``None`` = default data)."""
        active = self.active_id()
        if active is None:
            raise StoreError("nothing_to_roll_back", self.root / MANIFEST)
        parent = self.version(active).get("parent")
        self.activate(parent)
        return parent

    def verify(self, version_id: str) -> list[str]:
        """Files of a version whose bytes no longer match the manifest (empty list: intact)."""
        entry = self.version(version_id)
        current = _tree_hashes(self.version_dir(version_id))
        expected = entry.get("files", {})
        return sorted(k for k in set(expected) | set(current) if expected.get(k) != current.get(k))

    def clean_tmp(self, older_than_s: float = 24 * 3600) -> None:
        """Remove abandoned uploads and builds under ``.tmp/`` (an app closed mid-upload leaves them)."""
        tmp = self.root / ".tmp"
        if not tmp.is_dir():
            return
        cutoff = time.time() - older_than_s
        for path in tmp.iterdir():
            if path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def carry_over(previous_dir: Path, new_dir: Path, relative: str, store_root: Path) -> bool:
    """Copy one file of the previous dataset into a version being built; False when it does not exist.

    Inside the store the file is hard-linked (versions are read-only, so sharing bytes is safe and cheap);
    files of the embedded data are copied, so freezing the new version never changes the repository's files.
    """
    source, target = Path(previous_dir) / relative, Path(new_dir) / relative
    if not source.is_file():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    inside = Path(store_root).resolve() in source.resolve().parents
    if inside:
        try:
            os.link(source, target)
            return True
        except OSError:
            pass  # file systems without hard links: copy instead
    shutil.copyfile(source, target)
    return True


def active_data_dir(store: DatasetStore | str | Path | None = None) -> Path:
    """The dataset directory the app should read: the store's active version or the embedded default data.

    Cheap (reads one small JSON file), so call it on every rerun and use the returned path as the cache key:
    each version has its own directory, so a new apply or a rollback changes the key and the cache misses.
    """
    if not isinstance(store, DatasetStore):
        store = DatasetStore(store)
    return store.active_dir()
