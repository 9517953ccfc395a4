"""Bounds on reading untrusted files, and what the reading code needs to know about the worker it runs in.

The readers (:mod:`loaders.grids`, :mod:`loaders.boundaries`) check these caps *while* they read, so a bomb
stops at the first row over the cap instead of after it has filled the memory; :mod:`loaders.guard` runs the
readers in a worker process whose memory, CPU time and wall time are bounded by the same :class:`Limits`, for
what no cap can foresee (a native crash, a pathological file a library chews on for minutes).

Inside a worker, :func:`announce` tells the parent which file is being read, so a worker that dies names the
right file; outside a worker it does nothing.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Callable, Iterator

from loaders.errors import LoaderError

MB = 1024 * 1024
#: Excel's own sheet size: a row or column number beyond it is a damaged (or hostile) file.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


class LimitError(LoaderError):
    """A file over one of the caps (keys ``limits.*``): it says how big the file is and what the cap is."""

    namespace = "limits"


@dataclass(frozen=True)
class Limits:
    """The ``[limits]`` settings: bounds for one untrusted file check.

    Attributes
    ----------
    memory_mb : float
        Memory a worker may use on top of the libraries it has loaded (``RLIMIT_AS``).
    cpu_s, wall_s : float
        CPU seconds (``RLIMIT_CPU``) and wall-clock seconds a check may take.
    workers : int
        Checks running at the same time; more wait their turn.
    nice : int
        How much lower a worker's processor priority is than the app's (``os.nice``).
    max_rows, max_cells, max_field_bytes : int
        Rows of a table, cells of a file (all sheets), bytes of one CSV cell.
    max_features, max_vertices, max_feature_vertices : int
        Features and vertices of a boundary file; vertices of one unit before it is simplified.
    max_zip_entries : int
        Entries of a ZIP or XLSX file.
    """

    memory_mb: float = 1536.0
    cpu_s: float = 60.0
    wall_s: float = 60.0
    workers: int = 2
    nice: int = 10
    max_rows: int = 500_000
    max_cells: int = 5_000_000
    max_field_bytes: int = 128 * 1024
    max_features: int = 500_000
    max_vertices: int = 5_000_000
    max_feature_vertices: int = 50_000
    max_zip_entries: int = 1000

    @classmethod
    def from_settings(cls, settings=None) -> "Limits":
        """The ``[limits]`` of a :class:`~loaders.settings.Settings` (loaded when not given)."""
        if settings is None:
            from loaders.settings import load_settings

            settings = load_settings()
        values = {}
        for item in fields(cls):
            key = "max_field_kb" if item.name == "max_field_bytes" else item.name
            value = settings[f"limits.{key}"]
            if item.name == "max_field_bytes":
                value = value * 1024
            values[item.name] = int(value) if item.type in ("int", int) else float(value)
        return cls(**values)

    def with_(self, **changes) -> "Limits":
        """A copy with some bounds changed (tests, benchmarks)."""
        return replace(self, **changes)


_override: contextvars.ContextVar[Limits | None] = contextvars.ContextVar("coverage_map_limits", default=None)
#: Set by the worker process (:mod:`loaders.guard_worker`): its limits and how to talk to its parent.
_worker: dict = {"limits": None, "announce": None}


def current() -> Limits:
    """The limits in force: the worker's, else those of :func:`use`, else the settings'."""
    if _worker["limits"] is not None:
        return _worker["limits"]
    return _override.get() or Limits.from_settings()


@contextmanager
def use(limits: Limits) -> Iterator[Limits]:
    """Read with these limits in this thread (and in the workers it starts) until the block ends."""
    token = _override.set(limits)
    try:
        yield limits
    finally:
        _override.reset(token)


def in_worker() -> bool:
    """True inside a guarded worker process (a guarded call made there runs inline)."""
    return _worker["limits"] is not None


def enter_worker(limits: Limits, announce: Callable[[str], None]) -> None:
    """Called once by the worker process before it runs the untrusted parse."""
    _worker.update(limits=limits, announce=announce)


def announce(path) -> None:
    """Tell the parent that ``path`` is being read now (only its name travels); no-op outside a worker."""
    callback = _worker["announce"]
    if callback is not None and path is not None:
        callback(Path(str(path)).name)
