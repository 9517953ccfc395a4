"""View state: one dict in ``st.session_state``, mirrored in the URL (``st.query_params``), and the widgets bound to it.

A copied link reproduces the view: every run reads the state (filled from the URL on a session's first run) and
writes the non-default values back to the URL. Widgets have their own keys (``w_<name>``), set from the state
before they are drawn and copied back when the user changes them, because Streamlit forgets a widget's value when
a page without that widget runs; the state dict does not.

``?present=1`` is presentation mode (no sidebar, large type); ``?lang=en`` switches to English.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

import streamlit as st

from analysis.indicators import INDICATORS
from analysis.view import AREA_FILTERS, ViewSpec
from dashboard.i18n import t

_STATE = "_view_state"
SCHEMES = ("quantiles", "equal_interval", "natural_breaks", "target")
LEVELS = ("province", "commune", "hamlet")

#: Every piece of view state, its default and its URL name.
DEFAULTS: dict[str, object] = {
    "lang": "vi", "present": False,
    "level": "commune", "indicator": "smartphone_share", "period": None, "province": None, "commune": None,
    "areas": (), "threshold": None,
    "scheme": "quantiles", "k": 5, "outline": (), "basemap": False, "sel": None,
    "gap_indicators": ("smartphone_share",),
    "compare": "periods", "period_a": None, "indicator_b": "vneid_share",
}
_URL_NAMES = {"areas": "area", "gap_indicators": "gi", "period_a": "pa", "indicator_b": "ib"}
_LISTS = ("areas", "outline", "gap_indicators")


def _url_name(name: str) -> str:
    return _URL_NAMES.get(name, name)


def _valid(name: str, value) -> bool:
    """Whether a value from the URL is acceptable (bad links fall back to defaults, never crash)."""
    checks = {
        "lang": lambda v: v in ("vi", "en"), "level": lambda v: v in LEVELS,
        "indicator": lambda v: v in INDICATORS, "indicator_b": lambda v: v in INDICATORS,
        "scheme": lambda v: v in SCHEMES, "k": lambda v: 3 <= v <= 7,
        "areas": lambda v: set(v) <= set(AREA_FILTERS), "outline": lambda v: set(v) <= set(AREA_FILTERS),
        "gap_indicators": lambda v: set(v) <= set(INDICATORS), "compare": lambda v: v in ("periods", "indicators"),
    }
    return checks.get(name, lambda v: True)(value)


def _parse(name: str, text: str):
    default = DEFAULTS[name]
    if name in _LISTS:
        return tuple(part for part in text.split(",") if part)
    if isinstance(default, bool):
        return text in ("1", "true", "yes")
    if isinstance(default, int):
        return int(text)
    if name == "threshold":
        return float(text.replace(",", "."))
    return text


def state_from_params(params) -> dict:
    """The view state from query parameters; unknown or invalid values are ignored."""
    state = dict(DEFAULTS)
    for name in DEFAULTS:
        text = params.get(_url_name(name))
        if text in (None, ""):
            continue
        try:
            value = _parse(name, str(text))
        except ValueError:
            continue
        if _valid(name, value):
            state[name] = value
    return state


def params_from_state(state: dict) -> dict[str, str]:
    """Query parameters for the non-default values of ``state``."""
    params = {}
    for name, default in DEFAULTS.items():
        value = state.get(name, default)
        if value == default or value in (None, (), ""):
            continue
        if name in _LISTS:
            params[_url_name(name)] = ",".join(value)
        elif isinstance(value, bool):
            params[_url_name(name)] = "1"
        elif isinstance(value, float):
            params[_url_name(name)] = f"{value:g}"
        else:
            params[_url_name(name)] = str(value)
    return params


def state() -> dict:
    """The session's view state (read from the URL on the session's first run)."""
    if _STATE not in st.session_state:
        st.session_state[_STATE] = state_from_params(st.query_params)
    return st.session_state[_STATE]


def get(name: str):
    return state()[name]


def put(name: str, value) -> None:
    state()[name] = value


def sync_url() -> None:
    """Write the view state to the URL (only what differs from the defaults, so links stay short)."""
    wanted = params_from_state(state())
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def link(**changes) -> str:
    """A relative link (``?…``) to the current view with some state changed, e.g. ``link(present=True)``."""
    return "?" + urlencode(params_from_state({**state(), **changes}), safe=",")


def lang() -> str:
    return get("lang")


def view_spec() -> ViewSpec:
    """The :class:`analysis.view.ViewSpec` of the current state."""
    s = state()
    return ViewSpec(level=s["level"], indicator=s["indicator"], period=s["period"], province=s["province"],
                    commune=s["commune"], areas=tuple(s["areas"]), threshold=s["threshold"])


def bind(name: str, widget, label: str, to_widget=lambda v: v, from_widget=lambda v: v, **kwargs):
    """Create ``widget`` bound to state ``name`` and return the state's value.

    The state is the master: the widget is set from it before it is drawn (so a value from the URL, or one
    changed on another page, shows), and the user's change is copied back in ``on_change``, which Streamlit
    runs before the script.
    """
    key = f"w_{name}"

    def changed():
        value = from_widget(st.session_state[key])
        if value != get(name):
            put(name, value)
            if name in ("province", "level", "indicator", "period", "commune"):
                put("sel", None)  # a selected unit from another view would show stale details

    st.session_state[key] = to_widget(get(name))
    widget(label, key=key, on_change=changed, **kwargs)
    return get(name)


def spec_with(**changes) -> ViewSpec:
    """The current view spec with some fields changed (e.g. another period on the compare page)."""
    return replace(view_spec(), **changes)


def labels_of(keys, lang_code: str, prefix: str) -> dict[str, str]:
    """Labels for option keys from :mod:`dashboard.i18n` (``prefix + key``)."""
    return {key: t(prefix + key, lang_code) for key in keys}
