"""Geometry as the browser receives it: compact encoding in Python and its decoder in JavaScript, in one place.

A *geometry file* (:func:`geometry_file`) holds the units of one level and place once: their keys, display names
and shapes. Polygons are integer deltas on a ``10**-decimals`` grid (the closing vertex dropped), about half the
bytes of rounded GeoJSON; other geometries (hamlet points) are GeoJSON. The app serves the file by URL (fetched
once, cached by the browser); the standalone HTML export inlines it. :data:`DECODER_JS` (``cmDecode``) turns it
back into keys, names and shapes (flat ``[x0, y0, x1, y1, …]`` rings in degrees) for the map's layer
(``static/coverage-map/choropleth.js``); it travels in the layer's own ``<script>`` (streamlit-folium inserts the
page header with innerHTML, where inline scripts do not run).
"""

from __future__ import annotations

import json
from typing import Sequence

import numpy as np
import shapely

#: Bump when :func:`geometry_file` changes, so files made by an older version are not reused.
FORMAT_VERSION = "2"

#: Decoder of :func:`geometry_file` (ES5): ``{k: keys, n: names, g: shapes}``; a polygonal shape is an array of
#: polygons, each an array of rings, each a Float64Array ``[x0, y0, x1, y1, …]`` (not closed); other shapes are
#: GeoJSON geometries; a missing one is null.
DECODER_JS = (
    "function cmDecode(d){var s=d.s,g=d.g,out=new Array(g.length);"
    "for(var i=0;i<g.length;i++){var x=g[i];if(!Array.isArray(x)){out[i]=x;continue;}"
    "var polys=new Array(x.length);for(var a=0;a<x.length;a++){var rs=x[a],rings=new Array(rs.length);"
    "for(var b=0;b<rs.length;b++){var r=rs[b],f=new Float64Array(r.length),px=0,py=0;"
    "for(var j=0;j<r.length;j+=2){px+=r[j];py+=r[j+1];f[j]=px/s;f[j+1]=py/s;}rings[b]=f;}"
    "polys[a]=rings;}out[i]=polys;}"
    "return {k:d.k,n:d.n,g:out};}"
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


def geometry_file(keys: Sequence[str], names: Sequence[str], shapes, decimals: int) -> str:
    """The units of one layer as :data:`DECODER_JS` reads them: ``{"v", "s", "k", "n", "g"}`` JSON text.

    Parameters
    ----------
    keys, names : sequence of str
        Unit keys and display names, in the order of ``shapes``.
    shapes : array of shapely geometries
        Simplified for the view's scale; encoded on its grid (:func:`encode_geometries`).
    decimals : int
        The grid: ``10**-decimals`` degrees.

    Returns
    -------
    str
        Compact JSON, safe inside ``<script>`` (the standalone HTML export inlines it).
    """
    texts = encode_geometries(shapes, decimals)
    return ('{"v":' + FORMAT_VERSION + ',"s":' + str(10 ** decimals) + ',"k":' + script_safe_json([str(k) for k in keys])
            + ',"n":' + script_safe_json([str(n) for n in names]) + ',"g":[' + ",".join(t or "null" for t in texts)
            + "]}")


def feature_collection(geometries: Sequence[str], properties: Sequence[dict]) -> str:
    """A plain GeoJSON FeatureCollection as compact, script-safe text (GeoJSON geometry texts)."""
    parts = ['{"type":"Feature","properties":' + script_safe_json(props) + ',"geometry":' + geometry + "}"
             for geometry, props in zip(geometries, properties)]
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"
