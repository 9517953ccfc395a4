"""The web map's extra layers for a shown view: surroundings, names, tiny islands, bubbles, the chosen unit.

The surroundings belong to the map of a level and place (:func:`map_layers`: drawn once, kept while the views
change); the others to each view (:func:`view_layers`: sent with the view's values, the framing clear of the
legend last). :class:`MapExtras` carries what they are made from: the app passes its cached context, label points
and shapes; :func:`source_extras` fetches them from the source (the HTML export).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from dashboard.query import PreparedShapes, ShownView, prepared_shapes
from dashboard.query.context import MapContext, map_context
from dashboard.query.counts import count_values
from dashboard.query.geometry import scale_of
from dashboard.query.labels import label_points
from dashboard.render import webmap_context, webmap_labels, webmap_layers
from dashboard.render.legend import unit_names
from i18n import format_number, t
from loaders.errors import LoaderError


@dataclass
class MapExtras:
    """What to add to a view's web map.

    Attributes
    ----------
    context : MapContext or None
        The surroundings (sea, neighbours, Vietnam's land) at the view's scale.
    labels : DataFrame or None
        Label points of the units named (:func:`dashboard.query.labels.label_points` of
        :func:`dashboard.render.webmap_labels.label_scope`).
    bubbles : str or None
        A count shown as proportional symbols (:data:`dashboard.query.counts.BUBBLE_COUNTS`).
    highlight : tuple of str
        Keys of units outlined in black.
    font_scale : float
        Larger names, dots and bubbles on a projector.
    neighbours : DataFrame or None
        Label points of the provinces around a province map (named in grey where they have room).
    shapes : PreparedShapes or None
        The layer's simplified units: tiny islands and bubble positions are found on them (none: neither).
    """

    context: MapContext | None = None
    labels: pd.DataFrame | None = None
    bubbles: str | None = None
    highlight: tuple[str, ...] = field(default_factory=tuple)
    font_scale: float = 1.0
    neighbours: pd.DataFrame | None = None
    shapes: PreparedShapes | None = None


#: Above this many units a bubble per unit is a smudge: the bubbles are summed per province instead.
MAX_BUBBLES = 400


def _bubble_layer(view: ShownView, count: str, lang: str, extras: MapExtras):
    values = count_values(view.table, view.level, count).to_numpy(dtype=float)
    title = t(f"bubble.{count}", lang)
    by_province = (len(values) > MAX_BUBBLES and extras.labels is not None and len(extras.labels)
                   and webmap_labels.label_scope(view.spec)[0] == "province" and "province_code" in view.table)
    if by_province:
        sums = pd.Series(values).groupby(view.table["province_code"].astype(str).to_numpy()).sum(min_count=1)
        points = extras.labels.set_index("key")
        data = [[round(float(points.at[code, "lat"]), 5), round(float(points.at[code, "lon"]), 5), float(total),
                 format_number(total, lang), "", str(points.at[code, "name"])]
                for code, total in sums.items() if code in points.index and np.isfinite(total) and total > 0]
        title = t("bubble.by_province", lang, count=title)
    elif extras.shapes is not None:
        shapes = extras.shapes
        keys = np.asarray(view.keys())
        position = {key: i for i, key in enumerate(shapes.keys)}
        rows = [i for i, key in enumerate(keys) if key in position and np.isfinite(values[i]) and values[i] > 0]
        centres = shapely.point_on_surface(shapes.shapes[[position[keys[i]] for i in rows]]) if rows else []
        names = unit_names(view.table, view.level)
        data = [[round(float(y), 5), round(float(x), 5), float(values[i]), format_number(values[i], lang), keys[i],
                 names[i]] for i, x, y in zip(rows, shapely.get_x(centres), shapely.get_y(centres))]
    else:
        data = []
    if not data:
        return None
    vmax = max(point[2] for point in data)
    keys_ = webmap_layers.nice_keys(vmax, lambda v: format_number(v, lang))
    return webmap_layers.bubbles(data, title, keys_, vmax, extras.font_scale)


def map_css(font_scale: float = 1.0) -> str:
    """The style of the extra layers (a page's header: the views' values carry no styles)."""
    return webmap_layers.bubble_css(font_scale) + webmap_labels.label_css(font_scale)


def map_layers(extras: MapExtras | None, bounds, inline: bool = False) -> tuple[str, list]:
    """The map's own extra layer and style: the surroundings (sea, neighbours, Vietnam's land) near ``bounds``."""
    if extras is None or extras.context is None:
        return "", []
    return webmap_context.sea_css(), [webmap_context.context_layer(extras.context, bounds, inline)]


def view_layers(view: ShownView, lang: str, extras: MapExtras | None, bounds) -> list:
    """The view's extra elements in drawing order, the framing clear of the legend last."""
    extras = extras or MapExtras()
    layers: list = []
    keys = view.keys()
    if extras.shapes is not None:
        layers.append(webmap_layers.tiny_dots(webmap_layers.tiny_parts(extras.shapes, keys), extras.font_scale))
    if extras.bubbles:
        layers.append(_bubble_layer(view, extras.bubbles, lang, extras))
    layers.append(webmap_layers.highlight(extras.highlight))
    items = []
    if extras.context is not None:
        items += webmap_labels.context_labels(extras.context, lang, bounds)
    if extras.labels is not None and len(extras.labels):
        level = webmap_labels.label_scope(view.spec)[0]
        items += webmap_labels.unit_labels(extras.labels, level, keys if level == view.level else None)
    if extras.neighbours is not None and len(extras.neighbours):
        items += webmap_labels.unit_labels(extras.neighbours, "province", kind="neighbour")
    layers.append(webmap_labels.labels_script(items))
    return webmap_layers.with_framing(layers, bounds)


#: Beyond this many units the map is one canvas (no unit layers to put a dot on or to click through a bubble),
#: and finding tiny islands among every hamlet of the country would cost seconds: no shapes for the extras.
MAX_SHAPED_UNITS = 10_000


def layer_shapes(source, level: str, province: str | None, commune: str | None) -> PreparedShapes | None:
    """The simplified units of a layer, for the tiny-island dots and the bubbles (None for huge layers)."""
    shapes = prepared_shapes(source, level, province, commune if level == "hamlet" else None)
    return shapes if len(shapes.keys) <= MAX_SHAPED_UNITS else None


def source_extras(view: ShownView, source, **options) -> MapExtras:
    """:class:`MapExtras` with the surroundings, label points and shapes fetched from ``source``."""
    spec = view.spec
    scale = scale_of(spec.province, spec.commune, spec.level)
    context = map_context(source, scale)
    level, province, commune = webmap_labels.label_scope(spec)
    try:
        points = label_points(source, level, province, commune)
    except LoaderError:  # a source that cannot make that level (no province codes): no names, the map draws
        points = None
    return MapExtras(context=context, labels=points, shapes=layer_shapes(source, spec.level, spec.province, spec.commune),
                     **options)
