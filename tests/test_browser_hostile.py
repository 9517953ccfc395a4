"""Three hostile files uploaded in Debian's chromium (issue 14): a ZIP bomb, a corrupt ZIP (``zlib.error`` in the
browser before) and an XLSX whose one merged range reaches the last cell (4.7 GB in the app server before). Each
is answered with a Vietnamese sentence, the page shows no traceback, and the server still answers other pages.
Screenshots go to ``tests/artifacts/hostile/``."""

from __future__ import annotations

import urllib.request

import pytest

from app_servers import WAIT_MS, app_server, page_errors, wait_idle
from hostile import all_cases, build_case
from test_hostile_corpus import TRACEBACK_WORDS
from test_hostile_panel import vietnamese_fragment

pytestmark = pytest.mark.browser
SUBSET = ["zip_bomb_one_entry", "zip_truncated", "xlsx_merged_range_to_the_last_cell"]


@pytest.fixture(scope="module")
def hostile_app(browser, tmp_path_factory, artifacts_dir):
    folder = tmp_path_factory.mktemp("hostile-browser")
    env = {"COVERAGE_MAP_STORE": str(folder / "store"), "COVERAGE_MAP_STAGING": str(folder / "staging")}
    with app_server(env, artifacts_dir / "hostile" / "streamlit.log") as base:
        yield base, folder


def test_three_hostile_uploads_are_sentences_and_the_server_keeps_answering(browser, hostile_app, artifacts_dir,
                                                                              tmp_path):
    base, folder = hostile_app
    cases = all_cases()
    context = browser.new_context(viewport={"width": 1440, "height": 1400})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        for name in SUBSET:
            item = cases[name]
            files = build_case(item, tmp_path / name)
            page.goto(f"{base}/du-lieu")
            page.get_by_test_id("stFileUploaderDropzoneInput").wait_for(state="attached", timeout=WAIT_MS)
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(f) for f in files])
            page.get_by_text("Kết quả kiểm tra").wait_for(timeout=WAIT_MS)
            wait_idle(page)
            expect, key = item.panel_expectation()
            text = page.locator("body").inner_text()
            if expect == "refused":
                alert = page.get_by_test_id("stAlertContentError").filter(has_text="Tệp chưa dùng được")
                alert.first.wait_for(timeout=WAIT_MS)
                if key:
                    assert vietnamese_fragment(key) in alert.first.inner_text(), (name, alert.first.inner_text())
            else:
                assert "Tệp dùng được" in text or "Tệp chưa dùng được" in text, (name, text[-2000:])
            assert page_errors(page) == [], name
            assert not any(word in text for word in TRACEBACK_WORDS), (name, text[-2000:])
            assert str(folder) not in text and str(tmp_path) not in text, name  # no server path
            page.screenshot(path=artifacts_dir / "hostile" / f"{name}.png")
            # the server still answers: its health check and another page
            assert urllib.request.urlopen(f"{base}/_stcore/health", timeout=30).status == 200
        page.goto(f"{base}/?province=14")
        page.locator('iframe[title="streamlit_folium.st_folium"]').first.wait_for(timeout=WAIT_MS)
        wait_idle(page)
        assert page_errors(page) == []
        assert errors == []
    finally:
        context.close()
