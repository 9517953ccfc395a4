"""``coverage-map gaps``: the ranked list of gaps of a view (SPEC §4, §8).

Units with no team, or with a chosen indicator below its target, ranked by ``gap_score`` (people affected), with
the reasons in words. ``--json`` prints one JSON object for other tools; ``--out`` also writes the list as CSV or
XLSX, the same file as the download button on the gaps page.
"""

from __future__ import annotations

import argparse
import json
import math

from i18n.numbers import format_number
from analysis.gaps import DEFAULT_GAP_INDICATORS
from dashboard.cli import CliError
from dashboard.cli.view_args import add_view_arguments, check_indicator, data_source, view_spec
from loaders.schema import KEY_COLUMN, NAME_COLUMN


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_view_arguments(parser)
    default = " ".join(DEFAULT_GAP_INDICATORS)
    parser.add_argument("--indicator", nargs="+", action="extend", default=[], metavar="KEY",
                        help=f"indicators whose shortfall to target counts (default: {default})")
    parser.add_argument("--top", type=int, default=20, metavar="N", help="how many to list (default 20; 0 = all)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--out", metavar="PATH", help="also write the list as .csv or .xlsx")


def _number(value):
    """JSON-safe number: NaN → None, whole floats → int."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    value = float(value)
    return int(value) if value.is_integer() else round(value, 2)


def gap_records(gaps, level: str) -> list[dict]:
    """One dict per gap: rank, code, names, gap score, value of the first indicator, reasons."""
    key, name = KEY_COLUMN[level], NAME_COLUMN[level]
    records = []
    for row in gaps.to_dict("records"):
        record = {"rank": int(row["rank"]), key: str(row[key]), name: row.get(name)}
        for extra in ("commune_name", "province_code", "province_name"):
            if extra in row and extra not in record:
                record[extra] = row[extra]
        record.update(gap_score=_number(row["gap_score"]), value=_number(row.get("value")),
                      population_15plus=_number(row.get("population_15plus")),
                      reason_vi=row["reason_vi"], reason_en=row["reason_en"])
        records.append(record)
    return records


def format_text(records: list[dict], level: str, total: int, lang: str) -> str:
    """A readable ranked list: rank, code, name (province), people affected, reasons."""
    if not records:
        return "Không có vùng trống với bộ lọc này." if lang == "vi" else "No gaps with these filters."
    key, name = KEY_COLUMN[level], NAME_COLUMN[level]
    header = (f"{total} đơn vị là vùng trống; {len(records)} đầu tiên theo số người bị ảnh hưởng:"
              if lang == "vi" else f"{total} units are gaps; the first {len(records)} by people affected:")
    lines = [header]
    for record in records:
        place = record[name] + (f" ({record['province_name']})" if record.get("province_name") and level != "province"
                                else "")
        score = format_number(record["gap_score"], lang)
        reason = record["reason_en" if lang == "en" else "reason_vi"]
        lines.append(f"{record['rank']:>4}. {record[key]:<8} {place:<42} {score:>10}  {reason}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from dashboard import tables
    from dashboard.downloads import GAP_COLUMNS, gap_rows
    from dashboard.export_data import view_table

    if args.top < 0:
        raise CliError("--top must be 0 (all) or more")
    indicators = tuple(dict.fromkeys(check_indicator(key) for key in args.indicator)) or DEFAULT_GAP_INDICATORS
    out = None
    if args.out:
        from dashboard.cli.export import check_out

        out = check_out(args.out)
        if out.suffix.lower() not in (".csv", ".xlsx"):
            raise CliError("--out for gaps must end in .csv or .xlsx")
    source = data_source(args)
    spec = view_spec(args, source, indicators[0])
    table = view_table(source, spec)
    gaps = gap_rows(table, spec, indicators)
    shown = gaps.head(args.top) if args.top else gaps
    records = gap_records(shown, spec.level)
    if out is not None:
        from dashboard.cli.export import write_atomic

        fmt = out.suffix.lower().lstrip(".")
        write_atomic(out, tables.export_table(shown, fmt, spec.level, spec.indicator, args.lang,
                                              extra=("rank", *GAP_COLUMNS)))
    if args.json:
        print(json.dumps({"level": spec.level, "period": table.attrs.get("period"), "province": spec.province,
                          "areas": list(spec.areas), "indicators": list(indicators), "total_gaps": len(gaps),
                          "gaps": records}, ensure_ascii=False, default=str))
    else:
        print(format_text(records, spec.level, len(gaps), args.lang))
    return 0

