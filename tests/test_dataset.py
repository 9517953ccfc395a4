"""loaders.dataset: reading a dataset directory built here, in tmp_path."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely

from loaders.dataset import DEFAULT_DATA_DIR, dataset_metadata, load_stats, load_units
from loaders.demo.writer import write_csv, write_geoparquet, write_parquet
from loaders.errors import LoaderError

HAMLETS = [  # (province, commune, hamlet_id)
    ("01", "00004", "00004-001"), ("01", "00004", "00004-002"),
    ("14", "03721", "03721-001"), ("14", "03740", "03740-001"), ("14", "03740", "03740-002"),
]


def _square(i: int):
    return shapely.box(i, 0, i + 1, 1)


@pytest.fixture()
def dataset(tmp_path):
    (tmp_path / "geo").mkdir()
    (tmp_path / "stats").mkdir()
    hamlets = gpd.GeoDataFrame(
        [{"level": "hamlet", "province_code": p, "commune_code": c, "hamlet_id": h, "hamlet_name": f"Thôn {i}"}
         for i, (p, c, h) in enumerate(HAMLETS)],
        geometry=[_square(i) for i in range(len(HAMLETS))], crs="EPSG:4326")
    write_geoparquet(hamlets, tmp_path / "geo" / "hamlets.parquet", group_by="province_code")
    communes = hamlets.dissolve("commune_code", as_index=False)[["commune_code", "province_code", "geometry"]]
    write_geoparquet(communes, tmp_path / "geo" / "communes.parquet")
    rows = []
    for period in ("2025-Q3", "2025-Q4"):
        for i, (p, c, h) in enumerate(HAMLETS):
            rows.append({"hamlet_id": h, "commune_code": c, "province_code": p, "period": period,
                         "teams": i % 2, "hamlets": 1, "hamlets_with_team": int(i % 2 > 0),
                         "population": 100 * (i + 1),
                         "smartphone_users": pd.NA if c == "03740" and period == "2025-Q3" else 10 * (i + 1)})
    stats = pd.DataFrame(rows).astype({"teams": "Int64", "hamlets": "Int64", "hamlets_with_team": "Int64",
                                       "population": "Int64", "smartphone_users": "Int64"})
    write_parquet(stats, tmp_path / "stats" / "hamlet_stats.parquet", group_by="province_code")
    return tmp_path


def test_hamlets_of_one_province_come_from_its_row_group_only(dataset):
    path = dataset / "geo" / "hamlets.parquet"
    assert pq.ParquetFile(path).metadata.num_row_groups == 2
    units = load_units(dataset, "hamlet", province_code="14")
    assert sorted(units["hamlet_id"]) == ["03721-001", "03740-001", "03740-002"]
    assert units.crs.to_epsg() == 4326


def test_hamlets_of_one_commune_and_codes_padded(dataset):
    units = load_units(dataset, "hamlet", commune_code="4")  # leading zeros lost, as in Excel
    assert list(units["hamlet_id"]) == ["00004-001", "00004-002"]
    assert len(load_units(dataset, "hamlet", province_code="14", commune_code="03721")) == 1


def test_commune_stats_summed_from_hamlets_when_no_csv(dataset):
    stats = load_stats(dataset, "commune").set_index(["commune_code", "period"])
    assert stats.loc[("03740", "2025-Q4"), "population"] == 400 + 500
    assert stats.loc[("03740", "2025-Q4"), "hamlets_with_team"] == 1
    # nobody in the commune reported smartphones that quarter: no data, not 0
    assert np.isnan(stats.loc[("03740", "2025-Q3"), "smartphone_users"])
    assert stats["teams"].dtype == "float64"


def test_commune_csv_keeps_codes_as_text_and_empty_as_nan(dataset):
    table = pd.DataFrame({
        "commune_code": ["00004", "03721"], "commune_name": ["Phường Ba Đình", "Xã Thuận Châu"],
        "province_code": ["01", "14"], "province_name": ["Thành phố Hà Nội", "Tỉnh Sơn La"],
        "period": ["2025-Q4", "2025-Q4"], "teams": [3, None], "hamlets": [10, 20],
        "hamlets_with_team": [3, 0],
    })
    write_csv(table, dataset / "stats" / "commune_stats.csv")
    stats = load_stats(dataset, "commune")
    assert list(stats["commune_code"]) == ["00004", "03721"]
    assert list(stats["province_code"]) == ["01", "14"]
    assert np.isnan(stats.loc[1, "teams"])
    assert stats.loc[1, "hamlets_with_team"] == 0


def test_province_stats_are_sums_of_communes(dataset):
    province = load_stats(dataset, "province").set_index(["province_code", "period"])
    commune = load_stats(dataset, "commune")
    assert province.loc[("14", "2025-Q4"), "population"] == 300 + 400 + 500
    assert province.loc[("14", "2025-Q4"), "hamlets"] == 3
    assert province.loc[("14", "2025-Q4"), "hamlets_with_team"] == commune.query(
        "province_code == '14' and period == '2025-Q4'")["hamlets_with_team"].sum()
    # one commune did not report: the province sum is over the communes that did
    assert province.loc[("14", "2025-Q3"), "smartphone_users"] == 30


def test_errors_are_loader_errors(dataset):
    with pytest.raises(LoaderError, match="unknown level"):
        load_units(dataset, "village")
    with pytest.raises(LoaderError, match="province boundaries"):
        load_units(dataset, "province")
    (dataset / "stats" / "hamlet_stats.parquet").unlink()
    with pytest.raises(LoaderError, match="commune statistics"):
        load_stats(dataset, "commune")


def test_metadata(dataset):
    assert dataset_metadata(dataset) == {}
    (dataset / "metadata.json").write_text(json.dumps({"demo": True, "periods": ["2025-Q4"]}), encoding="utf-8")
    assert dataset_metadata(dataset)["demo"] is True
    (dataset / "metadata.json").write_text("{oops", encoding="utf-8")
    with pytest.raises(LoaderError, match="metadata.json"):
        dataset_metadata(dataset)


def test_default_data_dir_is_the_embedded_demo():
    meta = dataset_metadata(DEFAULT_DATA_DIR)
    assert meta["demo"] is True
    assert meta["notice"] == "dữ liệu minh họa"
    provinces = load_units(DEFAULT_DATA_DIR, "province")
    assert len(provinces) == 34
    assert set(load_stats(DEFAULT_DATA_DIR, "province")["period"]) == set(meta["periods"])
