"""Options shared by ``coverage-map export`` and ``coverage-map gaps``: which data, which view, which language.

Every check that can fail on user input happens here and raises :class:`dashboard.cli.CliError` (or the loaders'
``LoaderError``) with one line, before anything is drawn or written.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from analysis.indicators import get_indicator
from analysis.view import AREA_FILTERS, ViewSpec
from dashboard.cli import CliError
from loaders.errors import LoaderError
from loaders.schema import PERIOD_PATTERN

# dashboard.export_data (geopandas, folium) is imported inside the functions: every subcommand's module is
# imported to build the parser, and `coverage-map validate --help` should not pay for the map stack.

#: Same variable as the dashboard: another dataset directory (an uploaded version, a test dataset).
DATA_ENV = "COVERAGE_MAP_DATA"


def add_view_arguments(parser: argparse.ArgumentParser) -> None:
    """--level, --province, --commune, --period, --area, data options and --lang."""
    parser.add_argument("--level", choices=("province", "commune", "hamlet"),
                        help="level of the units shown (default: commune; with --commune: its hamlets)")
    parser.add_argument("--province", metavar="NAME|CODE", help='e.g. "Sơn La" or 14')
    parser.add_argument("--commune", metavar="NAME|CODE",
                        help="one commune: its hamlets (the commune alone when the data have no hamlets)")
    parser.add_argument("--period", metavar="P", help="YYYY, YYYY-Qn or YYYY-MM (default: the latest)")
    parser.add_argument("--area", metavar="AREAS", default="",
                        help=f"comma-separated, any of: {','.join(AREA_FILTERS)}")
    parser.add_argument("--boundaries", metavar="PATH", help="boundary file instead of the embedded data")
    parser.add_argument("--stats", nargs="+", action="extend", default=[], metavar="PATH",
                        help="statistics files (.csv, .xlsx) for --boundaries")
    parser.add_argument("--data-dir", metavar="DIR",
                        help=f"dataset directory (default: ${DATA_ENV} or the embedded demo data)")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of labels (default: vi)")


def data_source(args: argparse.Namespace):
    """The files given with --boundaries/--stats, else --data-dir, else the embedded default data.

    Returns
    -------
    dashboard.export_data.DataSource
    """
    from dashboard.export_data import DatasetSource, FileSource

    if args.boundaries:
        if not args.stats:
            raise CliError("--boundaries needs --stats PATH (the figures to map)")
        level = args.level if args.level != "province" else None
        return FileSource.read(args.boundaries, args.stats, level=level)  # None: the loader detects it
    if args.stats:
        raise CliError("--stats needs --boundaries PATH")
    from loaders.dataset import DEFAULT_DATA_DIR

    directory = args.data_dir or os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR
    if not Path(directory).is_dir():
        raise CliError(f"no dataset at {directory}; run: coverage-map demo")
    return DatasetSource(Path(directory))


def parse_areas(text: str) -> tuple[str, ...]:
    areas = tuple(area.strip() for area in (text or "").split(",") if area.strip())
    for area in areas:
        if area not in AREA_FILTERS:
            raise CliError(f"unknown area {area!r}; choose from: {', '.join(AREA_FILTERS)}")
    return areas


def check_indicator(key: str) -> str:
    try:
        get_indicator(key)
    except KeyError as error:
        raise CliError(error.args[0]) from None
    return key


def check_period(period: str | None, source, level: str) -> str | None:
    """The period if it is well formed and in the data (the message lists the periods there are)."""
    from analysis.aggregate import periods as stats_periods

    if period is None:
        return None
    if not re.match(PERIOD_PATTERN, period):
        raise CliError(f"bad period {period!r}; write YYYY, YYYY-Qn or YYYY-MM, e.g. 2025-Q4")
    available = stats_periods(source.stats(level))
    if available and period not in available:
        raise CliError(f"no data for period {period}; periods in the data: {', '.join(available)}")
    return period


def view_spec(args: argparse.Namespace, source, indicator: str) -> ViewSpec:
    """The :class:`ViewSpec` the options describe, with province and commune resolved to codes."""
    from dashboard.export_data import resolve_place

    level = args.level or ("hamlet" if args.commune and source.has_level("hamlet") else "commune")
    if not args.level and not source.has_level(level):
        from dashboard.export_data import source_level

        level = source_level(source)  # a boundary file of one level: that level
    if level == "hamlet" and not (args.province or args.commune):
        raise CliError("--level hamlet needs --province or --commune (the whole country has too many hamlets)")
    if not source.has_level(level):
        raise CliError(f"the data have no {level} units; use --level "
                       + " or ".join(lv for lv in ("province", "commune", "hamlet") if source.has_level(lv)))
    spec = ViewSpec(level=level, indicator=check_indicator(indicator), areas=parse_areas(args.area))
    try:
        spec = resolve_place(source, spec, args.province, args.commune)
    except LoaderError as error:
        raise CliError(str(error)) from None
    period = check_period(args.period, source, "commune" if source.has_level("commune") else level)
    return ViewSpec(**{**spec.__dict__, "period": period})
