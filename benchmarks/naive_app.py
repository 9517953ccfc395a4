"""The naive path of the browser benchmarks: the dashboard with the map sent whole on every rerun (before issue 16).

The same app, pages, data, query, legend and tooltips; only the map's transport is the old one: the component
carries the geometry inline (the standalone HTML's map) and draws one Leaflet path per unit, so every indicator
or period switch sends the whole map again and streamlit-folium remounts its frame. Run by
:class:`benchmarks.browser_kit.Server` from a temporary folder next to links to ``static/`` and ``dashboard/``
(Streamlit serves ``static/`` and finds the pages next to its main script), with websocket compression off as
before.
"""

from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

import dashboard
from dashboard.app import cache, components
from dashboard.app import state as S
from dashboard.render import geofiles, webmap

webmap.CANVAS_FROM = 10 ** 9  # plain Leaflet: one path per unit, whatever the number of units


@st.cache_resource(show_spinner=False, max_entries=8)
def _inline_layer(key: str, level: str, province, commune):
    return geofiles.geometry_layer(cache.source(key), level, province, commune, inline=True)


def web_map(key, view, lang, *, notes=(), lines=(), height=620, widget_key, returned=("last_active_drawing",),
            extras=None):
    spec = view.spec
    style = webmap.MapStyle(font_scale=1.6 if S.get("present") else 1.0,
                            border_weight=0.25 if view.level == "commune" and not spec.province else 0.6)
    layer = _inline_layer(key, view.level, spec.province, spec.commune if view.level == "hamlet" else None)
    # the same map and extra layers as the dashboard's, all in one document sent on every rerun
    m = webmap.web_map(view, layer, lang, notes=notes, outlines=lines, basemap=S.get("basemap"), style=style,
                       extras=extras)
    return st_folium(m, key=widget_key, height=height, use_container_width=True, returned_objects=list(returned))


components.web_map = web_map
APP = Path(dashboard.__file__).resolve().parents[1] / "app.py"
exec(compile(APP.read_text(encoding="utf-8"), str(APP), "exec"))
