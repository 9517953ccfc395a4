"""Raw cells of statistics files (loaders.grids): what a sheet holds, read within the caps, every oddity said."""

from __future__ import annotations

import codecs

import openpyxl
import pytest

from hostile.sheets import HEADER, ROWS, rows_xml, sheet_xml, write_xlsx
from loaders.errors import LoaderError
from loaders.grids import read_grids
from loaders.limits import Limits, use


def _csv(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_a_csv_is_read_cell_by_cell_with_blanks_as_none(tmp_path):
    [grid] = read_grids(_csv(tmp_path / "a.csv", "Mã xã;Tên xã\n00004; \n;Xã B\n"))
    assert grid.name == "a" and grid.rows == [["Mã xã", "Tên xã"], ["00004", None], [None, "Xã B"]]
    assert grid.notes == []


@pytest.mark.parametrize("data, label", [
    (codecs.BOM_UTF16_LE + "Mã xã;Tên\n1;Hòa\n".encode("utf-16-le"), "UTF-16 LE with BOM"),
    (codecs.BOM_UTF16_BE + "Mã xã;Tên\n1;Hòa\n".encode("utf-16-be"), "UTF-16 BE with BOM"),
    ("Mã xã;Tên\n1;Hòa\n".encode("utf-16-le"), "UTF-16 LE without BOM"),
    ("Mã xã;Tên\n1;Hòa\n".encode("utf-32"), "UTF-32"),
    (codecs.BOM_UTF8 + "Mã xã;Tên\n1;Hòa\n".encode("utf-8"), "UTF-8 with BOM"),
    ("Mã xã;Tên\r1;Hòa\r".encode("utf-8"), "carriage returns only"),
])
def test_text_encodings_and_line_ends(tmp_path, data, label):
    [grid] = read_grids(_csv(tmp_path / "e.csv", data))
    assert grid.rows == [["Mã xã", "Tên"], ["1", "Hòa"]], label


def test_a_utf16_file_cut_in_half_a_character_is_read_and_said(tmp_path):
    data = codecs.BOM_UTF16_LE + "Mã xã;Tên\n1;Hòa\n2;Xã".encode("utf-16-le")
    [grid] = read_grids(_csv(tmp_path / "cut.csv", data[:-1]))
    assert grid.rows[:2] == [["Mã xã", "Tên"], ["1", "Hòa"]]
    [note] = grid.notes
    assert note.key == "grids.undecodable" and note.params == {"n": 1, "encoding": "UTF-16"}
    assert "cắt cụt" in note.text("vi")


def test_tcvn3_csv_is_detected_and_decoded_at_c_speed(tmp_path):
    [grid] = read_grids(_csv(tmp_path / "t.csv", b"M\xb7 x\xb7;T\xaan\n1;Ba \xa7\xd7nh\n"))
    assert grid.rows == [["Mã xã", "Tên"], ["1", "Ba Đình"]]


def test_rows_over_the_cap_are_refused_with_the_file_s_line_count(tmp_path):
    path = _csv(tmp_path / "big.csv", "Mã xã;Số tổ\n" + "1;2\n" * 1000)
    with use(Limits(max_rows=100)), pytest.raises(LoaderError) as caught:
        read_grids(path)
    assert caught.value.key == "limits.too_many_rows"
    assert caught.value.text("vi") == ("big.csv: tệp quá lớn: 1.002 dòng, tối đa 100. Hãy chia thành các tệp nhỏ hơn "
                                       "(ví dụ mỗi tỉnh hoặc mỗi kỳ một tệp) rồi tải lên lại.")


def test_cells_over_the_cap_are_refused(tmp_path):
    path = _csv(tmp_path / "wide.csv", ";".join(["1"] * 50) + "\n" + (";".join(["1"] * 50) + "\n") * 10)
    with use(Limits(max_cells=200)), pytest.raises(LoaderError) as caught:
        read_grids(path)
    assert caught.value.key == "limits.too_many_cells" and caught.value.params["row"] == 5


def test_a_cell_over_the_field_cap_names_its_line(tmp_path):
    path = _csv(tmp_path / "q.csv", 'a;b\n1;2\n3;"' + "x" * 5000 + '"\n')
    with use(Limits(max_field_bytes=1024)), pytest.raises(LoaderError) as caught:
        read_grids(path)
    assert caught.value.key == "grids.field_too_big" and caught.value.params["line"] == 3


def test_a_binary_file_named_csv_is_refused(tmp_path):
    with pytest.raises(LoaderError) as caught:
        read_grids(_csv(tmp_path / "x.csv", bytes(range(256)) * 20))
    assert caught.value.key == "grids.not_text"


# -- XLSX ------------------------------------------------------------------------------------------------------------
def test_merged_header_cells_fill_the_cells_they_cover(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Q3"
    sheet.append(["Đơn vị", None, "Số tổ"])
    sheet.append(["Mã xã", "Tên xã", None])
    sheet.append(["00004", "Ba Đình", 3])
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:C2")
    workbook.save(tmp_path / "gop.xlsx")
    [grid] = read_grids(tmp_path / "gop.xlsx")
    assert grid.rows == [["Đơn vị", "Đơn vị", "Số tổ"], ["Mã xã", "Tên xã", "Số tổ"], ["00004", "Ba Đình", 3]]


def test_a_merged_range_to_the_last_cell_of_the_sheet_costs_nothing(tmp_path):
    merged = '<mergeCells count="2"><mergeCell ref="A1:XFD1048576"/><mergeCell ref="B2:XFD1048576"/></mergeCells>'
    path = write_xlsx(tmp_path / "bom.xlsx", {"Q3": sheet_xml(rows_xml([HEADER, *ROWS]), merged)})
    with use(Limits(max_cells=100)):
        [grid] = read_grids(path)
    assert len(grid.rows) == 4 and {len(row) for row in grid.rows} == {5}  # filled over the data, not beyond
    assert grid.rows[0] == ["Mã xã"] * 5


def test_percent_cells_read_as_shown_and_dates_stay_dates(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Tỷ lệ", "Ngày"])
    sheet.append([0.855, None])
    sheet["A2"].number_format = "0.0%"
    import datetime

    sheet["B2"] = datetime.date(2025, 9, 30)
    workbook.save(tmp_path / "pt.xlsx")
    [grid] = read_grids(tmp_path / "pt.xlsx")
    assert grid.rows[1][0] == 85.5 and grid.rows[1][1] == datetime.datetime(2025, 9, 30)


def test_formulas_without_saved_values_are_said(tmp_path):
    data = rows_xml([HEADER, *ROWS]).replace('<c r="D3"><v>2</v></c>', '<c r="D3"><f>1+1</f></c>')
    [grid] = read_grids(write_xlsx(tmp_path / "f.xlsx", {"Q3": sheet_xml(data)}))
    assert grid.rows[2][3] is None
    [note] = grid.notes
    assert note.key == "grids.formulas_without_values" and note.params == {"sheet": "Q3", "n": 1, "cell": "D3"}


def test_xlsx_rows_over_the_cap_are_counted_before_parsing(tmp_path):
    data = rows_xml([HEADER] + [("1", "x", "2025-Q3", 1, 1)] * 300)
    path = write_xlsx(tmp_path / "r.xlsx", {"Q3": sheet_xml(data)})
    with use(Limits(max_rows=100)), pytest.raises(LoaderError) as caught:
        read_grids(path)
    assert caught.value.key == "limits.too_many_rows" and caught.value.params["rows"] == 301


def test_rows_of_formatting_only_do_not_count_against_the_row_cap(tmp_path):
    data = rows_xml([HEADER, *ROWS]) + "".join(f'<row r="{r}" ht="20" customHeight="1"/>' for r in range(5, 500))
    with use(Limits(max_rows=100)):
        [grid] = read_grids(write_xlsx(tmp_path / "fmt.xlsx", {"Q3": sheet_xml(data)}))
    assert len(grid.rows) == 4


def test_xml_entities_are_refused(tmp_path):
    prolog = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    data = rows_xml([HEADER]) + '<row r="2"><c r="A2" t="inlineStr"><is><t>&b;</t></is></c></row>'
    with pytest.raises(LoaderError) as caught:
        read_grids(write_xlsx(tmp_path / "e.xlsx", {"Q3": sheet_xml(data, prolog=prolog)}))
    assert caught.value.key == "grids.xml_entities"


def test_an_old_or_password_protected_workbook_is_named_as_such(tmp_path):
    (tmp_path / "cu.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(LoaderError) as caught:
        read_grids(tmp_path / "cu.xlsx")
    assert caught.value.key == "grids.ole_workbook" and "mật khẩu" in caught.value.text("vi")
