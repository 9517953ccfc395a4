"""Options shared by ``coverage-map export`` and ``coverage-map gaps``: which data, which view, which language.

A view is a :class:`analysis.view.ViewSpec`, built from the options or from ``--link``: the address of a page of
the dashboard (copied from the browser) or just its query string. Both give exactly the view the app shows.
Every check that can fail on user input happens here and raises :class:`dashboard.cli.CliError` (or a
``LoaderError``) with one line, before anything is drawn or written.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

from analysis.classify import SCHEME_KEYS
from analysis.view import AREA_FILTERS, ViewSpec
from dashboard.cli import CliError
from loaders.schema import PERIOD_PATTERN

# dashboard.query (geopandas) is imported inside the functions: every subcommand's module is imported to build
# the parser, and `coverage-map validate --help` should not pay for the map stack.

#: The dashboard's page paths → the map each shows.
PAGE_OF_PATH = {"": "map", "ban-do": "map", "vung-trong": "gaps", "so-sanh": "compare"}


def add_view_arguments(parser: argparse.ArgumentParser) -> None:
    """--link, --level, --province, --commune, --period, --area, --scheme, --classes, data options, --lang."""
    parser.add_argument("--link", metavar="URL",
                        help="a view of the dashboard: its address (e.g. http://localhost:8501/vung-trong?province=14)"
                             " or query string; the other view options then change it")
    parser.add_argument("--level", choices=("province", "commune", "hamlet"),
                        help="level of the units shown (default: commune; with --commune: its hamlets)")
    parser.add_argument("--province", metavar="NAME|CODE", help='e.g. "Sơn La", "son la" or 14')
    parser.add_argument("--commune", metavar="NAME|CODE",
                        help="one commune: its hamlets (the commune among its neighbours when the data have no "
                             "hamlets)")
    parser.add_argument("--period", metavar="P", help="YYYY, YYYY-Qn or YYYY-MM (default: the latest)")
    parser.add_argument("--area", metavar="AREAS", help=f"comma-separated, any of: {','.join(AREA_FILTERS)}")
    parser.add_argument("--scheme", choices=SCHEME_KEYS, help="classification (default: quantiles; yes/no values "
                                                              "such as hamlets with a team get two classes)")
    parser.add_argument("--classes", type=int, metavar="K", help="number of classes, 3 to 7 (default 5)")
    parser.add_argument("--boundaries", metavar="PATH", help="boundary file instead of the data in use")
    parser.add_argument("--stats", nargs="+", action="extend", default=[], metavar="PATH",
                        help="statistics files (.csv, .xlsx) for --boundaries")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="a dataset directory (default: the data the dashboard shows: the store's active "
                             "version, else the embedded demo data)")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of labels (default: vi)")


def data_source(args: argparse.Namespace, settings):
    """The data the options name, resolved exactly as the app resolves its own (:func:`resolve_source`)."""
    from dashboard.query import resolve_source

    level = args.level if args.level != "province" else None
    return resolve_source(settings, data_dir=args.data_dir, boundaries=args.boundaries, stats=args.stats,
                          level=level)


def link_page(args: argparse.Namespace) -> str | None:
    """The page of ``--link`` ("map", "gaps", "compare"), or None without a link."""
    if not args.link:
        return None
    path = urlsplit(args.link if "://" in args.link or args.link.startswith("/") else "?" + args.link.lstrip("?"))
    page = PAGE_OF_PATH.get(path.path.strip("/").split("/")[-1])
    if page is None:
        raise CliError(f"--link: unknown page {path.path!r}; the pages are: {', '.join(p for p in PAGE_OF_PATH if p)}")
    return page


def _link_spec(args: argparse.Namespace) -> ViewSpec:
    if not args.link:
        return ViewSpec()
    query = urlsplit(args.link).query if "://" in args.link or args.link.startswith("/") else args.link.lstrip("?")
    return ViewSpec.from_params(dict(parse_qsl(query)))


def parse_areas(text: str) -> tuple[str, ...]:
    areas = tuple(area.strip() for area in (text or "").split(",") if area.strip())
    for area in areas:
        if area not in AREA_FILTERS:
            raise CliError(f"unknown area {area!r}; choose from: {', '.join(AREA_FILTERS)}")
    return areas


def view_spec(args: argparse.Namespace, source, indicator: str | None = None) -> ViewSpec:
    """The :class:`ViewSpec` the options describe (over ``--link``), with province and commune as codes."""
    from dashboard.query.places import resolve_place

    spec = _link_spec(args)
    changes: dict = {}
    if indicator:
        changes["indicator"] = indicator
    if args.area is not None:
        changes["areas"] = parse_areas(args.area)
    if args.scheme:
        changes["scheme"] = args.scheme
    if args.classes is not None:
        changes["k"] = args.classes
    if args.period:
        if not re.match(PERIOD_PATTERN, args.period):
            raise CliError(f"bad period {args.period!r}; write YYYY, YYYY-Qn or YYYY-MM, e.g. 2025-Q4")
        changes["period"] = args.period
    try:
        spec = replace(spec, **changes)
    except (ValueError, KeyError) as error:
        raise CliError(str(error.args[0])) from None
    spec = resolve_place(source, spec, args.province, args.commune)
    level = args.level or (spec.level if args.link else None)
    if level is None:
        level = "hamlet" if args.commune and source.has_level("hamlet") else "commune"
        if not source.has_level(level):
            level = source.levels()[0]  # a boundary file of one level: that level
    return replace(spec, level=level)
