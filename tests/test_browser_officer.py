"""The data officer's whole flow in Debian's chromium, on a fresh store over the embedded data: download the
commune template → fill it for five communes of Sơn La → upload → read the check and the preview → apply → the map
opens on the last complete quarter and lists the new one as partial → roll back. Screenshots go to
``tests/artifacts/officer/`` for people to look at (issue 12, Done when)."""

from __future__ import annotations

import pytest

from app_servers import WAIT_MS, app_server, choose, options_of, page_errors, wait_idle
from officer_fixtures import filled_template, new_quarter

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def officer_app(browser, tmp_path_factory, artifacts_dir):
    folder = tmp_path_factory.mktemp("officer")
    env = {"COVERAGE_MAP_STORE": str(folder / "store"), "COVERAGE_MAP_STAGING": str(folder / "staging")}
    with app_server(env, artifacts_dir / "officer" / "streamlit.log") as base:
        yield base, folder


def shot(page, artifacts_dir, name: str, at=None) -> None:
    """A screenshot of the window, scrolled to ``at`` (a locator) first: Streamlit scrolls inside its own pane."""
    if at is not None:
        at.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
    page.screenshot(path=artifacts_dir / "officer" / f"{name}.png")


def test_template_fill_upload_preview_apply_map_rollback(browser, officer_app, artifacts_dir):
    base, folder = officer_app
    context = browser.new_context(viewport={"width": 1440, "height": 1500}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{base}/du-lieu")
        page.get_by_text("Đang dùng: dữ liệu gốc kèm theo").wait_for(timeout=WAIT_MS)
        # 1. the template, as the officer downloads it
        with page.expect_download(timeout=WAIT_MS) as download:
            page.get_by_role("button", name="Tải mẫu cấp xã").click()
        template = download.value
        assert template.suggested_filename == "mau_so_lieu_cap_xa.xlsx"
        # 2. filled in for five communes of Sơn La, first quarter of 2026
        filled = folder / "so_lieu_quy1_2026_son_la.xlsx"
        filled.write_bytes(filled_template(new_quarter(), template=open(template.path(), "rb").read()))
        # 3. uploaded and checked; 4. the preview in words
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(filled))
        page.get_by_text("Xem trước: khi bấm Áp dụng").wait_for(timeout=WAIT_MS)
        wait_idle(page)
        preview = page.get_by_test_id("stText").filter(has_text="Tệp: so_lieu_quy1_2026_son_la.xlsx.").inner_text()
        print("\n" + preview)
        assert "Quý 1/2026: thêm 5 đơn vị (xã)." in preview
        assert "mới có số liệu của 5 / 3.321 xã: kỳ chưa đầy đủ" in preview
        shot(page, artifacts_dir, "1-preview", page.get_by_role("button", name="Áp dụng", exact=True))
        # 5. applied
        page.get_by_role("button", name="Áp dụng", exact=True).click()
        page.get_by_text("Đã áp dụng: phiên bản v0001 đang được dùng.").wait_for(timeout=WAIT_MS)
        wait_idle(page)
        shot(page, artifacts_dir, "2-applied-ledger", page.get_by_text("Lịch sử phiên bản"))
        # 6. the map: still the last complete quarter, the new one listed as partial
        page.goto(f"{base}/?province=14")
        page.get_by_text("Đang hiện Quý 4/2025, kỳ đầy đủ gần nhất").wait_for(timeout=WAIT_MS)
        wait_idle(page)
        options = options_of(page, "Kỳ số liệu")
        assert options[:2] == ["Quý 4/2025 (kỳ đầy đủ gần nhất)", "Quý 1/2026 — 5 / 75 xã"]
        shot(page, artifacts_dir, "3-map-last-complete")
        choose(page, "Kỳ số liệu", "Quý 1/2026 — 5 / 75 xã")
        page.get_by_text("Quý 1/2026 chưa đầy đủ: mới có số liệu của 5 / 75 xã").wait_for(timeout=WAIT_MS)
        page.get_by_text("Số liệu của 5 / 75 xã").first.wait_for(timeout=WAIT_MS)
        page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first.locator(".cm-legend") \
            .get_by_text("Số liệu của 5 / 75 xã").wait_for(timeout=WAIT_MS)
        shot(page, artifacts_dir, "4-map-partial-quarter")
        # 7. rolled back: the button says what it does
        page.goto(f"{base}/du-lieu")
        rollback = page.get_by_role("button", name="Quay lại dữ liệu gốc kèm theo, bỏ dùng v0001")
        rollback.click(timeout=WAIT_MS)
        page.get_by_text("Đã đổi: dữ liệu gốc kèm theo đang được dùng.").wait_for(timeout=WAIT_MS)
        wait_idle(page)
        shot(page, artifacts_dir, "5-rolled-back")
        page.goto(f"{base}/?province=14")
        page.get_by_test_id("stSelectbox").filter(has_text="Kỳ số liệu").first.wait_for(timeout=WAIT_MS)
        wait_idle(page)
        assert "Quý 1/2026 — 5 / 75 xã" not in options_of(page, "Kỳ số liệu")
        assert page_errors(page) == [] and errors == []
    finally:
        context.close()
