"""Hostile and broken CSV statistics files: sizes, cells, encodings, line ends, injection text."""

from __future__ import annotations

import codecs
from pathlib import Path

from hostile import case
from hostile.sheets import HEADER, MB, ROWS, good_sheet, write_xlsx


# -- CSV -------------------------------------------------------------------------------------------------------------
def csv_text(rows=(HEADER, *ROWS), delimiter: str = ";") -> str:
    return "".join(delimiter.join(str(v) for v in row) + "\n" for row in rows)


@case("csv", "stats")
def _csv_control(d: Path) -> Path:
    (d / "so_lieu.csv").write_text(csv_text(), encoding="utf-8")
    return d / "so_lieu.csv"


@case("csv", "stats", "refused", "limits.too_many_rows")
def _csv_two_million_rows(d: Path) -> Path:  # 50 MB, under the upload cap: the file that hung for 12 minutes
    line = "03980;Xã Mường Bú;2025-Q3;5;40\n".encode("utf-8")
    with open(d / "hai_trieu_dong.csv", "wb") as handle:
        handle.write(csv_text([HEADER]).encode("utf-8"))
        for _ in range(20):
            handle.write(line * 100_000)
    return d / "hai_trieu_dong.csv"


@case("csv", "stats", "refused", "limits.too_many_cells")
def _csv_twenty_thousand_columns(d: Path) -> Path:
    row = ";".join(["1"] * 20_000) + "\n"
    (d / "nhieu_cot.csv").write_text(csv_text([HEADER]) + row * 300, encoding="utf-8")
    return d / "nhieu_cot.csv"


@case("csv", "stats", "refused", "grids.field_too_big")
def _csv_cell_of_200_kb(d: Path) -> Path:
    (d / "o_dai.csv").write_text(csv_text() + f'00004;"{"x" * 200_000}";2025-Q3;1;1\n', encoding="utf-8")
    return d / "o_dai.csv"


@case("csv", "stats", "refused", "grids.field_too_big")
def _csv_unterminated_quote(d: Path) -> Path:
    (d / "thieu_ngoac.csv").write_text(csv_text() + '00008;"Xã Hòa Bình;2025-Q3;1;1\n' + "03980;x;2025-Q3;1;1\n"
                                       * 20_000, encoding="utf-8")
    return d / "thieu_ngoac.csv"


@case("csv", "stats", "refused", "grids.field_too_big")
def _csv_one_line_of_30_mb(d: Path) -> Path:
    (d / "mot_dong.csv").write_bytes(b"x" * (30 * MB))
    return d / "mot_dong.csv"


@case("csv", "stats", "refused", "grids.not_text")
def _csv_of_binary_garbage(d: Path) -> Path:
    (d / "rac.csv").write_bytes(bytes(range(256)) * 64)
    return d / "rac.csv"


@case("csv", "stats", "refused", "grids.not_text")
def _csv_that_is_a_zip(d: Path) -> Path:
    path = write_xlsx(d / "la_xlsx.csv", {"2025-Q3": good_sheet()})
    return path


@case("csv", "stats")
def _csv_utf16_with_bom(d: Path) -> Path:
    (d / "utf16.csv").write_bytes(codecs.BOM_UTF16_LE + csv_text().encode("utf-16-le"))
    return d / "utf16.csv"


@case("csv", "stats", "ok", "grids.undecodable")
def _csv_utf16_cut_in_half_a_character(d: Path) -> Path:
    data = codecs.BOM_UTF16_LE + csv_text().encode("utf-16-le") + "03982;Xã".encode("utf-16-le")
    (d / "utf16_cut.csv").write_bytes(data[:-1])
    return d / "utf16_cut.csv"


@case("csv", "stats")
def _csv_utf16_without_bom(d: Path) -> Path:
    (d / "utf16_le.csv").write_bytes(csv_text().encode("utf-16-le"))
    return d / "utf16_le.csv"


@case("csv", "stats")
def _csv_utf16_big_endian(d: Path) -> Path:
    (d / "utf16_be.csv").write_bytes(codecs.BOM_UTF16_BE + csv_text().encode("utf-16-be"))
    return d / "utf16_be.csv"


@case("csv", "stats")
def _csv_utf32(d: Path) -> Path:
    (d / "utf32.csv").write_bytes(csv_text().encode("utf-32"))
    return d / "utf32.csv"


@case("csv", "stats")
def _csv_utf8_bom(d: Path) -> Path:
    (d / "bom.csv").write_text(csv_text(), encoding="utf-8-sig")
    return d / "bom.csv"


@case("csv", "stats")
def _csv_cp1258(d: Path) -> Path:
    from fixtures_builders import encode_cp1258

    (d / "cp1258.csv").write_bytes(encode_cp1258(csv_text()))
    return d / "cp1258.csv"


@case("csv", "stats")
def _csv_tcvn3(d: Path) -> Path:
    text = "M\xb7 x\xb7;T\xaan x\xb7;K\xfa b\xb8o c\xb8o;S\xe8 t\xe6\n00004;Ba \xa7\xd7nh;2025-Q3;3\n"
    (d / "tcvn3.csv").write_bytes(text.encode("latin-1"))
    return d / "tcvn3.csv"


@case("csv", "stats", "any")
def _csv_mostly_utf8_with_bad_bytes(d: Path) -> Path:
    (d / "lan_ma.csv").write_bytes(csv_text().encode("utf-8") + b"03982;X\xe3 \xff\xfe;2025-Q3;1;1\n")
    return d / "lan_ma.csv"


@case("csv", "stats", "refused", "limits.too_many_rows")
def _csv_a_million_blank_lines(d: Path) -> Path:
    (d / "dong_trong.csv").write_text(csv_text() + "\n" * 1_000_000, encoding="utf-8")
    return d / "dong_trong.csv"


@case("csv", "stats")
def _csv_carriage_returns_only(d: Path) -> Path:
    (d / "cr.csv").write_bytes(csv_text().replace("\n", "\r").encode("utf-8"))
    return d / "cr.csv"


@case("csv", "stats", "any")
def _csv_nul_bytes_after_the_head(d: Path) -> Path:
    (d / "nul.csv").write_bytes(csv_text().encode("utf-8") + b"x" * 5000 + b"\x00\x00\x00;1\n")
    return d / "nul.csv"


# names that are not the names of their codes' units: no row is applied (issue 10: code and name must agree)
@case("csv", "stats", "refused")
def _csv_formulas_and_markup_in_names(d: Path) -> Path:
    rows = [HEADER, ("00004", "=HYPERLINK(\"http://evil\",\"x\")", "2025-Q3", 1, 1),
            ("00008", "＝1+1 [bấm](http://evil) ![x](http://evil/x.png)", "2025-Q3", 1, 1),
            ("03980", "<script>alert(1)</script>@SUM(1)", "2025-Q3", 1, 1)]
    (d / "chen_ma.csv").write_text(csv_text(rows), encoding="utf-8")
    return d / "chen_ma.csv"


@case("csv", "stats", "refused", panel="refused:ingest.no_rows")  # no row: nothing to apply, as the panel says
def _csv_header_only(d: Path) -> Path:
    (d / "chi_tieu_de.csv").write_text(csv_text([HEADER]), encoding="utf-8")
    return d / "chi_tieu_de.csv"


@case("csv", "stats", "refused", "grids.empty", panel="refused:archive.empty")
def _csv_empty(d: Path) -> Path:
    (d / "rong.csv").write_bytes(b"")
    return d / "rong.csv"


@case("csv", "stats", "refused")
def _csv_only_whitespace(d: Path) -> Path:
    (d / "khoang_trang.csv").write_text(" \n\t\n   \n", encoding="utf-8")
    return d / "khoang_trang.csv"


@case("csv", "stats", "refused")
def _csv_only_a_bom(d: Path) -> Path:
    (d / "chi_bom.csv").write_bytes(codecs.BOM_UTF8)
    return d / "chi_bom.csv"


@case("csv", "stats", "any")
def _csv_numbers_that_are_not(d: Path) -> Path:
    rows = [HEADER, ("00004", "Phường Ba Đình", "2025-Q3", "NaN", "inf"), ("00008", "Xã Hòa Bình", "2025-Q3",
                                                                          "-5", "1e999"),
            ("03980", "Xã Mường Bú", "2025-Q3", "9" * 5000, "1" + "0" * 400)]
    (d / "so_la.csv").write_text(csv_text(rows), encoding="utf-8")
    return d / "so_la.csv"


@case("csv", "stats", "refused", "grids.xls_old", panel="refused:archive.unknown_type")
def _csv_named_xls(d: Path) -> Path:
    (d / "so_lieu.xls").write_text(csv_text(), encoding="utf-8")
    return d / "so_lieu.xls"


@case("csv", "stats")
def _csv_tab_separated_tsv(d: Path) -> Path:
    (d / "so_lieu.tsv").write_text(csv_text(delimiter="\t"), encoding="utf-8")
    return d / "so_lieu.tsv"


@case("csv", "stats")
def _csv_invisible_characters_in_names(d: Path) -> Path:
    rows = [HEADER, ("00004", "Phường\u200b Ba\u202e Đình\ufeff", "2025-Q3", 1, 1)]
    (d / "ky_tu_an.csv").write_text(csv_text(rows), encoding="utf-8")
    return d / "ky_tu_an.csv"


@case("csv", "stats", "any", slow=True)
def _csv_one_row_of_a_million_cells(d: Path) -> Path:
    (d / "mot_trieu_o.csv").write_text(";".join(["Mã xã"] * 1_000_000) + "\n", encoding="utf-8")
    return d / "mot_trieu_o.csv"


@case("csv", "stats")
def _csv_file_name_of_130_characters(d: Path) -> Path:
    path = d / ("Báo cáo số liệu tổ công nghệ số cộng đồng " * 5)[:130].replace(" ", "_")
    path = path.with_name(path.name + ".csv")
    path.write_text(csv_text(), encoding="utf-8")
    return path
