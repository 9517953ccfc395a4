"""The Streamlit app on the embedded data, driven by ``streamlit.testing.v1.AppTest`` (no browser)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
PAGES = ["map_page", "gaps_page", "compare_page", "data_page", "about_page"]
TIMEOUT = 300  # the first run simplifies the national layer; later runs hit the cache


def run_app(params: dict | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"dashboard/app/pages/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def maps(at: AppTest) -> list[dict]:
    """The arguments of every st_folium component on the page (script, js_links, css_links …)."""
    return [json.loads(el.proto.json_args) for el in at.get("component_instance")
            if el.proto.component_name.endswith("st_folium")]


def values(map_args: dict) -> dict:
    """The view's values sent with the map (``CM.show`` in streamlit-folium's feature group)."""
    script = map_args["feature_group"]
    start = script.index("CM.show(") + len("CM.show(")
    shown, _ = json.JSONDecoder().raw_decode(script[start:])
    return shown


def _json_after(script: str, call: str, skip_argument: bool = False):
    start = script.index(call) + len(call)
    if skip_argument:  # CM.layer(map_xyz, {...}): past the map's variable
        start = script.index(",", start) + 1
    while script[start] == " ":
        start += 1
    found, _ = json.JSONDecoder().raw_decode(script[start:])
    return found


def layer_keys(script: str) -> list[str]:
    """Unit keys of a map's layer, in its order: from the geometry file it fetches by URL, or carried inline."""
    from dashboard.render.geofiles import GEO_DIR

    source = _json_after(script, "CM.layer(", skip_argument=True)["source"]
    if "url" in source:
        return json.loads((GEO_DIR / source["url"].rsplit("/", 1)[-1]).read_text(encoding="utf-8"))["k"]
    return source["data"]["k"]


def shown_keys(layer_script: str, values_script: str) -> list[str]:
    """Keys of the units a view draws: the layer's keys whose class character is not a space."""
    shown = _json_after(values_script, "CM.show(")
    return [key for key, c in zip(layer_keys(layer_script), shown["c"]) if c != " "]


def drawn_keys(map_args: dict) -> list[str]:
    """Units drawn by one map of the app (its script and its feature group of values)."""
    return shown_keys(map_args["script"], map_args["feature_group"])


def features(map_args: dict) -> int:
    """Units drawn: one class character per unit of the layer, a space for units the view does not show."""
    shown = values(map_args)
    drawn = len(shown["c"]) - shown["c"].count(" ")
    assert drawn == len(shown["v"]) == len(shown["f"])
    return drawn


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_runs_on_the_embedded_data(page, lang):
    at = run_app({"lang": lang}, page=None if page == "map_page" else page)
    assert at.title, "each page has a title"
    if page in ("map_page", "gaps_page", "compare_page"):
        assert maps(at), f"{page} draws a map"


def test_default_view_is_the_national_commune_map_in_vietnamese():
    at = run_app()
    (args,) = maps(at)
    assert features(args) == 3321
    assert "Điện thoại thông minh" in values(args)["legend"]  # the legend's title
    assert "Dữ liệu minh họa" in values(args)["legend"]  # the legend says demo data
    teams = metrics(at)["Tổ CNSCĐ"]
    assert "." in teams and "," not in teams  # Vietnamese thousands separator: 56.862


def test_no_map_asset_leaves_the_machine():
    for page in ("map_page", "gaps_page", "compare_page"):
        at = run_app(page=None if page == "map_page" else page)
        for args in maps(at):
            links = args["js_links"] + args["css_links"]
            assert links, "the map loads Leaflet"
            assert all(link.startswith("/app/static/") for link in links), links
            for link in links:
                assert (REPO / "static" / link.removeprefix("/app/static/").split("?")[0]).is_file(), link
            assert "https://" not in args["header"] and "http://" not in args["header"]


def test_changing_the_indicator_changes_the_map_and_the_kpi():
    at = run_app()
    before_map, before_kpi = maps(at)[0]["feature_group"], list(metrics(at).values())[-1]
    at.selectbox(key="w_indicator").set_value("vneid_share").run()
    after_map, after_kpi = maps(at)[0]["feature_group"], list(metrics(at).values())[-1]
    assert "VNeID" in after_map and "VNeID" not in before_map
    assert after_kpi != before_kpi
    assert at.query_params["indicator"] == "vneid_share"


def test_changing_the_level_changes_the_units_drawn():
    at = run_app()
    at.radio(key="w_level").set_value("province").run()
    assert features(maps(at)[0]) == 34
    assert at.query_params["level"] == "province"


def test_filters_combine_and_narrow_the_selection():
    at = run_app()
    national = metrics(at)["Tổ CNSCĐ"]
    at.selectbox(key="w_province").set_value("14").run()  # Sơn La
    province = metrics(at)["Tổ CNSCĐ"]
    province_units = features(maps(at)[0])
    at.multiselect(key="w_areas").set_value(["mountainous"]).run()
    mountainous_units = features(maps(at)[0])
    assert province != national
    assert 0 < province_units < 3321
    assert 0 < mountainous_units <= province_units
    assert at.query_params["province"] == "14" and at.query_params["area"] == "mountainous"


def test_url_parameters_restore_a_view():
    params = {"level": "province", "indicator": "cashless_share", "scheme": "natural_breaks", "k": "4",
              "period": "2024-Q4", "lang": "en"}
    at = run_app(params)
    assert at.selectbox(key="w_indicator").value == "cashless_share"
    assert at.radio(key="w_level").value == "province"
    assert at.selectbox(key="w_scheme").value == "natural_breaks"
    assert at.slider(key="w_k").value == 4
    assert at.selectbox(key="w_period").value == "2024-Q4"
    (args,) = maps(at)
    legend = values(args)["legend"]
    assert features(args) == 34 and "Q4 2024" in legend and "Cashless payment" in legend
    assert {key: at.query_params[key] for key in params} == params  # the URL keeps the view


def test_a_selected_unit_in_the_url_shows_its_details_and_trend():
    at = run_app({"level": "province", "sel": "14"})
    assert any("Sơn La" in h.value for h in at.subheader)
    assert at.table, "all indicators of the unit"
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"), "the trend chart"


def test_bad_url_parameters_fall_back_to_defaults():
    at = run_app({"level": "district", "indicator": "nope", "k": "x", "area": "moon", "province": "99"})
    assert at.radio(key="w_level").value == "commune"
    assert at.selectbox(key="w_indicator").value == "smartphone_share"


def test_gap_page_ranks_gaps_and_area_toggles_filter_them():
    at = run_app(page="gaps_page")
    count_all = int(at.subheader[0].value.split(" ")[0].replace(".", ""))
    at.toggle(key="w_gap_area_island").set_value(True).run()
    count_island = int(at.subheader[0].value.split(" ")[0].replace(".", ""))
    assert count_all > count_island > 0
    assert at.dataframe, "the ranked list"
    assert at.query_params["area"] == "island"


def test_map_and_gap_pages_offer_downloads_of_what_is_shown():
    for page in ("map_page", "gaps_page"):
        at = run_app(page=None if page == "map_page" else page)
        labels = [button.proto.label for button in at.get("download_button")]
        assert any("PNG" in label for label in labels) and any("XLSX" in label for label in labels), labels


def test_hamlets_are_shown_for_a_chosen_province():
    at = run_app({"level": "hamlet", "province": "14"})
    (args,) = maps(at)
    assert 100 < features(args) < 20000
    national = run_app({"level": "hamlet"})  # no province: every hamlet of the country (issue 16)
    assert features(maps(national)[0]) == 67458 and not national.info


def test_presentation_mode_has_no_filters():
    at = run_app({"present": "1"})
    assert not at.sidebar.selectbox and not at.sidebar.radio
    assert maps(at)


def test_at_hamlet_level_the_hamlet_card_counts_the_hamlets_shown():
    from analysis.view import ViewSpec
    from dashboard.query import indicator_view
    from dashboard.query.sources import resolve_source
    from i18n import format_percent
    from loaders.settings import load_settings

    params = {"province": "14", "level": "hamlet", "commune": "03646"}
    at = run_app(params)
    settings = load_settings()
    view = indicator_view(resolve_source(settings), ViewSpec(level="hamlet", province="14", commune="03646"),
                          settings)
    teams = view.table["teams"].dropna()
    assert len(teams) and (teams > 0).any() and (teams == 0).any(), "the commune has hamlets with and without a team"
    assert metrics(at)["Thôn có tổ"] == format_percent(100 * (teams > 0).sum() / len(teams), "vi")
