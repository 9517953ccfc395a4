"""``coverage-map export`` through the real entry point: files written, formats, atlases, one-line errors."""

from __future__ import annotations

import csv
import io
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from PIL import Image

from dashboard.cli import main
from test_export_dataset import build_dataset


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return build_dataset(tmp_path_factory.mktemp("cli_export") / "data")


def export(data_dir, *args):
    return main(["export", "--data-dir", str(data_dir), *args])


def test_png_of_a_province_by_name(data_dir, tmp_path, capsys):
    out = tmp_path / "son-la.png"
    assert export(data_dir, "--indicator", "smartphone_share", "--province", "Sơn La", "--out", str(out)) == 0
    image = Image.open(out)
    assert image.size == (1920, 1080) and image.mode == "RGB"
    assert str(out) in capsys.readouterr().out


def test_format_from_suffix_size_and_period(data_dir, tmp_path):
    out = tmp_path / "nho.png"
    assert export(data_dir, "--indicator", "team_presence", "--period", "2025-Q3", "--size", "800x450",
                  "--dpi", "100", "--out", str(out)) == 0
    assert Image.open(out).size == (800, 450)
    svg = tmp_path / "ban-do.svg"
    assert export(data_dir, "--indicator", "smartphone_share", "--province", "14", "--out", str(svg)) == 0
    assert b"<text" in svg.read_bytes() and "Quý 4/2025".encode() in svg.read_bytes()


def test_commune_means_its_hamlets(data_dir, tmp_path):
    out = tmp_path / "thon.csv"
    assert export(data_dir, "--indicator", "team_presence", "--commune", "Chiềng Hoa", "--out", str(out)) == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0][4] == "Mã thôn" and [row[4] for row in rows[1:]] == ["04003-01", "04003-02"]


def test_csv_of_a_filtered_view(data_dir, tmp_path):
    out = tmp_path / "bang.csv"
    assert export(data_dir, "--indicator", "smartphone_share", "--area", "mountainous", "--out", str(out)) == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["04000"] and rows[1][3] == "Xã Mường La"


def test_batch_commune_pdf_has_one_page_per_commune_and_progress_on_stderr(data_dir, tmp_path, capsys):
    pypdf = pytest.importorskip("pypdf")
    out = tmp_path / "atlas.pdf"
    assert export(data_dir, "--indicator", "smartphone_share", "--province", "14", "--batch", "commune",
                  "--out", str(out)) == 0
    assert len(pypdf.PdfReader(out).pages) == 3
    err = capsys.readouterr().err
    assert "[1/3] Xã Mường La" in err and "[3/3] Phường Tô Hiệu" in err


def test_batch_zip_of_pngs(data_dir, tmp_path):
    out = tmp_path / "atlas.zip"
    assert export(data_dir, "--indicator", "smartphone_share", "--province", "14", "--batch", "commune",
                  "--size", "640x360", "--out", str(out)) == 0
    assert len(zipfile.ZipFile(out).namelist()) == 3


def test_boundaries_and_stats_files_instead_of_the_embedded_data(data_dir, tmp_path):
    boundaries = tmp_path / "xa.geojson"
    gpd.read_parquet(data_dir / "geo" / "communes.parquet").to_file(boundaries, driver="GeoJSON")
    stats = tmp_path / "so_lieu.csv"
    pd.read_csv(data_dir / "stats" / "commune_stats.csv", dtype=str).to_csv(stats, index=False)
    out = tmp_path / "tu-tep.xlsx"
    assert main(["export", "--indicator", "smartphone_share", "--boundaries", str(boundaries), "--stats",
                 str(stats), "--province", "14", "--out", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"


def test_hamlet_files_are_mapped_at_their_own_level(data_dir, tmp_path):
    boundaries = tmp_path / "thon.geojson"
    gpd.read_parquet(data_dir / "geo" / "hamlets.parquet").to_file(boundaries, driver="GeoJSON")
    stats = tmp_path / "thon.csv"
    pd.read_parquet(data_dir / "stats" / "hamlet_stats.parquet").to_csv(stats, index=False)
    out = tmp_path / "thon-csv.csv"
    assert main(["export", "--indicator", "team_presence", "--boundaries", str(boundaries), "--stats", str(stats),
                 "--province", "Sơn La", "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert len(rows) - 1 == 6 and "Mã thôn" in rows[0] and not any("tử số" in h for h in rows[0])
    values = [float(row[rows[0].index("Tỷ lệ thôn, tổ dân phố có Tổ công nghệ số cộng đồng (%)")]) for row in rows[1:]]
    assert set(values) == {0.0, 100.0}


@pytest.mark.parametrize("args, message", [
    (["--indicator", "bogus"], "unknown indicator 'bogus'"),
    (["--indicator", "smartphone_share", "--province", "Atlantis"], "no province called 'Atlantis'"),
    (["--indicator", "smartphone_share", "--period", "2025-13"], "bad period '2025-13'"),
    (["--indicator", "smartphone_share", "--period", "2019"], "no figures for 2019"),
    (["--indicator", "smartphone_share", "--area", "desert"], "unknown area 'desert'"),
    (["--indicator", "smartphone_share", "--size", "big"], "bad --size 'big'"),
    (["--indicator", "smartphone_share", "--batch", "commune"], "--batch commune needs --province"),
])
def test_user_errors_are_one_line_exit_2(data_dir, tmp_path, capsys, args, message):
    out = tmp_path / "x.png"
    assert export(data_dir, *args, "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists()


def test_unwritable_or_unknown_out_is_a_one_line_error(data_dir, tmp_path, capsys):
    assert export(data_dir, "--indicator", "smartphone_share", "--out", str(tmp_path / "no" / "x.png")) == 2
    assert "does not exist" in capsys.readouterr().err
    assert export(data_dir, "--indicator", "smartphone_share", "--out", str(tmp_path / "x.docx")) == 2
    assert "cannot tell the format" in capsys.readouterr().err


def test_missing_dataset_directory(tmp_path, capsys):
    assert main(["export", "--data-dir", str(tmp_path / "none"), "--indicator", "smartphone_share",
                 "--out", str(tmp_path / "x.png")]) == 2
    assert "no dataset directory there" in capsys.readouterr().err
