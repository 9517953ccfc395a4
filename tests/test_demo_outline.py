"""The demo communes on Natural Earth 1:10m land (issue 18): real coast and borders, islands, no holes.

Reads the committed data (``test_demo.py`` proves it is what the code builds) and the committed context file.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from loaders.context import load_context
from loaders.dataset import DEFAULT_DATA_DIR, load_units
from loaders.demo import DISC_SOURCE
from loaders.demo.geometry import METRIC_CRS
from loaders.demo.land import MIN_PART_M2
from loaders.demo.outline_rebuild import HOANG_SA_BOX, TRUONG_SA_BOX
from loaders.demo.quality import mainland_ring, outline_share

KM2 = 1e6


@pytest.fixture(scope="module")
def communes():
    return load_units(DEFAULT_DATA_DIR, "commune").to_crs(METRIC_CRS)


@pytest.fixture(scope="module")
def context():
    return load_context().to_crs(METRIC_CRS)


@pytest.fixture(scope="module")
def ne_land(context):
    return context.geometry[context["kind"] == "vietnam"].iloc[0]


def test_no_commune_reaches_into_a_neighbouring_country(communes, context):
    neighbours = shapely.union_all(context.geometry[context["kind"] == "country"].to_numpy())
    overlap = shapely.area(shapely.intersection(communes.geometry.to_numpy(), neighbours))
    assert overlap.sum() < 0.01 * KM2          # shared borders only (projection round-off)


def test_the_country_has_no_hole_and_covers_natural_earths_land(communes, ne_land):
    mainland = communes.loc[~communes["is_island"] | (communes["commune_code"] == "27676")].geometry
    union = shapely.coverage_union_all(mainland.to_numpy())
    parts = shapely.get_parts(union)
    biggest = parts[np.argmax(shapely.area(parts))]
    assert shapely.get_num_interior_rings(biggest) == 0
    land = shapely.union_all(communes.geometry.to_numpy())
    kept = [p for p in shapely.get_parts(ne_land) if p.area >= MIN_PART_M2]
    missing = shapely.area(shapely.difference(shapely.union_all(kept), land))
    assert missing < 0.01 * KM2                      # every island of 0.3 km² or more is some unit's land


def test_the_coast_and_borders_are_natural_earths(communes, ne_land):
    """The demo's outline is Natural Earth's own, except across the closed estuaries and lagoons."""
    ne_ring = mainland_ring(shapely.get_parts(ne_land))
    demo_ring = mainland_ring(communes.geometry.to_numpy())
    assert outline_share(demo_ring, ne_ring, within_m=10.0) > 0.8        # measured 0.85
    assert outline_share(demo_ring, ne_ring, within_m=3_000.0) > 0.97    # measured 0.98


def test_island_units_never_touch_the_mainland(communes):
    drawn_as_islands = communes["is_island"] & (communes["commune_code"] != "27676")   # Thạnh An: mainland
    mainland = shapely.union_all(communes.loc[~communes["is_island"]].geometry.to_numpy())
    for _, unit in communes[drawn_as_islands].iterrows():
        assert not unit.geometry.intersects(mainland), unit["commune_name"]


@pytest.mark.parametrize(("code", "box"), [("20333", HOANG_SA_BOX), ("22736", TRUONG_SA_BOX)])
def test_the_archipelagos_are_natural_earths_islands(communes, ne_land, code, box):
    unit = communes.set_index("commune_code").loc[code]
    lonlat = shapely.transform(unit.geometry, lambda c: _to_lonlat(c))
    assert shapely.within(lonlat, shapely.box(*box))
    assert shapely.get_num_geometries(unit.geometry) >= 5              # islands, not one blob
    assert shapely.area(shapely.difference(unit.geometry, ne_land)) < 0.01 * KM2
    assert unit["geometry_source"] != DISC_SOURCE


def test_discs_only_where_natural_earth_has_no_island(communes, ne_land):
    discs = communes[communes["geometry_source"] == DISC_SOURCE]
    assert discs["is_island"].all()
    assert {"Đặc khu Lý Sơn", "Đặc khu Bạch Long Vĩ", "Đặc khu Cồn Cỏ"} <= set(discs["commune_name"])
    assert not shapely.intersects(discs.geometry.to_numpy(), ne_land).any()
    ratio = shapely.area(discs.geometry.to_numpy()) / (discs["area_km2"].to_numpy() * KM2)
    assert np.allclose(ratio, 1.0, atol=0.03)                       # the registered area, not more
    others = communes[(communes["geometry_source"] != DISC_SOURCE) & communes["is_island"]
                      & (communes["commune_code"] != "27676")]       # Thạnh An is drawn with the mainland
    on_land = shapely.area(shapely.intersection(others.geometry.to_numpy(), ne_land))
    assert (on_land / shapely.area(others.geometry.to_numpy()) > 0.95).all()


def test_kien_hai_is_its_island_groups(communes):
    """Kiên Hải (Hòn Tre, Lại Sơn, Nam Du) is drawn at its old communes' islands, not as one disc."""
    unit = communes.set_index("commune_code").loc["31108"]
    parts = shapely.get_parts(unit.geometry)
    assert len(parts) == 3
    spread = shapely.distance(parts[:, None], parts[None, :]).max()
    assert spread > 40_000


def _to_lonlat(coords):
    import pyproj

    inverse = pyproj.Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)
    return np.column_stack(inverse.transform(coords[:, 0], coords[:, 1]))
