"""Login through Streamlit's real OIDC round trip, in chromium, against a local OpenID Connect provider started by
the test (tests/oidc_provider.py; offline): sign in → the roles file gives the role → a limited provincial viewer
sees only their province → sign out. The AppTest suite (test_access_app.py) covers the roles on every page and
download with ``st.user`` fixtures."""

from __future__ import annotations

import pytest

from app_servers import WAIT_MS, app_server, free_port, page_errors, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def login_app(browser, tmp_path_factory, artifacts_dir):
    pytest.importorskip("authlib", reason="st.login needs Authlib: pip install -e '.[auth]'")
    from oidc_provider import Provider

    folder = tmp_path_factory.mktemp("login")
    (folder / "roles.toml").write_text('[users."minh@sonla.gov.vn"]\nrole = "provincial_viewer"\n'
                                       'provinces = ["14"]\n[users."an@mic.gov.vn"]\nrole = "national_officer"\n',
                                       encoding="utf-8")
    (folder / "settings.toml").write_text('[auth]\nenabled = true\nroles_file = "roles.toml"\n'
                                          'limit_provincial_reads = true\n', encoding="utf-8")
    port = free_port()
    with Provider() as provider:
        (folder / "secrets.toml").write_text(
            f'[auth]\nredirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "a-long-random-test-secret-0123456789"\nclient_id = "{provider.client_id}"\n'
            f'client_secret = "{provider.client_secret}"\n'
            f'server_metadata_url = "{provider.issuer}/.well-known/openid-configuration"\n', encoding="utf-8")
        env = {"COVERAGE_MAP_SETTINGS": str(folder / "settings.toml"), "COVERAGE_MAP_STORE": str(folder / "store")}
        with app_server(env, artifacts_dir / "login" / "streamlit.log", port=port,
                        args=("--secrets.files", str(folder / "secrets.toml"))) as base:
            yield base, provider


def test_sign_in_with_the_provider_role_from_the_roles_file_and_sign_out(browser, login_app, artifacts_dir):
    base, provider = login_app
    context = browser.new_context(viewport={"width": 1440, "height": 1100})
    page = context.new_page()
    try:
        page.goto(base)
        page.get_by_text("Ứng dụng này cần đăng nhập.").wait_for(timeout=WAIT_MS)
        assert page.locator('iframe[title="streamlit_folium.st_folium"]').count() == 0  # no data before sign-in
        provider.sign_in_as = "minh@sonla.gov.vn"
        page.get_by_role("button", name="Đăng nhập").click()
        page.get_by_text("minh@sonla.gov.vn — người xem cấp tỉnh: Tỉnh Sơn La").wait_for(timeout=WAIT_MS)
        page.get_by_text("Tỉnh Sơn La · Kỳ số liệu: Quý 4/2025").wait_for(timeout=WAIT_MS)  # opens on their province
        wait_idle(page)
        assert {"/.well-known/openid-configuration", "/authorize", "/token", "/jwks"} <= set(provider.requests)
        (artifacts_dir / "login").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=artifacts_dir / "login" / "signed-in-provincial-viewer.png")
        province = page.get_by_test_id("stSelectbox").filter(has_text="Tỉnh, thành phố").first
        province.get_by_role("button", name="Open").click()
        assert page.get_by_role("option").all_inner_texts() == ["Toàn quốc", "Tỉnh Sơn La"]  # no other province
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Đăng xuất").click()
        page.get_by_text("Ứng dụng này cần đăng nhập.").wait_for(timeout=WAIT_MS)
        assert page_errors(page) == []
        assert "Uncaught app execution" not in (artifacts_dir / "login" / "streamlit.log").read_text()
    finally:
        context.close()


def test_someone_the_roles_file_does_not_list_is_refused_after_signing_in(browser, login_app):
    base, provider = login_app
    context = browser.new_context()
    page = context.new_page()
    try:
        provider.sign_in_as = "stranger@example.com"
        page.goto(base)
        page.get_by_role("button", name="Đăng nhập").click(timeout=WAIT_MS)
        page.get_by_text("Không mở được dữ liệu: stranger@example.com chưa được cấp quyền").wait_for(timeout=WAIT_MS)
        assert page.locator('iframe[title="streamlit_folium.st_folium"]').count() == 0
    finally:
        context.close()
