"""One hostile file of each class through the upload panel's real widget (AppTest), and a stale check (issue 14).

``tests/test_hostile_corpus.py`` runs every case through the panel's code (:func:`loaders.ingest.check_upload`);
here a representative of each class goes through the Streamlit panel itself — the file picker, staging, the
guarded check, the report — as an officer would give it: the page answers with a Vietnamese sentence (the
catalogue's words for the case), never an exception, a traceback or a server path, and nothing stays staged
once the file is removed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hostile import all_cases, build_case
from i18n import catalogue
from loaders.archive import stage_files
from loaders.ingest import apply_upload, check_upload
from loaders.store import DirectoryStore
from loaders.store.plan import ApplyOptions
from test_hostile_corpus import TRACEBACK_WORDS
from upload_fixtures import commune_boundaries, commune_stats_csv

#: One case per class: zip bomb, XLSX merged-range bomb, 2M-row CSV, NaN GeoJSON, bad WKB GeoParquet, corrupt
#: zip, truncated UTF-16 CSV.
SUBSET = ["zip_bomb_one_entry", "xlsx_merged_range_to_the_last_cell", "csv_two_million_rows",
          "geojson_nan_coordinates", "geoparquet_damaged_wkb", "zip_truncated", "csv_utf16_cut_in_half_a_character"]
CASES = all_cases()
MIME = {".zip": "application/zip", ".csv": "text/csv", ".geojson": "application/geo+json",
        ".parquet": "application/octet-stream",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def vietnamese_fragment(key: str) -> str:
    """The longest piece of the Vietnamese text of ``key`` between placeholders (what every wording contains)."""
    vietnamese = catalogue()[key][0]
    pieces = [piece.split("}")[-1] for piece in vietnamese.split("{")]
    return max((p.strip(" .:;,()'\"") for p in pieces), key=len)


def panel_app():
    import os

    from dashboard.app.upload_panel import render_upload_panel
    from loaders.settings import load_settings
    from loaders.store import Identity, open_store

    render_upload_panel(open_store(location=os.environ["COVERAGE_MAP_STORE"]), Identity.local(), load_settings(),
                        "vi")


@pytest.fixture
def store(tmp_path, monkeypatch) -> DirectoryStore:
    monkeypatch.setenv("COVERAGE_MAP_STORE", str(tmp_path / "store"))
    store = DirectoryStore(tmp_path / "store")
    for path in (commune_boundaries(tmp_path / "ranh_gioi.geojson"), commune_stats_csv(tmp_path / "q2.csv", "2025-Q2")):
        staged = stage_files([path], store.staging_dir())
        apply_upload(store, staged, check_upload(staged, store), options=ApplyOptions(replace_level=True))
    return store


def page_text(at: AppTest) -> str:
    """Everything the panel says, Markdown escapes removed."""
    parts = [str(e.value) for kind in ("markdown", "caption", "success", "error", "warning", "info", "text")
             for e in getattr(at, kind)]
    parts += [str(m.label) for m in at.metric]
    return "\n".join(parts).replace("\\", "")


def upload(at: AppTest, files: list[Path]) -> AppTest:
    given = [(path.name, path.read_bytes(), MIME.get(path.suffix, "application/octet-stream")) for path in files]
    at.file_uploader[0].set_value(given if len(given) > 1 else given[0]).run()
    return at


@pytest.mark.parametrize("name", SUBSET)
def test_a_hostile_file_through_the_upload_widget_is_answered_in_a_sentence(name, store, tmp_path):
    item = CASES[name]
    files = build_case(item, tmp_path / "case")
    at = AppTest.from_function(panel_app, default_timeout=240)
    at.run()
    upload(at, files)
    assert not at.exception, [e.value for e in at.exception]
    said = page_text(at)
    assert not any(word in said for word in TRACEBACK_WORDS), said
    assert str(tmp_path) not in said and str(store.root) not in said  # no server path
    expect, key = item.panel_expectation()
    if expect == "refused":
        errors = " ".join(str(e.value) for e in at.error).replace("\\", "")
        assert "Tệp chưa dùng được" in errors, said
        if key:
            assert vietnamese_fragment(key) in errors, (key, errors)
        assert next(b for b in at.button if b.key == "upload_apply").disabled
    elif expect == "ok":  # read (with the note the case calls for); a file without a period is still refused
        assert "Tệp dùng được" in said or "không có kỳ báo cáo" in said, said
        if key and "Tệp dùng được" in said:
            assert vietnamese_fragment(key) in said, (key, said)
    at.file_uploader[0].set_value(None).run()  # the officer removes the file: nothing stays staged
    assert not at.exception
    assert not [p for p in (store.root / ".tmp").iterdir() if p.name.startswith("upload-")]


def test_a_check_made_stale_by_another_officer_is_said_and_cannot_be_applied(store, tmp_path):
    at = AppTest.from_function(panel_app, default_timeout=120)
    at.run()
    upload(at, [commune_stats_csv(tmp_path / "so_lieu_2025-Q3.csv", "2025-Q3")])
    assert "Tệp dùng được" in page_text(at)
    assert not next(b for b in at.button if b.key == "upload_apply").disabled
    # meanwhile another officer applies other figures
    other = stage_files([commune_stats_csv(tmp_path / "so_lieu_2025-Q4.csv", "2025-Q4", teams=4)],
                        store.staging_dir())
    apply_upload(store, other, check_upload(other, store), uploaded_by="Lan")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    warning = " ".join(str(w.value) for w in at.warning).replace("\\", "")
    assert "Dữ liệu đang dùng đã thay đổi sau khi tệp được kiểm tra" in warning and "Lan" in warning, warning
    assert next(b for b in at.button if b.key == "upload_apply").disabled
    active = store.active_id()
    next(b for b in at.button if b.key == "upload_recheck").click().run()  # checked again against the new data
    assert not at.exception and store.active_id() == active
    assert not any("đã thay đổi" in str(w.value) for w in at.warning)
    assert not next(b for b in at.button if b.key == "upload_apply").disabled
    assert os.listdir(store.root / ".tmp")  # the upload still waits for its apply
