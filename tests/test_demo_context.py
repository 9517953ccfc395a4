"""The map context (issue 18): Natural Earth 1:10m land of Vietnam and its neighbours, names, labels, provenance."""

from __future__ import annotations

import unicodedata

import geopandas as gpd
import pytest
import shapely

import loaders.context as ctx
from loaders.context import CONTEXT_FILE, load_context, vietnam_land
from loaders.dataset import DEFAULT_DATA_DIR, dataset_metadata
from loaders.demo.geometry import METRIC_CRS
from loaders.demo.outline_rebuild import (COUNTRIES, HOANG_SA_BOX, TRUONG_SA_BOX, derive_context, provenance,
                                          write_context)
from loaders.errors import LoaderError


@pytest.fixture(scope="module")
def context():
    return load_context()


def test_rows_names_and_label_points(context):
    assert context["kind"].value_counts().to_dict() == {"country": 10, "sea": 3, "archipelago": 2, "vietnam": 1}
    assert context["code"].is_unique
    for column in ("name_vi", "name_en"):
        assert all(unicodedata.is_normalized("NFC", v) for v in context[column])
    assert {"Trung Quốc", "Lào", "Campuchia", "Biển Đông", "Quần đảo Hoàng Sa", "Quần đảo Trường Sa",
            "Vịnh Thái Lan"} <= set(context["name_vi"])
    land = shapely.union_all(context.geometry[context["kind"].isin(["vietnam", "country"])].to_numpy())
    for _, row in context[context["kind"] != "vietnam"].iterrows():
        point = shapely.Point(row["label_lon"], row["label_lat"])
        if row["kind"] == "country":
            assert row.geometry.contains(point), row["name_en"]
        else:
            assert not land.contains(point), row["name_en"]     # sea and archipelago names sit on water
            assert row.geometry.equals(point)
    near_china = context.set_index("code").loc[["CHN", "LAO", "KHM"], "label_rank"]
    assert (near_china == 1).all()


def test_vietnam_holds_hoang_sa_and_truong_sa_and_shares_its_borders(context):
    metric = context.set_index("code").to_crs(METRIC_CRS).geometry
    vietnam = metric["VNM"]
    neighbours = shapely.union_all(context.geometry[context["kind"] == "country"].to_numpy())
    for box in (HOANG_SA_BOX, TRUONG_SA_BOX):
        islands = shapely.clip_by_rect(vietnam_land(), *box)
        assert shapely.get_num_geometries(islands) >= 5
        assert not shapely.intersects(islands, neighbours)      # nobody else owns them on this map
    for code, km in (("CHN", 1_000), ("LAO", 1_700), ("KHM", 900)):   # at 1:10m: 1,051, 1,755, 969 km
        assert shapely.area(shapely.intersection(vietnam, metric[code])) < 1.0        # m²: no overlap
        shared = shapely.intersection(shapely.boundary(vietnam), shapely.buffer(metric[code], 1.0))
        assert shapely.length(shared) > km * 1000, code


def test_provenance_in_the_file_and_in_metadata(context):
    prov = context.attrs["provenance"]
    assert "Natural Earth" in prov["source"] and "4.1.0" in prov["source"]
    assert "public domain" in prov["source_licence"] and prov["package_licence"] == "ISC"
    assert prov["package"].startswith("world-atlas@2.0.2") and "loaders.demo.outline_rebuild" in prov["rebuild"]
    sources = {s["name"]: s for s in dataset_metadata(DEFAULT_DATA_DIR)["sources"]}
    natural_earth = [s for name, s in sources.items() if name.startswith("Natural Earth")]
    assert len(natural_earth) == 1 and natural_earth[0]["provenance"] == prov
    assert prov == provenance()           # the committed file was written by the current script


def test_a_dataset_without_context_uses_the_embedded_one(tmp_path):
    assert ctx.context_path(tmp_path) == DEFAULT_DATA_DIR / CONTEXT_FILE
    assert len(load_context(tmp_path, kinds=("country",))) == 10
    with pytest.raises(LoaderError, match="unknown context kind"):
        load_context(kinds=("ocean",))


def test_missing_file_is_a_plain_error(tmp_path, monkeypatch):
    monkeypatch.setattr(ctx, "DEFAULT_DATA_DIR", tmp_path)
    with pytest.raises(LoaderError, match="outline_rebuild"):
        load_context()


def _box(lon, lat, half=0.5):
    return shapely.box(lon - half, lat - half, lon + half, lat + half)


def test_derive_context_gives_the_archipelagos_to_vietnam(tmp_path):
    """The rebuild's own logic on a hand-made world: Paracels out of China, Spratlys in, HK merged."""
    rows = [("Vietnam", _box(106, 16, 2)), ("Spratly Is.", _box(114.5, 10, 0.05)), ("Hong Kong", _box(114.2, 22.3, 0.1)),
            ("China", shapely.union_all([_box(107.9, 22.9), _box(112.0, 16.5, 0.05), _box(110, 30)]))]
    rows += [(name, _box(lon, lat)) for name, (_, _, _, lon, lat, _) in COUNTRIES.items() if name != "China"]
    world = gpd.GeoDataFrame({"name": [r[0] for r in rows]}, geometry=[r[1] for r in rows], crs="EPSG:4326")
    table = derive_context(world)
    by_code = table.set_index("code").geometry
    assert by_code["VNM"].contains(shapely.Point(112.0, 16.5)) and by_code["VNM"].contains(shapely.Point(114.5, 10))
    assert not by_code["CHN"].intersects(_box(112.0, 16.5, 0.05))
    assert by_code["CHN"].contains(shapely.Point(114.2, 22.3))                   # Hong Kong merged
    assert by_code["CHN"].bounds[3] <= 27.0                                        # clipped to the frame
    path = tmp_path / CONTEXT_FILE
    write_context(table, path)
    again = load_context(tmp_path)
    assert again.attrs["provenance"] == provenance()
    assert again.drop(columns="geometry").equals(table.drop(columns="geometry"))
