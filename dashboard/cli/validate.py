"""``coverage-map validate``: load, clean and join files and print the report (SPEC §8).

Without ``--json`` the report is for people, in English or (``--lang vi``) Vietnamese; every sentence comes from
the catalogue through the loaders' :class:`~i18n.Message` values, so it reads the same as the upload panel.
With ``--json`` stdout is one JSON object, the stable contract other tools read. A statistics file that cannot
be used gets one line on stderr and exit code 2 (the report of the other files is still printed).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from i18n import format_period, t


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
    parser.add_argument("--lang", choices=("en", "vi"), default="en", help="language of the text report")


def run(args: argparse.Namespace) -> int:
    from loaders.guard import warm_up

    warm_up()  # the worker that reads the files loads its libraries while this process loads its own
    from loaders.validate import validate

    report = validate(args.boundaries, stats=args.stats, level=args.level, crs=args.crs,
                      communes=_communes_in_use(args))
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(format_report(report, args.lang))
    for error in report.get("errors", []):
        print(f"coverage-map validate: {error['text'] if args.lang == 'en' else _path_line(error, 'vi')}",
              file=sys.stderr)
    unusable = report["stats"] and report["join"].get("can_apply") is False
    if unusable:  # read, but not one row can give a figure to a unit: the same one line as any unusable file
        verdict = next(line for line in report["join"]["lines"] if line["key"] == "join.cannot_apply")
        names = ", ".join(Path(s["path"]).name for s in report["stats"])
        print(f"coverage-map validate: {names}: {verdict[args.lang]}", file=sys.stderr)
    return 2 if report.get("errors") or unusable else 0


def _communes_in_use(args: argparse.Namespace):
    """The commune shapes of the data in use, for hamlet boundaries (placed in them, see SPEC §7.12)."""
    from dashboard.query.sources import _communes_in_use as communes_of, _may_be_hamlets
    from loaders.settings import load_settings

    if not _may_be_hamlets(args.boundaries, args.level):
        return None
    return communes_of(load_settings(), None, None, None)


def _path_line(error: dict, lang: str) -> str:
    name = Path(error["path"]).name if error.get("path") else ""
    text = error["message"][lang]
    return f"{name}: {text}" if name else text


def _n(number, lang: str) -> str:
    from i18n import format_number

    return format_number(int(number), lang)


def _level(level, lang: str) -> str:
    from i18n import has_key

    return t(f"validate.level_{level}", lang) if has_key(f"validate.level_{level}") else str(level or "")


def _column(column: str, lang: str) -> str:
    """A canonical column as the report names it: the key itself in English (it is what --json says)."""
    from i18n import has_key

    return t(f"columns.{column}", lang) if lang == "vi" and has_key(f"columns.{column}") else column


def _notes(lines: list[str], notes: list[str], lang: str, limit: int = 12) -> None:
    lines += [f"  ! {note}" for note in notes[:limit]]
    if len(notes) > limit:
        lines.append("  ! " + t("validate.more", lang, n=len(notes) - limit))


def format_report(report: dict, lang: str = "en") -> str:
    """The validation report as readable text in ``lang``."""
    b = report["boundaries"]
    lines = [t("validate.boundaries", lang, file=Path(b["path"]).name)
             + (t("validate.layer", lang, layer=b["layer"]) if b["layer"] else ""),
             "  " + t("validate.units", lang, n=_n(b["features"], lang), level=_level(b["level"], lang)),
             "  " + t("validate.crs", lang, crs=b["crs_in"] or "—")
             + (t("validate.reprojected", lang) if b["reprojected"] else ""),
             "  " + t("validate.geometries", lang, fixed=_n(b["invalid_fixed"], lang), empty=_n(b["empty"], lang)),
             "  " + t("validate.encoding", lang, encoding=b["encoding"],
                      nfc=t("validate.yes" if b["names_nfc"] else "validate.no", lang))]
    if "register_2025" in b:
        register = b["register_2025"]
        lines.append("  " + t("validate.register", lang, n=_n(register["official_codes"], lang),
                              total=_n(b["features"], lang)))
        lines += ["    " + t("validate.name_differs", lang, line=line) for line in register["name_differs"]]
    worded = {m["en"] for m in b.get("messages", [])}
    _notes(lines, [m[lang] for m in b.get("messages", [])] + [p for p in b["problems"] if p not in worded], lang,
           limit=40 if "placement" in b else 12)
    for stats in report["stats"]:
        periods = ", ".join(format_period(p, lang) for p in stats["periods"]) or t("validate.no_period", lang)
        lines += [t("validate.stats", lang, file=Path(stats["path"]).name, rows=_n(stats["rows"], lang),
                    read=_n(stats.get("rows_read", stats["rows"]), lang), periods=periods),
                  "  " + t("validate.columns", lang, columns=", ".join(_column(c, lang) for c in stats["columns"]))]
        # impossible values are listed once, with the join's other rows not applied
        shown = [m[lang] for m in stats.get("messages", []) if not (report["join"].get("lines") and
                                                                      m["key"] == "stats.finding")]
        _notes(lines, shown if "messages" in stats else stats["problems"], lang)
    if report["stats"]:
        join = report["join"]
        lines.append(t("validate.join", lang, level=_level(join.get("level", ""), lang)))
        lines += [f"  {line[lang]}" for line in _shown(join.get("lines", []))]
        _notes(lines, join.get("problems", []), lang)
    return "\n".join(lines)


def _shown(lines: list[dict], per_kind: int = 15) -> list[dict]:
    """The join lines, at most ``per_kind`` of each kind (the JSON has them all)."""
    shown, seen = [], {}
    for line in lines:
        seen[line["key"]] = seen.get(line["key"], 0) + 1
        if seen[line["key"]] <= per_kind or line["key"] in ("join.summary", "join.units_without"):
            shown.append(line)
    hidden = len(lines) - len(shown)
    if hidden:
        shown.insert(len(shown) - 1, {"key": "join.more", "vi": t("join.more", "vi", n=hidden),
                                      "en": t("join.more", "en", n=hidden)})
    return shown
