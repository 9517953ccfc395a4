"""The PostGIS store's tables, indexes and row-level security (created by ``coverage-map store init``).

Rows live in *chunks*: boundaries per (layer, province), statistics per (layer, province, period). A chunk is
written once and never changed; a version is the list of chunks it is made of (``version_chunks``), so an apply
writes only the chunks it touches and shares every other chunk with its parent.

Row-level security: ``units`` and ``stats`` are readable only for the provinces in the transaction setting
``coverage_map.read`` and insertable only for those in ``coverage_map.write`` (``*`` = all). The store sets both
from the identity at the start of every transaction (``SET LOCAL`` semantics: they end with it). The policies are
FORCEd, so they bind the tables' owner too; a superuser bypasses them, so the app connects as an ordinary role.
"""

from __future__ import annotations

SCHEMA = "coverage_map"
#: Unit columns the store keeps (canonical, SPEC §2); others are not stored.
UNIT_COLUMNS = {
    "level": "text", "province_code": "text", "province_name": "text", "district_code": "text",
    "district_name": "text", "commune_code": "text", "commune_name": "text", "commune_type": "text",
    "hamlet_id": "text", "hamlet_name": "text", "hamlet_type": "text", "area_km2": "double precision",
    "communes": "double precision", "is_mountainous": "boolean", "is_island": "boolean", "is_border": "boolean",
    "ethnic_region": "text", "is_extremely_difficult": "boolean", "area_class_source": "text",
    "geometry_source": "text",
}
STATS_TEXT = ("commune_code", "commune_name", "province_name", "hamlet_id")


def ddl(figures) -> list[str]:
    """The statements of ``store init``, idempotent."""
    units = ",\n    ".join(f'"{name}" {kind}' for name, kind in UNIT_COLUMNS.items() if name != "province_code")
    stats_text = ",\n    ".join(f'"{name}" text' for name in STATS_TEXT)
    stats_figures = ",\n    ".join(f'"{name}" double precision' for name in figures)
    s = SCHEMA
    return [
        "CREATE EXTENSION IF NOT EXISTS postgis",
        f"CREATE SCHEMA IF NOT EXISTS {s}",
        f"""CREATE TABLE IF NOT EXISTS {s}.versions (
    seq bigserial PRIMARY KEY, id text UNIQUE NOT NULL, created timestamptz NOT NULL DEFAULT now(),
    entry jsonb NOT NULL, metadata jsonb NOT NULL)""",
        f"""CREATE TABLE IF NOT EXISTS {s}.state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), active text REFERENCES {s}.versions(id),
    changed_at timestamptz NOT NULL DEFAULT now())""",
        f"INSERT INTO {s}.state (singleton, active) VALUES (true, NULL) ON CONFLICT DO NOTHING",
        f"""CREATE TABLE IF NOT EXISTS {s}.events (
    seq bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), by text, action text NOT NULL,
    version text, previous text)""",
        f"""CREATE TABLE IF NOT EXISTS {s}.sources (
    version text NOT NULL REFERENCES {s}.versions(id), stored_as text NOT NULL, content bytea NOT NULL,
    PRIMARY KEY (version, stored_as))""",
        f"""CREATE TABLE IF NOT EXISTS {s}.chunks (
    chunk bigserial PRIMARY KEY, layer text NOT NULL, province_code text NOT NULL, period text NOT NULL DEFAULT '',
    rows integer NOT NULL)""",
        f"""CREATE TABLE IF NOT EXISTS {s}.version_chunks (
    version text NOT NULL REFERENCES {s}.versions(id), chunk bigint NOT NULL REFERENCES {s}.chunks(chunk),
    PRIMARY KEY (version, chunk))""",
        f"""CREATE TABLE IF NOT EXISTS {s}.units (
    chunk bigint NOT NULL REFERENCES {s}.chunks(chunk), province_code text NOT NULL,
    {units},
    geom geometry(Geometry, 4326))""",
        f"CREATE INDEX IF NOT EXISTS units_chunk ON {s}.units (chunk)",
        f"CREATE INDEX IF NOT EXISTS units_geom ON {s}.units USING gist (geom)",
        f"""CREATE TABLE IF NOT EXISTS {s}.stats (
    chunk bigint NOT NULL REFERENCES {s}.chunks(chunk), province_code text NOT NULL, period text NOT NULL,
    {stats_text},
    {stats_figures})""",
        f"CREATE INDEX IF NOT EXISTS stats_chunk ON {s}.stats (chunk)",
        # COPY cannot write through row-level security: rows are copied here first, then INSERTed (and checked)
        f"CREATE UNLOGGED TABLE IF NOT EXISTS {s}.units_in (LIKE {s}.units)",
        f"CREATE UNLOGGED TABLE IF NOT EXISTS {s}.stats_in (LIKE {s}.stats)",
        f"""CREATE OR REPLACE FUNCTION {s}.allowed(setting text, province text) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting(setting, true), '') = '*'
        OR province = ANY (string_to_array(coalesce(current_setting(setting, true), ''), ','))
$$""",
        *[statement for table in ("units", "stats") for statement in (
            f"ALTER TABLE {s}.{table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {s}.{table} FORCE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS {table}_read ON {s}.{table}",
            f"CREATE POLICY {table}_read ON {s}.{table} FOR SELECT "
            f"USING ({s}.allowed('coverage_map.read', province_code))",
            f"DROP POLICY IF EXISTS {table}_write ON {s}.{table}",
            f"CREATE POLICY {table}_write ON {s}.{table} FOR INSERT "
            f"WITH CHECK ({s}.allowed('coverage_map.write', province_code))",
        )],
    ]
