/* coverage-map: the choropleth layer of the web map (ES5, no dependencies but Leaflet).
 *
 * Served by the app from static/ (and inlined in the standalone HTML export). The unit shapes arrive once: a
 * content-addressed geometry file fetched by URL (kept by the browser's cache, and in memory for as long as the
 * map's document lives), or inline in an exported page. Each view then only sends values through CM.show:
 * a class per unit, the tooltip texts of the units shown, the legend, the outlines to draw and the frame.
 *
 * Two ways to draw the same values: a Leaflet GeoJSON layer (one Leaflet path per unit, up to a few thousand
 * units) and, for large layers (every hamlet of the country), one canvas that fills all units of a class in one
 * path and finds the unit under the mouse in a grid index. Both use the same colours, tooltip and click report.
 *
 * Text from data (unit names, tooltip texts) is escaped here before it becomes HTML; the legend arrives as
 * HTML already escaped by Python (dashboard.render.webmap.legend_html).
 */
(function () {
  'use strict';
  if (window.CM) { return; }
  var CM = window.CM = {};
  /** The map's state: there is one map per document (streamlit-folium's frame, or one exported page). */
  var current = null;

  var esc = CM.esc = function (s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (ch) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[ch];
    });
  };

  function tipHtml(labels, name, value, detail) {
    var lines = ['<b>' + esc(name) + '</b>', esc(labels.value) + ': <b>' + esc(value) + '</b>'];
    if (detail) { lines.push(esc(labels.detail) + ': ' + esc(detail)); }
    if (labels.period) { lines.push(esc(labels.period)); }
    return lines.join('<br>');
  }

  // --- files: fetched once per URL for the life of the document ---------------------------------------------
  var files = {};
  CM.requests = 0;
  // a file by URL (once per page: later calls share the answer) or data carried in the page
  CM.load = load;
  function load(source) {
    if (source.data) { return Promise.resolve(source.data); }
    if (!files[source.url]) {
      CM.requests += 1;
      files[source.url] = fetch(source.url, {credentials: 'same-origin'}).then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status + ' for ' + source.url); }
        return response.json();
      });
      files[source.url]['catch'](function () { delete files[source.url]; });
    }
    return files[source.url];
  }

  // --- values: classes in file order, texts of the units shown ----------------------------------------------
  var HIDDEN = -2, NO_DATA = -1;

  /** Class per unit (HIDDEN, NO_DATA or 0..k-1) and the index of its texts in values.v / values.f. */
  function unpack(values, n) {
    var c = values.c, cls = new Int8Array(n), text = new Int32Array(n), shown = 0;
    for (var i = 0; i < n; i++) {
      var ch = i < c.length ? c.charAt(i) : ' ';
      if (ch === ' ') { cls[i] = HIDDEN; text[i] = -1; continue; }
      cls[i] = ch === '-' ? NO_DATA : parseInt(ch, 36);
      text[i] = shown++;
    }
    return {cls: cls, text: text, shown: shown};
  }

  function hatch(map, style) {
    if (!map.options.preferCanvas) { return style.noData; }
    var c = document.createElement('canvas');
    c.width = c.height = 8;
    var x = c.getContext('2d');
    x.fillStyle = style.noData; x.fillRect(0, 0, 8, 8);
    x.strokeStyle = style.hatch; x.lineWidth = 1.2;
    x.beginPath(); x.moveTo(-1, 9); x.lineTo(9, -1); x.stroke();
    return x.createPattern(c, 'repeat');
  }

  /** What streamlit-folium returns for a clicked unit (its ``last_active_drawing``): key and name. */
  function clicked(state, i, latlng, source) {
    var feature = {type: 'Feature', properties: {k: state.units.k[i], n: state.units.n[i]}, geometry: null};
    return {latlng: latlng, layer: {toGeoJSON: function () { return feature; }}, sourceTarget: source};
  }

  // --- one Leaflet path per unit ------------------------------------------------------------------------------
  function ringLatLngs(ring) {
    var out = new Array(ring.length / 2);
    for (var j = 0; j < ring.length; j += 2) { out[j / 2] = [ring[j + 1], ring[j]]; }
    return out;
  }

  function pathLayer(state) {
    var style = state.spec.style;
    var base = {color: style.border, weight: style.weight, opacity: 0.9, fillOpacity: style.opacity};
    var noData = hatch(state.map, style);
    var selected = null, paths = [];
    var group = L.featureGroup();
    var styleOf = function (l) {
      var c = l.feature.properties.c;
      return L.extend({}, base, {fillColor: c >= 0 ? state.colours[c] : noData});
    };
    var reset = function (l) { l.setStyle(styleOf(l)); };
    function makePath(i) {
      var g = state.units.g[i], l;
      if (!g) { return null; }
      if (Array.isArray(g)) {
        l = L.polygon(g.map(function (rings) { return rings.map(ringLatLngs); }), L.extend({}, base));
      } else if (g.type === 'Point') {
        l = L.circleMarker([g.coordinates[1], g.coordinates[0]], L.extend({radius: 7}, base));
      } else {
        l = L.geoJSON(g, {style: base});
      }
      l.feature = {type: 'Feature', properties: {k: state.units.k[i], n: state.units.n[i], c: NO_DATA, v: '', f: ''},
                   geometry: null};
      l.bindTooltip(function () {
        var p = l.feature.properties;
        return tipHtml(state.tip, p.n, p.v, p.f);
      }, {sticky: true, className: 'cm-tip'});
      l.on('mouseover', function () { if (l !== selected) { l.setStyle({weight: 2, color: '#333'}); } });
      l.on('mouseout', function () { if (l !== selected) { reset(l); } });
      l.on('click', function () {
        if (selected && selected !== l) { reset(selected); }
        selected = l;
        l.setStyle({weight: 3.5, color: '#000'});
        if (l.bringToFront) { l.bringToFront(); }
      });
      // streamlit-folium reports e.layer.toGeoJSON(): the unit's key and name (the page reads the key).
      l.toGeoJSON = function () {
        return {type: 'Feature', properties: {k: l.feature.properties.k, n: l.feature.properties.n},
                geometry: null};
      };
      return l;
    }
    group.cmApply = function (values, u) {
      for (var i = 0; i < u.cls.length; i++) {
        var l = paths[i];
        if (u.cls[i] === HIDDEN) {
          if (l && group.hasLayer(l)) { group.removeLayer(l); }
          continue;
        }
        if (l === undefined) { l = paths[i] = makePath(i); }
        if (!l) { continue; }
        var p = l.feature.properties;
        p.c = u.cls[i]; p.v = values.v[u.text[i]]; p.f = values.f[u.text[i]];
        if (!group.hasLayer(l)) { group.addLayer(l); }
        if (l === selected) { l.setStyle(L.extend(styleOf(l), {weight: 3.5, color: '#000'})); } else { reset(l); }
      }
      return u.shown;
    };
    group.cmCount = function () { return Object.keys(group._layers).length; };
    return group;
  }

  // --- every unit on one canvas (large layers) ------------------------------------------------------------------
  var WORLD = 256;
  function mercY(lat) {
    var s = Math.sin(Math.max(Math.min(lat, 85.0511), -85.0511) * Math.PI / 180);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }
  function latOf(y) { return 90 - 360 * Math.atan(Math.exp((y - 0.5) * 2 * Math.PI)) / Math.PI; }

  var CanvasLayer = L.Renderer.extend({
    options: {padding: 0.1},

    initialize: function (state) {
      L.Renderer.prototype.initialize.call(this, {pane: state.pane});
      this._state = state;
      this._ready = false;
      this.drawn = 0;
    },

    _initContainer: function () {
      var canvas = this._container = document.createElement('canvas');
      canvas.style.pointerEvents = 'none';  // the map's own events are used: canvases above never hide units
      this._ctx = canvas.getContext('2d');
    },

    _destroyContainer: function () {
      L.DomUtil.remove(this._container);
      delete this._ctx;
    },

    onAdd: function (map) {
      L.Renderer.prototype.onAdd.call(this, map);
      map.on('mousemove', this._onMove, this);
      map.on('mouseout', this._onOut, this);
      map.on('click', this._onClick, this);
    },

    onRemove: function (map) {
      map.off('mousemove', this._onMove, this);
      map.off('mouseout', this._onOut, this);
      map.off('click', this._onClick, this);
      this._onOut();
      L.Renderer.prototype.onRemove.call(this, map);
    },

    _update: function () {
      if (this._map._animatingZoom && this._bounds) { return; }
      L.Renderer.prototype._update.call(this);
      var b = this._bounds, size = b.getSize(), m = L.Browser.retina ? 2 : 1, canvas = this._container;
      L.DomUtil.setPosition(canvas, b.min);
      canvas.width = m * size.x; canvas.height = m * size.y;
      canvas.style.width = size.x + 'px'; canvas.style.height = size.y + 'px';
      this._ratio = m;
      this.fire('update');
    },

    _updatePaths: function () { this._draw(); },

    /** Shapes in world coordinates (0..1 Web Mercator), one flat array per ring; bounding boxes; grid index. */
    cmSetUnits: function (units) {
      var n = units.g.length, rings = [], ringStart = new Int32Array(n + 1), boxes = new Float64Array(4 * n);
      var points = new Float64Array(2 * n).fill(NaN);
      for (var i = 0; i < n; i++) {
        ringStart[i] = rings.length;
        var g = units.g[i], x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        if (g && Array.isArray(g)) {
          for (var a = 0; a < g.length; a++) {
            for (var b = 0; b < g[a].length; b++) {
              var r = g[a][b], w = new Float64Array(r.length);
              for (var j = 0; j < r.length; j += 2) {
                var x = (r[j] + 180) / 360, y = mercY(r[j + 1]);
                w[j] = x; w[j + 1] = y;
                if (x < x0) { x0 = x; } if (x > x1) { x1 = x; } if (y < y0) { y0 = y; } if (y > y1) { y1 = y; }
              }
              w.hole = b > 0;
              rings.push(w);
            }
          }
        } else if (g && g.type === 'Point') {
          x0 = x1 = points[2 * i] = (g.coordinates[0] + 180) / 360;
          y0 = y1 = points[2 * i + 1] = mercY(g.coordinates[1]);
        }
        boxes[4 * i] = x0; boxes[4 * i + 1] = y0; boxes[4 * i + 2] = x1; boxes[4 * i + 3] = y1;
      }
      ringStart[n] = rings.length;
      this._rings = rings; this._ringStart = ringStart; this._boxes = boxes; this._points = points; this._n = n;
      this._index();
    },

    _index: function () {
      var n = this._n, boxes = this._boxes, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (var i = 0; i < n; i++) {
        if (!(boxes[4 * i] <= boxes[4 * i + 2])) { continue; }
        x0 = Math.min(x0, boxes[4 * i]); y0 = Math.min(y0, boxes[4 * i + 1]);
        x1 = Math.max(x1, boxes[4 * i + 2]); y1 = Math.max(y1, boxes[4 * i + 3]);
      }
      var side = Math.max(1, Math.ceil(Math.sqrt(n / 4))), cells = [];
      for (var c = 0; c < side * side; c++) { cells.push([]); }
      var sx = side / Math.max(x1 - x0, 1e-12), sy = side / Math.max(y1 - y0, 1e-12);
      var clamp = function (v) { return Math.max(0, Math.min(side - 1, Math.floor(v))); };
      for (i = 0; i < n; i++) {
        if (!(boxes[4 * i] <= boxes[4 * i + 2])) { continue; }
        var cx0 = clamp((boxes[4 * i] - x0) * sx), cx1 = clamp((boxes[4 * i + 2] - x0) * sx);
        var cy0 = clamp((boxes[4 * i + 1] - y0) * sy), cy1 = clamp((boxes[4 * i + 3] - y0) * sy);
        for (var cy = cy0; cy <= cy1; cy++) { for (var cx = cx0; cx <= cx1; cx++) { cells[cy * side + cx].push(i); } }
      }
      this._grid = {x0: x0, y0: y0, sx: sx, sy: sy, side: side, cells: cells};
    },

    cmApply: function (values, u) {
      this._cls = u.cls; this._text = u.text; this._values = values;
      this._ready = true;
      this._noData = this._noData || hatch(this._map, this._state.spec.style);
      this._draw();
      if (this._hovered != null) { this._highlight(this._hovered); }
      return u.shown;
    },

    cmCount: function () {
      var shown = 0;
      if (!this._cls) { return 0; }
      for (var i = 0; i < this._cls.length; i++) { if (this._cls[i] !== HIDDEN) { shown++; } }
      return shown;
    },

    getBounds: function () {
      var g = this._grid;
      if (!g) { return null; }
      return L.latLngBounds([latOf(g.y0 + g.side / g.sy), g.x0 * 360 - 180], [latOf(g.y0), (g.x0 + g.side / g.sx) * 360 - 180]);
    },

    /** Fill every unit of a class in one path (few fill calls whatever the number of units). */
    _draw: function () {
      var ctx = this._ctx, map = this._map;
      if (!ctx || !map || !this._ready) { return; }
      var canvas = this._container, b = this._bounds, m = this._ratio;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      var scale = WORLD * Math.pow(2, map.getZoom()), origin = map.getPixelOrigin();
      var ox = origin.x + b.min.x, oy = origin.y + b.min.y;   // world pixel of the canvas' top-left corner
      var vx0 = ox / scale, vy0 = oy / scale, vx1 = (ox + b.getSize().x) / scale, vy1 = (oy + b.getSize().y) / scale;
      ctx.setTransform(m, 0, 0, m, 0, 0);
      var style = this._state.spec.style, colours = this._state.colours, cls = this._cls;
      var boxes = this._boxes, rings = this._rings, start = this._ringStart, points = this._points;
      var visible = [], byClass = {}, drawn = 0;
      for (var i = 0; i < this._n; i++) {
        if (cls[i] === HIDDEN) { continue; }
        if (boxes[4 * i + 2] < vx0 || boxes[4 * i] > vx1 || boxes[4 * i + 3] < vy0 || boxes[4 * i + 1] > vy1) { continue; }
        (byClass[cls[i]] = byClass[cls[i]] || []).push(i);
        visible.push(i);
      }
      var trace = function (i) {
        if (start[i] === start[i + 1] && !isNaN(points[2 * i])) {
          var px = points[2 * i] * scale - ox, py = points[2 * i + 1] * scale - oy;
          ctx.moveTo(px + 7, py); ctx.arc(px, py, 7, 0, 2 * Math.PI);
          return;
        }
        for (var r = start[i]; r < start[i + 1]; r++) {
          var w = rings[r];
          ctx.moveTo(w[0] * scale - ox, w[1] * scale - oy);
          for (var j = 2; j < w.length; j += 2) { ctx.lineTo(w[j] * scale - ox, w[j + 1] * scale - oy); }
          ctx.closePath();
        }
      };
      // A few units per path: one path for thousands of units costs Chrome time that grows faster than the
      // path (a national hamlet map took minutes); one path per unit pays a fill call each.
      var BATCH = 16, q;
      ctx.globalAlpha = style.opacity;
      for (var key in byClass) {
        var c = +key, members = byClass[key];
        ctx.fillStyle = c >= 0 ? colours[c] : this._noData;
        for (q = 0; q < members.length; q += BATCH) {
          ctx.beginPath();
          for (var e = q; e < Math.min(q + BATCH, members.length); e++) { trace(members[e]); }
          ctx.fill('evenodd');
        }
        drawn += members.length;
      }
      // Borders once units are a few pixels wide (below that, lines would cover the colours).
      var width = style.weight * Math.min(1, Math.max(0, (map.getZoom() - 6) / 3));
      if (width > 0.05) {
        ctx.globalAlpha = 0.9; ctx.lineWidth = width; ctx.strokeStyle = style.border; ctx.lineJoin = 'round';
        for (q = 0; q < visible.length; q += BATCH) {
          ctx.beginPath();
          for (e = q; e < Math.min(q + BATCH, visible.length); e++) { trace(visible[e]); }
          ctx.stroke();
        }
      }
      ctx.globalAlpha = 1;
      this.drawn = drawn;
      this.fire('cmdrawn');
    },

    /** The unit under a point (world coordinates), by the grid, bounding boxes and an even-odd ring test. */
    _unitAt: function (latlng) {
      var g = this._grid, cls = this._cls;
      if (!g || !cls) { return null; }
      var x = (latlng.lng + 180) / 360, y = mercY(latlng.lat);
      var cx = Math.floor((x - g.x0) * g.sx), cy = Math.floor((y - g.y0) * g.sy);
      if (cx < 0 || cy < 0 || cx >= g.side || cy >= g.side) { return null; }
      var scale = WORLD * Math.pow(2, this._map.getZoom()), radius = 7 / scale;
      var cell = g.cells[cy * g.side + cx], boxes = this._boxes, found = null;
      for (var q = 0; q < cell.length; q++) {
        var i = cell[q];
        if (cls[i] === HIDDEN) { continue; }
        if (x < boxes[4 * i] - radius || x > boxes[4 * i + 2] + radius || y < boxes[4 * i + 1] - radius ||
            y > boxes[4 * i + 3] + radius) { continue; }
        if (this._contains(i, x, y, radius)) { found = i; }
      }
      return found;
    },

    _contains: function (i, x, y, radius) {
      var start = this._ringStart, points = this._points;
      if (start[i] === start[i + 1]) {
        return !isNaN(points[2 * i]) && Math.abs(points[2 * i] - x) <= radius && Math.abs(points[2 * i + 1] - y) <= radius;
      }
      var inside = false;
      for (var r = start[i]; r < start[i + 1]; r++) {
        var w = this._rings[r], n = w.length;
        for (var j = 0, k = n - 2; j < n; k = j, j += 2) {
          if (((w[j + 1] > y) !== (w[k + 1] > y)) &&
              (x < (w[k] - w[j]) * (y - w[j + 1]) / (w[k + 1] - w[j + 1]) + w[j])) { inside = !inside; }
        }
      }
      return inside;
    },

    _outline: function (i, options) {
      var start = this._ringStart, latlngs = [];
      for (var r = start[i]; r < start[i + 1]; r++) {
        var w = this._rings[r], ring = [];
        for (var j = 0; j < w.length; j += 2) { ring.push([latOf(w[j + 1]), w[j] * 360 - 180]); }
        latlngs.push(ring);
      }
      if (!latlngs.length) {
        return L.circleMarker([latOf(this._points[2 * i + 1]), this._points[2 * i] * 360 - 180],
                              L.extend({radius: 7, fill: false, interactive: false}, options));
      }
      return L.polygon(latlngs, L.extend({fill: false, interactive: false}, options));
    },

    _highlight: function (i) {
      if (this._hoverPath) { this._map.removeLayer(this._hoverPath); this._hoverPath = null; }
      if (i != null && i !== this._selected) {
        this._hoverPath = this._outline(i, {weight: 2, color: '#333'}).addTo(this._map);
      }
    },

    _onMove: function (e) {
      var i = this._unitAt(e.latlng), map = this._map;
      if (i !== this._hovered) {
        this._hovered = i;
        this._highlight(i);
        map.getContainer().style.cursor = i == null ? '' : 'pointer';
      }
      if (i == null) {
        if (this._tip) { map.closeTooltip(this._tip); }
        return;
      }
      var values = this._values, t = this._text[i], units = this._state.units;
      if (!this._tip) { this._tip = L.tooltip({sticky: true, className: 'cm-tip', direction: 'auto'}); }
      this._tip.setContent(tipHtml(this._state.tip, units.n[i], values.v[t], values.f[t]));
      this._tip.setLatLng(e.latlng);
      if (!map.hasLayer(this._tip)) { map.openTooltip(this._tip); }
    },

    _onOut: function () {
      this._hovered = null;
      this._highlight(null);
      if (this._map) {
        this._map.getContainer().style.cursor = '';
        if (this._tip) { this._map.closeTooltip(this._tip); }
      }
    },

    _onClick: function (e) {
      var i = this._unitAt(e.latlng);
      if (i == null) { return; }
      if (this._selectedPath) { this._map.removeLayer(this._selectedPath); }
      this._selected = i;
      this._highlight(null);
      this._selectedPath = this._outline(i, {weight: 3.5, color: '#000'}).addTo(this._map);
      this.fire('click', clicked(this._state, i, e.latlng, this));
    }
  });

  // --- the map's layer and the values of each view -------------------------------------------------------------
  function apply(state) {
    if (!state.units || !state.values) { return; }
    var values = state.values, u = unpack(values, state.units.k.length);
    state.colours = values.colours;
    state.tip = values.tip;
    var started = Date.now(), shown = state.layer.cmApply(values, u);
    window.cmView = {id: values.id, units: state.units.k.length, shown: shown, at: Date.now(),
                     applyMs: Date.now() - started, loadedAt: state.loadedAt, decodeMs: state.decodeMs};
    var pending = state.pending || [];
    state.pending = [];
    pending.forEach(function (fn) { fn(state.map); });
  }

  /**
   * The view's other layers (names, tiny-island dots, bubbles, the chosen unit, the framing): each runs once the
   * units are drawn with this view's values (at once if they are), and may leave a cleanup for the next view.
   */
  CM.whenShown = function (fn) {
    var state = current;
    if (!state) { return; }
    if (state.units && state.values) { fn(state.map); } else { (state.pending = state.pending || []).push(fn); }
  };
  CM.beforeNextView = function (fn) {
    if (current) { (current.cleanups = current.cleanups || []).push(fn); }
  };

  function setLegend(state, html) {
    if (!state.legend) {
      var control = L.control({position: 'bottomright'});
      control.onAdd = function () {
        var div = L.DomUtil.create('div', 'cm-legend');
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      control.addTo(state.map);
      state.legend = control;
    }
    state.legend.getContainer().innerHTML = html;
  }

  /**
   * The choropleth layer of a map: created at once (so streamlit-folium sees it when it binds its click
   * handler), filled when its geometry file has arrived.
   *
   * spec: {source: {url} or {data}, canvas: bool, style: {border, weight, opacity, noData, hatch},
   *        frame: [minx, miny, maxx, maxy] the map was fitted to, failed: what to say if the file cannot load}
   */
  CM.layer = function (map, spec) {
    CM.layerAt = Date.now();
    var state = {map: map, spec: spec, units: null, values: null, colours: [], tip: {},
                 frame: spec.frame ? JSON.stringify(spec.frame) : null};
    if (spec.canvas) {
      state.pane = 'cmChoropleth';
      if (!map.getPane(state.pane)) { map.createPane(state.pane).style.zIndex = 390; }
    }
    var layer = state.layer = spec.canvas ? new CanvasLayer(state) : pathLayer(state);
    layer.addTo(map);
    current = state;
    window.cmChoropleth = layer;
    load(spec.source).then(function (file) {
      var started = Date.now();
      state.loadedAt = started;
      state.units = cmDecode(file);
      if (layer.cmSetUnits) { layer.cmSetUnits(state.units); }
      state.decodeMs = Date.now() - started;
      apply(state);
    })['catch'](function (error) {
      setLegend(state, '<div class="cm-title">' + esc(spec.failed) + '</div>');
      throw error;
    });
    return layer;
  };

  /**
   * The values of one view on the current map: classes, texts, legend, outlines, frame.
   *
   * values: {c: one character per unit of the geometry file (' ' not shown, '-' no data, else the class in
   *          base 36), v, f: tooltip value and detail of each unit shown (file order), colours, tip: {value,
   *          detail, period}, legend: escaped HTML, outlines: [{source, style}], frame: [..] or null,
   *          marks: [[lon, lat]] points of hamlet areas made from points, id}
   * target: the layer group (or map) the outlines go to; streamlit-folium removes the previous group.
   */
  CM.show = function (values, target) {
    var state = current;
    CM.shownAt = Date.now();
    if (!state) { return; }
    // the previous view's layers go (streamlit-folium removes its group; handlers and controls are ours)
    var cleanups = state.cleanups || [];
    state.cleanups = [];
    state.pending = [];
    cleanups.forEach(function (fn) { try { fn(state.map); } catch (e) { /* a layer already gone */ } });
    state.values = values;
    setLegend(state, values.legend);
    (values.outlines || []).forEach(function (outline) {
      load(outline.source).then(function (data) {
        L.geoJSON(data, {interactive: false, style: function () { return outline.style; }}).addTo(target || state.map);
      });
    });
    // Hamlet areas made from hamlet points: the point itself, where the hamlet really is.
    (values.marks || []).forEach(function (m) {
      L.circleMarker([m[1], m[0]], {radius: 2.5, stroke: false, fillColor: '#222', fillOpacity: 0.9,
                                    interactive: false}).addTo(target || state.map);
    });
    if (values.frame && JSON.stringify(values.frame) !== state.frame) {
      state.frame = JSON.stringify(values.frame);
      var f = values.frame;
      state.map.fitBounds([[f[1], f[0]], [f[3], f[2]]]);
    }
    apply(state);
  };
})();
