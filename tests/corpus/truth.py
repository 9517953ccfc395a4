"""Ground truth for pre-2025 → 2025 mappings that does not come from the code under test.

The real 2025 layer (``../shared/data/real/vn_communes_2025.gpkg``, from gis.vn / sapnhap.bando.com.vn) lists for
every 2025 unit the pre-2025 units it was formed from (``beforeMerger``; "(phần còn lại …)" marks a commune
divided with others, "Không sáp nhập" a unit left as it was). A name there is placed in the pre-2025 register
(the ``vietnamadminunits`` database, read with SQL, not through our loaders) by name within the old provinces
of the new one; where a name occurs twice, the commune whose recorded centre lies inside the unit's real 2025
polygon is the one meant. The join is then checked against this truth, which it never reads.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import shapely

from loaders.text import ascii_key


def _database() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("vietnamadminunits")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db"


_TYPE_IN_BRACKETS = re.compile(r"\s*\((Thị trấn|Xã|Phường|Huyện|Quận|Thị xã|Thành phố)\)$")


def legacy_rows() -> list[dict]:
    """Every pre-2025 commune with its code, names, type, district, province and recorded centre (the register
    writes "Hát Lót (Thị trấn)" where two units of a district share a name: the type is dropped from it)."""
    with sqlite3.connect(_database()) as connection:
        connection.row_factory = sqlite3.Row
        rows = [dict(r) for r in connection.execute(
            "SELECT wardCode AS code, wardShort AS name, wardType AS kind, districtShort AS district, "
            "district AS district_full, provinceCode AS province, provinceShort AS province_name, "
            "wardLat AS lat, wardLon AS lon FROM admin_units_legacy WHERE wardCode IS NOT NULL")]
    for row in rows:
        row["name"] = _TYPE_IN_BRACKETS.sub("", row["name"])
        row["district"] = _TYPE_IN_BRACKETS.sub("", row["district"])
    return rows


def split_items(text: str) -> list[str]:
    """Split a beforeMerger list on commas outside parentheses."""
    items, depth, current = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        items.append(current.strip())
    return items


_TYPES = ("Thị trấn", "Phường", "Xã", "Đặc khu")


@dataclass
class Unit2025:
    """A real 2025 unit and the pre-2025 communes it was formed from (codes), per the real layer."""

    code: str
    name: str
    province: str
    whole: set[str] = field(default_factory=set)
    partial: set[str] = field(default_factory=set)
    unresolved: list[str] = field(default_factory=list)

    @property
    def clear(self) -> bool:
        """Every listed commune was placed; the truth for this unit is known."""
        return not self.unresolved


def _key(kind: str, name: str) -> str:
    return ascii_key(f"{kind} {name}", None, strip=False)


def units_from_layer(layer, provinces_2025: set[str], legacy_provinces: set[str]) -> dict[str, Unit2025]:
    """The truth for the 2025 units of ``provinces_2025`` (a GeoDataFrame of the real layer)."""
    old = [r for r in legacy_rows() if r["province"] in legacy_provinces]
    by_name = defaultdict(list)
    for r in old:
        by_name[_key(r["kind"] or "", r["name"])].append(r)
    units = {}
    for row in layer[layer["province_code"].isin(provinces_2025)].itertuples():
        unit = Unit2025(row.ward_code, unicodedata.normalize("NFC", row.ward_name), row.province_code)
        text = row.beforeMerger if isinstance(row.beforeMerger, str) else ""
        if not text.strip():
            unit.unresolved.append("(the layer lists nothing)")
            units[unit.code] = unit
            continue
        if text.strip().lower().startswith("không sáp nhập"):
            items = [f"{row.ward_type} {unit.name}"]
        else:
            items = split_items(unicodedata.normalize("NFC", text))
        for item in items:
            match = re.match(r"^(.*?)\s*\((.*)\)$", item)
            name, note = (match.group(1), match.group(2)) if match else (item, "")
            divided = "phần còn lại" in note or "một phần" in note
            district_hint = "" if divided else note
            found = by_name.get(ascii_key(name, None, strip=False), [])
            if district_hint and len(found) > 1:
                hinted = [r for r in found if ascii_key(r["district"], "district") in ascii_key(district_hint)]
                found = hinted or found
            if len(found) > 1:
                found = [r for r in found if r["lat"] is not None
                         and row.geometry.contains(shapely.Point(r["lon"], r["lat"]))]
            if len(found) != 1:
                unit.unresolved.append(item)
                continue
            (unit.partial if divided else unit.whole).add(found[0]["code"])
        units[unit.code] = unit
    # a commune listed under two units went into neither whole, whatever each list says
    seen = defaultdict(set)
    for unit in units.values():
        for code in unit.whole | unit.partial:
            seen[code].add(unit.code)
    for unit in units.values():
        shared = {code for code in unit.whole if len(seen[code]) > 1}
        unit.whole -= shared
        unit.partial |= shared
    return units
