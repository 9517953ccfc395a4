"""Data exports: exactly the rows shown, Vietnamese text intact, codes zero-padded, formulas neutralised."""

from __future__ import annotations

import csv
import io
import json

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.view import ViewSpec
from dashboard.query import DatasetSource, indicator_view
from dashboard.render.formats import ExportOptions, export
from dashboard.render.tables import csv_bytes, neutralise, xlsx_bytes
from loaders.settings import load_settings
from test_export_dataset import FORMULA_NAME, build_dataset

SETTINGS = load_settings(environ={})


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return DatasetSource(build_dataset(tmp_path_factory.mktemp("tables") / "data"))


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")                      # BOM: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_vietnamese_text_zero_padded_codes_and_the_rows_shown(source):
    view = indicator_view(source, ViewSpec(indicator="smartphone_share", province="14"), SETTINGS)
    table = view.table
    rows = read_csv(export("csv", view, source).data)
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Mã tỉnh", "Tỉnh, thành phố", "Mã xã", "Xã, phường, đặc khu", "Loại đơn vị"]
    assert "Tỷ lệ người dân dùng điện thoại thông minh (%)" in header
    assert [row[2] for row in body] == ["04000", "04003", "04006"]   # leading zeros kept
    assert {row[0] for row in body} == {"14"}
    assert body[1][3] == "Xã Chiềng Hoa"
    assert body[0][header.index("Miền núi")] == "Có" and body[1][header.index("Miền núi")] == "Không"
    population = header.index("Dân số từ 15 tuổi (mẫu số)")
    assert body[0][population] == str(int(table["population_15plus"].iloc[0]))   # whole counts, no ".0"
    value = header.index("Tỷ lệ người dân dùng điện thoại thông minh (%)")
    assert float(body[0][value]) == pytest.approx(table["value"].iloc[0], abs=0.01)


def test_csv_of_a_filtered_view_has_only_the_filtered_rows(source):
    view = indicator_view(source, ViewSpec(indicator="smartphone_share", areas=("mountainous",)), SETTINGS)
    body = read_csv(export("csv", view, source).data)[1:]
    assert [row[2] for row in body] == ["04000"]


def test_formula_cells_are_neutralised_in_csv_and_xlsx(source):
    view = indicator_view(source, ViewSpec(indicator="smartphone_share", province="01"), SETTINGS)
    rows = read_csv(export("csv", view, source).data)
    names = [row[3] for row in rows[1:]]
    assert "'" + FORMULA_NAME in names and FORMULA_NAME not in names
    book = load_workbook(io.BytesIO(export("xlsx", view, source).data))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    formula_cells = [cell for cell in cells if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert formula_cells and all(cell.data_type == "s" and cell.value.startswith("'") for cell in formula_cells)
    assert not any(cell.data_type == "f" for cell in cells)


def test_negative_numbers_stay_numbers_and_text_minus_is_neutralised():
    frame = pd.DataFrame({"Mã xã": ["04000", "04003"], "change": [-3.5, 2.0], "note": ["-1+1", "@SUM(A1)"]})
    rows = read_csv(csv_bytes(frame))
    assert rows[1][1] == "-3.5" and rows[1][2] == "'-1+1" and rows[2][2] == "'@SUM(A1)"
    sheet = load_workbook(io.BytesIO(xlsx_bytes(frame))).active
    assert sheet["B2"].value == -3.5 and sheet["B2"].data_type == "n"
    assert sheet["A2"].value == "04000" and sheet["A2"].data_type == "s"
    assert neutralise(-1) == -1 and neutralise("\t=1") == "'\t=1"
    # full-width and other compatibility forms of the signs, and invisible characters before them
    for text in ("＝HYPERLINK(1)", "＋1", "﹣1", "＠A1", "\u200b=1", " =1", "\u3000＝1"):
        assert neutralise(text) == "'" + text, text


def test_xlsx_keeps_no_data_empty_and_has_an_info_sheet(source):
    view = indicator_view(source, ViewSpec(indicator="smartphone_share", province="01"), SETTINGS)
    book = load_workbook(io.BytesIO(export("xlsx", view, source).data))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    column = header.index("Tỷ lệ người dân dùng điện thoại thông minh (%)") + 1
    values = [sheet.cell(row=r, column=column).value for r in (2, 3)]
    assert values[1] is None and isinstance(values[0], float)       # "no data" is empty, never 0
    info = {row[0]: row[1] for row in book["Thông tin"].iter_rows(values_only=True)}
    assert info["Kỳ số liệu"] == "Kỳ số liệu: Quý 4/2025" and info["Chỉ tiêu"].startswith("Tỷ lệ người dân")
    assert "Thành phố Hà Nội" in info["Địa bàn"] and info["Nguồn"].startswith("Nguồn: bộ dữ liệu kiểm thử")


def test_geojson_and_geopackage_carry_the_joined_layer(source, tmp_path):
    view = indicator_view(source, ViewSpec(indicator="smartphone_share", province="14"), SETTINGS)
    table = view.table
    collection = json.loads(export("geojson", view, source).data)
    assert len(collection["features"]) == 3
    properties = collection["features"][0]["properties"]
    assert properties["commune_code"] == "04000" and properties["commune_name"] == "Xã Mường La"
    assert properties["smartphone_share"] == pytest.approx(table["value"].iloc[0])
    path = tmp_path / "layer.gpkg"
    path.write_bytes(export("gpkg", view, source).data)
    layer = gpd.read_file(path)
    assert layer.crs.to_epsg() == 4326 and len(layer) == 3
    assert layer["commune_code"].tolist() == ["04000", "04003", "04006"]


def test_english_headers_and_periods(source):
    view = indicator_view(source, ViewSpec(indicator="smartphone_share", province="14"), SETTINGS)
    rows = read_csv(export("csv", view, source, ExportOptions(lang="en")).data)
    assert rows[0][:2] == ["Province code", "Province"] and rows[1][rows[0].index("Period")] == "Q4 2025"
