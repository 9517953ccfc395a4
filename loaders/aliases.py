"""Header alias table: canonical column → the headers people write for it (SPEC §7.8).

A plain data table, read by the statistics and boundary loaders and later used to write XLSX templates (the
first alias of each column is the header a template shows). Headers are compared by
:func:`loaders.text.header_key` (no diacritics, lower case, punctuation as spaces), so each alias is written once,
the way a person would type it. Two-row headers are looked up as "parent child" first, then child alone
(``"Tổ công nghệ số cộng đồng"`` over ``"Số tổ"`` → ``teams``).
"""

from __future__ import annotations

from loaders.text import header_key

HEADER_ALIASES: dict[str, list[str]] = {
    # -- identity --------------------------------------------------------------------------------------------------
    "province_code": ["Mã tỉnh", "Mã tỉnh/thành phố", "Mã TP", "province_code", "province code", "prov_code",
                      "MA_TINH", "MATINH", "matinh", "ma_tinh_tp", "code_prov"],
    "province_name": ["Tỉnh/thành phố", "Tên tỉnh", "Tỉnh", "Tỉnh/TP", "Tên tỉnh/thành phố", "Tỉnh, thành phố",
                      "province_name", "province", "TEN_TINH", "TENTINH", "ten_tinh_tp"],
    "district_code": ["Mã huyện", "Mã quận/huyện", "district_code", "district code", "MA_HUYEN", "MAHUYEN"],
    "district_name": ["Huyện", "Tên huyện", "Quận/huyện", "Tên quận/huyện", "Huyện/thị xã/thành phố",
                      "district_name", "district", "TEN_HUYEN", "TENHUYEN"],
    "commune_code": ["Mã xã", "Mã xã/phường", "Mã xã, phường, đặc khu", "Mã ĐVHC", "Mã đơn vị hành chính",
                     "commune_code", "commune code", "ward_code", "ward code", "MA_XA", "MAXA", "ma_dvhc_xa",
                     "code"],
    "commune_name": ["Tên xã/phường", "Tên xã", "Xã/phường", "Xã, phường", "Xã", "Xã/phường/đặc khu",
                     "Tên xã, phường, đặc khu", "Tên đơn vị hành chính", "Đơn vị hành chính", "Đơn vị",
                     "commune_name", "commune", "ward_name", "ward", "TEN_XA", "TENXA"],
    "commune_type": ["Loại đơn vị", "Loại ĐVHC", "Cấp", "commune_type", "ward_type", "LOAI_XA", "loai"],
    "hamlet_id": ["Mã thôn", "Mã thôn/tổ dân phố", "hamlet_id", "hamlet code", "MA_THON"],
    "hamlet_name": ["Tên thôn/tổ dân phố", "Thôn/tổ dân phố", "Tên thôn", "Thôn/bản/ấp", "Thôn, bản, tổ dân phố",
                    "Thôn", "hamlet_name", "hamlet", "village", "TEN_THON"],
    "hamlet_type": ["Loại thôn", "hamlet_type", "LOAI_THON"],
    "area_km2": ["Diện tích (km2)", "Diện tích", "area_km2", "area", "DIEN_TICH", "dien_tich_km2"],
    "period": ["Kỳ báo cáo", "Kỳ", "Thời gian", "Period", "period", "Ky_bao_cao"],
    "year": ["Năm", "Year"],
    "quarter": ["Quý", "Quarter"],
    "month": ["Tháng", "Month"],
    # -- area classes ----------------------------------------------------------------------------------------------
    "is_mountainous": ["Miền núi", "Xã miền núi", "is_mountainous", "mountainous"],
    "is_island": ["Hải đảo", "Xã đảo", "Đảo", "is_island", "island"],
    "is_border": ["Biên giới", "Xã biên giới", "is_border", "border"],
    "ethnic_region": ["Khu vực DTTS", "Khu vực", "Vùng DTTS", "ethnic_region"],
    "is_extremely_difficult": ["Đặc biệt khó khăn", "Xã đặc biệt khó khăn", "ĐBKK", "is_extremely_difficult"],
    # -- team counts -----------------------------------------------------------------------------------------------
    "teams": ["Số tổ CNSCĐ", "Số tổ", "Số tổ công nghệ số cộng đồng", "Tổ công nghệ số cộng đồng số tổ",
              "Tổ CNSCĐ số tổ", "Số Tổ CNS", "Tổ CNSCĐ", "teams", "number of teams"],
    "team_members": ["Số thành viên", "Số thành viên tổ CNSCĐ", "Tổ công nghệ số cộng đồng số thành viên",
                     "Tổ CNSCĐ số thành viên", "Thành viên", "team_members", "members"],
    "hamlets": ["Số thôn/tổ dân phố", "Số thôn", "Tổng số thôn", "hamlets", "number of hamlets"],
    "hamlets_with_team": ["Số thôn có tổ", "Số thôn/tổ dân phố có tổ CNSCĐ", "Số thôn có tổ CNSCĐ",
                          "hamlets_with_team", "hamlets with team"],
    "households_visited": ["Số hộ được hướng dẫn", "Số hộ đã đến hướng dẫn", "Số hộ được hỗ trợ",
                           "households_visited"],
    "people_trained": ["Số người được tập huấn", "Số người được hướng dẫn", "people_trained"],
    # -- population ------------------------------------------------------------------------------------------------
    "population": ["Dân số", "Tổng dân số", "Số dân", "Dân số (người)", "population"],
    "population_15plus": ["Dân số từ 15 tuổi trở lên", "Dân số 15+", "Từ 15 tuổi trở lên", "Dân số trên 15 tuổi",
                          "population_15plus", "population 15+", "adults"],
    "households": ["Số hộ", "Số hộ gia đình", "Tổng số hộ", "households"],
    # -- adoption counts -------------------------------------------------------------------------------------------
    "smartphone_users": ["Số người sử dụng điện thoại thông minh", "Số người dùng điện thoại thông minh",
                         "Người dùng smartphone", "smartphone_users", "smartphone users"],
    "vneid_level2": ["Số tài khoản định danh điện tử mức 2", "Định danh điện tử mức 2", "VNeID mức 2",
                     "Số người có VNeID mức 2", "vneid_level2", "VNeID level 2"],
    "cashless_users": ["Số người có tài khoản thanh toán", "Tài khoản ngân hàng/mobile money",
                       "Số tài khoản thanh toán không dùng tiền mặt", "cashless_users", "cashless users"],
    "online_dossiers": ["Số hồ sơ trực tuyến", "Hồ sơ trực tuyến", "Số hồ sơ nộp trực tuyến", "online_dossiers"],
    "total_dossiers": ["Tổng số hồ sơ", "Tổng hồ sơ", "Số hồ sơ", "total_dossiers"],
    "digital_skills": ["Số người có kỹ năng số cơ bản", "Kỹ năng số cơ bản", "digital_skills"],
    # -- shares (0-100 %) ------------------------------------------------------------------------------------------
    "smartphone_share": ["Tỷ lệ sử dụng điện thoại thông minh (%)", "Tỷ lệ sử dụng điện thoại thông minh",
                         "Tỷ lệ người dùng điện thoại thông minh", "Tỷ lệ smartphone (%)", "smartphone_share",
                         "smartphone share"],
    "vneid_share": ["Tỷ lệ định danh điện tử mức 2 (%)", "Tỷ lệ VNeID mức 2", "vneid_share"],
    "cashless_share": ["Tỷ lệ có tài khoản thanh toán (%)", "Tỷ lệ thanh toán không dùng tiền mặt",
                       "cashless_share"],
    "online_service_share": ["Tỷ lệ hồ sơ trực tuyến (%)", "Tỷ lệ hồ sơ trực tuyến", "online_service_share"],
    "digital_skills_share": ["Tỷ lệ có kỹ năng số cơ bản (%)", "Tỷ lệ kỹ năng số", "digital_skills_share"],
    "team_presence": ["Tỷ lệ thôn có tổ (%)", "Tỷ lệ thôn có tổ CNSCĐ", "team_presence"],
}

#: Header texts that only number the columns or rows and carry no data ("STT", "TT").
IGNORED_HEADERS = ("STT", "TT", "Số TT", "No", "Ghi chú", "Note")

#: First-cell texts of a totals row (compared by header key).
TOTAL_LABELS = ("Tổng", "Tổng cộng", "Cộng", "Tổng số", "Toàn tỉnh", "Toàn thành phố", "Total", "Sum")

_LOOKUP: dict[str, str] = {}
for _canonical, _aliases in HEADER_ALIASES.items():
    for _alias in _aliases:
        _LOOKUP.setdefault(header_key(_alias), _canonical)
_TOTALS = frozenset(header_key(label) for label in TOTAL_LABELS)
_IGNORED = frozenset(header_key(label) for label in IGNORED_HEADERS)


def canonical_for(header) -> str | None:
    """The canonical column a header stands for, or ``None`` when the table has no alias for it.

    A trailing unit in brackets is tolerated (``"Dân số (người)"``, ``"Tỷ lệ ... (%)"``).
    """
    key = header_key(header)
    if not key:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    for unit in (" nguoi", " km2", " ho", " to", " %"):
        if key.endswith(unit) and key[: -len(unit)] in _LOOKUP:
            return _LOOKUP[key[: -len(unit)]]
    return None


def canonical_for_pair(parent, child) -> str | None:
    """The canonical column of a two-row header: "parent child" first, then the child, then the parent."""
    parent_key, child_key = header_key(parent), header_key(child)
    if parent_key and child_key and parent_key != child_key:
        joined = canonical_for(f"{parent_key} {child_key}")
        if joined:
            return joined
    return canonical_for(child) if child_key else canonical_for(parent)


def is_total_label(text) -> bool:
    """True when a cell reads like the label of a totals row (Tổng, Tổng cộng, Cộng, Total...)."""
    return header_key(text) in _TOTALS


def is_ignored_header(text) -> bool:
    """True for headers that only number rows (STT) or carry notes."""
    return header_key(text) in _IGNORED
