"""Province and commune arguments as people type them; impossible values with row and column; boundary fields
found by their values; the CLI's one line and exit code 2 for a file that cannot be used."""

from __future__ import annotations

import json
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from dashboard.cli import main
from loaders.errors import LoaderError
from loaders.places import resolve_place
from loaders.plausibility import check_plausibility
from loaders.register import official_units


@pytest.fixture(scope="module")
def provinces():
    return official_units().drop_duplicates("province_code")


@pytest.mark.parametrize("typed, code", [
    ("Sơn La", "14"), ("Son La", "14"), ("tinh son la", "14"), ("TỈNH SƠN LA", "14"), ("14", "14"),
    ("TP Ho Chi Minh", "79"), ("TP. Hồ Chí Minh", "79"), ("HCM", "79"), ("Ho Chi Minh City", "79"),
    ("Hue", "46"), ("Thừa Thiên Huế", "46"), ("thanh pho Hue", "46"), ("1", "01"), ("Ha Noi", "01"),
])
def test_provinces_found_however_typed(provinces, typed, code):
    assert resolve_place(typed, provinces, "province") == code


def test_a_province_that_is_no_more_suggests_the_one_that_absorbed_it(provinces):
    with pytest.raises(LoaderError) as error:
        resolve_place("Ha Giang", provinces, "province")
    assert error.value.key == "place.not_found"
    assert "closest: Tuyên Quang (08)" in error.value.text("en")
    assert "tỉnh, thành phố 'Ha Giang'" in error.value.text("vi")


def test_communes_by_name_within_a_province_and_never_guessed():
    communes = official_units()
    assert resolve_place("Chieng An", communes, "commune", province="14") == "03664"
    assert resolve_place("P. Chiềng An", communes, "commune", province="14") == "03664"
    with pytest.raises(LoaderError) as error:
        resolve_place("An Khanh", communes, "commune")
    assert error.value.key == "place.ambiguous" and "09877" in error.value.text("en")
    with pytest.raises(LoaderError) as error:
        resolve_place("Chiềng Ann", communes, "commune", province="14")
    assert "Chiềng An (03664)" in error.value.text("en")


def test_impossible_values_are_found_with_row_column_and_words():
    table = pd.DataFrame({
        "commune_code": ["03127", "03151", "03158", "03160", "03162"],
        "teams": [2, -1, 4, 2, 2], "team_members": [10, 5, 2, 10, 10],
        "population_15plus": [1000, 1000, 1000, 1000, 900], "smartphone_users": [1200, 10, 10, 10, 10],
        "smartphone_share": [50, 50, 50, 101, 50],
        "period": ["2025-Q3", "2025-Q3", "2025-Q3", "2025-Q3", None],
        "source_period": [None, None, None, None, "Quý 5/2025"],
        "source_sheet": "T9", "source_row": [5, 6, 7, 8, 9], "source_file": "bc.xlsx"})
    findings = check_plausibility(table, today=date(2025, 11, 1))
    assert [(f.row, f.column) for f in findings] == [
        (5, "smartphone_users"), (6, "teams"), (7, "team_members"), (8, "smartphone_share"), (9, "period")]
    assert findings[0].message.text("en") == "smartphone users = 1,200 is above population aged 15+ = 1,000"
    assert findings[0].message.text("vi") == ("số người dùng điện thoại thông minh = 1.200 lớn hơn "
                                              "dân số từ 15 tuổi = 1.000")
    assert findings[0].where().text("en") == "bc.xlsx sheet 'T9' row 5"
    assert findings[4].to_json()["value"] == "Quý 5/2025"
    future = check_plausibility(table.assign(period="2026-Q1", source_period=None), today=date(2025, 11, 1))
    assert {f.column for f in future} >= {"period"}


def test_a_ward_layer_with_foreign_field_names_joins_by_its_values(tmp_path, capsys):
    units = official_units().query("province_code == '11'").reset_index(drop=True)
    layer = gpd.GeoDataFrame({"ID_X": units["commune_code"].astype(int), "LABEL_EN": units["commune_name"]},
                             geometry=[shapely.box(103 + i * .01, 21, 103.009 + i * .01, 21.009)
                                       for i in range(len(units))], crs=4326)
    layer.to_file(tmp_path / "wards.gpkg", driver="GPKG")
    stats = tmp_path / "dien_bien_2025.csv"
    stats.write_text("Mã xã,Số tổ\n" + "".join(f"{c},2\n" for c in units["commune_code"]), encoding="utf-8")
    assert main(["validate", "--boundaries", str(tmp_path / "wards.gpkg"), "--stats", str(stats), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["join"]["matched_by_code"] == len(units) == 45 and report["join"]["units_without_stats"] == 0
    assert "column 'ID_X' taken as commune code from its values (100% fit the register)" in report["boundaries"][
        "problems"]


def test_one_unusable_file_among_several_gets_its_line_and_exit_2(tmp_path, capsys):
    units = official_units().query("province_code == '11'").head(3).reset_index(drop=True)
    gpd.GeoDataFrame(units[["commune_code", "commune_name"]], geometry=[
        shapely.box(103 + i * .01, 21, 103.009 + i * .01, 21.009) for i in range(3)], crs=4326).to_file(
        tmp_path / "xa.gpkg", driver="GPKG")
    good = tmp_path / "2025.csv"
    good.write_text("Mã xã,Số tổ\n" + "".join(f"{c},1\n" for c in units["commune_code"]), encoding="utf-8")
    bad = tmp_path / "rac.csv"
    bad.write_text("a;b\n1;2\n", encoding="utf-8")
    code = main(["validate", "--boundaries", str(tmp_path / "xa.gpkg"), "--stats", str(good), str(bad), "--json"])
    captured = capsys.readouterr()
    assert code == 2 and "Traceback" not in captured.err
    assert captured.err.splitlines() == [
        "coverage-map validate: rac.csv: no recognisable header row (expected columns such as 'Mã xã', "
        "'Tên xã/phường', 'Số tổ CNSCĐ', 'Số thành viên')"]
    report = json.loads(captured.out)
    assert report["join"]["matched_by_code"] == 3 and report["errors"][0]["message"]["key"] == "stats.no_header"
