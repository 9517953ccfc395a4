"""The lean folium choropleth used by the dashboard and the standalone HTML export (no streamlit here).

Why not ``folium.GeoJson(style_function=...)`` / ``Choropleth`` / ``gdf.explore()``: those evaluate a Python style
per feature into a JS switch over every feature id, send every attribute, add a branca colormap (which makes
streamlit-folium load d3 from a CDN) and load Leaflet, jQuery and Bootstrap from CDNs. Here:

* the **geometry** of a layer (units of one level and place, simplified for its scale, keys and names) is a file
  the browser fetches once by URL (:mod:`dashboard.render.geofiles`), or inline in an exported page;
* a **view** only sends values (:func:`view_values`): one character per unit for its class (``-`` no data, drawn
  hatched; a space for a unit the filters hide), the tooltip texts of the units shown, the legend as escaped
  HTML, the outlines (by URL) and the frame;
* in the app the map itself (:func:`base_map`: Leaflet, the layer's URL, the style) does not change with the
  indicator, period, scheme or classes, so streamlit-folium keeps its frame and only evaluates the values,
  passed as its ``feature_group_to_add`` (:func:`app_map`): no geometry is sent again, zoom and centre stay;
* the layer is drawn by ``static/coverage-map/choropleth.js`` (one Leaflet path per unit, or one canvas for
  large layers such as every hamlet of the country); no basemap unless asked (the online one needs the
  Internet); all text from data is escaped (names in JS, labels in Python);
* assets are served by the app itself (:mod:`dashboard.render.offline`).

Clicking a unit outlines it in the browser (no rerun needed); streamlit-folium returns the clicked feature, whose
``properties.k`` is the unit key.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass, field
from typing import Sequence

import folium
import numpy as np
from branca.element import Element, MacroElement
from jinja2 import Template

from dashboard.query import ShownView
from dashboard.query.hamlets import approximate_rows
from dashboard.render import offline
from dashboard.render.codec import DECODER_JS, script_safe_json
from dashboard.render.geofiles import GeometryLayer, publish_text
from dashboard.render.legend import Legend, Outline, legend_of, tooltip_labels, unit_texts
from dashboard.render.palettes import NO_DATA_COLOUR, NO_DATA_CSS, NO_DATA_HATCH
from dashboard.render.webmap_script import RenderedText
from dashboard.render.webmap_view import MapExtras, map_css, map_layers, view_layers
from i18n import t

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


class _ScriptElement(MacroElement):
    """A MacroElement with only a ``script`` macro, added to the page without a Jinja re-compile."""

    def render(self, **kwargs) -> None:
        script = self._template.module.script(self, kwargs)
        self.get_root().script.add_child(RenderedText(script), name=self.get_name())


class ChoroplethLayer(_ScriptElement):
    """The map's choropleth layer: its geometry by URL (or inline) and its style; the values come apart."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.decoder }}
        CM.layer({{ this._parent.get_name() }}, {{ this.spec }});
        {% endmacro %}
        """
    )

    def __init__(self, layer: GeometryLayer, style: MapStyle, lang: str = "vi"):
        super().__init__()
        self._name = "ChoroplethLayer"
        self.decoder = DECODER_JS
        source = {"url": layer.url} if layer.url else {"data": "__DATA__"}
        spec = script_safe_json({
            "source": source, "canvas": len(layer) >= CANVAS_FROM, "frame": layer.frame(),
            "failed": t("map.geometry_failed", lang),
            "style": {"border": style.border_colour, "weight": style.border_weight, "opacity": style.fill_opacity,
                      "noData": NO_DATA_COLOUR, "hatch": NO_DATA_HATCH},
        })
        # The inline file is already script-safe JSON text: put it in as it is (it can be several MB).
        self.spec = spec.replace('"__DATA__"', layer.data) if layer.data else spec


class ViewValues(_ScriptElement):
    """The values of one view (:func:`view_values`), applied to the map's layer by ``CM.show``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        CM.show({{ this.values }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, values: dict):
        super().__init__()
        self._name = "ViewValues"
        self.values = script_safe_json(values)


class MetricScale(_ScriptElement):
    """A scale bar in metres and kilometres only (folium's ``control_scale`` adds miles too)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, maxWidth: 160}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


#: From this many units a layer is drawn on one canvas (filled by class, a grid index for the mouse) instead of
#: one Leaflet path per unit: every hamlet of the country (~67,000) draws in about a second that way.
CANVAS_FROM = 10_000
#: Classes as one character each: 0-9 then a-z (a view has at most 7; gaps and changes a few more).
_CLASS_CHARS = np.array(list("0123456789abcdefghijklmnopqrstuvwxyz"))


def base_map(layer: GeometryLayer, lang: str = "vi", *, basemap: bool = False, style: MapStyle | None = None,
             extras: MapExtras | None = None) -> folium.Map:
    """The map without a view's values: Leaflet, the layer (its geometry by URL or inline), scale bar, style.

    In the app it is the same for every indicator, period, scheme and number of classes of a level and place,
    so streamlit-folium keeps the map (and its zoom) and only applies new values.

    Parameters
    ----------
    layer : GeometryLayer
        The units (:func:`dashboard.render.geofiles.geometry_layer`); the map is fitted to all of them.
    lang : str
        Language of the map's own message (the geometry could not be loaded).
    basemap : bool
        Add the online OpenStreetMap tiles (needs the Internet; off by default).
    style : MapStyle, optional
    extras : MapExtras, optional
        Its surroundings (sea, neighbours, Vietnam's land) are drawn with the map; the rest goes with each view.

    Returns
    -------
    folium.Map
        With local assets only (:func:`dashboard.render.offline.localize`).
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
    sea_css, surroundings = map_layers(extras, layer.frame(), inline=layer.url is None)
    css = _css(style).replace("</style>", map_css(style.font_scale) + sea_css + "</style>")
    m.get_root().header.add_child(Element(css), name="cm_css")
    for element in surroundings:
        m.add_child(element)
    m.add_child(ChoroplethLayer(layer, style, lang))
    m.add_child(MetricScale())
    minx, miny, maxx, maxy = layer.frame()
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return offline.localize(m)


def view_values(view: ShownView, layer: GeometryLayer, lang: str = "vi", *, notes: Sequence[str] = (),
                outlines: Sequence[Outline] = (), inline: bool = False) -> dict:
    """What a view sends to the map: classes in the layer's order, tooltip texts, legend, outlines, frame.

    Parameters
    ----------
    view : ShownView
    layer : GeometryLayer
        The layer the view is drawn on (its units' order; units the view does not show are hidden).
    notes : sequence of str
        Lines under the legend (period, place, "Dữ liệu minh họa").
    outlines : sequence of Outline
        Area classes to outline on top; sent by URL (published once) or, with ``inline``, as GeoJSON.

    Returns
    -------
    dict
        ``c`` (one character per unit of the layer), ``v`` and ``f`` (tooltip value and detail of each unit
        shown, in the layer's order), ``colours``, ``tip`` (fixed tooltip lines), ``legend`` (escaped HTML),
        ``outlines``, ``frame`` (extent of the units shown), ``marks`` (the points of hamlet areas made from
        points) and ``id`` (a digest of the rest).
    """
    keys = view.keys()
    positions = layer.positions_of(keys)
    rows = np.flatnonzero(positions >= 0)
    # One entry per unit of the layer, in its order (a repeated key would shift every text after it).
    _, first = np.unique(positions[rows], return_index=True)
    rows = rows[first]
    classes = np.asarray(view.classification.class_of)[rows]
    chars = np.full(len(layer), " ", dtype="<U1")
    chars[positions[rows]] = np.where(classes < 0, "-", _CLASS_CHARS[np.clip(classes, 0, None)])
    values, details = unit_texts(view, lang)
    legend = legend_of(view, lang, notes, tuple(outlines))
    result = {
        "c": "".join(chars),
        "v": [values[i] for i in rows],
        "f": [details[i] for i in rows],
        "colours": legend.colours,
        "tip": tooltip_labels(view, lang).__dict__,
        "legend": legend_html(legend),
        "outlines": [{"source": {"data": json.loads(o.geometry)} if inline
                      else {"url": publish_text(o.geometry, "outline")},
                      "style": {"color": o.colour, "weight": o.weight, "dashArray": o.dash, "fill": False,
                                "opacity": 0.95}} for o in outlines],
        "frame": layer.frame(positions[rows]) if len(rows) else None,
        "marks": _marks(view, rows),
    }
    result["id"] = hashlib.sha1(script_safe_json(result).encode()).hexdigest()[:12]
    return result


def _marks(view: ShownView, rows: np.ndarray) -> list[list[float]]:
    """Where the hamlets really are when their areas were made from their points (issue 11): [lon, lat] each."""
    marked = approximate_rows(view.table)[rows]
    if not marked.any():
        return []
    lon = view.table["point_lon"].to_numpy(float)[rows][marked]
    lat = view.table["point_lat"].to_numpy(float)[rows][marked]
    return [[round(x, 6), round(y, 6)] for x, y in zip(lon, lat)]


def view_group(view: ShownView, layer: GeometryLayer, lang: str = "vi", *, notes=(), outlines=(),
               extras: MapExtras | None = None, inline: bool = False) -> folium.FeatureGroup:
    """A view on a map: its values, then its names, tiny-island dots, bubbles, chosen unit and framing."""
    values = view_values(view, layer, lang, notes=notes, outlines=outlines, inline=inline)
    group = folium.FeatureGroup(control=False)
    group.add_child(ViewValues(values))
    for element in view_layers(view, lang, extras, values["frame"] or layer.frame()):
        group.add_child(element)
    return group


def web_map(view: ShownView, layer: GeometryLayer, lang: str = "vi", *, notes=(), outlines=(),
            basemap: bool = False, style: MapStyle | None = None, extras: MapExtras | None = None) -> folium.Map:
    """The view as one map document (the standalone HTML export): the layer and the view's values together."""
    m = base_map(layer, lang, basemap=basemap, style=style, extras=extras)
    group = view_group(view, layer, lang, notes=notes, outlines=outlines, extras=extras, inline=True)
    for element in list(group._children.values()):  # on the map itself: one document, nothing to replace
        m.add_child(element)
    return m


def app_map(view: ShownView, layer: GeometryLayer, lang: str = "vi", *, notes=(), outlines=(),
            basemap: bool = False, style: MapStyle | None = None, extras: MapExtras | None = None
            ) -> tuple[folium.Map, folium.FeatureGroup]:
    """The map of the app and the view's values apart: pass the group as streamlit-folium's
    ``feature_group_to_add``, so a new view re-sends only the values and the map keeps its frame and zoom."""
    group = view_group(view, layer, lang, notes=notes, outlines=outlines, extras=extras)
    return base_map(layer, lang, basemap=basemap, style=style, extras=extras), group
