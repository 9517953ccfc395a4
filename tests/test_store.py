"""The versioned dataset store: atomic versions, manifest, rollback, lock (issue 7)."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from loaders.store import (
    DatasetStore, StoreError, active_data_dir, carry_over, default_data_dir, sha256_file, write_json_atomic,
)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _writer(files: dict[str, bytes]):
    def populate(new_dir: Path, previous_dir: Path):
        for name, content in files.items():
            (new_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (new_dir / name).write_bytes(content)
        return {"previous": str(previous_dir)}
    return populate


@pytest.fixture
def store(tmp_path) -> DatasetStore:
    return DatasetStore(tmp_path / "store")


@pytest.fixture
def upload(tmp_path) -> Path:
    path = tmp_path / "thang10.csv"
    path.write_bytes("Mã xã,Số tổ\r\n01234,3\r\n".encode("utf-8-sig"))
    return path


def test_empty_store_points_at_default_data_and_creates_nothing(store):
    assert active_data_dir(store) == default_data_dir()
    assert store.active_id() is None and store.versions() == []
    assert not store.root.exists()


def test_store_root_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("COVERAGE_MAP_STORE", str(tmp_path / "elsewhere"))
    assert DatasetStore().root == tmp_path / "elsewhere"


def test_apply_creates_an_active_immutable_version_with_sources_as_received(store, upload):
    entry = store.apply(_writer({"stats/commune_stats.csv": b"a,b\n"}), [upload], uploaded_by="Lan",
                        validation={"rows": 1})
    assert entry["id"] == "v0001" and store.active_id() == "v0001"
    version = store.version_dir("v0001")
    assert active_data_dir(store) == version
    assert (version / "stats/commune_stats.csv").read_bytes() == b"a,b\n"
    assert (version / "sources/thang10.csv").read_bytes() == upload.read_bytes()
    assert entry["sources"] == [{"name": "thang10.csv", "stored_as": "thang10.csv",
                                 "sha256": sha256_file(upload), "bytes": upload.stat().st_size}]
    assert entry["parent"] is None and entry["uploaded_by"] == "Lan" and entry["validation"] == {"rows": 1}
    assert entry["details"] == {"previous": str(default_data_dir())}
    assert not os.access(version / "stats/commune_stats.csv", os.W_OK) or os.geteuid() == 0
    assert (version / "stats/commune_stats.csv").stat().st_mode & 0o222 == 0
    assert store.verify("v0001") == []
    manifest = json.loads((store.root / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["active"] == "v0001" and [v["id"] for v in manifest["versions"]] == ["v0001"]


def test_two_uploads_keep_both_versions(store, upload):
    store.apply(_writer({"stats/commune_stats.csv": b"first\n"}), [upload])
    second = store.apply(_writer({"stats/commune_stats.csv": b"second\n"}), [upload])
    assert [v["id"] for v in store.versions()] == ["v0001", "v0002"]
    assert second["parent"] == "v0001" and second["details"]["previous"] == str(store.version_dir("v0001"))
    assert (store.version_dir("v0001") / "stats/commune_stats.csv").read_bytes() == b"first\n"
    assert (store.version_dir("v0002") / "stats/commune_stats.csv").read_bytes() == b"second\n"


def test_apply_then_rollback_restores_the_exact_previous_bytes(store, upload):
    store.apply(_writer({"geo/communes.parquet": b"\x00shape-1", "stats/commune_stats.csv": b"one\n"}), [upload])
    before = _tree(active_data_dir(store))
    store.apply(_writer({"geo/communes.parquet": b"\x00shape-2", "stats/commune_stats.csv": b"two\n"}), [upload])
    assert _tree(active_data_dir(store)) != before
    assert store.rollback() == "v0001"
    assert _tree(active_data_dir(store)) == before
    assert store.rollback() is None and active_data_dir(store) == default_data_dir()
    with pytest.raises(StoreError, match="no earlier version"):
        store.rollback()


def test_a_failed_import_leaves_the_active_version_and_its_files_untouched(store, upload):
    store.apply(_writer({"stats/commune_stats.csv": b"good\n"}), [upload])
    before = _tree(store.root / "v0001")
    manifest_before = (store.root / "manifest.json").read_bytes()

    def broken(new_dir: Path, previous_dir: Path):
        (new_dir / "stats").mkdir()
        (new_dir / "stats/commune_stats.csv").write_bytes(b"half")
        raise ValueError("boom")

    with pytest.raises(ValueError):
        store.apply(broken, [upload])
    assert store.active_id() == "v0001"
    assert (store.root / "manifest.json").read_bytes() == manifest_before
    assert _tree(store.root / "v0001") == before
    assert sorted(p.name for p in store.root.iterdir() if p.name.startswith("v")) == ["v0001"]
    assert list((store.root / ".tmp").iterdir()) == []


def test_activate_any_version_and_refuse_unknown_ones(store, upload):
    for content in (b"1", b"2", b"3"):
        store.apply(_writer({"x.csv": content}), [upload])
    store.activate("v0001")
    assert (active_data_dir(store) / "x.csv").read_bytes() == b"1"
    with pytest.raises(StoreError):
        store.activate("v0009")
    with pytest.raises(StoreError):
        store.version_dir("../etc")
    assert store.active_id() == "v0001"


def test_version_numbers_skip_an_orphaned_directory(store, upload):
    store.apply(_writer({"x.csv": b"1"}), [upload])
    (store.root / "v0002").mkdir()  # renamed into place, then a crash before the manifest was written
    assert store.apply(_writer({"x.csv": b"2"}), [upload])["id"] == "v0003"


def test_verify_reports_a_tampered_file(store, upload):
    store.apply(_writer({"x.csv": b"1"}), [upload])
    path = store.version_dir("v0001") / "x.csv"
    path.chmod(0o644)
    path.write_bytes(b"changed")
    assert store.verify("v0001") == ["x.csv"]


def test_carry_over_links_inside_the_store_and_copies_from_outside(store, tmp_path, upload):
    outside = tmp_path / "data"
    (outside / "geo").mkdir(parents=True)
    (outside / "geo/provinces.parquet").write_bytes(b"prov")

    def populate(new_dir, previous_dir):
        assert carry_over(outside, new_dir, "geo/provinces.parquet", store.root)
        assert not carry_over(outside, new_dir, "geo/missing.parquet", store.root)

    store.apply(populate, [upload])
    assert (outside / "geo/provinces.parquet").stat().st_mode & 0o200  # the source stays writable: copied
    assert (outside / "geo/provinces.parquet").stat().st_ino != (store.root / "v0001/geo/provinces.parquet").stat().st_ino

    store.apply(lambda new, prev: carry_over(prev, new, "geo/provinces.parquet", store.root), [upload])
    first, second = store.root / "v0001/geo/provinces.parquet", store.root / "v0002/geo/provinces.parquet"
    assert second.read_bytes() == b"prov" and first.stat().st_ino == second.stat().st_ino


def test_sources_with_the_same_name_are_both_kept(store, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x.csv").write_bytes(b"A")
    (b / "x.csv").write_bytes(b"B")
    entry = store.apply(_writer({}), [a / "x.csv", b / "x.csv"])
    stored = [s["stored_as"] for s in entry["sources"]]
    assert len(set(stored)) == 2
    assert {(store.version_dir("v0001") / "sources" / s).read_bytes() for s in stored} == {b"A", b"B"}


def test_write_json_atomic_replaces_whole_file(tmp_path):
    path = tmp_path / "m.json"
    write_json_atomic(path, {"a": "Hòa Bình"})
    write_json_atomic(path, {"b": 2})
    assert json.loads(path.read_text(encoding="utf-8")) == {"b": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def _apply_in_child(root: str, content: bytes, hold: str, go: str) -> None:
    store = DatasetStore(root)

    def populate(new_dir, previous_dir):
        Path(hold).touch()  # tell the parent we are inside apply, holding the lock
        while not Path(go).exists():
            time.sleep(0.01)
        (new_dir / "x.csv").write_bytes(content)

    store.apply(populate, [])


def test_lock_keeps_two_applies_from_interleaving(store, tmp_path):
    hold, go = tmp_path / "hold", tmp_path / "go"
    ctx = multiprocessing.get_context("fork")
    child = ctx.Process(target=_apply_in_child, args=(str(store.root), b"child", str(hold), str(go)))
    child.start()
    while not hold.exists():
        time.sleep(0.01)
    with pytest.raises(StoreError, match="being updated"):
        with store.lock(timeout=0.2):
            pass
    go.touch()
    child.join(timeout=60)
    assert child.exitcode == 0
    store.apply(_writer({"x.csv": b"parent"}), [])
    assert [v["id"] for v in store.versions()] == ["v0001", "v0002"]
    assert store.versions()[1]["parent"] == "v0001"

