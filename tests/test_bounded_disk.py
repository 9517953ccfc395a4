"""Disk a visitor controls stays bounded (issue 14): 100 distinct links and 10 abandoned uploads.

- Caches are keyed by validated parameters only: a link naming an unknown province, commune, period or unit (or
  hostile text) writes no file in the geometry folders (``static/geo``, the simplified-shapes cache); known places
  write theirs, and each folder stays under its size cap (least recently used out).
- Uploads left behind are removed: when their session goes, and — for those whose process died — by the sweep at
  start-up, which also keeps the staging area under ``data.staging_max_mb``.

The folders are temporary ones (the modules' folders and caps are set for the test; the store and the staging
limits through ``COVERAGE_MAP_STORE`` and ``COVERAGE_MAP_SETTINGS``): nothing is written into the repository.
"""

from __future__ import annotations

import gc
import io
import os
import random
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import dashboard.query.geometry as geometry
import dashboard.query.readcache as readcache
import dashboard.render.geofiles as geofiles
from loaders.archive import stage_files
from loaders.dataset import DEFAULT_DATA_DIR
from loaders.store import open_store
from loaders.settings import load_settings
from upload_fixtures import commune_stats_csv

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PROVINCES = sorted(pd.read_parquet(Path(DEFAULT_DATA_DIR) / "geo/provinces.parquet",
                                   columns=["province_code"])["province_code"].astype(str))
#: Small caps, so that 50 known places must evict.
GEO_CAP, SIMPLIFIED_CAP = 300_000, 400_000


def unknown_links() -> list[dict]:
    """50 links whose place, period or unit the data do not have (codes, hostile text, nonsense)."""
    links = [{"present": "1", "province": f"9{i:02d}"} for i in range(15)]
    links += [{"present": "1", "province": f"x{i}", "commune": f"0{i:04d}9"} for i in range(10)]
    links += [{"present": "1", "province": text} for text in ("../../etc", "![x](http://evil/x.png)", "<img src=x>",
                                                              "%00", "14; rm -rf /", "１４", " 14", "14 ")]
    links += [{"present": "1", "period": f"20{i:02d}-Q9"} for i in range(7)]
    links += [{"present": "1", "sel": f"unit-{i}"} for i in range(5)]
    links += [{"province": f"8{i}x", "level": "commune"} for i in range(5)]  # with the sidebar
    assert len(links) == 50
    return links


def known_links() -> list[dict]:
    """50 links to places the data have: every province, at two levels and with outlined areas."""
    links = [{"present": "1", "province": code} for code in PROVINCES]
    links += [{"present": "1", "province": code, "level": "hamlet"} for code in PROVINCES[:8]]
    links += [{"present": "1", "province": code, "outline": "mountainous"} for code in PROVINCES[8:]]
    return links[:50]


def files(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in folder.rglob("*") if p.is_file()} if folder.exists() else {}


@pytest.fixture
def caches(tmp_path, monkeypatch):
    folders = {"geo": tmp_path / "static-geo", "simplified": tmp_path / "cache-simplified",
               "sources": tmp_path / "cache-sources"}
    monkeypatch.setattr(geofiles, "GEO_DIR", folders["geo"])
    monkeypatch.setattr(geometry, "CACHE_DIR", folders["simplified"])
    monkeypatch.setattr(readcache, "CACHE_DIR", folders["sources"])
    monkeypatch.setenv("COVERAGE_MAP_STORE", str(tmp_path / "store"))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield folders
    st.cache_data.clear()
    st.cache_resource.clear()


def settled() -> None:
    """Wait for the cache writes a page started in the background (cleaned shapes)."""
    import threading

    for thread in threading.enumerate():
        if thread.name.startswith("coverage-map-write"):
            thread.join(timeout=120)


def visit(params: dict) -> None:
    at = AppTest.from_file(APP, default_timeout=300)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, (params, [e.value for e in at.exception])
    settled()


def test_100_distinct_links_leave_the_caches_bounded(caches, monkeypatch):
    for params in ({}, {"present": "1"}, {"present": "1", "province": "14"}):  # the start views
        visit(params)
    before = {name: files(folder) for name, folder in caches.items()}
    assert before["geo"] and before["simplified"]  # the start views did write their layers
    for params in unknown_links():
        visit(params)
    after = {name: files(folder) for name, folder in caches.items()}
    assert after == before  # nothing keyed by an unvalidated parameter
    monkeypatch.setattr(geofiles, "MAX_BYTES", GEO_CAP)
    monkeypatch.setattr(geometry, "CACHE_MAX_BYTES", SIMPLIFIED_CAP)
    for params in known_links():
        visit(params)
        for name, cap in (("geo", GEO_CAP), ("simplified", SIMPLIFIED_CAP)):
            sizes = files(caches[name])
            assert sum(sizes.values()) <= max(cap, max(sizes.values(), default=0)), (name, params, sum(sizes.values()))
    final = {name: files(folder) for name, folder in caches.items()}
    assert set(before["geo"]) - set(final["geo"]), "50 places within 300 KB: the oldest files were evicted"
    assert not final["sources"]  # the app never reads files through the command line's cache
    assert not any(p.name.endswith(".tmp") for folder in caches.values() for p in folder.rglob("*"))


# -- abandoned uploads ----------------------------------------------------------------------------------------------
def panel_app():
    import os

    from dashboard.app.upload_panel import render_upload_panel
    from loaders.settings import load_settings
    from loaders.store import Identity, open_store

    render_upload_panel(open_store(location=os.environ["COVERAGE_MAP_STORE"]), Identity.local(), load_settings(),
                        "vi")


def _zipped_figures(tmp_path: Path, number: int) -> bytes:
    """A ZIP of about 1 MB: a statistics sheet and a note (what a large upload leaves in the staging area)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(commune_stats_csv(tmp_path / f"q{number}.csv"), "so_lieu_2025-Q3.csv")
        archive.writestr("ghi_chu.txt", random.Random(number).randbytes(1_000_000).hex())
    return buffer.getvalue()


def _staged(store_root: Path) -> list[Path]:
    tmp = store_root / ".tmp"
    return sorted(p for p in tmp.iterdir() if p.name.startswith("upload-")) if tmp.exists() else []


def test_10_abandoned_uploads_are_removed(tmp_path, monkeypatch):
    (tmp_path / "settings.toml").write_text("[data]\nstaging_max_age_h = 1\nstaging_max_mb = 3\n", encoding="utf-8")
    monkeypatch.setenv("COVERAGE_MAP_SETTINGS", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("COVERAGE_MAP_STORE", str(tmp_path / "store"))
    store = open_store(load_settings())
    store.init()
    # 5 uploads through the panel, whose tabs are closed: Streamlit drops the session, the upload goes with it
    for number in range(5):
        at = AppTest.from_function(panel_app, default_timeout=120)
        at.run()
        at.file_uploader[0].set_value((f"so_lieu_{number}.zip", _zipped_figures(tmp_path, number),
                                       "application/zip")).run()
        assert not at.exception, [e.value for e in at.exception]
        assert len(_staged(store.root)) == 1  # staged while the officer looks at the report
        del at
        gc.collect()
        assert _staged(store.root) == [], number
    # 5 uploads whose server died before their session ended: nothing ran their finaliser
    for number in range(5):
        archive = tmp_path / f"so_lieu_{number}.zip"
        archive.write_bytes(_zipped_figures(tmp_path, number))
        stage_files([archive], store.staging_dir())
    left = _staged(store.root)
    assert len(left) == 5 and sum(f.stat().st_size for d in left for f in d.rglob("*") if f.is_file()) > 3 * 2**20
    hour_ago = time.time() - 2 * 3600
    for directory in left[:2]:  # two of them older than data.staging_max_age_h
        os.utime(directory, (hour_ago, hour_ago))
    store.clean_staging()  # what a server's start does (dashboard.app.cache.store)
    kept = _staged(store.root)
    assert not set(left[:2]) & set(kept)  # the old ones went
    assert sum(f.stat().st_size for d in kept for f in d.rglob("*") if f.is_file()) <= 3 * 2**20  # under the cap
    assert len(kept) < 3
