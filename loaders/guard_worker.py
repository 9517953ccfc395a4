"""The worker process of :mod:`loaders.guard`: ``python -m loaders.guard_worker FD``.

It loads the reading libraries first (so a warm worker answers at once), then waits for one request on stdin:
two pickles, ``{"cwd", "path", "environ", "limits"}`` then
``{"function", "args", "kwargs"}``. Before running it, it bounds itself: address space
(``RLIMIT_AS``: what it already has plus ``limits.memory_mb``), CPU time (``RLIMIT_CPU``), no core dumps, and a
lower scheduling priority so the app's other users keep their share of the processor. It writes length-prefixed
pickled frames to the file descriptor FD:

- ``("start", peak_kb)``: the memory the libraries took before the file was read;
- ``("file", name)``: the file being read now (:func:`loaders.limits.announce`);
- ``("ok", result, peak_kb)``, ``("refused", LoaderError, peak_kb)``, ``("memory", peak_kb)`` or
  ``("failed", exception type name, traceback text, peak_kb)``: the last frame.

Then it exits without cleaning up (``os._exit``): one request per process, so limits and memory are fresh
for every file and nothing a hostile file did survives it.
"""

from __future__ import annotations

import os
import pickle
import resource
import struct
import sys
import traceback

#: Loaded before a request arrives (a missing one is skipped): every guarded entry point and its libraries.
PRELOAD = ("numpy", "pandas", "shapely", "pyproj", "pyogrio", "pyarrow.parquet", "geopandas", "openpyxl",
           "defusedxml", "rapidfuzz", "loaders.boundaries", "loaders.stats", "loaders.grids", "loaders.join",
           "loaders.validate", "loaders.register")
_HEADER = struct.Struct(">Q")


def _preload() -> None:
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module that cannot load is reported when the request needs it
            pass
    try:  # the 2025 register is read by every commune-level check: read it once, before the file arrives
        from loaders.register import official_units

        official_units()
    except Exception:  # noqa: BLE001
        pass


def _peak_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _address_space() -> int:
    """Bytes of address space this process has mapped now (``VmSize``)."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _bound_self(limits) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    memory = _address_space() + int(limits.memory_mb * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    spent = int(usage.ru_utime + usage.ru_stime) + 1
    cpu = spent + max(1, int(limits.cpu_s))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))  # SIGXCPU, then SIGKILL two seconds later
    try:
        os.nice(10)
    except OSError:
        pass


class _Channel:
    def __init__(self, fd: int):
        self.out = os.fdopen(fd, "wb", buffering=0)

    def send(self, *frame) -> None:
        data = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
        self.out.write(_HEADER.pack(len(data)) + data)


def main(argv: list[str]) -> int:
    channel = _Channel(int(argv[0]))
    _preload()
    try:
        where = pickle.load(sys.stdin.buffer)
    except (EOFError, pickle.UnpicklingError):  # the parent went away, or closed an idle worker
        return 0
    from loaders import limits as limits_module
    from loaders.errors import LoaderError

    limits = where["limits"]
    os.chdir(where["cwd"])  # relative paths mean what they meant to the caller
    sys.path.extend(entry for entry in where["path"] if entry not in sys.path)
    for name in [n for n in os.environ if n.startswith("COVERAGE_MAP_")]:
        del os.environ[name]
    os.environ.update(where["environ"])  # the caller's settings now, not when this worker started
    _bound_self(limits)
    channel.send("start", _peak_kb())  # what the libraries take, before the file
    limits_module.enter_worker(limits, lambda name: channel.send("file", name))
    try:
        request = pickle.load(sys.stdin.buffer)
        result = request["function"](*request["args"], **request["kwargs"])
        channel.send("ok", result, _peak_kb())
    except LoaderError as error:
        channel.send("refused", error, _peak_kb())
    except MemoryError:
        channel.send("memory", _peak_kb())
    except Exception as error:  # noqa: BLE001 - reported to the parent, which words it for the user
        channel.send("failed", type(error).__name__, traceback.format_exc(limit=20)[-4000:], _peak_kb())
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    os._exit(code)
