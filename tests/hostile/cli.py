"""Run ``coverage-map validate`` in a subprocess and measure it: exit code, output, seconds, peak memory.

The peak is the largest resident memory of any process of the command's tree (the CLI, its zygote, its workers:
``wait4`` counts what each process waited for). The command is started by a small launcher process because Linux
charges a child started with ``vfork`` (what :mod:`subprocess` uses) with its parent's peak: measured from a big
test or benchmark process, every command would look as big as that process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

_LAUNCHER = ("import os,sys;p=os.posix_spawn(sys.argv[2],sys.argv[2:],os.environ);_,s,r=os.wait4(p,0);"
             "open(sys.argv[1],'w').write(str(r.ru_maxrss));sys.exit(os.waitstatus_to_exitcode(s))")


def command() -> list[str]:
    """The console script of this environment."""
    script = Path(sys.executable).parent / "coverage-map"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dashboard.cli"]


def run_validate(argv: list[str], workdir: Path, timeout: float = 180) -> dict:
    """``coverage-map validate ARGV --json`` run in ``workdir``: ``code``, ``out``, ``err``, ``seconds``, ``peak_mb``."""
    out_path, err_path, peak_path = workdir / "stdout.txt", workdir / "stderr.txt", workdir / "maxrss.txt"
    peak_path.unlink(missing_ok=True)
    started = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        process = subprocess.Popen([sys.executable, "-S", "-c", _LAUNCHER, str(peak_path), *command(), "validate",
                                    *argv, "--json"], stdout=out, stderr=err, cwd=workdir,
                                   start_new_session=True)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the launcher and the command it started
            code = process.wait()
    seconds = time.monotonic() - started
    peak_kb = int(peak_path.read_text()) if peak_path.exists() else 0
    return {"code": code, "out": out_path.read_text("utf-8", "replace"), "err": err_path.read_text("utf-8", "replace"),
            "seconds": seconds, "peak_mb": peak_kb / 1024}
