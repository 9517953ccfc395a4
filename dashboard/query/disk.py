"""Bounded disk caches: the least recently used entries go first (geometry files, simplified shapes, CLI reads)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterable


def file_entries(paths: Iterable[Path]) -> list[tuple[float, int, Path]]:
    """(last use, size, path) of each file that still exists."""
    entries = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((stat.st_mtime, stat.st_size, path))
    return entries


def evict_least_recent(entries: list[tuple[float, int, Path]], max_bytes: int, keep: Path | None = None) -> None:
    """Remove the oldest entries (files or folders) until the rest hold at most ``max_bytes``; never ``keep``."""
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= max_bytes:
            break
        if path == keep:
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        total -= size
