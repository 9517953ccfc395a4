"""Login and per-province access in the app (issue 17 item 3), driven through AppTest with ``st.user`` fixtures:
Streamlit's OIDC round trip itself is not run here (see test_browser_login.py for the browser against a local
provider). Every page and every download of a limited provincial viewer holds only their province's rows; an
officer applies only their provinces; the national roles can do both."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from dashboard.app.escape import md_escape
from loaders.dataset import DEFAULT_DATA_DIR
from loaders.store import DirectoryStore
from officer_fixtures import NEW_PERIOD, embedded_rows, filled_template, new_quarter, stored
from test_app_pages import drawn_keys as map_keys, maps, shown_keys

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
USERS = {
    "an@mic.gov.vn": ("national_officer", []),
    "lan@sonla.gov.vn": ("provincial_officer", ["14"]),
    "minh@sonla.gov.vn": ("provincial_viewer", ["14"]),
}
COMMUNES = pd.read_parquet(Path(DEFAULT_DATA_DIR) / "geo/communes.parquet", columns=["commune_code",
                                                                                       "province_code"])
SON_LA = set(COMMUNES.loc[COMMUNES["province_code"] == "14", "commune_code"])
OTHERS = set(COMMUNES["commune_code"]) - SON_LA


def configure(tmp_path, monkeypatch, limit: bool) -> DirectoryStore:
    roles = "".join(f'[users."{user}"]\nrole = "{role}"\nprovinces = {json.dumps(provinces)}\n'
                    for user, (role, provinces) in USERS.items())
    (tmp_path / "roles.toml").write_text(roles, encoding="utf-8")
    (tmp_path / "settings.toml").write_text(
        f'[auth]\nenabled = true\nroles_file = "roles.toml"\nlimit_provincial_reads = {str(limit).lower()}\n',
        encoding="utf-8")
    monkeypatch.setenv("COVERAGE_MAP_SETTINGS", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("COVERAGE_MAP_STORE", str(tmp_path / "store"))
    st.cache_data.clear()
    st.cache_resource.clear()
    return DirectoryStore(tmp_path / "store")


@pytest.fixture
def limited(tmp_path, monkeypatch):
    yield configure(tmp_path, monkeypatch, limit=True)
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def open_reads(tmp_path, monkeypatch):
    yield configure(tmp_path, monkeypatch, limit=False)
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def downloads(monkeypatch) -> list:
    """Every download button drawn: (label, file name, data or the function that makes it)."""
    made = []
    original = DeltaGenerator.download_button

    def recording(self, label, data, *args, **kwargs):
        made.append((label, kwargs.get("file_name"), data))
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    return made


def open_as(user: str | None, page: str | None = None, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.user = {"is_logged_in": False} if user is None else {"is_logged_in": True, "email": user, "name": user}
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(f"dashboard/app/pages/{page}.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def drawn_keys(at: AppTest) -> set[str]:
    """Unit keys of every map on the page (the layer's units the view's values show)."""
    return {str(key) for args in maps(at) for key in map_keys(args)}


def codes_in(data: bytes, name: str) -> set[str]:
    """Commune codes (2025 register) in the rows of a downloaded file (cells, properties, the map's layer)."""
    if name.endswith(".html"):
        text = data.decode("utf-8")
        return set(map(str, shown_keys(text, text))) & set(COMMUNES["commune_code"])
    if name.endswith(".xlsx"):
        frames = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str)
    elif name.endswith(".csv"):
        frames = {"": pd.read_csv(io.BytesIO(data), dtype=str)}
    elif name.endswith(".geojson"):
        features = json.loads(data)["features"]
        frames = {"": pd.DataFrame([f["properties"] for f in features]).astype(str)}
    else:
        import geopandas as gpd

        frames = {"": pd.DataFrame(gpd.read_file(io.BytesIO(data)).drop(columns="geometry")).astype(str)}
    cells = {str(v).strip() for frame in frames.values() for v in frame.to_numpy().ravel()}
    return cells & set(COMMUNES["commune_code"])


def test_nobody_signed_in_sees_only_the_sign_in(limited):
    at = open_as(None)
    assert [i.value for i in at.info] == ["Ứng dụng này cần đăng nhập. Hãy đăng nhập bằng tài khoản công vụ."]
    assert drawn_keys(at) == set() and not at.metric
    at.button(key="login").click().run()  # no provider configured in this test: said, not a traceback
    assert not at.exception
    assert [e.value for e in at.error] == ["Đăng nhập đã được bật nhưng chưa cấu hình nhà cung cấp đăng nhập; hãy "
                                           "báo quản trị viên."]


def test_a_user_the_roles_file_does_not_list_is_told_why(limited):
    at = open_as("someone@example.com")
    assert [e.value for e in at.error] == [md_escape("Không mở được dữ liệu: someone@example.com chưa được cấp quyền; "
                                                     "hãy liên hệ quản trị viên")]  # the e-mail shown as it is
    assert drawn_keys(at) == set()


@pytest.mark.parametrize("page", ["map_page", "gaps_page", "compare_page"])
def test_a_limited_provincial_viewer_reads_only_their_province_on_every_page_and_download(limited, downloads,
                                                                                          page):
    at = open_as("minh@sonla.gov.vn", page)
    assert drawn_keys(at) == SON_LA
    assert any(text.value == "minh@sonla.gov.vn — người xem cấp tỉnh: Tỉnh Sơn La" for text in at.sidebar.text)
    province = next(s for s in at.sidebar.selectbox if s.key == "w_province")
    assert province.options == ["Toàn quốc", "Tỉnh Sơn La"] and province.value == "14"  # opens on it; no other
    # a link naming another province shows none of it
    at = open_as("minh@sonla.gov.vn", page, {"province": "01"})
    assert drawn_keys(at) == SON_LA
    files = [(label, name, data) for label, name, data in downloads if name and not name.endswith(".pdf")
             and not name.endswith((".png", ".svg"))]
    assert files, "the page offers downloads"
    for label, name, data in files:
        content = data() if callable(data) else data
        found = codes_in(content, name)
        assert found and found <= SON_LA, (label, name, sorted(found - SON_LA)[:5])


def test_a_provincial_viewer_cannot_upload(limited):
    at = open_as("minh@sonla.gov.vn", "data_page")
    assert "Bạn đang xem với quyền chỉ xem: không tải lên hay áp dụng dữ liệu được." in [i.value for i in at.info]
    assert not at.file_uploader


def test_an_unlimited_provincial_viewer_opens_on_their_province_and_may_look_elsewhere(open_reads):
    at = open_as("minh@sonla.gov.vn")
    assert drawn_keys(at) == SON_LA
    province = next(s for s in at.sidebar.selectbox if s.key == "w_province")
    assert province.value == "14" and "Thành phố Hà Nội" in province.options
    province.set_value("01").run()
    assert drawn_keys(at) and drawn_keys(at) <= OTHERS


def test_a_provincial_officer_applies_only_their_province(limited):
    before = stored(limited)
    rows = pd.concat([new_quarter(count=2), embedded_rows(province="01", count=1).assign(period=NEW_PERIOD)],
                     ignore_index=True)
    at = open_as("lan@sonla.gov.vn", "data_page")
    assert "Người áp dụng: lan@sonla.gov.vn (cán bộ dữ liệu cấp tỉnh)." in [c.value.replace("\\", "")
                                                                             for c in at.caption]
    at.file_uploader[0].set_value(("q1.xlsx", filled_template(rows), XLSX)).run()
    preview = next(e.value for e in at.text if e.value.startswith("Tệp: q1.xlsx."))
    assert f"({rows['commune_name'][2]}, Quý 1/2026): thuộc tỉnh 01, lan@sonla.gov.vn không có quyền cập nhật " \
           f"tỉnh này" in preview
    assert at.button(key="upload_apply").disabled
    at.checkbox(key="upload_exclude").check().run()
    at.button(key="upload_apply").click().run()
    assert not at.exception
    after = stored(limited)
    added = after[after["period"] == NEW_PERIOD]
    assert added["commune_code"].tolist() == new_quarter(count=2)["commune_code"].tolist()
    assert len(after) == len(before) + 2
    assert limited.versions()[-1]["uploaded_by"] == "lan@sonla.gov.vn"
    rollback = at.button(key="ledger_rollback")
    assert rollback.disabled and "chỉ cán bộ cấp quốc gia" in rollback.help  # the reason, on the button


def test_a_national_officer_applies_every_province_and_reads_everything(limited):
    rows = pd.concat([new_quarter(count=2), embedded_rows(province="01", count=1).assign(period=NEW_PERIOD)],
                     ignore_index=True)
    at = open_as("an@mic.gov.vn", "data_page")
    at.file_uploader[0].set_value(("q1.xlsx", filled_template(rows), XLSX)).run()
    assert not at.button(key="upload_apply").disabled
    at.button(key="upload_apply").click().run()
    assert len(stored(limited).query("period == @NEW_PERIOD")) == 3
    assert not at.button(key="ledger_rollback").disabled
    at = open_as("an@mic.gov.vn")
    assert len(drawn_keys(at)) == len(COMMUNES)
