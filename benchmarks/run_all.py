"""Run every benchmark that can run here and print one table, saying what was skipped and why (SPEC §10).

Run: ``/work/venv/bin/python -m benchmarks.run_all [--skip-naive-explore] [--only maps,browser,export]``

Figures are wall-clock on this machine; the load average is printed before and after, because the 2 cores are
shared and a busy machine inflates every figure (ours and naive alike; the ratios hold up better).
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import time
import warnings

from benchmarks.common import builder_name, print_table

PARTS = ("maps", "browser", "export")


def machine_line() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{platform.node()} · {os.cpu_count()} cores · load average {load} · {time.strftime('%Y-%m-%d %H:%M:%S %Z')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-naive-explore", action="store_true", help="skip gdf.explore() (minutes)")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}")
    args = parser.parse_args()
    parts = [p for p in args.only.split(",") if p]
    warnings.filterwarnings("ignore")  # geopandas' geographic-CRS notes would drown the table
    print("start:", machine_line())
    print("map builder:", builder_name())
    rows, skipped = [], []
    # Browser first: its figures suffer most from a machine heated by the naive paths.
    for part in [p for p in ("browser", "maps", "export") if p in parts]:
        try:
            module = importlib.import_module(f"benchmarks.bench_{part}")
            more, why = module.run(explore=not args.skip_naive_explore) if part == "maps" else module.run()
        except Exception as exc:  # noqa: BLE001 - one broken part must not cost the others' figures
            more, why = [], [(part, f"failed: {exc!r}"[:400])]
        rows, skipped = rows + more, skipped + why
    for part in set(PARTS) - set(parts):
        skipped.append((part, "not asked for (--only)"))
    print()
    print_table(rows, skipped)
    print("end:", machine_line())


if __name__ == "__main__":
    main()
