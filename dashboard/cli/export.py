"""``coverage-map export``: one map or table of a view, or an atlas with ``--batch`` (SPEC §8).

The format comes from ``--format`` or else from the suffix of ``--out``. Files are written atomically (a
temporary file next to the target, then renamed), so a failed export never leaves half a file behind.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from dashboard.cli import CliError
from dashboard.cli.view_args import add_view_arguments, data_source, link_page, view_spec

MAP_FORMATS = ("png", "pdf", "svg", "html")
TABLE_FORMATS = ("csv", "xlsx", "geojson", "gpkg")
FORMATS = (*MAP_FORMATS, *TABLE_FORMATS)
_SUFFIXES = {"htm": "html", "json": "geojson", "zip": "zip"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--indicator", metavar="KEY",
                        help="e.g. smartphone_share, team_presence; gap_score for the gap map (default: the "
                             "link's, else smartphone_share)")
    parser.add_argument("--map", choices=("indicator", "gaps", "compare-a", "compare-b", "change"),
                        help="which map of the view, as the pages show them: the indicator (Bản đồ; default), the "
                             "gaps (Vùng trống), or the compare page's map A, map B or change (So sánh; with "
                             "--link to that page the default is the change)")
    parser.add_argument("--since", metavar="P", help="--map change/compare-a: the earlier period (default: the one "
                                                     "before)")
    parser.add_argument("--gap-indicators", metavar="KEYS",
                        help="--map gaps: indicators whose shortfall counts, comma-separated (default smartphone_share)")
    add_view_arguments(parser)
    parser.add_argument("--format", choices=FORMATS, help="default: from the suffix of --out")
    parser.add_argument("--size", metavar="WxH", help="image size in pixels (default 1920x1080)")
    parser.add_argument("--dpi", type=float, metavar="N", help="dots per inch (default 150)")
    parser.add_argument("--paper", choices=("a4", "a3"), default="a4", help="PDF paper, landscape (default a4)")
    parser.add_argument("--no-inset", action="store_true", help="leave out the locator inset")
    parser.add_argument("--batch", choices=("commune", "province"),
                        help="one map per commune of --province (or per province): a PDF, or a ZIP of PNGs")
    parser.add_argument("--out", required=True, metavar="PATH", help="file to write")


def output_format(args: argparse.Namespace) -> str:
    """--format, or the suffix of --out (".json" → geojson, ".zip" → a ZIP of PNGs for --batch)."""
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lower().lstrip(".")
    fmt = _SUFFIXES.get(suffix, suffix)
    if fmt not in FORMATS and not (fmt == "zip" and args.batch):
        raise CliError(f"cannot tell the format from {args.out!r}; add --format ({', '.join(FORMATS)})")
    return fmt


def parse_size(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    parts = text.lower().replace("×", "x").split("x")
    try:
        width, height = (int(part) for part in parts)
    except ValueError:
        raise CliError(f"bad --size {text!r}; write WIDTHxHEIGHT in pixels, e.g. 1920x1080") from None
    if not (100 <= width <= 20000 and 100 <= height <= 20000):
        raise CliError(f"--size {text} is out of range (100 to 20000 pixels a side)")
    return width, height


def check_out(path: str) -> Path:
    """The output path, if its directory exists and can be written to."""
    out = Path(path).expanduser()
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise CliError(f"--out {path} is a directory; give a file name")
    if not folder.is_dir():
        raise CliError(f"cannot write --out {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise CliError(f"cannot write --out {path}: permission denied")
    return out


def write_atomic(out: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, out)
    except OSError as error:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise CliError(f"cannot write --out {out}: {error.strerror}") from None


def _progress(done: int, total: int, name: str) -> None:
    print(f"[{done}/{total}] {name}", file=sys.stderr, flush=True)


def which_map(args: argparse.Namespace) -> str:
    """The map asked for: --map, else the page of --link, else gaps for ``--indicator gap_score``."""
    if args.map:
        return args.map
    if args.indicator == "gap_score":
        return "gaps"
    return {"gaps": "gaps", "compare": "change"}.get(link_page(args) or "", "indicator")


def shown_view(args: argparse.Namespace, settings):
    """(source, the view as the dashboard would show it, which map)."""
    from dataclasses import replace

    from dashboard.query import view_for_page

    source = data_source(args, settings)
    kind = which_map(args)
    indicator = None if args.indicator in (None, "gap_score") else args.indicator
    try:
        spec = view_spec(args, source, indicator)
        if args.gap_indicators:
            spec = replace(spec, gap_indicators=tuple(k.strip() for k in args.gap_indicators.split(",") if k.strip()))
        if args.since:
            spec = replace(spec, period_a=args.since, compare="periods")
    except (ValueError, KeyError) as error:
        raise CliError(str(error.args[0])) from None
    return source, view_for_page(source, spec, kind, settings, strict=True)


def render(args: argparse.Namespace, fmt: str, settings) -> tuple[bytes, str]:
    """The bytes of the requested export and its file name (checks done; loading and drawing here)."""
    from dashboard.render import formats

    size = parse_size(args.size)
    if args.dpi is not None and not 30 <= args.dpi <= 1200:
        raise CliError("--dpi must be between 30 and 1200")
    source, view = shown_view(args, settings)
    options = formats.ExportOptions(lang=args.lang, size=size, dpi=args.dpi, paper=args.paper,
                                    inset=not args.no_inset, link=args.link or "")
    if args.batch:
        if fmt not in ("pdf", "png", "zip"):
            raise CliError("--batch writes a PDF (one page per map) or a ZIP of PNGs (--out atlas.zip)")
        if args.batch == "commune" and not view.spec.province:
            raise CliError("--batch commune needs --province (one map per commune of that province)")
        options = formats.ExportOptions(**{**options.__dict__, "per": args.batch,
                                           "atlas_format": "pdf" if fmt == "pdf" else "zip",
                                           "progress": _progress})
        fmt = "atlas"
    made = formats.export(fmt, view, source, options, settings)
    return made.data, made.file_name


def run(args: argparse.Namespace) -> int:
    from loaders.settings import load_settings

    fmt = output_format(args)
    out = check_out(args.out)
    try:
        data, _ = render(args, fmt, load_settings())
    except ValueError as error:  # a view the analysis refuses (e.g. an unknown classification)
        raise CliError(str(error)) from None
    write_atomic(out, data)
    print(f"{out} ({len(data) / 1024:,.0f} kB)")
    return 0
