"""coverage-map's presentation side, split by role (see docs/ARCHITECTURE.md):

- :mod:`dashboard.query`: which data are active and what a view shows (rows, values, classes); no UI library.
- :mod:`dashboard.render`: legends, the folium web map, static maps, tables, HTML, the format registry.
- :mod:`dashboard.cli`: the ``coverage-map`` console script.
- :mod:`dashboard.app`: the Streamlit app (state, caches, pages, upload panel).
"""
