"""A corpus of broken and hostile uploads, built here: each is refused with a clear one-line message and the
data in use stays exactly as it was (issue 7, SPEC §11)."""

from __future__ import annotations

import shutil
import stat
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from shapely.geometry import box

from loaders import ingest as ingest_module
from loaders.archive import MB, ArchiveLimits, stage_files
from loaders.errors import LoaderError
from loaders.ingest import IngestError, apply_upload, check_upload, error_text
from loaders.store import DatasetStore, active_data_dir
from loaders.store.plan import ApplyOptions
from upload_fixtures import commune_boundaries, commune_stats_csv, tree_hashes

LIMITS = ArchiveLimits(max_upload_bytes=20 * MB, max_unpacked_bytes=50 * MB, max_ratio=100)


def _zip(path: Path, entries: dict, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return path


def _empty(d: Path) -> Path:
    (d / "so_lieu_rong.csv").write_bytes(b"")
    return d / "so_lieu_rong.csv"


def _truncated_zip(d: Path) -> Path:
    rows = "".join(f"{code:05d},Xã số {code},{code * 7919 % 1000}\n" for code in range(5000)).encode("utf-8")
    whole = _zip(d / "whole.zip", {"so_lieu.csv": rows})
    (d / "ranh_gioi_cat.zip").write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])  # a download cut off
    return d / "ranh_gioi_cat.zip"


def _text_as_shp(d: Path) -> Path:
    (d / "ranh_gioi.shp").write_text("Đây là văn bản, không phải shapefile", encoding="utf-8")
    return d / "ranh_gioi.shp"


def _traversal_zip(d: Path) -> Path:
    return _zip(d / "ranh_gioi.zip", {"xa.geojson": b"{}", "../evil.csv": b"Ma xa\n1\n"})


def _absolute_zip(d: Path) -> Path:
    return _zip(d / "tuyet_doi.zip", {"/tmp/evil.csv": b"x"})


def _symlink_zip(d: Path) -> Path:
    return _zip(d / "lien_ket.zip", {"a.csv": b"a"}, symlink="passwd.csv")


def _zip_bomb(d: Path) -> Path:
    return _zip(d / "bom.zip", {"so_lieu.csv": b"0" * (40 * MB)})  # ~40 KB compressed, ratio ~1000


def _geojson_not_json(d: Path) -> Path:
    (d / "xa.geojson").write_text("<html>404 Not Found</html>", encoding="utf-8")
    return d / "xa.geojson"


def _xlsx_without_header(d: Path) -> Path:
    workbook = openpyxl.Workbook()
    for row in range(10):
        workbook.active.append([row, row * 2, row * 3])
    workbook.save(d / "khong_tieu_de.xlsx")
    return d / "khong_tieu_de.xlsx"


def _binary_csv(d: Path) -> Path:
    (d / "rac.csv").write_bytes(bytes(range(256)) * 64)
    return d / "rac.csv"


def _fake_xlsx(d: Path) -> Path:
    (d / "gia.xlsx").write_text("Mã xã,Số tổ\n1,2\n", encoding="utf-8")
    return d / "gia.xlsx"


def _huge(d: Path) -> Path:
    with open(d / "qua_lon.csv", "wb") as handle:
        handle.truncate(LIMITS.max_upload_bytes + 1)  # sparse: over the cap without writing 20 MB
    return d / "qua_lon.csv"


def _projected_without_crs(d: Path) -> Path:
    frame = gpd.GeoDataFrame({"ma_xa": ["00004"], "ten_xa": ["Phường Ba Đình"]},
                             geometry=[box(580000, 2320000, 581000, 2321000)])  # VN-2000 metres, no CRS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "no crs": exactly the point of this file
        frame.to_file(d / "vn2000.geojson", driver="GeoJSON")
    return d / "vn2000.geojson"


def _wrong_columns(d: Path) -> Path:
    (d / "sai_cot.csv").write_text("Họ tên,Ngày sinh\nNguyễn Văn A,1/1/1990\n", encoding="utf-8")
    return d / "sai_cot.csv"


def _unknown_type(d: Path) -> Path:
    (d / "virus.exe").write_bytes(b"MZ\x90\x00")
    return d / "virus.exe"


def _header_only(d: Path) -> Path:
    (d / "chi_tieu_de.csv").write_text("Mã xã,Kỳ báo cáo,Số tổ CNSCĐ\n", encoding="utf-8")
    return d / "chi_tieu_de.csv"


#: builder, and a fragment the one-line message must contain
CORPUS = {
    "empty": (_empty, "rỗng"),
    "truncated zip": (_truncated_zip, "hỏng hoặc không đầy đủ"),
    "text named .shp": (_text_as_shp, "shapefile"),
    "zip with ../": (_traversal_zip, "không an toàn"),
    "zip with an absolute path": (_absolute_zip, "không an toàn"),
    "zip with a symlink": (_symlink_zip, "liên kết"),
    "zip bomb": (_zip_bomb, "bom ZIP"),
    "geojson that is not json": (_geojson_not_json, "JSON"),
    "xlsx without header": (_xlsx_without_header, "tiêu đề"),
    "csv of binary garbage": (_binary_csv, "not a text"),
    "xlsx that is text": (_fake_xlsx, "XLSX"),
    "file over the cap": (_huge, "quá lớn"),
    "projected coordinates, no CRS": (_projected_without_crs, "CRS"),
    "wrong columns": (_wrong_columns, "tiêu đề"),
    "unknown file type": (_unknown_type, "không được hỗ trợ"),
    "header only": (_header_only, "không có dòng dữ liệu"),
}


@pytest.fixture(scope="module")
def prepared_store(tmp_path_factory) -> Path:
    """A store whose active version (v0002) has boundaries and figures, built once for the module."""
    folder = tmp_path_factory.mktemp("prepared")
    store = DatasetStore(folder / "store")
    for path in (commune_boundaries(folder / "ranh_gioi.geojson"), commune_stats_csv(folder / "q3.csv")):
        staged = stage_files([path], store.staging_dir())
        # these replace the embedded demo layers (an explicit choice; a merge would keep the demo rows)
        apply_upload(store, staged, check_upload(staged, store), options=ApplyOptions(replace_level=True))
    return store.root


@pytest.fixture
def store(prepared_store, tmp_path) -> DatasetStore:
    shutil.copytree(prepared_store, tmp_path / "store", symlinks=True)
    return DatasetStore(tmp_path / "store")


def _refusal(store: DatasetStore, path: Path) -> LoaderError:
    """Upload ``path`` the way the panel does; return why it was refused (fail if it was accepted)."""
    try:
        staged = stage_files([path], store.staging_dir(), LIMITS)
    except LoaderError as error:
        return error
    check = check_upload(staged, store)
    assert not check.usable, f"{path.name} was accepted"
    with pytest.raises(IngestError):
        apply_upload(store, staged, check)
    staged.discard()
    return check.errors[0]


def _state(store: DatasetStore) -> dict:
    versions = {p.name: tree_hashes(p) for p in store.root.glob("v*")}
    return {"manifest": (store.root / "manifest.json").read_bytes(), "versions": versions,
            "active": active_data_dir(store)}


@pytest.mark.parametrize("case", list(CORPUS))
def test_each_bad_upload_is_refused_and_nothing_changes(store, tmp_path, case):
    build, fragment = CORPUS[case]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    path = build(corpus)
    source_bytes = path.read_bytes() if path.stat().st_size < MB else None
    before = _state(store)

    error = _refusal(store, path)

    message = error_text(error)
    assert fragment.lower() in message.lower(), message
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith(path.name + ":") or path.name in message
    assert _state(store) == before  # same manifest, same active version, every file byte for byte
    assert list((store.root / ".tmp").iterdir()) == []  # nothing left behind
    assert not (tmp_path / "evil.csv").exists() and not (store.root / "evil.csv").exists()
    if source_bytes is not None:
        assert path.read_bytes() == source_bytes  # the file given is never modified


@pytest.mark.parametrize("case", list(CORPUS))
def test_the_panel_explains_each_refusal_in_vietnamese(store, tmp_path, case):
    from dashboard.app.upload_panel import error_text as panel_text

    path = CORPUS[case][0](tmp_path)
    error = _refusal(store, path)
    vietnamese, english = panel_text(error, "vi"), panel_text(error, "en")
    assert vietnamese.startswith(path.name + ":") and english.startswith(path.name + ":")
    assert vietnamese != english  # translated, not the loader's English sentence passed through
    assert not vietnamese.isascii()


def test_english_messages_exist_for_the_upload_refusals(store, tmp_path):
    error = _refusal(store, _traversal_zip(tmp_path))
    assert "unsafe path" in error.text("en") and "không an toàn" in error.text("vi")


def test_an_unexpected_loader_crash_becomes_a_message(store, tmp_path, monkeypatch):
    def crash(path):
        raise ZeroDivisionError("bug in a loader")

    monkeypatch.setattr(ingest_module, "read_stats", crash)
    before = _state(store)
    error = _refusal(store, commune_stats_csv(tmp_path / "q4.csv", "2025-Q4"))
    assert error.key == "ingest.unreadable" and "ZeroDivisionError" in str(error)
    assert _state(store) == before


def test_a_good_upload_after_refusals_still_works(store, tmp_path):
    for build, _ in list(CORPUS.values())[:4]:
        folder = tmp_path / build.__name__
        folder.mkdir()
        _refusal(store, build(folder))
    staged = stage_files([commune_stats_csv(tmp_path / "q4.csv", "2025-Q4")], store.staging_dir())
    entry = apply_upload(store, staged, check_upload(staged, store))
    assert entry["id"] == "v0003" and entry["parent"] == "v0002"
