"""Who may read and apply which provinces: identities and roles from one file (SPEC §11, issue 17).

Roles (``roles.toml``, named by the ``auth.roles_file`` setting)::

    [users."lan.nguyen@sonla.gov.vn"]
    role = "provincial_officer"      # national_officer | national_viewer | provincial_officer | provincial_viewer
    provinces = ["14"]               # provincial roles: one or more province codes

With login off (the default, and the first run) everyone is a national officer, as before. The rules are
enforced where data is read and written: :class:`~loaders.store.base.Dataset` readers leave out other provinces
for a limited reader, an apply refuses rows of provinces the officer does not hold, and on PostGIS the same
limits are row-level security policies. The app passes the identity of the signed-in user (``st.user``); the
CLI takes ``--as USER``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from loaders.store.base import AccessDenied

ROLES = ("national_officer", "national_viewer", "provincial_officer", "provincial_viewer")


@dataclass(frozen=True)
class Identity:
    """A person (or the local operator) and what they may do.

    Attributes
    ----------
    user : str
        E-mail or login name ("" for the local operator); recorded in the ledger.
    role : str
        One of :data:`ROLES`.
    provinces : frozenset of str
        Province codes of a provincial role.
    limit_reads : bool
        A provincial reader sees only ``provinces`` (``auth.limit_provincial_reads``).
    """

    user: str = ""
    role: str = "national_officer"
    provinces: frozenset = frozenset()
    limit_reads: bool = False

    @classmethod
    def local(cls, user: str = "") -> "Identity":
        """The operator of a store without login: a national officer."""
        return cls(user=user, role="national_officer")

    @property
    def national(self) -> bool:
        return self.role.startswith("national")

    @property
    def officer(self) -> bool:
        return self.role.endswith("officer")

    def may_write(self, province_code) -> bool:
        """Whether this identity may apply figures or boundaries of ``province_code``."""
        return self.officer and (self.national or str(province_code) in self.provinces)

    @property
    def write_provinces(self) -> frozenset | None:
        """Provinces this identity may change (``None``: all; empty: none)."""
        if not self.officer:
            return frozenset()
        return None if self.national else self.provinces

    @property
    def read_provinces(self) -> frozenset | None:
        """Provinces this identity may read (``None``: all)."""
        return self.provinces if (not self.national and self.limit_reads) else None

    @property
    def home_provinces(self) -> frozenset:
        """Where the app opens for this identity (empty: the whole country)."""
        return frozenset() if self.national else self.provinces

    def require_officer(self) -> None:
        if not self.officer:
            raise AccessDenied("store.access.viewer", user=self.user or "—")

    def require_national(self, action: str) -> None:
        """Refuse actions that change every province at once (roll back, use a version, replace a level)."""
        if not (self.officer and self.national):
            raise AccessDenied("store.access.national_only", user=self.user or "—", action=_action_term(action))

    def label(self) -> str:
        """For the ledger: the user, else "local"."""
        return self.user or "local"


def _action_term(action: str):
    from i18n import Term

    return Term(f"store.action.{action}")


def _roles_path(settings) -> Path:
    path = Path(settings["auth.roles_file"])
    if not path.is_absolute() and settings.path:
        path = Path(settings.path).parent / path
    return path


def load_roles(path: str | Path, limit_reads: bool = False) -> dict[str, Identity]:
    """user (lower case) → :class:`Identity`, from a roles file; refuses unknown roles and missing provinces."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise AccessDenied("store.access.bad_roles_file", path, detail=str(error)[:120]) from None
    identities = {}
    for user, entry in (raw.get("users") or {}).items():
        role = str(entry.get("role", ""))
        provinces = frozenset(str(code).zfill(2) for code in entry.get("provinces", []))
        if role not in ROLES:
            raise AccessDenied("store.access.bad_role", path, user=user, role=role[:40], roles=list(ROLES))
        if role.startswith("provincial") and not provinces:
            raise AccessDenied("store.access.no_provinces", path, user=user)
        identities[user.strip().lower()] = Identity(user=user.strip(), role=role, provinces=provinces,
                                                    limit_reads=limit_reads)
    return identities


def identity_for(user: str | None, settings) -> Identity:
    """The identity of ``user`` under ``settings`` (login off: the local national officer).

    Raises
    ------
    AccessDenied
        Login is on and the user is not signed in, or not in the roles file while ``auth.unlisted_role`` is
        ``none``.
    """
    if not settings["auth.enabled"]:
        return Identity.local(user or "")
    if not user:
        raise AccessDenied("store.access.login_needed")
    roles = load_roles(_roles_path(settings), limit_reads=settings["auth.limit_provincial_reads"])
    found = roles.get(user.strip().lower())
    if found is not None:
        return found
    if settings["auth.unlisted_role"] == "national_viewer":
        return Identity(user=user, role="national_viewer")
    raise AccessDenied("store.access.not_listed", user=user)
