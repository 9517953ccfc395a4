"""A folium element that is one piece of JavaScript, added to the page's script as it is (no Jinja compile).

The map elements of :mod:`dashboard.render.webmap_layers`, :mod:`webmap_labels` and :mod:`webmap_context` are
written as plain JavaScript with three placeholders: ``__MAP__`` (the map's variable, which streamlit-folium
renames), ``__GROUP__`` (where the element's layers go: the view's feature group in the app, which
streamlit-folium removes when the next view's values arrive; the map itself in an exported page) and ``__DATA__``
(script-safe JSON made here).

A view's element runs through ``CM.whenShown`` (``static/coverage-map/choropleth.js``): once the units are drawn
with the view's values, so ``window.cmChoropleth`` holds them coloured; what it sets up beyond its layers
(handlers, controls, panes) it undoes in ``CM.beforeNextView``. An element of the map itself (the surroundings)
runs at once.
"""

from __future__ import annotations

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from dashboard.render.codec import script_safe_json

#: JavaScript helpers shared by the elements: the unit layers by key, and the boxes the map must keep clear.
HELPERS_JS = """
var cmUnits = function() {
  var byKey = {};
  if (window.cmChoropleth) {
    window.cmChoropleth.eachLayer(function(l) { if (l.feature) { byKey[l.feature.properties.k] = l; } });
  }
  return byKey;
};
var cmBoxes = function(map) {
  /* Boxes (container pixels) of the map's controls and of a title box laid over the map. */
  var c = map.getContainer().getBoundingClientRect(), boxes = [];
  var add = function(el) {
    var r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) {
      boxes.push({l: r.left - c.left, t: r.top - c.top, r: r.right - c.left, b: r.bottom - c.top});
    }
  };
  var controls = map.getContainer().querySelectorAll('.leaflet-control');
  for (var i = 0; i < controls.length; i++) { add(controls[i]); }
  var title = document.getElementById('cm-title');
  if (title) { add(title); }
  return boxes;
};
"""


class RawJson(str):
    """Data already serialised as script-safe JSON (e.g. :func:`dashboard.render.codec.feature_collection`)."""


class RenderedText(Element):
    """Text that is already rendered.

    branca wraps each element's rendered script in ``Element(text)``, which compiles the text as a Jinja
    template: seconds for a few MB of GeoJSON, twice per map in streamlit-folium. This element skips that.
    """

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


class MapScript(MacroElement):
    """One script on a folium map.

    Parameters
    ----------
    js : str
        JavaScript using ``__MAP__``, ``__GROUP__`` and ``__DATA__`` (see the module docstring).
    data : object
        JSON-serialisable data for the script.
    name : str
        Element name (stable, so the same view gives the same page).
    of_view : bool
        Run once the view's values are drawn (default), or at once (an element of the map itself).
    """

    # streamlit-folium renders each element's ``script`` macro itself (after renaming the map): it calls back here.
    _template = Template("{% macro script(this, kwargs) %}{{ this.script_text() }}{% endmacro %}")

    def __init__(self, js: str, data, name: str, *, of_view: bool = True):
        super().__init__()
        self._name = name
        self._js = js
        self._data = data
        self._of_view = of_view

    def _map_name(self) -> str:
        parent = self._parent
        while parent is not None and not isinstance(parent, folium.Map):
            parent = getattr(parent, "_parent", None)
        return (parent or self._parent).get_name()

    def script_text(self) -> str:
        """The element's script, for the map's current variable name."""
        data = self._data if isinstance(self._data, RawJson) else script_safe_json(self._data)
        text = (self._js.replace("__MAP__", self._map_name()).replace("__GROUP__", self._parent.get_name())
                .replace("__DATA__", data))
        if self._of_view:
            return "CM.whenShown(function() {\n" + HELPERS_JS + text + "\n});\n"
        return "(function() {\n" + HELPERS_JS + text + "\n})();\n"

    def render(self, **kwargs) -> None:
        self.get_root().script.add_child(RenderedText(self.script_text()), name=self.get_name())


def add_css(m, css: str, name: str) -> None:
    """A stylesheet in the map page's header (streamlit-folium copies the header into its frame)."""
    m.get_root().header.add_child(Element(f"<style>{css}</style>"), name=name)
