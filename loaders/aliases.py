"""The header each canonical column is written with in our own files (XLSX templates), and the one lookup of a
header's meaning for the loaders.

Headers are no longer looked up in a list of known spellings: :func:`loaders.columns.meaning` reads what a
header says (concepts, in any order, with any separators, diacritics or none, Vietnamese or English), so a
header nobody has seen before is still understood. This table only fixes how *we* write each column; a test
checks that every one of them reads back as its column.
"""

from __future__ import annotations

from loaders.columns import meaning

#: canonical column → the Vietnamese header our templates write.
TEMPLATE_HEADERS: dict[str, str] = {
    "province_code": "Mã tỉnh", "province_name": "Tỉnh/thành phố", "district_code": "Mã huyện",
    "district_name": "Huyện", "commune_code": "Mã xã", "commune_name": "Tên xã/phường",
    "commune_type": "Loại đơn vị", "hamlet_id": "Mã thôn", "hamlet_name": "Tên thôn/tổ dân phố",
    "hamlet_type": "Loại thôn", "area_km2": "Diện tích (km2)", "period": "Kỳ báo cáo", "year": "Năm",
    "quarter": "Quý", "month": "Tháng", "is_mountainous": "Miền núi", "is_island": "Hải đảo",
    "is_border": "Biên giới", "ethnic_region": "Khu vực DTTS", "is_extremely_difficult": "Đặc biệt khó khăn",
    "teams": "Số tổ CNSCĐ", "team_members": "Số thành viên", "hamlets": "Số thôn/tổ dân phố",
    "hamlets_with_team": "Số thôn có tổ", "households_visited": "Số hộ được hướng dẫn",
    "people_trained": "Số người được tập huấn", "population": "Dân số",
    "population_15plus": "Dân số từ 15 tuổi trở lên", "households": "Số hộ",
    "smartphone_users": "Số người sử dụng điện thoại thông minh",
    "vneid_level2": "Số tài khoản định danh điện tử mức 2", "cashless_users": "Số người có tài khoản thanh toán",
    "online_dossiers": "Số hồ sơ trực tuyến", "total_dossiers": "Tổng số hồ sơ",
    "digital_skills": "Số người có kỹ năng số cơ bản",
    "smartphone_share": "Tỷ lệ sử dụng điện thoại thông minh (%)",
    "vneid_share": "Tỷ lệ định danh điện tử mức 2 (%)", "cashless_share": "Tỷ lệ có tài khoản thanh toán (%)",
    "online_service_share": "Tỷ lệ hồ sơ trực tuyến (%)", "digital_skills_share": "Tỷ lệ có kỹ năng số cơ bản (%)",
    "team_presence": "Tỷ lệ thôn có tổ (%)",
}


def canonical_for(header) -> str | None:
    """The canonical column a single header stands for, or ``None`` (see :func:`loaders.columns.meaning`)."""
    return meaning(header)
