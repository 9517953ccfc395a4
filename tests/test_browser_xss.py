"""A commune named ``<img src=x onerror=alert(1)>`` shows as text in the browser and no dialog fires (SPEC §11).

The app is started with ``COVERAGE_MAP_STORE`` pointing to a store built here, whose active version holds that
commune (uploaded through the same ingest path as the Dữ liệu page); a second server reads the same version
through ``COVERAGE_MAP_DATA``. The tooltip (drawn by the map's own JS) and the details heading (Streamlit) are
checked; screenshots go to ``tests/artifacts/xss-*.png``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from loaders.archive import stage_files
from loaders.ingest import apply_upload, check_upload
from loaders.store import DatasetStore
from loaders.store.plan import ApplyOptions
from upload_fixtures import XSS_NAME, commune_boundaries

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
WAIT_MS = 120_000  # generous for a 2-core machine; nothing asserts on time


def _stats_with_xss(path: Path) -> Path:
    path.write_text(
        "Mã xã,Tên xã/phường,Kỳ báo cáo,Số tổ CNSCĐ,Số thành viên,Dân số từ 15 tuổi trở lên,"
        "Số người sử dụng điện thoại thông minh\n"
        "00004,Phường Ba Đình,2025-Q3,3,20,1000,900\n00008,Xã Hòa Bình,2025-Q3,2,10,800,500\n"
        "03980,Xã Mường Bú,2025-Q3,5,40,3000,1500\n"
        f"03982,\"{XSS_NAME}\",2025-Q3,1,4,600,200\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def xss_store(tmp_path_factory) -> DatasetStore:
    folder = tmp_path_factory.mktemp("xss")
    store = DatasetStore(folder / "store")
    for path in (commune_boundaries(folder / "ranh_gioi.geojson"), _stats_with_xss(folder / "so_lieu.csv")):
        staged = stage_files([path], store.staging_dir())
        check = check_upload(staged, store)
        assert check.usable, [str(e) for e in check.errors]
        apply_upload(store, staged, check, options=ApplyOptions(replace_level=True))  # instead of the demo data
    return store


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(env: dict, log_path: Path):
    port = _free_port()
    command = [str(Path(sys.executable).with_name("streamlit")), "run", "app.py", "--server.port", str(port),
               "--server.headless", "true", "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false"]
    log = open(log_path, "w")  # noqa: SIM115 - closed by the caller
    clean = {k: v for k, v in os.environ.items() if k not in ("COVERAGE_MAP_STORE", "COVERAGE_MAP_DATA")}
    process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env={**clean, **env})
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):  # bounds a hung start; the server answers in a few seconds
        if process.poll() is not None:
            break
        try:
            urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    return process, log, base


@pytest.fixture(scope="module", params=["store", "data_dir"])
def xss_app(request, xss_store, browser, artifacts_dir):
    if request.param == "store":
        env = {"COVERAGE_MAP_STORE": str(xss_store.root)}
    else:
        env = {"COVERAGE_MAP_DATA": str(xss_store.active_dir())}
    process, log, base = _serve(env, artifacts_dir / f"streamlit-xss-{request.param}.log")
    try:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}; see tests/artifacts")
        yield request.param, base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


_FIND_UNIT = """(name) => {
    let found = null;
    window.cmChoropleth.eachLayer((l) => { if (String(l.feature.properties.n).startsWith(name)) { found = l; } });
    if (!found) { return null; }
    const map = found._map;
    const p = map.latLngToContainerPoint(found.getBounds().getCenter());
    return {x: p.x, y: p.y};
}"""


_FIND_KEY = """(name) => {
    let key = null;
    window.cmChoropleth.eachLayer((l) => { if (String(l.feature.properties.n).startsWith(name)) { key = l.feature.properties.k; } });
    return key;
}"""


def test_a_commune_named_like_html_shows_as_text_and_runs_nothing(xss_app, browser, artifacts_dir):
    variant, base = xss_app
    context = browser.new_context(viewport={"width": 1500, "height": 950})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(base)
        frame_element = page.locator(MAP_FRAME).first
        frame_element.wait_for(timeout=WAIT_MS)
        frame = frame_element.element_handle().content_frame()
        frame.wait_for_function("() => window.cmChoropleth !== undefined", timeout=WAIT_MS)
        point = frame.evaluate(_FIND_UNIT, XSS_NAME)
        assert point is not None, "the uploaded commune is not on the map"
        box = frame_element.bounding_box()
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        tooltip = frame.locator(".leaflet-tooltip").first
        tooltip.wait_for(timeout=WAIT_MS)
        assert XSS_NAME in tooltip.inner_text()  # the markup is shown as text...
        assert frame.locator('img[src="x"]').count() == 0  # ...and never became an element
        page.screenshot(path=str(artifacts_dir / f"xss-{variant}-tooltip.png"))
        code = frame.evaluate(_FIND_KEY, XSS_NAME)
        page.goto(f"{base}/?sel={code}")  # the details panel of that commune, as a shared link opens it
        heading = page.get_by_role("heading", name=XSS_NAME)
        heading.first.wait_for(timeout=WAIT_MS)
        assert heading.first.inner_text().strip() == XSS_NAME
        page.screenshot(path=str(artifacts_dir / f"xss-{variant}-details.png"))
        for each in page.frames:
            assert each.locator('img[src="x"]').count() == 0
        assert dialogs == []
    finally:
        context.close()
