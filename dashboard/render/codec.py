"""Geometry as the browser receives it: compact encoding in Python and its decoder in JavaScript, in one place.

Polygons are sent as integer deltas on a ``10**-decimals`` grid (the closing vertex dropped), about half the bytes
of rounded GeoJSON; other geometries (hamlet points) as GeoJSON text. Properties travel as columns (keys not
repeated per feature). :data:`DECODER_JS` turns the layer back into a GeoJSON FeatureCollection for
``L.geoJson``; put it inside the layer's own ``<script>`` (streamlit-folium inserts the page header with
innerHTML, where inline scripts do not run).
"""

from __future__ import annotations

import json
from typing import Sequence

import numpy as np
import shapely

#: Decoder for :func:`layer_collection` (ES5): returns a GeoJSON FeatureCollection.
DECODER_JS = (
    "function cmDecode(d){var s=d.s,cols=d.p,keys=Object.keys(cols),fs=[];"
    "for(var i=0;i<d.g.length;i++){var g=d.g[i],geom=g;"
    "if(Array.isArray(g)){var polys=[];for(var a=0;a<g.length;a++){var rings=[];"
    "for(var b=0;b<g[a].length;b++){var r=g[a][b],x=0,y=0,ring=[];"
    "for(var j=0;j<r.length;j+=2){x+=r[j];y+=r[j+1];ring.push([x/s,y/s]);}"
    "ring.push(ring[0]);rings.push(ring);}polys.push(rings);}"
    "geom={type:'MultiPolygon',coordinates:polys};}"
    "var p={};for(var q=0;q<keys.length;q++){p[keys[q]]=cols[keys[q]][i];}"
    "fs.push({type:'Feature',properties:p,geometry:geom});}"
    "return {type:'FeatureCollection',features:fs};}"
)


def script_safe_json(value) -> str:
    """Compact JSON that can sit inside ``<script>``: ``<``, ``>`` and ``&`` escaped as ``\\u003c`` etc."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_json_default)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def round_coordinates(geometries, decimals: int) -> np.ndarray:
    """Coordinates rounded to ``decimals`` for serialising.

    Rounding (not ``set_precision``, which re-nodes and can drop tiny islands) keeps every vertex, so a vertex
    shared by two neighbours stays shared.
    """
    geoms = np.asarray(geometries, dtype=object)
    return shapely.transform(geoms, lambda coords: np.round(coords, decimals))


def geojson_geometries(geometries, decimals: int) -> list[str | None]:
    """GeoJSON text of each geometry, coordinates rounded to ``decimals`` (``None`` for a missing one)."""
    return list(shapely.to_geojson(round_coordinates(geometries, decimals)))


def _is_polygonal(geoms: np.ndarray) -> np.ndarray:
    return np.isin(shapely.get_type_id(geoms), (3, 6))


def encode_geometries(geometries, decimals: int) -> list[str | None]:
    """Polygons as integer deltas on a ``10**-decimals`` grid (``[[[x0,y0,dx1,dy1,…],[hole…]],[…]]``), other
    geometries as GeoJSON text, missing ones as None."""
    geoms = np.asarray(geometries, dtype=object)
    out = geojson_geometries(geoms, decimals)
    area = np.flatnonzero(_is_polygonal(geoms))
    if len(area) == 0:
        return out
    polys, poly_owner = shapely.get_parts(geoms[area], return_index=True)
    rings, ring_owner = shapely.get_rings(polys, return_index=True)
    coords, coord_owner = shapely.get_coordinates(rings, return_index=True)
    grid = np.round(coords * 10 ** decimals).astype(np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(coord_owner)) + 1]
    ends = np.r_[starts[1:], len(coord_owner)]
    deltas = np.diff(grid, axis=0, prepend=np.zeros((1, 2), np.int64))
    deltas[starts] = grid[starts]  # each ring starts absolute
    flat = deltas.ravel().astype(str)
    ring_text = ["[" + ",".join(flat[2 * a:2 * (b - 1)]) + "]" for a, b in zip(starts, ends)]
    poly_rings: list[list[str]] = [[] for _ in polys]
    for text, owner in zip(ring_text, ring_owner):
        poly_rings[owner].append(text)
    geom_polys: list[list[str]] = [[] for _ in area]
    for rings_of, owner in zip(poly_rings, poly_owner):
        geom_polys[owner].append("[" + ",".join(rings_of) + "]")
    for slot, parts in zip(area, geom_polys):
        out[slot] = "[" + ",".join(parts) + "]"
    return out


def encode_shapes(geometries, decimals: int) -> list[str | None]:
    """:func:`encode_geometries` with the grid prefixed (``"<decimals>:"``), so it travels with a cached text."""
    return [None if text is None else f"{decimals}:{text}" for text in encode_geometries(geometries, decimals)]


def layer_collection(geometries: Sequence[str | None], properties: Sequence[dict]) -> str:
    """The layer :data:`DECODER_JS` decodes: grid scale, columnar properties, encoded geometries.

    Parameters
    ----------
    geometries : sequence of str
        From :func:`encode_shapes` (one grid for all), or plain GeoJSON texts, which pass the decoder unchanged.
    properties : sequence of dict
        One dict per geometry; sent as columns, a missing key is ``null``.
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
    scale = 10 ** (grids.pop() if grids else 0)
    return '{"s":' + str(scale) + ',"p":' + script_safe_json(columns) + ',"g":[' + ",".join(
        text or "null" for text in texts) + "]}"


def feature_collection(geometries: Sequence[str], properties: Sequence[dict]) -> str:
    """A plain GeoJSON FeatureCollection as compact, script-safe text (GeoJSON geometry texts)."""
    parts = ['{"type":"Feature","properties":' + script_safe_json(props) + ',"geometry":' + geometry + "}"
             for geometry, props in zip(geometries, properties)]
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"
