"""The lean folium choropleth used by the dashboard and the standalone HTML export (no streamlit here).

Why not ``folium.GeoJson(style_function=...)`` / ``Choropleth`` / ``gdf.explore()``: those evaluate a Python style
per feature into a JS switch over every feature id, send every attribute, add a branca colormap (which makes
streamlit-folium load d3 from a CDN) and load Leaflet, jQuery and Bootstrap from CDNs. Here:

* each feature carries only its key ``k``, name ``n``, class index ``c``, formatted value ``v`` and fraction ``f``,
  sent as columns (keys not repeated per feature); one JS style function maps ``c`` to a colour (``-1`` = no data,
  drawn hatched);
* geometry is expected already simplified for the view (:mod:`dashboard.query.geometry`) and is sent
  delta-encoded on the view's coordinate grid (:mod:`dashboard.render.codec`); the decoder runs inside the
  layer's own script, because streamlit-folium inserts the page header with innerHTML, where inline scripts do
  not run;
* the map uses the canvas renderer; no basemap unless asked (the online one needs the Internet);
* the legend is plain HTML in a Leaflet control; all text from data is escaped (names in JS, labels in Python);
* assets are served by the app itself (:mod:`dashboard.offline`).

Clicking a unit outlines it in the browser (no rerun needed); streamlit-folium returns the clicked feature, whose
``properties.k`` is the unit key.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field, replace
from typing import Sequence

import folium
import numpy as np
from branca.element import Element, MacroElement
from jinja2 import Template

from dashboard.query import PreparedShapes, ShownView
from dashboard.render import offline
from dashboard.render.codec import DECODER_JS, feature_collection, layer_collection, script_safe_json
from dashboard.render.legend import Legend, Outline, TooltipLabels, legend_of, tooltip_labels, unit_names, unit_texts
from dashboard.render.palettes import NO_DATA_COLOUR, NO_DATA_CSS, NO_DATA_HATCH
from dashboard.render.webmap_view import MapExtras, add_extras

#: Properties every feature carries (see module docstring).
FEATURE_PROPERTIES = ("k", "n", "c", "v", "f")
#: Background of the map when no basemap is shown: reads as "sea/outside" next to the choropleth colours.
BACKGROUND = "#eef2f5"


@dataclass
class MapStyle:
    """Presentation knobs: ``font_scale`` > 1 for projectors; border width by level."""

    font_scale: float = 1.0
    border_colour: str = "#ffffff"
    border_weight: float = 0.4
    fill_opacity: float = 0.85
    extra_css: list[str] = field(default_factory=list)


def legend_html(legend: Legend) -> str:
    """The legend as escaped HTML (swatches, class labels, a hatched "no data" swatch, notes)."""
    esc = html.escape
    title = esc(legend.title) + (f" <span class='cm-unit'>({esc(legend.unit)})</span>" if legend.unit else "")
    rows = [
        f"<div class='cm-row'><i style='background:{esc(colour)}'></i>{esc(label)}</div>"
        for colour, label in legend.entries
    ]
    rows.append(f"<div class='cm-row'><i style='background:{NO_DATA_CSS}'></i>{esc(legend.no_data_label)}</div>")
    for line in legend.lines:
        border = f"{line.weight:g}px {'dashed' if line.dash else 'solid'} {esc(line.colour)}"
        rows.append(f"<div class='cm-row'><i class='cm-line' style='border:{border}'></i>{esc(line.label)}</div>")
    notes = "".join(f"<div class='cm-note'>{esc(note)}</div>" for note in legend.notes if note)
    return f"<div class='cm-title'>{title}</div>{''.join(rows)}{notes}"


def _css(style: MapStyle) -> str:
    size = round(13 * style.font_scale)
    return (
        "<style>"
        f".leaflet-container{{background:{BACKGROUND};}}"
        f".cm-legend{{background:rgba(255,255,255,.93);padding:8px 10px;border-radius:6px;font:{size}px/1.35 "
        "system-ui,'Segoe UI',Arial,sans-serif;color:#222;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:22em;}"
        ".cm-legend .cm-title{font-weight:600;margin-bottom:4px;}.cm-legend .cm-unit{font-weight:400;}"
        f".cm-legend i{{display:inline-block;width:{size * 1.6:.0f}px;height:{size:.0f}px;margin-right:6px;"
        "vertical-align:middle;border:1px solid #999;}"
        ".cm-legend .cm-note{margin-top:4px;color:#555;}.cm-legend i.cm-line{background:transparent;}"
        f".cm-tip{{font-size:{size}px;}}"
        + "".join(style.extra_css)
        + "</style>"
    )


class _RenderedText(Element):
    """Text that is already rendered.

    branca wraps each element's rendered script in ``Element(text)``, which compiles the text as a Jinja
    template: seconds for a few MB of GeoJSON, twice per map in streamlit-folium. This element skips that.
    """

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


class _ScriptElement(MacroElement):
    """A MacroElement with only a ``script`` macro, added to the page without a Jinja re-compile."""

    def render(self, **kwargs) -> None:
        script = self._template.module.script(self, kwargs)
        self.get_root().script.add_child(_RenderedText(script), name=self.get_name())


class LeanChoropleth(_ScriptElement):
    """A choropleth layer: features with class indices, one JS style function, escaped tooltips."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
          var map = {{ this._parent.get_name() }};
          var colours = {{ this.colours_json }};
          var labels = {{ this.labels_json }};
          var esc = function(s) {
            return String(s == null ? '' : s).replace(/[&<>"']/g, function(ch) {
              return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[ch];
            });
          };
          var noData = (function() {
            if (!map.options.preferCanvas) { return '{{ this.no_data_colour }}'; }
            var c = document.createElement('canvas'); c.width = c.height = 8;
            var x = c.getContext('2d'); x.fillStyle = '{{ this.no_data_colour }}'; x.fillRect(0, 0, 8, 8);
            x.strokeStyle = '{{ this.no_data_hatch }}'; x.lineWidth = 1.2;
            x.beginPath(); x.moveTo(-1, 9); x.lineTo(9, -1); x.stroke();
            return x.createPattern(c, 'repeat');
          })();
          var base = {color: '{{ this.style.border_colour }}', weight: {{ this.style.border_weight }},
                      opacity: 0.9, fillOpacity: {{ this.style.fill_opacity }}};
          var styleOf = function(f) {
            var c = f.properties.c;
            return L.extend({}, base, {fillColor: c >= 0 ? colours[c] : noData});
          };
          var tip = function(p) {
            var lines = ['<b>' + esc(p.n) + '</b>', esc(labels.value) + ': <b>' + esc(p.v) + '</b>'];
            if (p.f) { lines.push(esc(labels.detail) + ': ' + esc(p.f)); }
            if (labels.period) { lines.push(esc(labels.period)); }
            return lines.join('<br>');
          };
          var selected = null;
          // The decoder sits in this script: streamlit-folium inserts the page header with innerHTML.
          var layer = L.geoJson((function() { {{ this.decoder }} return cmDecode({{ this.data }}); })(), {
            style: styleOf,
            // Hamlets known only by a point: a circle, styled like the polygons.
            pointToLayer: function(f, latlng) { return L.circleMarker(latlng, {radius: 7}); },
            onEachFeature: function(f, l) {
              l.bindTooltip(function() { return tip(f.properties); }, {sticky: true, className: 'cm-tip'});
              l.on('mouseover', function(e) { if (e.target !== selected) { e.target.setStyle({weight: 2, color: '#333'}); } });
              l.on('mouseout', function(e) { if (e.target !== selected) { layer.resetStyle(e.target); } });
              l.on('click', function(e) {
                if (selected) { layer.resetStyle(selected); }
                selected = e.target; selected.setStyle({weight: 3.5, color: '#000'}); selected.bringToFront();
              });
            }
          }).addTo(map);
          window.cmChoropleth = layer;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, data: str, colours: Sequence[str], labels: TooltipLabels, style: MapStyle):
        super().__init__()
        self._name = "LeanChoropleth"
        self.data = data
        self.decoder = DECODER_JS
        self.colours_json = script_safe_json(list(colours))
        self.labels_json = script_safe_json(labels.__dict__)
        self.style = style
        self.no_data_colour = NO_DATA_COLOUR
        self.no_data_hatch = NO_DATA_HATCH


class HtmlLegend(_ScriptElement):
    """The legend as a Leaflet control holding escaped HTML (no branca colormap, hence no d3)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
          var legend = L.control({position: '{{ this.position }}'});
          legend.onAdd = function() {
            var div = L.DomUtil.create('div', 'cm-legend');
            div.innerHTML = {{ this.html_json }};
            L.DomEvent.disableClickPropagation(div);
            return div;
          };
          legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, legend: Legend, position: str = "bottomright"):
        super().__init__()
        self._name = "HtmlLegend"
        self.html_json = script_safe_json(legend_html(legend))
        self.position = position


class MetricScale(_ScriptElement):
    """A scale bar in metres and kilometres only (folium's ``control_scale`` adds miles too)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, maxWidth: 160}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


class OutlineLayer(_ScriptElement):
    """Line-only overlays that let clicks through to the choropleth underneath."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.geoJson({{ this.data }}, {interactive: false, style: function(f) { return f.properties; }})
          .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, outlines: Sequence[Outline]):
        super().__init__()
        self._name = "OutlineLayer"
        props = [
            {"color": o.colour, "weight": o.weight, "dashArray": o.dash, "fill": False, "opacity": 0.95}
            for o in outlines
        ]
        self.data = feature_collection([o.geometry for o in outlines], props)


def choropleth_map(
    geometries: Sequence[str],
    bounds: Sequence[float],
    properties: Sequence[dict],
    colours: Sequence[str],
    legend: Legend,
    tooltip: TooltipLabels,
    *,
    outlines: Sequence[Outline] = (),
    basemap: bool = False,
    style: MapStyle | None = None,
) -> folium.Map:
    """Build the lean choropleth map.

    Parameters
    ----------
    geometries : sequence of str
        Geometry texts simplified for the view, EPSG:4326: :func:`encode_shapes` (what the dashboard caches), or
        rounded GeoJSON (:func:`geometry_json`).
    bounds : (minx, miny, maxx, maxy)
        Extent to show first.
    properties : sequence of dict
        Per feature: ``k`` key, ``n`` name, ``c`` class index (−1 = no data), ``v`` formatted value,
        ``f`` formatted "numerator / denominator" (may be empty).
    colours : sequence of str
        Colour of each class.
    legend, tooltip : Legend, TooltipLabels
    outlines : sequence of Outline
        Area classes to outline on top (mountainous, island, ...).
    basemap : bool
        Add the online OpenStreetMap tiles (needs the Internet; off by default).
    style : MapStyle, optional

    Returns
    -------
    folium.Map
        With local assets only (:func:`dashboard.offline.localize`).
    """
    style = style or MapStyle()
    # keyboard=False: Leaflet focuses the map on mouse-down for arrow-key panning; in streamlit-folium's iframe
    # that focus scrolls a partly hidden map into view between press and release, and the click lands on a
    # neighbouring unit.
    m = folium.Map(location=None, tiles=None, prefer_canvas=True, control_scale=False, zoom_snap=0.25,
                   keyboard=False)
    # A fixed name instead of folium's random one: the same view gives the same file (every map is drawn in its
    # own document, so names never meet).
    m._id = "coverage_map"
    if basemap:
        folium.TileLayer("OpenStreetMap", opacity=0.6).add_to(m)
    m.get_root().header.add_child(Element(_css(style)), name="cm_css")
    m.add_child(LeanChoropleth(layer_collection(geometries, properties), colours, tooltip, style))
    if outlines:
        m.add_child(OutlineLayer(outlines))
    m.add_child(HtmlLegend(replace(legend, lines=tuple(outlines))))
    m.add_child(MetricScale())
    if len(bounds) == 4 and np.all(np.isfinite(bounds)):
        minx, miny, maxx, maxy = (float(b) for b in bounds)
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return offline.localize(m)


def _feature_properties(view: ShownView, rows, lang: str) -> list[dict]:
    """The few properties each feature carries: key, name, class, value text, detail text."""
    values, details = unit_texts(view, lang)
    keys, names = view.keys(), unit_names(view.table, view.level)
    class_of = np.asarray(view.classification.class_of)
    return [{"k": keys[i], "n": names[i], "c": int(class_of[i]), "v": values[i], "f": details[i]} for i in rows]


def web_map(view: ShownView, shapes: PreparedShapes, encoded: dict[str, str], lang: str = "vi", *,
            notes=(), outlines=(), basemap: bool = False, style: MapStyle | None = None,
            fit_to_view: bool = True, extras: MapExtras | None = None) -> folium.Map:
    """The folium map of a shown view: its classes, legend and tooltips, on the prepared shapes.

    Parameters
    ----------
    view : ShownView
    shapes : PreparedShapes
        The simplified units of the view's scale (their ``bounds`` frame the map).
    encoded : dict of str to str
        Unit key → encoded shape (:func:`dashboard.render.codec.encode_shapes`), cached per scale.
    notes : sequence of str
        Lines under the legend (period, place, "Dữ liệu minh họa").
    fit_to_view : bool
        Frame the units shown (a filtered view) rather than the whole layer.
    extras : MapExtras, optional
        Surroundings, names, bubbles, the chosen unit (:mod:`dashboard.render.webmap_view`); the map is always
        framed clear of its legend and tiny islands always get a dot.
    """
    keys = view.keys()
    rows = [i for i, key in enumerate(keys) if key in encoded]
    properties = _feature_properties(view, rows, lang)
    geometries = [encoded[keys[i]] for i in rows]
    bounds = shapes.bounds([keys[i] for i in rows] if fit_to_view and len(rows) < len(shapes.keys) else None)
    legend = legend_of(view, lang, notes, tuple(outlines))
    m = choropleth_map(geometries, bounds, properties, legend.colours, legend, tooltip_labels(view, lang),
                       outlines=outlines, basemap=basemap, style=style)
    add_extras(m, view, shapes, lang, extras, bounds)
    return m
