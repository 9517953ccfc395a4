"""Stores on both backends over a small "embedded" dataset built here, and helpers to upload through the real
check → preview → apply path (issues 12, 17)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from loaders.archive import stage_files
from loaders.ingest import apply_upload, check_upload, preview_upload
from loaders.store import DirectoryStore
from loaders.store.plan import ApplyOptions

# province, province name, commune code, commune name, x, y
UNITS = [
    ("01", "Thành phố Hà Nội", "00004", "Phường Ba Đình", 105.80, 21.03),
    ("01", "Thành phố Hà Nội", "00008", "Phường Hoàn Kiếm", 105.90, 21.03),
    ("14", "Tỉnh Sơn La", "03980", "Xã Mường Bú", 104.00, 21.30),
    ("14", "Tỉnh Sơn La", "03982", "Xã Chiềng Mai", 104.10, 21.30),
    ("14", "Tỉnh Sơn La", "03985", "Xã Tà Hộc", 104.20, 21.30),
]
PERIODS = ("2025-Q1", "2025-Q2")
COLUMNS = {"teams": "Số tổ CNSCĐ", "team_members": "Số thành viên", "population": "Dân số",
           "population_15plus": "Dân số từ 15 tuổi trở lên",
           "smartphone_users": "Số người sử dụng điện thoại thông minh"}


def base_figures(i: int, period: str) -> dict:
    q = PERIODS.index(period) if period in PERIODS else 2
    return {"teams": 2 + i, "team_members": 10 + i + q, "population": 5000 + 100 * i,
            "population_15plus": 4000 + 100 * i, "smartphone_users": 2000 + 50 * i + 10 * q}


def small_dataset(directory: Path) -> Path:
    """An embedded-like dataset: 5 communes in 2 provinces, figures for every commune in 2025-Q1 and Q2."""
    from loaders.ingest_files import provinces_from_communes

    (directory / "geo").mkdir(parents=True)
    (directory / "stats").mkdir()
    communes = gpd.GeoDataFrame({
        "level": "commune", "province_code": [u[0] for u in UNITS], "province_name": [u[1] for u in UNITS],
        "commune_code": [u[2] for u in UNITS], "commune_name": [u[3] for u in UNITS],
        "commune_type": ["Phường" if u[3].startswith("Phường") else "Xã" for u in UNITS],
        "is_mountainous": [u[0] == "14" for u in UNITS], "geometry_source": "synthetic"},
        geometry=[box(x, y, x + 0.09, y + 0.09) for *_, x, y in UNITS], crs="EPSG:4326")
    communes.to_parquet(directory / "geo/communes.parquet")
    provinces_from_communes(communes).to_parquet(directory / "geo/provinces.parquet")
    rows = [{"commune_code": u[2], "commune_name": u[3], "province_code": u[0], "province_name": u[1],
             "period": p, **base_figures(i, p)} for p in PERIODS for i, u in enumerate(UNITS)]
    pd.DataFrame(rows).to_csv(directory / "stats/commune_stats.csv", index=False)
    (directory / "metadata.json").write_text(json.dumps({"demo": True, "periods": list(PERIODS)}))
    return directory


def stats_csv(path: Path, rows: list[tuple]) -> Path:
    """A Vietnamese statistics CSV: rows are (commune code, period, {column: value}); codes without zeros."""
    columns = sorted({c for *_, values in rows for c in values}, key=list(COLUMNS).index)
    lines = [";".join(["Mã xã", "Kỳ báo cáo", *[COLUMNS[c] for c in columns]])]
    for code, period, values in rows:
        lines.append(";".join([str(int(code)), period, *[str(values.get(c, "")) for c in columns]]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def check_file(store, *paths):
    staged = stage_files(list(paths), store.staging_dir())
    check = check_upload(staged, store)
    assert check.usable, [e.text("en") for e in check.errors]
    return staged, check


def apply_file(store, *paths, identity=None, options=ApplyOptions()):
    """Check, preview and apply one upload; return (preview, ledger entry)."""
    staged, check = check_file(store, *paths)
    preview = preview_upload(store, check, options, identity)
    entry = apply_upload(store, staged, check, options=options, identity=identity, preview=preview)
    return preview, entry


@pytest.fixture
def embedded(tmp_path) -> Path:
    return small_dataset(tmp_path / "embedded")


@pytest.fixture(params=["directory", "postgis"])
def make_store(request, tmp_path, embedded):
    """``make_store()`` → a fresh store of the parametrised backend over the small embedded dataset; the same
    database/directory on every call (several handles, as several app servers or processes would have)."""
    if request.param == "directory":
        root = tmp_path / "store"
        return lambda: DirectoryStore(root, default_dir=embedded, lock_timeout=5)
    from loaders.store.postgis import PostgisStore

    url = request.getfixturevalue("pg_cluster").new_database()
    PostgisStore(url, default_dir=embedded).init()
    return lambda: PostgisStore(url, default_dir=embedded, staging=tmp_path / "staging", lock_timeout=5)


@pytest.fixture
def store(make_store):
    return make_store()


def stats_table(store, version="active") -> pd.DataFrame:
    """Every stored commune row of a version, sorted, as comparable values."""
    from loaders.store.merge import FIGURES

    rows = store.dataset(version).stats_rows("commune")
    keep = ["commune_code", "period", *[c for c in FIGURES if c in rows]]
    table = rows[keep].copy()
    for column in keep[2:]:
        table[column] = pd.to_numeric(table[column]).astype("float64")
    return table.sort_values(["commune_code", "period"]).reset_index(drop=True)
