"""Leaflet served by the app itself, so maps draw with no network (SPEC §5 "Known trap").

folium points its maps at CDNs (Leaflet, jQuery, Bootstrap, awesome-markers) and streamlit-folium loads every
``default_js`` / ``default_css`` link of every element on the map, stopping at the first script that fails. With no
network the map is then blank. The assets we need are vendored from the npm registry under ``static/`` at the
repository root (with their LICENSE files) and served by Streamlit's static file serving at ``/app/static/``.

Our maps only need Leaflet and our own layer script (``static/coverage-map/choropleth.js``): the choropleth,
tooltips, legend and outlines are plain Leaflet code (no jQuery, no Bootstrap, no branca colormap and hence no d3).
Our script's URL carries a digest of its content, so a browser never runs an older copy against a newer app.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

import folium
from branca.element import Element

#: ``static/`` next to ``app.py``: Streamlit serves it at :data:`STATIC_URL` (``enableStaticServing``).
STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
STATIC_URL = "/app/static"

#: The only scripts and stylesheets our maps load (name, path under :data:`STATIC_DIR`), in loading order.
LOCAL_JS = (("leaflet", "leaflet/leaflet.js"), ("coverage_map", "coverage-map/choropleth.js"))
LOCAL_CSS = (("leaflet_css", "leaflet/leaflet.css"),)
#: Files that change with the app (ours): their URL carries a digest of their content.
VERSIONED = ("coverage-map/choropleth.js",)

_OFF_MACHINE = re.compile(r"^(https?:)?//", re.IGNORECASE)


def local_url(relative: str) -> str:
    """URL at which the app serves ``static/<relative>`` (with ``?v=<digest>`` for our own files)."""
    if relative in VERSIONED:
        return f"{STATIC_URL}/{relative}?v={_digest(relative)}"
    return f"{STATIC_URL}/{relative}"


@lru_cache(maxsize=None)
def _digest(relative: str) -> str:
    return hashlib.sha256((STATIC_DIR / relative).read_bytes()).hexdigest()[:12]


def localize(m: folium.Map) -> folium.Map:
    """Point the map's and every element's assets at the app's own static files.

    Parameters
    ----------
    m : folium.Map
        The map; changed in place (instance attributes, the folium classes are untouched).

    Returns
    -------
    folium.Map
        The same map, for chaining.

    Raises
    ------
    ValueError
        If an element on the map needs an asset that is not vendored: better a clear error in tests than a
        blank map in a meeting room with no network.
    """
    m.default_js = [(name, local_url(path)) for name, path in LOCAL_JS]
    m.default_css = [(name, local_url(path)) for name, path in LOCAL_CSS]
    for element in _walk(m):
        if element is m:
            continue
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if links:
                raise ValueError(f"{type(element).__name__} needs {attr} {links}: vendor it under static/ first")
    return m


def asset_links(m: folium.Map) -> tuple[list[str], list[str]]:
    """The js and css links a browser will load for ``m``, collected the way streamlit-folium does."""
    js, css = [], []
    for element in _walk(m):
        js.extend(src for _, src in getattr(element, "default_js", []) or [])
        css.extend(href for _, href in getattr(element, "default_css", []) or [])
    return list(dict.fromkeys(js)), list(dict.fromkeys(css))


def off_machine(links) -> list[str]:
    """The links that would leave the machine (absolute http(s) or protocol-relative URLs)."""
    return [link for link in links if _OFF_MACHINE.match(link)]


def standalone_html(m: folium.Map) -> str:
    """The map as one HTML file that opens offline: Leaflet's script and stylesheet inlined.

    Leaflet's marker and layer-control images are not inlined: our maps use neither.
    """
    m.default_js, m.default_css = [], []
    root = m.get_root()
    # A map rendered before (e.g. shown in the app) already holds <script src>/<link> tags in its header.
    for name, _ in LOCAL_JS + LOCAL_CSS:
        root.header._children.pop(name, None)
    css = "\n".join((STATIC_DIR / path).read_text(encoding="utf-8") for _, path in LOCAL_CSS)
    js = "\n".join((STATIC_DIR / path).read_text(encoding="utf-8") for _, path in LOCAL_JS)
    root.header.add_child(Element(f"<style>{css}</style>"), name="cm_inline_css", index=0)
    # Leaflet must run before the map script in the body; "</script" cannot occur in the minified source.
    root.header.add_child(Element(f"<script>{js}</script>"), name="cm_inline_js", index=1)
    html = root.render()
    localize(m)
    return html


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)
