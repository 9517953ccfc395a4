"""Shared pieces of the benchmarks: timing, the naive and our map paths, and the printed table.

"Warm" is the second of two runs in the same process (imports done, caches hot), as SPEC §10 asks. Our path is
measured the way the dashboard runs it: geometry prepared once per (file, level, scale) and cached as the compact
delta-encoded text the map sends (:func:`prepare_geometry`, reported separately as "prepare, once per file"), then
per indicator/period view only the classification, the per-feature properties, the folium map and its HTML are built (:func:`our_map_html`).
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as `python benchmarks/x.py` from anywhere
    sys.path.insert(0, str(REPO))

from analysis import simplify as S  # noqa: E402

REAL_COMMUNES = REPO.parent / "shared" / "data" / "real" / "vn_communes_2025.gpkg"
DEMO_DIR = REPO / "data"
MB = 1_000_000


@dataclass
class Row:
    """One printed line: a measured figure for our path and the naive one, against a budget."""

    case: str
    metric: str
    ours: float | None
    naive: float | None = None
    budget: float | None = None
    unit: str = "s"
    note: str = ""

    def ratio(self) -> str:
        if self.ours is None or self.naive is None or self.ours == 0:
            return ""
        return f"{self.naive / self.ours:,.1f}×"

    def verdict(self) -> str:
        if self.ours is None:
            return "SKIP"
        if self.budget is None:
            return ""
        return "ok" if self.ours <= self.budget else "OVER"


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:,.2f} MB"
    if unit == "s":
        return f"{value:,.3f} s"
    return f"{value:,.0f} {unit}"


def print_table(rows: list[Row], skipped: list[tuple[str, str]] = ()) -> None:
    """The results as a fixed-width table, then what was skipped and why."""
    head = ("case", "metric", "ours", "naive", "naive/ours", "budget", "")
    lines = [head] + [
        (r.case, r.metric, fmt(r.ours, r.unit), fmt(r.naive, r.unit), r.ratio(),
         ("≤ " + fmt(r.budget, r.unit)) if r.budget is not None else "", r.verdict())
        for r in rows
    ]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    for n, line in enumerate(lines):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * width for width in widths))
    notes = [f"  [{r.case} / {r.metric}] {r.note}" for r in rows if r.note]
    if notes:
        print("notes:")
        print("\n".join(notes))
    for what, why in skipped:
        print(f"SKIPPED {what}: {why}")


#: CPU seconds of the last run of the last :func:`timed` call: less sensitive than wall time to other
#: processes on a shared machine (printed in the notes).
LAST_CPU = [0.0]


def timed(fn: Callable, runs: int = 2):
    """Run ``fn`` ``runs`` times; returns (seconds of the first run, of the last run, last result)."""
    times, result = [], None
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - start)
        LAST_CPU[0] = time.process_time() - cpu
    return times[0], times[-1], result


def fake_values(n: int, seed: int = 1) -> np.ndarray:
    """Plausible shares (0-100 %) with some "no data", for maps whose statistics do not matter here."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(20, 98, n)
    values[rng.random(n) < 0.03] = np.nan
    return values


# --- naive paths -------------------------------------------------------------------------------------------------

def naive_explore_html(gdf: gpd.GeoDataFrame, column: str = "value") -> str:
    """``gdf.explore()`` of the raw layer (every attribute in the tooltip, Python style per feature)."""
    return gdf.explore(column=column).get_root().render()


def naive_geojson_html(gdf: gpd.GeoDataFrame) -> str:
    """A plain ``folium.GeoJson`` of the unsimplified layer on a default map."""
    m = folium.Map(location=[16, 106], zoom_start=6)
    folium.GeoJson(gdf).add_to(m)
    return m.get_root().render()


# --- our path ----------------------------------------------------------------------------------------------------

def prepare_geometry(gdf: gpd.GeoDataFrame, key_column: str, scale: str, encoded: bool = True):
    """What the dashboard caches per (file, level, scale): unit key → simplified geometry text.

    ``encoded`` (the dashboard's way): :func:`dashboard.folium_map.encode_shapes`, delta-encoded on the view's grid;
    otherwise rounded GeoJSON text (the layer before the encoding, which the builder still accepts).
    Returns (texts by key, bounds, simplified geometries).
    """
    view = S.view_scale(scale)
    simplified = S.simplify_for_view(S.prepare_coverage(gdf), view).geometry.to_numpy()
    if encoded:
        from dashboard.folium_map import encode_shapes

        texts = encode_shapes(simplified, view.decimals)
    else:
        texts = S.geojson_geometries(simplified, view.decimals)
    return dict(zip(gdf[key_column].astype(str), texts)), tuple(float(b) for b in gdf.total_bounds), simplified


def builder_name() -> str:
    """Which map builder :func:`our_map_html` uses (the dashboard's once it imports)."""
    try:
        from dashboard.map_view import indicator_map  # noqa: F401
        return "dashboard.map_view.indicator_map (lean folium_map)"
    except Exception as exc:  # noqa: BLE001 - the builder is developed in parallel; fall back, say so
        return f"fallback folium.GeoJson + JS style (dashboard builder not importable: {exc!r})"


def our_map_html(table: pd.DataFrame, level: str, geometries: dict[str, str], bounds, indicator: str) -> str:
    """Build the choropleth from cached geometry and a view table, and render it to HTML."""
    try:
        from dashboard.map_view import indicator_map
    except Exception:  # noqa: BLE001
        return _fallback_map_html(table, level, geometries, bounds)
    m, _ = indicator_map(table, level, geometries, bounds, indicator, notes=["benchmark"])
    return m.get_root().render()


def _fallback_map_html(table: pd.DataFrame, level: str, geometries: dict[str, str], bounds) -> str:
    """Lean path without the dashboard: class index as a property, one JS style function, canvas."""
    from folium.utilities import JsCode
    from loaders.schema import KEY_COLUMN, NAME_COLUMN

    values = table["value"].to_numpy(dtype=float)
    finite = np.isfinite(values)
    bins = np.nanquantile(values, [0.2, 0.4, 0.6, 0.8]) if finite.any() else []
    classes = np.where(finite, np.searchsorted(bins, np.nan_to_num(values)), -1)
    keys = table[KEY_COLUMN[level]].astype(str)
    names = table[NAME_COLUMN[level]].astype(str)
    feats = [
        '{"type":"Feature","properties":' + S._script_safe({"k": k, "n": n, "c": int(c)}) + ',"geometry":'
        + geometries[k] + "}" for k, n, c in zip(keys, names, classes) if k in geometries
    ]
    data = '{"type":"FeatureCollection","features":[' + ",".join(feats) + "]}"
    m = folium.Map(tiles=None, prefer_canvas=True)
    style = JsCode("function(f){var c=['#d7191c','#fdae61','#ffffbf','#a6d96a','#1a9641'];"
                   "return {weight:0.3,color:'#fff',fillOpacity:0.85,fillColor:f.properties.c<0?'#ccc':c[f.properties.c]};}")
    folium.GeoJson(json.loads(data), style=style).add_to(m)
    minx, miny, maxx, maxy = bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m.get_root().render()


def payload_mb(html: str) -> float:
    return len(html.encode("utf-8")) / MB
