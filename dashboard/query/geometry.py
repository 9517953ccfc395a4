"""Unit shapes prepared for a view scale: cleaned once per content, simplified once per scale, cached on disk.

Simplification (:mod:`analysis.simplify`) is the expensive part of drawing a map. It has two steps:

* **cleaning** (repair, coverage clean: seconds for real files) depends only on the shapes of a level: it is done
  once for every unit of the level and cached by the *content* of the boundary file (its SHA-256, via
  ``DataSource.geometry_key``). :func:`prefetch_cleaning` starts it in the background as soon as the shapes are
  read, so it runs while the figures are read and joined (``FileSource.read``);
* **simplifying** for a view scale takes the cleaned shapes of the place shown (a subset of a clean coverage is
  a clean coverage) and is cached by content, level, scale and place.

A second process (the CLI, a restarted server) reuses both, the same boundaries copied elsewhere hit the same
entries, and changed boundaries never meet stale shapes. The cache folder is bounded (:data:`CACHE_MAX_BYTES`,
least recently used first out); entries are written atomically.
"""

from __future__ import annotations

import hashlib
import os
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.simplify import ALGORITHM_VERSION, clean_geometries, simplify_cleaned, view_scale
from analysis.view import area_mask
from dashboard.query.disk import evict_least_recent, file_entries
from loaders.schema import KEY_COLUMN

#: Where cleaned and simplified layers are kept (git-ignored; safe to delete at any time).
CACHE_DIR = Path(__file__).resolve().parents[2] / "var" / "cache" / "simplified"
CACHE_MAX_BYTES = 256 * 1024 * 1024

#: Cleanings done or under way in this process (cache key → Future of the cleaned shapes).
_cleanings: dict[str, Future] = {}
_cleanings_lock = threading.Lock()


def scale_of(province: str | None, commune: str | None = None, level: str = "commune") -> str:
    """The simplification scale of a view: the country, one province, or one commune's hamlets.

    Every hamlet of the country is kept at the province scale: at the national scale a hamlet would be a
    triangle, and that map is read by zooming in on a province.
    """
    if commune and level == "hamlet":
        return "commune"
    return "province" if province or level == "hamlet" else "national"


def shapes_key(source, level: str, province: str | None = None, commune: str | None = None) -> str:
    """What the prepared shapes of a view depend on: the algorithm, the scale, the shapes' content, the place.

    The same text keys the disk cache here and the files the browser fetches (:mod:`dashboard.render.geofiles`).
    """
    commune = commune if level == "hamlet" else None
    scale = view_scale(scale_of(province, commune, level))
    return f"{ALGORITHM_VERSION}|{scale!r}|{source.geometry_key(level)}|{level}|{province}|{commune}"


@dataclass(frozen=True)
class PreparedShapes:
    """The units of one view scale: keys, simplified shapes (same order) and the decimals they are drawn with."""

    keys: np.ndarray
    shapes: np.ndarray
    decimals: int

    def bounds(self, keys=None) -> tuple[float, float, float, float]:
        """Extent of all units, or of those in ``keys`` (a filtered view is fitted to what it draws)."""
        shapes = self.shapes if keys is None else self.shapes[np.isin(self.keys, list(map(str, keys)))]
        shapes = shapes[~(shapely.is_missing(shapes) | shapely.is_empty(shapes))]
        if not len(shapes):
            return (102.1, 8.3, 109.5, 23.4)  # Vietnam
        return tuple(float(b) for b in shapely.total_bounds(shapes))


def prepared_shapes(source, level: str, province: str | None = None, commune: str | None = None,
                    cache_dir: Path | None = None) -> PreparedShapes:
    """The source's units of ``level`` simplified for the view's scale (disk-cached by content)."""
    commune = commune if level == "hamlet" else None
    scale = scale_of(province, commune, level)
    units = source.units(level, province, commune)
    keys = units[KEY_COLUMN[level]].astype(str).to_numpy()
    folder = Path(cache_dir or CACHE_DIR)
    target = _entry(folder, "simplified", shapes_key(source, level, province, commune))
    shapes = _read(target, len(units))
    if shapes is None:
        cleaned = _cleaned_for(source, level, units, keys, folder)
        shapes = simplify_cleaned(cleaned, scale)
        _write(target, shapes, units.crs)
    return PreparedShapes(keys, shapes, view_scale(scale).decimals)


def in_background(function, *args) -> None:
    """Run ``function(*args)`` in a thread the process still waits for before it exits (cache writes)."""
    threading.Thread(target=function, args=args, name="coverage-map-write", daemon=False).start()


def _cleaned_for(source, level: str, units: gpd.GeoDataFrame, keys: np.ndarray, folder: Path) -> np.ndarray:
    """The cleaned shapes of ``units``: taken from the whole level's cleaned shapes (cleaned once)."""
    whole = source.units(level)
    cleaned = cleaned_shapes(whole, source.geometry_key(level), level, folder)
    if len(whole) == len(units):
        return cleaned
    every = pd.Index(whole[KEY_COLUMN[level]].astype(str))
    positions = every.get_indexer(keys) if every.is_unique else None
    if positions is None or (positions < 0).any():  # units told apart by position only: clean the place alone
        return clean_geometries(units.geometry.to_numpy())
    return cleaned[positions]


def cleaned_shapes(units: gpd.GeoDataFrame, geometry_key: str, level: str, cache_dir: Path | None = None
                   ) -> np.ndarray:
    """Every unit of a level repaired and cleaned into a coverage (same order): once per content.

    Reuses a cleaning already done or under way in this process (:func:`prefetch_cleaning`), else the disk
    cache, else cleans and stores the result.
    """
    return _cleaning(units, geometry_key, level, Path(cache_dir or CACHE_DIR)).result()


def prefetch_cleaning(units: gpd.GeoDataFrame, geometry_key: str, level: str, cache_dir: Path | None = None
                      ) -> None:
    """Start cleaning a level's shapes in a background thread (GEOS releases the GIL: it runs on another core
    while the caller reads statistics); :func:`cleaned_shapes` then waits for it instead of starting again."""
    _cleaning(units, geometry_key, level, Path(cache_dir or CACHE_DIR), background=True)


def _cleaning(units, geometry_key: str, level: str, folder: Path, background: bool = False) -> Future:
    key = f"{ALGORITHM_VERSION}|clean|{geometry_key}|{level}"
    with _cleanings_lock:
        future = _cleanings.get(key)
        if future is not None and not (future.done() and future.exception() is not None):
            return future
        future = _cleanings[key] = Future()
    geometries, crs = units.geometry.to_numpy(), units.crs

    def work():
        try:
            target = _entry(folder, "cleaned", key)
            cleaned = _read(target, len(geometries))
            future.set_result(clean_geometries(geometries) if cleaned is None else cleaned)
            if cleaned is None:  # after the result, so whoever waits goes on; the process waits for the disk
                in_background(_write, target, future.result(), crs)
        except BaseException as error:  # noqa: BLE001 - handed to whoever waits for the result
            future.set_exception(error)

    if background:
        threading.Thread(target=work, name="coverage-map-cleaning", daemon=True).start()
    else:
        work()
    return future


def _entry(folder: Path, kind: str, key: str) -> Path:
    return folder / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:24]}.parquet"


def _read(target: Path, count: int) -> np.ndarray | None:
    """The shapes of a cache entry, or None when absent, damaged or of another size."""
    if not target.exists():
        return None
    try:
        cached = gpd.read_parquet(target)
        os.utime(target)  # recently used: evicted last
    except (OSError, ValueError):
        return None  # a damaged entry is rebuilt
    return cached.geometry.to_numpy() if len(cached) == count else None


def _write(target: Path, shapes: np.ndarray, crs) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        gpd.GeoDataFrame(geometry=gpd.GeoSeries(shapes, crs=crs)).to_parquet(temp, compression="zstd")
        os.replace(temp, target)
        evict(target.parent)
    except OSError:
        pass  # a full or read-only disk only costs the next process the work


def evict(cache_dir: Path, max_bytes: int | None = None) -> None:
    """Remove the least recently used entries until the folder holds at most ``max_bytes``."""
    max_bytes = CACHE_MAX_BYTES if max_bytes is None else max_bytes  # read now: the cap can be changed
    entries = file_entries([*cache_dir.glob("simplified-*"), *cache_dir.glob("cleaned-*")])
    evict_least_recent(entries, max_bytes)


def area_outline(source, area: str, province: str | None = None):
    """The communes of one area class (e.g. "mountainous") dissolved to one shape, or None."""
    prepared = prepared_shapes(source, "commune", province)
    units = source.units("commune", province)
    chosen = prepared.shapes[area_mask(units, (area,)).to_numpy()]
    chosen = chosen[~(shapely.is_missing(chosen) | shapely.is_empty(chosen))]
    if len(chosen) == 0:
        return None
    # The cached communes are a coverage-simplified coverage: a coverage union dissolves them exactly and fast.
    try:
        return shapely.coverage_union_all(chosen)
    except shapely.errors.GEOSException:  # units whose cleaning failed keep their own, overlapping shapes
        return shapely.union_all(chosen, grid_size=10.0 ** -prepared.decimals)


def province_borders(source, province: str | None = None):
    """Province borders as one MultiPolygon (light context lines behind a filtered map), or None."""
    if not source.has_level("province"):
        return None
    prepared = prepared_shapes(source, "province", province)
    parts = shapely.get_parts(prepared.shapes[~shapely.is_missing(prepared.shapes)])
    polygons = parts[shapely.get_type_id(parts) == 3]
    return shapely.multipolygons(polygons) if len(polygons) else None
