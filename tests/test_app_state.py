"""The view ⇄ URL: one encoding (``ViewSpec.to_params``) for the app, its links and ``coverage-map export --link``."""

from analysis.view import ViewSpec
from dashboard.app.state import CHROME, chrome_from_params, chrome_params


def test_defaults_make_an_empty_url():
    assert ViewSpec().to_params() == {} and chrome_params(dict(CHROME)) == {}


def test_a_view_round_trips_through_the_url():
    spec = ViewSpec(level="hamlet", province="14", commune="04000", areas=("mountainous", "island"),
                    threshold=42.5, threshold_below=False, scheme="target", k=7, outlines=("border",),
                    gap_indicators=("smartphone_share", "vneid_share"), compare="indicators", period_a="2025-Q1",
                    indicator_b="cashless_share")
    params = spec.to_params()
    assert params["area"] == "mountainous,island" and params["above"] == "1"
    assert ViewSpec.from_params(params) == spec
    chrome = {"lang": "en", "present": True, "basemap": False, "sel": "04000", "bubbles": "teams",
              "slides": "map,gaps,compare"}
    assert chrome_from_params(chrome_params(chrome)) == chrome


def test_outlines_default_to_the_hard_areas_and_none_is_a_choice_in_the_link():
    assert ViewSpec().outlines == ("mountainous", "island") and ViewSpec().scheme == "target"
    none = ViewSpec(outlines=())
    assert none.to_params() == {"outline": "none"} and ViewSpec.from_params(none.to_params()) == none


def test_invalid_values_fall_back_to_defaults():
    spec = ViewSpec.from_params({"level": "huyện", "k": "99", "indicator": "x", "threshold": "abc", "area": "moon",
                                 "scheme": "pie", "compare": "x", "ib": "nope"})
    assert spec == ViewSpec()
    assert chrome_from_params({"lang": "fr", "present": "yes please", "bubbles": "cats", "slides": "x,y"}) == CHROME
