#!/bin/sh
# The PostGIS store in one command (Debian 12, as root): installs PostgreSQL + PostGIS (skip with --no-install),
# creates the app's role and database with PostGIS, creates the store's tables, and prints the line to export.
#   sudo deploy/setup-postgis.sh            then: export COVERAGE_MAP_STORE=... (as printed)
# The app connects as that ordinary role (not a superuser), so row-level security applies to it.
# Override with COVERAGE_MAP_DB, COVERAGE_MAP_ROLE, COVERAGE_MAP_DB_PASSWORD, PGHOST, PGPORT.
set -eu
DB=${COVERAGE_MAP_DB:-coverage_map}
ROLE=${COVERAGE_MAP_ROLE:-coverage_map}
PASSWORD=${COVERAGE_MAP_DB_PASSWORD:-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)}
HERE=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" != "--no-install" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-15-postgis-3
    pg_ctlcluster 15 main start 2>/dev/null || service postgresql start
fi

as_postgres() {  # psql as the database superuser
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qAt "$@"
    else psql -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; fi
}

if [ -z "$(as_postgres -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" ]; then
    as_postgres -d postgres -c "CREATE ROLE \"$ROLE\" LOGIN PASSWORD '$PASSWORD'"
else
    as_postgres -d postgres -c "ALTER ROLE \"$ROLE\" LOGIN PASSWORD '$PASSWORD'"
fi
if [ -z "$(as_postgres -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
    as_postgres -d postgres -c "CREATE DATABASE \"$DB\" OWNER \"$ROLE\""
fi
as_postgres -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS postgis"

case "${PGHOST:-localhost}" in
    /*) URL="postgresql://$ROLE:$PASSWORD@/$DB?host=$PGHOST&port=${PGPORT:-5432}" ;;
    *)  URL="postgresql://$ROLE:$PASSWORD@${PGHOST:-localhost}:${PGPORT:-5432}/$DB" ;;
esac
CLI=coverage-map
[ -x "$HERE/.venv/bin/coverage-map" ] && CLI="$HERE/.venv/bin/coverage-map"
COVERAGE_MAP_STORE="$URL" "$CLI" store init >&2
echo "export COVERAGE_MAP_STORE='$URL'"
