"""coverage-map validate through the real CLI entry point: the SPEC §8 JSON shape, the text report, and one line
on stderr with exit code 2 for unusable files."""

import json
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest

from dashboard.cli import main
from fixtures_builders import square, write_raw_shapefile


def _run(capsys, *argv):
    code = main(["validate", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def small_dataset(tmp_path):
    """A TCVN3 shapefile of three communes (no .cpg) and a CSV of their figures."""
    shp = write_raw_shapefile(tmp_path / "xa.shp", {
        "MA_TINH": ["01", "01", "01"], "MA_XA": ["9877", "9700", "4"],
        "TEN_XA": [b"X\xb7 An Kh\xb8nh", b"X\xb7 Ba V\xd7", b"Ph\xad\xeang Ba \xa7\xddnh"],
    }, [square(105 + i * 0.1, 21) for i in range(3)])
    csv = tmp_path / "so_lieu_2025-Q3.csv"
    csv.write_text("Mã xã;Tên xã/phường;Số tổ CNSCĐ;Số thành viên\n09877;An Khánh;3;1.459\n"
                   ";Ba Vi;2;10\n;Ba Vìì;1;5\n", encoding="utf-8-sig")
    return shp, csv


def test_json_report_has_the_spec_shape(capsys, small_dataset):
    shp, csv = small_dataset
    code, out, err = _run(capsys, "--boundaries", str(shp), "--stats", str(csv), "--json")
    assert code == 0 and err == ""
    report = json.loads(out)
    assert report["boundaries"]["features"] == 3 and report["boundaries"]["encoding"] == "TCVN3"
    assert report["boundaries"]["crs_in"] == "EPSG:4326" and report["boundaries"]["reprojected"] is False
    assert report["boundaries"]["invalid_fixed"] == 0
    [stats] = report["stats"]
    assert stats["path"] == str(csv) and stats["rows"] == 3 and stats["periods"] == ["2025-Q3"]
    assert {"commune_code", "commune_name", "teams", "team_members", "period"} <= set(stats["columns"])
    assert report["join"]["matched_by_code"] == 1 and report["join"]["matched_by_name"] == 1
    assert report["join"]["unmatched_stats"] == [{"name": "Ba Vìì", "suggestion": "Xã Ba Vì (09700, Thành phố Hà Nội)"}]
    assert report["join"]["units_without_stats"] == 1
    first = report["sample"][0]
    assert first["commune_code"] == "09877" and first["commune_name"] == "Xã An Khánh"
    assert first["team_members"] == 1459 and first["match"] == "code"


def test_text_report_is_readable(capsys, small_dataset):
    shp, csv = small_dataset
    code, out, _ = _run(capsys, "--boundaries", str(shp), "--stats", str(csv))
    assert code == 0
    assert "Boundaries: xa.shp" in out and "encoding: TCVN3" in out
    assert ("3 rows read: 1 matched by code, 1 by name, 0 pre-2025 rows summed into 0 2025 units, 0 pre-2025 "
            "rows not summable, 0 ambiguous, 0 duplicates, 1 unmatched, 0 rejected as implausible, 0 not data") in out
    assert "so_lieu_2025-Q3.csv row 4: 'Ba Vìì' not found → suggestion (not applied): Xã Ba Vì (09700, Thành phố Hà Nội)" in out
    code, out, _ = _run(capsys, "--boundaries", str(shp), "--stats", str(csv), "--lang", "vi")
    assert code == 0 and "Ranh giới: xa.shp" in out and "bảng mã: TCVN3" in out
    assert "so_lieu_2025-Q3.csv dòng 4: không tìm thấy 'Ba Vìì' → gợi ý (không tự áp dụng): Xã Ba Vì (09700, Thành phố Hà Nội)" in out


@pytest.mark.real_data
def test_real_communes_json(capsys, real_communes_path):
    code, out, err = _run(capsys, "--boundaries", str(real_communes_path), "--json")
    assert code == 0 and err == ""
    report = json.loads(out)
    boundaries = report["boundaries"]
    assert boundaries["features"] == 3321 and boundaries["invalid_fixed"] == 76
    assert boundaries["names_nfc"] is True and boundaries["encoding"] == "UTF-8"
    assert report["join"]["units_without_stats"] == 3321 and report["stats"] == []
    assert boundaries["register_2025"] == {"official_codes": 3321, "not_official": 0, "name_differs": []}
    assert all(unicodedata.is_normalized("NFC", row["commune_name"]) for row in report["sample"])


def _truncated_zip(path: Path) -> Path:
    whole = path.with_name("whole.zip")
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xa.geojson", '{"type": "FeatureCollection", "features": []}' * 100)
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    return path


def _xlsx_without_header(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    for row in ([1, 2, 3], [4, 5, 6]):
        workbook.active.append(row)
    workbook.save(path)
    return path


def _writing(content: bytes):
    def build(path: Path) -> Path:
        path.write_bytes(content)
        return path
    return build


BAD_INPUTS = {
    "empty": ("boundaries", "empty.geojson", _writing(b""), "the file is empty"),
    "truncated zip": ("boundaries", "ranh_gioi.zip", _truncated_zip, "corrupt or truncated"),
    "text named .shp": ("boundaries", "ranh_gioi.shp", _writing("xin chào\n".encode()), "not a valid shapefile"),
    "not JSON": ("boundaries", "xa.geojson", _writing(b"<html>404</html>"), "not JSON"),
    "csv no column": ("stats", "so_lieu.csv", _writing(b"a;b\n1;2\n"), "no recognisable header"),
    "xlsx no header": ("stats", "so_lieu.xlsx", _xlsx_without_header, "no recognisable header"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_exit_2_and_one_line(capsys, tmp_path, small_dataset, case):
    role, name, build, message = BAD_INPUTS[case]
    bad = build(tmp_path / name)
    shp, _ = small_dataset
    argv = ["--boundaries", str(bad)] if role == "boundaries" else ["--boundaries", str(shp), "--stats", str(bad)]
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"coverage-map validate: {name}: ") and message in err


def test_console_script_in_a_subprocess(tmp_path):
    script = shutil.which("coverage-map", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "dashboard.cli"]
    bad = tmp_path / "xa.shp"
    bad.write_text("not a shapefile")
    done = subprocess.run([*command, "validate", "--boundaries", str(bad), "--json"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "coverage-map validate: xa.shp: not a valid shapefile (wrong file header: is it another kind of file "
        "renamed?)"]


def test_commune_figures_on_hamlet_shapes_join_to_their_communes_and_finer_figures_are_refused(capsys, tmp_path):
    hamlets = write_raw_shapefile(tmp_path / "thon.shp", {
        "MA_XA": ["09877", "09877"], "TEN_THON": ["Thôn 1", "Thôn 2"]}, [square(105, 21), square(105.1, 21)],
        cpg="UTF-8")
    communes_csv = tmp_path / "xa_2025.csv"
    communes_csv.write_text("Mã xã,Số tổ\n09877,4\n", encoding="utf-8")
    code, out, _ = _run(capsys, "--boundaries", str(hamlets), "--stats", str(communes_csv), "--json")
    report = json.loads(out)
    assert code == 0 and report["boundaries"]["level"] == "hamlet"
    assert report["join"]["level"] == "commune" and report["join"]["matched_by_code"] == 1

    communes = write_raw_shapefile(tmp_path / "xa.shp", {"MA_XA": ["09877"]}, [square(105, 21)], cpg="UTF-8")
    hamlet_csv = tmp_path / "thon_2025.csv"
    hamlet_csv.write_text("Mã xã,Tên thôn,Số tổ\n09877,Thôn 1,1\n", encoding="utf-8")
    code, out, _ = _run(capsys, "--boundaries", str(communes), "--stats", str(hamlet_csv), "--json")
    assert code == 0
    assert json.loads(out)["join"]["problems"] == [
        "hamlet statistics cannot be joined to commune boundaries: give hamlet boundaries or statistics per commune"]


def test_codes_outside_the_2025_register_are_reported(capsys, tmp_path):
    shp = write_raw_shapefile(tmp_path / "xa_cu.shp", {"MA_XA": ["09892", "09877"], "TEN_XA": ["Đông La", "Vân Côn"]},
                              [square(105, 21), square(105.1, 21)], cpg="UTF-8")
    code, out, _ = _run(capsys, "--boundaries", str(shp), "--json")
    boundaries = json.loads(out)["boundaries"]
    assert code == 0
    assert boundaries["register_2025"] == {"official_codes": 1, "not_official": 1,
                                           "name_differs": ["09877: Vân Côn ≠ An Khánh"]}
    assert ("1 of 2 commune codes are not in the 2025 register (pre-2025 boundaries or other codes?)"
            in boundaries["problems"])


@pytest.mark.real_data
def test_pre_2025_report_on_real_2025_boundaries(capsys, tmp_path, real_communes_path):
    """An archive keyed by pre-2025 names, grouped by district: whole merges are summed, the rest is said."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Quý 4-2024"
    for row in (["Tỉnh", "Đơn vị", "Số tổ"], ["Hà Nội", "Huyện Sóc Sơn", 20], ["Hà Nội", "Xã Trung Giã", 3],
                ["Hà Nội", "Xã Bắc Sơn", 2], ["Hà Nội", "Xã Hồng Kỳ", 4], ["Hà Nội", "Xã Nam Sơn", 1],
                ["Hà Nội", "Xã Minh Trí", 5], ["Hà Nội", "Xã Tân Dân", 2], ["Hà Nội", "Xã Minh Phú", 3],
                ["Hà Nội", "Huyện Hoài Đức", 3], ["Hà Nội", "Xã Đông La", 3], [None, "Tổng cộng", 23]):
        sheet.append(row)
    report_file = tmp_path / "bao_cao_2024.xlsx"
    workbook.save(report_file)
    code, out, _ = _run(capsys, "--boundaries", str(real_communes_path), "--stats", str(report_file), "--json")
    join = json.loads(out)["join"]
    assert code == 0
    assert join["rows_read"] == 11 and sum(join["classes"].values()) == 11
    assert join["classes"] == {"code": 0, "name": 0, "legacy": 7, "legacy_incomplete": 1, "ambiguous": 0,
                               "duplicate": 0, "unmatched": 0, "implausible": 0, "not_data": 3}
    assert join["matched_legacy"] == 7 and join["unmatched_stats"] == []
    assert join["units_without_stats"] == 3321 - 2
    summed = {unit["commune_code"]: unit for unit in join["legacy_units"]}
    assert summed["00385"]["rows_summed"] == 4 and summed["00382"]["rows_summed"] == 3
    sample = {row["commune_code"]: row for row in json.loads(out)["sample"]}
    assert sample["00385"]["commune_name"] == "Trung Giã" and sample["00385"]["teams"] == 10
    assert sample["00382"]["commune_name"] == "Kim Anh" and sample["00382"]["match"] == "legacy_2025"
    incomplete = [row for row in join["rows"] if row["class"] == "legacy_incomplete"]
    assert [row["name"] for row in incomplete] == ["Xã Đông La"] and "An Khánh" in incomplete[0]["note"]["en"]
