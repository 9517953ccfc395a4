"""join_stats and the official register: code first, names within the province, pre-2025 communes mapped to
2025 units, suggestions never applied (SPEC §7.9)."""

import unicodedata

import geopandas as gpd
import pandas as pd
import pytest

from fixtures_builders import square
from loaders.join import join_stats
from loaders.register import is_official_code, map_legacy_to_2025, official_units


@pytest.fixture(scope="module")
def communes():
    rows = [
        ("01", "Hà Nội", "09877", "An Khánh", "Xã"),
        ("01", "Hà Nội", "09700", "Ba Vì", "Xã"),
        ("01", "Hà Nội", "00004", "Ba Đình", "Phường"),
        ("14", "Sơn La", "03850", "Chiềng Hoa", "Xã"),
        ("14", "Sơn La", "04000", "Hoà Bình", "Xã"),
        ("17", "Phú Thọ", "04500", "Hòa Bình", "Phường"),
    ]
    frame = pd.DataFrame(rows, columns=["province_code", "province_name", "commune_code", "commune_name",
                                        "commune_type"])
    return gpd.GeoDataFrame(frame.assign(level="commune"),
                            geometry=[square(105 + i * 0.1, 21) for i in range(len(rows))], crs=4326)


def _stats(rows):
    columns = ["province_code", "province_name", "commune_code", "commune_name", "teams", "period"]
    return pd.DataFrame(rows, columns=columns).assign(source_sheet="s", source_row=range(2, 2 + len(rows)))


def test_code_then_names_within_province(communes):
    stats = _stats([
        (None, None, "9877", "Xã An Khánh", 5, "2025-Q3"),                                  # code, zeros lost
        (None, "Hà Nội", None, "Ba Vi", 7, "2025-Q3"),                                     # ASCII-only name
        ("14", None, None, unicodedata.normalize("NFD", "xã  HÒA bình"), 2, "2025-Q3"),   # NFD, case, spacing
        (None, "Phú Thọ", None, "P. Hoà Bình", 3, "2025-Q3"),                             # abbreviation, tones
    ])
    result = join_stats(communes, stats, "commune")
    table, report = result.table, result.report
    assert table["commune_code"].tolist() == ["09877", "09700", "04000", "04500"]
    assert table["match"].tolist() == ["code", "name", "name", "name"]
    assert table["commune_name"].tolist() == ["An Khánh", "Ba Vì", "Hoà Bình", "Hòa Bình"]  # as in boundaries
    assert table["source_name"].iloc[1] == "Ba Vi"
    assert report["matched_by_code"] == 1 and report["matched_by_name"] == 3
    assert report["unmatched_stats"] == [] and report["units_without_stats"] == 2
    assert [r["match"] for r in report["rows"]] == ["code", "name", "name", "name"]


def test_same_name_in_two_provinces_without_province_is_not_guessed(communes):
    result = join_stats(communes, _stats([(None, None, None, "Hòa Bình", 1, "2025")]), "commune")
    assert result.table["match"].tolist() == ["unmatched"]
    assert result.report["matched_by_name"] == 0
    [row] = result.report["unmatched_stats"]
    assert row["name"] == "Hòa Bình" and "04000" in row["suggestion"] and "04500" in row["suggestion"]


def test_ascii_name_that_fits_two_units_is_not_guessed():
    units = gpd.GeoDataFrame({
        "level": "commune", "province_code": "79", "province_name": "Hồ Chí Minh",
        "commune_code": ["25807", "27676", "27000"], "commune_name": ["Thanh An", "Thạnh An", "Xa Dung"],
        "commune_type": "Xã"}, geometry=[square(106, 10), square(106.1, 10), square(106.2, 10)], crs=4326)
    typed_plain = pd.DataFrame({"province_name": "TP. Ho Chi Minh", "commune_name": ["Thanh An", "Xa Xa Dung"]})
    result = join_stats(units, typed_plain, "commune")
    assert [r["match"] for r in result.report["rows"]] == ["unmatched", "name"]
    assert result.report["unmatched_stats"][0]["suggestion"] == (
        "Xã Thanh An (25807, Hồ Chí Minh); Xã Thạnh An (27676, Hồ Chí Minh)")
    # in a file typed with diacritics, a name without any is taken as written
    typed = pd.DataFrame({"province_name": "TP. Hồ Chí Minh", "commune_name": ["Thanh An", "Xã Thạnh An", "Xa Dung"],
                          "period": ["2025-Q1", "2025-Q2", "2025-Q3"]})
    result = join_stats(units, typed, "commune")
    assert result.table["commune_code"].tolist() == ["25807", "27676", "27000"]
    assert result.report["matched_by_name"] == 3


def test_near_miss_is_suggested_never_joined(communes):
    result = join_stats(communes, _stats([(None, "Sơn La", None, "Xã Chiềng Hoà", 4, "2025-Q3"),
                                          (None, "Hà Nội", None, "Xã Ba Vìì", 1, "2025-Q3")]), "commune")
    assert result.table["match"].tolist() == ["unmatched", "unmatched"]
    assert result.table["commune_code"].isna().all()
    assert result.report["unmatched_stats"] == [
        {"name": "Xã Chiềng Hoà", "suggestion": "Xã Chiềng Hoa (03850, Sơn La)"},
        {"name": "Xã Ba Vìì", "suggestion": "Xã Ba Vì (09700, Hà Nội)"},
    ]


def test_pre_2025_communes_are_summed_only_into_a_whole_2025_unit():
    """Tô Hiệu (Sơn La, 2025) is old Chiềng Lề + Tô Hiệu + Quyết Thắng + Quyết Tâm: summed only when all four
    are there; An Khánh (Hà Nội) took parts of divided communes, so old rows never make its figure."""
    units = official_units().assign(level="commune")
    rows = [("Sơn La", "Phường Chiềng Lề", 3, "2024-Q4"), ("Sơn La", "Phường Tô Hiệu", 2, "2024-Q4"),
            ("Sơn La", "Phường Quyết Thắng", 4, "2024-Q4"), ("Sơn La", "Phường Quyết Tâm", 1, "2024-Q4"),
            ("Sơn La", "Phường Chiềng Lề", 3, "2025-Q1"), ("Hà Nội", "Xã Đông La", 3, "2024-Q4")]
    stats = pd.DataFrame(rows, columns=["province_name", "commune_name", "teams", "period"]).assign(
        source_sheet="s", source_row=range(2, 2 + len(rows)))
    result = join_stats(units, stats, "commune")
    applied = result.applied.set_index(["commune_code", "period"])
    assert applied.loc[("03646", "2024-Q4"), "teams"] == 10.0 and len(applied) == 1
    assert applied.loc[("03646", "2024-Q4"), "rows_summed"] == 4
    assert applied.loc[("03646", "2024-Q4"), "commune_name"] == "Tô Hiệu"
    assert [r["class"] for r in result.report["rows"]] == ["legacy"] * 4 + ["legacy_incomplete"] * 2
    assert result.report["rows"][4]["note"]["en"] == (
        "Phường Tô Hiệu (03646, Sơn La) cannot be summed: 3 of its 4 pre-2025 communes are missing (Phường Tô Hiệu "
        "(03649, Sơn La), Phường Quyết Thắng (03652, Sơn La), Phường Quyết Tâm (03655, Sơn La))")
    assert "divided" in result.report["rows"][5]["note"]["en"]
    assert result.report["matched_legacy"] == 4 and result.summary.can_apply


def test_register_knows_2025_codes_and_legacy_units():
    assert len(official_units()) == 3321
    assert is_official_code(9877) and not is_official_code("09892")
    mapped = map_legacy_to_2025("Xa Dong La", "Ha Noi")
    assert mapped["commune_code"] == "09877" and mapped["legacy_code"] == "09892"
    assert map_legacy_to_2025("Phường 1", "Hồ Chí Minh") is None  # many districts have a Phường 1
    assert map_legacy_to_2025("Phường 1", "Hồ Chí Minh", "Quận 3")["commune_code"] == "27154"


def test_hamlets_join_within_their_commune():
    units = gpd.GeoDataFrame({
        "level": "hamlet", "province_code": "01", "province_name": "Hà Nội",
        "commune_code": ["09877", "09877", "09700"], "commune_name": ["An Khánh", "An Khánh", "Ba Vì"],
        "hamlet_id": ["09877-001", "09877-002", "09700-001"],
        "hamlet_name": ["Thôn Lũng Vân", "Tổ dân phố số 3", "Thôn Lũng Vân"],
    }, geometry=[square(105, 21), square(105.1, 21), square(105.2, 21)], crs=4326)
    stats = pd.DataFrame({
        "commune_code": ["9877", None, "09700", "09877"],
        "commune_name": [None, "Xã An Khánh", None, None],
        "province_name": [None, "Hà Nội", None, None],
        "hamlet_name": ["Lung Van", "TDP số 03", "Thôn Lũng Vân", "Thôn Lũng Vàn"],
        "teams": [1, 1, 0, 2], "period": "2025-09",
    })
    result = join_stats(units, stats, "hamlet")
    assert result.table["hamlet_id"].tolist()[:3] == ["09877-001", "09877-002", "09700-001"]
    assert result.table["match"].tolist() == ["name", "name", "name", "unmatched"]
    assert result.report["unmatched_stats"] == [
        {"name": "Thôn Lũng Vàn", "suggestion": "Thôn Lũng Vân (09877-001, An Khánh)"}]
    assert pd.isna(result.table["hamlet_id"].iloc[3])


@pytest.mark.real_data
def test_every_real_commune_found_by_name_in_old_tones_nfd_and_abbreviations(real_communes_path):
    from loaders.boundaries import read_boundaries

    units = read_boundaries(real_communes_path).units
    old_style = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ",
                 "ũy": "uỹ", "ụy": "uỵ"}

    def messy(kind, name, i):
        for new, old in old_style.items():
            name = name.replace(new, old)
        prefix = {"Xã": "X.", "Phường": "P.", "Đặc khu": "Đặc khu"}[kind] if i % 2 else kind
        text = f"{prefix} {name.upper() if i % 3 == 0 else name}"
        return unicodedata.normalize("NFD", text) if i % 5 == 0 else text

    stats = pd.DataFrame({
        "province_name": units["province_name"],
        "commune_name": [messy(k, n, i) for i, (k, n) in enumerate(zip(units["commune_type"], units["commune_name"]))],
        "teams": 1.0, "period": "2025-Q3"})
    result = join_stats(units, stats, "commune")
    assert result.report["matched_by_name"] == 3321 and result.report["unmatched_stats"] == []
    assert result.table["commune_code"].tolist() == units["commune_code"].tolist()
    assert result.report["units_without_stats"] == 0


def test_a_file_without_province_is_read_within_the_province_of_its_other_rows():
    """"An Khánh" is a commune of four provinces; in a file whose other rows are all in Hà Nội it is Hà Nội's,
    and the report says why. In a file spread over several provinces it stays ambiguous."""
    units = official_units().assign(level="commune")
    ha_noi = units[units["province_code"] == "01"].head(8)
    stats = pd.DataFrame({"commune_name": [*ha_noi["commune_name"], "An Khánh"], "teams": 1, "period": "2025-Q3"})
    row = join_stats(units, stats, "commune").report["rows"][-1]
    assert (row["class"], row["key"]) == ("name", "09877")
    assert row["note"]["en"].startswith("the file names no province: looked up in Hà Nội")
    spread = units.groupby("province_code").head(1).head(8)
    stats = pd.DataFrame({"commune_name": [*spread["commune_name"], "An Khánh"], "teams": 1, "period": "2025-Q3"})
    assert join_stats(units, stats, "commune").report["rows"][-1]["class"] == "ambiguous"


def test_a_remark_after_a_name_is_not_the_name_and_may_give_the_district():
    units = official_units().assign(level="commune")
    stats = pd.DataFrame({"province_name": "Hà Nội", "teams": 1, "period": "2025-Q3",
                          "commune_name": ["Xã Kim Anh (xã nông thôn mới)", "Xã Trung Giã (*)"]})
    rows = join_stats(units, stats, "commune").report["rows"]
    assert [(r["class"], r["key"], r["name"]) for r in rows] == [
        ("name", "00382", "Xã Kim Anh (xã nông thôn mới)"), ("name", "00385", "Xã Trung Giã (*)")]


def test_an_impossible_row_is_never_applied_but_keeps_its_unit_for_the_store_to_refuse():
    units = official_units().assign(level="commune")
    stats = pd.DataFrame({"commune_code": ["03646", "03664", "03664"], "teams": [2, -1, 3],
                          "team_members": [10, 5, 15], "period": ["2025-Q3", "2025-Q3", "2025-Q3"]})
    result = join_stats(units, stats, "commune")
    assert [r["class"] for r in result.report["rows"]] == ["code", "implausible", "code"]
    assert result.applied["commune_code"].tolist() == ["03646", "03664"]
    assert result.applied["teams"].tolist() == [2.0, 3.0]
    assert result.rejected.empty  # 03664 has a plausible row for the period: the impossible one is not offered
    alone = join_stats(units, stats.iloc[:2], "commune")
    assert alone.rejected[["commune_code", "teams"]].values.tolist() == [["03664", -1.0]]
    assert alone.applied["commune_code"].tolist() == ["03646"]
