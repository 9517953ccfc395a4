"""Download-button helpers: ``(bytes, file name, MIME)`` for a view, the same files as the CLI writes."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from PIL import Image

from analysis.view import ViewSpec
from dashboard.cli import main
from dashboard.downloads import atlas_download, compare_download, compare_map_downloads, compare_views, \
    gaps_download, map_download, table_download
from dashboard.export_data import DatasetSource, map_view, view_table
from test_export_dataset import build_dataset


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return build_dataset(tmp_path_factory.mktemp("downloads") / "data")


def test_map_download_is_the_cli_file(data_dir, tmp_path):
    spec = ViewSpec(indicator="smartphone_share", province="14")
    data, name, mime = map_download(spec, "png", data_dir=data_dir)
    assert name == "smartphone_share_Tinh-Son-La_2025-Q4.png" and mime == "image/png"
    assert Image.open(io.BytesIO(data)).size == (1920, 1080)
    out = tmp_path / "cli.csv"
    assert main(["export", "--data-dir", str(data_dir), "--indicator", "smartphone_share", "--province", "14",
                 "--out", str(out)]) == 0
    csv_data, csv_name, csv_mime = table_download(spec, "csv", data_dir=data_dir)
    assert csv_data == out.read_bytes() and csv_name.endswith(".csv") and csv_mime == "text/csv"
    # The page's cached table (pickled by st.cache_data: attrs lost, no geometry) gives the same file.
    page_table = pd.DataFrame(view_table(DatasetSource(data_dir), spec).drop(columns="geometry"))
    page_table.attrs.clear()
    assert table_download(spec, "csv", data_dir=data_dir, table=page_table) == (csv_data, csv_name, csv_mime)


def test_html_and_xlsx_downloads(data_dir):
    spec = ViewSpec(indicator="team_presence")
    html, name, mime = map_download(spec, "html", data_dir=data_dir)
    assert mime == "text/html" and name.startswith("team_presence_toan-quoc") and b"cmChoropleth" in html
    xlsx, name, mime = table_download(spec, "xlsx", data_dir=data_dir)
    assert xlsx[:2] == b"PK" and mime.endswith("spreadsheetml.sheet")


def test_gaps_download_is_ranked_with_reasons(data_dir):
    data, name, _ = gaps_download(ViewSpec(indicator="smartphone_share"), ("smartphone_share",),
                                  data_dir=data_dir)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "Hạng" and [row[0] for row in rows[1:]] == [str(i) for i in range(1, len(rows))]
    assert "vung-trong" in name and all(row[rows[0].index("Lý do")] for row in rows[1:])


def test_compare_download_has_both_periods_and_the_change(data_dir):
    a = ViewSpec(indicator="smartphone_share", period="2025-Q3", province="14")
    b = ViewSpec(indicator="smartphone_share", period="2025-Q4", province="14")
    data, _, _ = compare_download(a, b, data_dir=data_dir)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]
    first, second, change = (header.index(c) for c in ("value_2025-Q3_smartphone_share",
                                                       "value_2025-Q4_smartphone_share", "change"))
    for row in rows[1:]:
        assert float(row[change]) == pytest.approx(float(row[second]) - float(row[first]), abs=1e-6)


def test_atlas_download_reports_progress(data_dir):
    seen = []
    data, name, mime = atlas_download(ViewSpec(indicator="smartphone_share", province="14"), "commune", "zip",
                                      data_dir=data_dir, progress=lambda done, total, _: seen.append(done))
    assert mime == "application/zip" and name.endswith(".zip") and seen == [1, 2, 3]


def test_compare_maps_share_the_later_period_legend(data_dir):
    a = ViewSpec(indicator="smartphone_share", period="2025-Q3", province="14")
    b = ViewSpec(indicator="smartphone_share", period="2025-Q4", province="14")
    (png_a, name_a, _), (png_b, name_b, _) = compare_map_downloads(a, b, "png", data_dir=data_dir, k=3)
    assert name_a.endswith("2025-Q3_A.png") and name_b.endswith("2025-Q4_B.png")
    assert Image.open(io.BytesIO(png_a)).size == Image.open(io.BytesIO(png_b)).size == (1920, 1080)
    source = DatasetSource(data_dir)
    view_a, view_b = compare_views(source, a, b, k=3)
    assert view_a.classification.bins == view_b.classification.bins
    assert map_view(source, a, k=3).classification.bins != view_b.classification.bins   # it did change
