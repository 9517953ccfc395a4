"""The store's history on the Dữ liệu page, read like a ledger: who applied which file when (local time), what each
version changed; "roll back" and "use this version" buttons named for what they do; a diff between two versions;
the log of changes of the version in use. The words come from :mod:`loaders.store.ledger` (the CLI prints the same).
"""

from __future__ import annotations

import streamlit as st

from dashboard.app.escape import md_escape
from i18n import Term, t
from loaders.errors import LoaderError
from loaders.store import AccessDenied
from loaders.store.ledger import diff, event_line, history, rollback_label, use_label, who

#: Versions shown one by one; older ones are listed in an expander.
SHOWN_VERSIONS = 8
_FLASH = "ledger_flash"
_DIFF = "ledger_diff"


def _embedded(lang: str) -> str:
    return t("store.ledger.embedded", lang)


def _refusal(identity, action: str, lang: str) -> str | None:
    """Why ``identity`` may not roll back / use a version (the store refuses it too), or ``None``."""
    try:
        identity.require_national(action)
    except AccessDenied as error:
        return md_escape(t("panel.not_allowed", lang, reason=error.text(lang)))  # a tooltip: Markdown
    return None


def render_ledger(store, identity, settings, lang: str) -> None:
    """The history with its buttons, the diff view and the log of the version in use."""
    tz = settings["data.timezone"]
    st.markdown(f"#### {t('upload.history', lang)}")
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        (st.success if flash[0] == "success" else st.error)(flash[1])
    lines = history(store, tz)
    if not lines:
        st.caption(t("panel.no_versions", lang))
        return
    for line in lines[:SHOWN_VERSIONS]:
        _render_line(line, lang)
    if len(lines) > SHOWN_VERSIONS:
        with st.expander(t("upload.history", lang) + f" ({len(lines) - SHOWN_VERSIONS})"):
            for line in lines[SHOWN_VERSIONS:]:
                _render_line(line, lang)
    # one reading of the store for the whole panel: another server may apply meanwhile (seen at the next run)
    active = next((line.version for line in lines if line.active), None)
    versions = [line.version for line in lines]
    _render_buttons(store, identity, tz, lang, versions, active)
    _render_diff(store, lang, versions, active, {line.version: line.parent for line in lines})
    events = store.events()
    if events:
        with st.expander(t("panel.events", lang)):
            st.text("\n".join(event_line(e, tz).text(lang) for e in reversed(events)))


def _render_line(line, lang: str) -> None:
    with st.container(border=True):
        person = who(line.who if line.who != "—" else None)
        person = t(person, lang) if isinstance(person, Term) else person
        head = f"**{md_escape(line.version)}** · {md_escape(line.when)} · {md_escape(person)}"
        if line.active:
            head += f" · :green[**{t('panel.in_use', lang)}**]"
        st.markdown(head)
        body = [t("panel.files", lang, files=line.files or ["—"])] + [m.text(lang) for m in line.what]
        st.text("\n".join(body))  # file names as received: plain text


def _render_buttons(store, identity, tz: str, lang: str, versions: list[str], active: str | None) -> None:
    label = rollback_label(store, tz)
    if label is not None:
        refused = _refusal(identity, "rollback", lang)
        if st.button(md_escape(label.text(lang)), key="ledger_rollback", disabled=refused is not None, help=refused):
            _change(lambda: store.rollback(identity), lang)
    choices = [*versions, None]
    chosen = st.selectbox(t("panel.choose_version", lang), choices, key="ledger_use_choice",
                          index=choices.index(active) if active in choices else 0,
                          format_func=lambda v: v or _embedded(lang))
    refused = _refusal(identity, "use", lang)
    if st.button(md_escape(use_label(store, chosen, tz).text(lang)), key="ledger_use", help=refused,
                 disabled=chosen == active or refused is not None):
        _change(lambda: store.activate(chosen, identity) or chosen, lang)


def _change(action, lang: str) -> None:
    try:
        now = action()
    except LoaderError as error:  # AccessDenied, StoreBusy, a missing version: one sentence
        st.session_state[_FLASH] = ("error", md_escape(error.text(lang)))
    else:
        st.session_state[_FLASH] = ("success", t("panel.switched", lang, version=now or _embedded(lang)))
    st.rerun()


def _render_diff(store, lang: str, versions: list[str], active: str | None, parents: dict) -> None:
    """Rows added / changed / removed per period between two versions (computed on request: it reads both)."""
    choices = [*versions, None]
    parent = parents.get(active)
    with st.expander(t("panel.diff", lang)):
        left, right = st.columns(2)
        a = left.selectbox(t("panel.diff_from", lang), choices, index=choices.index(parent),
                           format_func=lambda v: v or _embedded(lang), key="ledger_diff_a")
        b = right.selectbox(t("panel.diff_to", lang), choices, index=choices.index(active),
                            format_func=lambda v: v or _embedded(lang), key="ledger_diff_b")
        if st.button(t("panel.diff_run", lang), key="ledger_diff_run"):
            st.session_state[_DIFF] = (a, b, diff(store, a, b).lines())
        shown = st.session_state.get(_DIFF)
        if shown and shown[:2] == (a, b):
            st.text("\n".join(m.text(lang) for m in shown[2]))
