"""The upload panel in Streamlit's AppTest: report, apply, rollback, refusal, templates (issue 7)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from loaders.archive import stage_files
from loaders.dataset import DEFAULT_DATA_DIR
from loaders.ingest import apply_upload, check_upload
from loaders.store import DatasetStore
from loaders.store.plan import ApplyOptions
from upload_fixtures import commune_boundaries, commune_stats_csv, tree_hashes

REPO_DATA = DEFAULT_DATA_DIR


def panel_app():
    import os

    from dashboard.app.upload_panel import render_upload_panel
    from loaders.store import DatasetStore

    render_upload_panel(DatasetStore(os.environ["COVERAGE_MAP_STORE"]), os.environ.get("PANEL_LANG", "vi"))


@pytest.fixture
def store(tmp_path, monkeypatch) -> DatasetStore:
    monkeypatch.setenv("COVERAGE_MAP_STORE", str(tmp_path / "store"))
    store = DatasetStore(tmp_path / "store")
    # real boundaries and figures replace the embedded demo ones (an explicit choice: replace_level)
    for path in (commune_boundaries(tmp_path / "ranh_gioi.geojson"),
                 commune_stats_csv(tmp_path / "so_lieu_2025-Q2.csv", "2025-Q2")):
        staged = stage_files([path], store.staging_dir())
        check = check_upload(staged, store)
        apply_upload(store, staged, check, options=ApplyOptions(replace_level=True))
    return store


def _run() -> AppTest:
    app = AppTest.from_function(panel_app, default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def _texts(app: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "success", "error", "warning", "text")
             for e in getattr(app, kind)]
    return "\n".join(str(p) for p in parts)


def _button(app: AppTest, key: str):
    return next(b for b in app.button if b.key == key)


def test_upload_report_apply_and_rollback(store, tmp_path):
    data_before = tree_hashes(REPO_DATA)
    app = _run()
    assert "v0002" in _texts(app)
    csv = commune_stats_csv(tmp_path / "so_lieu_2025-Q3.csv").read_bytes()
    app.file_uploader[0].set_value(("so_lieu_2025-Q3.csv", csv, "text/csv"))
    app.run()
    assert not app.exception, app.exception
    text = _texts(app)
    assert "Tệp dùng được" in text and "Xã Không Tồn Tại" not in text  # unmatched names only in the table
    assert [m.label for m in app.metric][:2] == ["Khớp theo mã", "Khớp theo tên"]
    assert [m.value for m in app.metric][:4] == ["2", "1", "0", "1"]
    assert any("Xã Không Tồn Tại" in df.value.to_string() for df in app.dataframe)
    staged = list((store.root / ".tmp").glob("upload-*/received/so_lieu_2025-Q3.csv"))
    assert len(staged) == 1 and staged[0].read_bytes() == csv  # bytes wait inside the store, as received
    apply = _button(app, "upload_apply")
    assert not apply.disabled
    apply.click()
    app.run()
    assert not app.exception, app.exception
    assert store.active_id() == "v0003"
    assert "Đã áp dụng: phiên bản v0003" in _texts(app)
    history = app.dataframe[-1].value
    assert history["Phiên bản"].tolist() == ["v0003", "v0002", "v0001"]
    assert history["Đang dùng"].tolist() == ["✔", "", ""]
    assert history["Nội dung"].tolist() == ["số liệu xã, phường, đặc khu 2025-Q3", "số liệu xã, phường, đặc khu 2025-Q2",
                                            "ranh giới xã, phường, đặc khu (4)"]
    assert history["Tệp gốc"].tolist() == ["so_lieu_2025-Q3.csv", "so_lieu_2025-Q2.csv", "ranh_gioi.geojson"]
    assert list((store.root / ".tmp").glob("upload-*")) == []
    _button(app, "upload_rollback").click()
    app.run()
    assert store.active_id() == "v0002" and "Đã quay lại: v0002" in _texts(app)
    assert tree_hashes(REPO_DATA) == data_before  # the repository's data/ is never written


def test_a_broken_upload_is_explained_and_cannot_be_applied(store, tmp_path):
    before = tree_hashes(store.version_dir("v0002"))
    manifest = (store.root / "manifest.json").read_bytes()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("../../evil.shp", b"x")
    app = _run()
    app.file_uploader[0].set_value(("ranh_gioi.zip", archive.getvalue(), "application/zip"))
    app.run()
    assert not app.exception, app.exception
    errors = " ".join(e.value for e in app.error)
    assert "đường dẫn không an toàn" in errors and "ranh\\_gioi\\.zip" in errors
    assert _button(app, "upload_apply").disabled
    assert (store.root / "manifest.json").read_bytes() == manifest
    assert tree_hashes(store.version_dir("v0002")) == before
    assert not (tmp_path / "evil.shp").exists()


def test_english_labels_and_templates(store, monkeypatch):
    monkeypatch.setenv("PANEL_LANG", "en")
    app = _run()
    assert "Version history" in _texts(app)
    assert _button(app, "upload_rollback").label == "Roll back to the previous version"
    assert len(app.get("download_button")) == 2


def test_template_bytes_offered_for_download_are_workbooks():
    from loaders.templates import build_template, template_headers

    for level in ("commune", "hamlet"):
        sheet = openpyxl.load_workbook(io.BytesIO(build_template(level))).active
        assert [c.value for c in sheet[4] if c.value] == template_headers(level)


def test_markdown_from_files_is_escaped():
    from dashboard.app.upload_panel import md_escape

    hostile = "[x](javascript:alert(1)) ![i](http://evil/p.png) <img src=x onerror=alert(1)> **b**"
    escaped = md_escape(hostile)
    for fragment in ("\\[x\\]", "\\(javascript", "\\!\\[i\\]", "\\<img", "\\*\\*b\\*\\*"):
        assert fragment in escaped


@pytest.mark.parametrize("english, vietnamese", [
    ("76 invalid geometries repaired (make_valid)", "76 hình bị lỗi đã được sửa"),
    ("sheet 'T9' row 12: totals row 'Tổng cộng' dropped", "trang 'T9' dòng 12: bỏ dòng tổng 'Tổng cộng'"),
    ("sheet 'Sheet1': 3 cell(s) of teams are not numbers, left empty",
     "trang 'Sheet1': 3 ô của cột teams không phải số, để trống"),
    ("no period for 4 row(s): add a 'period' column (YYYY, YYYY-Qn or YYYY-MM) or put the period in the sheet "
     "or file name", "4 dòng không có kỳ báo cáo"),
])
def test_loader_sentences_are_worded_in_vietnamese(english, vietnamese):
    from dashboard.app.upload_messages import translate

    assert translate(english, "vi").startswith(vietnamese)
    assert translate(english, "en") == english


def test_an_unknown_sentence_is_shown_as_it_is():
    from dashboard.app.upload_messages import translate

    assert translate("something new the loaders say", "vi") == "something new the loaders say"


def test_a_pinned_data_directory_is_pointed_out(store, monkeypatch, tmp_path):
    monkeypatch.setenv("COVERAGE_MAP_DATA", str(tmp_path))
    app = _run()
    assert any("COVERAGE_MAP_DATA" in w.value for w in app.warning)


def test_a_program_error_while_applying_is_a_sentence_and_changes_nothing(store, tmp_path, monkeypatch):
    import dashboard.app.upload_panel as panel

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(panel, "apply_upload", broken)
    before = tree_hashes(store.root / "v0002")
    app = _run()
    app.file_uploader[0].set_value(("q3.csv", commune_stats_csv(tmp_path / "q3.csv").read_bytes(), "text/csv"))
    app.run()
    _button(app, "upload_apply").click()
    app.run()
    assert not app.exception
    assert any("dữ liệu đang dùng không thay đổi" in e.value for e in app.error)
    assert store.active_id() == "v0002" and tree_hashes(store.root / "v0002") == before
