"""The session's view: a :class:`analysis.view.ViewSpec` plus the page chrome, mirrored in the URL.

The URL is the view's own encoding (``ViewSpec.to_params``) plus the chrome parameters (``lang``, ``present``,
``basemap``, the bubbles' count ``bubbles``, the presentation's ``slides``) and the selected unit (``sel``), so a
copied link reproduces the view, and
``coverage-map export --link`` reads the same address. Widgets have their own keys (``w_<name>``), set from the
state before they are drawn and copied back when the user changes them, because Streamlit forgets a widget's
value when a page without that widget runs; the state does not.
"""

from __future__ import annotations

from dataclasses import fields, replace
from urllib.parse import urlencode

import streamlit as st

from analysis.view import ViewSpec
from dashboard.query.counts import BUBBLE_COUNTS

_SPEC, _CHROME = "_view_spec", "_view_chrome"
#: Chrome: how the page looks, not what it shows. Name → default.
CHROME = {"lang": "vi", "present": False, "basemap": False, "sel": None, "bubbles": None, "slides": None}
#: Pages a presentation can show, in the app's order (``slides=map,gaps,compare`` in the URL).
SLIDES = ("map", "gaps", "compare", "data", "about")
SPEC_FIELDS = tuple(f.name for f in fields(ViewSpec))
#: Changing one of these makes a selected unit's details stale.
_RESETS_SELECTION = ("province", "level", "indicator", "period", "commune")


def chrome_from_params(params) -> dict:
    chrome = dict(CHROME)
    if params.get("lang") in ("vi", "en"):
        chrome["lang"] = params.get("lang")
    for flag in ("present", "basemap"):
        chrome[flag] = str(params.get(flag) or "") in ("1", "true")
    if params.get("sel"):
        chrome["sel"] = str(params.get("sel"))[:32]
    if params.get("bubbles") in BUBBLE_COUNTS:
        chrome["bubbles"] = params.get("bubbles")
    slides = [name for name in str(params.get("slides") or "").split(",") if name in SLIDES]
    if slides:
        chrome["slides"] = ",".join(slides)
    return chrome


def chrome_params(chrome: dict) -> dict[str, str]:
    params = {}
    if chrome.get("lang") != CHROME["lang"]:
        params["lang"] = chrome["lang"]
    for flag in ("present", "basemap"):
        if chrome.get(flag):
            params[flag] = "1"
    for name in ("sel", "bubbles", "slides"):
        if chrome.get(name):
            params[name] = str(chrome[name])
    return params


def _ensure() -> None:
    if _SPEC not in st.session_state:
        st.session_state[_SPEC] = ViewSpec.from_params(st.query_params)
        st.session_state[_CHROME] = chrome_from_params(st.query_params)


def spec() -> ViewSpec:
    """The view of this session (read from the URL on the session's first run)."""
    _ensure()
    return st.session_state[_SPEC]


def set_spec(new: ViewSpec) -> None:
    _ensure()
    st.session_state[_SPEC] = new


def get(name: str):
    """A field of the view or of the chrome."""
    _ensure()
    if name in CHROME:
        return st.session_state[_CHROME][name]
    return getattr(st.session_state[_SPEC], name)


def put(name: str, value) -> None:
    """Change a field of the view or of the chrome (an invalid view value is refused by ``ViewSpec``)."""
    _ensure()
    if name in CHROME:
        st.session_state[_CHROME][name] = value
        return
    st.session_state[_SPEC] = replace(st.session_state[_SPEC], **{name: value})
    if name in _RESETS_SELECTION:
        st.session_state[_CHROME]["sel"] = None


def lang() -> str:
    return get("lang")


def params(spec_: ViewSpec | None = None, **chrome_changes) -> dict[str, str]:
    """The URL parameters of a view (this session's by default) with some chrome changed."""
    _ensure()
    return {**(spec_ or spec()).to_params(), **chrome_params({**st.session_state[_CHROME], **chrome_changes})}


def sync_url() -> None:
    """Write the view to the URL (only what differs from the defaults, so links stay short)."""
    wanted = params()
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def link(spec_: ViewSpec | None = None, **chrome_changes) -> str:
    """A relative link (``?…``) to a view, e.g. ``link(present=True)`` for this one on a projector."""
    return "?" + urlencode(params(spec_, **chrome_changes), safe=",")


def bind(name: str, widget, label: str, to_widget=lambda v: v, from_widget=lambda v: v, **kwargs):
    """Create ``widget`` bound to the view or chrome field ``name`` and return its value.

    The state is the master: the widget is set from it before it is drawn (so a value from the URL, or one
    changed on another page, shows), and the user's change is copied back in ``on_change``, which Streamlit
    runs before the script.
    """
    key = f"w_{name}"

    def changed():
        value = from_widget(st.session_state[key])
        if value != get(name):
            put(name, value)

    st.session_state[key] = to_widget(get(name))
    widget(label, key=key, on_change=changed, **kwargs)
    return get(name)
