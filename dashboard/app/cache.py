"""The app's caches around the one query (:mod:`dashboard.query`): they wrap it, they never re-implement it.

Everything is keyed by the data source's ``key`` (a store version is its own directory; files are keyed by their
bytes), so an upload or a rollback never meets stale entries. Geometry is cached already simplified and encoded
per view scale, so switching indicator or period re-uses it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.indicators import INDICATORS, indicator_table
from analysis.view import ViewSpec
from dashboard import query
from dashboard.render.codec import encode_shapes, geojson_geometries
from loaders.schema import KEY_COLUMN, PERIOD
from loaders.settings import Settings, load_settings


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """The settings, read once per server (restart the app after editing ``settings.toml``)."""
    return load_settings()


@st.cache_resource(show_spinner=False)
def store():
    """The data store (a directory or PostGIS), one per server."""
    from loaders.store import open_store

    return open_store(settings())


def identity():
    """Who is reading (login off: the local operator, who sees everything)."""
    from loaders.store import identity_for

    return identity_for(None, settings())


def source_key() -> str:
    """The key of the data in use, resolved on every rerun (cheap: the store's token), so an upload applied on this
    or another server is seen at once; it includes the provinces the reader may see."""
    if settings()["data.pinned"]:
        return f"pinned:{settings()['data.pinned']}"
    provinces = identity().read_provinces
    return f"{store().token()}|{'all' if provinces is None else ','.join(sorted(provinces))}"


@st.cache_resource(show_spinner=False, max_entries=4)
def _source(key: str) -> query.DataSource:
    """One source object per dataset and reader, shared by the sessions (it keeps the frames it has read)."""
    from loaders.store import Identity

    if key.startswith("pinned:"):
        return query.DatasetSource(key.removeprefix("pinned:"))
    provinces = key.rsplit("|", 1)[1]
    reader = None if provinces == "all" else Identity(role="provincial_viewer", limit_reads=True,
                                                      provinces=frozenset(provinces.split(",")))
    return query.resolve_source(settings(), store=store(), identity=reader)


def source(key: str | None = None) -> query.DataSource:
    return _source(key or source_key())


@st.cache_data(show_spinner=False, max_entries=64)
def indicator_view(key: str, spec: ViewSpec) -> query.ShownView:
    return query.indicator_view(_source(key), spec, settings())


@st.cache_data(show_spinner=False, max_entries=32)
def gap_view(key: str, spec: ViewSpec) -> query.ShownView:
    return query.gap_view(_source(key), spec, settings())


@st.cache_data(show_spinner=False, max_entries=32)
def compare_views(key: str, spec: ViewSpec) -> query.Comparison:
    return query.compare_views(_source(key), spec, settings())


@st.cache_data(show_spinner=False, max_entries=24)
def web_shapes(key: str, level: str, province: str | None, commune: str | None):
    """(prepared shapes, unit key → encoded shape) of one view scale."""
    shapes = query.prepared_shapes(_source(key), level, province, commune if level == "hamlet" else None)
    return shapes, dict(zip(shapes.keys, encode_shapes(shapes.shapes, shapes.decimals)))


@st.cache_data(show_spinner=False, max_entries=32)
def area_outline(key: str, area: str, province: str | None) -> str | None:
    """One area class dissolved, as GeoJSON text."""
    shape = query.area_outline(_source(key), area, province)
    return None if shape is None else geojson_geometries([shape], 4 if province else 3)[0]


@st.cache_data(show_spinner=False, max_entries=8)
def province_borders(key: str, province: str | None) -> str | None:
    shape = query.province_borders(_source(key), province)
    return None if shape is None else geojson_geometries([shape], 4 if province else 3)[0]


@st.cache_data(show_spinner=False)
def periods(key: str) -> list[str]:
    return query.data_periods(_source(key))


@st.cache_data(show_spinner=False, max_entries=16)
def names(key: str, level: str, province: str | None = None) -> dict[str, str]:
    """Code → name of the units of ``level`` (in one province), sorted by name."""
    src = _source(key)
    if not src.has_level(level) and level != "province":
        return {}
    units = src.units(level if src.has_level(level) else src.levels()[0], province)
    column = KEY_COLUMN[level]
    pairs = units.drop_duplicates(column)[[column, f"{level}_name"]].astype(str).itertuples(index=False)
    return dict(sorted(pairs, key=lambda pair: pair[1]))


@st.cache_data(show_spinner=False, max_entries=64)
def unit_history(key: str, level: str, unit: str) -> pd.DataFrame:
    """All indicators of one unit for every period, oldest first (the details panel and its trend)."""
    stats = _source(key).stats(level)
    rows = stats[stats[KEY_COLUMN[level]].astype(str) == str(unit)]
    rows = rows.sort_values(PERIOD) if PERIOD in rows.columns else rows
    values = indicator_table(rows, list(INDICATORS), level)
    values.insert(0, PERIOD, rows[PERIOD].to_numpy() if PERIOD in rows.columns else None)
    counts = rows.drop(columns=[c for c in rows.columns if c == PERIOD or rows[c].dtype == object], errors="ignore")
    return pd.concat([values.reset_index(drop=True), counts.reset_index(drop=True)], axis=1)
