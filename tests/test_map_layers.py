"""The map's new layers and words on the embedded data (issues 15 and 18): the search index, names, tiny islands,
bubbles, the fixed "no team" class, the headline sentence, the previous period, the surroundings."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import shapely

from analysis.view import ViewSpec
from dashboard.query import DatasetSource, indicator_view, prepared_shapes
from dashboard.query.context import map_context
from dashboard.query.counts import count_values
from dashboard.query.labels import label_points
from dashboard.query.no_team import has_no_team_class
from dashboard.query.previous import previous_view
from dashboard.query.search import fold, search_units, unit_index
from dashboard.render import palettes, texts
from dashboard.render.geofiles import geometry_layer
from dashboard.render.legend import legend_of
from dashboard.render.webmap import web_map
from dashboard.render.webmap_labels import label_scope, short_name
from dashboard.render.webmap_layers import nice_keys, tiny_parts
from dashboard.render.webmap_view import source_extras
from loaders.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
SETTINGS = load_settings()


@pytest.fixture(scope="module")
def source():
    return DatasetSource(REPO / "data")


@pytest.fixture(scope="module")
def index(source):
    return unit_index(source)


def names_of(found):
    return list(found["name"])


def test_search_finds_units_typed_without_diacritics(index):
    assert len(index) == 34 + 3321 + 67458
    assert names_of(search_units(index, "van khanh"))[0] == "Xã Vân Khánh"
    assert names_of(search_units(index, "Vân Khánh"))[0] == "Xã Vân Khánh"
    assert names_of(search_units(index, "xa van khanh"))[0] == "Xã Vân Khánh"
    assert names_of(search_units(index, "son la"))[0] == "Tỉnh Sơn La"        # the province before communes
    assert names_of(search_units(index, "truong sa"))[0] == "Đặc khu Trường Sa"
    assert names_of(search_units(index, "thon 1"))[0] == "Thôn 1"          # the type word counts when typed
    assert search_units(index, "khanh van").empty                          # words in order
    assert search_units(index, "zzzz").empty and search_units(index, "  ").empty
    hamlet = search_units(index, "ban cu tat").iloc[0]
    assert hamlet["level"] == "hamlet" and hamlet["commune_name"].startswith("Xã")
    assert hamlet["province_name"].startswith("Tỉnh")                      # hamlets carry their places' names
    assert fold("Đặc khu  Lý Sơn") == "dac khu ly son"


def test_label_points_lie_inside_their_units(source):
    points = label_points(source, "commune", "14")
    communes = source.units("commune", "14").set_index("commune_code")
    assert len(points) == len(communes) and points["room"].is_monotonic_decreasing
    inside = [shapely.contains(communes.geometry[key], shapely.Point(lon, lat)) or
              shapely.distance(communes.geometry[key], shapely.Point(lon, lat)) < 1e-3
              for key, lon, lat in zip(points["key"], points["lon"], points["lat"])]
    assert all(inside)
    assert label_scope(ViewSpec()) == ("province", None, None)
    assert label_scope(ViewSpec(province="14")) == ("commune", "14", None)
    assert label_scope(ViewSpec(level="hamlet", province="14", commune="04240")) == ("hamlet", "14", "04240")
    assert short_name("Tỉnh Sơn La", "province") == "Sơn La" and short_name("Phường 1", "commune") == "Phường 1"


def test_tiny_islands_get_dots_and_urban_wards_do_not(source):
    shapes = prepared_shapes(source, "commune")
    parts = tiny_parts(shapes, shapes.keys)
    communes = source.units("commune").set_index("commune_code")["commune_name"]
    named = {communes[part[4]] for part in parts}
    assert {"Đặc khu Hoàng Sa", "Đặc khu Trường Sa", "Đặc khu Bạch Long Vĩ", "Đặc khu Lý Sơn"} <= named
    assert not any(name.startswith("Phường") and "Hà Nội" in name for name in named)
    hoang_sa = [part for part in parts if communes[part[4]] == "Đặc khu Hoàng Sa"]
    assert len(hoang_sa) >= 3 and all(part[3] > 0.2 for part in hoang_sa)   # each island, far from the rest


def test_the_web_map_carries_context_names_dots_bubbles_and_the_chosen_unit(source):
    spec = ViewSpec(province="14", commune="04240")
    view = indicator_view(source, spec, SETTINGS)
    extras = source_extras(view, source, bubbles="teams", highlight=("04240",))
    layer = geometry_layer(source, "commune", "14", inline=True)
    script = web_map(view, layer, "vi", extras=extras).get_root().render()
    assert "cmLand" in script and "Lào" in script                              # neighbours drawn and named
    assert "cm-lbl-commune" in script and "Mường Lèo" in script               # the communes named
    assert "Số tổ CNSCĐ" in script and "cmHighlighted" in script and '"04240"' in script
    assert "cm_fit" in script or "cmFit" in script                             # framed clear of the legend
    national = indicator_view(source, ViewSpec(), SETTINGS)
    script = web_map(national, geometry_layer(source, "commune", inline=True), "vi",
                     extras=source_extras(national, source, bubbles="teams")).get_root().render()
    assert "cộng theo tỉnh" in script                                          # 3321 bubbles would be a smudge
    assert "Quần đảo Hoàng Sa" in script and "Biển Đông" in script


def test_bubble_counts_and_keys(source):
    view = indicator_view(source, ViewSpec(level="hamlet", province="14", commune="04240"), SETTINGS)
    without = count_values(view.table, "hamlet", "population_without_team")
    no_team = view.table["teams"] == 0
    assert (without[no_team] == view.table["population"][no_team]).all() and (without[~no_team] == 0).all()
    assert nice_keys(76335, lambda v: f"{v:g}") == [[50000.0, "50000"], [12500.0, "12500"], [3125.0, "3125"]]
    assert nice_keys(12, lambda v: f"{v:g}") == [[10.0, "10"], [2.5, "2.5"]] and nice_keys(0, str) == []
    with pytest.raises(ValueError):
        count_values(view.table, "hamlet", "cats")


def test_units_without_a_team_have_their_own_class_on_the_team_maps(source):
    view = indicator_view(source, ViewSpec(indicator="residents_per_member", scheme="quantiles"), SETTINGS)
    zero = (view.table["teams"] == 0).to_numpy()
    assert zero.any() and has_no_team_class(view.classification)
    assert (np.asarray(view.classification.class_of)[zero] == view.classification.k).all()
    legend = legend_of(view, "vi")
    assert legend.labels[-1] == f"Chưa có tổ nào ({int(zero.sum())})"
    assert legend.colours[-1] == palettes.NO_TEAM_COLOUR and len(legend.colours) == view.classification.k + 1
    assert not has_no_team_class(indicator_view(source, ViewSpec(), SETTINGS).classification)
    hamlets = legend_of(indicator_view(source, ViewSpec(level="hamlet", province="14", indicator="team_presence"),
                                       SETTINGS), "vi")
    assert [label.split(" (")[0] for label in hamlets.labels] == ["Chưa có tổ", "Có tổ"]
    assert hamlets.colours[0] == palettes.NO_TEAM_COLOUR


def test_the_headline_counts_the_units_below_target_and_the_hard_ones(source):
    view = indicator_view(source, ViewSpec(), SETTINGS)
    values = view.table["value"]
    below = values < 80
    mountainous = (below & view.table["is_mountainous"].astype(bool)).sum()
    dotted = lambda n: f"{n:,}".replace(",", ".")  # noqa: E731
    expected = f"{dotted(below.sum())} xã dưới mục tiêu 80 %, trong đó {dotted(mountainous)} xã miền núi"
    sentence = texts.headline(view, "vi")
    assert sentence.startswith(expected), sentence
    assert re.search(r"\d+ xã đảo$", sentence)
    assert texts.headline(view, "en").startswith(f"{below.sum():,} communes below the 80% target")
    assert texts.headline(indicator_view(source, ViewSpec(indicator="members_per_1000"), SETTINGS), "vi") == ""


def test_the_previous_period_view(source):
    view = indicator_view(source, ViewSpec(), SETTINGS)
    before = previous_view(source, view, SETTINGS)
    assert (view.period, before.period) == ("2025-Q4", "2025-Q3")
    first = indicator_view(source, ViewSpec(period="2024-Q1"), SETTINGS)
    assert previous_view(source, first, SETTINGS) is None


def test_the_surroundings_come_from_the_source_and_are_simplified_together(source):
    context = map_context(source, "national")
    assert set(context.kinds) == {"vietnam", "country"}
    assert {"CHN", "LAO", "KHM"} <= set(context.codes)
    assert shapely.coverage_is_valid(context.shapes)                 # shared borders stay shared
    near = context.clipped((103.0, 20.5, 105.0, 22.0))              # Sơn La
    assert "THA" not in set(near.codes) and "LAO" in set(near.codes)
    labels = set(context.labels["name_vi"])
    assert {"Biển Đông", "Quần đảo Hoàng Sa", "Quần đảo Trường Sa", "Trung Quốc"} <= labels


def test_static_maps_draw_the_sea_neighbours_and_their_names(source):
    from dashboard.render.sheet import map_sheet
    from dashboard.render.static_map import render_map

    fig = render_map(map_sheet(indicator_view(source, ViewSpec(), SETTINGS), source, "vi"))
    ax = next(a for a in fig.axes if a.get_label() == "map")
    assert any(p.get_gid() == "sea" for p in ax.patches)
    names = {t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("context-")}
    assert {"Trung Quốc", "Lào", "Campuchia", "Biển Đông", "Quần đảo Hoàng Sa", "Quần đảo Trường Sa"} <= names
    assert not any(t.get_text().startswith("QĐ.") for t in ax.texts)
    english = render_map(map_sheet(indicator_view(source, ViewSpec(province="22"), SETTINGS), source, "en"))
    inset = next(a for a in english.axes if a.get_label() == "inset")
    assert "Hoang Sa Archipelago" in {t.get_text() for t in inset.texts} or any(
        "Hoang Sa" in t.get_text() for t in inset.texts)
    texts_ = [t for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert all(ax.get_xlim()[0] <= t.get_position()[0] <= ax.get_xlim()[1]
               for t in ax.texts if (t.get_gid() or "").startswith("context-") and t.get_ha() == "center"), texts_
