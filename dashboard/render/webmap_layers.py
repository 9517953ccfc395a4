"""What the web map adds on top of the choropleth: nothing hidden, counts as bubbles, the chosen unit.

- :func:`fit_clear`: the map frames the units in the part of the frame that the legend, the other controls and a
  title box leave free (beside the legend or above it, whichever shows the units larger), again when the frame
  is resized, unless the user has moved the map;
- :func:`tiny_parts`: a dot in the unit's colour for every island too small to see at the current zoom and
  away from other units (Bạch Long Vĩ, Lý Sơn, Hoàng Sa, Trường Sa on the national map);
- :func:`bubbles`: a proportional symbol per unit for a count (teams, members, people in hamlets without a
  team) over the rate choropleth, with its key; counts are never drawn as a choropleth;
- :func:`highlight`: the chosen unit(s) outlined in black.

Clicking a dot or a bubble is clicking its unit (the page then opens or selects it).
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict

import numpy as np

from dashboard.query import PreparedShapes
from dashboard.render.tiny import tiny_parts as find_tiny
from dashboard.render.webmap_script import MapScript

#: Parts smaller than this (degrees) may need a dot at some zoom; those nearer than the minimum distance to
#: another part never do (they sit among neighbours, whose colours already show the place).
TINY_EXTENT = 0.08
TINY_MIN_GAP = 0.004
#: Gaps are measured up to this far (degrees, 3 pixels at zoom 4.5); farther counts as alone at every zoom.
TINY_FAR = 0.2
ALONE = 9.0

_FIT_JS = """
var map = __MAP__, data = __DATA__, fitting = false;
// The user's own moves end the automatic framing for as long as the views keep this frame (an indicator or a
// period switch keeps the user's zoom); a view with another frame (a filter) is framed again.
var memory = map._cmFit = map._cmFit || {moved: false, frame: null};
if (memory.frame !== JSON.stringify(data)) { memory.moved = false; memory.frame = JSON.stringify(data); }
var bounds = L.latLngBounds([[data[1], data[0]], [data[3], data[2]]]);
var unitBounds = null;
var covers = function(boxes) {
  /* Does a control (legend, buttons, scale) lie over some unit? Unit boxes widened by the tiny-island dot. */
  if (!unitBounds) {
    unitBounds = [];
    if (!window.cmChoropleth.eachLayer) { return false; }  // one canvas for every hamlet: framed by its extent
    window.cmChoropleth.eachLayer(function(l) {
      unitBounds.push(l.getBounds ? l.getBounds() : L.latLngBounds([l.getLatLng(), l.getLatLng()]));
    });
  }
  var grow = 6;
  return unitBounds.some(function(b) {
    var a = map.latLngToContainerPoint(b.getNorthWest()), c = map.latLngToContainerPoint(b.getSouthEast());
    return boxes.some(function(g) {
      return a.x - grow < g.r && g.l < c.x + grow && a.y - grow < g.b && g.t < c.y + grow;
    });
  });
};
var legends = function() { return Array.prototype.slice.call(map.getContainer().querySelectorAll('.cm-legend')); };
var moveLegends = function(corner) {
  var target = map._controlCorners[corner];
  legends().reverse().forEach(function(el) {
    var control = el.parentNode === target ? null : el;
    if (control) { target.insertBefore(el, corner.indexOf('bottom') === 0 ? target.firstChild : null); }
  });
};
var apply = function(o, zoom) {
  map.fitBounds(bounds, {paddingTopLeft: o.tl, paddingBottomRight: o.br, maxZoom: zoom, animate: false});
};
var fit = function() {
  var size = map.getSize();
  if (!size.x || !size.y || memory.moved || !window.cmChoropleth) { return; }
  // Framing tries many zooms and corners (each a redraw): done again only when the frame, the map's size or the
  // legend's size changed (an indicator or period switch with a legend of the same size keeps the frame).
  var signature = JSON.stringify([memory.frame, size.x, size.y, legends().map(function(el) {
    return [el.offsetWidth, el.offsetHeight]; })]);
  if (signature === memory.signature) { return; }
  fitting = true;
  var pad = 10, top = pad;
  var title = document.getElementById('cm-title');
  if (title) {  // a title box laid over the map (the HTML export): the map starts below it
    var c = map.getContainer().getBoundingClientRect(), r = title.getBoundingClientRect();
    top = Math.max(top, r.bottom - c.top + pad);
  }
  var base = {tl: [pad, top], br: [pad, pad]};
  var best = null;
  ['bottomright', 'topright', 'bottomleft'].forEach(function(corner) {
    moveLegends(corner);
    var most = map.getBoundsZoom(bounds, false, L.point(base.tl[0] + base.br[0], base.tl[1] + base.br[1]));
    for (var zoom = most; zoom >= most - 4; zoom -= map.options.zoomSnap || 0.25) {
      apply(base, zoom);
      if (!covers(cmBoxes(map))) {
        if (!best || map.getZoom() > best.zoom) { best = {zoom: map.getZoom(), corner: corner}; }
        break;
      }
    }
  });
  if (best) {
    moveLegends(best.corner);
    apply(base, best.zoom);
  }
  fitting = false;
  memory.signature = signature;
  window.cmFitted = {zoom: map.getZoom(), corner: best && best.corner, size: [size.x, size.y]};
};
// The user's own moves end the automatic framing; the map's and the legend's size changes refit it.
var moving = function() { if (!fitting) { memory.moved = true; } };
var dragging = function() { memory.moved = true; };
map.on('zoomstart movestart', moving);
map.on('dragstart', dragging);
var observer = null;
if (window.ResizeObserver) {
  observer = new ResizeObserver(function() { map.invalidateSize({pan: false}); fit(); });
  observer.observe(map.getContainer());
  legends().forEach(function(el) { observer.observe(el); });
}
CM.beforeNextView(function() {
  map.off('zoomstart movestart', moving);
  map.off('dragstart', dragging);
  if (observer) { observer.disconnect(); }
});
map.whenReady(fit);
window.cmFit = function() { memory.moved = false; memory.signature = null; fit(); };
window.cmMap = map;
"""

_TINY_JS = """
var map = __MAP__, parts = __DATA__.parts, radius = __DATA__.radius, units = cmUnits();
var group = L.layerGroup().addTo(__GROUP__);
var tip = function(unit) {
  var content = unit.getTooltip() && unit.getTooltip()._content;
  return typeof content === 'function' ? content(unit) : (content || '');
};
var update = function() {
  group.clearLayers();
  var perDegree = 256 * Math.pow(2, map.getZoom()) / 360;
  parts.forEach(function(p) {
    var unit = units[p[4]];
    if (!unit || p[2] * perDegree >= 2.5 * radius || p[3] * perDegree < 3) { return; }
    var fill = typeof unit.options.fillColor === 'string' ? unit.options.fillColor : '#d4d4d4';
    var dot = L.circleMarker([p[0], p[1]], {radius: radius, fillColor: fill, fillOpacity: 1, color: '#333',
                                            weight: 1, className: 'cm-tiny'});
    dot.feature = {type: 'Feature', properties: unit.feature.properties};
    dot.bindTooltip(function() { return tip(unit); }, {sticky: true, className: 'cm-tip'});
    dot.on('click', function(e) { unit.fire('click', {latlng: e.latlng}, true); });
    group.addLayer(dot);
  });
  window.cmTinyCount = group.getLayers().length;
};
map.on('zoomend', update);
CM.beforeNextView(function() { map.off('zoomend', update); group.remove(); });
update();
"""

_BUBBLE_JS = """
var map = __MAP__, d = __DATA__, units = cmUnits();
var size = map.getSize();
var rmax = Math.max(6, Math.min(d.rmax, 0.4 * Math.sqrt(size.x * size.y / Math.max(d.p.length, 1))));
var radius = function(v) { return rmax * Math.sqrt(Math.max(v, 0) / d.vmax); };
var esc = function(s) {
  return String(s == null ? '' : s).replace(/[&<>"']/g, function(ch) {
    return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[ch];
  });
};
var group = L.layerGroup().addTo(__GROUP__);
d.p.forEach(function(p) {
  if (!(p[2] > 0)) { return; }
  var circle = L.circleMarker([p[0], p[1]], {radius: radius(p[2]), fillColor: '#222222', fillOpacity: 0.18,
                                             color: '#222222', weight: 1.2, opacity: 0.85, className: 'cm-bubble'});
  var unit = units[p[4]];
  circle.feature = {type: 'Feature', properties: unit ? unit.feature.properties : {k: p[4]}};
  circle.bindTooltip('<b>' + esc(p[5]) + '</b><br>' + esc(d.title) + ': <b>' + esc(p[3]) + '</b>',
                     {sticky: true, className: 'cm-tip'});
  if (unit) { circle.on('click', function(e) { unit.fire('click', {latlng: e.latlng}, true); }); }
  group.addLayer(circle);
});
var key = L.control({position: 'bottomright'});
key.onAdd = function() {
  var div = L.DomUtil.create('div', 'cm-legend cm-bubble-key');
  var cells = d.keys.slice().reverse().map(function(k) {
    var r = Math.max(radius(k[0]), 1.5), s = 2 * radius(d.keys[0][0]) + 4;
    return '<div class="cm-bubble-cell"><svg width="' + (2 * r + 4) + '" height="' + s + '"><circle cx="'
      + (r + 2) + '" cy="' + (s - r - 2) + '" r="' + r + '" fill="rgba(34,34,34,.18)" stroke="#222" '
      + 'stroke-width="1.2"/></svg><div>' + esc(k[1]) + '</div></div>';
  });
  div.innerHTML = '<div class="cm-title">' + esc(d.title) + '</div><div class="cm-bubble-row">'
    + cells.join('') + '</div>';
  L.DomEvent.disableClickPropagation(div);
  return div;
};
key.addTo(map);
CM.beforeNextView(function() { map.removeControl(key); group.remove(); });
"""

_HIGHLIGHT_JS = """
var map = __MAP__, keys = __DATA__, units = cmUnits(), style = {weight: 4, color: '#000', opacity: 1};
keys.forEach(function(k) {
  var unit = units[k];
  if (!unit) { return; }
  var keep = function() { unit.setStyle(style); };
  unit.setStyle(style);
  unit.bringToFront();
  unit.on('mouseout', keep);
  CM.beforeNextView(function() { unit.off('mouseout', keep); });  // the next view styles every unit anew
});
window.cmHighlighted = keys.filter(function(k) { return !!units[k]; });
"""


def fit_clear(bounds) -> MapScript | None:
    """Frame ``bounds`` (minx, miny, maxx, maxy) in the part of the map the controls leave free."""
    if len(bounds) != 4 or not np.all(np.isfinite(bounds)):
        return None
    return MapScript(_FIT_JS, [round(float(b), 5) for b in bounds], "cm_fit")


#: Tiny parts found per (layer, units shown), the layer kept with them (an id alone could be reused).
_TINY: OrderedDict = OrderedDict()
_TINY_LOCK = threading.Lock()


def tiny_parts(shapes: PreparedShapes, keys) -> list[list]:
    """Parts of the shown units that may be too small to see (:func:`dashboard.render.tiny.tiny_parts`):
    [lat, lon, extent°, gap° to the nearest other unit (9 when none near), unit key]."""
    keep_keys = set(map(str, keys))
    wanted = np.fromiter((key in keep_keys for key in shapes.keys), dtype=bool, count=len(shapes.keys))
    # Every indicator or period switch asks again for the same units (a second for detailed real files): the
    # answer is kept per layer (the app's shapes are one cached object) and set of units shown.
    memo = (id(shapes), hashlib.sha1(wanted.tobytes()).hexdigest())
    with _TINY_LOCK:  # sessions run in threads of one server
        kept = _TINY.get(memo)
        if kept is not None and kept[0] is shapes:
            return kept[1]
    found = find_tiny(shapes.shapes[wanted], TINY_EXTENT, TINY_MIN_GAP, TINY_FAR)
    unit_keys = shapes.keys[wanted]
    parts = [[round(float(y), 5), round(float(x), 5), round(float(e), 5), round(float(min(g, ALONE)), 5),
              str(unit_keys[o])] for x, y, e, g, o in zip(found.x, found.y, found.extent, found.gap, found.owner)]
    with _TINY_LOCK:
        _TINY[memo] = (shapes, parts)
        while len(_TINY) > 32:
            _TINY.popitem(last=False)
    return parts


def tiny_dots(parts: list[list], font_scale: float = 1.0) -> MapScript | None:
    """Dots for the parts of :func:`tiny_parts`, recomputed at every zoom."""
    if not parts:
        return None
    return MapScript(_TINY_JS, {"parts": parts, "radius": round(4 * max(font_scale, 1.0), 1)}, "cm_tiny")


def nice_keys(vmax: float, format_count) -> list[list]:
    """Two or three round values for the bubble key (largest first), each with its text."""
    if not vmax or not math.isfinite(vmax) or vmax <= 0:
        return []
    magnitude = 10 ** math.floor(math.log10(vmax))
    top = max(step * magnitude for step in (1, 2, 5, 10) if step * magnitude <= vmax)
    values = [top, top / 4, top / 16] if top / 16 >= 1 else [top, top / 4] if top / 4 >= 1 else [top]
    return [[float(v), format_count(v)] for v in values]


def bubbles(points: list[list], title: str, keys: list[list], vmax: float, font_scale: float = 1.0) -> MapScript | None:
    """Proportional symbols: ``points`` are [lat, lon, value, value text, unit key, unit name]; area ∝ value."""
    points = [p for p in points if p[2] and p[2] > 0]
    if not points or not vmax:
        return None
    points.sort(key=lambda p: -p[2])  # small bubbles on top of big ones
    data = {"p": points, "title": title, "keys": keys, "vmax": float(vmax), "rmax": round(20 * font_scale)}
    return MapScript(_BUBBLE_JS, data, "cm_bubbles")


def highlight(keys) -> MapScript | None:
    """Outline the units with these keys (the chosen commune, the selected unit)."""
    keys = [str(k) for k in keys if k]
    return MapScript(_HIGHLIGHT_JS, keys, "cm_highlight") if keys else None


def bubble_css(font_scale: float) -> str:
    return (".cm-bubble-row{display:flex;align-items:flex-end;gap:10px;}"
            ".cm-bubble-cell{display:flex;flex-direction:column;align-items:center;}"
            ".cm-legend .cm-bubble-cell svg{display:block;}")


def with_framing(layers, bounds) -> list[MapScript]:
    """The extra elements (``None`` skipped), then the framing clear of every control (it runs last)."""
    return [layer for layer in (*layers, fit_clear(bounds)) if layer is not None]
