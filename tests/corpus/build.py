"""Helpers for the corpus: real units of the registers, deterministic figures, boundaries and workbooks.

Names and codes are real (the 2025 and pre-2025 registers of ``vietnamadminunits``, read with SQL here, not
through the loaders under test); the figures are invented but consistent (members ≥ teams, users ≤ adults).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import openpyxl
import shapely

from corpus.truth import _database


@dataclass(frozen=True)
class Expected:
    """What must become of one row read: its class and, when applied, the unit it lands on."""

    sheet: str | None
    row: int
    cls: str
    key: str | None = None


@dataclass
class Case:
    """One corpus file (or set of files) with boundaries and the exact outcome of every row."""

    name: str
    source: str
    boundaries: Path
    stats: list[Path]
    expected: list[Expected]
    sums: dict = field(default_factory=dict)      # (commune_code, period) → {column: value} after the join
    checks: list = field(default_factory=list)    # extra (description, callable(report) -> bool)


def units_2025(*provinces: str) -> list[dict]:
    """The 2025 units of the given provinces: code, name, kind, province code and name (register order)."""
    marks = ",".join("?" * len(provinces))
    with sqlite3.connect(_database()) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(r) for r in connection.execute(
            "SELECT wardCode AS code, wardShort AS name, ward AS fullname, provinceCode AS province, "
            "provinceShort AS province_name FROM admin_units WHERE provinceCode IN (" + marks + ") ORDER BY wardCode",
            provinces)]


def kind_of(unit: dict) -> str:
    """The unit's type as its full name says it ("Phường Việt Hòa" is a phường whatever the type column says)."""
    for kind in ("Đặc khu", "Phường", "Xã"):
        if unit["fullname"].startswith(kind + " "):
            return kind
    return "Xã"


def figures(code: str, period_shift: int = 0) -> dict:
    """Invented but plausible figures for a unit, from its code (the same code always gives the same figures)."""
    n = int(code) + period_shift
    teams = n % 7 + 1
    hamlets = n % 9 + teams + 2
    population = 2000 + (n * 37) % 9000
    adults = population * 7 // 10
    return {"teams": teams, "team_members": teams * 5 + n % 3, "hamlets": hamlets,
            "hamlets_with_team": min(hamlets, teams + 1), "population": population, "population_15plus": adults,
            "smartphone_users": adults * 6 // 10 + n % 50, "vneid_level2": adults // 2}


def write_boundaries(path: Path, units: list[dict], fields: dict | None = None) -> Path:
    """A GeoPackage of the given 2025 units (small squares, real codes and names) with the fields named as
    asked: ``fields`` maps our names (code, name, kind, province, province_name) to the file's field names."""
    fields = fields or {"code": "ma_xa", "name": "ten_xa", "kind": "loai", "province": "ma_tinh",
                        "province_name": "ten_tinh"}
    columns = {target: [] for target in fields.values()}
    for unit in units:
        values = {"code": unit["code"], "name": unit["name"], "kind": kind_of(unit), "province": unit["province"],
                  "province_name": unit["province_name"], "name_ascii": _ascii(unit["name"])}
        for ours, theirs in fields.items():
            columns[theirs].append(values[ours])
    geometries = [shapely.box(102 + (i % 60) * 0.05, 10 + (i // 60) * 0.05, 102.04 + (i % 60) * 0.05,
                              10.04 + (i // 60) * 0.05) for i in range(len(units))]
    gpd.GeoDataFrame(columns, geometry=geometries, crs=4326).to_file(path, driver="GPKG")
    return path


def _ascii(text: str) -> str:
    from loaders.text import strip_diacritics

    return strip_diacritics(text)


def write_xlsx(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook with one sheet per entry (rows as lists) and the given merged ranges."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(title, []):
            sheet.merge_cells(cells)
    workbook.save(path)
    return path


#: The national motto block above every administrative report (Decree 30/2020/NĐ-CP form), as reports send it.
def title_block(agency: str, province: str, width: int, title: str, basis: str) -> tuple[list[list], list[str]]:
    rows = [[f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}"] + [None] * 3 + ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
            [agency] + [None] * 3 + ["Độc lập - Tự do - Hạnh phúc"], [], [title], [basis], []]
    last = openpyxl.utils.get_column_letter(width)
    return rows, [f"A4:{last}4", f"A5:{last}5"]


def signature_block(place: str, day: str) -> list[list]:
    """The block under a report's table: place and date, who signs, notes (never data)."""
    return [[], [None, "Nơi nhận:", None, None, None, f"{place}, ngày {day}"],
            [None, "- Sở Khoa học và Công nghệ;", None, None, None, "KT. CHỦ TỊCH"],
            [None, "- Lưu: VT.", None, None, None, "PHÓ CHỦ TỊCH"], [None, None, None, None, None, "(Đã ký)"],
            [None, "Người lập biểu", None, None, None, "Nguyễn Văn An"]]
