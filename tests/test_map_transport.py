"""Geometry once by URL, values on each switch (issue 16): what the app sends, and the files it serves.

The app's map component is streamlit-folium's: it keeps its frame (and the map, its zoom, the loaded geometry)
as long as the map's script is the same, and evaluates the ``feature_group`` argument on every rerun. So: the
script must not change with the indicator, period, scheme or classes, and must not carry coordinates; the
values must carry no geometry.
"""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analysis.view import ViewSpec
from dashboard.query import DatasetSource, indicator_view
from dashboard.render import geofiles
from dashboard.render.legend import unit_texts
from dashboard.render.webmap import app_map, view_values
from loaders.settings import load_settings
from test_app_pages import APP, TIMEOUT, maps, values
from test_export_dataset import build_dataset


def geometry_url(script: str) -> str:
    start = script.index("CM.layer(") + len("CM.layer(")
    spec, _ = json.JSONDecoder().raw_decode(script[script.index("{", start):])
    return spec["source"]["url"]


def test_switching_indicator_period_scheme_and_classes_sends_values_only():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    (first,) = maps(at)
    url = geometry_url(first["script"])
    served = geofiles.GEO_DIR / url.rsplit("/", 1)[-1]
    geometry = json.loads(served.read_text(encoding="utf-8"))
    assert len(geometry["k"]) == len(values(first)["c"]) == 3321
    for change in (lambda: at.selectbox(key="w_indicator").set_value("vneid_share"),
                   lambda: at.selectbox(key="w_period").set_value("2024-Q4"),
                   lambda: at.selectbox(key="w_scheme").set_value("equal_interval"),
                   lambda: at.slider(key="w_k").set_value(4)):
        before = values(maps(at)[0])
        change().run()
        assert not at.exception
        (now,) = maps(at)
        for argument in ("script", "header", "html", "js_links", "css_links"):
            assert now[argument] == first[argument], argument  # same frame: nothing to load again
        assert values(now) != before
        assert '"coordinates"' not in now["feature_group"] and '"g":[' not in now["feature_group"]
        assert len(now["feature_group"].encode()) < len(served.read_bytes()) / 3


def test_a_place_gets_its_own_geometry_file():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["province"] = "14"
    at.run()
    (args,) = maps(at)
    url = geometry_url(args["script"])
    geometry = json.loads((geofiles.GEO_DIR / url.rsplit("/", 1)[-1]).read_text(encoding="utf-8"))
    assert 0 < len(geometry["k"]) < 3321 and geometry["s"] == 10_000  # province scale: 4 decimals


@pytest.fixture()
def source(tmp_path):
    return DatasetSource(build_dataset(tmp_path / "data"))


def test_files_are_named_by_content_and_written_once(source, tmp_path):
    folder = tmp_path / "geo"
    layer = geofiles.geometry_layer(source, "commune", directory=folder)
    path = folder / layer.url.rsplit("/", 1)[-1]
    written = path.stat().st_mtime_ns
    copy = tmp_path / "copy"
    shutil.copytree(source.data_dir, copy)
    again = geofiles.geometry_layer(DatasetSource(copy), "commune", directory=folder)
    assert again.url == layer.url and path.stat().st_mtime_ns >= written  # same content elsewhere: same file
    assert [p.name for p in folder.iterdir()] == [path.name]  # no temporary file left
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["k"] == list(layer.keys) and len(data["g"]) == len(layer)
    inline = geofiles.geometry_layer(source, "commune", inline=True)
    assert inline.url is None and json.loads(inline.data) == data  # the HTML export carries the same file


def test_the_folder_is_bounded_least_recently_used_first(tmp_path):
    folder = tmp_path / "geo"
    for n in range(4):
        geofiles.publish(f"f{n}.json", lambda: "x" * 1000, folder)
        os.utime(folder / f"f{n}.json", (n, n))
    geofiles.evict(folder, max_bytes=2500)
    assert sorted(p.name for p in folder.iterdir()) == ["f2.json", "f3.json"]


def test_values_follow_the_layer_order_and_hide_what_the_view_filters(source):
    settings = load_settings(environ={})
    layer = geofiles.geometry_layer(source, "commune", inline=True)
    whole = view_values(indicator_view(source, ViewSpec(k=3), settings), layer)
    part = indicator_view(source, ViewSpec(k=3, areas=("mountainous",)), settings)
    some = view_values(part, layer)
    assert len(whole["c"]) == len(some["c"]) == len(layer)
    assert " " not in whole["c"] and 0 < len(some["c"]) - some["c"].count(" ") < len(layer)
    shown = [layer.keys[i] for i, ch in enumerate(some["c"]) if ch != " "]
    assert sorted(shown) == sorted(part.keys())
    assert len(some["v"]) == len(shown)
    texts = dict(zip(part.keys(), unit_texts(part, "vi")[0]))
    assert some["v"] == [texts[key] for key in shown]  # texts in the layer's order, not the table's
    frame, full = np.array(some["frame"]), np.array(layer.frame())
    assert (frame[:2] >= full[:2] - 1e-9).all() and (frame[2:] <= full[2:] + 1e-9).all()


def test_the_app_map_is_the_same_for_two_indicators(source):
    settings = load_settings(environ={})
    layer = geofiles.geometry_layer(source, "commune", inline=True)
    a, values_a = app_map(indicator_view(source, ViewSpec(), settings), layer)
    b, values_b = app_map(indicator_view(source, ViewSpec(indicator="vneid_share"), settings), layer)
    from streamlit_folium import _get_map_string

    assert _get_map_string(a) == _get_map_string(b)
    assert values_a.get_name() != "" and values_a is not values_b


def test_a_read_only_installation_still_draws_with_the_geometry_inline(source, monkeypatch):
    def read_only(*args, **kwargs):
        raise PermissionError("static/geo is read-only")

    monkeypatch.setattr(geofiles, "publish", read_only)
    layer = geofiles.geometry_layer(source, "commune")
    assert layer.url is None and json.loads(layer.data)["k"] == list(layer.keys)
