"""The data store, the same suite on both backends (directory and PostGIS): merge per (unit, period), preview =
ledger = stored rows, replace-period, rollback and "use", stale checks, concurrent applies, crashes, access."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from loaders.ingest import apply_upload, preview_upload
from loaders.store import AccessDenied, Identity, StaleCheck, StoreError
from loaders.store.ledger import diff, history
from loaders.store.plan import ApplyOptions
from store_fixtures import (PERIODS, UNITS, apply_file, base_figures, check_file, embedded, make_store,  # noqa: F401
                            stats_csv, stats_table, store)

TESTS = Path(__file__).resolve().parent
SON_LA = Identity(user="lan@sonla.gov.vn", role="provincial_officer", provinces=frozenset({"14"}))


def _rows(table: pd.DataFrame, **where) -> pd.DataFrame:
    mask = pd.Series(True, index=table.index)
    for column, value in where.items():
        mask &= table[column] == value
    return table[mask]


def test_nothing_applied_reads_the_embedded_data(store, embedded):
    assert store.active_id() is None and store.versions() == [] and store.token().endswith(":embedded")
    table = stats_table(store)
    assert len(table) == len(UNITS) * len(PERIODS)


def test_a_new_quarter_for_a_few_communes_keeps_every_earlier_row(store, tmp_path):
    before = stats_table(store)
    path = stats_csv(tmp_path / "q3.csv", [("03980", "2025-Q3", base_figures(2, "2025-Q3")),
                                           ("03982", "2025-Q3", base_figures(3, "2025-Q3"))])
    preview, entry = apply_file(store, path)
    after = stats_table(store)
    pd.testing.assert_frame_equal(after[after["period"] != "2025-Q3"].reset_index(drop=True), before)
    assert len(_rows(after, period="2025-Q3")) == 2
    q3 = next(c for c in preview.completeness if c["period"] == "2025-Q3")
    assert (q3["units_with_data"], q3["units_total"], q3["partial"], q3["new_latest"]) == (2, 5, True, True)
    assert q3["latest_complete"] == "2025-Q2" and q3["provinces"] == {"14": [2, 3]}
    words = [m.text("vi") for m in preview.lines()]
    assert "Quý 3/2025: thêm 2 đơn vị (xã)." in words
    assert any("2 / 5 xã" in w and "Quý 2/2025" in w for w in words)
    assert entry["changes"]["commune"]["2025-Q3"]["added"] == 2  # the ledger counts what was stored
    assert entry["changes"] == preview.commit.changes_json()
    assert store.version(entry["id"])["sources"][0]["name"] == "q3.csv"
    assert store.source_bytes(entry["id"], "q3.csv") == path.read_bytes()
    metadata = store.dataset().metadata()
    assert metadata["demo"] is True and metadata["periods"] == [*PERIODS, "2025-Q3"]


def test_a_correction_for_one_unit_changes_only_that_row_and_only_its_given_cells(store, tmp_path):
    before = stats_table(store)
    path = stats_csv(tmp_path / "sua.csv", [("03980", "2025-Q2", {"teams": 8})])
    preview, entry = apply_file(store, path)
    after = stats_table(store)
    changed = (after != before).any(axis=1)
    assert changed.sum() == 1
    row = after[changed].iloc[0]
    assert (row["commune_code"], row["period"], row["teams"]) == ("03980", "2025-Q2", 8.0)
    assert row["population"] == before[changed].iloc[0]["population"]  # an empty cell keeps the stored figure
    assert entry["changes"]["commune"]["2025-Q2"] == {
        "added": 0, "changed": 1, "unchanged": 0, "removed": 0,
        "provinces": {"14": {"added": 0, "changed": 1, "unchanged": 0, "removed": 0}}}
    assert "Quý 2/2025: cập nhật 1 đơn vị (xã)." in [m.text("vi") for m in preview.lines()]


def test_an_implausible_row_blocks_apply_with_its_reason_until_excluded(store, tmp_path):
    path = stats_csv(tmp_path / "q3.csv", [
        ("03980", "2025-Q3", {**base_figures(2, "2025-Q3"), "smartphone_users": 999999}),
        ("03982", "2025-Q3", base_figures(3, "2025-Q3"))])
    staged, check = check_file(store, path)
    preview = preview_upload(store, check)
    assert preview.blocked and len(preview.rejected) == 1
    reason = preview.rejected[0].line().text("vi")
    assert "dòng 2" in reason and "999.999" in reason and "4.200" in reason and "Mường Bú" in reason
    before = stats_table(store)
    with pytest.raises(StoreError, match="refused as implausible"):
        apply_upload(store, staged, check, preview=preview)
    pd.testing.assert_frame_equal(stats_table(store), before)
    options = ApplyOptions(exclude_rejected=True)
    entry = apply_upload(store, staged, check, options=options, preview=preview_upload(store, check, options))
    q3 = _rows(stats_table(store), period="2025-Q3")
    assert q3["commune_code"].tolist() == ["03982"] and len(entry["excluded"]) == 1


def test_a_stored_figure_makes_a_partial_correction_implausible(store, tmp_path):
    # population 15+ corrected to 100 while the stored smartphone users (2.100) stay: refused, with both figures
    path = stats_csv(tmp_path / "sua.csv", [("03980", "2025-Q2", {"population_15plus": 100})])
    staged, check = check_file(store, path)
    preview = preview_upload(store, check)
    assert preview.blocked and "2.110" in preview.rejected[0].message.text("vi")
    staged.discard()


def test_replace_period_is_an_explicit_choice(store, tmp_path):
    path = stats_csv(tmp_path / "q2.csv", [("03980", "2025-Q2", {**base_figures(2, "2025-Q2"), "teams": 3})])
    merged, _ = apply_file(store, path)
    assert len(_rows(stats_table(store), period="2025-Q2")) == len(UNITS)  # merge: nothing removed
    path = stats_csv(tmp_path / "q2b.csv", [("03980", "2025-Q2", {"teams": 9})])
    preview, entry = apply_file(store, path, options=ApplyOptions(replace_periods=("2025-Q2",)))
    q2 = _rows(stats_table(store), period="2025-Q2")
    assert q2["commune_code"].tolist() == ["03980"] and q2["population"].isna().all()
    assert entry["changes"]["commune"]["2025-Q2"]["removed"] == len(UNITS) - 1
    assert entry["action"] == "replace_period"
    assert len(_rows(stats_table(store), period="2025-Q1")) == len(UNITS)


def test_rollback_and_use_restore_exact_rows_and_are_recorded(store, tmp_path):
    first = stats_table(store)
    apply_file(store, stats_csv(tmp_path / "a.csv", [("03980", "2025-Q3", {"teams": 1})]))
    second = stats_table(store)
    apply_file(store, stats_csv(tmp_path / "b.csv", [("00004", "2025-Q3", {"teams": 2})]))
    assert store.rollback() == "v0001"
    pd.testing.assert_frame_equal(stats_table(store), second)
    assert store.rollback() is None
    pd.testing.assert_frame_equal(stats_table(store), first)
    with pytest.raises(StoreError, match="no earlier version"):
        store.rollback()
    store.activate("v0002")
    assert store.active_id() == "v0002" and len(stats_table(store)) == len(first) + 2
    assert [e["action"] for e in store.events()] == ["apply", "apply", "rollback", "rollback", "use"]
    with pytest.raises(AccessDenied, match="only a national officer"):
        store.rollback(SON_LA)
    lines = history(store)
    assert [line.version for line in lines] == ["v0002", "v0001"] and lines[0].active
    assert diff(store, "v0001", "v0002").stats["commune"]["2025-Q3"].added == 1


def test_an_apply_on_data_changed_since_the_check_is_refused_and_a_recheck_loses_nothing(make_store, tmp_path):
    officer_a, officer_b = make_store(), make_store()  # two sessions, or two app servers
    staged_a, check_a = check_file(officer_a, stats_csv(tmp_path / "a.csv", [("00004", "2025-Q3", {"teams": 1})]))
    staged_b, check_b = check_file(officer_b, stats_csv(tmp_path / "b.csv", [("03980", "2025-Q3", {"teams": 2})]))
    preview_b = preview_upload(officer_b, check_b)
    apply_upload(officer_a, staged_a, check_a)
    with pytest.raises(StaleCheck) as refused:
        apply_upload(officer_b, staged_b, check_b, preview=preview_b)
    assert "check the file again" in refused.value.text("en") and "v0001" in refused.value.text("en")
    with pytest.raises(StaleCheck):
        preview_upload(officer_b, check_b)
    _, check_b = check_file(officer_b, stats_csv(tmp_path / "b2.csv", [("03980", "2025-Q3", {"teams": 2})]))
    apply_upload(officer_b, staged_b, check_b)
    q3 = _rows(stats_table(officer_b), period="2025-Q3")
    assert q3["commune_code"].tolist() == ["00004", "03980"]


_APPLY_CHILD = """
import os, signal, sys, time
sys.path.insert(0, {tests!r})
from store_fixtures import apply_file
from loaders.store import base
from loaders.ingest import StaleCheck, StoreError
from loaders.store.base import StoreBusy
kind, location, embedded, path, crash_at = sys.argv[1:6]
if crash_at:
    def hook(name):
        if name == crash_at:
            os.kill(os.getpid(), signal.SIGKILL)
    base.checkpoint = hook
if kind == "directory":
    from loaders.store import DirectoryStore
    store = DirectoryStore(location, default_dir=embedded, lock_timeout=30)
else:
    from loaders.store.postgis import PostgisStore
    store = PostgisStore(location, default_dir=embedded, staging=location_staging if False else None,
                         lock_timeout=30)
for attempt in range(20):
    try:
        apply_file(store, path)
        print("applied", attempt)
        break
    except (StaleCheck, StoreBusy):
        time.sleep(0.05)  # told to check again: check again
"""


def _child(store, embedded, path, crash_at="") -> subprocess.Popen:
    kind = store.backend
    location = str(store.root) if kind == "directory" else store.url
    code = _APPLY_CHILD.format(tests=str(TESTS))
    return subprocess.Popen([sys.executable, "-c", code, kind, location, str(embedded), str(path), crash_at],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=TESTS.parent)


def test_two_concurrent_applies_lose_no_rows(store, embedded, tmp_path):
    paths = [stats_csv(tmp_path / f"{code}.csv", [(code, "2025-Q3", {"teams": n})])
             for n, code in enumerate(("00004", "03980", "03985"), start=1)]
    children = [_child(store, embedded, path) for path in paths]
    outputs = [child.communicate(timeout=300) for child in children]
    assert all(child.returncode == 0 for child in children), outputs
    q3 = _rows(stats_table(store), period="2025-Q3")
    assert q3["commune_code"].tolist() == ["00004", "03980", "03985"] and q3["teams"].tolist() == [1.0, 2.0, 3.0]
    versions = store.versions()
    assert len(versions) == 3 and sorted(v["parent"] or "" for v in versions) == ["", "v0001", "v0002"]
    assert all(v["changes"]["commune"]["2025-Q3"]["added"] == 1 for v in versions)


@pytest.mark.parametrize("crash_at", ["building", "written", "before_rename", "before_manifest"])
def test_a_process_killed_during_apply_leaves_the_previous_version_intact(store, embedded, tmp_path, crash_at):
    apply_file(store, stats_csv(tmp_path / "a.csv", [("00004", "2025-Q3", {"teams": 1})]))
    before, manifest = stats_table(store), (store.versions(), store.active_id())
    child = _child(store, embedded, stats_csv(tmp_path / "b.csv", [("03980", "2025-Q3", {"teams": 2})]), crash_at)
    child.communicate(timeout=300)
    if store.backend == "postgis" and crash_at == "before_rename":
        assert child.returncode == 0  # no such point on PostGIS: the apply went through
        return
    assert child.returncode == -signal.SIGKILL
    assert (store.versions(), store.active_id()) == manifest
    pd.testing.assert_frame_equal(stats_table(store), before)
    if store.backend == "directory":
        assert store.verify("v0001") == []  # every byte as written
        store.clean_staging()
        assert sorted(p.name for p in store.root.iterdir() if p.name.startswith("v")) == ["v0001"]
    apply_file(store, stats_csv(tmp_path / "c.csv", [("03980", "2025-Q3", {"teams": 2})]))
    assert store.active_id() == "v0002"


def test_killed_after_the_switch_the_new_version_is_complete(store, embedded, tmp_path):
    child = _child(store, embedded, stats_csv(tmp_path / "b.csv", [("03980", "2025-Q3", {"teams": 2})]),
                   "after_manifest")
    child.communicate(timeout=300)
    assert child.returncode == -signal.SIGKILL and store.active_id() == "v0001"
    assert _rows(stats_table(store), period="2025-Q3")["teams"].tolist() == [2.0]


def test_a_provincial_officer_cannot_apply_another_province(store, tmp_path):
    path = stats_csv(tmp_path / "q3.csv", [("03980", "2025-Q3", {"teams": 1}), ("00004", "2025-Q3", {"teams": 5})])
    staged, check = check_file(store, path)
    preview = preview_upload(store, check, identity=SON_LA)
    assert preview.blocked
    assert [f.key for f in preview.rejected] == ["00004"]
    assert "province 01" in preview.rejected[0].message.text("en")
    options = ApplyOptions(exclude_rejected=True)
    apply_upload(store, staged, check, options=options, identity=SON_LA,
                 preview=preview_upload(store, check, options, SON_LA))
    assert _rows(stats_table(store), period="2025-Q3")["commune_code"].tolist() == ["03980"]
    assert store.versions()[-1]["uploaded_by"] == "lan@sonla.gov.vn"
    viewer = Identity(user="v@sonla", role="provincial_viewer", provinces=frozenset({"14"}))
    with pytest.raises(AccessDenied, match="may only view"):
        preview_upload(store, check_file(store, path)[1], identity=viewer)


def test_a_limited_provincial_reader_sees_only_its_province(store, tmp_path):
    apply_file(store, stats_csv(tmp_path / "a.csv", [("00004", "2025-Q3", {"teams": 1})]))
    reader = Identity(user="v@sonla", role="provincial_viewer", provinces=frozenset({"14"}), limit_reads=True)
    dataset = store.dataset(identity=reader)
    assert set(dataset.units("commune")["province_code"]) == {"14"}
    assert set(dataset.stats("commune")["province_code"]) == {"14"}
    assert set(dataset.stats("province")["province_code"]) == {"14"}
    assert set(store.dataset(identity=Identity(user="n", role="national_viewer"))
               .stats("commune")["province_code"]) == {"01", "14"}


def test_new_boundaries_keep_figures_and_list_units_that_lose_their_shape(store, embedded, tmp_path):
    import geopandas as gpd

    communes = gpd.read_parquet(embedded / "geo/communes.parquet")
    son_la = communes[communes["province_code"] == "14"].iloc[:2]  # Tà Hộc is gone from the new layer
    son_la.assign(geometry=son_la.translate(0.001)).to_file(tmp_path / "son_la.geojson", driver="GeoJSON")
    before = stats_table(store)
    preview, entry = apply_file(store, tmp_path / "son_la.geojson")
    assert preview.commit.orphans["commune"]["commune_code"].tolist() == ["03985"]
    assert any("03985" in m.text("vi") for m in preview.lines())
    pd.testing.assert_frame_equal(stats_table(store), before)  # figures kept, keyed by code
    units = store.dataset().units("commune")
    assert sorted(units["commune_code"]) == ["00004", "00008", "03980", "03982"]
    assert entry["units"]["commune"]["14"] == {"added": 0, "changed": 2, "unchanged": 0, "removed": 1}
    assert units.set_index("commune_code").loc["03980", "is_mountainous"]  # area classes carried over


def test_staging_is_bounded_and_cleaned(store, tmp_path):
    old = store.staging_dir()
    (old / "x.bin").write_bytes(b"x" * 10)
    os.utime(old, (0, 0))
    fresh = store.staging_dir()
    assert store.clean_staging() >= 1
    assert not old.exists() and fresh.exists()


def test_history_json_is_json(store, tmp_path):
    apply_file(store, stats_csv(tmp_path / "a.csv", [("00004", "2025-Q3", {"teams": 1})]))
    assert json.loads(json.dumps([line.to_json("vi") for line in history(store)]))[0]["what"]
