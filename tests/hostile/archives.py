"""Hostile and broken ZIP archives (boundaries sent zipped, as the upload panel and ``validate`` accept them)."""

from __future__ import annotations

import json
import stat
import struct
import zipfile
from pathlib import Path

from hostile import case

MB = 1024 * 1024


def small_geojson(names=("Phường Ba Đình", "Xã Hòa Bình")) -> bytes:
    """Two square communes, Vietnamese field names: a file every reader accepts."""
    features = []
    for index, name in enumerate(names):
        x = 105.8 + index * 0.1
        features.append({"type": "Feature", "properties": {"ma_tinh": "01", "ma_xa": f"{4 + 4 * index:05d}",
                                                           "ten_xa": name},
                         "geometry": {"type": "Polygon", "coordinates": [[[x, 21.0], [x + 0.09, 21.0],
                                                                          [x + 0.09, 21.09], [x, 21.09],
                                                                          [x, 21.0]]]}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def write_zip(path: Path, entries: dict, compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression, compresslevel=1 if compression == zipfile.ZIP_DEFLATED else None) \
            as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return path


@case("zip", "boundaries")
def _zip_geojson_control(d: Path) -> Path:
    return write_zip(d / "ranh_gioi.zip", {"xa.geojson": small_geojson()})


@case("zip", "boundaries", "refused", "archive.bad_zip")
def _zip_truncated(d: Path) -> Path:
    whole = write_zip(d / "whole.zip", {"xa.geojson": small_geojson() * 1 + b" " * 200_000})
    data = whole.read_bytes()
    whole.unlink()
    (d / "ranh_gioi_cat.zip").write_bytes(data[: len(data) // 2])
    return d / "ranh_gioi_cat.zip"


@case("zip", "boundaries", "refused", "archive.bad_zip")
def _zip_damaged_deflate(d: Path) -> Path:
    path = write_zip(d / "hong.zip", {"xa.geojson": small_geojson() + bytes(range(256)) * 400})
    data = bytearray(path.read_bytes())
    start = 30 + len("xa.geojson")  # the local header, then the compressed stream
    for offset in range(start + 40, start + 200):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


@case("zip", "boundaries", "refused", "archive.unsafe_path")
def _zip_traversal(d: Path) -> Path:
    return write_zip(d / "vuot_thu_muc.zip", {"xa.geojson": small_geojson(), "../../evil.geojson": b"{}"})


@case("zip", "boundaries", "refused", "archive.unsafe_path")
def _zip_absolute_path(d: Path) -> Path:
    return write_zip(d / "tuyet_doi.zip", {"/tmp/evil.geojson": small_geojson()})


@case("zip", "boundaries", "refused", "archive.unsafe_path")
def _zip_backslash_traversal(d: Path) -> Path:
    return write_zip(d / "gach_nguoc.zip", {"..\\..\\evil.geojson": small_geojson()})


@case("zip", "boundaries", "refused", "archive.symlink")
def _zip_symlink(d: Path) -> Path:
    path = d / "lien_ket.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xa.geojson", small_geojson())
        info = zipfile.ZipInfo("passwd.geojson")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    return path


@case("zip", "boundaries", "refused", "archive.ratio")
def _zip_bomb_one_entry(d: Path) -> Path:
    return write_zip(d / "bom.zip", {"xa.geojson": b" " * (60 * MB)})


@case("zip", "boundaries", "refused", "archive.total_ratio")
def _zip_bomb_many_small_entries(d: Path) -> Path:
    block = b"0" * (MB - 1024)  # each under the 1 MB a single entry's ratio is checked from
    path = d / "bom_nho.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xa.geojson", small_geojson())
        for index in range(40):
            archive.writestr(f"rac/{index:03d}.csv", block)
    return path


@case("zip", "boundaries", "refused", "limits.too_many_entries")
def _zip_too_many_entries(d: Path) -> Path:
    return write_zip(d / "nhieu_tep.zip", {"xa.geojson": small_geojson(),
                                           **{f"x/{i:05d}.txt": b"" for i in range(5000)}}, zipfile.ZIP_STORED)


@case("zip", "boundaries", "refused", "archive.encrypted")
def _zip_encrypted_flag(d: Path) -> Path:
    path = write_zip(d / "mat_khau.zip", {"xa.geojson": small_geojson()}, zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    data[6] |= 0x1  # general purpose flag of the local header
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 0x1  # and of the central directory entry
    path.write_bytes(bytes(data))
    return path


@case("zip", "boundaries", "refused", "archive.no_known_files")
def _zip_nothing_readable(d: Path) -> Path:
    return write_zip(d / "khong_du_lieu.zip", {"doc_ky.txt": b"hello", "anh.png": b"\x89PNG"})


@case("zip", "boundaries", "refused", "archive.no_known_files")
def _zip_empty(d: Path) -> Path:
    return write_zip(d / "rong.zip", {})


@case("zip", "boundaries", "refused", "archive.no_known_files")
def _zip_inside_zip(d: Path) -> Path:
    inner = write_zip(d / "inner.zip", {"xa.geojson": small_geojson()}).read_bytes()
    (d / "inner.zip").unlink()
    return write_zip(d / "long_nhau.zip", {"inner.zip": inner})


@case("zip", "boundaries", "refused", "archive.no_known_files")
def _zip_only_folders(d: Path) -> Path:
    return write_zip(d / "thu_muc.zip", {"a/": b"", "a/b/": b""})


@case("zip", "boundaries", "refused", "boundaries.missing_parts")
def _zip_shapefile_without_dbf(d: Path) -> Path:
    return write_zip(d / "thieu_dbf.zip", {"xa.shp": b"\x00\x00\x27\x0a" + bytes(96), "xa.shx": bytes(100)})


@case("zip", "boundaries")
def _zip_long_member_name(d: Path) -> Path:
    return write_zip(d / "ten_dai.zip", {"ranh giới " * 20 + ".geojson": small_geojson()})


@case("zip", "boundaries")
def _zip_big_comment(d: Path) -> Path:
    path = d / "chu_thich.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xa.geojson", small_geojson())
        archive.comment = "ghi chú ".encode("utf-8") * 6000
    return path


@case("zip", "boundaries", "refused", "archive.bad_zip")
def _zip_comment_of_fake_end_records(d: Path) -> Path:
    path = d / "chu_thich_gia.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xa.geojson", small_geojson())
        archive.comment = b"PK\x05\x06" * 16000  # end-of-directory signatures that point nowhere
    return path


@case("zip", "boundaries", "refused", "archive.bad_zip")
def _zip_lying_sizes(d: Path) -> Path:
    path = write_zip(d / "noi_doi.zip", {"xa.geojson": small_geojson()}, zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<L", data, central + 16, 0xDEADBEEF)  # CRC-32 that matches nothing
    struct.pack_into("<L", data, 14, 0xDEADBEEF)
    path.write_bytes(bytes(data))
    return path


@case("zip", "boundaries", "refused", "archive.bad_zip")
def _zip_garbage_named_zip(d: Path) -> Path:
    (d / "rac.zip").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    return d / "rac.zip"


@case("zip", "boundaries", "any", panel="refused:archive.unsafe_path")
def _zip_duplicate_names(d: Path) -> Path:
    path = d / "trung_ten.zip"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": exactly the point of this file
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("xa.geojson", small_geojson())
            archive.writestr("xa.geojson", small_geojson(("Xã Khác", "Xã Nữa")))
    return path
