"""Building blocks of the demo data: integer allocation, fitting to published totals, names, cells."""

from __future__ import annotations

import numpy as np
import shapely

from loaders.demo.geometry import absorb_fragments, node_coverage, voronoi_cells
from loaders.demo.hamlets import split_commune
from loaders.demo.names import hamlet_names, hamlet_style
from loaders.demo.published import allocate, fit_members, fit_total


def test_allocate_is_exact_and_proportional():
    out = allocate(10, np.array([1.0, 1.0, 2.0]))
    assert out.sum() == 10 and out[2] == 5 and sorted(out[:2].tolist()) == [2, 3]
    assert allocate(0, np.array([1.0, 2.0])).tolist() == [0, 0]


def test_fit_total_adds_to_empty_hamlets_first_and_removes_second_teams_first():
    teams = np.array([0, 1, 2, 0, 1])
    propensity = np.array([0.9, 0.1, 0.5, 0.2, 0.3])
    up = fit_total(teams, propensity, 6)
    assert up.tolist() == [1, 1, 2, 1, 1]
    down = fit_total(teams, propensity, 3)
    assert down.sum() == 3 and down[2] == 1       # the second team went first
    assert fit_total(teams, propensity, 0).sum() == 0


def test_fit_members_keeps_three_per_team():
    teams = np.array([1, 0, 2])
    members = fit_members(teams, np.array([1.0, 5.0, 1.0]), 20)
    assert members.sum() == 20 and members[1] == 0 and (members >= 3 * teams).all()


def test_hamlet_names_are_unique_and_styled():
    names = hamlet_names("03721", "ban", 30, seed=1)
    assert len({n for _, n in names}) == 30
    assert all(kind == "Bản" and name.startswith("Bản ") for kind, name in names)
    assert hamlet_names("03721", "ban", 30, seed=1) == names          # seeded
    assert hamlet_style("92", "Xã", False) == "ap"
    assert hamlet_style("01", "Phường", False) == "tdp"
    assert hamlet_style("14", "Xã", True) == "ban"


def test_cells_cover_the_region_and_fragments_join_a_neighbour():
    region = shapely.union_all([shapely.box(0, 0, 10, 10), shapely.box(10, 4, 11, 5)])
    xy = np.array([[2.0, 2.0], [8.0, 8.0], [2.0, 8.0], [8.0, 2.0]])
    cells = voronoi_cells(xy, region)
    assert np.isclose(shapely.area(cells).sum(), region.area)
    assert shapely.contains(cells, shapely.points(xy)).all()
    # a cut-off piece of cell 0 touching cell 1 is handed to cell 1; a lone piece stays
    cells[0] = shapely.union_all([cells[0], shapely.box(10, 8, 11, 9), shapely.box(30, 30, 31, 31)])
    fixed = absorb_fragments(cells, xy, np.array(["a", "a", "a", "a"]))
    assert shapely.get_num_geometries(fixed[0]) == 2
    assert fixed[1].contains(shapely.Point(10.5, 8.5))
    assert np.isclose(shapely.area(fixed).sum(), shapely.area(cells).sum())
    assert shapely.coverage_is_valid(node_coverage(fixed))


def test_split_commune_is_a_seeded_valid_coverage():
    poly = shapely.Polygon([(0, 0), (10_000, 0), (12_000, 8_000), (0, 6_000)])
    parts = split_commune(poly, 12, np.random.default_rng(5))
    again = split_commune(poly, 12, np.random.default_rng(5))
    assert len(parts) == 12 and all(a.equals_exact(b, 0) for a, b in zip(parts, again))
    assert np.isclose(shapely.area(parts).sum(), poly.area)
    assert shapely.coverage_is_valid(node_coverage(parts))
