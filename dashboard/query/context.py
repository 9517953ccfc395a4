"""The map's surroundings, through the data source: Vietnam's land, the neighbouring countries and the names of
the seas and archipelagos (Natural Earth, :mod:`loaders.context`).

Pages never read the context file: the web map and the static exports ask here, with the source they show, so
a dataset with its own ``context/`` uses it and every other one uses the embedded file. The land and the
neighbours share their borders, so they are simplified together (coverage simplification keeps the shared
borders shared) once per file and scale, and kept for the life of the process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from analysis.simplify import ViewScale, simplify_geometries
from i18n import lang_column
from loaders.context import context_path, load_context

#: Kinds drawn as land (the rest are label points).
LAND_KINDS = ("vietnam", "country")
#: Detail of the surroundings per view scale: coarser than the units (quiet grey context, a few pixels of
#: error do not show), so the national layer stays small; commune views use the province detail.
CONTEXT_SCALES = {"national": ViewScale(0.02, 3), "province": ViewScale(0.003, 4), "commune": ViewScale(0.003, 4)}


@dataclass(frozen=True)
class MapContext:
    """The surroundings of a map at one scale.

    Attributes
    ----------
    kinds : ndarray of str
        "vietnam" or "country", one per shape.
    codes : ndarray of str
        ISO code of each shape ("VNM", "CHN", …).
    shapes : ndarray of shapely geometries
        Land simplified for the scale (EPSG:4326).
    decimals : int
        Decimals the shapes are drawn with.
    labels : DataFrame
        ``kind`` (country, sea, archipelago), ``code``, ``name_vi``, ``name_en``, ``lon``, ``lat``, ``rank``
        (1: always shown, 2: only when its point is inside the view).
    """

    kinds: np.ndarray
    codes: np.ndarray
    shapes: np.ndarray
    decimals: int
    labels: pd.DataFrame

    def clipped(self, bounds, margin: float = 0.5) -> "MapContext":
        """Only the land within ``bounds`` (minx, miny, maxx, maxy) widened by ``margin`` of its size: a
        province view does not carry the whole region."""
        minx, miny, maxx, maxy = bounds
        dx, dy = (maxx - minx) * margin + 0.5, (maxy - miny) * margin + 0.5
        window = (minx - dx, miny - dy, maxx + dx, maxy + dy)
        # intersection, not clip_by_rect: clipping a coast with islands by a rectangle can make the sea land.
        shapes = shapely.intersection(self.shapes, shapely.box(*window))
        keep = ~shapely.is_empty(shapes)
        return MapContext(self.kinds[keep], self.codes[keep], shapes[keep], self.decimals, self.labels)

    def name_column(self, lang: str) -> str:
        return lang_column("name", lang)


def _data_dir(source) -> Path | None:
    return getattr(source, "data_dir", None)


def map_context(source, scale: str = "national") -> MapContext:
    """The surroundings of the source's maps at a view scale ("national", "province", "commune")."""
    path = context_path(_data_dir(source))
    return _context(str(path), path.stat().st_mtime_ns, scale)


@lru_cache(maxsize=8)
def _context(path: str, mtime_ns: int, scale: str) -> MapContext:
    table = load_context(Path(path).parent.parent)
    land = table[table["kind"].isin(LAND_KINDS)].reset_index(drop=True)
    detail = CONTEXT_SCALES[scale]
    shapes = simplify_geometries(land.geometry.to_numpy(), detail)
    points = table[~table["kind"].isin(("vietnam",))]
    labels = pd.DataFrame({
        "kind": points["kind"].astype(str).to_numpy(), "code": points["code"].astype(str).to_numpy(),
        "name_vi": points["name_vi"].astype(str).to_numpy(), "name_en": points["name_en"].astype(str).to_numpy(),
        "lon": points["label_lon"].astype(float).to_numpy(), "lat": points["label_lat"].astype(float).to_numpy(),
        "rank": points["label_rank"].astype(int).to_numpy(),
    })
    return MapContext(land["kind"].astype(str).to_numpy(), land["code"].astype(str).to_numpy(), shapes,
                      detail.decimals, labels)
