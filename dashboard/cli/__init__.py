"""The ``coverage-map`` console script (SPEC §8).

Each subcommand lives in its own module exposing ``add_arguments(parser)`` and ``run(args) -> int``.
Errors the user can fix (:class:`loaders.errors.LoaderError`, :class:`CliError`) become one line on stderr and
exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: subcommand -> (module, one-line help)
SUBCOMMANDS = {
    "validate": ("dashboard.cli.validate", "load, clean and join files and print the report"),
    "export": ("dashboard.cli.export", "write a map image, an interactive map or a table"),
    "gaps": ("dashboard.cli.gaps", "print the ranked list of gaps"),
    "demo": ("dashboard.cli.demo", "regenerate the embedded demo data"),
    "store": ("dashboard.cli.store", "the data store: init, status, apply, rollback, use, history, diff"),
}


class CliError(Exception):
    """A usage problem explained in one line (exit code 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coverage-map",
        description="Bản đồ Tổ công nghệ số cộng đồng / community digital technology team maps",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(module_name=module_name)
        module = _import_subcommand(module_name)
        if module is not None:
            module.add_arguments(sub)
    return parser


def _import_subcommand(module_name: str):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name:  # subcommand not built yet
            return None
        raise


def main(argv: list[str] | None = None) -> int:
    from loaders.errors import LoaderError

    args = build_parser().parse_args(argv)
    module = _import_subcommand(args.module_name)
    if module is None:
        print(f"coverage-map: '{args.command}' is not available in this version", file=sys.stderr)
        return 2
    try:
        return int(module.run(args) or 0)
    except (LoaderError, CliError) as error:
        # The command line speaks English like the rest of its output; errors that carry both languages say so.
        message = error.text("en") if callable(getattr(error, "text", None)) else str(error)
        print(f"coverage-map {args.command}: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
