"""Geometry the browser fetches once by URL: one file per layer (level and place) and per outline.

The app sends a map's shapes as a file under ``static/geo/`` (served by Streamlit's static file serving at
``/app/static/geo/``; git-ignored) instead of inside the map component: the browser downloads it once and keeps
it, and an indicator, period, scheme or class switch sends only values (:mod:`dashboard.render.webmap`). The
standalone HTML export puts the same text inline (one offline file).

A file's name is derived from everything its content depends on — the shapes' content hash, the simplification
algorithm and scale, the place, the file format (:func:`dashboard.query.geometry.shapes_key`,
:data:`dashboard.render.codec.FORMAT_VERSION`) — or, for outlines, from its text: a name never changes meaning,
so it can be cached by the browser, and a restarted server finds its files without simplifying or encoding
again. Files are written atomically (temporary file + ``os.replace``) and the folder is bounded
(:data:`MAX_BYTES`, least recently used first out).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import shapely

from dashboard.query import prepared_shapes
from dashboard.query.disk import evict_least_recent, file_entries
from dashboard.query.geometry import shapes_key
from dashboard.render import offline
from dashboard.render.codec import FORMAT_VERSION, geometry_file
from dashboard.render.legend import unit_names
from loaders.schema import KEY_COLUMN

#: Where the files are written (``static/geo``, served at :data:`GEO_URL`; git-ignored, safe to delete).
GEO_DIR = offline.STATIC_DIR / "geo"
GEO_URL = offline.local_url("geo")
#: Size cap of the folder: a national hamlet layer is a few MB, a national commune layer under one.
MAX_BYTES = 256 * 1024 * 1024

_touched: set[str] = set()
_lock = threading.Lock()


@dataclass(frozen=True)
class GeometryLayer:
    """The units of one level and place as the browser gets them: by URL (the app) or inline (a file).

    Attributes
    ----------
    keys : ndarray of str
        Unit keys in the order of the file (the order every view's values are sent in).
    boxes : ndarray, shape (n, 4)
        Each unit's extent (minx, miny, maxx, maxy), NaN when it has no shape: frames filtered views.
    url : str or None
        Where the app serves the file.
    data : str or None
        The file's text, for a page that carries its geometry.
    """

    keys: np.ndarray
    boxes: np.ndarray
    url: str | None = None
    data: str | None = None
    positions: pd.Index = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "positions", pd.Index(self.keys))

    def positions_of(self, keys) -> np.ndarray:
        """Position of each key in the file, −1 for a key the layer does not have."""
        wanted = pd.Index(keys).astype(str)
        if self.positions.is_unique:
            return self.positions.get_indexer(wanted)
        first = pd.Series(np.arange(len(self.keys))).groupby(self.keys).first()  # a repeated key: its first unit
        return first.reindex(wanted).fillna(-1).to_numpy(dtype=np.int64)

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def path(self) -> Path | None:
        """The served file on disk (None for an inline layer)."""
        return GEO_DIR / self.url.rsplit("/", 1)[-1] if self.url else None

    def frame(self, positions=None) -> tuple[float, float, float, float]:
        """Extent of all units, or of those at ``positions``; Vietnam when nothing has a shape."""
        boxes = self.boxes if positions is None else self.boxes[np.asarray(positions, dtype=int)]
        boxes = boxes[np.isfinite(boxes).all(axis=1)] if len(boxes) else boxes
        if not len(boxes):
            return (102.1, 8.3, 109.5, 23.4)
        return (float(boxes[:, 0].min()), float(boxes[:, 1].min()), float(boxes[:, 2].max()),
                float(boxes[:, 3].max()))


def geometry_layer(source, level: str, province: str | None = None, commune: str | None = None, *,
                   inline: bool = False, directory: Path | None = None) -> GeometryLayer:
    """The units of ``level`` in a place, simplified for its scale, as a geometry file.

    Parameters
    ----------
    source : DataSource
    level, province, commune
        The layer: every unit of the level in the place (filters of a view only hide units).
    inline : bool
        Carry the file's text (standalone HTML) instead of publishing it under ``static/geo``.
    directory : Path, optional
        Where to publish (tests); default :data:`GEO_DIR`.

    Returns
    -------
    GeometryLayer
        Published files are reused as long as their content would be the same: a restarted server skips the
        simplification and the encoding.
    """
    commune = commune if level == "hamlet" else None
    units = source.units(level, province, commune)
    keys = units[KEY_COLUMN[level]].astype(str).to_numpy()
    boxes = np.asarray(shapely.bounds(units.geometry.to_numpy()), dtype=float).reshape(-1, 4)

    def text() -> str:
        shapes = prepared_shapes(source, level, province, commune)
        if not np.array_equal(shapes.keys, keys):  # the cache and the units come from the same call: never
            raise RuntimeError("prepared shapes and units disagree on their order")
        return geometry_file(keys, unit_names(units, level), shapes.shapes, shapes.decimals)

    if inline:
        return GeometryLayer(keys, boxes, data=text())
    digest = hashlib.sha256(f"{FORMAT_VERSION}|{shapes_key(source, level, province, commune)}".encode())
    try:
        return GeometryLayer(keys, boxes, url=publish(f"{level}-{digest.hexdigest()[:24]}.json", text, directory))
    except OSError:  # a read-only installation: the map still works, with its geometry inline
        return GeometryLayer(keys, boxes, data=text())


def publish_text(text: str, prefix: str, directory: Path | None = None) -> str:
    """URL of a small file holding ``text`` (an outline), named by its content."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
    return publish(f"{prefix}-{digest}.json", lambda: text, directory)


def publish(name: str, make: Callable[[], str], directory: Path | None = None) -> str:
    """URL at which the app serves ``static/geo/<name>``; the file is written with ``make()`` when absent.

    A name means one content (see the module docstring), so an existing file is used as it is.
    """
    folder = Path(directory or GEO_DIR)
    target = folder / name
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")
        temp.write_text(make(), encoding="utf-8")
        os.replace(temp, target)
        evict(folder, keep=target)
    elif name not in _touched:
        with _lock:
            _touched.add(name)
        try:
            os.utime(target)  # used again by this process: evicted last
        except OSError:
            pass
    return f"{GEO_URL}/{name}"


def evict(folder: Path, max_bytes: int | None = None, keep: Path | None = None) -> None:
    """Remove the least recently used files until the folder holds at most ``max_bytes`` (never ``keep``)."""
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes  # read now: the cap can be changed
    for path in folder.glob(".*.tmp"):  # left by a process that died while writing
        try:
            if path.stat().st_mtime < time.time() - 3600:
                path.unlink(missing_ok=True)
        except OSError:
            pass
    evict_least_recent(file_entries(folder.glob("*.json")), max_bytes, keep)
