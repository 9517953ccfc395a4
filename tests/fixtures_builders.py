"""Helpers that build messy input files in ``tmp_path`` for the loader tests (nothing read from the repo)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def square(lon: float, lat: float, size: float = 0.01):
    """A small square polygon with its lower-left corner at (lon, lat)."""
    return shapely.box(lon, lat, lon + size, lat + size)


def encode_cp1258(text: str) -> bytes:
    """Encode like Windows-1258 writers do: base letters precomposed (â, ơ, ư...), tones as combining bytes."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out += (base + tones).encode("cp1258")
    return out


def write_raw_shapefile(path: Path, records: dict[str, list[bytes | str]], geometries, crs=4326,
                        cpg: str | None = None) -> Path:
    """Write a shapefile whose DBF holds exactly the given bytes (``str`` values are written as UTF-8).

    GDAL writes the DBF as ISO-8859-1, which maps every byte to itself; its .cpg is then removed, or replaced by
    ``cpg`` when given, so the file looks like one made by a legacy tool.
    """
    columns = {
        name: [(v if isinstance(v, bytes) else v.encode("utf-8")).decode("latin-1") for v in values]
        for name, values in records.items()
    }
    frame = gpd.GeoDataFrame(columns, geometry=list(geometries), crs=crs)
    pyogrio.write_dataframe(frame, path, encoding="ISO-8859-1")
    cpg_path = path.with_suffix(".cpg")
    cpg_path.unlink(missing_ok=True)
    if cpg is not None:
        cpg_path.write_text(cpg)
    return path
