"""Static PNG export (1920×1080) of the national commune map on the embedded data (SPEC §10: ≤ 3 s).

Measured in-process through the CLI's own rendering function (``dashboard.cli.export.render``), warm (second
run), and as the wall time of the ``coverage-map export`` command (includes Python start-up and imports).

Run: ``/work/venv/bin/python -m benchmarks.bench_export``
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from benchmarks.common import REPO, Row, print_table, timed

ARGS = ["export", "--indicator", "smartphone_share", "--level", "commune", "--format", "png", "--size", "1920x1080"]


def missing_reason() -> str | None:
    try:
        from dashboard import static_map  # noqa: F401
        from dashboard.cli import export  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - built in parallel by the export engineer
        return f"dashboard.static_map / dashboard.cli.export not importable yet: {exc!r}"
    return None


def run() -> tuple[list[Row], list[tuple[str, str]]]:
    reason = missing_reason()
    if reason:
        return [], [("national PNG export", reason)]
    from dashboard.cli import build_parser
    from dashboard.cli.export import render

    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "national.png")
        args = build_parser().parse_args([*ARGS, "--out", out])
        first, warm, png = timed(lambda: render(args, "png"))
        coverage_map = os.path.join(os.path.dirname(sys.executable), "coverage-map")
        start = time.perf_counter()
        done = subprocess.run([coverage_map, *ARGS, "--out", out], cwd=REPO, capture_output=True, text=True)
        wall = time.perf_counter() - start
    note = f"first run {first:.2f} s; {len(png) / 1e6:.2f} MB PNG"
    rows = [Row("national PNG 1920×1080", "export warm (in-process)", warm, budget=3.0, note=note)]
    if done.returncode == 0:
        rows.append(Row("national PNG 1920×1080", "`coverage-map export` wall time", wall,
                        note="cold: Python start-up, imports and data loading included"))
        return rows, []
    return rows, [("`coverage-map export` command", f"exit {done.returncode}: {done.stderr.strip()[-300:]}")]


def main() -> None:
    rows, skipped = run()
    print_table(rows, skipped)


if __name__ == "__main__":
    main()
