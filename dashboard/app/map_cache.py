"""Caches around the queries the map's extra layers, the search box and the KPI deltas use.

Kept apart from :mod:`dashboard.app.cache` (the view and geometry caches), keyed the same way: by the data
source's key, so an upload or a rollback never meets stale entries.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.view import ViewSpec
from dashboard.app import cache
from dashboard.query import ShownView
from dashboard.query.context import MapContext, map_context
from dashboard.query.geometry import scale_of
from dashboard.query.labels import label_points
from dashboard.query.previous import previous_view
from dashboard.query.search import search_units, unit_index
from dashboard.render.webmap_labels import label_scope
from dashboard.render.webmap_view import MapExtras, layer_shapes
from loaders.errors import LoaderError


@st.cache_resource(show_spinner=False, max_entries=8)
def context(key: str, scale: str) -> MapContext:
    return map_context(cache.source(key), scale)


@st.cache_data(show_spinner=False, max_entries=64)
def labels(key: str, level: str, province: str | None, commune: str | None) -> pd.DataFrame | None:
    try:
        return label_points(cache.source(key), level, province, commune)
    except LoaderError:  # a source without province codes: the map has no names, it still draws
        return None


@st.cache_resource(show_spinner=False, max_entries=4)
def _index(key: str) -> pd.DataFrame:
    return unit_index(cache.source(key))


@st.cache_data(show_spinner=False, max_entries=256)
def search(key: str, text: str, limit: int = 12) -> pd.DataFrame:
    """Units whose name matches ``text`` (with or without diacritics), best first."""
    return search_units(_index(key), text, limit)


@st.cache_data(show_spinner=False, max_entries=32)
def previous(key: str, spec: ViewSpec) -> ShownView | None:
    """The same view one period earlier (the KPI cards' change), or None."""
    return previous_view(cache.source(key), cache.indicator_view(key, spec), cache.settings())


@st.cache_resource(show_spinner=False, max_entries=16)
def _shapes(key: str, level: str, province: str | None, commune: str | None):
    return layer_shapes(cache.source(key), level, province, commune)


def extras(key: str, spec: ViewSpec, *, font_scale: float = 1.0, bubbles: str | None = None,
           highlight=()) -> MapExtras:
    """The extra layers of a view's web map, from the caches above."""
    scope = label_scope(spec)
    neighbours = None
    if spec.province:  # the provinces around a province map, named in grey
        provinces = labels(key, "province", None, None)
        neighbours = None if provinces is None else provinces[provinces["key"] != spec.province]
    return MapExtras(context=context(key, scale_of(spec.province, spec.commune, spec.level)),
                     labels=labels(key, *scope), bubbles=bubbles, highlight=tuple(k for k in highlight if k),
                     font_scale=font_scale, neighbours=neighbours,
                     shapes=_shapes(key, spec.level, spec.province, spec.commune if spec.level == "hamlet" else None))
