"""What only the PostGIS backend does: row-level security in the database itself, several app servers on one
store (a change seen by all, NOTIFY), the embedded data imported on the first apply."""

from __future__ import annotations

import threading

import pytest

from loaders.store.postgis import PostgisStore
from store_fixtures import UNITS, apply_file, embedded, stats_csv, stats_table  # noqa: F401


@pytest.fixture
def url(pg_cluster, embedded):
    url = pg_cluster.new_database()
    PostgisStore(url, default_dir=embedded).init()
    return url


def _sql(store, sql: str, read: str = "", write: str = ""):
    from sqlalchemy import text

    with store.engine.connect() as connection, connection.begin():
        connection.execute(text("SELECT set_config('coverage_map.read', :r, true), "
                                "set_config('coverage_map.write', :w, true)"), {"r": read, "w": write})
        return connection.execute(text(sql)).all()


def test_row_level_security_is_enforced_by_the_database(url, embedded, tmp_path):
    store = PostgisStore(url, default_dir=embedded)
    apply_file(store, stats_csv(tmp_path / "a.csv", [("00004", "2025-Q3", {"teams": 1})]))
    every = _sql(store, "SELECT DISTINCT province_code FROM coverage_map.stats ORDER BY 1", read="*")
    assert every == [("01",), ("14",)]
    assert _sql(store, "SELECT DISTINCT province_code FROM coverage_map.units", read="14") == [("14",)]
    assert _sql(store, "SELECT count(*) FROM coverage_map.stats") == [(0,)]  # no context: nothing visible
    from sqlalchemy.exc import ProgrammingError

    with pytest.raises(ProgrammingError, match="row-level security"):
        _sql(store, "INSERT INTO coverage_map.stats (chunk, province_code, period) "
                    "SELECT min(chunk), '01', '2030-Q1' FROM coverage_map.chunks RETURNING 1", read="*", write="14")


def test_a_change_applied_on_one_server_is_seen_on_the_other(url, embedded, tmp_path):
    server_a, server_b = PostgisStore(url, default_dir=embedded), PostgisStore(url, default_dir=embedded)
    token = server_b.token()
    woke = {}
    waiter = threading.Thread(target=lambda: woke.update(token=server_b.wait_for_change(token, timeout=30)))
    waiter.start()
    apply_file(server_a, stats_csv(tmp_path / "a.csv", [("03980", "2025-Q3", {"teams": 7})]))
    waiter.join(timeout=60)
    assert woke["token"] == "postgis:v0001" == server_b.token()
    assert stats_table(server_b).equals(stats_table(server_a))


def test_the_first_apply_imports_the_embedded_data_once(url, embedded, tmp_path):
    store = PostgisStore(url, default_dir=embedded)
    before = stats_table(store)  # read from the embedded files
    apply_file(store, stats_csv(tmp_path / "a.csv", [("03980", "2025-Q3", {"teams": 7})]))
    after = stats_table(store)  # read from PostGIS
    assert len(after) == len(before) + 1
    assert after[after["period"] != "2025-Q3"].reset_index(drop=True).equals(before)
    units = store.dataset().units("commune")
    assert len(units) == len(UNITS) and units.crs.to_epsg() == 4326 and units.geometry.is_valid.all()
    chunks = _sql(store, "SELECT count(*) FROM coverage_map.chunks")[0][0]
    apply_file(store, stats_csv(tmp_path / "b.csv", [("03980", "2025-Q3", {"teams": 8})]))
    assert _sql(store, "SELECT count(*) FROM coverage_map.chunks")[0][0] == chunks + 1  # only the touched chunk


def test_an_unreachable_database_is_one_sentence(embedded, tmp_path):
    from loaders.store import StoreError

    store = PostgisStore(f"postgresql://nobody@/none?host={tmp_path}&port=1", default_dir=embedded)
    with pytest.raises(StoreError, match="cannot reach the store's database"):
        store.active_id()
