"""The lean folium choropleth used by the dashboard and the standalone HTML export (no streamlit here).

Why not ``folium.GeoJson(style_function=...)`` / ``Choropleth`` / ``gdf.explore()``: those evaluate a Python style
per feature into a JS switch over every feature id, send every attribute, add a branca colormap (which makes
streamlit-folium load d3 from a CDN) and load Leaflet, jQuery and Bootstrap from CDNs. Here:

* each feature carries only its key ``k``, name ``n``, class index ``c``, formatted value ``v`` and fraction ``f``,
  sent as columns (keys not repeated per feature); one JS style function maps ``c`` to a colour (``-1`` = no data,
  drawn hatched);
* geometry is expected already simplified for the view (``analysis.simplify``) and is sent delta-encoded on the
  view's coordinate grid (:func:`encode_shapes`, about half the bytes of rounded GeoJSON); the decoder
  (:data:`analysis.simplify.DECODER_JS`) runs inside the layer's own script, because streamlit-folium inserts the
  page header with innerHTML, where inline scripts do not run;
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
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from analysis.simplify import DECODER_JS, encode_geometries, encoded_collection, round_coordinates
from dashboard import offline
from dashboard.palettes import NO_DATA_COLOUR, NO_DATA_CSS, NO_DATA_HATCH

#: Properties every feature carries (see module docstring).
FEATURE_PROPERTIES = ("k", "n", "c", "v", "f")
#: Background of the map when no basemap is shown: reads as "sea/outside" next to the choropleth colours.
BACKGROUND = "#eef2f5"


@dataclass(frozen=True)
class Legend:
    """What the legend says. Plain strings: they are escaped when drawn.

    Attributes
    ----------
    title : str
        Indicator label.
    unit : str
        Unit shown after the title ("%", "người/1.000 dân").
    entries : sequence of (colour, label)
        One per class, in class order.
    no_data_label : str
        Label of the hatched "no data" swatch.
    notes : sequence of str
        Lines under the swatches: period, area, source, "Dữ liệu minh họa".
    lines : sequence of Outline
        Outlined areas, drawn as line swatches (:func:`choropleth_map` fills them from its ``outlines``).
    """

    title: str
    unit: str
    entries: Sequence[tuple[str, str]]
    no_data_label: str
    notes: Sequence[str] = ()
    lines: Sequence["Outline"] = ()


@dataclass(frozen=True)
class Outline:
    """A line-only overlay: e.g. the mountainous or island areas, dissolved to one geometry."""

    label: str
    geometry: str  # GeoJSON text (:func:`geometry_json`)
    colour: str
    dash: str | None = None
    weight: float = 2.5


@dataclass(frozen=True)
class TooltipLabels:
    """Fixed tooltip lines (escaped when drawn); per-feature text comes from the feature."""

    value: str
    fraction: str
    period: str


@dataclass
class MapStyle:
    """Presentation knobs: ``font_scale`` > 1 for projectors; border width by level."""

    font_scale: float = 1.0
    border_colour: str = "#ffffff"
    border_weight: float = 0.4
    fill_opacity: float = 0.85
    extra_css: list[str] = field(default_factory=list)


def script_safe_json(value) -> str:
    """Compact JSON that can sit inside ``<script>``: ``<``, ``>`` and ``&`` escaped as ``\\u003c`` etc."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def geometry_json(geometries, precision: int = 4) -> list[str]:
    """GeoJSON text of each geometry with coordinates rounded to ``precision`` decimals.

    Rounding (not snapping to a grid) keeps every vertex, so borders shared by neighbours stay shared.
    Cache the result per view scale: it is the expensive part of building a map.
    """
    return list(shapely.to_geojson(round_coordinates(geometries, precision)))


def feature_collection(geometries: Sequence[str], properties: Sequence[dict]) -> str:
    """A GeoJSON FeatureCollection as compact, script-safe text.

    Parameters
    ----------
    geometries : sequence of str
        GeoJSON geometry texts (:func:`geometry_json`).
    properties : sequence of dict
        One dict per geometry (keys of :data:`FEATURE_PROPERTIES`).
    """
    parts = [
        '{"type":"Feature","properties":' + script_safe_json(props) + ',"geometry":' + geometry + "}"
        for geometry, props in zip(geometries, properties)
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


def encode_shapes(geometries, decimals: int) -> list[str | None]:
    """Per geometry, the compact text :func:`choropleth_map` sends: cache this per view scale.

    Polygons are :func:`analysis.simplify.encode_geometries` text (integer deltas on a ``10**-decimals`` grid),
    other geometries (hamlet points) GeoJSON text; each is prefixed with ``"<decimals>:"`` so that the grid travels
    with the cached text to the map builder. ``None`` for a missing geometry.
    """
    return [None if text is None else f"{decimals}:{text}" for text in encode_geometries(geometries, decimals)]


def layer_collection(geometries: Sequence[str | None], properties: Sequence[dict]) -> str:
    """The choropleth layer's data: compact, script-safe text that ``cmDecode`` turns into a FeatureCollection.

    Parameters
    ----------
    geometries : sequence of str
        From :func:`encode_shapes`, or plain GeoJSON geometry texts (:func:`geometry_json`), which pass the
        decoder unchanged. All encoded ones must share one grid.
    properties : sequence of dict
        One dict per geometry (keys of :data:`FEATURE_PROPERTIES`); sent as columns, a missing key is ``null``.
    """
    grids, texts = set(), []
    for text in geometries:
        if text and text[0].isdigit():
            decimals, _, text = text.partition(":")
            grids.add(int(decimals))
        texts.append(text)
    if len(grids) > 1:
        raise ValueError(f"geometries encoded on different grids: {sorted(grids)} decimals")
    names = dict.fromkeys(name for props in properties for name in props)
    columns = {name: [props.get(name) for props in properties] for name in names}
    return encoded_collection(texts, columns, grids.pop() if grids else 0)


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
            if (p.f) { lines.push(esc(labels.fraction) + ': ' + esc(p.f)); }
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
