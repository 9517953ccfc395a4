"""What the guard costs: a check in a bounded worker process against the same check in the caller (issue 14).

Run: ``python -m benchmarks.bench_guard [--repeat 5]``

Prints, warm (the zygote running, the libraries loaded): the round trip of an empty guarded call, ``validate`` on
the real 2025 communes (the demo communes when the real file is absent) guarded and inline, with the ratio; the
cold start of the zygote; and ``coverage-map validate`` end to end. Figures are wall-clock on a shared machine:
the load average is printed with them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import DEMO_DIR, REAL_COMMUNES, REPO


def _median(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from loaders import guard
    from loaders.guard import run_guarded
    from loaders.validate import validate

    boundaries = REAL_COMMUNES if REAL_COMMUNES.exists() else DEMO_DIR / "geo" / "communes.parquet"
    print("load average:", ", ".join(f"{x:.1f}" for x in os.getloadavg()), f"· {os.cpu_count()} cores")
    started = time.perf_counter()
    guard.warm_up()
    run_guarded(os.getpid)  # the smallest call there is: the worker's pid
    cold = time.perf_counter() - started
    empty = _median(lambda: run_guarded(os.getpid), args.repeat * 4)
    inline = validate.__wrapped__
    inline(boundaries)  # warm the caller's caches too
    ours = _median(lambda: validate(boundaries), args.repeat)
    worker = guard.last_stats()
    naive = _median(lambda: inline(boundaries), args.repeat)
    script = Path(sys.executable).parent / "coverage-map"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "dashboard.cli"]
    cli = _median(lambda: subprocess.run([*command, "validate", "--boundaries", str(boundaries), "--json"],
                                         capture_output=True, check=True, cwd=REPO), max(2, args.repeat // 2))
    rows = [
        ("first guarded call (zygote starts, libraries load)", f"{cold:.2f} s", ""),
        ("empty guarded call, warm (fork, request, answer)", f"{empty * 1000:.0f} ms", ""),
        (f"validate {boundaries.name}, guarded (warm)", f"{ours:.2f} s",
         f"worker peak {worker.worker_peak_mb:.0f} MB, CPU {worker.worker_cpu_s:.2f} s"),
        (f"validate {boundaries.name}, inline in the caller", f"{naive:.2f} s",
         f"guarded/inline {ours / naive:.2f}×, overhead {ours - naive:+.2f} s"),
        (f"coverage-map validate {boundaries.name} (whole command)", f"{cli:.2f} s", ""),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>9}  {note}")
    guard.shutdown()


if __name__ == "__main__":
    main()
