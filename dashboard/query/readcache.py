"""Files read once: a boundary file and its statistics, read, repaired and joined, kept by their content.

``coverage-map export --boundaries … --stats …`` reads, repairs and joins the same files on every run (a few
seconds for the real 2025 communes). The result (:class:`dashboard.query.sources.FileSource`) depends only on the
files' bytes, the level asked for and the code that reads them, so it is kept on disk, keyed by the SHA-256 of
each file and of the reading code (:func:`code_version`): the same files elsewhere or renamed hit the same entry,
changed files or a changed reader never meet a stale one. Entries are written atomically (a folder renamed into
place) and the folder is bounded (:data:`MAX_BYTES`, least recently used first out).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard.query.disk import evict_least_recent
from dashboard.query.geometry import in_background

REPO = Path(__file__).resolve().parents[2]
#: Where read sources are kept (git-ignored; safe to delete at any time).
CACHE_DIR = REPO / "var" / "cache" / "sources"
MAX_BYTES = 512 * 1024 * 1024
#: The code whose behaviour a cached read depends on (reading, cleaning, joining, summing hamlets).
READING_CODE = ("loaders", "analysis/aggregate.py", "dashboard/query/sources.py")


@lru_cache(maxsize=1)
def code_version() -> str:
    """SHA-256 of the reading code's source files: a changed reader never serves an old reading."""
    hasher = hashlib.sha256()
    for entry in READING_CODE:
        path = REPO / entry
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            hasher.update(str(file.relative_to(REPO)).encode())
            hasher.update(file.read_bytes())
    return hasher.hexdigest()


def read_files(boundaries, stats_paths, level: str | None = None, cache_dir: Path | None = None):
    """``FileSource.read(boundaries, stats_paths, level)``, from the disk cache when the same files were read.

    Raises
    ------
    LoaderError
        As ``FileSource.read`` (files that cannot be used are never cached).
    """
    from dashboard.query.sources import FileSource, file_digest

    stats_paths = list(stats_paths)
    if not stats_paths:
        return FileSource.read(boundaries, stats_paths, level)  # it says what is missing
    digests = [file_digest(boundaries), *(file_digest(path) for path in stats_paths)]
    key = hashlib.sha256("|".join([code_version(), str(level), *digests]).encode()).hexdigest()[:32]
    folder = Path(cache_dir or CACHE_DIR) / key
    names = [Path(boundaries).name, *(Path(path).name for path in stats_paths)]
    source = _load(folder, FileSource, names)
    if source is None:
        source = FileSource.read(boundaries, stats_paths, level)
        in_background(_store, folder, source)  # written while the map is made
    return source


def _load(folder: Path, cls, names: list[str]):
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        units = gpd.read_parquet(folder / "units.parquet")
        stats = pd.read_parquet(folder / "stats.parquet")
        os.utime(folder / "meta.json")  # recently used: evicted last
    except (OSError, ValueError, KeyError):
        return None
    for frame, columns in ((units, meta["objects"][0]), (stats, meta["objects"][1])):
        for column in columns:  # Parquet gives text back as the string dtype: as read, it was object
            frame[column] = frame[column].astype(object)
    metadata = {**meta["metadata"], "sources": names}  # the files' names as given this time
    return cls(meta["level"], units, stats, metadata, key=meta["key"], _geometry_key=meta["geometry_key"])


def _store(folder: Path, source) -> None:
    temp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    try:
        temp.mkdir(parents=True, exist_ok=True)
        source.unit_table.to_parquet(temp / "units.parquet", compression="zstd")
        source.stats_table.to_parquet(temp / "stats.parquet", compression="zstd")
        objects = [[str(c) for c, kind in frame.dtypes.items() if kind == object and c != "geometry"]
                   for frame in (source.unit_table, source.stats_table)]
        meta = {"level": source.level, "metadata": source.metadata, "key": source.key,
                "geometry_key": source.geometry_key(source.level), "objects": objects}
        (temp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(temp, folder)
        evict(folder.parent, keep=folder)
    except (OSError, ValueError, TypeError):
        pass  # a full disk or a column parquet cannot hold only costs the next run the reading
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def evict(cache_dir: Path, max_bytes: int | None = None, keep: Path | None = None) -> None:
    """Remove the least recently used entries until the folder holds at most ``max_bytes``."""
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes  # read now: the cap can be changed
    entries = []
    for folder in cache_dir.iterdir():
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        try:
            size = sum(file.stat().st_size for file in folder.iterdir())
            entries.append(((folder / "meta.json").stat().st_mtime, size, folder))
        except OSError:
            continue
    evict_least_recent(entries, max_bytes, keep)
