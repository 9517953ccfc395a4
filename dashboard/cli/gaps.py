"""``coverage-map gaps``: the ranked list of gaps of a view (SPEC §4, §8).

Units with no team, or with a chosen indicator below its target, ranked by ``gap_score`` (people affected), with
the reasons in words. ``--json`` prints one JSON object for other tools; ``--out`` also writes the list as CSV or
XLSX, the same file as the download button on the gaps page.
"""

from __future__ import annotations

import argparse
import json
import math

from i18n import format_number, lang_column, t
from analysis.gaps import DEFAULT_GAP_INDICATORS
from dashboard.cli import CliError
from dashboard.cli.view_args import add_view_arguments, data_source, view_spec
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
        return t("no_gaps", lang)
    key, name = KEY_COLUMN[level], NAME_COLUMN[level]
    header = t("gap_list_header", lang, total=total, shown=len(records))
    lines = [header]
    for record in records:
        place = record[name] + (f" ({record['province_name']})" if record.get("province_name") and level != "province"
                                else "")
        score = format_number(record["gap_score"], lang)
        reason = record[lang_column("reason", lang)]
        lines.append(f"{record['rank']:>4}. {record[key]:<8} {place:<42} {score:>10}  {reason}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from dashboard.query import gap_view
    from dashboard.render import formats
    from loaders.settings import load_settings

    if args.top < 0:
        raise CliError("--top must be 0 (all) or more")
    out = None
    if args.out:
        from dashboard.cli.export import check_out

        out = check_out(args.out)
        if out.suffix.lower() not in (".csv", ".xlsx"):
            raise CliError("--out for gaps must end in .csv or .xlsx")
    settings = load_settings()
    source = data_source(args, settings)
    try:
        spec = view_spec(args, source)
        if args.indicator:
            spec = replace(spec, gap_indicators=tuple(dict.fromkeys(args.indicator)))
    except (ValueError, KeyError) as error:
        raise CliError(str(error.args[0])) from None
    view = gap_view(source, spec, settings, strict=True)
    gaps = view.table[view.table["is_gap"]]
    shown = gaps.head(args.top) if args.top else gaps
    records = gap_records(shown, view.level)
    if out is not None:
        from dashboard.cli.export import write_atomic

        write_atomic(out, formats.export(out.suffix.lower().lstrip("."), view, source,
                                         formats.ExportOptions(lang=args.lang, link=args.link or "")).data)
    if args.json:
        print(json.dumps({"level": view.level, "period": view.period, "province": view.spec.province,
                          "areas": list(view.spec.areas), "indicators": list(view.spec.gap_indicators),
                          "total_gaps": len(gaps), "gaps": records}, ensure_ascii=False, default=str))
    else:
        print(format_text(records, view.level, len(gaps), args.lang))
    return 0
