"""A corpus of hostile and broken files, built by code (issue 14): zip, XLSX, CSV, GeoJSON, GeoParquet, shapefile
and GeoPackage bombs, truncations, odd encodings, huge or damaged geometries, injection text.

Every case says what must happen to it, the same through ``coverage-map validate`` and through the upload
panel's code (:func:`loaders.ingest.check_upload`): accepted (``ok``, maybe with a note of a given catalogue key
in the report) or refused (``refused``, with the catalogue key of the one-line message when it is ours). Never a
traceback, never a crash of the caller.

``build_case(case, directory)`` writes a case's files and returns them (the file to read first); the builders
live in :mod:`hostile.archives`, :mod:`hostile.sheets` (XLSX), :mod:`hostile.csvs`, :mod:`hostile.geo` (GeoJSON,
GeoPackage) and :mod:`hostile.geofiles` (GeoParquet, shapefiles).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from i18n import catalogue


@dataclass(frozen=True)
class Case:
    """One hostile file.

    Attributes
    ----------
    name, klass : str
        Identifier and class (zip, xlsx, csv, geojson, geoparquet, shapefile, gpkg).
    role : str
        ``boundaries`` or ``stats``: how the file is given to ``validate``.
    expect : str
        ``ok``, ``refused`` or ``any`` (either, as long as it is one plain answer).
    key : str or None
        Refused: the key of the message. Accepted: the key of a note the report must carry.
    panel : str or None
        What the upload panel must do when it differs from ``validate`` (``"refused:<key>"``, ``"ok"``, ``"any"``).
    slow : bool
        Takes several seconds to build or read: run by ``pytest -m slow`` and the benchmark, not by default.
    """

    name: str
    klass: str
    role: str
    build: Callable[[Path], Path | list]
    expect: str = "ok"
    key: str | None = None
    panel: str | None = None
    slow: bool = False

    def panel_expectation(self) -> tuple[str, str | None]:
        if self.panel is None:
            return self.expect, self.key
        outcome, _, key = self.panel.partition(":")
        return outcome, key or None


CASES: dict[str, Case] = {}


def case(klass: str, role: str, expect: str = "ok", key: str | None = None, panel: str | None = None,
         slow: bool = False):
    """Register a builder ``_name(directory) -> Path | [Path, ...]`` as the case ``name``."""
    def register(build):
        name = build.__name__.lstrip("_")
        assert name not in CASES, name
        CASES[name] = Case(name, klass, role, build, expect, key, panel, slow)
        return build

    return register


def build_case(item: Case, directory: Path) -> list[Path]:
    """Write the case's files into ``directory`` (created); the first path is the file to read."""
    directory.mkdir(parents=True, exist_ok=True)
    built = item.build(directory)
    return list(built) if isinstance(built, (list, tuple)) else [built]


def fragment(key: str) -> str:
    """A piece of the English text of ``key`` that every wording of it contains (the text up to a placeholder)."""
    english = catalogue()[key][1]
    pieces = [piece.split("}")[-1] for piece in english.split("{")]
    return max((p.strip(" .:;,()'\"") for p in pieces), key=len)


def all_cases() -> dict[str, Case]:
    """Every case, builders imported."""
    from hostile import archives, csvs, geo, geofiles, sheets  # noqa: F401 - they register their cases

    return CASES
