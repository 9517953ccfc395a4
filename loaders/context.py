"""The map's geographic context: Vietnam's land, its neighbours and the seas, with names and label points.

Read from ``context/natural_earth.parquet`` (Natural Earth 1:10m, public domain, via the npm
package ``world-atlas``; rebuilt by ``python -m loaders.demo.outline_rebuild``). It is the same for
every dataset, so a dataset directory without its own copy (an uploaded version) uses the embedded one.

Rows (``kind``):

- ``vietnam``: one MultiPolygon, the national land (mainland, coastal islands, Hoàng Sa, Trường Sa);
  the land mask of the demo communes, and land to draw under any dataset's units;
- ``country``: the neighbours' land in a frame around Vietnam (China, Laos, Cambodia, Thailand, ...);
- ``archipelago`` and ``sea``: Points, labels only (Quần đảo Hoàng Sa, Quần đảo Trường Sa, Biển Đông,
  Vịnh Thái Lan, Vịnh Bắc Bộ).

Every row but ``vietnam`` has ``name_vi``, ``name_en``, a label point (``label_lon``, ``label_lat``)
and ``label_rank`` (1: show on the national map; 2: only when the view reaches that far).
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pyarrow.parquet as pq

from loaders.dataset import DEFAULT_DATA_DIR
from loaders.errors import LoaderError

CONTEXT_FILE = "context/natural_earth.parquet"
#: Key of the provenance JSON in the Parquet file's key-value metadata.
PROVENANCE_KEY = b"coverage_map_provenance"
KINDS = ("vietnam", "country", "archipelago", "sea")


def context_path(data_dir: str | Path | None = None) -> Path:
    """The context file of ``data_dir`` when it has one, else the embedded one."""
    if data_dir is not None and (Path(data_dir) / CONTEXT_FILE).exists():
        return Path(data_dir) / CONTEXT_FILE
    return DEFAULT_DATA_DIR / CONTEXT_FILE


def load_context(data_dir: str | Path | None = None, kinds: tuple[str, ...] | None = None) -> gpd.GeoDataFrame:
    """The context layer as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    data_dir : str or Path, optional
        Dataset directory; the embedded file is used when it has no ``context/`` of its own.
    kinds : tuple of str, optional
        Keep only these kinds (:data:`KINDS`), e.g. ``("country",)`` for the neighbours' land.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``kind``, ``code``, ``name_vi``, ``name_en``, ``label_lon``, ``label_lat``,
        ``label_rank``, ``geometry``; the file's provenance (source, version, licence) is in
        ``.attrs["provenance"]``.

    Raises
    ------
    LoaderError
        The file is missing (a broken checkout) or unreadable.
    """
    path = context_path(data_dir)
    if not path.exists():
        raise LoaderError("the map context (Natural Earth outline) is missing; run "
                          "`python -m loaders.demo.outline_rebuild`", path)
    try:
        table = gpd.read_parquet(path)
        raw = pq.read_schema(path).metadata or {}
    except (OSError, ValueError) as error:
        raise LoaderError(f"cannot read the map context: {error}", path) from None
    if kinds is not None:
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise LoaderError(f"unknown context kind(s) {sorted(unknown)}; use {', '.join(KINDS)}")
        table = table[table["kind"].isin(kinds)].reset_index(drop=True)
    table.attrs["provenance"] = json.loads(raw[PROVENANCE_KEY]) if PROVENANCE_KEY in raw else {}
    return table


def vietnam_land(data_dir: str | Path | None = None):
    """Vietnam's land (shapely MultiPolygon, EPSG:4326) from the context file."""
    land = load_context(data_dir, kinds=("vietnam",))
    if len(land) != 1:
        raise LoaderError("the map context has no single 'vietnam' row", context_path(data_dir))
    return land.geometry.iloc[0]
