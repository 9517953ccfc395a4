"""The worker side of :mod:`loaders.guard`: a zygote (``python -m loaders.guard_worker FD``) and its children.

The zygote loads the reading libraries once, single-threaded, then waits on a Unix socket (file descriptor FD)
for requests from its parent. For each ``("spawn",)`` message, which carries two pipe ends, it forks a child that
reads one request from the first pipe and writes its answer to the second; ``("kill", pid)`` stops a child that
is still running. The zygote reaps its children and tells the parent how each ended: ``("spawned", pid)`` and
``("exit", pid, wait status, peak resident KB, CPU seconds)``. It exits when the parent closes the socket.

A child reads two pickles from its request pipe (``{"cwd", "path", "environ", "limits"}``, then
``{"function", "args", "kwargs"}``), bounds itself (address space: what it already has plus
``limits.memory_mb``; CPU time; no core dumps; lower priority), runs the call and writes length-prefixed pickled
frames:

- ``("start", peak_kb)``: the memory the libraries took before the file was read;
- ``("file", name)``: the file being read now (:func:`loaders.limits.announce`);
- ``("ok", result, peak_kb)``, ``("refused", LoaderError, peak_kb)``, ``("memory", peak_kb)`` or
  ``("failed", exception type name, traceback text, peak_kb)``: the last frame.

Then it exits at once (``os._exit``): one request per process, so limits and memory are fresh for every file and
nothing a hostile file did outlives it.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import socket
import struct
import sys
import traceback

#: Loaded by the zygote before any request (a missing one is skipped): every guarded entry point's libraries.
PRELOAD = ("numpy", "pandas", "shapely", "pyproj", "pyogrio", "pyarrow.parquet", "geopandas", "openpyxl",
           "defusedxml", "rapidfuzz", "loaders.boundaries", "loaders.stats", "loaders.grids", "loaders.join",
           "loaders.validate", "loaders.register")
_HEADER = struct.Struct(">Q")
_MESSAGE = 65536


def _preload() -> None:
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module that cannot load is reported when a request needs it
            pass
    try:  # the 2025 register is read by every commune-level check: read it once, shared by every child
        from loaders.register import official_units

        official_units()
    except Exception:  # noqa: BLE001
        pass


# -- a child: one request -------------------------------------------------------------------------------------------
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
    cpu = max(1, int(limits.cpu_s))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))  # SIGXCPU, then SIGKILL two seconds later
    if limits.nice > 0:
        os.nice(int(limits.nice))


class _Channel:
    def __init__(self, fd: int):
        self.out = os.fdopen(fd, "wb", buffering=0)

    def send(self, *frame) -> None:
        data = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
        self.out.write(_HEADER.pack(len(data)) + data)


def serve(request_fd: int, result_fd: int) -> None:
    """Run the one request read from ``request_fd``; answer on ``result_fd``."""
    channel = _Channel(result_fd)
    requests = os.fdopen(request_fd, "rb")
    try:
        where = pickle.load(requests)
    except (EOFError, pickle.UnpicklingError):
        return
    from loaders import limits as limits_module
    from loaders.errors import LoaderError
    from loaders.settings import adopt_settings_environment

    limits = where["limits"]
    os.chdir(where["cwd"])  # relative paths mean what they meant to the caller
    sys.path.extend(entry for entry in where["path"] if entry not in sys.path)
    adopt_settings_environment(where["environ"])  # the caller's settings now, not when the zygote started
    _bound_self(limits)
    channel.send("start", _peak_kb())
    limits_module.enter_worker(limits, lambda name: channel.send("file", name))
    try:
        request = pickle.load(requests)
        result = request["function"](*request["args"], **request["kwargs"])
        channel.send("ok", result, _peak_kb())
    except LoaderError as error:
        channel.send("refused", error, _peak_kb())
    except MemoryError:
        channel.send("memory", _peak_kb())
    except Exception as error:  # noqa: BLE001 - reported to the parent, which words it for the user
        channel.send("failed", type(error).__name__, traceback.format_exc(limit=20)[-4000:], _peak_kb())


# -- the zygote ------------------------------------------------------------------------------------------------------
def _send(sock: socket.socket, *message) -> None:
    sock.send(pickle.dumps(message))


def _reap(sock: socket.socket, children: set) -> None:
    while children:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            children.clear()
            return
        if not pid:
            return
        children.discard(pid)
        _send(sock, "exit", pid, status, int(usage.ru_maxrss), usage.ru_utime + usage.ru_stime)


def _fork_child(sock: socket.socket, wake: tuple[int, int], fds: list[int]) -> int:
    pid = os.fork()
    if pid == 0:  # the child: forget the zygote's plumbing, serve one request, and go
        code = 0
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            sock.close()
            os.close(wake[0])
            os.close(wake[1])
            serve(fds[0], fds[1])
        except BaseException:  # noqa: BLE001 - nothing may escape into the zygote's loop
            code = 70
        finally:
            os._exit(code)
    for fd in fds:
        os.close(fd)
    return pid


def zygote(sock_fd: int) -> int:
    sock = socket.socket(fileno=sock_fd)
    _preload()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a child's end wakes the loop (through the wakeup fd)
    children: set[int] = set()
    _send(sock, "ready", os.getpid())
    while True:
        ready, _, _ = select.select([sock, wake_r], [], [])
        if wake_r in ready:
            try:
                while os.read(wake_r, 512):
                    pass
            except BlockingIOError:
                pass
        _reap(sock, children)
        if sock not in ready:
            continue
        try:
            data, fds, _, _ = socket.recv_fds(sock, _MESSAGE, 2)
        except InterruptedError:
            continue
        if not data:  # the parent closed the socket: stop the children still running, and end
            for pid in children:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            return 0
        message = pickle.loads(data)
        if message[0] == "spawn" and len(fds) == 2:
            pid = _fork_child(sock, (wake_r, wake_w), fds)
            children.add(pid)
            _send(sock, "spawned", pid)
        elif message[0] == "kill" and message[1] in children:
            try:
                os.kill(message[1], signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            for fd in fds:
                os.close(fd)


if __name__ == "__main__":
    code = zygote(int(sys.argv[1]))
    sys.stdout.flush()
    os._exit(code)
