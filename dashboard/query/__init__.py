"""What is shown: which data are active, and the one query that turns a view into rows and classes.

No Streamlit, folium or matplotlib here. The app caches these functions; the CLI, the downloads and the atlases
call them as they are.
"""

from dashboard.query.geometry import PreparedShapes, area_outline, prepared_shapes, province_borders, scale_of
from dashboard.query.shown import (MAPS, Comparison, ShownView, ViewError, change_view, compare_views, data_periods,
                                   gap_view, has_data, indicator_view, resolve_spec, view_for_page)
from dashboard.query.sources import DatasetSource, DataSource, FileSource, active_data_dir, resolve_source

__all__ = [
    "MAPS", "Comparison", "DataSource", "DatasetSource", "FileSource", "PreparedShapes", "ShownView", "ViewError",
    "active_data_dir", "area_outline", "change_view", "compare_views", "data_periods", "gap_view", "has_data",
    "indicator_view", "prepared_shapes", "province_borders", "resolve_source", "resolve_spec", "scale_of",
    "view_for_page",
]
