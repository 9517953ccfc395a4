"""The format registry: every file of a view (maps, tables, atlases) from one entry point, the same bytes for the
download buttons and the CLI."""

from __future__ import annotations

import csv
import io

import pytest
from PIL import Image

from analysis.view import ViewSpec
from dashboard.cli import main
from dashboard.query import DatasetSource, compare_views, gap_view, indicator_view
from dashboard.render import formats
from loaders.settings import load_settings
from test_export_dataset import build_dataset

SETTINGS = load_settings(environ={})


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return build_dataset(tmp_path_factory.mktemp("downloads") / "data")


@pytest.fixture(scope="module")
def source(data_dir):
    return DatasetSource(data_dir)


def test_every_format_is_registered_once_with_mime_and_name(source):
    view = indicator_view(source, ViewSpec(province="14"), SETTINGS)
    assert set(formats.FORMATS) == {"png", "pdf", "svg", "html", "csv", "xlsx", "geojson", "gpkg", "atlas"}
    for name in formats.FORMATS:
        assert formats.file_name(view, name).startswith("smartphone_share_Tinh-Son-La_2025-Q4")
    with pytest.raises(ValueError, match="unknown format 'bmp'"):
        formats.export("bmp", view, source)


def test_a_download_is_the_cli_file(source, data_dir, tmp_path):
    view = indicator_view(source, ViewSpec(province="14"), SETTINGS)
    png = formats.export("png", view, source)
    assert png.file_name == "smartphone_share_Tinh-Son-La_2025-Q4.png" and png.mime == "image/png"
    assert Image.open(io.BytesIO(png.data)).size == (1920, 1080)
    for name in ("csv", "geojson", "html"):
        out = tmp_path / f"cli.{name}"
        assert main(["export", "--data-dir", str(data_dir), "--indicator", "smartphone_share", "--province", "14",
                     "--out", str(out)]) == 0
        assert formats.export(name, view, source).data == out.read_bytes(), name


def test_html_and_xlsx_downloads(source):
    view = indicator_view(source, ViewSpec(indicator="team_presence"), SETTINGS)
    html = formats.export("html", view, source)
    assert html.mime == "text/html" and html.file_name.startswith("team_presence_toan-quoc") and b"cmChoropleth" in html.data
    xlsx = formats.export("xlsx", view, source, formats.ExportOptions(link="?indicator=team_presence"))
    assert xlsx.data[:2] == b"PK" and xlsx.mime.endswith("spreadsheetml.sheet")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames == ["Dữ liệu", "Thông tin"]
    info = {row[0]: row[1] for row in book["Thông tin"].iter_rows(values_only=True)}
    assert info["Kỳ số liệu"] == "Kỳ số liệu: Quý 4/2025" and info["Đường dẫn xem lại"] == "?indicator=team_presence"


def test_gap_download_lists_the_gaps_ranked_with_reasons(source):
    view = gap_view(source, ViewSpec(), SETTINGS)
    data = formats.export("csv", view, source)
    rows = list(csv.reader(io.StringIO(data.data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[0] == "Hạng" and "vung-trong" in data.file_name and len(body) == len(view.table)
    gaps = [row for row in body if row[0]]
    assert [row[0] for row in gaps] == [str(i) for i in range(1, len(gaps) + 1)] == \
        [str(i) for i in range(1, int(view.table["is_gap"].sum()) + 1)]
    assert all(row[header.index("Lý do")] for row in gaps)


def test_the_change_download_has_both_periods_and_the_change(source):
    change = compare_views(source, ViewSpec(province="14"), SETTINGS).change
    data = formats.export("csv", change, source, formats.ExportOptions(lang="en"))
    rows = list(csv.reader(io.StringIO(data.data.decode("utf-8-sig"))))
    header = rows[0]
    before = next(i for i, h in enumerate(header) if h.endswith("Q3 2025"))
    after = next(i for i, h in enumerate(header) if h.endswith("Q4 2025"))
    delta = header.index("Change (points)")
    for row in rows[1:]:
        if row[delta]:
            assert float(row[delta]) == pytest.approx(float(row[after]) - float(row[before]), abs=0.011)


def test_the_compare_maps_share_the_later_period_s_classes(source):
    comparison = compare_views(source, ViewSpec(province="14", k=3, scheme="quantiles"), SETTINGS)
    assert comparison.a.period == "2025-Q3" and comparison.b.period == "2025-Q4"
    assert comparison.a.classification.bins == comparison.b.classification.bins
    alone = indicator_view(source, ViewSpec(province="14", k=3, period="2025-Q3", scheme="quantiles"), SETTINGS)
    assert alone.classification.bins != comparison.b.classification.bins   # reusing B's bounds changed A
    pngs = [formats.export("png", view, source) for view in (comparison.a, comparison.b, comparison.change)]
    assert len({png.file_name for png in pngs}) == 3


def test_an_atlas_reports_progress(source):
    seen = []
    view = indicator_view(source, ViewSpec(province="14"), SETTINGS)
    options = formats.ExportOptions(per="commune", atlas_format="zip", progress=lambda done, total, _: seen.append(done))
    made = formats.export("atlas", view, source, options, SETTINGS)
    assert made.mime == "application/zip" and made.file_name.endswith("atlas-commune.zip") and seen == [1, 2, 3]
