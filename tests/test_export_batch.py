"""Atlases: one page per commune (or province), one shared legend, progress reported page by page."""

from __future__ import annotations

import io
import zipfile

import pytest

from analysis.view import ViewSpec
from dashboard.query import DatasetSource
from dashboard.render.atlas import atlas_sheets, export_atlas
from dashboard.render.texts import slug
from loaders.errors import LoaderError
from loaders.settings import load_settings

SETTINGS = load_settings(environ={})
from test_export_dataset import build_dataset


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return DatasetSource(build_dataset(tmp_path_factory.mktemp("batch") / "data"))


def test_commune_atlas_pdf_has_one_page_per_commune_and_reports_progress(source):
    pypdf = pytest.importorskip("pypdf")
    calls = []
    data = export_atlas(source, ViewSpec(indicator="smartphone_share", province="14"), SETTINGS, "commune", "pdf",
                        progress=lambda done, total, name: calls.append((done, total, name)))
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 3                                 # Sơn La has three communes here
    assert calls == [(1, 3, "Xã Mường La"), (2, 3, "Xã Chiềng Hoa"), (3, 3, "Phường Tô Hiệu")]
    assert "Xã Chiềng Hoa, Tỉnh Sơn La" in reader.pages[1].extract_text()


def test_commune_pages_show_hamlets_with_one_shared_legend(source):
    pages = list(atlas_sheets(source, ViewSpec(indicator="smartphone_share", province="14", k=3), SETTINGS,
                              "commune"))
    assert [code for code, _, _ in pages] == ["04000", "04003", "04006"]
    assert all(view.spec.level == "hamlet" and len(view.table) == 2 for _, _, view in pages)
    bounds = {view.classification.bins for _, _, view in pages}
    assert len(bounds) == 1                                       # same colours mean the same values
    assert all(len(view.highlight) == 1 for _, _, view in pages)  # the inset marks the commune


def test_province_atlas_zip_holds_one_png_per_province(source):
    data = export_atlas(source, ViewSpec(indicator="team_presence"), SETTINGS, "province", "zip", size=(640, 360))
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names == ["001_01_Thanh-pho-Ha-Noi.png", "002_14_Tinh-Son-La.png"]


def test_commune_atlas_needs_a_province(source):
    with pytest.raises(LoaderError, match="needs a province"):
        export_atlas(source, ViewSpec(indicator="smartphone_share"), SETTINGS, "commune")


def test_slug_is_ascii():
    assert slug("Xã Chiềng Hoa") == "Xa-Chieng-Hoa" and slug("Đặc khu Lý Sơn") == "Dac-khu-Ly-Son"
