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
from loaders.store import DirectoryStore
from loaders.store.plan import ApplyOptions
from upload_fixtures import commune_boundaries, commune_stats_csv, tree_hashes

REPO_DATA = DEFAULT_DATA_DIR


def panel_app():
    import os

    from dashboard.app.upload_panel import render_upload_panel
    from loaders.settings import load_settings
    from loaders.store import Identity, open_store

    render_upload_panel(open_store(location=os.environ["COVERAGE_MAP_STORE"]), Identity.local(), load_settings(),
                        os.environ.get("PANEL_LANG", "vi"))


@pytest.fixture
def store(tmp_path, monkeypatch) -> DirectoryStore:
    monkeypatch.setenv("COVERAGE_MAP_STORE", str(tmp_path / "store"))
    store = DirectoryStore(tmp_path / "store")
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


def _preview(app: AppTest) -> str:
    """The preview's text (the st.text under "Xem trước")."""
    return next(e.value for e in app.text if e.value.startswith(("Tệp:", "Files:")) and "\n" in e.value
                and ("sẽ" in e.value or "will" in e.value or "thêm" in e.value or "added" in e.value))


def _button(app: AppTest, key: str):
    return next(b for b in app.button if b.key == key)


def test_upload_report_preview_apply_and_rollback(store, tmp_path):
    data_before = tree_hashes(REPO_DATA)
    app = _run()
    assert "v0002" in _texts(app)
    csv = commune_stats_csv(tmp_path / "so_lieu_2025-Q3.csv").read_bytes()
    app.file_uploader[0].set_value(("so_lieu_2025-Q3.csv", csv, "text/csv"))
    app.run()
    assert not app.exception, app.exception
    text = _texts(app)
    assert "Tệp dùng được" in text
    assert [m.label for m in app.metric][:2] == ["Khớp theo mã", "Khớp theo tên"]
    assert [m.value for m in app.metric][:4] == ["2", "1", "0", "1"]
    assert any("Xã Không Tồn Tại" in df.value.to_string() for df in app.dataframe)
    # the preview, in words, as plain text (names from the file are never Markdown)
    preview = _preview(app)
    assert "Quý 3/2025: thêm 3 đơn vị (xã)." in preview
    assert "Quý 3/2025 sẽ là kỳ mới nhất nhưng mới có số liệu của 3 / 4 xã" in preview
    assert "so_lieu_2025-Q3.csv, dòng 5 (Xã Không Tồn Tại, Quý 3/2025): không khớp với đơn vị hành chính nào" \
        in preview
    staged = list((store.root / ".tmp").glob("upload-*/received/so_lieu_2025-Q3.csv"))
    assert len(staged) == 1 and staged[0].read_bytes() == csv  # bytes wait inside the store, as received
    apply = _button(app, "upload_apply")
    assert not apply.disabled
    apply.click()
    app.run()
    assert not app.exception, app.exception
    assert store.active_id() == "v0003"
    assert "Đã áp dụng: phiên bản v0003 đang được dùng. Quý 3/2025: thêm 3 đơn vị (xã)." in _texts(app)
    ledger = [m.value for m in app.markdown if m.value.startswith("**v")]
    assert [line.split("**")[1] for line in ledger] == ["v0003", "v0002", "v0001"]
    assert "đang dùng" in ledger[0] and "đang dùng" not in ledger[1]
    assert "Tệp: so_lieu_2025-Q3.csv\nQuý 3/2025 (xã, 2 tỉnh): thêm 3, cập nhật 0, không đổi 0, xóa 0." \
        in _texts(app)
    assert list((store.root / ".tmp").glob("upload-*")) == []  # the check ended: its files are gone
    rollback = _button(app, "ledger_rollback")
    assert rollback.label.startswith("Quay lại phiên bản v0002 \\(") and rollback.label.endswith("bỏ dùng v0003")
    rollback.click()
    app.run()
    assert store.active_id() == "v0002" and "Đã đổi: v0002 đang được dùng." in _texts(app)
    assert "quay lại v0002 (từ v0003)" in _texts(app)  # the log of the version in use
    assert tree_hashes(REPO_DATA) == data_before  # the repository's data/ is never written


def test_use_a_version_and_the_diff_between_two(store, tmp_path):
    app = _run()
    choice = next(s for s in app.selectbox if s.key == "ledger_use_choice")
    assert choice.options == ["v0002", "v0001", "dữ liệu gốc kèm theo"] and choice.value == "v0002"
    assert _button(app, "ledger_use").disabled  # the version in use
    choice.set_value("v0001")
    app.run()
    use = _button(app, "ledger_use")
    assert use.label.startswith("Dùng phiên bản v0001 \\(") and not use.disabled
    use.click()
    app.run()
    assert store.active_id() == "v0001"
    next(s for s in app.selectbox if s.key == "ledger_diff_a").set_value("v0001")
    next(s for s in app.selectbox if s.key == "ledger_diff_b").set_value("v0002")
    _button(app, "ledger_diff_run").click()
    app.run()
    text = _texts(app)
    assert "Khác nhau giữa v0001 và v0002:" in text
    # v0001 kept the embedded figures of the 4 uploaded communes (replaced boundaries, figures kept);
    # v0002 replaced the level with the Q2 file of 3 communes
    assert "Quý 2/2025 (xã): thêm 0, thay đổi 3, xóa 3.318, không đổi 0." in text


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
    assert _button(app, "ledger_rollback").label.startswith("Roll back to version v0001 \\(")
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
    ("the GeoPackage has 3 layers; read 'xa_2025'", "tệp GeoPackage có 3 lớp; đã đọc lớp 'xa_2025'"),
    ("not a valid ZIP file (truncated?)", "tệp ZIP bị hỏng hoặc không đầy đủ: hãy gửi lại"),
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


def test_a_session_s_staged_upload_goes_when_the_session_goes(store, tmp_path):
    """Streamlit drops a closed tab's session state after server.disconnectedSessionTTL; the upload it held is
    removed with it (the finaliser), and an explicit discard removes it at once."""
    import gc

    from dashboard.app.upload_panel import SessionUpload

    csv = commune_stats_csv(tmp_path / "q3.csv")
    first = SessionUpload(stage_files([csv], store.staging_dir()))
    directory = first.staged.directory
    assert directory.is_dir()
    session_state = {"upload_panel": {"upload": first}}
    del first
    session_state.clear()  # the session ends
    gc.collect()
    assert not directory.exists()
    second = SessionUpload(stage_files([csv], store.staging_dir()))
    second.discard()
    assert not second.present


def test_the_sweep_removes_abandoned_uploads_and_keeps_those_in_use(store, tmp_path):
    import os
    import time

    from dashboard.app.upload_panel import SessionUpload, sweep_staging

    csv = commune_stats_csv(tmp_path / "q3.csv")
    abandoned = stage_files([csv], store.staging_dir()).directory
    in_use = SessionUpload(stage_files([csv], store.staging_dir()))
    day_ago = time.time() - 25 * 3600  # older than data.staging_max_age_h (24 h)
    for path in (abandoned, in_use.staged.directory):
        os.utime(path, (day_ago, day_ago))
    in_use.touch()  # the session ran again: still in use
    assert sweep_staging(store, every_s=0)
    for _ in range(100):  # the sweep runs in the background
        if not abandoned.exists():
            break
        time.sleep(0.05)
    assert not abandoned.exists() and in_use.present
    assert not sweep_staging(store)  # at most once per SWEEP_EVERY_S per store
