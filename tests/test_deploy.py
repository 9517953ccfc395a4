"""deploy/setup-postgis.sh, the README's one command for the PostGIS store, run against a throwaway cluster (the
install step skipped): it creates the role, the database with PostGIS and the store's tables, prints the URL the
app servers use, and can run again."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from loaders.store.postgis import PostgisStore

REPO = Path(__file__).resolve().parents[1]


def test_setup_postgis_creates_a_working_store_and_can_run_again(pg_cluster):
    env = {**os.environ, "PGHOST": str(pg_cluster.socket), "PGPORT": str(pg_cluster.port),
           "COVERAGE_MAP_DB": "cm_setup", "COVERAGE_MAP_ROLE": "cm_setup_app", "COVERAGE_MAP_DB_PASSWORD": "s3cret"}
    if os.geteuid() != 0:
        env["PGUSER"] = "postgres"
    for _ in range(2):  # idempotent
        done = subprocess.run([str(REPO / "deploy" / "setup-postgis.sh"), "--no-install"], env=env, cwd=REPO,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    line = done.stdout.strip().splitlines()[-1]
    url = f"postgresql://cm_setup_app:s3cret@/cm_setup?host={pg_cluster.socket}&port={pg_cluster.port}"
    assert line == f"export COVERAGE_MAP_STORE='{url}'"
    store = PostgisStore(url)
    assert store.status()["versions"] == 0 and store.active_id() is None
    superuser = pg_cluster.admin("SELECT rolsuper FROM pg_roles WHERE rolname = 'cm_setup_app'")
    assert superuser == "f"  # an ordinary role: row-level security binds the app
