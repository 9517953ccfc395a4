"""Targets and limits from the one settings file (``settings.toml`` at the repository root)."""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

DEFAULT_SETTINGS_PATH = Path(__file__).resolve().parents[1] / "settings.toml"
SETTINGS_ENV = "COVERAGE_MAP_SETTINGS"


@lru_cache(maxsize=4)
def _read(path: str) -> dict:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def load_settings(path: str | Path | None = None) -> dict:
    """Return the settings as a dict.

    Parameters
    ----------
    path : str or Path, optional
        Settings file; defaults to ``$COVERAGE_MAP_SETTINGS`` or the repository's ``settings.toml``.
        A missing file gives empty settings (every indicator then has no target).
    """
    path = Path(path or os.environ.get(SETTINGS_ENV) or DEFAULT_SETTINGS_PATH)
    if not path.exists():
        return {}
    return _read(str(path))


def targets(path: str | Path | None = None) -> dict[str, float]:
    """Indicator key → target value (percent), as configured."""
    return {key: float(value) for key, value in load_settings(path).get("targets", {}).items()}


def near_target_band(path: str | Path | None = None) -> float:
    """Percentage points below target that still count as "near target"."""
    return float(load_settings(path).get("classification", {}).get("near_target_band", 10))
