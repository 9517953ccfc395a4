"""Settings, declared and validated once: targets, classification, upload limits, where the data live.

Every setting is declared in :data:`SETTINGS` (section, name, type, default, limits, help, and the environment
variable that may override it). :func:`load_settings` reads ``settings.toml`` and the environment in this one
place and returns a frozen :class:`Settings`; the app and the CLI load it once and pass it (or the values they
need) down. A misspelt name or a value of the wrong type is refused with one line, not ignored.

``[targets]`` is an open table: indicator key → target in percent (the analysis checks the keys).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from loaders.errors import LoaderError

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SETTINGS_PATH = REPO / "settings.toml"
SETTINGS_ENV = "COVERAGE_MAP_SETTINGS"


@dataclass(frozen=True)
class Setting:
    """One setting: ``section.name`` in ``settings.toml``."""

    section: str
    name: str
    kind: type
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    env: str | None = None          # an environment variable that overrides the file

    @property
    def key(self) -> str:
        return f"{self.section}.{self.name}"


#: Every setting the product reads. Add a row here; nothing else reads settings.toml or the environment.
SETTINGS: tuple[Setting, ...] = (
    Setting("classification", "near_target_band", float, 10.0,
            "percentage points below a target that still count as 'near target'", 0, 100),
    Setting("upload", "max_upload_mb", float, 100.0, "largest upload, in MB", 0.001, 10_000),
    Setting("upload", "max_unpacked_mb", float, 500.0, "largest unpacked ZIP content, in MB", 0.001, 100_000),
    Setting("upload", "max_zip_ratio", float, 100.0, "largest compression ratio of a ZIP entry", 1, 100_000),
    Setting("data", "store", str, str(REPO / "var" / "store"),
            "the versioned data store: a directory, or a postgresql:// URL (PostGIS)", env="COVERAGE_MAP_STORE"),
    Setting("data", "staging", str, "",
            "where uploads wait while they are checked (empty: inside the store directory, or var/staging for "
            "PostGIS)", env="COVERAGE_MAP_STAGING"),
    Setting("data", "staging_max_mb", float, 2000.0,
            "largest total size of uploads waiting to be checked; the oldest are removed beyond it", 1, 1_000_000),
    Setting("data", "staging_max_age_h", float, 24.0,
            "uploads left waiting longer than this (hours) are removed", 0.01, 10_000),
    Setting("data", "lock_timeout_s", float, 60.0,
            "how long an apply waits for another one to finish before saying so", 0.1, 3600),
    Setting("data", "timezone", str, "Asia/Ho_Chi_Minh",
            "time zone in which the version history shows times (stored in UTC)"),
    Setting("data", "complete_share", float, 0.8,
            "a period counts as complete for an area when at least this share of its units has figures", 0, 1),
    Setting("data", "pinned", str, "",
            "a dataset directory to show instead of the store's active version (tests, demos)",
            env="COVERAGE_MAP_DATA"),
    Setting("auth", "enabled", bool, False, "optional login and per-province access"),
    Setting("auth", "roles_file", str, "roles.toml",
            "who may read and apply which provinces (relative to this settings file)",
            env="COVERAGE_MAP_ROLES"),
    Setting("auth", "limit_provincial_reads", bool, False,
            "provincial viewers and officers see only their provinces (else they open on them)"),
    Setting("auth", "unlisted_role", str, "none",
            "role of a signed-in user not in the roles file: 'none' (refused) or 'national_viewer'"),
)
_BY_KEY = {setting.key: setting for setting in SETTINGS}
#: Open tables: any name, a number each.
OPEN_TABLES = {"targets": (0.0, 100_000.0)}


@dataclass(frozen=True)
class Settings:
    """The validated settings. ``settings["upload.max_upload_mb"]``; ``settings.targets`` for the targets."""

    values: Mapping[str, Any]
    targets: Mapping[str, float] = field(default_factory=dict)
    path: str = ""

    def __getitem__(self, key: str):
        return self.values[key]

    @property
    def near_target_band(self) -> float:
        return float(self.values["classification.near_target_band"])


def _convert(setting: Setting, value, origin: str):
    if setting.kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("1", "true", "yes", "0", "false", "no", ""):
            return value.lower() in ("1", "true", "yes")
        raise LoaderError("settings.bad_value", origin, name=setting.key, value=str(value)[:40], kind="true/false")
    if setting.kind is float:
        try:
            number = float(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None or number != number:
            raise LoaderError("settings.bad_value", origin, name=setting.key, value=str(value)[:40], kind="number")
        low = setting.minimum if setting.minimum is not None else float("-inf")
        high = setting.maximum if setting.maximum is not None else float("inf")
        if not low <= number <= high:
            raise LoaderError("settings.out_of_range", origin, name=setting.key, value=number, low=low, high=high)
        return number
    if not isinstance(value, str):
        raise LoaderError("settings.bad_value", origin, name=setting.key, value=str(value)[:40], kind="text")
    return value


def _read_file(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise LoaderError("settings.not_toml", path, detail=str(error)[:120]) from None


def _build(path: Path, environ: tuple[tuple[str, str], ...]) -> Settings:
    raw = _read_file(path)
    env = dict(environ)
    values = {setting.key: setting.default for setting in SETTINGS}
    targets: dict[str, float] = {}
    for section, table in raw.items():
        if not isinstance(table, dict):
            raise LoaderError("settings.unknown", path, name=section)
        for name, value in table.items():
            if section in OPEN_TABLES:
                low, high = OPEN_TABLES[section]
                targets[name] = _convert(Setting(section, name, float, 0.0, "", low, high), value, str(path))
                continue
            setting = _BY_KEY.get(f"{section}.{name}")
            if setting is None:
                raise LoaderError("settings.unknown", path, name=f"{section}.{name}")
            values[setting.key] = _convert(setting, value, str(path))
    for setting in SETTINGS:
        if setting.env and env.get(setting.env):
            values[setting.key] = _convert(setting, env[setting.env], setting.env)
    return Settings(values=values, targets=targets, path=str(path))


def load_settings(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """The settings from ``path`` (default ``$COVERAGE_MAP_SETTINGS`` or the repository's ``settings.toml``) and
    the environment. A missing file gives the defaults (and no targets).

    Raises
    ------
    LoaderError
        A misspelt setting, a value of the wrong type or out of range, a file that is not TOML.
    """
    environ = os.environ if environ is None else environ
    path = Path(path or environ.get(SETTINGS_ENV) or DEFAULT_SETTINGS_PATH)
    wanted = tuple(sorted((s.env, environ[s.env]) for s in SETTINGS if s.env and s.env in environ))
    return _cached(str(path), wanted, path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=8)
def _cached(path: str, environ: tuple, _mtime: int) -> Settings:
    return _build(Path(path), environ)


# -- TRANSITION: the old accessors, until every caller takes the values it needs from a Settings ----------------------
def targets(path: str | Path | None = None) -> dict[str, float]:
    """Indicator key → target value (percent), as configured."""
    return dict(load_settings(path).targets)


def near_target_band(path: str | Path | None = None) -> float:
    """Percentage points below target that still count as "near target"."""
    return load_settings(path).near_target_band
