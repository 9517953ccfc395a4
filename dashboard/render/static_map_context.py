"""The surroundings on static maps (PNG, PDF, SVG): the sea as the map's background, the neighbouring countries
in quiet grey, Vietnam's land in near-white under the units, and the names of the neighbours, the seas and the
archipelagos (Hoàng Sa, Trường Sa) with a thin halo in the sea's colour. The same data and colours as the web map
(:mod:`dashboard.render.webmap_context`), from the query layer (:mod:`dashboard.query.context`).
"""

from __future__ import annotations

import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.patches import Rectangle
from pyproj import Transformer

from dashboard.query.context import MapContext
from i18n import lang_column
from dashboard.render.webmap_context import NEIGHBOUR_EDGE, NEIGHBOUR_FILL, SEA, VIETNAM_FILL

#: Label styles per kind: colour, italic, size relative to the footer font.
LABEL_STYLE = {"country": ("#857f76", False, 1.05), "sea": ("#5d7488", True, 1.0),
               "archipelago": ("#4d5a66", True, 0.95)}


def window_lonlat(crs: str, xlim, ylim, margin: float = 0.3):
    """The map's frame in longitude/latitude (widened by ``margin`` of its size), to clip the surroundings."""
    back = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    xs = np.array([xlim[0], xlim[1], xlim[0], xlim[1], (xlim[0] + xlim[1]) / 2, (xlim[0] + xlim[1]) / 2])
    ys = np.array([ylim[0], ylim[0], ylim[1], ylim[1], ylim[0], ylim[1]])
    lon, lat = back.transform(xs, ys)
    minx, maxx, miny, maxy = float(np.min(lon)), float(np.max(lon)), float(np.min(lat)), float(np.max(lat))
    dx, dy = (maxx - minx) * margin, (maxy - miny) * margin
    return minx - dx, miny - dy, maxx + dx, maxy + dy


def draw_land(ax, context: MapContext | None, crs: str, xlim, ylim, project, collection, simplify,
              units_per_px: float) -> None:
    """Sea background, neighbours and Vietnam's land below everything else (``project``, ``collection`` and
    ``simplify`` are the static map's own helpers)."""
    # The axes are "off" (no ticks, no patch): the sea is a rectangle of its own under everything.
    ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, facecolor=SEA, edgecolor="none", zorder=0,
                           gid="sea"))
    if context is None or not len(context.shapes):
        return
    window = window_lonlat(crs, xlim, ylim)
    # intersection, not clip_by_rect: clipping a coast with islands by a rectangle can turn the sea into land.
    shapes = shapely.intersection(context.shapes, shapely.box(*window))
    keep = ~shapely.is_empty(shapes)
    if not keep.any():
        return
    projected = simplify(project(shapes[keep], crs), units_per_px / 2)
    kinds = context.kinds[keep]
    neighbours = collection(projected[kinds != "vietnam"], NEIGHBOUR_FILL, edgecolors=NEIGHBOUR_EDGE,
                            linewidths=0.7, zorder=0.5)
    land = collection(projected[kinds == "vietnam"], VIETNAM_FILL, edgecolors="none", zorder=0.8)
    for layer in (neighbours, land):
        if layer is not None:
            ax.add_collection(layer, autolim=False)


def label_points(context: MapContext, lang: str, crs: str, xlim, ylim, strip: float = 0.0):
    """(x, y, name, kind, below) of the names to print: rank 1 when inside the frame, rank 2 only well inside
    it; an archipelago's name just below its islands. Points in the map's metric CRS."""
    if context is None or context.labels.empty:
        return []
    forward = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    land = context.shapes[context.kinds == "vietnam"]
    parts = shapely.get_parts(land) if len(land) else np.array([])
    width, height = xlim[1] - xlim[0], ylim[1] - ylim[0]
    bottom = ylim[0] + height * strip
    found = []
    for row in context.labels.itertuples(index=False):
        lon, lat, below = float(row.lon), float(row.lat), False
        if row.kind == "archipelago" and len(parts):
            near = parts[shapely.dwithin(parts, shapely.Point(lon, lat), 1.2)]
            if len(near):
                lat, below = float(shapely.total_bounds(near)[1]), True
        x, y = forward.transform(lon, lat)
        inset = 0.02 if row.rank == 1 else 0.12
        if not (xlim[0] + width * inset <= x <= xlim[1] - width * inset
                and bottom + height * inset <= y <= ylim[1] - height * inset):
            continue
        found.append((x, y, str(getattr(row, lang_column("name", lang))), row.kind, below))
    return found


def draw_labels(ax, context: MapContext | None, lang: str, crs: str, xlim, ylim, fontsize: float,
                strip: float = 0.0) -> None:
    """The names of the surroundings, 9–10 pt on a slide, with a halo in the sea's colour, kept inside the
    frame (a name near an edge is aligned to that edge instead of centred on its point)."""
    width_px = ax.get_window_extent().width or 1.0
    units_per_pt = (xlim[1] - xlim[0]) / width_px * ax.figure.dpi / 72
    for x, y, name, kind, below in label_points(context, lang, crs, xlim, ylim, strip):
        colour, italic, scale = LABEL_STYLE.get(kind, LABEL_STYLE["country"])
        size = fontsize * scale
        half = len(name) * 0.3 * size * units_per_pt  # DejaVu Sans: ~0.6 em per character
        align = "center"
        if x + half > xlim[1]:
            x, align = xlim[1] - 4 * units_per_pt, "right"
        elif x - half < xlim[0]:
            x, align = xlim[0] + 4 * units_per_pt, "left"
        halo = NEIGHBOUR_FILL if kind == "country" else SEA
        text = ax.annotate(name, (x, y), xytext=(0, -3 if below else 0), textcoords="offset points",
                           ha=align, va="top" if below else "center", fontsize=size, color=colour,
                           style="italic" if italic else "normal", zorder=6, clip_on=True, gid=f"context-{kind}")
        text.set_path_effects([patheffects.withStroke(linewidth=1.6, foreground=halo)])
