"""Where the data shown come from, decided in one place: a dataset directory or a pair of files.

:func:`resolve_source` is the only function that decides which data are active, for the app and the CLI alike:
``--boundaries/--stats`` files, else ``--data-dir``, else the pinned dataset of the settings
(``COVERAGE_MAP_DATA``), else the store's active version (uploads), else the embedded demo data. Each source
has a ``key`` that changes whenever its data change (a new store version is a new directory; files are keyed by
their bytes), so caches keyed by it never serve stale figures.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from i18n import Term
from analysis.aggregate import commune_to_province, hamlet_to_commune
from loaders.errors import LoaderError

#: Levels a map can show, coarse to fine.
MAP_LEVELS = ("province", "commune", "hamlet")


class DataSource:
    """Units, statistics and metadata of one dataset (see :class:`DatasetSource`, :class:`FileSource`).

    Attributes
    ----------
    key : str
        Identity of the data, for caches: changes whenever the data change.
    metadata : dict
        Sources, licences, the demo flag (``"demo": true`` → every map says "dữ liệu minh họa").
    """

    key: str
    metadata: dict

    def units(self, level: str, province: str | None = None, commune: str | None = None) -> gpd.GeoDataFrame:
        """Units of ``level`` (with geometry), optionally of one province or, for hamlets, one commune."""
        raise NotImplementedError

    def stats(self, level: str) -> pd.DataFrame:
        """All periods of statistics at ``level`` (counts; province figures are sums of communes)."""
        raise NotImplementedError

    def has_level(self, level: str) -> bool:
        raise NotImplementedError

    def geometry_key(self, level: str) -> str:
        """Identity of the unit shapes of ``level`` by content (the cache key of simplified geometry)."""
        raise NotImplementedError

    def levels(self) -> tuple[str, ...]:
        return tuple(level for level in MAP_LEVELS if self.has_level(level))

    def provinces(self) -> gpd.GeoDataFrame | None:
        """Province shapes (context of static maps, locator inset), or None."""
        return self.units("province") if self.has_level("province") else None


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes, remembered per (path, size, modification time) within the process."""
    resolved = Path(path).resolve()
    stat = resolved.stat()
    return _digest(str(resolved), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


class StoreSource(DataSource):
    """A version of the data store (or any dataset directory) as seen by one reader.

    The store's :class:`~loaders.store.base.Dataset` already leaves out the provinces the reader may not see (and
    PostGIS enforces it again with row-level security), so every page and file built on this source shows only
    what the reader may read. Loaded frames are kept for the life of the object (the app keeps one per key).
    """

    def __init__(self, dataset):
        self.dataset = dataset
        self.metadata = dataset.metadata()
        limited = sorted(dataset.provinces) if dataset.provinces is not None else "all"
        self.key = f"{dataset.token}|{limited}"
        self._frames: dict = {}
        self._lock = threading.Lock()

    def _once(self, key, load):
        with self._lock:
            if key not in self._frames:
                self._frames[key] = load()
            return self._frames[key]

    def units(self, level, province=None, commune=None):
        commune = commune if level == "hamlet" else None
        return self._once(("units", level, province, commune), lambda: self.dataset.units(level, province, commune))

    def stats(self, level):
        return self._once(("stats", level), lambda: self.dataset.stats(level))

    def has_level(self, level):
        return self.dataset.has_units(level)

    def geometry_key(self, level):
        from loaders.dataset import UNIT_FILES

        path = getattr(self.dataset, "path", None)  # a directory version: its file's bytes
        if path is not None and (Path(path) / UNIT_FILES[level]).is_file():
            return file_digest(Path(path) / UNIT_FILES[level]) + f"|{self.key.split('|')[-1]}"
        return f"{self.dataset.token}|{level}|{self.key.split('|')[-1]}"

    @property
    def data_dir(self) -> Path | None:
        path = getattr(self.dataset, "path", None)
        return None if path is None else Path(path)


def DatasetSource(data_dir: str | Path) -> StoreSource:  # noqa: N802 - reads like the class it builds
    """A dataset directory laid out as in docs/ARCHITECTURE.md (the embedded data, ``--data-dir``, a pinned one)."""
    from loaders.store import DirectoryDataset

    if not Path(data_dir).is_dir():
        raise LoaderError("data_source.no_dataset", data_dir)
    return StoreSource(DirectoryDataset(Path(data_dir), token=f"dir:{Path(data_dir).resolve()}"))


@dataclass
class FileSource(DataSource):
    """One boundary file and its statistics files, read, cleaned and joined by the loaders.

    Statistics rows that match no unit are left out here (``coverage-map validate`` reports them).
    """

    level: str
    unit_table: gpd.GeoDataFrame
    stats_table: pd.DataFrame
    metadata: dict = field(default_factory=dict)
    key: str = ""
    _geometry_key: str = ""

    @classmethod
    def read(cls, boundaries: str | Path, stats_paths, level: str | None = None) -> "FileSource":
        """Read boundaries and statistics.

        Raises
        ------
        LoaderError
            A file cannot be used (the loaders explain why in one line).
        """
        from loaders.boundaries import read_boundaries
        from loaders.join import join_stats
        from loaders.stats import read_stats

        if not stats_paths:
            raise LoaderError("data_source.boundaries_need_stats")
        load = read_boundaries(boundaries, level=level)
        level = level or load.info.get("level") or "commune"
        frames = []
        for path in stats_paths:
            table = read_stats(path).table
            if "hamlet_id" in table.columns and level == "commune":
                table = hamlet_to_commune(table)  # hamlet figures summed per commune
            frames.append(table)
        joined = join_stats(load.units, pd.concat(frames, ignore_index=True), level).applied
        names = [Path(boundaries).name, *(Path(p).name for p in stats_paths)]
        digests = [file_digest(boundaries), *(file_digest(p) for p in stats_paths)]
        return cls(level, load.units, joined, {"demo": False, "sources": names},
                   key="files:" + hashlib.sha256("|".join(digests).encode()).hexdigest()[:32],
                   _geometry_key=digests[0])

    def units(self, level, province=None, commune=None):
        if level == "province" and self.level != "province":
            return self._provinces()
        if level != self.level:
            raise LoaderError("data_source.no_level", None, level=Term(f"level_word.{level}"), have=Term(f"level_word.{self.level}"))
        units = self.unit_table
        if province and "province_code" in units.columns:
            units = units[units["province_code"].astype(str) == province]
        if commune and level == "hamlet" and "commune_code" in units.columns:
            units = units[units["commune_code"].astype(str) == commune]
        return units

    def _provinces(self):
        if "province_code" not in self.unit_table.columns:
            raise LoaderError("data_source.no_level", None, level=Term("level_word.province"), have=Term(f"level_word.{self.level}"))
        columns = [c for c in ("province_code", "province_name") if c in self.unit_table.columns]
        return self.unit_table.dissolve(by=columns, as_index=False)[[*columns, "geometry"]]

    def stats(self, level):
        if level == self.level:
            return self.stats_table
        if level == "province" and "province_code" in self.stats_table.columns:
            return commune_to_province(self.stats_table if self.level == "commune"
                                       else hamlet_to_commune(self.stats_table))
        raise LoaderError("data_source.no_level", None, level=Term(f"level_word.{level}"), have=Term(f"level_word.{self.level}"))

    def has_level(self, level):
        return level == self.level

    def provinces(self):
        return None

    def geometry_key(self, level):
        return self._geometry_key


def resolve_source(settings, *, data_dir: str | Path | None = None, boundaries: str | Path | None = None,
                   stats=(), level: str | None = None, identity=None, store=None) -> DataSource:
    """The data to show: files, else a dataset directory, else the pinned dataset, else the store's active
    version (the embedded demo data while nothing was applied). The one place this is decided.

    Parameters
    ----------
    settings : loaders.settings.Settings
    data_dir, boundaries, stats, level
        What the user asked for explicitly (CLI options); nothing for the app.
    identity : loaders.store.Identity, optional
        Who reads: a provincial reader limited to their provinces sees only those (default: the local operator).
    store : loaders.store.Store, optional
        An open store (the app keeps one per server).
    """
    if boundaries:
        return FileSource.read(boundaries, list(stats), level)
    if stats:
        raise LoaderError("data_source.stats_need_boundaries")
    if data_dir or settings["data.pinned"]:
        return DatasetSource(data_dir or settings["data.pinned"])
    from loaders.store import open_store

    store = store or open_store(settings)
    return StoreSource(store.dataset(identity=identity))
