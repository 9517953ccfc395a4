"""View state ⇄ URL query parameters."""

from dashboard.app_state import DEFAULTS, params_from_state, state_from_params


def test_defaults_make_an_empty_url():
    assert params_from_state(dict(DEFAULTS)) == {}


def test_state_round_trips_through_the_url():
    state = {**DEFAULTS, "lang": "en", "present": True, "level": "hamlet", "province": "14", "commune": "04000",
             "areas": ("mountainous", "island"), "threshold": 42.5, "scheme": "target", "k": 7,
             "outline": ("border",), "sel": "04000", "gap_indicators": ("smartphone_share", "vneid_share")}
    params = params_from_state(state)
    assert params["area"] == "mountainous,island" and params["present"] == "1"
    assert state_from_params(params) == state


def test_invalid_values_fall_back_to_defaults():
    state = state_from_params({"level": "huyện", "k": "99", "indicator": "x", "threshold": "abc", "area": "moon"})
    assert state == DEFAULTS
