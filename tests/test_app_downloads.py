"""Downloads that only the app offers beyond the map page: the compare page's files and the atlas."""

from __future__ import annotations

import io

from pypdf import PdfReader

from loaders.dataset import DEFAULT_DATA_DIR, load_units
from test_app_pages import run_app


def atlas_buttons(at):
    return [b.proto.label for b in at.get("download_button") if b.proto.label.startswith("Tải tập bản đồ")]


def test_compare_page_offers_both_maps_and_the_change_table():
    at = run_app(page="compare_page")
    labels = [button.proto.label for button in at.get("download_button")]
    assert [label for label in labels if "PNG" in label] == ["Bản đồ A PNG", "Bản đồ B PNG", "Bản đồ Δ PNG"]
    assert any("XLSX" in label for label in labels) and any("CSV" in label for label in labels)


def test_atlas_of_a_province_is_made_on_request_with_one_page_per_commune():
    at = run_app({"province": "12"})  # Lai Châu: a small mountainous province keeps the test short
    assert atlas_buttons(at) == []    # nothing is rendered until asked for
    at.button(key="atlas_make").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert atlas_buttons(at) == ["Tải tập bản đồ PDF"]
    _, fmt, made = at.session_state["atlas_file"]
    assert fmt == "pdf" and made.mime == "application/pdf" and made.file_name.endswith("atlas-commune.pdf")
    data = made.data
    communes = load_units(DEFAULT_DATA_DIR, "commune", province_code="12")
    assert len(PdfReader(io.BytesIO(data)).pages) == len(communes)
