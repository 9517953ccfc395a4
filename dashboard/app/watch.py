"""An open page notices data applied elsewhere (another session, another app server, the CLI).

Every rerun reads the store's token (:func:`dashboard.app.cache.source_key`), so the next click shows the data in
use. A page nobody touches (a projector) can also check by itself: with ``data.refresh_s`` > 0 a small fragment
compares the token every that many seconds and reruns the page when it changed. Off by default: the check is a
message from the browser each time, and a quiet page stays quiet.
"""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache


def watch_for_changes(settings) -> None:
    """Rerun the page when the data in use changes, checking every ``data.refresh_s`` seconds (0: never)."""
    every = settings["data.refresh_s"]
    if not every:
        return
    shown = cache.source_key()

    @st.fragment(run_every=every)
    def check() -> None:
        if cache.source_key() != shown:
            st.rerun(scope="app")

    check()
