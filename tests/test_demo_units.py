"""Building blocks of the demo data: integer allocation, fitting to published totals, names, cells, land."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from loaders.demo.geometry import absorb_fragments, node_coverage, voronoi_cells
from loaders.demo.land import SEA_GAP_M, assign_islands, close_waters, disc_sites, place_disc, snap_inside
from loaders.demo.source import correct_centroids
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


# --- issue 18: the land of Natural Earth shared between units ---------------------------------------------------

def test_close_waters_fills_an_estuary_but_never_crosses_a_border():
    # a 20 km square with a 2 km wide estuary cut 8 km deep, and a neighbour along the west side
    land = shapely.difference(shapely.box(0, 0, 20_000, 20_000), shapely.box(9_000, 12_000, 11_000, 20_000))
    neighbour = shapely.box(-10_000, 0, 0, 20_000)
    closed = close_waters(land, neighbour)
    assert closed.contains(shapely.Point(10_000, 16_000))                 # estuary filled
    assert closed.covers(land) and shapely.get_num_interior_rings(closed) == 0
    assert shapely.area(shapely.intersection(closed, neighbour)) == 0
    assert closed.bounds[2] <= 20_000 + 1 and closed.bounds[3] <= 20_000 + 1   # the open coast stays put
    wide = shapely.difference(shapely.box(0, 0, 20_000, 20_000), shapely.box(4_000, 8_000, 16_000, 20_000))
    assert not close_waters(wide).contains(shapely.Point(10_000, 16_000))   # a wide bay stays sea


def test_islands_go_to_the_side_whose_seed_is_nearer():
    islands = np.array([shapely.box(0, 0, 1_000, 1_000),          # holds an island unit's seed
                        shapely.box(10_000, 0, 11_000, 1_000),    # holds seeds of mainland units 1 and 2
                        shapely.box(20_000, 0, 21_000, 1_000),    # empty, nearest seed: mainland unit 2
                        shapely.box(30_000, 0, 31_000, 1_000)],   # island unit's and mainland unit's seeds
                       dtype=object)
    seeds = np.array([[500, 500], [10_200, 500], [10_800, 500], [18_000, 500], [30_500, 500], [30_600, 500]], float)
    unit = np.array([0, 1, 2, 2, 0, 3])
    island_seed = np.array([True, False, False, False, True, False])
    to_island, owner = assign_islands(islands, seeds, unit, island_seed)
    assert to_island.tolist() == [True, False, False, False]      # a tie goes to the mainland
    assert owner.tolist() == [0, -1, 2, 3]


def test_snap_inside_moves_only_points_in_the_sea():
    region = shapely.box(0, 0, 10_000, 10_000)
    out = snap_inside(np.array([[5_000, 5_000], [12_000, 5_000]], float), region)
    assert out[0].tolist() == [5_000, 5_000]
    assert region.contains(shapely.Point(out[1])) and out[1][0] > 9_000


def test_place_disc_keeps_its_place_or_finds_free_water():
    land = shapely.box(0, 0, 10_000, 10_000)
    free, moved = place_disc(np.array([20_000.0, 5_000.0]), 1_000.0, land)
    assert not moved and np.isclose(free.area, np.pi * 1e6, rtol=0.01)
    shifted, moved = place_disc(np.array([10_500.0, 5_000.0]), 1_000.0, land)
    assert moved and shapely.distance(shifted, land) >= SEA_GAP_M - 1
    assert np.isclose(shifted.area, free.area)


def test_disc_sites_use_old_communes_at_sea_only():
    land = shapely.box(0, 0, 10_000, 10_000)
    legacy = np.array([[30_000, 0], [31_000, 0], [5_000, 5_000], [200_000, 0], [50_000, 0]], float)
    sites = disc_sites(np.array([20_000.0, 0.0]), legacy, land)
    # on land (mis-geocoded onto the mainland), too far, or within 5 km of another site: not used
    assert sites.tolist() == [[20_000, 0], [30_000, 0], [50_000, 0]]


def test_correct_centroids_trusts_agreeing_old_communes_only_when_far():
    units = pd.DataFrame({"commune_code": ["00001", "00002", "00003"], "area_km2": [50.0, 50.0, 50.0],
                          "is_island": [False, False, True]})
    xy = np.zeros((3, 2))
    far = np.array([[90_000, 0], [92_000, 1_000], [91_000, -1_000]], float)
    near = far / 3                                                # 30 km off: could be either
    legacy = np.vstack([far, near, far])
    rows = np.repeat([0, 1, 2], 3)
    fixed, moved = correct_centroids(units, legacy, rows, xy)
    assert moved == ["00001"] and fixed[0].tolist() == [90_000, 0]     # the old centroid nearest their median
    assert fixed[1:].tolist() == [[0, 0], [0, 0]]                 # near, and an island: left alone
