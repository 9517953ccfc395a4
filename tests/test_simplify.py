"""Coverage simplification: valid coverage out, no unit lost, islands kept, far fewer vertices."""

from __future__ import annotations


import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from analysis import simplify as S


def _wiggly(start, end, n, amplitude, rng):
    """A polyline with ``n`` vertices wandering around the segment start → end."""
    t = np.linspace(0.0, 1.0, n)
    x = start[0] + (end[0] - start[0]) * t
    y = start[1] + (end[1] - start[1]) * t
    normal = np.array([-(end[1] - start[1]), end[0] - start[0]]) / np.hypot(end[0] - start[0], end[1] - start[1])
    offset = amplitude * (np.sin(t * 40) + rng.normal(0, 0.05, n)) * np.sin(np.pi * t) ** 0.2
    return LineString(np.column_stack([x + normal[0] * offset, y + normal[1] * offset]))


def synthetic_coverage(seed: int = 7) -> gpd.GeoDataFrame:
    """About 25 densely digitised units with exactly shared borders, a coastal islet and an island-only unit."""
    rng = np.random.default_rng(seed)
    lines = [box(0, 0, 1, 1).boundary]
    for k in range(1, 5):
        lines.append(_wiggly((-0.05, k / 5), (1.05, k / 5), 1500, 0.01, rng))
        lines.append(_wiggly((k / 5, -0.05), (k / 5, 1.05), 1500, 0.01, rng))
    cells = [p for p in shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(lines))))
             if p.area > 1e-3 and box(0, 0, 1, 1).contains(p.representative_point())]
    # A small islet off the east coast belongs to the unit at the east edge, middle row.
    east = int(np.argmax([c.centroid.x - abs(c.centroid.y - 0.5) for c in cells]))
    cells[east] = shapely.union_all([cells[east], box(1.03, 0.5, 1.032, 0.502)])
    islands = shapely.union_all([box(1.2, 0.2, 1.203, 0.203), box(1.25, 0.3, 1.251, 0.301),
                                 Point(1.3, 0.25).buffer(0.004, 32)])
    geoms = cells + [islands]
    types = ["Xã"] * len(cells) + ["Đặc khu"]
    codes = [f"{i:05d}" for i in range(len(geoms))]
    return gpd.GeoDataFrame({"ward_code": codes, "ward_type": types, "ward_name": [f"<b>{c}</b>" for c in codes]},
                            geometry=geoms, crs="EPSG:4326")


@pytest.fixture(scope="module")
def synthetic():
    gdf = synthetic_coverage()
    assert shapely.coverage_is_valid(gdf.geometry.to_numpy())
    return gdf


def _parts_kept(before, after, tolerance):
    """Whether every part of each unit in ``before`` is still within ``tolerance`` of the same unit after."""
    parts, owner = shapely.get_parts(np.asarray(before), return_index=True)
    return shapely.dwithin(parts, np.asarray(after)[owner], tolerance)


@pytest.mark.parametrize("scale", list(S.SCALES))
def test_synthetic_coverage_stays_valid_and_complete(synthetic, scale):
    out = S.simplify_for_view(synthetic, scale)
    geoms = out.geometry.to_numpy()
    assert len(out) == len(synthetic)
    assert list(out.columns) == list(synthetic.columns)
    assert shapely.coverage_is_valid(geoms)
    assert shapely.is_valid(geoms).all()
    assert not shapely.is_empty(geoms).any()
    assert _parts_kept(synthetic.geometry, geoms, S.SCALES[scale].tolerance).all()


def test_synthetic_vertex_count_drops(synthetic):
    before = shapely.get_num_coordinates(synthetic.geometry.to_numpy()).sum()
    after = shapely.get_num_coordinates(S.simplify_for_view(synthetic, "national").geometry.to_numpy()).sum()
    assert after < before / 10


def test_island_unit_keeps_every_island(synthetic):
    out = S.simplify_for_view(synthetic, "national")
    island_unit = out.geometry[synthetic["ward_type"] == "Đặc khu"].iloc[0]
    assert len(shapely.get_parts(island_unit)) == 3
    assert island_unit.area > 0


def test_broken_coverage_is_cleaned(synthetic):
    # Jitter every other unit by ~1 m: shared edges no longer match, slivers and overlaps appear, as in real files.
    # (A function of the position, so a ring's first and last points move alike and it stays closed.)
    geoms = synthetic.geometry.to_numpy().copy()
    geoms[::2] = shapely.transform(geoms[::2], lambda xy: xy + 1e-5 * np.sin(xy[:, ::-1] * 7919.0))
    broken = synthetic.set_geometry(geoms)
    assert not shapely.coverage_is_valid(S.polygonal(geoms))
    out = S.simplify_for_view(broken, "province").geometry.to_numpy()
    assert shapely.coverage_is_valid(out)
    assert not shapely.is_empty(out).any()


def test_invalid_polygon_is_repaired():
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    fixed = S.polygonal([bowtie])[0]
    assert shapely.is_valid(fixed) and fixed.area == pytest.approx(0.5)


def test_points_and_missing_pass_through():
    gdf = gpd.GeoDataFrame({"hamlet_id": ["a", "b"]}, geometry=[Point(105.1, 21.2), None], crs="EPSG:4326")
    out = S.simplify_for_view(gdf, "commune")
    assert out.geometry.iloc[0].equals(Point(105.1, 21.2))
    assert out.geometry.iloc[1] is None


def test_unknown_scale_is_refused(synthetic):
    with pytest.raises(ValueError, match="unknown view scale"):
        S.simplify_for_view(synthetic, "street")


def test_the_simplified_layer_is_cached_on_disk_by_content_not_path(synthetic, tmp_path):
    from dashboard.query import DatasetSource
    from dashboard.query.geometry import evict, prepared_shapes

    def dataset(name):
        directory = tmp_path / name
        (directory / "geo").mkdir(parents=True, exist_ok=True)
        synthetic.rename(columns={"ward_code": "commune_code", "ward_name": "commune_name"}).assign(
            province_code="01").to_parquet(directory / "geo" / "communes.parquet")
        return DatasetSource(directory)

    cache = tmp_path / "cache"
    first = prepared_shapes(dataset("a"), "commune", cache_dir=cache)
    assert len(list(cache.glob("simplified-*.parquet"))) == 1
    again = prepared_shapes(dataset("b"), "commune", cache_dir=cache)   # the same bytes elsewhere: a hit
    assert len(list(cache.glob("simplified-*.parquet"))) == 1
    assert all(a.equals_exact(b, 0) for a, b in zip(first.shapes, again.shapes))
    prepared_shapes(dataset("a"), "commune", province="01", cache_dir=cache)   # another scale: its own entry
    assert len(list(cache.glob("simplified-*.parquet"))) == 2
    evict(cache, max_bytes=1)                                           # the cap removes the oldest entries
    assert len(list(cache.glob("simplified-*.parquet"))) == 0


@pytest.fixture(scope="module")
def real_prepared(real_communes_path):
    raw = gpd.read_file(real_communes_path)
    return raw, S.prepare_coverage(raw)


@pytest.mark.real_data
@pytest.mark.parametrize("scale", ["national", "province"])
def test_real_communes_simplify_to_a_complete_valid_coverage(real_prepared, scale):
    raw, prepared = real_prepared
    out = S.simplify_for_view(prepared, scale).geometry.to_numpy()
    assert len(out) == len(raw) == 3321
    assert shapely.coverage_is_valid(out)
    assert not shapely.is_empty(out).any()
    before = shapely.get_num_coordinates(raw.geometry.to_numpy()).sum()
    assert shapely.get_num_coordinates(out).sum() < before / (5 if scale == "national" else 1.2)


@pytest.mark.real_data
def test_real_dac_khu_islands_all_drawn(real_prepared):
    raw, prepared = real_prepared
    out = S.simplify_for_view(prepared, "national")
    special = (raw["ward_type"] == "Đặc khu").to_numpy()
    assert special.sum() == 13
    before = S.polygonal(raw.geometry.to_numpy()[special])
    after = out.geometry.to_numpy()[special]
    # Islets smaller than the tolerance become small triangles at national scale: drawn, but smaller.
    assert (shapely.area(after) > 0.25 * shapely.area(before)).all()
    # Every island of at least ~1 ha is still drawn with its unit (smaller specks may merge into a neighbour).
    parts, owner = shapely.get_parts(before, return_index=True)
    big = shapely.area(parts) > 1e-6
    assert shapely.dwithin(parts[big], after[owner[big]], S.SCALES["national"].tolerance).all()
