"""Hostile and broken statistics files: XLSX written part by part (so it can be anything), and CSV."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

from hostile import case

MB = 1024 * 1024
HEADER = ("Mã xã", "Tên xã/phường", "Kỳ báo cáo", "Số tổ CNSCĐ", "Số thành viên")
ROWS = (("00004", "Phường Ba Đình", "2025-Q3", 3, 1459), ("00008", "Xã Hòa Bình", "2025-Q3", 2, 10),
        ("03980", "Xã Mường Bú", "2025-Q3", 5, 40))
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


# -- XLSX, part by part ----------------------------------------------------------------------------------------------
def column_letter(index: int) -> str:
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_xml(row: int, column: int, value) -> str:
    ref = f"{column_letter(column)}{row}"
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def rows_xml(rows, first: int = 1) -> str:
    return "".join(f'<row r="{first + i}">' + "".join(cell_xml(first + i, j + 1, v) for j, v in enumerate(row)
                                                     if v is not None) + "</row>" for i, row in enumerate(rows))


def sheet_xml(data: str, extra: str = "", dimension: str = "", prolog: str = "") -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}<worksheet {_NS} {_REL_NS}>{dim}'
            f"<sheetData>{data}</sheetData>{extra}</worksheet>").encode("utf-8")


def write_xlsx(path: Path, sheets: dict[str, bytes | object], shared: bytes | None = None,
               styles: bytes | None = None, drop: tuple = ()) -> Path:
    """A workbook from raw parts; a sheet may be bytes or a callable writing into an open zip member."""
    names = list(sheets)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/vnd.'
                      'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(len(names)))
            + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
               'officedocument.spreadsheetml.sharedStrings+xml"/>' if shared is not None else "")
            + ('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
               'spreadsheetml.styles+xml"/>' if styles is not None else "")
            + "</Types>").encode(),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} {_REL_NS}><sheets>'
            + "".join(f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, n in enumerate(names))
            + "</sheets></workbook>").encode("utf-8"),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      f'relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(names)))
            + (f'<Relationship Id="rId{len(names) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/'
               '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' if shared is not None else "")
            + (f'<Relationship Id="rId{len(names) + 2}" Type="http://schemas.openxmlformats.org/officeDocument/'
               '2006/relationships/styles" Target="styles.xml"/>' if styles is not None else "")
            + "</Relationships>").encode(),
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    if styles is not None:
        parts["xl/styles.xml"] = styles
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, data in parts.items():
            if name not in drop:
                package.writestr(name, data)
        for index, sheet in enumerate(sheets.values()):
            member = f"xl/worksheets/sheet{index + 1}.xml"
            if callable(sheet):
                with package.open(member, "w", force_zip64=True) as handle:
                    sheet(handle)
            else:
                package.writestr(member, sheet)
    return path


def good_sheet(extra: str = "", dimension: str = "", prolog: str = "") -> bytes:
    return sheet_xml(rows_xml([HEADER, *ROWS]), extra, dimension, prolog)


# -- XLSX cases ------------------------------------------------------------------------------------------------------
@case("xlsx", "stats")
def _xlsx_control(d: Path) -> Path:
    return write_xlsx(d / "so_lieu_2025-Q3.xlsx", {"2025-Q3": good_sheet()})


@case("xlsx", "stats")
def _xlsx_merged_range_to_the_last_cell(d: Path) -> Path:  # the 5 KB file that took the server to 4.7 GB
    merged = '<mergeCells count="1"><mergeCell ref="A10:XFD1048576"/></mergeCells>'
    return write_xlsx(d / "gop_o.xlsx", {"2025-Q3": good_sheet(merged)})


@case("xlsx", "stats", slow=True)
def _xlsx_many_merged_ranges(d: Path) -> Path:
    cells = "".join(f'<mergeCell ref="G{r}:H{r}"/>' for r in range(1, 200_001))
    return write_xlsx(d / "nhieu_o_gop.xlsx", {"2025-Q3": good_sheet(f'<mergeCells count="200000">{cells}</mergeCells>')})


@case("xlsx", "stats")
def _xlsx_dimension_that_lies(d: Path) -> Path:
    return write_xlsx(d / "kich_thuoc_sai.xlsx", {"2025-Q3": good_sheet(dimension="A1:XFD1048576")})


@case("xlsx", "stats", slow=True)
def _xlsx_one_cell_at_the_far_corner(d: Path) -> Path:
    data = rows_xml([HEADER, *ROWS]) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return write_xlsx(d / "o_cuoi.xlsx", {"2025-Q3": sheet_xml(data)})


@case("xlsx", "stats", "refused", "grids.damaged_sheet")
def _xlsx_row_beyond_excel(d: Path) -> Path:
    data = rows_xml([HEADER, *ROWS]) + '<row r="2000000"><c r="A2000000"><v>1</v></c></row>'
    return write_xlsx(d / "dong_qua_gioi_han.xlsx", {"2025-Q3": sheet_xml(data)})


def _many_rows(count: int):
    def write(handle):
        handle.write(sheet_xml(rows_xml([HEADER]))[:-len("</sheetData></worksheet>")])
        for start in range(2, count + 2, 10_000):
            handle.write("".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="D{r}"><v>3</v></c></row>'
                                 for r in range(start, min(start + 10_000, count + 2))).encode())
        handle.write(b"</sheetData></worksheet>")
    return write


@case("xlsx", "stats", "refused", "limits.too_many_rows")
def _xlsx_600k_rows(d: Path) -> Path:
    return write_xlsx(d / "qua_nhieu_dong.xlsx", {"2025-Q3": _many_rows(600_000)})


@case("xlsx", "stats", "refused", "limits.too_many_cells")
def _xlsx_wide_rows(d: Path) -> Path:
    data = rows_xml([HEADER]) + "".join(f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>' for r in range(2, 400))
    return write_xlsx(d / "hang_rong.xlsx", {"2025-Q3": sheet_xml(data)})


_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
           + "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(2, 10)) + "]>")


@case("xlsx", "stats", "refused", "grids.xml_entities")
def _xlsx_billion_laughs_in_sheet(d: Path) -> Path:
    data = rows_xml([HEADER]) + '<row r="2"><c r="B2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return write_xlsx(d / "tiep_cuoi.xlsx", {"2025-Q3": sheet_xml(data, prolog=_LAUGHS)})


@case("xlsx", "stats", "refused", "grids.xml_entities")
def _xlsx_billion_laughs_in_shared_strings(d: Path) -> Path:
    shared = (f'<?xml version="1.0" encoding="UTF-8"?>{_LAUGHS}<sst {_NS} count="1" uniqueCount="1">'
              "<si><t>&lol9;</t></si></sst>").encode()
    data = rows_xml([HEADER]) + '<row r="2"><c r="B2" t="s"><v>0</v></c></row>'
    return write_xlsx(d / "tiep_cuoi_chuoi.xlsx", {"2025-Q3": sheet_xml(data)}, shared=shared)


@case("xlsx", "stats", "refused", "grids.xml_entities")
def _xlsx_external_entity(d: Path) -> Path:
    prolog = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    data = rows_xml([HEADER]) + '<row r="2"><c r="B2" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    return write_xlsx(d / "xxe.xlsx", {"2025-Q3": sheet_xml(data, prolog=prolog)})


@case("xlsx", "stats", "ok", "grids.formulas_without_values")
def _xlsx_formulas_never_computed(d: Path) -> Path:
    data = rows_xml([HEADER, *ROWS]).replace('<c r="D3"><v>2</v></c>', '<c r="D3"><f>SUM(D2:D2)</f></c>')
    data = data.replace('<c r="E4"><v>40</v></c>', '<c r="E4"><f>E2*2</f></c>')
    return write_xlsx(d / "cong_thuc.xlsx", {"2025-Q3": sheet_xml(data)})


@case("xlsx", "stats")
def _xlsx_formulas_with_saved_values(d: Path) -> Path:
    data = rows_xml([HEADER, *ROWS]).replace('<c r="D3"><v>2</v></c>', '<c r="D3"><f>1+1</f><v>2</v></c>')
    return write_xlsx(d / "cong_thuc_da_tinh.xlsx", {"2025-Q3": sheet_xml(data)})


@case("xlsx", "stats", "refused", "grids.bad_xlsx")
def _xlsx_shared_string_out_of_range(d: Path) -> Path:
    shared = f'<?xml version="1.0"?><sst {_NS}><si><t>Mã xã</t></si></sst>'.encode("utf-8")
    data = rows_xml([HEADER]) + '<row r="2"><c r="B2" t="s"><v>99999</v></c></row>'
    return write_xlsx(d / "chuoi_sai.xlsx", {"2025-Q3": sheet_xml(data)}, shared=shared)


@case("xlsx", "stats", "refused", "grids.bad_xlsx")
def _xlsx_truncated_sheet_xml(d: Path) -> Path:
    return write_xlsx(d / "cat_xml.xlsx", {"2025-Q3": good_sheet()[:-60]})


@case("xlsx", "stats", "refused", "grids.bad_xlsx")
def _xlsx_that_is_text(d: Path) -> Path:
    (d / "gia.xlsx").write_text("Mã xã,Số tổ\n1,2\n", encoding="utf-8")
    return d / "gia.xlsx"


@case("xlsx", "stats", "refused", "grids.ole_workbook")
def _xlsx_that_is_an_old_xls(d: Path) -> Path:
    (d / "cu.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088))
    return d / "cu.xlsx"


@case("xlsx", "stats", "refused", "grids.bad_xlsx")
def _xlsx_without_workbook_part(d: Path) -> Path:
    return write_xlsx(d / "thieu_workbook.xlsx", {"2025-Q3": good_sheet()}, drop=("xl/workbook.xml",))


@case("xlsx", "stats", "refused", "grids.bad_xlsx")
def _xlsx_damaged_zip(d: Path) -> Path:
    path = write_xlsx(d / "zip_hong.xlsx", {"2025-Q3": good_sheet()})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 200])
    return path


@case("xlsx", "stats")
def _xlsx_300_sheets(d: Path) -> Path:
    sheets = {"2025-Q3": good_sheet(), **{f"Trang {i}": sheet_xml(rows_xml([["ghi chú", i]])) for i in range(299)}}
    return write_xlsx(d / "nhieu_trang.xlsx", sheets)


@case("xlsx", "stats", "refused", "grids.bad_xlsx")
def _xlsx_column_beyond_excel(d: Path) -> Path:
    data = rows_xml([HEADER, *ROWS]) + '<row r="5"><c r="ZZZZ5"><v>1</v></c></row>'
    return write_xlsx(d / "cot_qua_gioi_han.xlsx", {"2025-Q3": sheet_xml(data)})


@case("xlsx", "stats", "refused", "archive.unpacked_too_big", slow=True)
def _xlsx_sheet_of_600_mb(d: Path) -> Path:
    def write(handle):
        handle.write(good_sheet()[:-len("</worksheet>")])
        block = b" " * MB
        for _ in range(600):
            handle.write(block)
        handle.write(b"</worksheet>")
    return write_xlsx(d / "bom_xml.xlsx", {"2025-Q3": write})


@case("xlsx", "stats", "refused", "limits.too_many_entries")
def _xlsx_with_thousands_of_parts(d: Path) -> Path:
    path = write_xlsx(d / "nhieu_phan.xlsx", {"2025-Q3": good_sheet()})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as package:
        for index in range(3000):
            package.writestr(f"customXml/item{index}.xml", b"<a/>")
    return path


@case("xlsx", "stats")
def _xlsx_dates_out_of_range(d: Path) -> Path:
    styles = (f'<?xml version="1.0"?><styleSheet {_NS}><cellXfs count="2"><xf numFmtId="0"/>'
              '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>').encode()
    data = rows_xml([HEADER, *ROWS]) + '<row r="5"><c r="F5" s="1"><v>1e12</v></c></row>'
    return write_xlsx(d / "ngay_sai.xlsx", {"2025-Q3": sheet_xml(data)}, styles=styles)


@case("xlsx", "stats")
def _xlsx_style_index_out_of_range(d: Path) -> Path:
    styles = (f'<?xml version="1.0"?><styleSheet {_NS}><cellXfs count="1"><xf numFmtId="0"/></cellXfs>'
              "</styleSheet>").encode()
    data = rows_xml([HEADER, *ROWS]).replace('<c r="D2">', '<c r="D2" s="999">')
    return write_xlsx(d / "kieu_sai.xlsx", {"2025-Q3": sheet_xml(data)}, styles=styles)


@case("xlsx", "stats")
def _xlsx_rows_out_of_order(d: Path) -> Path:
    data = rows_xml([HEADER]) + rows_xml(ROWS[2:], 4) + rows_xml(ROWS[:2], 2)
    return write_xlsx(d / "dong_lon_xon.xlsx", {"2025-Q3": sheet_xml(data)})


@case("xlsx", "stats", "ok", "grids.legacy_font")
def _xlsx_typed_in_tcvn3(d: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "2025-Q3"
    for row in ([b"M\xb7 x\xb7", b"T\xaan x\xb7", b"S\xe8 t\xe6"], ["00004", b"Ba \xa7\xd7nh", 3]):
        sheet.append([v.decode("latin-1") if isinstance(v, bytes) else v for v in row])
    workbook.save(d / "vntime.xlsx")
    return d / "vntime.xlsx"


@case("xlsx", "stats", "refused")
def _xlsx_with_no_rows(d: Path) -> Path:
    return write_xlsx(d / "trong.xlsx", {"Sheet1": sheet_xml("")})


@case("xlsx", "stats", "refused", "grids.cell_too_big")
def _xlsx_cell_of_20_mb(d: Path) -> Path:
    data = rows_xml([HEADER, *ROWS]) + f'<row r="6"><c r="B6" t="inlineStr"><is><t>{"x" * (20 * MB)}</t></is></c></row>'
    return write_xlsx(d / "o_khong_lo.xlsx", {"2025-Q3": sheet_xml(data)})
