"""The lean folium map: small payload, local assets only, escaped text, a legend without d3."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import shapely

from dashboard.render import offline, palettes
from dashboard.render.codec import feature_collection, geojson_geometries, geometry_file
from dashboard.render.geofiles import GeometryLayer
from dashboard.render.legend import Legend, Outline
from dashboard.render.webmap import ViewValues, base_map, legend_html


def geometry_json(geometries, decimals: int = 4):
    return geojson_geometries(geometries, decimals)

EVIL = "<img src=x onerror=alert(1)>"


def tiny_layer(names=("A", "B")) -> GeometryLayer:
    squares = [shapely.box(105, 20, 105.1, 20.1), shapely.box(105.1, 20, 105.2, 20.1)]
    keys = ["00001", "00002"]
    return GeometryLayer(np.array(keys), shapely.bounds(squares), data=geometry_file(keys, names, squares, 4))


def tiny_values(outlines=()) -> dict:
    """The values of a view as :func:`dashboard.render.webmap.view_values` makes them (unit A without data)."""
    legend = Legend("Tỷ lệ " + EVIL, "%", [("#ffffcc", "0 – 50 " + EVIL)], "Không có số liệu", ["2025-Q4"],
                    tuple(outlines))
    return {"c": "-0", "v": ["12,5 %", EVIL], "f": ["1 / 8", ""], "colours": palettes.sequential(3),
            "tip": {"value": "Giá trị", "detail": "a / b", "period": "Kỳ 2025-Q4"}, "legend": legend_html(legend),
            "outlines": [{"source": {"data": json.loads(o.geometry)}, "style": {"color": o.colour, "fill": False}}
                         for o in outlines], "frame": None, "id": "tiny"}


def tiny_map(names=("A", "B"), basemap=False, outlines=()):
    m = base_map(tiny_layer(names), basemap=basemap)
    m.add_child(ViewValues(tiny_values(outlines)))
    return m


def test_data_text_cannot_break_out_of_the_script():
    text = feature_collection(geometry_json([shapely.Point(1, 2)]), [{"n": "</script><script>alert(1)//" + EVIL}])
    assert "<" not in text and ">" not in text
    assert json.loads(text)["features"][0]["properties"]["n"].startswith("</script>")
    layer = geometry_file(["1"], ["</script>" + EVIL], [shapely.box(1, 2, 3, 4)], 3)
    assert "<" not in layer and ">" not in layer
    assert json.loads(layer)["n"] == ["</script>" + EVIL]
    html = tiny_map(names=(EVIL, "</script>")).get_root().render()
    assert "<img" not in html and html.count("</script>") == html.count("<script")


def test_layer_is_encoded_on_the_view_grid_and_points_pass_unchanged():
    text = geometry_file(["a", "b", "c"], ["A", "B", "C"],
                         [shapely.box(105.1, 20.2, 105.3, 20.5), shapely.Point(105.5, 21.25), None], 3)
    layer = json.loads(text)
    assert layer["s"] == 1000 and layer["k"] == ["a", "b", "c"]
    polygon, point, missing = layer["g"]
    assert shapely.Polygon(np.cumsum(np.reshape(polygon[0][0], (-1, 2)), axis=0) / 1000).normalize().equals(
        shapely.box(105.1, 20.2, 105.3, 20.5).normalize())
    assert point == {"type": "Point", "coordinates": [105.5, 21.25]} and missing is None


def test_legend_text_is_escaped():
    html = legend_html(Legend(EVIL, "%", [("#fff", EVIL)], EVIL, [EVIL]))
    assert "<img" not in html and html.count("&lt;img") == 4


def test_map_loads_only_local_leaflet_and_no_colormap():
    m = tiny_map()
    js, css = offline.asset_links(m)
    assert js[0] == "/app/static/leaflet/leaflet.js" and js[1].startswith("/app/static/coverage-map/choropleth.js?v=")
    assert css == ["/app/static/leaflet/leaflet.css"]
    assert offline.off_machine(js + css) == []
    html = m.get_root().render()
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"(https?:)?//", html)
    assert "d3" not in re.findall(r"src=\"([^\"]+)\"", html)
    for link in js + css:
        assert (offline.STATIC_DIR / link.removeprefix("/app/static/").split("?")[0]).is_file()
    assert (offline.STATIC_DIR / "leaflet" / "LICENSE").is_file()


def test_online_basemap_only_when_asked():
    assert "tile.openstreetmap.org" not in tiny_map().get_root().render()
    assert "tile.openstreetmap.org" in tiny_map(basemap=True).get_root().render()


def test_coordinates_are_rounded():
    (text,) = geometry_json([shapely.Point(105.123456789, 20.987654321)], 4)
    assert json.loads(text)["coordinates"] == [105.1235, 20.9877]


def test_outlines_are_drawn_and_listed_in_the_legend():
    outline = Outline("Miền núi", geometry_json([shapely.box(105, 20, 105.1, 20.1).boundary])[0], "#5a3d1e")
    html = tiny_map(outlines=[outline]).get_root().render()
    assert '"outlines":[{"source":{"data":{"type":"LineString"' in html and "Miền núi" in html


def test_standalone_html_opens_without_the_app():
    html = offline.standalone_html(tiny_map())
    assert "<script src=" not in html and "<link rel=\"stylesheet\"" not in html
    assert "Leaflet" in html and "CM.layer(" in html and "CM.show(" in html


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
    page.wait_for_function("() => window.cmView && window.cmView.shown === 2")
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
    """SPEC §10: the national commune map (3,321 real units) is at most 2.5 MB: its geometry file, sent once."""
    import geopandas as gpd

    from analysis.simplify import simplify_geometries, view_scale

    units = gpd.read_file(real_communes_path)
    scale = view_scale("national")
    simplified = simplify_geometries(units.geometry.to_numpy(), scale)
    text = geometry_file(units["ward_code"], units["ward_name"], simplified, scale.decimals)
    print(f"national commune geometry file: {len(text.encode()) / 1e6:.2f} MB for {len(units)} units")
    assert len(text.encode("utf-8")) <= 2.5e6
    assert np.isfinite(shapely.bounds(simplified).astype(float)).all()
