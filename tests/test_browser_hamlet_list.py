"""A province at hamlet level from a hamlet list, in the browser (issue 11): the list is applied through the upload
path onto real Sơn La communes, the app shows every hamlet as an approximate area with its point and says so.
The screenshot is kept in ``tests/artifacts/hamlet_list_son_la.png`` for people to look at."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import hamlet_lists as build
from conftest import REPO, _free_port
from loaders.archive import stage_files
from loaders.ingest import apply_upload, check_upload, preview_upload
from loaders.store import DirectoryStore

pytestmark = pytest.mark.browser
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


@pytest.fixture(scope="module")
def hamlet_store(tmp_path_factory, real_communes_path):
    """A store over the real communes of Sơn La with a VN-2000 hamlet list of 40 communes applied."""
    root = tmp_path_factory.mktemp("hamlet_app")
    communes = build.real_communes(str(real_communes_path))
    son_la = communes[communes["province_code"] == "14"]
    base = build.dataset_dir(root / "base", son_la)
    store = DirectoryStore(root / "store", default_dir=base, lock_timeout=5)
    truth = build.sample_hamlets(communes, build.pick_communes(communes, "14", 40, seed=41), seed=41)
    rows = []
    for k, row in enumerate(truth.itertuples(), start=1):
        north, east = build.vn2000_tm3(row.lon, row.lat, 104.0)
        rows.append([k, row.hamlet_name, row.commune_code, row.commune_name, round(north, 2), round(east, 2),
                     row.teams, row.team_members])
    path = build.write_xlsx(root / "danh_sach_thon.xlsx", "Quý 3-2025",
                            ["DANH SÁCH THÔN, BẢN", "Kinh tuyến trục 104°00', múi chiếu 3°"],
                            ["STT", "Tên thôn, bản", "Mã xã", "Tên xã", "X", "Y", "Số tổ CNSCĐ", "Số thành viên"],
                            rows)
    staged = stage_files([path], store.staging_dir())
    check = check_upload(staged, store)
    assert check.usable, [e.text("en") for e in check.errors]
    apply_upload(store, staged, check, preview=preview_upload(store, check))
    return root / "store", len(truth)


@pytest.fixture(scope="module")
def app_on_store(browser, hamlet_store, artifacts_dir):
    store, count = hamlet_store
    port = _free_port()
    streamlit = Path(sys.executable).with_name("streamlit")
    log = open(artifacts_dir / "streamlit-hamlet-list.log", "w")  # noqa: SIM115  (closed below)
    process = subprocess.Popen([str(streamlit), "run", "app.py", "--server.port", str(port), "--server.headless",
                                "true", "--server.address", "127.0.0.1"], cwd=REPO, stdout=log,
                               stderr=subprocess.STDOUT, env={**os.environ, "COVERAGE_MAP_STORE": str(store)})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if process.poll() is not None:
                pytest.fail("streamlit exited; see tests/artifacts/streamlit-hamlet-list.log")
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield base, count
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_a_province_at_hamlet_level_from_a_list(browser, app_on_store, artifacts_dir):
    base, count = app_on_store
    context = browser.new_context(viewport={"width": 1600, "height": 1100})
    page = context.new_page()
    try:
        page.goto(f"{base}/?province=14&level=hamlet&indicator=team_presence")
        frame = page.frame_locator(MAP_FRAME).first
        frame.locator(".cm-legend").wait_for(timeout=120_000)
        page.get_by_text("chỉ có vị trí").first.wait_for(timeout=60_000)
        handle = page.locator(MAP_FRAME).first.element_handle().content_frame()
        # the areas are the layer's units; each area's point is a dot drawn with the view's values (not clickable)
        count_js = ("() => { var n = 0, d = 0, layer = window.cmChoropleth; layer.eachLayer(function() { n += 1; });"
                    " layer._map.eachLayer(function(l) { if (l instanceof L.CircleMarker && l.options.interactive"
                    " === false) { d += 1; } }); return [n, d]; }")
        handle.wait_for_function(f"() => ({count_js})()[1] > 0", timeout=60_000)
        areas, dots = handle.evaluate(count_js)
        assert (areas, dots) == (count, count)
        time.sleep(2)  # let the canvas finish drawing before the picture
        page.screenshot(path=str(artifacts_dir / "hamlet_list_son_la.png"), full_page=True)
    finally:
        context.close()
