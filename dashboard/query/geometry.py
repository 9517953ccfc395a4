"""Unit shapes prepared for a view scale: coverage-simplified once per content, cached on disk with a size cap.

Simplification (:mod:`analysis.simplify`) is the expensive part of drawing a map. Its result depends only on the
shapes and the scale, so it is cached on disk keyed by the *content* of the boundary file (its SHA-256, via
``DataSource.geometry_key``), the level, the scale and the province/commune filter: a second process (the CLI, a
restarted server) reuses it, the same boundaries copied elsewhere hit the same entry, and changed boundaries
never meet stale shapes. The cache folder is bounded (:data:`CACHE_MAX_BYTES`, least recently used first out).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from analysis.simplify import ALGORITHM_VERSION, simplify_for_view, view_scale
from analysis.view import area_mask
from loaders.schema import KEY_COLUMN

#: Where simplified layers are kept (git-ignored; safe to delete at any time).
CACHE_DIR = Path(__file__).resolve().parents[2] / "var" / "cache" / "simplified"
CACHE_MAX_BYTES = 256 * 1024 * 1024


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
    simplified = _cached(units, scale, shapes_key(source, level, province, commune), Path(cache_dir or CACHE_DIR))
    keys = units[KEY_COLUMN[level]].astype(str).to_numpy()
    return PreparedShapes(keys, simplified.geometry.to_numpy(), view_scale(scale).decimals)


def _cached(units: gpd.GeoDataFrame, scale: str, key: str, cache_dir: Path) -> gpd.GeoDataFrame:
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    target = cache_dir / f"simplified-{digest}.parquet"
    if target.exists():
        try:
            cached = gpd.read_parquet(target)
            os.utime(target)  # recently used: evicted last
            if len(cached) == len(units):
                return cached
        except (OSError, ValueError):
            pass  # a damaged entry is rebuilt
    result = simplify_for_view(units[[units.geometry.name]], scale)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(f".{os.getpid()}.tmp")
        result.to_parquet(temp, compression="zstd")
        os.replace(temp, target)
        evict(cache_dir)
    except OSError:
        pass  # a full or read-only disk only costs the next process the simplification
    return result


def evict(cache_dir: Path, max_bytes: int = CACHE_MAX_BYTES) -> None:
    """Remove the least recently used entries until the folder holds at most ``max_bytes``."""
    entries = []
    for path in cache_dir.glob("simplified-*"):
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((stat.st_mtime, stat.st_size, path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= max_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size


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
