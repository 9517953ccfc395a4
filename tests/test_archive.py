"""Safe zip extraction: caps, path traversal, symlinks, zip bombs, corrupt archives (issue 7, SPEC §11)."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from loaders.archive import (
    MB, ArchiveLimits, UploadError, check_bytes_size, check_upload_size, inspect_zip, is_zip, safe_extract,
    safe_member_path,
)

LIMITS = ArchiveLimits(max_upload_bytes=5 * MB, max_unpacked_bytes=20 * MB, max_ratio=100)


def _zip(path: Path, entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return path


def test_limits_come_from_settings(tmp_path):
    from loaders.settings import load_settings

    path = tmp_path / "settings.toml"
    path.write_text("[upload]\nmax_upload_mb = 2\nmax_unpacked_mb = 3\nmax_zip_ratio = 7\n")
    limits = ArchiveLimits.from_settings(load_settings(path))
    assert limits == ArchiveLimits(2 * MB, 3 * MB, 7.0)
    assert ArchiveLimits.from_settings(load_settings(tmp_path / "absent.toml")) == ArchiveLimits()


def test_extracts_only_known_files_of_a_shapefile_zip(tmp_path):
    archive = _zip(tmp_path / "ranh_gioi.zip", {
        "xa/communes.shp": b"shp", "xa/communes.shx": b"shx", "xa/communes.dbf": b"dbf",
        "xa/communes.prj": b"prj", "xa/communes.cpg": b"UTF-8", "xa/readme.exe": b"MZ",
        "__MACOSX/xa/._communes.shp": b"junk", "xa/": b"",
    })
    out = safe_extract(archive, tmp_path / "out", LIMITS)
    names = sorted(p.relative_to(tmp_path / "out").as_posix() for p in out)
    assert names == ["xa/communes.cpg", "xa/communes.dbf", "xa/communes.prj", "xa/communes.shp", "xa/communes.shx"]
    assert (tmp_path / "out/xa/communes.shp").read_bytes() == b"shp"
    assert not (tmp_path / "out/xa/readme.exe").exists() and not (tmp_path / "out/__MACOSX").exists()


@pytest.mark.parametrize("name", [
    "../evil.shp", "xa/../../evil.shp", "/etc/evil.shp", "C:/evil.shp", "c:evil.shp", "..\\evil.shp",
    "\\\\server\\share\\evil.shp",
])
def test_unsafe_paths_refuse_the_whole_archive(tmp_path, name):
    archive = _zip(tmp_path / "x.zip", {"ok.shp": b"shp", name: b"evil"})
    dest = tmp_path / "out"
    with pytest.raises(UploadError, match="unsafe path") as caught:
        safe_extract(archive, dest, LIMITS)
    assert caught.value.key == "archive.unsafe_path"
    assert "unsafe path" in caught.value.text("en")
    assert not dest.exists() or list(dest.rglob("*")) == []
    assert not (tmp_path / "evil.shp").exists()


def test_safe_member_path():
    assert str(safe_member_path("a/./b.shp")) == "a/b.shp"
    assert str(safe_member_path("a\\b.shp")) == "a/b.shp"
    for bad in ("", "/", "../a", "a/../../b", "/a", "D:\\a", "a\x00.shp", "./C:x", "a/b.shp:stream"):
        assert safe_member_path(bad) is None


def test_symlink_entries_are_refused(tmp_path):
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ok.csv", "a\n")
        info = zipfile.ZipInfo("link.csv")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(UploadError, match="symbolic link"):
        safe_extract(path, tmp_path / "out", LIMITS)


def test_zip_bomb_is_refused_by_ratio_before_extraction(tmp_path):
    archive = _zip(tmp_path / "bomb.zip", {"so_lieu.csv": b"0" * (8 * MB)})
    assert archive.stat().st_size < 100_000  # highly compressible: thousands of times smaller
    with pytest.raises(UploadError, match="zip bomb"):
        safe_extract(archive, tmp_path / "out", LIMITS)
    assert not (tmp_path / "out").exists()


def test_zip_bomb_is_refused_by_total_unpacked_size(tmp_path):
    loose = ArchiveLimits(max_upload_bytes=5 * MB, max_unpacked_bytes=20 * MB, max_ratio=10_000)
    archive = _zip(tmp_path / "bomb.zip", {f"part{i}.csv": b"0" * (6 * MB) for i in range(4)})
    with pytest.raises(UploadError, match="unpacked content is too large"):
        safe_extract(archive, tmp_path / "out", loose)
    assert not (tmp_path / "out").exists()


def test_an_entry_larger_than_its_declared_size_stops_extraction(tmp_path):
    # forge a header that declares 10 bytes for a 3 MB entry: the stream cap catches the lie
    archive = _zip(tmp_path / "liar.zip", {"a.csv": b"x" * (3 * MB)}, compression=zipfile.ZIP_STORED)
    data = bytearray(archive.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")  # uncompressed size in the central directory
    archive.write_bytes(bytes(data))
    with pytest.raises(UploadError) as caught:
        safe_extract(archive, tmp_path / "out", LIMITS)
    assert caught.value.key in ("archive.unpacked_too_big", "archive.bad_zip")
    assert not (tmp_path / "out/a.csv").exists()


def test_truncated_zip_gets_a_clear_message(tmp_path):
    good = _zip(tmp_path / "good.zip", {"a.csv": b"ma_xa,so_to\n" * 1000})
    truncated = tmp_path / "cut.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(UploadError, match="corrupt or truncated") as caught:
        safe_extract(truncated, tmp_path / "out", LIMITS)
    assert str(caught.value).startswith("cut.zip: ")
    assert "corrupt or truncated" in caught.value.text("en")


def test_corrupted_entry_bytes_are_reported_as_corrupt(tmp_path):
    archive = _zip(tmp_path / "crc.zip", {"a.csv": b"abcdefgh" * 1000}, compression=zipfile.ZIP_STORED)
    data = bytearray(archive.read_bytes())
    data[100] ^= 0xFF  # flip a byte of the stored content: CRC check fails while reading
    archive.write_bytes(bytes(data))
    with pytest.raises(UploadError, match="corrupt"):
        safe_extract(archive, tmp_path / "out", LIMITS)
    assert not (tmp_path / "out/a.csv").exists()


def test_zip_without_readable_files(tmp_path):
    archive = _zip(tmp_path / "docs.zip", {"huong_dan.docx": b"PK", "anh.png": b"\x89PNG"})
    with pytest.raises(UploadError, match="holds no readable data file"):
        inspect_zip(archive, LIMITS)


def test_upload_size_caps(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(UploadError, match="empty"):
        check_upload_size(empty, LIMITS)
    big = tmp_path / "big.csv"
    with open(big, "wb") as handle:
        handle.truncate(6 * MB)  # sparse: no need to write the bytes
    with pytest.raises(UploadError, match="too large .*the limit is 5 MB"):
        check_upload_size(big, LIMITS)
    with pytest.raises(UploadError, match="too large"):
        check_bytes_size("big.csv", 6 * MB, LIMITS)
    small = tmp_path / "ok.csv"
    small.write_bytes(b"a")
    assert check_upload_size(small, LIMITS) == 1


def test_is_zip_by_name_or_signature(tmp_path):
    renamed = _zip(tmp_path / "ranh_gioi.dat", {"a.csv": b"a"})
    text = tmp_path / "a.csv"
    text.write_text("a,b\n")
    assert is_zip(renamed) and not is_zip(text)
    workbook = _zip(tmp_path / "so_lieu.xlsx", {"xl/workbook.xml": b"<x/>"})
    assert not is_zip(workbook)  # an .xlsx is a zip inside, but is read as a workbook


# -- hostile uploads (issue 14) ---------------------------------------------------------------------------------------
def test_a_long_file_name_keeps_its_extension_within_the_byte_cap():
    from loaders.archive import MAX_NAME_BYTES, safe_file_name

    name = safe_file_name("Báo cáo số liệu tổ công nghệ số cộng đồng tháng 10 " * 6 + ".xlsx")
    assert name.endswith(".xlsx") and len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert safe_file_name("../../" + "a" * 300 + ".csv") == "a" * (MAX_NAME_BYTES - 4) + ".csv"
    assert safe_file_name(".hidden.csv") == "hidden.csv" and safe_file_name("///") == "upload"


def test_a_long_file_name_is_staged_and_read(tmp_path):
    from loaders.archive import stage_files

    path = tmp_path / (("Báo_cáo_số_liệu_tổ_công_nghệ_" * 5)[:130] + ".csv")
    path.write_text("Mã xã;Số tổ\n1;2\n", encoding="utf-8")
    staged = stage_files([path], tmp_path / "stage", LIMITS)
    assert [p.suffix for p in staged.stats] == [".csv"]


def test_two_uploads_with_the_same_name_are_both_kept(tmp_path):
    from loaders.archive import stage_files

    staged = stage_files([("so_lieu.csv", b"a;b\n1;2\n"), ("so_lieu.csv", b"a;b\n3;4\n")], tmp_path / "s", LIMITS)
    assert [p.name for p in staged.stats] == ["so_lieu.csv", "so_lieu-2.csv"]
    assert [p.read_bytes() for p in staged.stats] == [b"a;b\n1;2\n", b"a;b\n3;4\n"]


def test_many_small_entries_that_unpack_to_much_are_a_bomb_too(tmp_path):
    entries = {f"x/{i}.csv": b"0" * (MB - 1024) for i in range(15)}
    with pytest.raises(UploadError) as caught:
        inspect_zip(_zip(tmp_path / "b.zip", entries), LIMITS)
    assert caught.value.key == "archive.total_ratio" and "bom ZIP" in caught.value.text("vi")


def test_the_entry_count_is_read_before_the_directory_is_parsed(tmp_path, monkeypatch):
    from loaders.archive import zip_entry_count
    from loaders.errors import LoaderError

    path = _zip(tmp_path / "n.zip", {f"{i}.txt": b"" for i in range(30)}, zipfile.ZIP_STORED)
    assert zip_entry_count(path) == 30
    monkeypatch.setattr(zipfile.ZipFile, "infolist", lambda self: pytest.fail("directory parsed"))
    with pytest.raises(LoaderError) as caught:
        inspect_zip(path, ArchiveLimits(5 * MB, 20 * MB, 100, max_entries=10))
    assert caught.value.key == "limits.too_many_entries" and caught.value.params == {"entries": 30, "limit": 10}


def test_a_damaged_deflate_stream_is_a_bad_zip_not_a_traceback(tmp_path):
    path = _zip(tmp_path / "d.zip", {"a.csv": bytes(range(256)) * 200})
    data = bytearray(path.read_bytes())
    for offset in range(60, 200):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(UploadError) as caught:
        safe_extract(path, tmp_path / "out", LIMITS)
    assert caught.value.key == "archive.bad_zip"
    assert list((tmp_path / "out").rglob("*")) == []


def test_a_full_disk_while_staging_is_said_as_such(tmp_path, monkeypatch):
    import errno
    from pathlib import Path as _Path

    from loaders.archive import stage_files

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_Path, "write_bytes", full)
    with pytest.raises(UploadError) as caught:
        stage_files([("so_lieu.csv", b"a;b\n1;2\n")], tmp_path / "s", LIMITS)
    assert caught.value.key == "archive.disk_full"
    assert caught.value.text("vi").startswith("so_lieu.csv: máy chủ đã hết chỗ lưu tệp")
    assert not (tmp_path / "s").exists()
