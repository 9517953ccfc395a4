"""The web map's surroundings: the sea as the map's background, the neighbouring countries in quiet grey and
Vietnam's land in near-white under the units (a map of one uploaded province then still shows the coast), all
offline and non-interactive, below the choropleth.

The names of the countries, seas and archipelagos are drawn by the label layer
(:func:`dashboard.render.webmap_labels.context_labels`), which keeps them clear of the units' names.
"""

from __future__ import annotations

from dashboard.query.context import MapContext
from dashboard.render.codec import feature_collection, geojson_geometries
from dashboard.render.geofiles import publish_text
from dashboard.render.webmap_script import MapScript, RawJson

SEA = "#dde5ea"
NEIGHBOUR_FILL = "#ecebe8"
NEIGHBOUR_EDGE = "#bdb8b0"
VIETNAM_FILL = "#fbfbf9"

_JS = """
var map = __MAP__;
var pane = map.createPane('cmLand');
pane.style.zIndex = 250;  // above tiles (200), below the choropleth (overlay pane, 400)
pane.style.pointerEvents = 'none';
CM.load(__DATA__).then(function(data) {
  L.geoJson(data, {
    pane: 'cmLand', renderer: L.canvas({pane: 'cmLand', padding: 0.5}), interactive: false,
    style: function(f) { return f.properties; }
  }).addTo(map);
});
"""


def context_layer(context: MapContext, bounds, inline: bool = False) -> MapScript:
    """The land around and under the units, clipped near ``bounds`` (minx, miny, maxx, maxy): a file the browser
    fetches once by URL (the app: the map's script, sent again with every view, stays small), or ``inline``."""
    near = context.clipped(bounds)
    properties = []
    for kind in near.kinds:
        if kind == "vietnam":
            properties.append({"fillColor": VIETNAM_FILL, "fillOpacity": 1, "stroke": False})
        else:
            properties.append({"fillColor": NEIGHBOUR_FILL, "fillOpacity": 1, "color": NEIGHBOUR_EDGE,
                               "weight": 0.7, "opacity": 1})
    # Neighbours first, Vietnam on top: its coast is then not covered by a neighbour's edge.
    order = sorted(range(len(near.kinds)), key=lambda i: near.kinds[i] == "vietnam")
    geometries = geojson_geometries(near.shapes[order], near.decimals)
    data = feature_collection(geometries, [properties[i] for i in order])
    source = RawJson('{"data": ' + data + "}") if inline else {"url": publish_text(data, "context")}
    return MapScript(_JS, source, "cm_context", of_view=False)  # the same for every view of the layer


def sea_css() -> str:
    """The map's background is the sea (no sea polygon to draw)."""
    return f".leaflet-container{{background:{SEA} !important;}}"
