"""Rendering: legends, the folium web map, static maps, tables, the standalone HTML and the format registry.

No Streamlit here (the CLI and the exports run without it). Only :mod:`dashboard.render.webmap` and
:mod:`dashboard.render.html` use folium; only :mod:`dashboard.render.static_map`, ``static_layout`` and
``atlas`` use matplotlib. Everything draws a :class:`dashboard.query.ShownView` as it is: no module here
classifies or filters again.
"""

__all__ = ["formats", "legend", "texts"]
