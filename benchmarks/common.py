"""Shared pieces of the benchmarks: timing, the naive and our map paths, and the printed table.

"Warm" is the second of two runs in the same process (imports done, caches hot), as SPEC §10 asks. Our path is
measured the way the dashboard runs it: geometry prepared once per (file, level, scale) — cleaned, coverage-
simplified and encoded into the geometry file the browser fetches once (:func:`prepare_layer`, reported
separately as "prepare, once per file") — then per indicator/period view only the values, the map (without its
geometry) and what streamlit-folium sends are made (:func:`our_view_payload`).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

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

def prepare_layer(gdf: gpd.GeoDataFrame, level: str, scale: str):
    """What the dashboard prepares once per (file, level, scale): the geometry file of the layer.

    Returns (the layer as the app serves it (by URL), the same layer inline, the simplified shapes).
    """
    from dashboard.render.codec import geometry_file
    from dashboard.render.geofiles import GeometryLayer
    from dashboard.render.legend import unit_names
    from loaders.schema import KEY_COLUMN

    view = S.view_scale(scale)
    simplified = S.simplify_cleaned(S.clean_geometries(gdf.geometry.to_numpy()), view)
    keys = gdf[KEY_COLUMN[level]].astype(str).to_numpy()
    boxes = np.asarray(shapely.bounds(gdf.geometry.to_numpy()), dtype=float)
    text = geometry_file(keys, unit_names(gdf, level), simplified, view.decimals)
    served = GeometryLayer(keys, boxes, url="/app/static/geo/benchmark.json")
    return served, GeometryLayer(keys, boxes, data=text), simplified


def shown_view(table: pd.DataFrame, level: str, indicator: str = "smartphone_share"):
    """A :class:`dashboard.query.ShownView` of a table with ``value`` (the query's output, made up here)."""
    from analysis.classify import classify_indicator
    from analysis.view import ViewSpec
    from dashboard.query import ShownView

    classes = classify_indicator(table["value"], "quantiles", 5)
    return ShownView("indicator", ViewSpec(level=level, indicator=indicator), table, classes,
                     table.attrs.get("period"), {"demo": False})


def our_view_payload(view, layer) -> tuple[int, int]:
    """Build the map of one view as the app does and what streamlit-folium sends for it.

    Returns (bytes of the map's script, header and html — the same for every view of the layer; bytes of the
    view's values).
    """
    from streamlit_folium import _get_feature_group_string, _get_header, _get_html, _get_map_string

    from dashboard.render.webmap import app_map

    m, group = app_map(view, layer, "vi", notes=["benchmark"])
    m.get_root().render()
    base = len((_get_html(m) + _get_header(m) + _get_map_string(m)).encode())
    return base, len(_get_feature_group_string(group, m).encode())


def payload_mb(html: str) -> float:
    return len(html.encode("utf-8")) / MB
