"""What is shown: which data are active, and the one query that turns a view into rows and classes.

No Streamlit, folium or matplotlib here. The app caches these functions; the CLI, the downloads and the atlases
call them as they are.
"""

from dashboard.query.geometry import PreparedShapes, area_outline, prepared_shapes, province_borders, scale_of
from dashboard.query.shown import (MAPS, Comparison, ShownView, ViewError, change_view, compare_views, data_periods,
                                   gap_view, has_data, indicator_view, period_coverage, resolve_spec,
                                   view_for_page)
from dashboard.query.sources import DatasetSource, DataSource, FileSource, StoreSource, resolve_source

__all__ = [
    "MAPS", "Comparison", "DataSource", "DatasetSource", "FileSource", "PreparedShapes", "ShownView", "StoreSource", "ViewError",
    "area_outline", "change_view", "compare_views", "data_periods", "gap_view", "has_data",
    "indicator_view", "period_coverage", "prepared_shapes", "province_borders", "resolve_source", "resolve_spec", "scale_of",
    "view_for_page",
]
