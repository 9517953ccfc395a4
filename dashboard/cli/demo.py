"""``coverage-map demo [--out DIR]``: regenerate the embedded demo data (SPEC §8, §9)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from loaders.dataset import DEFAULT_DATA_DIR


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=DEFAULT_DATA_DIR,
                        help=f"dataset directory to write (default: {DEFAULT_DATA_DIR})")


def run(args: argparse.Namespace) -> int:
    from loaders.demo import build_demo

    started = time.perf_counter()
    summary = build_demo(args.out)
    elapsed = time.perf_counter() - started
    print(f"dữ liệu minh họa / demo data written to {args.out}")
    print(f"  {summary['provinces']} provinces, {summary['communes']} communes, {summary['hamlets']} hamlets")
    print(f"  median commune area / registered area: {summary['median_area_ratio']:.3f}")
    for name, size in summary["files"].items():
        print(f"  {name}: {size / 1e6:.2f} MB")
    print(f"  built in {elapsed:.1f} s")
    return 0
