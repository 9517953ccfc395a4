"""Header variants read by meaning (issue 10): word order, separators, unit-type lists in any order, diacritics or
none, Vietnamese or English, glued field names, and two- and three-row headers whose group and sub-header
together give the meaning, for every indicator of SPEC §2, counts and shares. Sources: tests/corpus/README.md."""

import pytest

from loaders.aliases import TEMPLATE_HEADERS
from loaders.columns import meaning

VARIANTS = [
    # identity: unit-type lists in any order, any separator, with or without "Tên", any case and diacritics
    (("Tên xã/phường",), "commune_name"), (("Tên phường, xã",), "commune_name"),
    (("Xã/phường/thị trấn",), "commune_name"), (("Phường, xã, thị trấn",), "commune_name"),
    (("Thị trấn - Xã - Phường",), "commune_name"), (("TÊN XÃ; PHƯỜNG; ĐẶC KHU",), "commune_name"),
    (("Tên\nxã, phường",), "commune_name"), (("Ten xa phuong",), "commune_name"), (("Xã/P/TT",), "commune_name"),
    (("Phường Xã",), "commune_name"), (("Commune / ward name",), "commune_name"), (("ward_name",), "commune_name"),
    (("tenPhuongXa",), "commune_name"), (("TEN_XA",), "commune_name"), (("TENXA",), "commune_name"),
    (("Mã xã",), "commune_code"), (("Mã số xã, phường",), "commune_code"), (("MA_XA",), "commune_code"),
    (("MAXA",), "commune_code"), (("ward_code",), "commune_code"), (("wardCode",), "commune_code"),
    (("maPhuongXa",), "commune_code"), (("xaid",), "commune_code"), (("Mã PX",), "commune_code"),
    (("Đơn vị hành chính", "Mã"), "unit_code"), (("Xã, phường", "Tên"), "commune_name"),
    (("Tỉnh Thành Phố",), "province_name"), (("Tỉnh/TP",), "province_name"), (("Mã TP",), "province_code"),
    (("matp",), "province_code"), (("maTinhThanh",), "province_code"), (("province",), "province_name"),
    (("Quận Huyện",), "district_name"), (("Huyện/thị xã/thành phố",), "district_name"), (("Mã QH",), "district_code"),
    (("maqh",), "district_code"), (("TENHUYEN",), "district_name"),
    (("Thôn, bản, tổ dân phố",), "hamlet_name"), (("Tên thôn/TDP",), "hamlet_name"), (("village",), "hamlet_name"),
    (("Mã thôn",), "hamlet_id"), (("Loại đơn vị",), "commune_type"), (("Cấp",), "commune_type"),
    (("ENGTYPE_3",), "commune_type"), (("ID_2",), "unit_code"), (("TEN",), "unit_name"), (("NAME_3",), "unit_name"),
    (("ADM3_PCODE",), "unit_code"), (("Đơn vị",), "unit_name"),
    # team counts
    (("Số tổ CNSCĐ",), "teams"), (("Số Tổ công nghệ số cộng đồng",), "teams"), (("Tổ CNSCĐ", "Số tổ"), "teams"),
    (("SO_TO_CNS",), "teams"), (("teams",), "teams"), (("Number of community digital technology teams",), "teams"),
    (("Kết quả thành lập Tổ công nghệ số cộng đồng", "Tổ cấp thôn", "Số tổ"), "teams"),
    (("Số thành viên",), "team_members"), (("Tổ CNSCĐ", "Số thành viên"), "team_members"),
    (("Số TV",), "team_members"), (("Team members",), "team_members"), (("Tổ viên",), "team_members"),
    (("Số thôn/tổ dân phố",), "hamlets"), (("Thôn, bản, tổ dân phố", "Tổng số"), "hamlets"),
    (("Tổng số thôn, bản",), "hamlets"), (("hamlets",), "hamlets"),
    (("Số thôn có tổ",), "hamlets_with_team"), (("Thôn, bản, tổ dân phố", "Có Tổ CNSCĐ"), "hamlets_with_team"),
    (("Tổng số thôn/tổ dân phố đã thành lập Tổ CNSCĐ",), "hamlets_with_team"),
    (("Hamlets with a team",), "hamlets_with_team"),
    (("Số hộ được hướng dẫn",), "households_visited"),
    (("Hộ gia đình được Tổ CNSCĐ đến hướng dẫn",), "households_visited"),
    (("Households visited",), "households_visited"),
    (("Số người được tập huấn",), "people_trained"), (("Số lượt người dân được hỗ trợ",), "people_trained"),
    (("People trained",), "people_trained"),
    # population
    (("Dân số",), "population"), (("Dân số", "Tổng"), "population"), (("Tổng dân số (người)",), "population"),
    (("Số nhân khẩu",), "population"), (("Population",), "population"),
    (("Dân số", "Từ 15 tuổi trở lên"), "population_15plus"), (("Dân số 15+",), "population_15plus"),
    (("DS15TUOI",), "population_15plus"), (("Dân số trưởng thành",), "population_15plus"),
    (("Population aged 15+",), "population_15plus"), (("adults",), "population_15plus"),
    (("Số hộ",), "households"), (("Dân số", "Số hộ"), "households"), (("Tổng số hộ gia đình",), "households"),
    # adoption counts
    (("Điện thoại thông minh", "Số người sử dụng"), "smartphone_users"),
    (("Số người sử dụng điện thoại thông minh",), "smartphone_users"), (("SL_DTTM",), "smartphone_users"),
    (("Smartphone users",), "smartphone_users"), (("Điện thoại", "Thông minh"), "smartphone_users"),
    (("VNeID mức 2", "Số người"), "vneid_level2"), (("Số tài khoản định danh điện tử mức 2",), "vneid_level2"),
    (("Định danh điện tử", "VNeID mức 2", "Số người"), "vneid_level2"), (("VNeID level 2 accounts",), "vneid_level2"),
    (("Số người có tài khoản thanh toán",), "cashless_users"), (("Tài khoản ngân hàng/mobile money",), "cashless_users"),
    (("Thanh toán không dùng tiền mặt", "Số người"), "cashless_users"),
    (("Số hồ sơ trực tuyến",), "online_dossiers"), (("Hồ sơ", "Trực tuyến"), "online_dossiers"),
    (("Dossiers submitted online",), "online_dossiers"),
    (("Tổng số hồ sơ",), "total_dossiers"), (("Hồ sơ thủ tục hành chính", "Tổng số"), "total_dossiers"),
    (("Số người có kỹ năng số cơ bản",), "digital_skills"), (("People with basic digital skills",), "digital_skills"),
    # shares
    (("Tỷ lệ sử dụng điện thoại thông minh (%)",), "smartphone_share"),
    (("Điện thoại thông minh", "Tỷ lệ (%)"), "smartphone_share"),
    (("Tỷ lệ dân số trưởng thành có điện thoại thông minh",), "smartphone_share"), (("TL_DTTM",), "smartphone_share"),
    (("Share of adults with a smartphone (%)",), "smartphone_share"),
    (("VNeID mức 2", "Tỷ lệ (%)"), "vneid_share"), (("Tỷ lệ định danh điện tử mức 2",), "vneid_share"),
    (("Tỷ lệ dân số trưởng thành có tài khoản giao dịch thanh toán tại ngân hàng",), "cashless_share"),
    (("Thanh toán không dùng tiền mặt", "Tỷ lệ"), "cashless_share"),
    (("Tỷ lệ hồ sơ giải quyết trực tuyến toàn trình",), "online_service_share"),
    (("Hồ sơ trực tuyến", "Tỷ lệ %"), "online_service_share"),
    (("Tỷ lệ người dân có kỹ năng số cơ bản (%)",), "digital_skills_share"),
    (("Tỷ lệ thôn có tổ (%)",), "team_presence"), (("Thôn, bản, tổ dân phố", "Tỷ lệ có tổ (%)"), "team_presence"),
    (("Share of hamlets with a team (%)",), "team_presence"),
    # periods and classes
    (("Kỳ báo cáo",), "period"), (("Period",), "period"), (("KY",), "period"), (("Năm",), "year"),
    (("Quý",), "quarter"), (("Tháng",), "month"), (("Xã miền núi",), "is_mountainous"), (("Xã đảo",), "is_island"),
    (("Xã biên giới",), "is_border"), (("Khu vực DTTS",), "ethnic_region"), (("ĐBKK",), "is_extremely_difficult"),
    (("Diện tích (km²)",), "area_km2"),
]
#: Headers that name nothing this project reads: never taken for a column.
NOTHING = [("STT",), ("TT",), ("Ghi chú",), ("Họ tên",), ("Người lập biểu",), ("Số hộ có điện thoại thông minh",),
           ("density",), ("beforeMerger",), ("Tổ CNSCĐ", "Trong đó: nữ")]


def test_the_corpus_is_broad():
    assert len(VARIANTS) >= 40
    shares = {"smartphone_share", "vneid_share", "cashless_share", "online_service_share", "digital_skills_share",
              "team_presence"}
    counts = {"teams", "team_members", "hamlets", "hamlets_with_team", "households_visited", "people_trained",
              "population", "population_15plus", "households", "smartphone_users", "vneid_level2", "cashless_users",
              "online_dossiers", "total_dossiers", "digital_skills"}
    assert shares | counts <= {expected for _, expected in VARIANTS}


@pytest.mark.parametrize("texts, expected", VARIANTS, ids=[" / ".join(t) for t, _ in VARIANTS])
def test_header_variant_means_its_column(texts, expected):
    assert meaning(*texts) == expected


@pytest.mark.parametrize("texts", NOTHING, ids=[" / ".join(t) for t in NOTHING])
def test_headers_that_name_nothing_are_not_taken(texts):
    assert meaning(*texts) is None


@pytest.mark.parametrize("column", sorted(TEMPLATE_HEADERS))
def test_our_own_template_headers_read_back(column):
    assert meaning(TEMPLATE_HEADERS[column]) == column
