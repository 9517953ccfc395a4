"""Names on the web map: provinces on the national map, communes when a province is shown, hamlets when a commune
is shown, and the surroundings (countries, seas, Hoàng Sa and Trường Sa).

The names are placed in the browser after every zoom, without collisions: the surroundings' main names always,
then units by room (the widest first), each only where it does not touch a name already placed, the legend or
another control, and only in units tall enough for the text. Names from data are set as text, never as HTML.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from analysis.view import ViewSpec
from dashboard.query.context import MapContext
from dashboard.render.webmap_context import NEIGHBOUR_FILL, SEA
from dashboard.render.webmap_script import MapScript
from i18n import lang_column
from loaders.text import split_unit_type

#: Base sizes in pixels (× the map's font scale: larger on a projector).
SIZES = {"province": 13, "commune": 12, "hamlet": 11, "country": 13, "sea": 12, "archipelago": 11,
         "neighbour": 12}

_JS = """
var map = __MAP__, items = __DATA__;
var pane = map.getPane('cmLabels') || map.createPane('cmLabels');
pane.style.zIndex = 460;  // above the choropleth and its outlines, below tooltips
pane.style.pointerEvents = 'none';
var nodes = items.map(function(it) {
  var node = L.DomUtil.create('div', 'cm-lbl cm-lbl-' + it.c, pane);
  node.textContent = it.t;
  return node;
});
var sizes = [];
var measure = function() {
  sizes = nodes.map(function(node) {
    node.style.display = '';
    return [node.offsetWidth, node.offsetHeight];
  });
};
var overlaps = function(a, b) { return a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b; };
var place = function() {
  if (!sizes.length || !sizes[0][0]) { measure(); }
  var size = map.getSize(), origin = map.containerPointToLayerPoint([0, 0]);
  var taken = cmBoxes(map).map(function(b) {
    return {l: b.l + origin.x, t: b.t + origin.y, r: b.r + origin.x, b: b.b + origin.y};
  });
  var view = {l: origin.x, t: origin.y, r: origin.x + size.x, b: origin.y + size.y};
  var shown = 0;
  items.forEach(function(it, i) {
    var node = nodes[i], w = sizes[i][0], h = sizes[i][1];
    var p = map.latLngToLayerPoint([it.la, it.lo]);
    var at = function(x, y) { return {x: x, y: y, box: {l: x - 2, t: y - 1, r: x + w + 2, b: y + h + 1}}; };
    // Where the name may go: as asked, then (fixed names only) above, left or right of its point.
    var spots = [it.b ? at(p.x - w / 2, p.y + 3) : at(p.x - w / 2, p.y - h / 2)];
    if (it.f) {
      spots.push(at(p.x - w / 2, p.y - h - 3), at(p.x - w - 6, p.y - h / 2), at(p.x + 6, p.y - h / 2));
    }
    var free = function(s) { return !taken.some(function(t) { return overlaps(s.box, t); }); };
    var inView = function(s) {
      return s.box.l >= view.l && s.box.r <= view.r && s.box.t >= view.t && s.box.b <= view.b;
    };
    var spot = null;
    if (it.f) {
      spot = spots.filter(function(s) { return inView(s) && free(s); })[0]
        || spots.filter(inView)[0] || (overlaps(spots[0].box, view) ? spots[0] : null);
    } else {
      var across = 2 * it.r * (map.latLngToLayerPoint([it.la, it.lo + 1]).x - p.x);
      if (inView(spots[0]) && free(spots[0]) && (!it.r || across >= 0.8 * h)) { spot = spots[0]; }
    }
    if (spot) {
      taken.push(spot.box);
      L.DomUtil.setPosition(node, L.point(Math.round(spot.x), Math.round(spot.y)));
      node.style.display = '';
      shown += 1;
    } else {
      node.style.display = 'none';
    }
  });
  pane.setAttribute('data-shown', shown);
  pane.style.visibility = '';
};
var hide = function() { pane.style.visibility = 'hidden'; };
map.on('zoomstart', hide);
map.on('zoomend moveend resize viewreset', place);
CM.beforeNextView(function() {
  map.off('zoomstart', hide);
  map.off('zoomend moveend resize viewreset', place);
  nodes.forEach(function(node) { L.DomUtil.remove(node); });
});
place();
window.cmLabels = {place: place, nodes: nodes};
"""


def label_css(font_scale: float) -> str:
    halo = "0 0 2px {c},0 0 2px {c},0 0 3px {c},1px 1px 1px {c},-1px -1px 1px {c}"
    size = {kind: round(px * font_scale) for kind, px in SIZES.items()}
    return (
        ".cm-lbl{position:absolute;white-space:nowrap;font-family:system-ui,'Segoe UI',Arial,sans-serif;"
        f"line-height:1.15;color:#1f1f1f;text-shadow:{halo.format(c='#fff')};}}"
        f".cm-lbl-province{{font-size:{size['province']}px;font-weight:600;}}"
        f".cm-lbl-commune{{font-size:{size['commune']}px;font-weight:500;}}"
        f".cm-lbl-hamlet{{font-size:{size['hamlet']}px;}}"
        f".cm-lbl-country{{font-size:{size['country']}px;color:#857f76;letter-spacing:.06em;"
        f"text-shadow:{halo.format(c=NEIGHBOUR_FILL)};}}"
        f".cm-lbl-sea{{font-size:{size['sea']}px;color:#5d7488;font-style:italic;letter-spacing:.04em;"
        f"text-shadow:{halo.format(c=SEA)};}}"
        f".cm-lbl-archipelago{{font-size:{size['archipelago']}px;color:#4d5a66;font-style:italic;"
        f"text-shadow:{halo.format(c=SEA)};}}"
        f".cm-lbl-neighbour{{font-size:{size['neighbour']}px;color:#8a857d;font-style:italic;}}"
    )


def label_scope(spec: ViewSpec) -> tuple[str, str | None, str | None]:
    """Which units are named on a view's map: (level, province, commune).

    Provinces on the national map, the communes of a province, the hamlets of a commune; a province map at
    province level names that province.
    """
    if spec.level == "hamlet" and spec.commune:
        return "hamlet", spec.province, spec.commune
    if spec.province:
        return ("province" if spec.level == "province" else "commune"), spec.province, None
    return "province", None, None


def short_name(name: str, level: str) -> str:
    """The name without its unit type ("Sơn La", "Chiềng Mung"), unless the rest is a number ("Phường 1")."""
    if level == "hamlet":
        return name
    kind, rest = split_unit_type(name, level)
    return rest if kind and rest and not rest[0].isdigit() else name


def unit_labels(points: pd.DataFrame, level: str, shown_keys=None, kind: str | None = None) -> list[dict]:
    """Label items of units (from :func:`dashboard.query.labels.label_points`), widest first.

    ``shown_keys`` limits the names to the units drawn (a filtered map names only what it shows), when the
    labelled level is the map's own; ``kind`` "neighbour" names the provinces around a province map, in grey.
    """
    if shown_keys is not None:
        points = points[points["key"].isin(set(map(str, shown_keys)))]
    return [{"t": short_name(name, level), "la": round(float(lat), 5), "lo": round(float(lon), 5),
             "c": kind or level, "r": round(float(room), 5), "f": 0, "b": 0}
            for name, lat, lon, room in zip(points["name"], points["lat"], points["lon"], points["room"])]


def context_labels(context: MapContext, lang: str, bounds) -> list[dict]:
    """Names of the neighbours, seas and archipelagos: rank 1 always, rank 2 only when inside ``bounds``.

    An archipelago's name sits just below its islands (the lowest island near its label point).
    """
    minx, miny, maxx, maxy = bounds
    land = context.shapes[context.kinds == "vietnam"]
    parts = shapely.get_parts(land) if len(land) else np.array([])
    items = []
    for row in context.labels.itertuples(index=False):
        inside = minx <= row.lon <= maxx and miny <= row.lat <= maxy
        if row.rank > 1 and not inside:
            continue
        lat, below = row.lat, 0
        if row.kind == "archipelago" and len(parts):
            near = parts[shapely.dwithin(parts, shapely.Point(row.lon, row.lat), 1.2)]
            if len(near):
                lat, below = float(shapely.total_bounds(near)[1]), 1
        name = getattr(row, lang_column("name", lang))
        items.append({"t": str(name), "la": round(float(lat), 4), "lo": round(float(row.lon), 4), "c": row.kind,
                      "r": 0, "f": 1 if row.rank == 1 else 0, "b": below})
    return items


def labels_script(items: list[dict]) -> MapScript | None:
    """The label layer (fixed names first, then the others in the order given); its style is :func:`label_css`."""
    if not items:
        return None
    return MapScript(_JS, sorted(items, key=lambda item: -item["f"]), "cm_labels")
