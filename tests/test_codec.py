"""Geometry as the browser receives it: the Python encoder and the JavaScript decoder agree."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from shapely.geometry import Point

from analysis import simplify as S
from dashboard.render import codec
from test_simplify import synthetic  # noqa: F401  (fixture)


def _decode(text: str, decimals: int):
    """Python twin of ``DECODER_JS`` for one geometry."""
    polygons = []
    for rings in json.loads(text):
        shells = []
        for ring in rings:
            xy = np.cumsum(np.array(ring, dtype=np.int64).reshape(-1, 2), axis=0) / 10 ** decimals
            shells.append(np.vstack([xy, xy[:1]]))
        polygons.append(shapely.Polygon(shells[0], shells[1:]))
    return shapely.MultiPolygon(polygons)


def test_encoded_geometries_decode_to_the_rounded_shapes(synthetic):  # noqa: F811
    simplified = S.simplify_for_view(synthetic, "province").geometry.to_numpy()
    encoded = codec.encode_geometries(simplified, 4)
    rounded = codec.round_coordinates(simplified, 4)
    for text, expected in zip(encoded, rounded):
        assert _decode(text, 4).equals_exact(shapely.MultiPolygon(shapely.get_parts(expected)), 1e-9)
    assert sum(map(len, encoded)) < 0.6 * sum(map(len, codec.geojson_geometries(simplified, 4)))


def test_encoding_keeps_points_as_geojson():
    encoded = codec.encode_geometries([Point(105.12345, 21.5), None], 3)
    assert json.loads(encoded[0]) == {"type": "Point", "coordinates": [105.123, 21.5]}
    assert encoded[1] is None


def test_geometry_file_holds_keys_names_and_shapes_once():
    text = codec.geometry_file(["01", "02"], ["A</script>", "B"], [shapely.box(105, 20, 105.1, 20.1), None], 3)
    data = json.loads(text)
    assert (data["k"], data["n"], data["s"]) == (["01", "02"], ["A</script>", "B"], 1000)
    assert data["g"][1] is None and "<" not in text  # safe inline in an exported page


@pytest.mark.browser
def test_browser_decoder_rebuilds_the_shapes(synthetic, browser):  # noqa: F811
    simplified = S.simplify_for_view(synthetic, "national")
    text = codec.geometry_file(simplified["ward_code"], simplified["ward_name"], simplified.geometry.to_numpy(), 3)
    page = browser.new_page()
    try:
        decoded = page.evaluate(f"""() => {{ {codec.DECODER_JS}; const d = cmDecode({text});
            return {{k: d.k, n: d.n, g: d.g.map(g => g.map(p => p.map(r => Array.from(r))))}}; }}""")
    finally:
        page.close()
    rounded = codec.round_coordinates(simplified.geometry.to_numpy(), 3)
    assert decoded["k"] == simplified["ward_code"].tolist() and decoded["n"] == simplified["ward_name"].tolist()
    for got, want in zip(decoded["g"], rounded):
        polygons = [shapely.Polygon(np.reshape(rings[0], (-1, 2)), [np.reshape(r, (-1, 2)) for r in rings[1:]])
                    for rings in got]
        assert shapely.MultiPolygon(polygons).equals_exact(shapely.MultiPolygon(shapely.get_parts(want)), 1e-9)
