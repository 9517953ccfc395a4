"""Hamlet lists with coordinates (CSV, XLSX) read as hamlet boundaries: points (SPEC §7.12, issue 11).

Most provinces have no hamlet polygons but keep a list: hamlet (thôn, bản, ấp, tổ dân phố), its commune, and a
position in degrees or in VN-2000 X/Y. Such a list is read with the machinery of the statistics tables: cells
within the caps (:func:`loaders.grids.read_grids`), the header by meaning and identity columns by values, every
row under it accounted for (:func:`loaders.sheet.parse_grid`). Coordinate columns are recognised by their header
(:data:`loaders.columns.COORDINATE_COLUMNS`) or, where no header names them, by their values. The words around
the table ("Kinh tuyến trục 104°00'", "múi chiếu 3°") and the coordinate headers are read for the zone
(:mod:`loaders.vn2000`). Each row is then placed by :mod:`loaders.hamlet_places`.

The same file given as statistics is read by :func:`loaders.stats.read_stats` (which leaves the coordinates out),
and its figures join these points by commune and hamlet name (:func:`loaders.join.join_stats`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from i18n import Message, Term
from loaders.columns import COORDINATE_COLUMNS
from loaders.coordinates import DEGREES, METRES, kind_of, looks_like, parse_angle, parse_metres, parse_pair
from loaders.errors import LoaderError
from loaders.grids import read_grids
from loaders.header import find_header
from loaders.limits import announce
from loaders.sheet import parse_grid
from loaders.text import is_missing, nfc
from loaders.vn2000 import ZoneHint, read_hint

#: Share of a column's values that must fit for a column no header names to be taken as a coordinate.
VALUE_SHARE = 0.9
_IDENTITY = ("province_code", "province_name", "district_code", "district_name", "commune_code", "commune_name",
             "commune_type", "hamlet_id", "hamlet_name", "hamlet_type")


class HamletListError(LoaderError):
    """A hamlet list that cannot be used as boundaries (keys ``hamlets.*``)."""

    namespace = "hamlets"


@dataclass
class HamletRows:
    """The rows of a hamlet list with their raw positions.

    Attributes
    ----------
    table : pandas.DataFrame
        Identity columns as read, ``first`` and ``second`` (the two numbers of the position, in the order the
        file gives them, NaN when unreadable), ``written`` (the position as typed), ``source_sheet``,
        ``source_row``.
    kind : str
        ``"degrees"`` or ``"metres"``.
    first_is : str
        What the header says the first number is: ``"lon"``, ``"lat"``, ``"north"`` (VN-2000 X), ``"east"`` or
        ``""`` (one column holding both, or columns recognised by their values).
    hint : ZoneHint
        What the words of the file say about the coordinates.
    messages : list of Message
        How the file was read.
    skipped : list of dict
        Rows under the header that are not hamlets (see :mod:`loaders.table_rows`).
    """

    table: pd.DataFrame
    kind: str
    first_is: str
    hint: ZoneHint
    messages: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    sheets: list = field(default_factory=list)


def looks_like_hamlet_list(columns) -> bool:
    """True when the columns a table was read with make it a hamlet list with positions."""
    columns = set(columns)
    return "hamlet_name" in columns and bool(columns & set(COORDINATE_COLUMNS))


def read_hamlet_rows(path) -> HamletRows:
    """Read the hamlets and their raw positions from every sheet that has them.

    Raises
    ------
    LoaderError
        Unreadable files (``grids.*``, ``limits.*``); ``hamlets.not_a_list`` when no sheet has hamlet names and
        coordinates; ``hamlets.mixed_kinds`` when sheets give degrees and metres.
    """
    path = Path(path)
    announce(path)
    frames, messages, skipped, sheets, hints, kinds = [], [], [], [], [], set()
    for grid in read_grids(path):
        messages.extend(grid.notes)
        read = _read_grid(grid.name, grid.rows)
        if read is None:
            continue
        frame, kind, first_is, hint, grid_messages, grid_skipped = read
        frames.append(frame)
        messages += grid_messages
        skipped += [{"file": path.name, **entry} for entry in grid_skipped]
        sheets.append(grid.name)
        hints.append((hint, first_is))
        kinds.add(kind)
    if not frames:
        raise HamletListError("not_a_list", path)
    if len(kinds) > 1:
        raise HamletListError("mixed_kinds", path)
    hint = next((h for h, _ in hints if h.crs() is not None or h.wgs84 or h.vn2000), hints[0][0])
    return HamletRows(table=pd.concat(frames, ignore_index=True), kind=kinds.pop(), first_is=hints[0][1],
                      hint=hint, messages=messages, skipped=skipped, sheets=sheets)


def _read_grid(name: str, rows: list[list]):
    header = find_header(rows)
    if header is None:
        return None
    parsed = parse_grid(name, rows)
    if parsed.frame is None or "hamlet_name" not in parsed.frame.columns:
        return None
    frame = parsed.frame
    messages = list(parsed.messages)
    coordinates = [c for c in COORDINATE_COLUMNS if c in frame.columns]
    if not coordinates:
        found = _coordinates_by_values(name, rows, header, frame, messages)
        if found is None:
            return None
        frame, coordinates = found
    positions = _positions(frame, coordinates)
    if positions is None:
        messages.append(Message("hamlets.sheet_no_pair", {"sheet": name}))
        return None
    table, kind, first_is = positions
    data_rows = set(frame["source_row"])
    around = [v for i, row in enumerate(rows) if i + 1 not in data_rows for v in row if isinstance(v, str)]
    header_texts = [t for c, texts in header.texts.items() if header.mapping.get(c) in COORDINATE_COLUMNS
                    for t in texts]
    hint = read_hint(header_texts + around + [name])
    return table, kind, first_is, hint, messages, parsed.skipped


def _coordinates_by_values(name, rows, header, frame, messages):
    """Two columns no header explains whose values are latitudes and longitudes (or northings and eastings)."""
    open_columns = [c for c in range(max(len(r) for r in rows)) if c not in header.mapping]
    data = {c: [rows[r - 1][c] if c < len(rows[r - 1]) else None for r in frame["source_row"]]
            for c in open_columns}
    chosen = {}
    for kind, canonical in (("lon", "longitude"), ("lat", "latitude"), ("north", "coord_x"), ("east", "coord_y")):
        scored = [(looks_like(values, kind), c) for c, values in data.items() if c not in chosen.values()]
        best = max(scored, default=(0.0, None))
        if best[0] >= VALUE_SHARE:
            chosen[canonical] = best[1]
    pair = [("longitude", "latitude"), ("coord_x", "coord_y")]
    for first, second in pair:
        if first in chosen and second in chosen:
            frame = frame.assign(**{first: data[chosen[first]], second: data[chosen[second]]})
            for canonical in (first, second):
                messages.append(Message("hamlets.by_values", {"sheet": name,
                                                              "header": header.label(chosen[canonical]),
                                                              "column": Term(f"columns.{canonical}")}))
            return frame, [first, second]
    return None


def _positions(frame: pd.DataFrame, coordinates: list[str]):
    """The identity columns with the two numbers of each row's position, the kind and the header's order."""
    if "coordinates" in coordinates and not ({"longitude", "latitude"} <= set(coordinates)
                                             or {"coord_x", "coord_y"} <= set(coordinates)):
        written = frame["coordinates"]
        pairs = [parse_pair(v) for v in written]
        first, second, first_is = [p[0] for p in pairs], [p[1] for p in pairs], ""
    elif {"longitude", "latitude"} <= set(coordinates):
        first, second = frame["longitude"].map(parse_angle), frame["latitude"].map(parse_angle)
        written, first_is = _written(frame, "longitude", "latitude"), "lon"
    elif {"coord_x", "coord_y"} <= set(coordinates):
        x, y = frame["coord_x"], frame["coord_y"]
        degrees = kind_of(list(x.map(parse_angle)) + list(y.map(parse_angle))) == DEGREES
        parse = parse_angle if degrees else parse_metres
        first, second = x.map(parse), y.map(parse)
        written, first_is = _written(frame, "coord_x", "coord_y"), "" if degrees else "north"
    else:
        return None
    first, second = list(first), list(second)
    kind = kind_of(first + second)
    if kind is None:
        return None
    table = frame[[c for c in (*_IDENTITY, "source_sheet", "source_row") if c in frame.columns]].copy()
    table["first"], table["second"], table["written"] = first, second, list(written)
    table["written"] = table["written"].map(lambda v: "" if is_missing(v) else nfc(str(v)))
    return table, kind, first_is


def _written(frame: pd.DataFrame, a: str, b: str) -> pd.Series:
    return pd.Series([" ".join(str(v) for v in (x, y) if not is_missing(v)) for x, y in zip(frame[a], frame[b])],
                     index=frame.index, dtype=object)


def has_position(first, second) -> bool:
    return not (math.isnan(first) or math.isnan(second))


__all__ = ["DEGREES", "METRES", "HamletListError", "HamletRows", "looks_like_hamlet_list", "read_hamlet_rows"]
