"""The data store (issues 12, 17): the national commune map read from PostGIS vs from files, cold and warm, and
the check / preview / apply of a national commune upload on both backends, side by side.

Run: ``python -m benchmarks.bench_store [--url postgresql://...]``. Without ``--url`` a throwaway cluster is
started (tests/pg_cluster.py; needs Debian's postgresql + postgis). Boundaries: the real 2025 communes from
``../shared`` when present (3,321 real shapes), else the embedded demo layer; figures: the embedded demo's.

"cold" = a new store object and a new process-level connection pool (files: a first read after the OS cache
holds them — the machine's page cache cannot be dropped without root privileges we do not assume);
"warm" = the same read again in the same process.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "data" / "real" / "vn_communes_2025.gpkg"


def _timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def _national_upload(path: Path, data_dir: Path, period: str = "2026-Q1") -> Path:
    """A national commune file for a new quarter: every commune, the template's Vietnamese headers."""
    import pandas as pd

    stats = pd.read_csv(data_dir / "stats/commune_stats.csv", dtype={"commune_code": str})
    latest = stats[stats["period"] == stats["period"].max()]
    table = pd.DataFrame({"Mã xã": latest["commune_code"], "Tên xã/phường": latest["commune_name"],
                          "Kỳ báo cáo": period, "Số tổ CNSCĐ": latest["teams"] + 1,
                          "Số thành viên": latest["team_members"] + 3})
    table.to_csv(path, index=False)
    return path


def _dataset_with_real_communes(directory: Path) -> Path:
    """The embedded dataset with its commune layer replaced by the real 2025 shapes (when available)."""
    import shutil

    from loaders.boundaries import read_boundaries
    from loaders.dataset import DEFAULT_DATA_DIR
    from loaders.ingest_files import provinces_from_communes, write_geoparquet

    shutil.copytree(DEFAULT_DATA_DIR, directory)
    if REAL.exists():
        units = read_boundaries(REAL, level="commune").units
        write_geoparquet(units, directory / "geo/communes.parquet")
        write_geoparquet(provinces_from_communes(units), directory / "geo/provinces.parquet")
    (directory / "geo/hamlets.parquet").unlink()  # the national commune map does not need the 67k hamlets
    (directory / "stats/hamlet_stats.parquet").unlink()
    return directory


def _read_map(store):
    dataset = store.dataset()
    units = dataset.units("commune")
    stats = dataset.stats("commune")
    return len(units), len(stats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an initialised-or-empty PostGIS database (default: a throwaway cluster)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    sys.path.insert(0, str(REPO / "tests"))
    from loaders.archive import stage_files
    from loaders.ingest import apply_upload, check_upload, preview_upload
    from loaders.store import DirectoryStore
    from loaders.store.postgis import PostgisStore

    work = Path(tempfile.mkdtemp(prefix="bench-store-"))
    embedded = _dataset_with_real_communes(work / "embedded")
    upload = _national_upload(work / "so_lieu_quy1_2026.csv", embedded)
    cluster = None
    url = args.url
    if url is None:
        import pg_cluster

        reason = pg_cluster.missing_reason()
        if reason:
            print("PostGIS skipped:", reason)
            return
        cluster = pg_cluster.Cluster().start()
        url = cluster.new_database()
    try:
        stores = {"files": lambda: DirectoryStore(work / "store", default_dir=embedded),
                  "postgis": lambda: PostgisStore(url, default_dir=embedded, staging=work / "staging")}
        stores["postgis"]().init()
        rows = []
        for name, make in stores.items():
            store = make()
            staged = stage_files([upload], store.staging_dir())
            t_check, check = _timed(lambda: check_upload(staged, store))
            t_preview, preview = _timed(lambda: preview_upload(store, check))
            t_apply, entry = _timed(lambda: apply_upload(store, staged, check, preview=preview))
            added = entry["changes"]["commune"]["2026-Q1"]["added"]
            cold, (units, stats) = _timed(lambda: _read_map(make()))
            warm, _ = _timed(lambda: _read_map(store))
            rows.append((name, t_check, t_preview, t_apply, added, cold, warm, units, stats))
            if name == "files":
                print("preview of the national upload (vi):")
                for line in preview.lines():
                    print("   ", line.text("vi"))
        print(f"\nnational commune upload: {upload.name}, boundaries: "
              f"{'real 2025 communes' if REAL.exists() else 'embedded demo communes'}")
        print(f"{'store':8} {'check s':>8} {'preview s':>10} {'apply s':>8} {'rows':>6} "
              f"{'map read cold s':>16} {'warm s':>7} {'units':>6} {'stat rows':>10}")
        for name, *figures in rows:
            c, p, a, n, cold, warm, u, s = figures
            print(f"{name:8} {c:8.2f} {p:10.2f} {a:8.2f} {n:6d} {cold:16.2f} {warm:7.2f} {u:6d} {s:10d}")
        files, pg = rows[0], rows[1]
        print(f"postgis / files: map read cold {pg[5] / files[5]:.1f}×, warm {pg[6] / files[6]:.1f}×, "
              f"apply {pg[3] / files[3]:.1f}×")
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
