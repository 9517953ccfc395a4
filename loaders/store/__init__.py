"""The versioned data store (issues 12 and 17): one interface, two backends, the same semantics.

Use :func:`open_store` (the ``data.store`` setting / ``COVERAGE_MAP_STORE``: a directory, or a ``postgresql://``
URL). Modules: :mod:`~loaders.store.base` (the interface, errors), :mod:`~loaders.store.directory` and
:mod:`~loaders.store.postgis` (backends), :mod:`~loaders.store.merge` (merge per unit and period),
:mod:`~loaders.store.plan` (the preview), :mod:`~loaders.store.checks` (refused rows),
:mod:`~loaders.store.ledger` (history and diff in words), :mod:`~loaders.store.access` (identities, roles),
:mod:`~loaders.store.staging` (uploads waiting to be checked).
"""

from __future__ import annotations

from pathlib import Path

from loaders.store.access import Identity, identity_for
from loaders.store.base import (ACTIVE, AccessDenied, Dataset, StaleCheck, Store, StoreBusy, StoreError,
                                sha256_file, write_json_atomic)
from loaders.store.directory import DirectoryDataset, DirectoryStore

__all__ = [
    "ACTIVE", "AccessDenied", "Dataset", "DirectoryDataset", "DirectoryStore", "Identity", "StaleCheck", "Store",
    "StoreBusy", "StoreError", "identity_for", "is_database_url", "open_store", "sha256_file", "write_json_atomic",
]


def is_database_url(location: str) -> bool:
    """Whether a ``data.store`` value names a PostgreSQL database rather than a directory."""
    return str(location).startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))


def open_store(settings=None, location: str | Path | None = None, default_dir=None) -> Store:
    """The configured store: a :class:`DirectoryStore` or a :class:`~loaders.store.postgis.PostgisStore`.

    Parameters
    ----------
    settings : loaders.settings.Settings, optional
        Defaults to :func:`loaders.settings.load_settings`.
    location : str or Path, optional
        Overrides ``data.store`` (a directory or a ``postgresql://`` URL).
    default_dir : Path, optional
        The dataset in use while nothing was applied (default: the embedded data).
    """
    from loaders.settings import REPO, load_settings

    settings = settings or load_settings()
    location = str(location or settings["data.store"])
    limits = dict(lock_timeout=settings["data.lock_timeout_s"],
                  staging_max_age_s=settings["data.staging_max_age_h"] * 3600,
                  staging_max_bytes=settings["data.staging_max_mb"] * 2**20)
    if is_database_url(location):
        from loaders.store.postgis import PostgisStore

        staging = settings["data.staging"] or str(REPO / "var" / "staging")
        return PostgisStore(location, default_dir=default_dir, staging=staging, **limits)
    return DirectoryStore(location, default_dir=default_dir, **limits)


# -- TRANSITION: names the dashboard still uses until the redesign calls open_store() -----------------------------
def DatasetStore(root=None, **kwargs) -> DirectoryStore:  # noqa: N802 - the old class name
    """The directory store at ``root`` (default: the configured one)."""
    return open_store(location=root, **kwargs) if root else open_store(**kwargs)


def default_data_dir() -> Path:
    """The embedded default dataset directory."""
    from loaders.dataset import DEFAULT_DATA_DIR

    return Path(DEFAULT_DATA_DIR)


def active_data_dir(store=None) -> Path:
    """The dataset directory the app reads: the directory store's active version, or the embedded data."""
    if not isinstance(store, DirectoryStore):
        store = DatasetStore(store)
    return store.active_dir()
