"""Real merges of the 1 July 2025 reform, written out from the public registers.

Each 2025 unit (official code and name) with the pre-2025 communes it was formed from (code, type, name,
district), as both public sources agree: the ``vietnamadminunits`` converter and the ``beforeMerger`` lists of
the real 2025 layer (``test_corpus_merges.py`` re-checks every fact against the layer when it is present).
Four provinces, three of which absorbed another province on 1 July 2025 (Hà Giang → Tuyên Quang, Kon Tum →
Quảng Ngãi, Bình Phước → Đồng Nai); Ba Vì (Hà Nội) has communes divided between new units.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Merge:
    province_2025: str
    code: str
    name: str
    kind: str
    old_province: str                  # pre-2025 province name
    old: tuple                         # (code, type, name, district)
    divided: tuple = ()                # codes of pre-2025 communes divided with other units


WHOLE = (
    # Sơn La (14), thành phố Sơn La
    Merge("14", "03646", "Tô Hiệu", "Phường", "Sơn La", (
        ("03646", "Phường", "Chiềng Lề", "Sơn La"), ("03649", "Phường", "Tô Hiệu", "Sơn La"),
        ("03652", "Phường", "Quyết Thắng", "Sơn La"), ("03655", "Phường", "Quyết Tâm", "Sơn La"))),
    Merge("14", "03670", "Chiềng Cơi", "Phường", "Sơn La", (
        ("03658", "Xã", "Chiềng Cọ", "Sơn La"), ("03670", "Phường", "Chiềng Cơi", "Sơn La"),
        ("03676", "Xã", "Hua La", "Sơn La"))),
    Merge("14", "03664", "Chiềng An", "Phường", "Sơn La", (
        ("03661", "Xã", "Chiềng Đen", "Sơn La"), ("03664", "Xã", "Chiềng Xôm", "Sơn La"),
        ("03667", "Phường", "Chiềng An", "Sơn La"))),
    Merge("14", "03679", "Chiềng Sinh", "Phường", "Sơn La", (
        ("03673", "Xã", "Chiềng Ngần", "Sơn La"), ("03679", "Phường", "Chiềng Sinh", "Sơn La"))),
    # Tuyên Quang (08) ← Hà Giang, huyện Đồng Văn (and Mèo Vạc, Yên Minh)
    Merge("08", "00745", "Phố Bảng", "Xã", "Hà Giang", (
        ("00712", "Thị trấn", "Phố Bảng", "Đồng Văn"), ("00727", "Xã", "Phố Là", "Đồng Văn"),
        ("00745", "Xã", "Phố Cáo", "Đồng Văn"), ("00754", "Xã", "Lũng Thầu", "Đồng Văn"))),
    Merge("08", "00715", "Lũng Cú", "Xã", "Hà Giang", (
        ("00715", "Xã", "Lũng Cú", "Đồng Văn"), ("00718", "Xã", "Má Lé", "Đồng Văn"),
        ("00724", "Xã", "Lũng Táo", "Đồng Văn"))),
    Merge("08", "00721", "Đồng Văn", "Xã", "Hà Giang", (
        ("00721", "Thị trấn", "Đồng Văn", "Đồng Văn"), ("00730", "Xã", "Thài Phìn Tủng", "Đồng Văn"),
        ("00739", "Xã", "Tả Phìn", "Đồng Văn"), ("00742", "Xã", "Tả Lủng", "Đồng Văn"),
        ("00775", "Xã", "Pải Lủng", "Mèo Vạc"))),
    Merge("08", "00733", "Sà Phìn", "Xã", "Hà Giang", (
        ("00733", "Xã", "Sủng Là", "Đồng Văn"), ("00736", "Xã", "Sà Phìn", "Đồng Văn"),
        ("00748", "Xã", "Sính Lủng", "Đồng Văn"), ("00751", "Xã", "Sảng Tủng", "Đồng Văn"))),
    Merge("08", "00763", "Lũng Phìn", "Xã", "Hà Giang", (
        ("00757", "Xã", "Hố Quáng Phìn", "Đồng Văn"), ("00763", "Xã", "Lũng Phìn", "Đồng Văn"),
        ("00766", "Xã", "Sủng Trái", "Đồng Văn"))),
    # Quảng Ngãi (51) ← Kon Tum
    Merge("51", "23455", "Măng Bút", "Xã", "Kon Tum", (
        ("23452", "Xã", "Đăk Nên", "Kon Plông"), ("23455", "Xã", "Đăk Ring", "Kon Plông"),
        ("23458", "Xã", "Măng Bút", "Kon Plông"))),
    Merge("51", "23473", "Măng Đen", "Xã", "Kon Tum", (
        ("23461", "Xã", "Đăk Tăng", "Kon Plông"), ("23470", "Xã", "Măng Cành", "Kon Plông"),
        ("23473", "Thị trấn", "Măng Đen", "Kon Plông"))),
    Merge("51", "23293", "Kon Tum", "Phường", "Kon Tum", (
        ("23281", "Phường", "Quang Trung", "Kon Tum"), ("23287", "Phường", "Quyết Thắng", "Kon Tum"),
        ("23290", "Phường", "Trường Chinh", "Kon Tum"), ("23293", "Phường", "Thắng Lợi", "Kon Tum"),
        ("23299", "Phường", "Thống Nhất", "Kon Tum"))),
    Merge("51", "23317", "Ngọk Bay", "Xã", "Kon Tum", (
        ("23314", "Xã", "Kroong", "Kon Tum"), ("23317", "Xã", "Ngọk Bay", "Kon Tum"),
        ("23320", "Xã", "Vinh Quang", "Kon Tum"))),
    # Đồng Nai (75) ← Bình Phước, thành phố Đồng Xoài
    Merge("75", "25195", "Bình Phước", "Phường", "Bình Phước", (
        ("25195", "Phường", "Tân Phú", "Đồng Xoài"), ("25198", "Phường", "Tân Đồng", "Đồng Xoài"),
        ("25201", "Phường", "Tân Bình", "Đồng Xoài"), ("25204", "Phường", "Tân Xuân", "Đồng Xoài"),
        ("25205", "Phường", "Tân Thiện", "Đồng Xoài"), ("25213", "Xã", "Tiến Hưng", "Đồng Xoài"))),
    Merge("75", "25210", "Đồng Xoài", "Phường", "Bình Phước", (
        ("25207", "Xã", "Tân Thành", "Đồng Xoài"), ("25210", "Phường", "Tiến Thành", "Đồng Xoài"))),
)

#: Units that received part of a divided commune: no pre-2025 archive can give their figure.
DIVIDED = (
    Merge("01", "09700", "Ba Vì", "Xã", "Hà Nội", (
        ("09703", "Xã", "Ba Vì", "Ba Vì"), ("09712", "Xã", "Khánh Thượng", "Ba Vì")), divided=("09700",)),
    Merge("01", "09676", "Bất Bạt", "Xã", "Hà Nội", (
        ("09670", "Xã", "Tòng Bạt", "Ba Vì"), ("09676", "Xã", "Sơn Đà", "Ba Vì"), ("09691", "Xã", "Thuần Mỹ", "Ba Vì")),
        divided=("09673", "09700")),
)

#: A pre-2025 code the 2025 register gives to another unit: 09700 was Xã Minh Quang (Ba Vì), divided
#: between Ba Vì and Bất Bạt; in 2025, 09700 is Xã Ba Vì. 00118 was Phường Ngọc Thụy, divided between
#: Hồng Hà and Bồ Đề; in 2025, 00118 is Phường Bồ Đề.
REUSED_CODES = {"09700": ("Minh Quang", "Ba Vì"), "00118": ("Ngọc Thụy", "Bồ Đề")}

#: The same pre-2025 commune name in two districts of one province.
SAME_NAME_TWO_DISTRICTS = (("04015", "Chiềng Chung", "Mộc Châu"), ("04129", "Chiềng Chung", "Mai Sơn"))
