"""Hamlet lists built from real places (issue 11): true positions inside real 2025 communes of ``../shared``,
written the ways provincial offices write them (VN-2000 X/Y of the province's TM-3 zone, degrees with a decimal
comma, DMS), with figures per hamlet. Nothing here is copied into the repository: every file goes to ``tmp_path``.

The VN-2000 coordinates are computed *independently* of PROJ's EPSG definitions: WGS 84 → geocentric → the
7-parameter shift of Decision 05/2007/QĐ-BTNMT (dX -191,90441429 m, dY -39,30318279 m, dZ -111,45032835 m,
ω -0,00928836", ψ 0,01975479", ε -0,00427372", k 1,000000252906278; VN-2000 → WGS 84, coordinate-frame rotations
as EPSG reads the decision) inverted here in numpy → geographic → the bare transverse Mercator of Circular
973/2001/TT-TCĐC (scale 0.9999, false easting 500 km, the province's central meridian).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Proj

A, F = 6378137.0, 1 / 298.257223563
E2 = F * (2 - F)
#: Decision 05/2007/QĐ-BTNMT, VN-2000 → WGS 84.
SHIFT = np.array([-191.90441429, -39.30318279, -111.45032835])
ROTATION_ARCSEC = np.array([-0.00928836, 0.01975479, -0.00427372])
SCALE_PPM = 0.252906278
NAMES = ("Thôn {n}", "Bản Nà {w}", "Tổ dân phố {n}", "Xóm {w}", "Ấp {n}", "Thôn {w} Hạ", "Bản Huổi {w}")
WORDS = ("Sản", "Hoà", "Mường", "Pá", "Chiềng", "Phiêng", "Đồng", "Tân", "Lập", "Quyết Tiến", "Thủy", "Khoẳng")


def _ecef(lon, lat):
    lon, lat = np.radians(lon), np.radians(lat)
    n = A / np.sqrt(1 - E2 * np.sin(lat) ** 2)
    return np.stack([n * np.cos(lat) * np.cos(lon), n * np.cos(lat) * np.sin(lon), n * (1 - E2) * np.sin(lat)])


def _geodetic(xyz):
    x, y, z = xyz
    lon, p = np.arctan2(y, x), np.hypot(x, y)
    lat = np.arctan2(z, p * (1 - E2))
    for _ in range(8):
        n = A / np.sqrt(1 - E2 * np.sin(lat) ** 2)
        lat = np.arctan2(z + E2 * n * np.sin(lat), p)
    return np.degrees(lon), np.degrees(lat)


def wgs84_to_vn2000_geographic(lon, lat):
    """WGS 84 longitude/latitude → VN-2000 longitude/latitude (the inverse of the published shift)."""
    rx, ry, rz = np.radians(ROTATION_ARCSEC / 3600)
    rotation = np.array([[1, rz, -ry], [-rz, 1, rx], [ry, -rx, 1]])  # coordinate frame (EPSG 1032)
    wgs = _ecef(np.atleast_1d(np.asarray(lon, float)), np.atleast_1d(np.asarray(lat, float)))
    vn = np.linalg.solve(rotation * (1 + SCALE_PPM * 1e-6), wgs - SHIFT[:, None])
    return _geodetic(vn)


def vn2000_tm3(lon, lat, meridian: float, scale: float = 0.9999):
    """WGS 84 → VN-2000 plane (X north, Y east) on ``meridian`` (``scale`` 0.9996 for the 6° UTM zones)."""
    vlon, vlat = wgs84_to_vn2000_geographic(lon, lat)
    east, north = Proj(f"+proj=tmerc +lat_0=0 +lon_0={meridian} +k={scale} +x_0=500000 +y_0=0 +ellps=WGS84")(
        vlon, vlat)
    if np.ndim(lon) == 0:
        return float(np.ravel(north)[0]), float(np.ravel(east)[0])
    return north, east


@lru_cache(maxsize=2)
def real_communes(path: str) -> gpd.GeoDataFrame:
    """The real 2025 communes with canonical column names, shapes made valid."""
    layer = gpd.read_file(path, layer="wards_2025")
    communes = layer.rename(columns={"ward_code": "commune_code", "ward_name": "commune_name",
                                     "ward_type": "commune_type"})
    communes = communes[["province_code", "province_name", "commune_code", "commune_name", "commune_type",
                         "geometry"]].copy()
    communes["geometry"] = [shapely.make_valid(g) if not g.is_valid else g for g in communes.geometry]
    communes.insert(0, "level", "commune")
    return communes.reset_index(drop=True)


def sample_hamlets(communes: gpd.GeoDataFrame, codes, seed: int, most: int = 6, margin_m: float = 80.0,
                   shared_name: str = "Thôn 1") -> pd.DataFrame:
    """Hamlets at random positions at least ``margin_m`` inside real communes, each with its own figures.

    Every commune gets one to ``most`` hamlets; the first is always ``shared_name`` (the same name in several
    communes must stay several hamlets).
    """
    rng = np.random.default_rng(seed)
    rows = []
    for code in codes:
        commune = communes[communes["commune_code"] == code].iloc[0]
        shape = commune.geometry
        inner = shapely.buffer(shape, -margin_m / 111_000)
        inner = inner if not inner.is_empty else shape
        minx, miny, maxx, maxy = inner.bounds
        count = int(rng.integers(1, most + 1))
        names = [shared_name] + [NAMES[k % len(NAMES)].format(n=k + 1, w=WORDS[(k + seed) % len(WORDS)])
                                 for k in range(1, count)]
        for name in names:
            for _ in range(10_000):
                x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
                if shapely.contains_xy(inner, x, y):
                    break
            households = int(rng.integers(60, 600))
            rows.append({"province_code": commune.province_code, "province_name": commune.province_name,
                         "commune_code": code, "commune_name": commune.commune_name,
                         "commune_type": commune.commune_type, "hamlet_name": name, "lon": x, "lat": y,
                         "teams": int(rng.integers(0, 2)), "team_members": int(rng.integers(3, 9)),
                         "households": households, "people_trained": int(rng.integers(0, households))})
    return pd.DataFrame(rows)


def points_inside(shape, count: int, seed: int) -> np.ndarray:
    """``count`` random points inside ``shape`` (rejection sampling), as an (n, 2) array."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = shape.bounds
    found = []
    while len(found) < count:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(shape, x, y):
            found.append((x, y))
    return np.array(found)


def pick_communes(communes: gpd.GeoDataFrame, province: str, count: int, seed: int) -> list[str]:
    codes = sorted(communes.loc[communes["province_code"] == province, "commune_code"])
    return list(np.random.default_rng(seed).choice(codes, size=min(count, len(codes)), replace=False))


def dms(value: float, hemisphere: str) -> str:
    degrees = int(value)
    minutes_float = (value - degrees) * 60
    minutes = int(minutes_float)
    seconds = (minutes_float - minutes) * 60
    return f"{degrees}°{minutes:02d}'{seconds:05.2f}\"{hemisphere}".replace(".", ",")


def grouped(value: float) -> str:
    """Metres the Vietnamese way: 2.345.678,12."""
    whole, cents = divmod(round(value * 100), 100)
    return f"{whole:,}".replace(",", ".") + f",{cents:02d}"


def write_xlsx(path: Path, sheet: str, above: list[str], header: list[str], rows: list[list]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for line in above:
        worksheet.append([line])
    worksheet.append([])
    worksheet.append(header)
    for row in rows:
        worksheet.append(row)
    worksheet.append([])
    worksheet.append(["", "Người lập biểu"])
    workbook.save(path)
    return path


def write_csv(path: Path, header: list[str], rows: list[list], delimiter: str = ";") -> Path:
    lines = [delimiter.join(header)] + [delimiter.join("" if v is None else str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def dataset_dir(directory: Path, communes: gpd.GeoDataFrame) -> Path:
    """A dataset directory (docs/ARCHITECTURE.md) holding only the real communes of some provinces."""
    (directory / "geo").mkdir(parents=True, exist_ok=True)
    communes.to_parquet(directory / "geo" / "communes.parquet")
    provinces = communes.dissolve("province_code", as_index=False)[["province_code", "province_name", "geometry"]]
    provinces.insert(0, "level", "province")
    provinces.to_parquet(directory / "geo" / "provinces.parquet")
    (directory / "metadata.json").write_text(json.dumps({"demo": False, "sources": [{"name": "test"}]}),
                                             encoding="utf-8")
    return directory


def distances_m(lon_a, lat_a, lon_b, lat_b) -> np.ndarray:
    from pyproj import Geod

    return np.asarray(Geod(ellps="WGS84").inv(lon_a, lat_a, lon_b, lat_b)[2])


def matched(truth: pd.DataFrame, units: gpd.GeoDataFrame) -> pd.DataFrame:
    """Truth rows with the loaded point of the same (commune, hamlet name); ``error_m`` the distance."""
    loaded = pd.DataFrame({"commune_code": units["commune_code"], "hamlet_name": units["hamlet_name"],
                           "got_lon": units.geometry.x, "got_lat": units.geometry.y})
    both = truth.merge(loaded, on=["commune_code", "hamlet_name"], how="left", validate="one_to_one")
    both["error_m"] = distances_m(both["lon"], both["lat"], both["got_lon"], both["got_lat"])
    assert both["got_lon"].notna().all(), both.loc[both["got_lon"].isna(), ["commune_name", "hamlet_name"]]
    return both


def isclose_all(a, b) -> bool:
    return all(math.isclose(x, y) for x, y in zip(a, b))
