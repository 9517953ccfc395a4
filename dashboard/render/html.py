"""The interactive map as one self-contained HTML file that opens with no network.

It is the dashboard's own web map (:func:`dashboard.render.webmap.web_map`: same classes, colours, legend and
escaped tooltips) on the same prepared shapes (cached by content, so a second export of the same boundaries does
not simplify again), with the geometry file inline instead of by URL;
:func:`dashboard.render.offline.standalone_html` inlines the vendored Leaflet and our layer script and the
stylesheet. A title box names the indicator, area and period; the legend's notes carry the source and
"Dữ liệu minh họa" on demo data.
"""

from __future__ import annotations

import html

from branca.element import Element

from dashboard.query import ShownView
from dashboard.render import offline, texts
from dashboard.render.geofiles import geometry_layer
from dashboard.render.webmap import web_map
from dashboard.render.webmap_view import source_extras
from i18n import t

MIME = "text/html"


def _title_box(title: str, subtitle: str, demo: str) -> Element:
    """Title and subtitle in a fixed box at the top left (escaped: names come from data)."""
    badge = f"<span style='color:#b2182b;font-weight:600;margin-left:8px'>{html.escape(demo)}</span>" if demo else ""
    return Element(
        "<div id='cm-title' style='position:absolute;top:10px;left:54px;z-index:1000;background:rgba(255,255,255,.93);"
        "padding:6px 12px;border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.3);"
        "font:15px/1.35 system-ui,\"Segoe UI\",Arial,sans-serif;color:#222;max-width:60%'>"
        f"<div style='font-weight:700;font-size:17px'>{html.escape(title)}</div>"
        f"<div style='color:#555'>{html.escape(subtitle)}{badge}</div></div>"
    )


def standalone_html(view: ShownView, source, lang: str = "vi") -> str:
    """The view as one HTML document with Leaflet inlined; it loads nothing from the network."""
    spec = view.spec
    layer = geometry_layer(source, view.level, spec.province, spec.commune, inline=True)
    notes = [*texts.summary_notes(view, lang), texts.source_line(view.metadata, lang), texts.demo_notice(view, lang)]
    m = web_map(view, layer, lang, notes=[note for note in notes if note], extras=source_extras(view, source))
    title = texts.title(view, lang)
    root = m.get_root()
    root.title = title
    root.html.add_child(_title_box(title, texts.subtitle(view, lang), t("demo_badge", lang) if view.demo else ""),
                        name="cm_title")
    document = offline.standalone_html(m)
    return document.replace("<head>", f"<head><title>{html.escape(title)}</title>", 1)


def html_bytes(view: ShownView, source, lang: str = "vi") -> bytes:
    """:func:`standalone_html` as UTF-8 bytes, ready to write or download."""
    return standalone_html(view, source, lang).encode("utf-8")
