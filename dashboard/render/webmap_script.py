"""A folium element that is one piece of JavaScript, added to the page's script as it is (no Jinja compile).

The map elements of :mod:`dashboard.render.webmap_layers`, :mod:`webmap_labels` and :mod:`webmap_context` are
written as plain JavaScript with two placeholders: ``__MAP__`` (the map's variable, which streamlit-folium renames)
and ``__DATA__`` (script-safe JSON made here). Their scripts run after the choropleth's, so ``window.cmChoropleth``
(the unit layer) exists; they must not assume ``window.map``, which streamlit-folium sets only afterwards.
"""

from __future__ import annotations

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


class _RawScript(Element):
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
        JavaScript using ``__MAP__`` for the map and ``__DATA__`` for ``data``; wrapped in its own function.
    data : object
        JSON-serialisable data for the script.
    name : str
        Element name (stable, so the same view gives the same page).
    """

    # streamlit-folium renders each element's ``script`` macro itself (after renaming the map): it calls back here.
    _template = Template("{% macro script(this, kwargs) %}{{ this.script_text() }}{% endmacro %}")

    def __init__(self, js: str, data, name: str):
        super().__init__()
        self._name = name
        self._js = js
        self._data = data

    def script_text(self) -> str:
        """The element's script, for the map's current variable name."""
        data = self._data if isinstance(self._data, RawJson) else script_safe_json(self._data)
        text = self._js.replace("__MAP__", self._parent.get_name()).replace("__DATA__", data)
        return "(function() {\n" + HELPERS_JS + text + "\n})();\n"

    def render(self, **kwargs) -> None:
        self.get_root().script.add_child(_RawScript(self.script_text()), name=self.get_name())


def add_css(m, css: str, name: str) -> None:
    """A stylesheet in the map page's header (streamlit-folium copies the header into its frame)."""
    m.get_root().header.add_child(Element(f"<style>{css}</style>"), name=name)
