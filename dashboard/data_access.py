"""Cached access to the dataset and the analysis: the only place in the dashboard that caches.

Everything is keyed by the dataset directory, so an uploaded dataset (a new directory) never meets stale
entries. Geometry is cached already simplified and serialised per view scale, so switching indicator or period
re-uses it (SPEC §10: no reload of files, no re-simplification).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pandas as pd
import shapely
import streamlit as st

from analysis.aggregate import periods as stats_periods
from analysis.gaps import find_gaps
from analysis.indicators import INDICATORS, indicator_table
from analysis.simplify import cached_simplify, source_key, view_scale
from analysis.view import AREA_FILTERS, ViewSpec, area_mask, build_view_table, province_stats_for_areas
from dashboard.folium_map import encode_shapes, geometry_json
from loaders import dataset
from loaders.schema import KEY_COLUMN, PERIOD
from loaders.store import active_data_dir

#: Environment variable naming another dataset directory (tests, uploaded versions).
DATA_ENV = "COVERAGE_MAP_DATA"
#: Simplified geometry per source file and view scale (git-ignored ``var/``; safe to delete).
SIMPLIFIED_CACHE = Path(__file__).resolve().parents[1] / "var" / "cache" / "simplified"


def view_scale_name(province: str | None, commune: str | None = None) -> str:
    """The :mod:`analysis.simplify` scale of a view: the country, one province, or one commune's hamlets."""
    if commune:
        return "commune"
    return "province" if province else "national"


def data_dir() -> str:
    """The dataset directory in use: ``$COVERAGE_MAP_DATA``, else the store's active version (uploads), else the
    embedded demo data. Cheap; called on every rerun. Each version is its own directory, so the path is the cache
    key and an upload or a rollback never meets stale cache entries."""
    return str(os.environ.get(DATA_ENV) or active_data_dir())


@st.cache_data(show_spinner=False)
def metadata(directory: str) -> dict:
    """The dataset's ``metadata.json`` (sources, licences, demo flag, periods)."""
    return dataset.dataset_metadata(Path(directory))


def is_demo(directory: str) -> bool:
    """Whether the dataset says it is demo data ("dữ liệu minh họa")."""
    return bool(metadata(directory).get("demo"))


@st.cache_data(show_spinner=False, max_entries=16)
def unit_table(directory: str, level: str, province: str | None = None, commune: str | None = None) -> pd.DataFrame:
    """Units of ``level`` without geometry (names, codes, area classes)."""
    units = dataset.load_units(Path(directory), level, province_code=province, commune_code=commune)
    return pd.DataFrame(units.drop(columns=units.geometry.name))


@st.cache_data(show_spinner=False, max_entries=8)
def stats(directory: str, level: str) -> pd.DataFrame:
    """All periods of statistics at ``level``."""
    return dataset.load_stats(Path(directory), level)


def periods(directory: str) -> list[str]:
    """Periods with commune statistics, oldest first."""
    return list(stats_periods(stats(directory, "commune")))


def _simplified(directory: str, level: str, province: str | None, commune: str | None):
    """Units of one view and their geometry coverage-simplified for its scale (on-disk cache, no st cache)."""
    units = dataset.load_units(Path(directory), level, province_code=province, commune_code=commune)
    scale_name = view_scale_name(province, commune)
    # On-disk cache too: a restarted server draws its first map without re-simplifying (SPEC §10 cold start).
    source = Path(directory) / dataset.UNIT_FILES[level]
    key = f"{source_key(source)}|{level}|{province}|{commune}"
    return units, cached_simplify(units, scale_name, key, SIMPLIFIED_CACHE).geometry.to_numpy()


@st.cache_data(show_spinner=False, max_entries=24)
def map_geometries(directory: str, level: str, province: str | None = None,
                   commune: str | None = None) -> tuple[dict[str, str], tuple[float, ...]]:
    """Simplified geometry per unit key as the compact text the map sends (:func:`encode_shapes`), and the
    extent, for one view scale."""
    units, simplified = _simplified(directory, level, province, commune)
    shapes = encode_shapes(simplified, view_scale(view_scale_name(province, commune)).decimals)
    keys = units[KEY_COLUMN[level]].astype(str)
    return dict(zip(keys, shapes)), tuple(float(b) for b in units.total_bounds)


@st.cache_data(show_spinner=False, max_entries=24)
def unit_extents(directory: str, level: str, province: str | None = None,
                 commune: str | None = None) -> dict[str, tuple[float, ...]]:
    """(minx, miny, maxx, maxy) per unit key, to fit a filtered map to the units it shows."""
    units = dataset.load_units(Path(directory), level, province_code=province, commune_code=commune)
    bounds = units.geometry.bounds.to_numpy(dtype=float)
    return dict(zip(units[KEY_COLUMN[level]].astype(str), map(tuple, bounds.tolist())))


def shown_geometries(directory: str, level: str, keys, province: str | None = None,
                     commune: str | None = None) -> tuple[dict[str, str], tuple[float, ...]]:
    """The cached geometry of the units ``keys`` only, and the extent to show.

    A filtered view (fewer units than the layer) is fitted to the units it draws; the full layer keeps its own
    extent. The map builders then receive exactly the geometry they draw.
    """
    geometries, bounds = map_geometries(directory, level, province, commune)
    shown = {key: geometries[key] for key in map(str, keys) if key in geometries}
    if 0 < len(shown) < len(geometries):
        extents = unit_extents(directory, level, province, commune)
        boxes = [extents[key] for key in shown]
        bounds = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                  max(b[2] for b in boxes), max(b[3] for b in boxes))
    return shown, bounds


@st.cache_data(show_spinner=False, max_entries=32)
def area_outline(directory: str, area: str, province: str | None = None) -> str | None:
    """The communes of one area class (e.g. "mountainous") dissolved to one outline, as GeoJSON text."""
    units, simplified = _simplified(directory, "commune", province, None)
    chosen = simplified[area_mask(units, (area,)).to_numpy()]
    if len(chosen) == 0:
        return None
    # The cached communes are a coverage-simplified coverage: a coverage union dissolves them exactly (shared
    # edges are identical, so no slivers) and far faster than a plain overlay union.
    try:
        merged = shapely.coverage_union_all(chosen)
    except shapely.errors.GEOSException:  # units whose cleaning failed keep their own, overlapping shapes
        merged = shapely.union_all(chosen, grid_size=10.0 ** -view_scale(view_scale_name(province)).decimals)
    return geometry_json([merged], view_scale(view_scale_name(province)).decimals)[0]


@st.cache_data(show_spinner=False, max_entries=8)
def province_borders(directory: str, province: str | None = None) -> str:
    """Province borders as one MultiPolygon (GeoJSON text), drawn as light context lines behind a filtered map."""
    _, simplified = _simplified(directory, "province", province, None)
    parts = shapely.get_parts(simplified[shapely.get_type_id(simplified) != -1])
    borders = shapely.multipolygons(parts[shapely.get_type_id(parts) == 3])
    return geometry_json([borders], view_scale(view_scale_name(province)).decimals)[0]


def effective_spec(spec: ViewSpec) -> ViewSpec:
    """Hamlets are shown only inside a chosen province or commune; otherwise the commune map."""
    if spec.level == "hamlet" and not (spec.province or spec.commune):
        return replace(spec, level="commune")
    return spec


@st.cache_data(show_spinner=False, max_entries=64)
def view_table(directory: str, spec: ViewSpec) -> pd.DataFrame:
    """The rows shown for ``spec`` (:func:`analysis.view.build_view_table`), without geometry."""
    level = spec.level
    units = unit_table(directory, level, spec.province, spec.commune if level == "hamlet" else None)
    communes = unit_table(directory, "commune") if level in ("hamlet", "province") else None
    if level == "province" and spec.areas:
        level_stats = province_stats_for_areas(communes, stats(directory, "commune"), spec.areas)
    else:
        level_stats = stats(directory, level)
    return pd.DataFrame(build_view_table(units, level_stats, spec, communes=communes))


@st.cache_data(show_spinner=False, max_entries=32)
def gap_table(directory: str, spec: ViewSpec, indicator_keys: tuple[str, ...]) -> pd.DataFrame:
    """Every unit of the view with ``gap_score`` and reasons (non-gaps have score 0 and no reason)."""
    table = view_table(directory, spec)
    gaps = find_gaps(table, indicator_keys, level=spec.level, include_all=True)
    gaps["is_gap"] = gaps["gap_reasons"].map(len).astype(bool) if len(gaps) else pd.Series(dtype=bool)
    return gaps.drop(columns=["gap_reasons"])


@st.cache_data(show_spinner=False, max_entries=64)
def unit_history(directory: str, level: str, key: str) -> pd.DataFrame:
    """All indicators of one unit for every period, oldest first (the details panel and its trend)."""
    level_stats = stats(directory, level)
    rows = level_stats[level_stats[KEY_COLUMN[level]].astype(str) == str(key)]
    rows = rows.sort_values(PERIOD) if PERIOD in rows.columns else rows
    values = indicator_table(rows, list(INDICATORS), level)
    values.insert(0, PERIOD, rows[PERIOD].to_numpy() if PERIOD in rows.columns else None)
    counts = rows.drop(columns=[c for c in rows.columns if c == PERIOD or rows[c].dtype == object], errors="ignore")
    return pd.concat([values.reset_index(drop=True), counts.reset_index(drop=True)], axis=1)


def area_keys() -> tuple[str, ...]:
    """The one-click area filters (SPEC §4), in display order."""
    return tuple(AREA_FILTERS)
