"""Optional login (Streamlit's built-in OIDC: ``st.login``/``st.user``/``st.logout``) and who the reader is.

Off by default (``[auth] enabled = false``): everyone is the local national officer, as on the embedded first run.
On, the provider is configured in ``.streamlit/secrets.toml`` (``[auth]``: ``redirect_uri``, ``cookie_secret``,
``client_id``, ``client_secret``, ``server_metadata_url``) and roles come from the roles file
(:func:`loaders.store.access.identity_for`). :func:`gate` runs before any page: a visitor who is not signed in sees
only the sign-in button; one the roles file refuses sees why. The identity decides what the query reads (a limited
provincial reader gets only their provinces' rows, on PostGIS through row-level security) and what the store
accepts from an officer; hiding widgets is never the protection.
"""

from __future__ import annotations

import logging

import streamlit as st

from dashboard.app import state as S
from dashboard.app.escape import md_escape
from i18n import t
from loaders.store import AccessDenied, Identity, identity_for

log = logging.getLogger(__name__)
_HOME = "_home_province_applied"


def signed_in_user() -> str | None:
    """The e-mail of the signed-in user (``st.user``), or ``None``."""
    info = st.user.to_dict()
    if not info.get("is_logged_in"):
        return None
    return str(info.get("email") or info.get("preferred_username") or "") or None


def identity(settings) -> Identity:
    """Who reads and writes in this session (login off: the local national officer).

    Raises
    ------
    AccessDenied
        Login is on and nobody is signed in, or the roles file does not list the user.
    """
    if not settings["auth.enabled"]:
        return Identity.local()
    return identity_for(signed_in_user(), settings)


def _sign_in(lang: str) -> None:
    st.title(t("app_title", lang), anchor=False)
    st.info(t("login.needed", lang))
    if st.button(t("login.button", lang), type="primary", key="login"):
        try:
            st.login()
        except Exception:  # noqa: BLE001 - StreamlitAuthError: no [auth] in secrets.toml, or Authlib missing
            log.exception("login is on but st.login() cannot start")
            st.error(t("login.not_configured", lang))
    st.stop()


def _who(person: Identity, lang: str) -> str:
    """"minh@… — người xem cấp tỉnh: Tỉnh Sơn La"."""
    from dashboard.app import cache

    role = t(f"login.role.{person.role}", lang)
    if person.provinces:
        names = cache.names(cache.source_key(), "province")
        provinces = [names.get(code, code) for code in sorted(person.provinces)]
        return t("login.signed_in_provinces", lang, user=person.user, role=role, provinces=provinces)
    return t("login.signed_in", lang, user=person.user, role=role)


def gate(settings, lang: str) -> Identity:
    """Before any page: sign in when login is on, show who is signed in, open on the reader's province.

    Stops the script (``st.stop``) for a visitor not signed in or not allowed.
    """
    if not settings["auth.enabled"]:
        return Identity.local()
    if signed_in_user() is None:
        _sign_in(lang)
    try:
        person = identity(settings)
    except AccessDenied as error:
        st.title(t("app_title", lang), anchor=False)
        st.error(md_escape(t("login.refused", lang, reason=error.text(lang))))  # the reason names the e-mail
        if st.button(t("login.logout", lang), key="logout"):
            st.logout()
        st.stop()
    if not S.get("present"):
        st.sidebar.text(_who(person, lang))  # plain text: the e-mail comes from the identity provider
        if st.sidebar.button(t("login.logout", lang), key="logout"):
            st.logout()
            st.stop()  # the rest of this run would read as nobody
    open_on_home(person)
    return person


def open_on_home(person: Identity) -> None:
    """A provincial reader opens on their province (once per session; a link naming a province keeps it)."""
    if st.session_state.get(_HOME):
        return
    st.session_state[_HOME] = True
    home = sorted(person.home_provinces)
    if home and S.get("province") is None and "province" not in st.query_params:
        S.put("province", home[0])
