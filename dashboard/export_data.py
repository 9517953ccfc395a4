"""Where exports get their data: a dataset directory (the embedded demo data, an uploaded version) or files.

Both give the same things to :func:`view_table`: units of a level, statistics of a level, the communes (whose
area classes hamlets inherit) and the provinces (grey surroundings and locator inset of a static map). The table
itself is always :func:`analysis.view.build_view_table`, so an export shows exactly what the dashboard shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from analysis.aggregate import hamlet_to_commune
from analysis.view import ViewSpec, build_view_table, province_stats_for_areas, resolve_unit
from dashboard.export_view import MapView, prepare_map_view
from loaders.errors import LoaderError


class DataSource:
    """Units, statistics and metadata for exports (see :class:`DatasetSource`, :class:`FileSource`)."""

    metadata: dict

    def units(self, level: str, province: str | None = None, commune: str | None = None) -> pd.DataFrame:
        raise NotImplementedError

    def stats(self, level: str) -> pd.DataFrame:
        raise NotImplementedError

    def provinces(self) -> pd.DataFrame | None:
        """Province shapes for context, or None."""
        return None

    def has_level(self, level: str) -> bool:
        raise NotImplementedError


@dataclass
class DatasetSource(DataSource):
    """A dataset directory laid out as in docs/ARCHITECTURE.md (read with :mod:`loaders.dataset`)."""

    data_dir: Path
    metadata: dict = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        from loaders import dataset

        self.data_dir = Path(self.data_dir)
        if not self.data_dir.is_dir():
            raise LoaderError("dataset directory not found", self.data_dir)
        self.metadata = dataset.dataset_metadata(self.data_dir)

    def units(self, level, province=None, commune=None):
        from loaders import dataset

        key = ("units", level, province, commune)
        if key not in self._cache:
            self._cache[key] = dataset.load_units(self.data_dir, level, province_code=province,
                                                  commune_code=commune)
        return self._cache[key]

    def stats(self, level):
        from loaders import dataset

        if ("stats", level) not in self._cache:
            self._cache[("stats", level)] = dataset.load_stats(self.data_dir, level)
        return self._cache[("stats", level)]

    def provinces(self):
        return self.units("province") if self.has_level("province") else None

    def has_level(self, level):
        from loaders.dataset import UNIT_FILES

        return (self.data_dir / UNIT_FILES[level]).exists()


@dataclass
class FileSource(DataSource):
    """One boundary file and its statistics files, read, cleaned and joined by the loaders."""

    level: str
    unit_table: pd.DataFrame
    stats_table: pd.DataFrame
    metadata: dict = field(default_factory=dict)

    @classmethod
    def read(cls, boundaries: str | Path, stats_paths, level: str | None = None) -> "FileSource":
        """Read boundaries and statistics; statistics rows that match no unit are left out (see ``validate``).

        Raises
        ------
        LoaderError
            A file cannot be used (the loaders explain why in one line).
        """
        from loaders.boundaries import read_boundaries
        from loaders.join import join_stats
        from loaders.stats import read_stats

        load = read_boundaries(boundaries, level=level)
        units = load.units
        level = level or load.info.get("level") or "commune"
        frames = []
        for path in stats_paths:
            stats = read_stats(path)
            table = stats.table
            if stats.info.get("level") == "hamlet" and level == "commune":
                table = hamlet_to_commune(table)  # hamlet figures summed per commune
            frames.append(table)
        if not frames:
            raise LoaderError("--boundaries needs at least one --stats file")
        joined = join_stats(units, pd.concat(frames, ignore_index=True), level).table
        if "match" in joined.columns:
            joined = joined[joined["match"] != "unmatched"]
        names = [Path(boundaries).name, *(Path(p).name for p in stats_paths)]
        return cls(level, units, joined, {"demo": False, "sources": names})

    def units(self, level, province=None, commune=None):
        if level != self.level:
            raise LoaderError(f"the boundary file holds {self.level} units, not {level} units")
        units = self.unit_table
        if province and "province_code" in units.columns:
            units = units[units["province_code"].astype(str) == province]
        if commune and level == "hamlet" and "commune_code" in units.columns:
            units = units[units["commune_code"].astype(str) == commune]
        return units

    def stats(self, level):
        return self.stats_table

    def has_level(self, level):
        return level == self.level


def resolve_place(source: DataSource, spec: ViewSpec, province: str | None, commune: str | None) -> ViewSpec:
    """Turn a province and commune given as NAME or CODE into codes in ``spec``.

    Raises
    ------
    LoaderError
        No such province or commune (the message names what was asked).
    """
    changes = {}
    if province:
        level = "province" if source.has_level("province") else source_level(source)
        code = resolve_unit(_province_table(source, level), "province", province)
        if code is None:
            raise LoaderError(f"unknown province {province!r}")
        changes["province"] = code
    if commune:
        communes = source.units("commune", changes.get("province")) if source.has_level("commune") else \
            source.units(source_level(source), changes.get("province"))
        code = resolve_unit(communes.drop_duplicates("commune_code"), "commune", commune)
        if code is None:
            raise LoaderError(f"unknown commune {commune!r}")
        changes["commune"] = code
        if "province" not in changes:
            row = communes[communes["commune_code"].astype(str) == code]
            changes["province"] = str(row["province_code"].iloc[0])
    return replace(spec, **changes)


def source_level(source: DataSource) -> str:
    return next(level for level in ("commune", "hamlet", "province") if source.has_level(level))


def _province_table(source: DataSource, level: str) -> pd.DataFrame:
    units = source.units(level)
    return units.drop_duplicates("province_code")[["province_code", "province_name"]]


def view_table(source: DataSource, spec: ViewSpec) -> pd.DataFrame:
    """The rows shown for ``spec``: :func:`analysis.view.build_view_table` on the source's data.

    A hamlet view needs a province or a commune (67,000 hamlets on one map say nothing).
    """
    level = spec.level
    units = source.units(level, spec.province, spec.commune if level == "hamlet" else None)
    communes = source.units("commune") if level in ("hamlet", "province") and source.has_level("commune") \
        else None
    if level == "province" and spec.areas and communes is not None:
        stats = province_stats_for_areas(communes, source.stats("commune"), spec.areas)
    else:
        stats = source.stats(level)
    table = build_view_table(units, stats, spec, communes=communes)
    if level == "commune" and spec.commune:  # one commune without hamlets: that commune alone
        period = table.attrs.get("period")
        table = table[table["commune_code"].astype(str) == spec.commune].reset_index(drop=True)
        table.attrs["period"] = period
    return table


def map_view(source: DataSource, spec: ViewSpec, *, lang: str = "vi", scheme: str = "auto",
             k: int = 5, table: pd.DataFrame | None = None, **options) -> MapView:
    """A :class:`MapView` of ``spec``, with provinces as grey surroundings and the locator inset.

    Parameters
    ----------
    source : DataSource
    spec : ViewSpec
    lang, scheme, k
        See :func:`dashboard.export_view.prepare_map_view`.
    table : DataFrame, optional
        The view table when the caller has it already (the dashboard's cached one).
    **options
        Passed on to :func:`~dashboard.export_view.prepare_map_view` (``same_classes_as``, ``place``).
    """
    table = view_table(source, spec) if table is None else table
    provinces = source.provinces()
    highlight = None
    if provinces is not None and spec.province:
        highlight = provinces[provinces["province_code"].astype(str) == spec.province]
    if spec.level == "hamlet" and source.has_level("commune") and "outlines" not in options:
        options["outlines"] = source.units("commune", spec.province, spec.commune)
    return prepare_map_view(table, spec, lang=lang, scheme=scheme, k=k, metadata=source.metadata,
                            context=provinces, highlight=highlight, **options)
