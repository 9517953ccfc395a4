"""Print how far the hamlets of generated lists land from their true positions, per coordinate system (issue 11).

    python tests/hamlet_accuracy.py [path/to/vn_communes_2025.gpkg]

Lists are built as ``tests/hamlet_lists.py`` builds them (true positions at least 80 m inside real 2025 communes,
VN-2000 computed independently of PROJ's EPSG definitions), larger than in the tests: every commune of a few
provinces, read by :func:`loaders.boundaries.read_boundaries` with the real communes, and compared with
geodesic distances. The tests assert the 50 m bound; this prints the actual figures.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hamlet_lists as build  # noqa: E402
from loaders.boundaries import read_boundaries  # noqa: E402
from loaders.vn2000 import commune_meridians  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "vn_communes_2025.gpkg"
HEADER = ["STT", "Tên thôn", "Mã xã", "Tọa độ X", "Tọa độ Y"]


def _plane(truth, meridian_of, scale=0.9999):
    rows = []
    for k, row in enumerate(truth.itertuples(), start=1):
        north, east = build.vn2000_tm3(row.lon, row.lat, meridian_of(row), scale)
        rows.append([k, row.hamlet_name, row.commune_code, build.grouped(north), build.grouped(east)])
    return rows


def main(path: Path) -> None:
    communes = build.real_communes(str(path))
    meridians = commune_meridians()
    folder = Path(tempfile.mkdtemp(prefix="hamlet-accuracy-"))
    cases = []
    for province, line in (("14", "Kinh tuyến trục 104°00', múi chiếu 3°"), ("01", "KTT 105°00' múi 3°"),
                           ("22", "Kinh tuyến trục 107°45'"), ("66", "kinh tuyến trục 108,5 độ")):
        codes = sorted(communes.loc[communes["province_code"] == province, "commune_code"])
        truth = build.sample_hamlets(communes, codes, seed=int(province), most=4)
        meridian = {"14": 104.0, "01": 105.0, "22": 107.75, "66": 108.5}[province]
        file = build.write_xlsx(folder / f"tm3_{province}.xlsx", "2025", [line], HEADER,
                                _plane(truth, lambda row, m=meridian: m))
        cases.append((f"VN-2000 TM-3, zone from the file ({province})", truth, file, None))
    for province in ("08", "91"):  # zones of the former provinces, nothing written in the file
        codes = [c for c in sorted(communes.loc[communes["province_code"] == province, "commune_code"])
                 if len(meridians.get(c, ())) == 1]
        truth = build.sample_hamlets(communes, codes, seed=int(province), most=4)
        file = build.write_xlsx(folder / f"tm3_{province}.xlsx", "2025", ["DANH SÁCH THÔN"], HEADER,
                                _plane(truth, lambda row: meridians[row.commune_code][0]))
        cases.append((f"VN-2000 TM-3, zone from the province ({province})", truth, file, None))
    codes = sorted(communes.loc[communes["province_code"].isin(["91", "80"]), "commune_code"])
    truth = build.sample_hamlets(communes, codes, seed=5, most=3)
    file = build.write_xlsx(folder / "utm48.xlsx", "2025", [], HEADER, _plane(truth, lambda row: 105.0, 0.9996))
    cases.append(("VN-2000 / UTM 48N, --crs 3405 (91, 80)", truth, file, "3405"))
    codes = sorted(communes.loc[communes["province_code"].isin(["01", "46"]), "commune_code"])
    truth = build.sample_hamlets(communes, codes, seed=7, most=4)
    rows = [[k, r.hamlet_name, r.commune_code, f"{r.lat:.6f}".replace(".", ","), build.dms(r.lon, "E")]
            for k, r in enumerate(truth.itertuples(), start=1)]
    file = build.write_csv(folder / "degrees.csv", ["STT", "Tên thôn", "Mã xã", "Vĩ độ", "Kinh độ"], rows)
    cases.append(("WGS 84 degrees, decimal comma + DMS (01, 46)", truth, file, None))
    print(f"{'coordinate system':48} {'hamlets':>8} {'placed':>7} {'worst m':>9} {'mean m':>8}")
    for label, truth, file, crs in cases:
        load = read_boundaries(file, level="hamlet", crs=crs, communes=communes)
        errors = build.matched(truth, load.units)["error_m"]
        print(f"{label:48} {len(truth):8d} {load.info['placement']['placed']:7d} {errors.max():9.3f} "
              f"{errors.mean():8.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
