"""Uploads waiting to be checked, and versions being built: private directories that never outlive their use.

Each upload gets its own directory (:func:`new_dir`); the caller removes it when the check ends (applied,
replaced by another upload, or the session closes — the app calls :func:`discard` from its session-end hook).
What a closed browser tab or a crash leaves behind is removed by :func:`clean` at start-up and once per session:
anything older than the age limit, then the oldest entries until the total is under the size limit.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from pathlib import Path


def new_dir(base: Path, prefix: str = "upload-") -> Path:
    """A fresh private directory (mode 0700) under ``base``."""
    base = Path(base)
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


def remove_tree(path: Path) -> None:
    """Remove a directory even when its files were frozen read-only."""
    def unlock(function, name, _info):
        try:
            os.chmod(os.path.dirname(name), stat.S_IRWXU)
            os.chmod(name, stat.S_IRWXU)
            function(name)
        except OSError:
            pass

    if Path(path).is_dir():
        shutil.rmtree(path, onexc=unlock) if _has_onexc() else shutil.rmtree(path, onerror=unlock)
    else:
        Path(path).unlink(missing_ok=True)


def _has_onexc() -> bool:
    import sys

    return sys.version_info >= (3, 12)


def discard(path: Path | str | None) -> None:
    """Remove one staging directory (the check it served has ended); nothing when it is already gone."""
    if path:
        remove_tree(Path(path))


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def clean(base: Path, max_age_s: float, max_bytes: float, keep=()) -> int:
    """Remove entries of ``base`` older than ``max_age_s``, then the oldest until the rest fit in ``max_bytes``.

    ``keep``: directories still in use by this process (never removed). Returns how many were removed.
    """
    base = Path(base)
    if not base.is_dir():
        return 0
    keep = {Path(k).resolve() for k in keep}
    now, removed = time.time(), 0
    entries = []
    for path in base.iterdir():
        try:
            entries.append((path.stat().st_mtime, path))
        except FileNotFoundError:
            continue
    remaining = []
    for mtime, path in sorted(entries):
        if path.resolve() in keep:
            continue
        if now - mtime > max_age_s:
            remove_tree(path)
            removed += 1
        else:
            remaining.append((mtime, path, _size(path)))
    total = sum(size for *_, size in remaining)
    for _, path, size in remaining:  # oldest first
        if total <= max_bytes:
            break
        if path.name.startswith("build-"):
            continue  # a version being built right now by an apply: it is removed by that apply itself
        remove_tree(path)
        total -= size
        removed += 1
    return removed
