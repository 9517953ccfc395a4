"""Small files built by the upload tests: commune boundaries, a statistics sheet, hashing of a directory tree."""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

XSS_NAME = "<img src=x onerror=alert(1)>"

COMMUNES = [
    # province_code, province_name, commune_code, commune_name, x, y
    ("01", "Thành phố Hà Nội", "00004", "Phường Ba Đình", 105.80, 21.03),
    ("01", "Thành phố Hà Nội", "00008", "Xã Hòa Bình", 105.90, 21.03),
    ("14", "Tỉnh Sơn La", "03980", "Xã Mường Bú", 104.00, 21.30),
    ("14", "Tỉnh Sơn La", "03982", XSS_NAME, 104.10, 21.30),
]


def commune_boundaries(path: Path, names: dict[str, str] | None = None, shift: float = 0.0) -> Path:
    """Write a GeoJSON of four square communes in two provinces (Vietnamese field names, like real files)."""
    names = names or {}
    frame = gpd.GeoDataFrame(
        {"ma_tinh": [c[0] for c in COMMUNES], "ten_tinh": [c[1] for c in COMMUNES],
         "ma_xa": [c[2] for c in COMMUNES], "ten_xa": [names.get(c[2], c[3]) for c in COMMUNES],
         "mien_nui": [c[0] == "14" for c in COMMUNES]},
        geometry=[box(x + shift, y, x + shift + 0.09, y + 0.09) for *_, x, y in COMMUNES], crs="EPSG:4326")
    frame = frame.rename(columns={"mien_nui": "Miền núi"})
    frame.to_file(path, driver="GeoJSON")
    return path


def commune_stats_csv(path: Path, period: str = "2025-Q3", teams: int = 3) -> Path:
    """A Vietnamese statistics CSV: codes without leading zeros, an ASCII name, one row that matches nothing."""
    text = (
        "Mã xã;Tên xã/phường;Kỳ báo cáo;Số tổ CNSCĐ;Số thành viên;Dân số;Dân số từ 15 tuổi trở lên;"
        "Số người sử dụng điện thoại thông minh\n"
        f"4;Phường Ba Đình;{period};{teams};\"1.234\";12.345;10.000;8.500\n"
        f";Xa Hoa Binh;{period};2;10;500;400;300\n"
        f"3980;Xã Mường Bú;{period};5;40;4.000;3.000;1.500\n"
        f";Xã Không Tồn Tại;{period};1;1;1;1;1\n"
    )
    path.write_text(text, encoding="utf-8")
    return path


def tree_hashes(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` (relative path → hash)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(root).rglob("*")) if p.is_file()}


def hamlet_boundaries(path: Path) -> Path:
    """Two hamlets in each commune of :data:`COMMUNES` (points are enough: many provinces only have those)."""
    from shapely.geometry import Point

    rows, shapes = [], []
    for province, _, commune, _, x, y in COMMUNES:
        for number in (1, 2):
            rows.append({"ma_tinh": province, "ma_xa": commune, "ma_thon": f"{commune}-T{number}",
                         "ten_thon": f"Thôn {number}"})
            shapes.append(Point(x + 0.02 * number, y + 0.02))
    gpd.GeoDataFrame(rows, geometry=shapes, crs="EPSG:4326").to_file(path, driver="GeoJSON")
    return path
