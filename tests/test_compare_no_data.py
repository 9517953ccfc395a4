"""So sánh when every compared value is "no data" (issue 14: ``/so-sanh?province=14&area=island`` raised an
IndexError): the page runs and says in one sentence why there is nothing to compare, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from loaders.archive import stage_files
from loaders.ingest import apply_upload, check_upload
from loaders.store import DirectoryStore
from loaders.store.plan import ApplyOptions
from upload_fixtures import commune_boundaries

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SENTENCE = {"vi": "Không có gì để so sánh", "en": "Nothing to compare"}


def compare_page(params: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page("dashboard/app/pages/compare_page.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _said(at: AppTest) -> str:
    return " ".join(str(info.value).replace("\\", "") for info in at.info)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_islands_of_a_province_without_islands_are_nothing_to_compare(lang):
    at = compare_page({"province": "14", "area": "island", "lang": lang})  # Sơn La has no island commune
    said = _said(at)
    assert SENTENCE[lang] in said and ("Tỉnh Sơn La" in said), said
    assert [m.value for m in at.metric] == ["không có dữ liệu" if lang == "vi" else "no data"] * 2


def test_periods_without_figures_for_the_place_are_nothing_to_compare(tmp_path, monkeypatch):
    """Two periods of figures, both for Hà Nội only: Sơn La's communes have none in either."""
    store = DirectoryStore(tmp_path / "store")
    stats = tmp_path / "so_lieu.csv"
    stats.write_text("Mã xã,Kỳ báo cáo,Số tổ CNSCĐ,Số thành viên,Dân số từ 15 tuổi trở lên,"
                     "Số người sử dụng điện thoại thông minh\n"
                     "00004,2025-Q2,3,20,1000,800\n00004,2025-Q3,3,20,1000,900\n", encoding="utf-8")
    for path in (commune_boundaries(tmp_path / "ranh_gioi.geojson"), stats):
        staged = stage_files([path], store.staging_dir())
        check = check_upload(staged, store)
        assert check.usable, [str(e) for e in check.errors]
        apply_upload(store, staged, check, options=ApplyOptions(replace_level=True))
    monkeypatch.setenv("COVERAGE_MAP_STORE", str(store.root))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = compare_page({"province": "14", "pa": "2025-Q2", "period": "2025-Q3"})
        said = _said(at)
        assert SENTENCE["vi"] in said and "Quý 2/2025" in said and "Quý 3/2025" in said, said
        # the same page for Hà Nội compares figures: no such sentence there
        assert SENTENCE["vi"] not in _said(compare_page({"province": "01", "pa": "2025-Q2", "period": "2025-Q3"}))
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
