"""Read untrusted files in a worker process with bounded memory, CPU time and wall time (issue 14, SPEC §11).

A hostile or broken file must not hurt the server or other users: a 5 KB workbook can ask openpyxl for gigabytes,
a polygon can crash GEOS with SIGSEGV, a CSV can keep a parser busy for minutes. So uploads and command-line
files are parsed, cleaned and joined in a separate process (:mod:`loaders.guard_worker`) that bounds itself
(``RLIMIT_AS``, ``RLIMIT_CPU``, lower priority) and is killed when the wall-clock limit passes. Whatever happens
there, the caller gets the result, the reader's own :class:`~loaders.errors.LoaderError`, or one of ours (keys
``guard.*``) naming the file being read when it stopped: too big, too slow, or the reading library crashed.

How workers start. Forking the Streamlit server itself would copy a large multi-threaded process (locks held by
other threads stay locked in the child), and ``multiprocessing``'s ``spawn`` and ``forkserver`` both re-run the
parent's ``__main__`` in the child, which under Streamlit is the app script. So the guard runs its own fork
server: a *zygote* (``python -m loaders.guard_worker``, started once per process with :mod:`subprocess`) loads the
reading libraries single-threaded, then forks one worker per request, which costs milliseconds instead of the
second a fresh interpreter needs. Each worker serves one request and exits, so every file gets fresh limits and
nothing a hostile file did outlives it (``benchmarks/bench_guard.py`` measures the overhead).

Use :func:`guarded` on an entry point whose arguments and result pickle (paths in, reports or loads out); a
guarded call made inside a worker runs inline.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import pickle
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from loaders import limits as limits_module
from loaders.errors import LoaderError
from loaders.guard_zygote import Guard, Timeout, frames, write_all
from loaders.limits import Limits
from loaders.settings import settings_environment

log = logging.getLogger(__name__)
#: A worker whose peak resident memory reached this share of ``memory_mb`` before dying ran out of memory.
_MEMORY_DEATH_SHARE = 0.7


class GuardError(LoaderError):
    """A check stopped by the guard (keys ``guard.*``): too big, too slow, or the reader crashed."""

    namespace = "guard"


@dataclass
class RunStats:
    """How the last guarded call of this thread went (for logs and ``benchmarks/bench_hostile.py``)."""

    outcome: str = ""          # ok, refused, memory, timeout, cpu, crashed, failed, unavailable
    seconds: float = 0.0       # wall time, waiting for a worker included
    worker_peak_mb: float = 0.0
    worker_cpu_s: float = 0.0
    file: str | None = None


_local = threading.local()


def last_stats() -> RunStats:
    """The :class:`RunStats` of the last guarded call made by this thread."""
    return getattr(_local, "stats", RunStats())


_guard = Guard()
atexit.register(_guard.shutdown)


def warm_up() -> None:
    """Start the zygote now so the first check does not wait for its libraries to load (the app calls this)."""
    _guard.current()


def shutdown() -> None:
    """Stop the zygote and its workers (done at exit)."""
    _guard.shutdown()


# -- the guarded call ------------------------------------------------------------------------------------------------
def run_guarded(function, *args, file=None, limits: Limits | None = None, **kwargs):
    """Call ``function(*args, **kwargs)`` in a bounded worker process and return its result.

    Parameters
    ----------
    function : callable
        A module-level function (it travels by name); its arguments and result must pickle.
    file : str or Path, optional
        The file named in a message when the worker stops before saying which file it was reading.
    limits : Limits, optional
        Defaults to :func:`loaders.limits.current`.

    Raises
    ------
    LoaderError
        The reader's own refusal, or :class:`GuardError` (``guard.too_big``, ``guard.too_slow``,
        ``guard.crashed``, ``guard.failed``, ``guard.unavailable``).
    """
    if limits_module.in_worker():
        return function(*args, **kwargs)
    limits = limits or limits_module.current()
    stats = RunStats(file=None if file is None else Path(str(file)).name)
    _local.stats = stats
    started = time.monotonic()
    # where the caller stands first (its directory, settings and import path), then the call itself, which may
    # name a function only importable from the caller's path
    request = pickle.dumps({
        "cwd": os.getcwd(), "path": list(sys.path), "limits": limits,
        "environ": settings_environment(),
    }) + pickle.dumps({"function": function, "args": args, "kwargs": kwargs}, protocol=pickle.HIGHEST_PROTOCOL)
    slots = _guard.semaphore(max(1, int(limits.workers)))
    with slots:
        return _converse(request, limits, started, stats, file)


def _converse(request: bytes, limits: Limits, started: float, stats: RunStats, file):
    try:
        request_read, request_write = os.pipe()
        result_read, result_write = os.pipe()
    except OSError:  # out of file descriptors
        stats.outcome = "unavailable"
        raise GuardError("unavailable", file) from None
    pid = None
    try:
        for _attempt in range(2):  # a zygote that died is replaced once (its start is not the file's time)
            try:
                pid = _guard.current().spawn(request_read, result_write, time.monotonic() + max(limits.wall_s, 60))
            except OSError:  # no process could be started: out of memory or of process slots
                pid = None
            if pid is not None:
                break
    finally:
        os.close(request_read)
        os.close(result_write)
    if pid is None:
        os.close(request_write)
        os.close(result_read)
        stats.outcome = "unavailable"
        raise GuardError("unavailable", file)
    zygote = _guard.current()
    deadline = time.monotonic() + limits.wall_s  # waiting for a free slot or for the zygote does not count
    final, timed_out, baseline_mb = None, False, 0.0
    try:
        os.set_blocking(request_write, False)
        write_all(request_write, request, deadline)
        os.close(request_write)
        request_write = None
        for frame in frames(result_read, deadline, int(limits.memory_mb * 1024 * 1024)):
            if frame[0] == "file":
                stats.file = frame[1]
            elif frame[0] == "start":
                baseline_mb = frame[1] / 1024
            else:
                final = frame
                break
    except Timeout:
        timed_out = True
    except (BrokenPipeError, pickle.UnpicklingError, EOFError, OSError):
        final = None
    finally:
        if request_write is not None:
            os.close(request_write)
        os.close(result_read)
        if timed_out or final is None:
            zygote.kill(pid)
        ended = zygote.wait(pid, 10.0)
        if ended is None:  # the zygote is gone or the worker ignores SIGKILL: do not wait for it
            zygote.kill(pid)
            ended = (0, 0, 0.0)
        status, peak_kb, cpu = ended
        stats.seconds = time.monotonic() - started
        stats.worker_peak_mb, stats.worker_cpu_s = peak_kb / 1024, cpu
    name = stats.file or file
    if final is not None:
        return _answer(final, limits, stats, name)
    stats.outcome = _death_cause(timed_out, status, limits, stats, baseline_mb)
    log.info("guarded check of %s stopped: %s (%.1f s, %.0f MB)", name, stats.outcome, stats.seconds,
             stats.worker_peak_mb)
    if stats.outcome in ("timeout", "cpu"):
        raise GuardError("too_slow", name, seconds=limits.wall_s if timed_out else limits.cpu_s)
    if stats.outcome == "memory":
        raise GuardError("too_big", name, limit_mb=limits.memory_mb)
    raise GuardError("crashed", name, detail=_signal_name(status))


def _answer(final: tuple, limits: Limits, stats: RunStats, name):
    kind = final[0]
    stats.outcome = kind
    if kind == "ok":
        return final[1]
    if kind == "refused":
        raise final[1]
    if kind == "memory":
        raise GuardError("too_big", name, limit_mb=limits.memory_mb)
    log.warning("reading %s failed in the worker: %s", name, final[1])
    log.debug("worker traceback:\n%s", final[2])
    raise GuardError("failed", name, detail=final[1])


def _death_cause(timed_out: bool, status: int, limits: Limits, stats: RunStats, baseline_mb: float) -> str:
    if timed_out:
        return "timeout"
    killed_by = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    if killed_by == signal.SIGXCPU or (killed_by == signal.SIGKILL and stats.worker_cpu_s >= limits.cpu_s):
        return "cpu"
    if stats.worker_peak_mb - baseline_mb >= _MEMORY_DEATH_SHARE * limits.memory_mb:
        return "memory"
    return "crashed"


def _signal_name(status: int) -> str:
    if os.WIFSIGNALED(status):
        try:
            return signal.Signals(os.WTERMSIG(status)).name
        except ValueError:
            return f"signal {os.WTERMSIG(status)}"
    return f"exit {os.waitstatus_to_exitcode(status)}"


def guarded(function):
    """Decorate a module-level entry point so that it runs in a bounded worker (inline inside one).

    The first positional argument names the file in messages until the worker announces what it reads.
    """
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if limits_module.in_worker():
            return function(*args, **kwargs)
        return run_guarded(wrapper, *args, file=args[0] if args else None, **kwargs)

    return wrapper


# -- guarded readers: the loaders' entry points for untrusted files --------------------------------------------------
def read_boundaries(path, level: str | None = None, crs=None, communes=None):
    """:func:`loaders.boundaries.read_boundaries` in a bounded worker."""
    from loaders.boundaries import read_boundaries as read

    return run_guarded(read, path, file=path, level=level, crs=crs, communes=communes)


def read_stats(path):
    """:func:`loaders.stats.read_stats` in a bounded worker."""
    from loaders.stats import read_stats as read

    return run_guarded(read, path, file=path)
