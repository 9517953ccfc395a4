"""Static PNG export (1920×1080) of national maps (SPEC §10: ≤ 3 s), warm, against the naive ``gdf.plot``.

Rows (``run()`` returns them for :mod:`benchmarks.run_all`; ``main()`` prints them):

* import export modules (matplotlib, the writers): paid once per process;
* real communes (``../shared/data/real/vn_communes_2025.gpkg``, 3,321 units, made-up values; skipped when
  absent), through the dashboard's writer (:func:`dashboard.render.formats.export`, as the download buttons and
  the CLI call it), cold (first export in the process) and warm, against the naive
  ``GeoDataFrame.plot(column=..., scheme="quantiles", legend=True)`` of the unsimplified layer at the same size;
* the embedded demo data's national commune map and **national hamlet map** (67,458 units), warm;
* ``coverage-map export`` wall time: a fresh process, Python start-up, imports and data loading included.

Run: ``python -m benchmarks.bench_export``
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time

from benchmarks.common import DEMO_DIR, REAL_COMMUNES, REPO, Row, fake_values, print_table, timed

BUDGET = 3.0
SIZE = (1920, 1080)
CASE = "national PNG 1920×1080"
ARGS = ["export", "--indicator", "smartphone_share", "--level", "commune", "--format", "png", "--size", "1920x1080"]


def our_png(view, source) -> bytes:
    from dashboard.render import formats

    return formats.export("png", view, source, formats.ExportOptions(size=SIZE)).data


def naive_png(gdf) -> bytes:
    """``gdf.plot`` of the raw layer with a quantile legend, saved at 1920×1080."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(SIZE[0] / 150, SIZE[1] / 150), dpi=150)
    gdf.plot(column="value", scheme="quantiles", k=5, legend=True, ax=ax, cmap="YlGnBu",
             missing_kwds={"color": "lightgrey", "hatch": "///"})
    ax.set_axis_off()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150)
    plt.close(fig)
    return buffer.getvalue()


def import_rows() -> list[Row]:
    start = time.perf_counter()
    import dashboard.render.sheet  # noqa: F401
    import dashboard.render.static_map  # noqa: F401

    return [Row("fresh process", "import export modules", time.perf_counter() - start,
                note="matplotlib, the static map writer; once per process")]


def real_rows(skipped: list) -> list[Row]:
    if not REAL_COMMUNES.exists():
        skipped.append(("real communes PNG", f"{REAL_COMMUNES} not found"))
        return []
    import numpy as np

    from benchmarks.common import shown_view
    from dashboard.query import FileSource

    raw = __import__("geopandas").read_file(REAL_COMMUNES)
    units = raw.rename(columns={"ward_code": "commune_code", "ward_name": "commune_name"})
    table = units.drop(columns="geometry").assign(value=fake_values(len(units)), period="2025-Q4")
    table["denominator"] = np.round(np.random.default_rng(2).uniform(500, 20000, len(table)))
    table["numerator"] = np.round(table["denominator"] * table["value"] / 100)
    table.attrs["period"] = "2025-Q4"
    source = FileSource("commune", units, table, {"demo": False, "sources": ["gis.vn via vietnam-3d-map"]},
                        key="bench-real", _geometry_key="bench-real-" + str(REAL_COMMUNES.stat().st_mtime_ns))
    view = shown_view(__import__("pandas").DataFrame(table), "commune")
    cold, warm, png = timed(lambda: our_png(view, source))
    naive_cold, naive_warm, _ = timed(lambda: naive_png(units.assign(value=table["value"].to_numpy())))
    case = f"real communes ({len(table):,})"
    return [Row(case, "PNG cold (first export in the process)", cold, naive_cold, BUDGET),
            Row(case, "PNG warm", warm, naive_warm, BUDGET, note=f"{len(png) / 1e6:.2f} MB PNG")]


def demo_rows(skipped: list) -> list[Row]:
    if not (DEMO_DIR / "geo" / "communes.parquet").exists():
        skipped.append(("demo PNGs", f"no embedded data in {DEMO_DIR}"))
        return []
    from analysis.view import ViewSpec
    from dashboard.query import DatasetSource, indicator_view
    from loaders.settings import load_settings

    source, settings = DatasetSource(DEMO_DIR), load_settings()
    rows = []
    for level, budget in (("commune", BUDGET), ("hamlet", None)):
        view = indicator_view(source, ViewSpec(level=level), settings)
        first, warm, png = timed(lambda: our_png(view, source))
        rows.append(Row(f"demo national {level}s ({len(view.table):,})", "PNG warm, view loaded", warm, budget=budget,
                        note=f"first {first:.2f} s; {len(png) / 1e6:.2f} MB PNG; what a download button pays"))
    return rows


def cli_rows(skipped: list) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        coverage_map = os.path.join(os.path.dirname(sys.executable), "coverage-map")
        start = time.perf_counter()
        done = subprocess.run([coverage_map, *ARGS, "--out", os.path.join(folder, "national.png")], cwd=REPO,
                              capture_output=True, text=True)
        wall = time.perf_counter() - start
    if done.returncode != 0:
        skipped.append(("`coverage-map export` command", f"exit {done.returncode}: {done.stderr.strip()[-300:]}"))
        return []
    return [Row(CASE, "`coverage-map export` wall time (demo communes)", wall,
                note="fresh process: Python start-up, imports and data loading included")]


def run() -> tuple[list[Row], list[tuple[str, str]]]:
    try:
        rows = import_rows()   # first: measures the imports in a process that has not made them yet
    except Exception as exc:  # noqa: BLE001 - say why instead of failing the whole run_all table
        return [], [(CASE, f"export modules not importable: {exc!r}")]
    skipped: list[tuple[str, str]] = []
    rows += real_rows(skipped)   # first: its cold row is the first export in this process
    rows += demo_rows(skipped)
    rows += cli_rows(skipped)
    return rows, skipped


def main() -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Static export of national maps (SPEC §10: ≤ 3 s); load average {load} on {os.cpu_count()} cores")
    rows, skipped = run()
    print_table(rows, skipped)


if __name__ == "__main__":
    main()
