"""A throwaway PostgreSQL + PostGIS cluster for tests: initdb on a temp directory, a Unix socket only (no TCP),
stopped and removed afterwards. Skipped with the reason when PostgreSQL or PostGIS is not installed.

As root (CI), the cluster runs as the ``postgres`` user the Debian package creates (initdb refuses root).
Databases are made from a template with PostGIS installed; the store connects as an ordinary role
(``coverage_map_app``), so row-level security binds it as it would in production.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

APP_ROLE = "coverage_map_app"
TEMPLATE = "coverage_map_template"


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def missing_reason() -> str | None:
    """Why PostGIS tests cannot run here, or ``None``."""
    bindir = _bindir()
    if bindir is None:
        return "PostgreSQL is not installed (apt-get install postgresql postgresql-15-postgis-3; .ci/run does)"
    version = bindir.parent.name
    if not glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control"):
        return f"PostGIS is not installed for PostgreSQL {version} (apt-get install postgresql-{version}-postgis-3)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root without runuser: cannot start PostgreSQL as another user"
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the cluster as"
    return None


class Cluster:
    """A running cluster: ``url(db)`` for the app role, ``admin(sql, db)`` to run SQL as the superuser."""

    def __init__(self):
        self.bindir = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="cmpg-"))
        self.data, self.socket = self.root / "data", self.root / "s"
        self.socket.mkdir()
        self.port = 54000 + os.getpid() % 1000
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket, "postgres")
            os.chmod(self.root, 0o755)

    def _run(self, *command, check=True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, *command], check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> "Cluster":
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8")
        options = f"-p {self.port} -k {self.socket} -c listen_addresses='' -c fsync=off -c max_connections=60"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                  str(self.root / "log"), "-w", "start")
        self.admin(f"CREATE ROLE {APP_ROLE} LOGIN")
        self.admin(f"CREATE DATABASE {TEMPLATE} OWNER {APP_ROLE}")
        self.admin("CREATE EXTENSION postgis", TEMPLATE)
        return self

    def admin(self, sql: str, db: str = "postgres") -> str:
        result = self._run(str(self.bindir / "psql"), "-h", str(self.socket), "-p", str(self.port), "-U",
                           "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql)
        return result.stdout.strip()

    def new_database(self) -> str:
        """A fresh database with PostGIS, owned by the app role; returns the app role's URL to it."""
        name = f"cm_{uuid.uuid4().hex[:12]}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} OWNER {APP_ROLE}")
        return self.url(name)

    def url(self, db: str, role: str = APP_ROLE) -> str:
        return f"postgresql://{role}@/{db}?host={self.socket}&port={self.port}"

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)
