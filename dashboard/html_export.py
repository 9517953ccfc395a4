"""The interactive map as one self-contained HTML file that opens with no network.

The map is the dashboard's own (:func:`dashboard.map_view.indicator_map`: same classes, colours, legend and
escaped tooltips); :func:`dashboard.offline.standalone_html` inlines the vendored Leaflet script and stylesheet,
so the file can be mailed, put on a USB stick or opened in a meeting room without Internet. A title box names the
indicator, area and period; the legend's notes carry the source and "Dữ liệu minh họa" on demo data.
"""

from __future__ import annotations

import html

import numpy as np
import shapely
from branca.element import Element

from analysis.simplify import SCALES, simplify_geometries
from dashboard import offline
from dashboard.export_view import MapView
from dashboard.folium_map import encode_shapes
from dashboard.i18n import t
from dashboard.map_view import indicator_map
from loaders.schema import KEY_COLUMN

MIME = "text/html"


def view_scale(view: MapView) -> str:
    """The simplification scale of a view: the whole country, one province, or one commune."""
    if view.spec.commune:
        return "commune"
    return "province" if view.spec.province else "national"


def _title_box(view: MapView) -> Element:
    """Title and subtitle in a fixed box at the top left (escaped: names come from data)."""
    badge = (f"<span style='color:#b2182b;font-weight:600;margin-left:8px'>{html.escape(t('demo_badge', view.lang))}"
             "</span>") if view.demo else ""
    return Element(
        "<div id='cm-title' style='position:absolute;top:10px;left:54px;z-index:1000;background:rgba(255,255,255,.93);"
        "padding:6px 12px;border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.3);"
        "font:15px/1.35 system-ui,\"Segoe UI\",Arial,sans-serif;color:#222;max-width:60%'>"
        f"<div style='font-weight:700;font-size:17px'>{html.escape(view.title)}</div>"
        f"<div style='color:#555'>{html.escape(view.subtitle)}{badge}</div></div>"
    )


def standalone_html(view: MapView) -> str:
    """The view as one HTML document with Leaflet inlined.

    Parameters
    ----------
    view : MapView
        From :func:`dashboard.export_view.prepare_map_view` (or :func:`dashboard.export_data.map_view`).

    Returns
    -------
    str
        A complete HTML document; it loads nothing from the network.
    """
    table, spec = view.table, view.spec
    scale = view_scale(view)
    geometries = table.geometry.to_numpy()
    present = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    simplified = np.asarray(geometries, dtype=object).copy()
    if present.any():
        simplified[present] = simplify_geometries(geometries[present], scale)
    keys = table[KEY_COLUMN[spec.level]].astype(str)
    shapes = dict(zip(keys[present], encode_shapes(simplified[present], SCALES[scale].decimals)))
    bounds = shapely.total_bounds(geometries[present]) if present.any() else (102.1, 8.3, 109.5, 23.4)
    notes = [view.source_line, view.notice]
    m, _ = indicator_map(table, spec.level, shapes, bounds, spec.indicator, scheme=view.extra.get("scheme",
                         "quantiles"), k=view.extra.get("k", 5), lang=view.lang, notes=[n for n in notes if n])
    root = m.get_root()
    root.title = view.title
    root.html.add_child(_title_box(view), name="cm_title")
    document = offline.standalone_html(m)
    return document.replace("<head>", f"<head><title>{html.escape(view.title)}</title>", 1)


def html_bytes(view: MapView) -> bytes:
    """:func:`standalone_html` as UTF-8 bytes, ready to write or download."""
    return standalone_html(view).encode("utf-8")
