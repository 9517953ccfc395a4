"""Reading boundary files that are huge, damaged or hostile (issue 14): caps counted while streaming, damaged
geometry left empty and said, units of too many vertices simplified, library errors without server paths."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from hostile.geo import communes, many_points, with_geometries, zigzag
from loaders.boundaries import simplify_below, read_boundaries
from loaders.boundary_files import detail
from loaders.encodings import codec_for_cpg
from loaders.errors import LoaderError
from loaders.limits import Limits, use


@pytest.mark.parametrize("shape", [
    zigzag(120_001),
    shapely.Polygon(shapely.box(0, 0, 10, 10).exterior.coords,
                    [shapely.box(i * 0.1 + 0.01, 1, i * 0.1 + 0.05, 1.04).exterior.coords for i in range(90)]),
    shapely.MultiPolygon([shapely.box(0, 0, 100, 100)]  # a main island and five thousand islets
                         + [shapely.box(200 + i, 0, 200.5 + i, 0.5) for i in range(5000)]),
])
def test_a_unit_over_the_vertex_cap_is_reduced_to_a_valid_shape_under_it(shape):
    simple = simplify_below(shape, 1000)
    assert shapely.get_num_coordinates(simple) <= 1000 and shapely.is_valid(simple) and not simple.is_empty
    assert simple.geom_type in ("Polygon", "MultiPolygon")
    assert abs(simple.area - shape.area) / shape.area < 0.6  # the largest parts stay


def test_units_over_the_vertex_cap_are_simplified_and_said(tmp_path):
    frame = with_geometries(communes(2), [zigzag(5_001), shapely.box(105.9, 21.0, 106.0, 21.1)])
    frame.to_file(tmp_path / "x.geojson", driver="GeoJSON")
    with use(Limits(max_feature_vertices=1000)):
        load = read_boundaries(tmp_path / "x.geojson")
    counts = shapely.get_num_coordinates(load.units.geometry.values)
    assert counts.max() <= 1000 and counts[1] == 5
    [note] = [p for p in load.info["problems"] if getattr(p, "key", "") == "boundaries.simplified"]
    assert note.params == {"n": 1, "limit": 1000, "largest": 5001}


@pytest.mark.parametrize("cap, key", [("max_features", "limits.too_many_features"),
                                      ("max_vertices", "limits.too_many_vertices")])
def test_features_and_vertices_are_counted_before_the_file_is_loaded(tmp_path, cap, key):
    many_points(3000).to_parquet(tmp_path / "p.parquet")
    many_points(3000).to_file(tmp_path / "p.gpkg", driver="GPKG")
    for path in (tmp_path / "p.parquet", tmp_path / "p.gpkg"):
        with use(Limits(**{cap: 1000})), pytest.raises(LoaderError) as caught:
            read_boundaries(path)
        assert caught.value.key == key


def test_nan_coordinates_leave_the_shape_empty_and_are_said(tmp_path):
    frame = with_geometries(communes(2), [shapely.box(105.8, 21, 105.9, 21.1),
                                         shapely.Polygon([(105.9, 21.0), (np.nan, 21.0), (106.0, 21.1)])])
    frame.to_parquet(tmp_path / "nan.parquet")
    load = read_boundaries(tmp_path / "nan.parquet")
    assert load.units.geometry.iloc[0].area > 0 and load.units.geometry.iloc[1] is None
    assert "1 features have coordinates that are not numbers" in " ".join(map(str, load.info["problems"]))


@pytest.mark.parametrize("declared, codec", [("base64", None), ("rot_13", None), ("idna", None), ("zlib", None),
                                             ("undefined", None), ("1258", "cp1258"), ("UTF-8", "UTF-8"),
                                             ("ANSI 1252", "cp1252"), ("TCVN3", "TCVN3")])
def test_a_cpg_is_believed_only_when_it_names_a_text_encoding(declared, codec):
    assert codec_for_cpg(declared) == codec


def test_library_errors_lose_their_folders():
    error = OSError("'/srv/app/var/store/.tmp/upload-x/ranh_gioi.shp' not recognized\nsecond line")
    assert detail(error) == "'ranh_gioi.shp' not recognized"
    assert detail(ValueError("/vsizip//srv/a/b.zip/xa.shp: bad")) == "xa.shp: bad"
