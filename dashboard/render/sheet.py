"""A map sheet: a shown view with its shapes, legend, texts and surroundings, ready for a file.

Static images (:mod:`dashboard.render.static_map`), the standalone HTML (:mod:`dashboard.render.html`) and the
atlases (:mod:`dashboard.render.atlas`) all draw a :class:`MapSheet`. It adds nothing to the view's rows or
classes: it only attaches what a file needs to draw them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.query import ShownView
from dashboard.query.context import MapContext, map_context
from dashboard.render import texts
from dashboard.render.legend import Legend, legend_of


@dataclass
class MapSheet:
    """Everything a file shows of one map.

    Attributes
    ----------
    view : ShownView
        The rows, values and classes (unchanged).
    table : GeoDataFrame
        ``view.table`` with each unit's shape (EPSG:4326; empty where the unit has none).
    legend : Legend
    title, subtitle, source_line, notice : str
    context, highlight : GeoDataFrame or None
        Surrounding units drawn in grey (provinces) and the part the view covers (for the locator inset).
    outlines : GeoDataFrame or None
        Boundaries drawn over the map as lines (the communes of a hamlet map).
    surroundings : MapContext or None
        The sea, the neighbouring countries and Vietnam's land, with their names (:mod:`dashboard.query.context`).
    """

    view: ShownView
    lang: str
    table: gpd.GeoDataFrame
    legend: Legend
    title: str
    subtitle: str
    source_line: str
    notice: str = ""
    context: gpd.GeoDataFrame | None = None
    highlight: gpd.GeoDataFrame | None = None
    outlines: gpd.GeoDataFrame | None = None
    extra: dict = field(default_factory=dict)
    surroundings: MapContext | None = None

    # The names the static renderer reads (kept short: it draws many of them).
    @property
    def spec(self):
        return self.view.spec

    @property
    def classification(self):
        return self.view.classification

    @property
    def colours(self) -> list[str]:
        return self.legend.colours

    @property
    def legend_labels(self) -> list[str]:
        return self.legend.labels

    @property
    def legend_title(self) -> str:
        return f"{self.legend.title} ({self.legend.unit})" if self.legend.unit else self.legend.title

    @property
    def no_data_label(self) -> str:
        return self.legend.no_data_label

    @property
    def notes(self) -> list[str]:
        return list(self.legend.notes)

    @property
    def demo(self) -> bool:
        return self.view.demo


def with_shapes(view: ShownView, units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The view's rows with the shape of each unit (matched by key; rows without a shape get an empty one)."""
    key = view.key_column
    shapes = units.set_index(units[key].astype(str)).geometry
    shapes = shapes[~shapes.index.duplicated()]
    geometry = shapes.reindex(view.table[key].astype(str)).to_numpy()
    return gpd.GeoDataFrame(view.table.reset_index(drop=True), geometry=list(geometry), crs="EPSG:4326")


def map_sheet(view: ShownView, source, lang: str = "vi", *, units: gpd.GeoDataFrame | None = None,
              context: gpd.GeoDataFrame | None = None, place: str | None = None) -> MapSheet:
    """The sheet of a view from its source: shapes, legend with the view's notes, texts, provinces around.

    Parameters
    ----------
    units : GeoDataFrame, optional
        The units' shapes when the caller has them (an atlas reads them once for all its pages).
    context : GeoDataFrame, optional
        Surrounding units (default: the source's provinces).
    place : str, optional
        Overrides the place in the subtitle (an atlas page names its commune).
    """
    spec = view.spec
    if units is None:
        units = source.units(view.level, spec.province, spec.commune if view.level == "hamlet" else None)
    context = source.provinces() if context is None else context
    highlight = None
    if context is not None and spec.province and "province_code" in context.columns:
        highlight = context[context["province_code"].astype(str) == spec.province]
    outlines = None
    if view.level == "hamlet" and source.has_level("commune"):
        outlines = source.units("commune", spec.province)
        if spec.commune:
            outlines = outlines[outlines["commune_code"].astype(str) == spec.commune]
    notes = texts.summary_notes(view, lang)  # "Dữ liệu minh họa" is boxed in the footer
    subtitle = texts.subtitle(view, lang)
    if place:
        subtitle = " · ".join([place, *subtitle.split(" · ")[1:]])
    return MapSheet(view, lang, with_shapes(view, units), legend_of(view, lang, notes), texts.title(view, lang),
                    subtitle, texts.source_line(view.metadata, lang), texts.demo_notice(view, lang),
                    context, highlight, outlines, surroundings=map_context(source, "province"))


def part_of(view: ShownView, mask, **spec_changes) -> ShownView:
    """The rows of ``view`` where ``mask`` holds, with their classes (the bounds stay the view's)."""
    mask = np.asarray(mask, dtype=bool)
    table = view.table[mask].reset_index(drop=True)
    table.attrs.update(view.table.attrs)
    classes = replace(view.classification, class_of=np.asarray(view.classification.class_of)[mask])
    names = dict(view.names)
    for column in ("province_name", "commune_name"):
        if column in table.columns and len(table) and table[column].nunique() == 1:
            names[column] = str(table[column].iloc[0])
    return replace(view, table=table, classification=classes, spec=replace(view.spec, **spec_changes),
                   names=names)


def as_frame(table) -> pd.DataFrame:
    """A table without its geometry column (what the spreadsheet exports write)."""
    if isinstance(table, gpd.GeoDataFrame):
        return pd.DataFrame(table.drop(columns=table.geometry.name))
    return table
