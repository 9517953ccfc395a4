"""Run every benchmark that can run here and print one table, saying what was skipped and why (SPEC §10, issue 16).

Run: ``python -m benchmarks.run_all [--skip-naive-explore] [--only browser,memory,cli,maps,export] [--priority]``

Each line has our figure, the naive path's figure measured in the same run, the ratio (naive / ours) and the
budget. Figures are wall-clock medians on this machine; the load average is printed before and after, because
the 2 cores are shared and a busy machine inflates every figure (ours and naive alike; the ratios hold up
better). ``--priority`` runs the benchmarks (and the servers, browsers and commands they start, ours and naive
alike) at a raised scheduling priority when the system allows it, which approaches a machine of their own; the
header says whether it was used.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import time
import warnings

from benchmarks.common import print_table

#: In the order they run: the browser first (its figures suffer most from a machine heated by the others).
PARTS = ("browser", "memory", "cli", "maps", "export")
#: Parts whose lines are the budget lines of issue 16.
ISSUE_16 = ("browser", "memory", "cli")


def machine_line() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{platform.node()} · {os.cpu_count()} cores · load average {load} · nice {os.nice(0)} · "
            f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-naive-explore", action="store_true", help="skip gdf.explore() in maps (minutes)")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}")
    parser.add_argument("--priority", action="store_true", help="raise the scheduling priority (ours and naive)")
    args = parser.parse_args()
    parts = [p for p in PARTS if p in args.only.split(",")]
    if args.priority:
        try:
            os.nice(-10)
        except OSError as error:
            print(f"priority not raised: {error}")
    warnings.filterwarnings("ignore")  # geopandas' geographic-CRS notes would drown the table
    print("start:", machine_line())
    results: dict[str, tuple[list, list]] = {}
    for part in parts:
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.bench_{part}")
            results[part] = module.run(explore=not args.skip_naive_explore) if part == "maps" else module.run()
        except Exception as exc:  # noqa: BLE001 - one broken part must not cost the others' figures
            results[part] = [], [(part, f"failed: {exc!r}"[:400])]
        print(f"  {part}: {time.perf_counter() - started:.0f} s; load now",
              ", ".join(f"{x:.1f}" for x in os.getloadavg()), flush=True)
    skipped_parts = [(part, "not asked for (--only)") for part in PARTS if part not in parts]
    print()
    print("Issue 16 budget lines (ours, the naive path in the same run, naive/ours, budget):")
    print_table([r for p in ISSUE_16 if p in results for r in results[p][0]],
                [s for p in ISSUE_16 if p in results for s in results[p][1]])
    print()
    print("SPEC §10, other lines:")
    print_table([r for p in PARTS if p not in ISSUE_16 and p in results for r in results[p][0]],
                [s for p in PARTS if p not in ISSUE_16 and p in results for s in results[p][1]] + skipped_parts)
    print("end:", machine_line())


if __name__ == "__main__":
    main()
