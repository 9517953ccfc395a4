"""The standalone HTML map: one file, Leaflet inlined, drawn by a browser with the network cut."""

from __future__ import annotations

import re

import pytest

from analysis.view import ViewSpec
from dashboard.query import DatasetSource, indicator_view
from dashboard.render.html import standalone_html
from loaders.settings import load_settings
from test_export_dataset import build_dataset


@pytest.fixture(scope="module")
def html_file(tmp_path_factory):
    directory = tmp_path_factory.mktemp("html")
    source = DatasetSource(build_dataset(directory / "data"))
    view = indicator_view(source, ViewSpec(indicator="smartphone_share", k=3), load_settings(environ={}))
    path = directory / "ban-do.html"
    path.write_text(standalone_html(view, source), encoding="utf-8")
    return path


def test_html_loads_nothing_from_elsewhere(html_file):
    document = html_file.read_text(encoding="utf-8")
    external = re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=[\"']([^\"']+)", document)
    assert external == []
    assert "L.map" in document or "L.Map" in document                 # Leaflet itself is in the file
    assert "<title>Tỷ lệ người dân dùng điện thoại thông minh</title>" in document
    assert "Dữ liệu minh họa" in document
    assert "bấm" in document                                          # names from data, UTF-8 intact


@pytest.mark.browser
def test_html_draws_its_polygons_with_the_network_cut(html_file, browser, artifacts_dir):
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    requested = []

    def cut(route):
        requested.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^(?!file:).*"), cut)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(html_file.as_uri())
    page.wait_for_function("window.cmChoropleth !== undefined", timeout=10_000)
    drawn = page.evaluate("Object.keys(window.cmChoropleth._layers).length")
    legend = page.inner_text(".cm-legend")
    title = page.inner_text("#cm-title")
    page.screenshot(path=str(artifacts_dir / "export_standalone_html.png"))
    page.close()
    assert errors == [] and requested == []
    assert drawn == 5
    assert "Không có số liệu (1)" in legend
    assert "Quý 4/2025" in title
