"""``coverage-map validate``: load, clean and join files and print the report (SPEC §8).

Without ``--json`` the report is for people (Vietnamese first, English in brackets); with ``--json`` stdout is
one JSON object, the stable contract other tools read.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--boundaries", required=True, metavar="PATH",
                        help="boundary file: .geojson, .shp, .zip, .gpkg or .parquet")
    parser.add_argument("--level", choices=("commune", "hamlet", "province", "district"),
                        help="level of the boundaries (detected when not given)")
    parser.add_argument("--stats", nargs="+", action="extend", default=[], metavar="PATH",
                        help="statistics files (.csv, .xlsx) to join; may be repeated")
    parser.add_argument("--crs", metavar="EPSG",
                        help="CRS of boundary coordinates when the file declares none, e.g. 3405 (VN-2000 / UTM 48N)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the text report")


def run(args: argparse.Namespace) -> int:
    from loaders.guard import warm_up

    warm_up()  # the worker that reads the files loads its libraries while this process loads its own
    from loaders.validate import validate

    report = validate(args.boundaries, stats=args.stats, level=args.level, crs=args.crs)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(format_report(report))
    return 0


def _n(number) -> str:
    """A count the Vietnamese way: 3.321."""
    return f"{int(number):,}".replace(",", ".")


def _problems(lines: list[str], problems: list[str], limit: int = 12) -> None:
    for problem in problems[:limit]:
        lines.append(f"  ! {problem}")
    if len(problems) > limit:
        lines.append(f"  ! … {len(problems) - limit} more (thêm {len(problems) - limit} ghi chú; see --json)")


def format_report(report: dict) -> str:
    """The validation report as readable text (Vietnamese first, English in brackets)."""
    b = report["boundaries"]
    lines = [
        f"Ranh giới (boundaries): {Path(b['path']).name}" + (f" — lớp (layer) {b['layer']}" if b["layer"] else ""),
        f"  {_n(b['features'])} đơn vị (units), cấp (level): {b['level']}",
        f"  Hệ toạ độ (CRS): {b['crs_in'] or '—'}"
        + (" → EPSG:4326 (đã chuyển / reprojected)" if b["reprojected"] else ""),
        f"  Hình học lỗi đã sửa (invalid geometries repaired): {_n(b['invalid_fixed'])}; "
        f"rỗng (empty): {_n(b['empty'])}",
        f"  Bảng mã (encoding): {b['encoding']}; tên đều NFC (all names NFC): "
        + ("có (yes)" if b["names_nfc"] else "không (no)"),
    ]
    if "register_2025" in b:
        register = b["register_2025"]
        lines.append(f"  Mã có trong danh mục 2025 (codes in the 2025 register): {_n(register['official_codes'])}"
                     f"/{_n(b['features'])}")
        lines += [f"    tên khác danh mục (name differs): {line}" for line in register["name_differs"]]
    _problems(lines, b["problems"])
    for stats in report["stats"]:
        periods = ", ".join(stats["periods"]) or "— (không có kỳ / no period)"
        lines += [
            f"Số liệu (statistics): {Path(stats['path']).name} — {_n(stats['rows'])} dòng (rows), "
            f"kỳ (periods): {periods}",
            "  Cột nhận diện (columns): " + ", ".join(stats["columns"]),
        ]
        _problems(lines, stats["problems"])
    if report["stats"]:
        j = report["join"]
        lines += [
            "Ghép nối (join):",
            f"  theo mã (by code): {_n(j['matched_by_code'])}; theo tên (by name): {_n(j['matched_by_name'])}; "
            f"đơn vị cũ trước 2025 → 2025 (pre-2025 mapped): {_n(j.get('matched_legacy', 0))}",
            f"  không ghép được (unmatched statistics rows): {_n(len(j['unmatched_stats']))}",
        ]
        for row in j["unmatched_stats"][:20]:
            hint = f" → gợi ý (suggestion): {row['suggestion']}" if row["suggestion"] else ""
            lines.append(f"    - {row['name']}{hint}")
        lines.append(f"  đơn vị chưa có số liệu (units without statistics): {_n(j['units_without_stats'])}")
        _problems(lines, j.get("duplicates", []) + j.get("code_name_differs", []) + j.get("problems", []))
    return "\n".join(lines)
