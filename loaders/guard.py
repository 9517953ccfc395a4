"""Read untrusted files in a worker process with bounded memory, CPU time and wall time (issue 14, SPEC §11).

A hostile or broken file must not hurt the server or other users: a 5 KB workbook can ask openpyxl for gigabytes,
a polygon can crash GEOS with SIGSEGV, a CSV can keep a parser busy for minutes. So uploads and command-line
files are parsed, cleaned and joined in a separate process (:mod:`loaders.guard_worker`) that bounds itself
(``RLIMIT_AS``, ``RLIMIT_CPU``, lower priority) and is killed when the wall-clock limit passes. Whatever happens
there, the caller gets the result, the reader's own :class:`~loaders.errors.LoaderError`, or one of ours (keys
``guard.*``) naming the file being read when it stopped: too big, too slow, or the reading library crashed.

Why a fresh interpreter (``python -m loaders.guard_worker``) and not ``multiprocessing``: forking the Streamlit
server copies a large multi-threaded process (unsafe: locks held by other threads stay locked in the child), and
both ``spawn`` and ``forkserver`` re-run the parent's ``__main__`` in the child, which under Streamlit is the
app script itself. A worker started with :mod:`subprocess` runs only our entry point. Starting one costs about a
second of imports, so a *warm* worker (libraries loaded, waiting for its request) is kept ready once a process
has made one guarded call; each worker serves one request and exits, so every file gets fresh limits and
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
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from loaders import limits as limits_module
from loaders.errors import LoaderError
from loaders.limits import Limits

log = logging.getLogger(__name__)
REPO = Path(__file__).resolve().parents[1]
_HEADER = struct.Struct(">Q")
#: Environment of the workers: one thread per numeric library (the worker shares the machine with the app),
#: few malloc arenas (each reserves address space that ``RLIMIT_AS`` counts).
WORKER_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "MALLOC_ARENA_MAX": "2", "PYTHONFAULTHANDLER": "", "PYTHONWARNINGS": "ignore"}
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


# -- workers ---------------------------------------------------------------------------------------------------------
class _Worker:
    """One ``python -m loaders.guard_worker`` process: its request pipe (stdin) and result pipe."""

    def __init__(self):
        read_end, write_end = os.pipe()
        env = {**os.environ, **WORKER_ENV}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "loaders.guard_worker", str(write_end)], stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_end,), env=env,
                cwd=str(REPO), close_fds=True)
        finally:
            os.close(write_end)
        self.results = read_end
        os.set_blocking(self.process.stdin.fileno(), False)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """Stop the worker now (it may already be gone)."""
        if self.process.returncode is None:
            try:
                os.kill(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def release(self) -> None:
        """Close our ends of its pipes (once)."""
        if self.results is not None:
            os.close(self.results)
            self.results = None
        try:
            self.process.stdin.close()
        except OSError:
            pass


class _Pool:
    """Warm workers, and a semaphore so at most ``limits.workers`` checks run at once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.idle: list[_Worker] = []
        self.keep_warm = False
        self.slots: threading.BoundedSemaphore | None = None
        self.size = 0

    def semaphore(self, size: int) -> threading.BoundedSemaphore:
        with self.lock:
            if self.slots is None or self.size != size:
                self.slots, self.size = threading.BoundedSemaphore(size), size
            return self.slots

    def take(self) -> _Worker:
        with self.lock:
            worker = None
            while self.idle and worker is None:
                candidate = self.idle.pop()
                if candidate.alive():
                    worker = candidate
                else:
                    _reap(candidate, time.monotonic())
                    candidate.release()
            if worker is None:
                worker = _Worker()
            self.keep_warm = True  # a process that checks one file usually checks another
            return worker

    def replenish(self) -> None:
        """Start the next warm worker once a check is over (started during a check, its imports would
        compete with the check for the processor)."""
        with self.lock:
            if self.keep_warm and not self.idle:
                try:
                    self.idle.append(_Worker())
                except OSError:
                    pass

    def warm_up(self) -> None:
        with self.lock:
            self.keep_warm = True
            if not self.idle:
                self.idle.append(_Worker())

    def shutdown(self) -> None:
        with self.lock:
            for worker in self.idle:
                worker.release()  # an idle worker reads end of file on its request pipe and exits
                _reap(worker, time.monotonic() + 1)
            self.idle.clear()
            self.keep_warm = False


_pool = _Pool()
atexit.register(_pool.shutdown)


def warm_up() -> None:
    """Start a worker now so the first check does not wait for its libraries to load (the app calls this)."""
    _pool.warm_up()


def shutdown() -> None:
    """Stop the idle workers (done at exit; tests call it to leave no process behind)."""
    _pool.shutdown()


# -- talking to a worker ---------------------------------------------------------------------------------------------
class _Timeout(Exception):
    pass


def _write_all(fd: int, data: bytes, deadline: float) -> None:
    view = memoryview(data)
    while view:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _Timeout
        _, ready, _ = select.select([], [fd], [], remaining)
        if ready:
            try:
                view = view[os.write(fd, view):]
            except BlockingIOError:
                continue


def _read_exact(fd: int, size: int, deadline: float) -> bytes | None:
    """``size`` bytes from ``fd``; ``None`` at end of file (the worker is gone); :class:`_Timeout` at the deadline."""
    chunks, missing = [], size
    while missing:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _Timeout
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _frames(fd: int, deadline: float, largest: int):
    while True:
        header = _read_exact(fd, _HEADER.size, deadline)
        if header is None:
            return
        size = _HEADER.unpack(header)[0]
        if size > largest:  # a result bigger than a worker may hold: not taken into this process
            yield ("memory", 0)
            return
        body = _read_exact(fd, size, deadline)
        if body is None:
            return
        yield pickle.loads(body)


def _reap(worker: _Worker, deadline: float) -> tuple[int, object | None]:
    """Wait for the worker to end, killing it at ``deadline``; its wait status and resource usage."""
    while True:
        if time.monotonic() >= deadline:
            worker.kill()
            deadline = float("inf")  # killed: the next waits return soon
        try:
            pid, status, usage = os.wait4(worker.process.pid, os.WNOHANG)
        except ChildProcessError:
            return 0, None
        if pid:
            worker.process.returncode = os.waitstatus_to_exitcode(status)
            return status, usage
        time.sleep(0.005)


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
        "environ": {k: v for k, v in os.environ.items() if k.startswith("COVERAGE_MAP_")},
    }) + pickle.dumps({"function": function, "args": args, "kwargs": kwargs}, protocol=pickle.HIGHEST_PROTOCOL)
    slots = _pool.semaphore(max(1, int(limits.workers)))
    with slots:
        try:
            worker = _pool.take()
        except OSError as error:  # no process could be started (out of memory, too many processes)
            stats.outcome = "unavailable"
            raise GuardError("unavailable", file, detail=type(error).__name__) from None
        try:
            return _converse(worker, request, limits, started, stats, file)
        finally:
            _pool.replenish()


def _converse(worker: _Worker, request: bytes, limits: Limits, started: float, stats: RunStats, file):
    deadline = time.monotonic() + limits.wall_s  # waiting for a free slot does not count
    final, timed_out, baseline_mb = None, False, 0.0
    try:
        _write_all(worker.process.stdin.fileno(), request, deadline)
        worker.process.stdin.close()
        for frame in _frames(worker.results, deadline, int(limits.memory_mb * 1024 * 1024)):
            if frame[0] == "file":
                stats.file = frame[1]
            elif frame[0] == "start":
                baseline_mb = frame[1] / 1024
            else:
                final = frame
                break
    except _Timeout:
        timed_out = True
    except (BrokenPipeError, pickle.UnpicklingError, EOFError, OSError):
        final = None
    finally:
        status, usage = _reap(worker, time.monotonic() if timed_out or final is None else time.monotonic() + 5)
        worker.release()
        stats.seconds = time.monotonic() - started
        if usage is not None:
            stats.worker_peak_mb = usage.ru_maxrss / 1024
            stats.worker_cpu_s = usage.ru_utime + usage.ru_stime
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
