"""The lean folium map: small payload, local assets only, escaped text, a legend without d3."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import shapely

from dashboard.render import offline, palettes
from dashboard.render.codec import encode_shapes, feature_collection, geojson_geometries, layer_collection
from dashboard.render.legend import Legend, Outline, TooltipLabels
from dashboard.render.webmap import FEATURE_PROPERTIES, choropleth_map, legend_html


def geometry_json(geometries, decimals: int = 4):
    return geojson_geometries(geometries, decimals)

EVIL = "<img src=x onerror=alert(1)>"


def tiny_map(names=("A", "B"), basemap=False, outlines=()):
    squares = [shapely.box(105, 20, 105.1, 20.1), shapely.box(105.1, 20, 105.2, 20.1)]
    props = [{"k": f"0000{i}", "n": name, "c": i - 1, "v": "12,5 %", "f": "1 / 8"} for i, name in enumerate(names)]
    legend = Legend("Tỷ lệ " + EVIL, "%", [("#ffffcc", "0 – 50 " + EVIL)], "Không có số liệu", ["2025-Q4"])
    return choropleth_map(encode_shapes(squares, 4), (105, 20, 105.2, 20.1), props, palettes.sequential(3), legend,
                          TooltipLabels("Giá trị", "a / b", "Kỳ 2025-Q4"), basemap=basemap, outlines=outlines)


def test_data_text_cannot_break_out_of_the_script():
    text = feature_collection(geometry_json([shapely.Point(1, 2)]), [{"n": "</script><script>alert(1)//" + EVIL}])
    assert "<" not in text and ">" not in text
    assert json.loads(text)["features"][0]["properties"]["n"].startswith("</script>")
    layer = layer_collection(encode_shapes([shapely.box(1, 2, 3, 4)], 3), [{"n": "</script>" + EVIL}])
    assert "<" not in layer and ">" not in layer
    assert json.loads(layer)["p"]["n"] == ["</script>" + EVIL]


def test_layer_is_encoded_on_the_view_grid_and_points_pass_unchanged():
    shapes = encode_shapes([shapely.box(105.1, 20.2, 105.3, 20.5), shapely.Point(105.5, 21.25), None], 3)
    layer = json.loads(layer_collection(shapes, [{"k": "a"}, {"k": "b"}, {"k": "c"}]))
    assert layer["s"] == 1000 and layer["p"] == {"k": ["a", "b", "c"]}
    polygon, point, missing = layer["g"]
    assert shapely.Polygon(np.cumsum(np.reshape(polygon[0][0], (-1, 2)), axis=0) / 1000).normalize().equals(
        shapely.box(105.1, 20.2, 105.3, 20.5).normalize())
    assert point == {"type": "Point", "coordinates": [105.5, 21.25]} and missing is None
    with pytest.raises(ValueError, match="grids"):
        layer_collection(encode_shapes([shapely.box(0, 0, 1, 1)], 3) + encode_shapes([shapely.box(0, 0, 1, 1)], 4),
                         [{}, {}])


def test_legend_text_is_escaped():
    html = legend_html(Legend(EVIL, "%", [("#fff", EVIL)], EVIL, [EVIL]))
    assert "<img" not in html and html.count("&lt;img") == 4


def test_map_loads_only_local_leaflet_and_no_colormap():
    m = tiny_map()
    js, css = offline.asset_links(m)
    assert js == ["/app/static/leaflet/leaflet.js"] and css == ["/app/static/leaflet/leaflet.css"]
    assert offline.off_machine(js + css) == []
    html = m.get_root().render()
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"(https?:)?//", html)
    assert "d3" not in re.findall(r"src=\"([^\"]+)\"", html)
    for link in js + css:
        assert (offline.STATIC_DIR / link.removeprefix("/app/static/")).is_file()
    assert (offline.STATIC_DIR / "leaflet" / "LICENSE").is_file()


def test_online_basemap_only_when_asked():
    assert "tile.openstreetmap.org" not in tiny_map().get_root().render()
    assert "tile.openstreetmap.org" in tiny_map(basemap=True).get_root().render()


def test_features_carry_only_the_visible_properties():
    html = tiny_map().get_root().render()
    start = html.index("return cmDecode(") + len("return cmDecode(")
    data, _ = json.JSONDecoder().raw_decode(html[start:])
    assert set(data["p"]) == set(FEATURE_PROPERTIES) and len(data["g"]) == 2
    assert data["p"]["c"][0] == -1  # "no data" stays a class of its own
    assert html.index("function cmDecode(") < start  # the decoder travels in the layer's own script


def test_coordinates_are_rounded():
    (text,) = geometry_json([shapely.Point(105.123456789, 20.987654321)], 4)
    assert json.loads(text)["coordinates"] == [105.1235, 20.9877]


def test_outlines_are_drawn_and_listed_in_the_legend():
    outline = Outline("Miền núi", geometry_json([shapely.box(105, 20, 105.1, 20.1).boundary])[0], "#5a3d1e")
    html = tiny_map(outlines=[outline]).get_root().render()
    assert "interactive: false" in html and "Miền núi" in html


def test_standalone_html_opens_without_the_app():
    html = offline.standalone_html(tiny_map())
    assert "<script src=" not in html and "<link rel=\"stylesheet\"" not in html
    assert "Leaflet" in html and "L.geoJson(" in html


def test_palettes_are_distinct_from_no_data():
    for k in range(1, 8):
        assert len(palettes.sequential(k)) == k == len(palettes.sequential(k, False)) == len(palettes.diverging(k))
        assert palettes.NO_DATA_COLOUR not in palettes.sequential(k) + palettes.diverging(k)


@pytest.mark.browser
def test_a_hostile_name_shows_as_text_in_the_tooltip(browser, tmp_path):
    path = tmp_path / "map.html"
    path.write_text(offline.standalone_html(tiny_map(names=(EVIL, "B"))), encoding="utf-8")
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_function("() => window.cmChoropleth")
    page.evaluate("() => window.cmChoropleth.eachLayer(layer => layer.openTooltip())")
    tooltips = page.locator(".leaflet-tooltip")
    texts = [tooltips.nth(i).inner_text() for i in range(tooltips.count())]
    legend = page.locator(".cm-legend").inner_text()
    assert any(EVIL in text for text in texts)
    assert EVIL in legend
    assert page.locator(".leaflet-tooltip img, .cm-legend img").count() == 0
    assert dialogs == []
    page.close()


@pytest.mark.real_data
def test_national_commune_payload_is_within_budget(real_communes_path):
    """SPEC §10: the national commune map (3,321 real units) is at most 2.5 MB of HTML."""
    import geopandas as gpd

    from analysis.simplify import simplify_geometries, view_scale

    units = gpd.read_file(real_communes_path)
    scale = view_scale("national")
    simplified = simplify_geometries(units.geometry.to_numpy(), scale)
    shapes = encode_shapes(simplified, scale.decimals)
    props = [{"k": code, "n": name, "c": i % 5, "v": "85,5 %", "f": "1.234 / 2.345"}
             for i, (code, name) in enumerate(zip(units["ward_code"], units["ward_name"]))]
    legend = Legend("Tỷ lệ", "%", list(zip(palettes.sequential(5), "abcde")), "Không có số liệu")
    m = choropleth_map(shapes, tuple(units.total_bounds), props, palettes.sequential(5), legend,
                       TooltipLabels("v", "f", "p"))
    size = len(m.get_root().render().encode("utf-8"))
    print(f"national commune map HTML: {size / 1e6:.2f} MB for {len(units)} units")
    assert size <= 2.5e6
    assert np.isfinite(shapely.bounds(simplified).astype(float)).all()
