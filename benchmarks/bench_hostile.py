"""The hostile corpus (tests/hostile) end to end: every case through ``coverage-map validate`` in a subprocess and
through the upload panel's code in this process, then a table by class (issue 14).

Run: ``python -m benchmarks.bench_hostile [--only xlsx,csv] [--skip-slow] [--no-panel] [--no-interference]``

Columns: cases; outcomes as expected / not; accepted, refused by a message of ours, stopped by the guard (too
big, too slow); crashes of the worker (contained) and tracebacks (must be 0); the largest resident memory of any
process of a ``validate`` run (wait4: the CLI, its zygote, its workers); the largest resident memory of this
process (the "server") while the panel's code checked a case; the slowest answer. Then the interference check:
a session's rerun (the map page's view table) timed alone and while bombs are checked in other threads.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.common import DEMO_DIR, REPO

TESTS = REPO / "tests"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

STOPPED = ("guard.", "limits.")


def classify_cli(item, done: dict) -> tuple[str, bool]:
    """(outcome, as expected) of one ``validate`` run."""
    from hostile import fragment

    err = done["err"]
    if "Traceback (most recent call last)" in err or done["code"] not in (0, 2) or len(err.strip().splitlines()) > 1:
        return "traceback", False
    # read (exit 0), or read and judged: none of its rows gives figures to the four test communes
    if done["code"] == 0 or (done["out"] and fragment("join.cannot_apply") in err):
        report = json.loads(done["out"])
        problems = [str(p) for p in report["boundaries"]["problems"]]
        problems += [str(p) for entry in report.get("stats", []) for p in entry["problems"]]
        noted = item.key is None or any(fragment(item.key) in p for p in problems)
        return "accepted", item.expect in ("ok", "any") and noted
    from i18n import catalogue

    crashed = fragment("guard.crashed") in err or fragment("guard.failed") in err
    stopped = any(fragment(k) in err for k in catalogue() if k.startswith(STOPPED))
    outcome = "crashed" if crashed else "stopped" if stopped else "refused"
    keyed = item.key is None or fragment(item.key) in err
    return outcome, item.expect in ("refused", "any") and keyed and not crashed


def _hwm_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _reset_hwm() -> None:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        pass


def run_panel(item, files: list[Path], store) -> dict:
    from loaders.archive import stage_files
    from loaders.errors import LoaderError
    from loaders.ingest import check_upload

    _reset_hwm()
    started = time.monotonic()
    try:
        staged = stage_files(files, store.staging_dir())
        check = check_upload(staged, store)
        staged.discard()
        keys = [e.key for e in check.errors]
    except LoaderError as error:
        keys = [error.key]
    except Exception as error:  # noqa: BLE001 - counted as a traceback in the table
        keys = [f"traceback:{type(error).__name__}"]
    expect, key = item.panel_expectation()
    fine = not any(k.startswith("traceback") or k in ("guard.crashed", "guard.failed", "ingest.unreadable")
                   for k in keys)
    if expect == "refused":
        fine = fine and bool(keys) and (key is None or keys[0] == key)
    elif expect == "ok":
        fine = fine and not any(k.startswith(("guard.", "limits.", "grids.", "archive.")) for k in keys)
    return {"seconds": time.monotonic() - started, "server_mb": _hwm_mb(), "fine": fine, "keys": keys}


def make_store(folder: Path):
    from loaders.archive import stage_files
    from loaders.ingest import apply_upload, check_upload
    from loaders.store import DirectoryStore
    from loaders.store.plan import ApplyOptions
    from upload_fixtures import commune_boundaries, commune_stats_csv

    folder.mkdir(parents=True, exist_ok=True)
    store = DirectoryStore(folder / "store")
    for path in (commune_boundaries(folder / "ranh_gioi.geojson"), commune_stats_csv(folder / "q3.csv")):
        staged = stage_files([path], store.staging_dir())
        # instead of the embedded demo level (merged onto it, its figures would refuse these as implausible)
        apply_upload(store, staged, check_upload(staged, store), options=ApplyOptions(replace_level=True))
    return store


def interference(bombs: list[Path], good: Path, repeat: int = 7) -> tuple[float, float, int]:
    """Median time of a session's rerun (the map page's view table of the demo communes) alone, and while
    ``len(bombs)`` checks run in other threads, as the app runs other sessions' uploads."""
    from analysis.view import ViewSpec, build_view_table
    from loaders.dataset import load_stats, load_units
    from loaders.errors import LoaderError
    from loaders.validate import validate

    units, stats = load_units(DEMO_DIR, "commune"), load_stats(DEMO_DIR, "commune")

    def rerun() -> float:
        started = time.perf_counter()
        build_view_table(units, stats, ViewSpec(indicator="smartphone_share"))
        return time.perf_counter() - started

    rerun()
    alone = statistics.median(rerun() for _ in range(repeat))
    done = threading.Event()

    def check(path: Path) -> None:
        while not done.is_set():
            try:
                validate(good, [path]) if path.suffix in (".csv", ".xlsx") else validate(path)
            except LoaderError:
                pass

    threads = [threading.Thread(target=check, args=(p,), daemon=True) for p in bombs]
    for thread in threads:
        thread.start()
    time.sleep(2.0)  # the bombs are being read
    busy = statistics.median(rerun() for _ in range(repeat))
    done.set()
    return alone, busy, len(bombs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated classes or case names")
    parser.add_argument("--skip-slow", action="store_true")
    parser.add_argument("--no-panel", action="store_true", help="only the command line")
    parser.add_argument("--no-interference", action="store_true")
    args = parser.parse_args()
    import warnings

    warnings.filterwarnings("ignore")
    from hostile import all_cases, build_case
    from hostile.cli import run_validate
    from upload_fixtures import commune_boundaries

    only = {x for x in args.only.split(",") if x}
    cases = {n: c for n, c in all_cases().items() if (not only or n in only or c.klass in only)
             and not (args.skip_slow and c.slow)}
    print("load average:", ", ".join(f"{x:.1f}" for x in os.getloadavg()), f"· {os.cpu_count()} cores ·",
          f"{len(cases)} cases")
    table = defaultdict(lambda: defaultdict(float))
    misses = []
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        root = Path(tmp)
        good = commune_boundaries(root / "ranh_gioi.geojson")
        store = None if args.no_panel else make_store(root / "panel")
        for index, (name, item) in enumerate(cases.items()):
            files = build_case(item, root / "cases" / name)
            argv = ["--boundaries", str(files[0])] if item.role == "boundaries" else \
                ["--boundaries", str(good), "--stats", str(files[0])]
            done = run_validate(argv, files[0].parent)
            outcome, fine = classify_cli(item, done)
            row = table[item.klass]
            row["cases"] += 1
            row[outcome] += 1
            row["expected"] += fine
            row["peak_mb"] = max(row["peak_mb"], done["peak_mb"])
            row["worst_s"] = max(row["worst_s"], done["seconds"])
            line = f"[{index + 1}/{len(cases)}] {name}: {outcome} {done['seconds']:.1f} s {done['peak_mb']:.0f} MB"
            if store is not None:
                panel = run_panel(item, files, store)
                row["panel_expected"] += panel["fine"]
                row["server_mb"] = max(row["server_mb"], panel["server_mb"])
                row["worst_s"] = max(row["worst_s"], panel["seconds"])
                line += f" · panel {panel['keys'][:1] or 'ok'} {panel['seconds']:.1f} s"
                if not panel["fine"]:
                    misses.append(f"{name} (panel): {panel['keys']}")
            if not fine:
                misses.append(f"{name} (validate): {outcome}: {done['err'].strip()[:160]}")
            print(line, flush=True)
            for path in files:
                path.unlink(missing_ok=True)
        print_table(table, panel=store is not None)
        if misses:
            print("\nnot as expected:")
            for miss in misses:
                print("  " + miss)
        if not args.no_interference:
            bombs = [build_case(all_cases()[n], root / "bombs" / n)[0] for n in
                     ("csv_two_million_rows", "xlsx_600k_rows")]
            alone, busy, count = interference(bombs, good)
            print(f"\nanother session's rerun (view table of the demo communes): {alone * 1000:.0f} ms alone, "
                  f"{busy * 1000:.0f} ms while {count} bombs are checked: {busy / alone:.2f}× (budget 2×)")
    print("load average:", ", ".join(f"{x:.1f}" for x in os.getloadavg()))


def print_table(table: dict, panel: bool) -> None:
    columns = ["cases", "expected", "accepted", "refused", "stopped", "crashed", "traceback", "peak_mb",
               "server_mb", "worst_s"]
    if panel:
        columns.insert(2, "panel_expected")
    heads = {"cases": "cases", "expected": "as expected", "panel_expected": "panel as expected",
             "accepted": "accepted", "refused": "refused (message)", "stopped": "stopped by a cap/guard",
             "crashed": "worker crashed", "traceback": "tracebacks", "peak_mb": "peak RSS validate (MB)",
             "server_mb": "peak RSS server (MB)", "worst_s": "worst time (s)"}
    total = defaultdict(float)
    for row in table.values():
        for column in columns:
            total[column] = max(total[column], row[column]) if column in ("peak_mb", "server_mb", "worst_s") \
                else total[column] + row[column]
    print()
    print("| class | " + " | ".join(heads[c] for c in columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for klass, row in [*sorted(table.items()), ("**all**", total)]:
        cells = [f"{row[c]:.0f}" if c != "worst_s" else f"{row[c]:.1f}" for c in columns]
        print(f"| {klass} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
