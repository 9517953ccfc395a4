"""read_stats: Excel reports with title rows, merged two-row headers, totals rows and several sheets; CSV in any
delimiter and encoding; Vietnamese and English headers (SPEC §7.5-7.8)."""

import math

import openpyxl
import pytest

from fixtures_builders import encode_cp1258
from loaders.errors import LoaderError
from loaders.stats import read_stats


def _report_sheet(sheet, rows):
    """A commune report as provinces send it: title rows, a merged two-row header, a numbering row."""
    sheet["A1"] = "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"
    sheet.merge_cells("A1:G1")
    sheet["A2"] = "(Kèm theo Công văn số 123/UBND-VHXH)"
    sheet.append([])
    sheet.append(["STT", "Mã xã", "Tên xã/phường", "Tổ công nghệ số cộng đồng", None,
                  "Tỷ lệ sử dụng điện thoại thông minh (%)", "Ghi chú"])
    sheet.append([None, None, None, "Số tổ", "Số thành viên", None, None])
    for cells in ("A4:A5", "B4:B5", "C4:C5", "D4:E4", "F4:F5", "G4:G5"):
        sheet.merge_cells(cells)
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"])
    for row in rows:
        sheet.append(row)


def test_xlsx_report_with_title_rows_merged_header_and_totals(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Quý 3-2025"
    _report_sheet(sheet, [
        [1, 2800, "Xã Bảo Thắng", 12, "1.459", "85,5%", None],
        [2, "09877", "Xã An Khánh", 8, 60, 90, "mới thành lập"],
        [None, None, "Tổng cộng", 20, 1519, None, None],
    ])
    path = tmp_path / "bao_cao.xlsx"
    workbook.save(path)
    load = read_stats(path)
    table = load.table
    assert table["commune_code"].tolist() == ["02800", "09877"]
    assert table["commune_name"].tolist() == ["Xã Bảo Thắng", "Xã An Khánh"]
    assert table["teams"].tolist() == [12.0, 8.0]
    assert table["team_members"].tolist() == [1459.0, 60.0]
    assert table["smartphone_share"].tolist() == [85.5, 90.0]
    assert table["period"].tolist() == ["2025-Q3", "2025-Q3"]
    assert "Tổng cộng" not in set(table["commune_name"])
    assert load.info["rows"] == 2 and load.info["periods"] == ["2025-Q3"]
    assert {"commune_code", "commune_name", "teams", "team_members", "smartphone_share"} <= set(
        load.info["columns"])
    # rows that are not data are accounted for, with the row number the file shows
    assert [(r["row"], r["reason"].key) for r in load.skipped] == [(6, "stats.row_numbering"), (9, "stats.row_total")]
    assert load.skipped[1]["reason"].text("en") == "totals row 'Tổng cộng', not a unit"
    assert load.info["rows_read"] == 4


def test_several_sheets_each_with_its_period_and_a_cover_sheet(tmp_path):
    workbook = openpyxl.Workbook()
    cover = workbook.active
    cover.title = "Hướng dẫn"
    cover["A1"] = "Điền số liệu vào các sheet theo quý"
    for title, teams in (("Q2.2025", 5), ("Q3.2025", 7)):
        _report_sheet(workbook.create_sheet(title), [[1, "02800", "Xã Bảo Thắng", teams, 40, 70, None]])
    path = tmp_path / "tong_hop.xlsx"
    workbook.save(path)
    load = read_stats(path)
    assert load.table[["period", "teams"]].values.tolist() == [["2025-Q2", 5.0], ["2025-Q3", 7.0]]
    assert load.info["periods"] == ["2025-Q2", "2025-Q3"]
    assert load.info["sheets"] == ["Q2.2025", "Q3.2025"]
    assert any("Hướng dẫn" in p and "skipped" in p for p in load.info["problems"])


def test_semicolon_decimal_comma_csv_with_bom(tmp_path):
    path = tmp_path / "so_lieu.csv"
    path.write_bytes("\ufeffMã tỉnh;Tỉnh;Mã xã;Tên xã;Số tổ CNSCĐ;Số thành viên;"
                     "Tỷ lệ sử dụng điện thoại thông minh (%);Kỳ báo cáo\n"
                     "14;Sơn La;3850;Xã Chiềng Hoa;1.459;8.966;85,5%;Quý III/2025\n"
                     "14;Sơn La;03851;Xã Mường Bú;-;0;;2025-Q3\n".encode("utf-8"))
    load = read_stats(path)
    table = load.table
    assert table["province_code"].tolist() == ["14", "14"]
    assert table["commune_code"].tolist() == ["03850", "03851"]
    assert table["teams"].iloc[0] == 1459.0 and math.isnan(table["teams"].iloc[1])
    assert table["team_members"].tolist() == [8966.0, 0.0]
    assert table["smartphone_share"].iloc[0] == 85.5 and math.isnan(table["smartphone_share"].iloc[1])
    assert table["period"].tolist() == ["2025-Q3", "2025-Q3"]
    assert load.info["problems"] == []


def test_cp1258_csv_with_english_headers_and_year_quarter_columns(tmp_path):
    path = tmp_path / "teams.csv"
    path.write_bytes(encode_cp1258("commune_code,commune_name,Year,Quarter,teams,population_15plus\n"
                                   "2800,Xã Bảo Thắng,2025,2,3,\"1,200\"\n"))
    table = read_stats(path).table
    assert table["commune_name"].tolist() == ["Xã Bảo Thắng"]
    assert table["period"].tolist() == ["2025-Q2"]
    assert table["population_15plus"].tolist() == [1200.0]
    assert "year" not in table and "quarter" not in table


def test_no_period_anywhere_is_a_clear_problem(tmp_path):
    path = tmp_path / "so_lieu.csv"
    path.write_text("Mã xã,Số tổ\n02800,3\n", encoding="utf-8")
    load = read_stats(path)
    assert load.info["periods"] == []
    assert any(p.startswith("no period for 1 row(s): add a 'period' column") for p in load.info["problems"])


def test_hamlet_statistics(tmp_path):
    path = tmp_path / "thon_2025-09.csv"
    path.write_text("Mã xã\tTên thôn/tổ dân phố\tSố tổ\n02800\tThôn Lũng Vân\t1\n02800\tTDP số 3\t0\n",
                    encoding="utf-8")
    load = read_stats(path)
    assert load.info["level"] == "hamlet"
    assert load.table["hamlet_name"].tolist() == ["Thôn Lũng Vân", "TDP số 3"]
    assert load.table["period"].tolist() == ["2025-09", "2025-09"]


def test_shares_above_100_are_flagged_not_clipped(tmp_path):
    path = tmp_path / "2025.csv"
    path.write_text("Mã xã,Tỷ lệ sử dụng điện thoại thông minh (%)\n02800,112\n", encoding="utf-8")
    load = read_stats(path)
    assert load.table["smartphone_share"].tolist() == [112.0]
    assert any("smartphone share = 112% is outside 0–100%" in p for p in load.info["problems"])
    [finding] = load.findings
    assert (finding.sheet, finding.row, finding.column, finding.value) == ("2025", 2, "smartphone_share", 112.0)
    assert not load.can_apply


@pytest.mark.parametrize("name, content, message", [
    ("empty.csv", b"", "empty"),
    ("nothing.csv", "a,b,c\n1,2,3\n".encode(), "no recognisable header"),
    ("old.xls", b"\xd0\xcf\x11\xe0 not really", ".xlsx"),
    ("broken.xlsx", b"PK\x03\x04 truncated", "not a readable XLSX"),
])
def test_unusable_files_give_one_line_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoaderError) as error:
        read_stats(path)
    assert str(error.value).startswith(f"{name}: ") and message in str(error.value)


def test_xlsx_without_header_is_refused(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append([1, 2, 3])
    workbook.active.append([4, 5, 6])
    workbook.save(tmp_path / "so_lieu.xlsx")
    with pytest.raises(LoaderError, match=r"^so_lieu\.xlsx: no recognisable header row"):
        read_stats(tmp_path / "so_lieu.xlsx")


def test_percent_formatted_excel_cells_are_read_as_shown(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Mã xã", "Tỷ lệ sử dụng điện thoại thông minh (%)", "Năm"])
    sheet.append([2800, 0.855, 2025])
    sheet["B2"].number_format = "0.0%"
    workbook.save(tmp_path / "ty_le.xlsx")
    table = read_stats(tmp_path / "ty_le.xlsx").table
    assert table["smartphone_share"].tolist() == [85.5]
    assert table["period"].tolist() == ["2025"]


def test_delimiter_is_not_fooled_by_decimal_commas_or_commas_in_headers(tmp_path):
    path = tmp_path / "2025-Q4.csv"
    path.write_text("Mã xã;Xã, phường;Tỷ lệ sử dụng điện thoại thông minh (%)\n"
                    "02800;Bảo Thắng;85,5\n02801;Bảo Hà;70,25\n", encoding="utf-8")
    table = read_stats(path).table
    assert table["commune_name"].tolist() == ["Bảo Thắng", "Bảo Hà"]
    assert table["smartphone_share"].tolist() == [85.5, 70.25]


def test_shares_written_as_fractions_are_flagged(tmp_path):
    path = tmp_path / "2025.csv"
    path.write_text("Mã xã,Tỷ lệ sử dụng điện thoại thông minh (%)\n02800,0.85\n02801,0.7\n", encoding="utf-8")
    load = read_stats(path)
    assert load.table["smartphone_share"].tolist() == [0.85, 0.7]
    assert any("fractions rather than percentages" in p for p in load.info["problems"])


def test_header_without_rows_is_said(tmp_path):
    path = tmp_path / "2025-Q1.csv"
    path.write_text("Mã xã,Tên xã,Số tổ\n", encoding="utf-8")
    load = read_stats(path)
    assert load.info["rows"] == 0 and "no data rows under the header" in load.info["problems"]


def test_legacy_report_grouped_by_district_keeps_the_district_and_drops_subtotals(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Quý 4-2024"
    for row in (["TT", "Đơn vị", "Số tổ", "Số thành viên"], ["I", "Huyện Hoài Đức", 5, 40],
                [1, "Xã Đông La", 3, 25], [2, "Xã An Thượng", 2, 15], ["II", "Quận Ba Đình", 1, 4],
                [1, "Phường Quán Thánh", 1, 4], [None, "Tổng cộng", 6, 44]):
        sheet.append(row)
    workbook.save(tmp_path / "bao_cao_cu.xlsx")
    load = read_stats(tmp_path / "bao_cao_cu.xlsx")
    table = load.table
    assert table["commune_name"].tolist() == ["Xã Đông La", "Xã An Thượng", "Phường Quán Thánh"]
    assert table["district_name"].tolist() == ["Hoài Đức", "Hoài Đức", "Ba Đình"]
    assert table["teams"].tolist() == [3.0, 2.0, 1.0]
    assert [(r["row"], r["reason"].key) for r in load.skipped] == [
        (2, "stats.row_group"), (5, "stats.row_group"), (7, "stats.row_total")]
    assert load.skipped[0]["reason"].text("vi") == (
        "dòng nhóm 'Huyện Hoài Đức' (cộng của Hoài Đức); các dòng dưới được hiểu là thuộc Hoài Đức")


def test_excel_text_typed_in_a_tcvn3_font_is_converted(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "2025"
    # what Excel stores when people type with the .VnTime font: each TCVN3 byte as a Latin-1 character
    for row in ([b"M\xb7 x\xb7", b"T\xaan x\xb7", b"S\xe8 t\xe6"], ["02800", b"B\xb6o Th\xbeng", 3]):
        sheet.append([v.decode("latin-1") if isinstance(v, bytes) else v for v in row])
    workbook.save(tmp_path / "vntime.xlsx")
    load = read_stats(tmp_path / "vntime.xlsx")
    assert load.table["commune_name"].tolist() == ["Bảo Thắng"] and load.table["teams"].tolist() == [3.0]
    assert "sheet '2025': text typed in a TCVN3 font converted to Unicode" in load.info["problems"]
