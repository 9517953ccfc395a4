"""Static PNG export (1920×1080) of the national commune map (SPEC §10: ≤ 3 s), cold and warm, against naive.

Rows (``run()`` returns them for :mod:`benchmarks.run_all`; ``main()`` prints them):

* import export modules: matplotlib, the dashboard's legend labels (folium), mapclassify (which imports
  scipy.stats): paid once per process;
* real communes (``../shared/data/real/vn_communes_2025.gpkg``, 3,321 units, 451,000 vertices, made-up values;
  skipped when absent): classify, lay out, draw and encode the PNG, **cold** (first export in the process: fonts
  loaded, projection built) and **warm** (second), against the naive ``GeoDataFrame.plot(column=...,
  scheme="quantiles", legend=True)`` of the unsimplified layer saved at the same size (no title, scale bar, inset);
* demo communes: the same drawing from an already loaded view (what a dashboard download button pays), and the
  CLI's whole ``render`` (reading the dataset directory + view table + drawing), warm;
* ``coverage-map export`` wall time: a fresh process, Python start-up, imports and data loading included.

Run: ``/work/venv/bin/python -m benchmarks.bench_export``
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


def our_png(table, spec, metadata: dict, context=None) -> bytes:
    """Classify, lay out and draw the view, and encode the PNG."""
    from dashboard.export_view import prepare_map_view
    from dashboard.static_map import export_static

    return export_static(prepare_map_view(table, spec, metadata=metadata, context=context), "png", SIZE)


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
    import dashboard.export_view  # noqa: F401
    import dashboard.static_map  # noqa: F401

    return [Row("fresh process", "import export modules", time.perf_counter() - start,
                note="matplotlib, folium (legend labels), mapclassify + scipy.stats; once per process")]


def real_rows(skipped: list) -> list[Row]:
    if not REAL_COMMUNES.exists():
        skipped.append(("real communes PNG", f"{REAL_COMMUNES} not found"))
        return []
    from analysis.view import ViewSpec
    from loaders.boundaries import read_boundaries

    start = time.perf_counter()
    units = read_boundaries(REAL_COMMUNES, level="commune").units
    load = time.perf_counter() - start
    table = units.assign(value=fake_values(len(units)), period="2025-Q4")
    table.attrs["period"] = "2025-Q4"
    spec = ViewSpec(indicator="smartphone_share")
    cold, warm, png = timed(lambda: our_png(table, spec, {"sources": ["gis.vn via vietnam-3d-map"]}))
    naive_cold, naive_warm, _ = timed(lambda: naive_png(table))
    case = f"real communes ({len(table):,})"
    return [Row(case, "read + repair boundaries, once", load),
            Row(case, "PNG cold (first export)", cold, naive_cold, BUDGET),
            Row(case, "PNG warm", warm, naive_warm, BUDGET, note=f"{len(png) / 1e6:.2f} MB PNG")]


def demo_rows(skipped: list) -> list[Row]:
    if not (DEMO_DIR / "geo" / "communes.parquet").exists():
        skipped.append(("demo communes PNG", f"no embedded data in {DEMO_DIR}"))
        return []
    from analysis.view import ViewSpec
    from dashboard.cli import build_parser
    from dashboard.cli.export import render
    from dashboard.export_data import DatasetSource, view_table

    source = DatasetSource(DEMO_DIR)
    spec = ViewSpec(indicator="smartphone_share")
    table = view_table(source, spec)
    provinces = source.provinces()
    _, warm, _ = timed(lambda: our_png(table, spec, source.metadata, provinces))
    with tempfile.TemporaryDirectory() as folder:
        args = build_parser().parse_args([*ARGS, "--out", os.path.join(folder, "national.png")])
        _, render_warm, _ = timed(lambda: render(args, "png"))
    case = f"demo communes ({len(table):,})"
    return [Row(case, "PNG warm, view loaded", warm, budget=BUDGET, note="with province borders and demo notice"),
            Row(case, "CLI render warm (read + draw)", render_warm, budget=BUDGET,
                note="dashboard.cli.export.render: dataset read, view table, drawing, PNG")]


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
    return [Row(CASE, "`coverage-map export` wall time", wall,
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
    print(f"Static export of the national commune map (SPEC §10: ≤ 3 s); load average {load} on "
          f"{os.cpu_count()} cores")
    rows, skipped = run()
    print_table(rows, skipped)


if __name__ == "__main__":
    main()
