"""The corpus cases: real layouts, real units, every row's expected outcome (sources in README.md).

Each builder writes its files into a folder and returns a :class:`~corpus.build.Case` whose ``expected`` lists
every non-empty row under the header with its class (``code``, ``name``, ``legacy``, ``legacy_incomplete``,
``ambiguous``, ``duplicate``, ``unmatched``, ``implausible``, ``not_data``) and, for applied rows, the 2025 unit
it must land on.
"""

from __future__ import annotations

from pathlib import Path

from corpus.build import (Case, Expected, figures, kind_of, signature_block, title_block, units_2025,
                          write_boundaries, write_xlsx)
from corpus.facts import DIVIDED, REUSED_CODES, SAME_NAME_TWO_DISTRICTS, WHOLE
from loaders.text import strip_diacritics

OLD_TONES = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ"}


def _old_tones(name: str) -> str:
    for new, old in OLD_TONES.items():
        name = name.replace(new, old)
    return name


def _merges(province: str) -> list:
    return [m for m in WHOLE if m.province_2025 == province]


def son_la_2025_report(folder: Path) -> Case:
    """Sơn La, Quý III/2025: national-motto title block, two-row merged header whose groups carry the meaning
    (Tổ CNSCĐ, Thôn/bản/TDP, Dân số, Điện thoại thông minh), name column "Tên phường, xã" (types in another
    order), numbering row, a "Toàn tỉnh" row, codes missing on some rows, old tone marks and capitals, and a
    signature block under the table."""
    units = units_2025("14")
    header = ["STT", "Mã ĐVHC", "Tên phường, xã", "Tổ CNSCĐ", None, "Thôn, bản, tổ dân phố", None, "Dân số", None,
              "Điện thoại thông minh", None, "Ghi chú"]
    sub = [None, None, None, "Số tổ", "Số thành viên", "Tổng số", "Có Tổ CNSCĐ", "Tổng", "Từ 15 tuổi trở lên",
           "Số người sử dụng", "Tỷ lệ (%)", None]
    top, merges = title_block("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Sơn La", 12,
                              "BIỂU TỔNG HỢP KẾT QUẢ HOẠT ĐỘNG TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG",
                              "(Kèm theo Báo cáo số 215/BC-SKHCN ngày 05/10/2025)")
    rows = top + [header, sub, [f"({i})" for i in range(1, 13)]]
    merges += ["A7:A8", "B7:B8", "C7:C8", "D7:E7", "F7:G7", "H7:I7", "J7:K7", "L7:L8"]
    expected = [Expected("Quý III-2025", 9, "not_data"), Expected("Quý III-2025", 10, "not_data")]
    body, totals = [], [0] * 8
    for i, unit in enumerate(units, start=1):
        f = figures(unit["code"])
        name = f"{kind_of(unit)} {unit['name']}"
        name = name.upper() if i % 7 == 0 else _old_tones(name) if i % 4 == 0 else name
        code = None if i % 5 == 0 else unit["code"]
        share = round(100 * f["smartphone_users"] / f["population_15plus"], 1)
        values = [f["teams"], f["team_members"], f["hamlets"], f["hamlets_with_team"], f["population"],
                  f["population_15plus"], f["smartphone_users"]]
        totals = [t + v for t, v in zip(totals, values)]
        body.append([i, code, name, *values[:6], values[6], share, None])
        expected.append(Expected("Quý III-2025", 10 + i, "code" if code else "name", unit["code"]))
    # a name misspelled by the typist: unmatched, with the closest unit suggested and never applied
    body.append([len(units) + 1, None, "Xã Mường Búu", 2, 10, 5, 2, 1500, 1000, 400, 40.0, None])
    expected.append(Expected("Quý III-2025", 11 + len(units), "unmatched"))
    rows += [[None, None, "Toàn tỉnh", *totals[:7], None, None]] + body
    footer = signature_block("Sơn La", "05 tháng 10 năm 2025")
    start = len(rows) + 1
    rows += footer
    expected += [Expected("Quý III-2025", start + k, "not_data") for k, r in enumerate(footer) if r]
    path = write_xlsx(folder / "son_la_quy3_2025.xlsx", {"Quý III-2025": rows}, {"Quý III-2025": merges})
    sums = {(u["code"], "2025-Q3"): {"smartphone_users": figures(u["code"])["smartphone_users"],
                                     "hamlets_with_team": figures(u["code"])["hamlets_with_team"]} for u in units}
    return Case("son_la_2025_report", "Decree 30/2020 motto block; Kon Tum QĐ 06/2024 report forms",
                write_boundaries(folder / "son_la.gpkg", units), [path], expected, sums)


def son_la_2024_archive(folder: Path) -> Case:
    """Sơn La, Quý 4/2024, keyed by pre-2025 names grouped under district rows ("I. Thành phố Sơn La"): an old
    ward that kept its name (Tô Hiệu) is summed with the others, and "Chiềng Chung" exists in two districts."""
    header = ["TT", "Đơn vị hành chính (huyện, xã)", "Số Tổ CNSCĐ", "Số thành viên", "Số thôn, bản",
              "Số thôn, bản có tổ"]
    sheet = "Quý 4-2024"
    rows, expected, sums = [header, [None, "Toàn tỉnh", 60, 320, 180, 90]], [Expected(sheet, 2, "not_data")], {}
    groups = [("I. Thành phố Sơn La", [(m, o) for m in _merges("14") for o in m.old]),
              ("II. Huyện Mộc Châu", [("04000", ("04000", "Xã", "Đoàn Kết", "Mộc Châu")),
                                      ("04000", ("04015", "Xã", "Chiềng Chung", "Mộc Châu"))]),
              ("III. Huyện Mai Sơn", [(None, ("04129", "Xã", "Chiềng Chung", "Mai Sơn"))])]
    for group, members in groups:
        rows.append([group.split(".")[0], group.split(". ")[1], None, None, None, None])
        expected.append(Expected(sheet, len(rows), "not_data"))
        for number, (merge, (code, kind, name, _)) in enumerate(members, start=1):
            f = figures(code)
            rows.append([number, f"{kind} {name}", f["teams"], f["team_members"], f["hamlets"],
                         f["hamlets_with_team"]])
            target = merge.code if hasattr(merge, "code") else merge
            expected.append(Expected(sheet, len(rows), "legacy" if target else "legacy_incomplete", target))
            if target:
                total = sums.setdefault((target, "2024-Q4"), {"teams": 0, "team_members": 0})
                total["teams"] += f["teams"]
                total["team_members"] += f["team_members"]
    rows += [[None, "Tổng cộng", 60, 320, 180, 90], [], ["Ghi chú: số liệu tính đến hết ngày 31/12/2024"]]
    expected += [Expected(sheet, len(rows) - 2, "not_data"), Expected(sheet, len(rows), "not_data")]
    path = write_xlsx(folder / "son_la_luu_tru_2024.xlsx", {sheet: rows})
    return Case("son_la_2024_archive", "provincial archives grouped by district (SPEC §7.7)",
                write_boundaries(folder / "son_la.gpkg", units_2025("14")), [path], expected, sums)


def ha_giang_2024_codes(folder: Path) -> Case:
    """Hà Giang (now Tuyên Quang), Quý IV/2024: pre-2025 codes and names in a semicolon CSV with decimal
    commas, shares with their denominators. Lũng Cú kept its name and code yet is only a third of the new
    Lũng Cú; Vần Chải went into Yên Minh, whose other communes are not in the file."""
    lines = ["Mã xã;Tên xã, phường, thị trấn;Tỉnh;Số tổ CNSCĐ;Số thành viên;Dân số từ 15 tuổi trở lên;"
             "Tỷ lệ người dân có điện thoại thông minh (%);Kỳ báo cáo"]
    expected, sums = [], {}
    members = [(m, o) for m in _merges("08") for o in m.old] + [(None, ("00760", "Xã", "Vần Chải", "Đồng Văn"))]
    for row, (merge, (code, kind, name, _)) in enumerate(members, start=2):
        f = figures(code)
        share = round(100 * f["smartphone_users"] / f["population_15plus"], 1)
        adults = f"{f['population_15plus']:,}".replace(",", ".")  # 1.459: the Vietnamese thousands separator
        lines.append(f"{int(code)};{kind} {name};Hà Giang;{f['teams']};{f['team_members']};{adults};"
                     f"{str(share).replace('.', ',')};Quý IV/2024")
        expected.append(Expected(None, row, "legacy" if merge else "legacy_incomplete", merge.code if merge else None))
        if merge:
            total = sums.setdefault((merge.code, "2024-Q4"), {"teams": 0, "population_15plus": 0, "_users": 0.0})
            total["teams"] += f["teams"]
            total["population_15plus"] += f["population_15plus"]
            total["_users"] += share * f["population_15plus"] / 100
    for total in sums.values():
        total["smartphone_share"] = 100 * total.pop("_users") / total["population_15plus"]
    path = folder / "ha_giang_q4_2024.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return Case("ha_giang_2024_codes", "pre-2025 GSO codes (danh mục ĐVHC), Hà Giang → Tuyên Quang",
                write_boundaries(folder / "tuyen_quang.gpkg", units_2025("08")), [path],
                [Expected("ha_giang_q4_2024", e.row, e.cls, e.key) for e in expected], sums)


def kon_tum_codes_only(folder: Path) -> Case:
    """Kon Tum (now Quảng Ngãi): pre-2025 codes only, in a shapefile-style CSV (MA_XA, SO_TO, SO_TV, DS15TUOI,
    SL_DTTM, KY); most old codes are reused by the 2025 register for other units."""
    lines, expected, sums = ["MA_XA,SO_TO,SO_TV,DS15TUOI,SL_DTTM,KY"], [], {}
    for row, (merge, (code, *_)) in enumerate([(m, o) for m in _merges("51") for o in m.old], start=2):
        f = figures(code)
        lines.append(f"{code},{f['teams']},{f['team_members']},{f['population_15plus']},{f['smartphone_users']},"
                     "2024-12")
        expected.append(Expected("kon_tum_2024", row, "legacy", merge.code))
        total = sums.setdefault((merge.code, "2024-12"), {"teams": 0, "smartphone_users": 0})
        total["teams"] += f["teams"]
        total["smartphone_users"] += f["smartphone_users"]
    path = folder / "kon_tum_2024.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Case("kon_tum_codes_only", "shapefile-style field names (10 characters, glued words)",
                write_boundaries(folder / "quang_ngai.gpkg", units_2025("51")), [path], expected, sums)


def dong_xoai_english(folder: Path) -> Case:
    """Bình Phước (now Đồng Nai): English headers, names typed without diacritics, province and district
    columns; the period is in the file name."""
    lines, expected, sums = ["Province,District,Commune,Teams,Team members,Smartphone users,Population aged 15+"], [], {}
    for row, (merge, (code, kind, name, district)) in enumerate([(m, o) for m in _merges("75") for o in m.old],
                                                               start=2):
        f = figures(code)
        lines.append(f"Binh Phuoc,{strip_diacritics(district)},{strip_diacritics(kind + ' ' + name)},{f['teams']},"
                     f"{f['team_members']},{f['smartphone_users']},\"{f['population_15plus']:,}\"")
        expected.append(Expected("dong_xoai_2024-Q4", row, "legacy", merge.code))
        total = sums.setdefault((merge.code, "2024-Q4"), {"teams": 0, "population_15plus": 0})
        total["teams"] += f["teams"]
        total["population_15plus"] += f["population_15plus"]
    path = folder / "dong_xoai_2024-Q4.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Case("dong_xoai_english", "English headers; ASCII names as in GADM VARNAME_3 / IPUMS labels",
                write_boundaries(folder / "dong_nai.gpkg", units_2025("75")), [path], expected, sums)


def dien_bien_values_only(folder: Path) -> Case:
    """Điện Biên, 2025: the code and name columns are headed ID_2 and TEN (nothing says which unit level), codes
    lost their leading zero in Excel; they are recognised by their values."""
    units = units_2025("11")
    rows = [["ID_2", "TEN", "Số tổ", "Thành viên", "Hộ được hướng dẫn"]]
    expected = []
    for unit in units:
        f = figures(unit["code"])
        rows.append([int(unit["code"]), unit["name"], f["teams"], f["team_members"], f["teams"] * 40])
        expected.append(Expected("2025", len(rows), "code", unit["code"]))
    path = write_xlsx(folder / "dien_bien.xlsx", {"2025": rows})
    case = Case("dien_bien_values_only", "GADM-style field names (ID_2, NAME_3) on a statistics sheet",
                write_boundaries(folder / "dien_bien.gpkg", units), [path], expected)
    case.checks.append(("columns found by values", lambda report: any(
        m["key"] == "stats.by_values" and "ID_2" in m["en"] for m in report["stats"][0]["messages"])))
    return case


def hcm_ascii_2025(folder: Path) -> Case:
    """Hồ Chí Minh, 2025: ASCII headers and names; "Thanh An" is both Thanh An and Thạnh An: not guessed."""
    everything = units_2025("79")
    units = [u for u in everything if u["code"] in ("25807", "27676")] + everything[:3]
    lines, expected = ["Phuong/Xa,So to,So thanh vien,Ky bao cao"], []
    for unit in units:
        if unit["code"] in ("25807", "27676"):
            continue
        f = figures(unit["code"])
        lines.append(f"{strip_diacritics(kind_of(unit) + ' ' + unit['name'])},{f['teams']},{f['team_members']},2025-09")
        expected.append(Expected("hcm_2025", len(lines), "name", unit["code"]))
    lines.append("Thanh An,3,15,2025-09")
    expected.append(Expected("hcm_2025", len(lines), "ambiguous"))
    path = folder / "hcm_2025.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Case("hcm_ascii_2025", "ASCII typing (no Vietnamese keyboard)",
                write_boundaries(folder / "hcm.gpkg", units), [path], expected)


def implausible(folder: Path) -> Case:
    """Impossible values are rejected row by row, the others applied."""
    units = units_2025("11")[:8]
    lines = ["Mã xã,Tên xã,Số tổ,Số thành viên,Dân số từ 15 tuổi,Số người dùng điện thoại thông minh,"
             "Tỷ lệ thôn có tổ (%),Kỳ báo cáo"]
    bad = {1: (3, 15, 1000, 1200, 50, "Quý 3/2025"), 2: (-1, 5, 1000, 500, 50, "Quý 3/2025"),
           3: (4, 2, 1000, 500, 50, "Quý 3/2025"), 4: (2, 10, 1000, 500, 120, "Quý 3/2025"),
           5: (2, 10, 1000, 500, 50, "Tháng 13/2025"), 6: (2, 10, 1000, 500, 50, "Quý 1/2099")}
    expected = []
    for i, unit in enumerate(units):
        values = bad.get(i, (2, 10, 1000, 500, 50, "Quý 3/2025"))
        lines.append(",".join([unit["code"], unit["name"], *map(str, values)]))
        expected.append(Expected("khong_hop_ly", len(lines), "implausible" if i in bad else "code",
                                 None if i in bad else unit["code"]))
    path = folder / "khong_hop_ly.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    case = Case("implausible", "plausibility rules of SPEC §7.13", write_boundaries(folder / "db.gpkg", units),
                [path], expected)
    case.checks.append(("six findings", lambda report: len(report["join"]["findings"]) == 6))
    return case


def duplicates(folder: Path) -> Case:
    """Two rows for one unit and period: applied once if they agree, not at all if they differ."""
    units = units_2025("11")[:4]
    a, b, c = units[0]["code"], units[1]["code"], units[2]["code"]
    lines = ["Mã xã,Số tổ,Số thành viên,Kỳ", f"{a},2,10,2025-Q3", f"{a},2,10,2025-Q3", f"{b},2,10,2025-Q3",
             f"{b},3,12,2025-Q3", f"{c},1,6,2025-Q3", f"{c},1,6,2025-Q4"]
    expected = [Expected("trung", 2, "code", a), Expected("trung", 3, "duplicate"), Expected("trung", 4, "ambiguous"),
                Expected("trung", 5, "ambiguous"), Expected("trung", 6, "code", c), Expected("trung", 7, "code", c)]
    path = folder / "trung.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Case("duplicates", "repeated rows in merged monthly files", write_boundaries(folder / "db.gpkg", units),
                [path], expected)


def three_row_header(folder: Path) -> Case:
    """A three-row header: teams at commune and hamlet level added up, the members' total column preferred,
    VNeID level 2 under its group."""
    units = units_2025("12")[:10]
    rows = [["STT", "Đơn vị", "Kết quả thành lập Tổ công nghệ số cộng đồng", None, None, None, None,
             "Định danh điện tử", None],
            [None, None, "Tổ cấp xã", None, "Tổ cấp thôn", None, "Tổng số thành viên", "VNeID mức 2", None],
            [None, None, "Số tổ", "Số thành viên", "Số tổ", "Số thành viên", None, "Số người", "Tỷ lệ (%)"]]
    merges = ["A1:A3", "B1:B3", "C1:G1", "H1:I1", "C2:D2", "E2:F2", "G2:G3", "H2:I2"]
    expected, sums = [], {}
    for unit in units:
        f = figures(unit["code"])
        rows.append([len(rows) - 2, f"{kind_of(unit)} {unit['name']}", 1, 5, f["teams"], f["team_members"],
                     f["team_members"] + 5, f["vneid_level2"], round(100 * f["vneid_level2"] / f["population_15plus"])])
        expected.append(Expected("T9-2025", len(rows), "name", unit["code"]))
        sums[(unit["code"], "2025-09")] = {"teams": f["teams"] + 1, "team_members": f["team_members"] + 5,
                                           "vneid_level2": f["vneid_level2"]}
    path = write_xlsx(folder / "lai_chau.xlsx", {"T9-2025": rows}, {"T9-2025": merges})
    return Case("three_row_header", "Quảng Trị model: commune-level and hamlet-level teams (vietnamnet, 2022)",
                write_boundaries(folder / "lai_chau.gpkg", units), [path], expected, sums)


def reused_codes_archive(folder: Path) -> Case:
    """Ba Vì and Long Biên (Hà Nội), 2024: pre-2025 codes that the 2025 register gives to other units, and
    communes divided between new units. No row may land on a unit by its code: none is applied."""
    lines = ["Mã xã,Tên xã,Số tổ,Kỳ"]
    rows = [("09700", "Xã Minh Quang"), ("09703", "Xã Ba Vì"), ("09712", "Xã Khánh Thượng"),
            ("00118", "Phường Ngọc Thụy"), ("09670", "Xã Tòng Bạt"), ("09676", "Xã Sơn Đà"), ("09691", "Xã Thuần Mỹ")]
    for code, name in rows:
        lines.append(f"{code},{name},{int(code) % 5 + 1},2024")
    path = folder / "ha_noi_2024.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = [Expected("ha_noi_2024", i, "legacy_incomplete") for i in range(2, 2 + len(rows))]
    assert {m.code for m in DIVIDED} == {"09700", "09676"} and set(REUSED_CODES) == {"09700", "00118"}
    return Case("reused_codes_archive", "GSO codes reused by the 2025 register (Nghị quyết 1656/NQ-UBTVQH15)",
                write_boundaries(folder / "ha_noi.gpkg", units_2025("01")), [path], expected)


def same_name_without_district(folder: Path) -> Case:
    """A pre-2025 name that exists in two districts of the province, without its district: ambiguous."""
    path = folder / "son_la_2024-Q2.csv"
    path.write_text("Tỉnh,Tên xã,Số tổ\nSơn La,Xã Chiềng Chung,4\nSơn La,Xã Chiềng Đen,2\n", encoding="utf-8")
    assert len(SAME_NAME_TWO_DISTRICTS) == 2
    return Case("same_name_without_district", "same commune name in two districts (Mộc Châu, Mai Sơn)",
                write_boundaries(folder / "son_la.gpkg", units_2025("14")), [path],
                [Expected("son_la_2024-Q2", 2, "ambiguous"), Expected("son_la_2024-Q2", 3, "legacy_incomplete")])


CASES = (son_la_2025_report, son_la_2024_archive, ha_giang_2024_codes, kon_tum_codes_only, dong_xoai_english,
         dien_bien_values_only, hcm_ascii_2025, implausible, duplicates, three_row_header, reused_codes_archive,
         same_name_without_district)


def hamlet_report(folder: Path) -> Case:
    """A hamlet-level report: commune group rows ("1. Xã Sìn Hồ") above their bản; hamlets are matched within
    their commune only (two communes both have a "Bản Nậm Tăm")."""
    import geopandas as gpd
    import shapely

    communes = [u for u in units_2025("12") if u["code"] in ("03433", "03445")]
    names = {"03433": ["Bản Nậm Tăm", "Bản Pa Sang", "Tổ dân phố số 3"], "03445": ["Bản Nậm Tăm", "Bản Mường Tè"]}
    hamlets = [(c["code"], c["name"], n) for c in communes for n in names[c["code"]]]
    gpd.GeoDataFrame({"ma_xa": [h[0] for h in hamlets], "ten_xa": [h[1] for h in hamlets],
                      "ten_thon": [h[2] for h in hamlets], "ma_thon": [f"{h[0]}-{i:02d}" for i, h in enumerate(hamlets)]},
                     geometry=[shapely.box(103 + i * .01, 22, 103.009 + i * .01, 22.009) for i in range(len(hamlets))],
                     crs=4326).to_file(folder / "thon.gpkg", driver="GPKG")
    rows, expected = [["STT", "Thôn, bản, tổ dân phố", "Số tổ CNSCĐ", "Số thành viên"]], []
    for number, commune in enumerate(communes, start=1):
        rows.append([f"{number}.", f"Xã {commune['name']}", 2, 10])
        expected.append(Expected("Tháng 9-2025", len(rows), "not_data"))
        for name in names[commune["code"]]:
            rows.append([None, name.upper() if "Mường" in name else name, 1, 5])
            position = hamlets.index((commune["code"], commune["name"], name))
            expected.append(Expected("Tháng 9-2025", len(rows), "name", f"{commune['code']}-{position:02d}"))
    path = write_xlsx(folder / "thon_2025.xlsx", {"Tháng 9-2025": rows})
    return Case("hamlet_report", "hamlet lists of commune reports (SPEC §2, thôn/bản/tổ dân phố)",
                folder / "thon.gpkg", [path], expected)


def ocha_style_boundaries(folder: Path) -> Case:
    """A ward layer whose fields have no Vietnamese names (ADM1_EN, ADM3_EN in ASCII, ADM3_PCODE that is not a
    GSO code): the name field is found by its values; figures named with diacritics join by name."""
    units = units_2025("11")
    boundaries = write_boundaries(folder / "vnm_adm3.gpkg", units,
                                  {"name_ascii": "ADM3_EN", "province_name": "ADM1_EN", "code": "ADM3_REF"})
    import geopandas as gpd

    layer = gpd.read_file(boundaries)
    layer["ADM3_PCODE"] = [f"VN{i:07d}" for i in range(len(layer))]
    layer = layer.drop(columns="ADM3_REF")
    layer.to_file(boundaries, driver="GPKG")
    lines, expected = ['"Tên xã, phường",Số tổ,Kỳ'], []
    for unit in units:
        lines.append(f"{kind_of(unit)} {unit['name']},{figures(unit['code'])['teams']},2025-Q3")
        expected.append(Expected("dien_bien_q3", len(lines), "name", None))
    path = folder / "dien_bien_q3.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    case = Case("ocha_style_boundaries", "OCHA COD-AB field names (ADM3_EN, ADM3_PCODE)", boundaries, [path],
                expected)
    case.checks.append(("every unit has figures", lambda report: report["join"]["units_without_stats"] == 0))
    case.checks.append(("name field found by values", lambda report: any(
        "ADM3_EN" in p for p in report["boundaries"]["problems"])))
    return case


def gadm_legacy_boundaries(folder: Path) -> Case:
    """Pre-2025 boundaries named as GADM names its fields (NAME_1, NAME_2, NAME_3, VARNAME_3, ID_3), with
    pre-2025 figures: both in the same era, joined directly by name within the district."""
    import geopandas as gpd
    import shapely

    old = [o for m in _merges("08") for o in m.old]
    layer = gpd.GeoDataFrame({
        "ID_3": range(1, len(old) + 1), "NAME_1": "Hà Giang", "NAME_2": [o[3] for o in old],
        "NAME_3": [o[2] for o in old], "VARNAME_3": [strip_diacritics(o[2]) for o in old],
        "TYPE_3": [o[1] for o in old]},
        geometry=[shapely.box(105 + i * .01, 23, 105.009 + i * .01, 23.009) for i in range(len(old))], crs=4326)
    layer.to_file(folder / "gadm_adm3.gpkg", driver="GPKG")
    lines, expected = ["Huyện,Xã,Số tổ"], []
    for code, kind, name, district in old:
        lines.append(f"{district},{kind} {name},{figures(code)['teams']}")
        expected.append(Expected("ha_giang_2023", len(lines), "name", None))
    path = folder / "ha_giang_2023.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    case = Case("gadm_legacy_boundaries", "GADM 4.1 VNM level 3 fields (NAME_1..3, VARNAME_3, TYPE_3, ID_3)",
                folder / "gadm_adm3.gpkg", [path], expected)
    case.checks.append(("all joined", lambda report: report["join"]["units_without_stats"] == 0))
    return case


def zero_code_shapefile(folder: Path) -> Case:
    """A shapefile whose numeric code field holds 0 for a unit without a code: no code, not "00000"."""
    import geopandas as gpd
    import shapely

    units = units_2025("12")[:5]
    gpd.GeoDataFrame({"MA_XA": [int(u["code"]) if i else 0 for i, u in enumerate(units)],
                      "TEN_XA": [u["name"] for u in units]},
                     geometry=[shapely.box(103 + i * .01, 22, 103.009 + i * .01, 22.009) for i in range(len(units))],
                     crs=4326).to_file(folder / "xa.shp")
    lines = ["Mã xã,Tên xã,Số tổ,Năm"] + [f"{u['code']},{u['name']},2,2025" for u in units]
    path = folder / "lai_chau.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = [Expected("lai_chau", 2, "name", None)] + [
        Expected("lai_chau", i + 2, "code", u["code"]) for i, u in enumerate(units) if i]
    case = Case("zero_code_shapefile", "shapefile numeric fields (DBF has no empty number)", folder / "xa.shp",
                [path], expected)
    case.checks.append(("code 0 reported", lambda report: any(
        "commune_code values are not 5-digit codes" in p for p in report["boundaries"]["problems"])))
    return case


CASES += (hamlet_report, ocha_style_boundaries, gadm_legacy_boundaries, zero_code_shapefile)
