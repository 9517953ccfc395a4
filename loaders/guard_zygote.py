"""The parent's side of the guard's plumbing: the zygote process and the framed pipes to its workers.

Used by :mod:`loaders.guard` only; the worker's side is :mod:`loaders.guard_worker`.
"""

from __future__ import annotations

import os
import pickle
import queue
import select
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

from loaders.settings import child_environment

REPO = Path(__file__).resolve().parents[1]
_HEADER = struct.Struct(">Q")
#: Environment of the zygote and its workers: one thread per numeric library (a worker shares the machine with
#: the app), few malloc arenas (each reserves address space that ``RLIMIT_AS`` counts).
WORKER_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "MALLOC_ARENA_MAX": "2", "PYTHONFAULTHANDLER": "", "PYTHONWARNINGS": "ignore",
              # Arrow on the system allocator, without jemalloc's background thread: the zygote stays
              # single-threaded, so forking it is safe, and RLIMIT_AS sees what Arrow allocates
              "ARROW_DEFAULT_MEMORY_POOL": "system", "JE_ARROW_MALLOC_CONF": "background_thread:false"}
# -- the zygote: a clean process that forks one worker per request ------------------------------------------------
class Zygote:
    """A ``python -m loaders.guard_worker`` process with the libraries loaded; it forks the workers.

    A reader thread takes its messages: ``spawned`` answers the one pending :meth:`spawn` (spawns are made one at a
    time), ``exit`` records how a worker ended for :meth:`wait`.
    """

    def __init__(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = child_environment(WORKER_ENV)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "loaders.guard_worker", str(theirs.fileno())], stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(theirs.fileno(),), env=env,
                cwd=str(REPO), close_fds=True)
        finally:
            theirs.close()
        self.sock, self.owner = ours, os.getpid()
        self.spawn_lock, self.changed = threading.Lock(), threading.Condition()
        self.spawned: queue.Queue = queue.Queue()
        self.exits: dict[int, tuple] = {}
        self.alive, self.ready = True, threading.Event()
        threading.Thread(target=self._listen, name="guard-zygote", daemon=True).start()

    def _listen(self) -> None:
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            message = pickle.loads(data)
            if message[0] == "ready":
                self.ready.set()
            elif message[0] == "spawned":
                self.spawned.put(message[1])
            elif message[0] == "exit":
                with self.changed:
                    self.exits[message[1]] = message[2:]
                    self.changed.notify_all()
        with self.changed:
            self.alive = False
            self.changed.notify_all()
        self.ready.set()
        self.spawned.put(None)

    def spawn(self, request_fd: int, result_fd: int, deadline: float) -> int | None:
        """Fork a worker reading ``request_fd`` and answering on ``result_fd``; its pid (None: no zygote)."""
        with self.spawn_lock:
            if not self.ready.wait(max(0.0, deadline - time.monotonic())) or not self.alive:
                return None
            try:
                socket.send_fds(self.sock, [pickle.dumps(("spawn",))], [request_fd, result_fd])
            except OSError:
                return None
            try:
                return self.spawned.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                return None

    def kill(self, pid: int) -> None:
        try:
            self.sock.send(pickle.dumps(("kill", pid)))
        except OSError:
            pass

    def wait(self, pid: int, timeout: float) -> tuple | None:
        """``(wait status, peak KB, CPU s)`` of a worker once it has ended, or None."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while pid not in self.exits and self.alive:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.changed.wait(remaining)
            return self.exits.pop(pid, None)

    def close(self) -> None:
        try:
            self.sock.close()  # the zygote reads end of file, stops its workers and exits
        except OSError:
            pass
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Guard:
    """The zygote of this process (started on first use) and a semaphore of ``limits.workers`` slots."""

    def __init__(self):
        self.lock = threading.Lock()
        self.zygote: Zygote | None = None
        self.slots: threading.BoundedSemaphore | None = None
        self.size = 0

    def semaphore(self, size: int) -> threading.BoundedSemaphore:
        with self.lock:
            if self.slots is None or self.size != size:
                self.slots, self.size = threading.BoundedSemaphore(size), size
            return self.slots

    def current(self) -> Zygote:
        with self.lock:
            zygote = self.zygote
            if zygote is None or not zygote.alive or zygote.owner != os.getpid():
                self.zygote = zygote = Zygote()
            return zygote

    def shutdown(self) -> None:
        with self.lock:
            if self.zygote is not None and self.zygote.owner == os.getpid():
                self.zygote.close()
            self.zygote = None


# -- talking to a worker ---------------------------------------------------------------------------------------------
class Timeout(Exception):
    pass


def write_all(fd: int, data: bytes, deadline: float) -> None:
    view = memoryview(data)
    while view:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Timeout
        _, ready, _ = select.select([], [fd], [], remaining)
        if ready:
            try:
                view = view[os.write(fd, view):]
            except BlockingIOError:
                continue


def read_exact(fd: int, size: int, deadline: float) -> bytes | None:
    """``size`` bytes from ``fd``; ``None`` at end of file (the worker is gone); :class:`Timeout` at the deadline."""
    chunks, missing = [], size
    while missing:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Timeout
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def frames(fd: int, deadline: float, largest: int):
    while True:
        header = read_exact(fd, _HEADER.size, deadline)
        if header is None:
            return
        size = _HEADER.unpack(header)[0]
        if size > largest:  # a result bigger than a worker may hold: not taken into this process
            yield ("memory", 0)
            return
        body = read_exact(fd, size, deadline)
        if body is None:
            return
        yield pickle.loads(body)
