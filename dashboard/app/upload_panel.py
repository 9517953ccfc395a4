"""The data officer's panel on the Dữ liệu page: upload → check → preview in words → apply; the ledger; templates.

``render_upload_panel(store, identity, settings, lang)`` is all the page calls. The steps are those of
:mod:`loaders.ingest` (the CLI ``coverage-map store apply`` runs the same ones): the files are staged in a private
directory of the store, checked once (:func:`~loaders.ingest.check_upload`), the preview says what an apply would
change (:meth:`~loaders.store.plan.Preview.lines`), and "Áp dụng" writes exactly that preview. It stays disabled
while rows are refused (unless the officer ticks "leave them out"), while nothing would change, or while a
replacement of whole periods or of the level is chosen but not confirmed.

Staged files never outlive their use: they are removed when the check ends (applied, another file chosen, the file
removed), when Streamlit drops the session (a finaliser on the session's :class:`SessionUpload`, run when the
session state is collected after ``server.disconnectedSessionTTL``), by a sweep of the store's staging area at most
every :data:`SWEEP_EVERY_S` seconds (entries left unused for ``data.staging_max_age_h``: a session touches its own on
every run, so only abandoned ones age), and by ``clean_staging()`` at start-up (:func:`dashboard.app.cache.store`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import weakref
from dataclasses import replace

import streamlit as st

from dashboard.app import ledger_panel
from dashboard.app.escape import md_escape
from dashboard.app.upload_report import error_text, render_report
from i18n import Message, Period, Term, t
from loaders.archive import UPLOAD_EXTENSIONS, ArchiveLimits, StagedUpload, stage_files
from loaders.errors import LoaderError
from loaders.ingest import UploadCheck, apply_upload, check_upload, preview_upload
from loaders.store import AccessDenied, StaleCheck
from loaders.store import staging as staging_area
from loaders.store.ledger import local_time, who
from loaders.store.plan import ApplyOptions, Preview
from loaders.templates import FILE_NAMES, build_template

log = logging.getLogger(__name__)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_STATE = "upload_panel"
#: How often (at most, per server) the staging area is swept for abandoned uploads.
SWEEP_EVERY_S = 600.0
_last_sweep: dict[str, float] = {}
_sweep_lock = threading.Lock()
MODES = ("merge", "replace_period", "replace_level")


class SessionUpload:
    """A staged upload owned by one session; its directory is removed by :meth:`discard` or, failing that, when
    the object is collected (the session ended)."""

    def __init__(self, staged: StagedUpload):
        self.staged = staged
        self._remove = weakref.finalize(self, staging_area.discard, str(staged.directory))

    @property
    def present(self) -> bool:
        return self.staged.directory.is_dir()

    def touch(self) -> None:
        """Mark the upload as in use, so the sweep of abandoned uploads leaves it."""
        try:
            os.utime(self.staged.directory)
        except OSError:
            pass

    def discard(self) -> None:
        self._remove()


def sweep_staging(store, every_s: float = SWEEP_EVERY_S) -> bool:
    """Start a sweep of abandoned uploads in the background when the last one is older than ``every_s``.

    In a thread: the directory backend's sweep takes the store's lock, and a page must never wait for an apply.
    """
    now = time.monotonic()
    with _sweep_lock:
        if now - _last_sweep.get(store.location(), -every_s) < every_s:
            return False
        _last_sweep[store.location()] = now

    def run():
        try:
            store.clean_staging()
        except Exception:  # noqa: BLE001 - a sweep that fails is tried again later; the page is not concerned
            log.warning("sweeping the staging area failed", exc_info=True)

    threading.Thread(target=run, name="coverage-map-staging-sweep", daemon=True).start()
    return True


def _state() -> dict:
    if _STATE not in st.session_state:
        st.session_state[_STATE] = {"uploader": 0, "signature": None, "upload": None, "check": None,
                                    "previews": {}, "flash": None}
    return st.session_state[_STATE]


def render_upload_panel(store, identity, settings, lang: str = "vi") -> None:
    """Draw the whole panel: the version in use, upload → check → preview → apply, the ledger, the templates.

    Parameters
    ----------
    store : loaders.store.Store
        The server's store (:func:`dashboard.app.cache.store`).
    identity : loaders.store.Identity
        Who is signed in (the local national officer when login is off).
    settings : loaders.settings.Settings
    lang : {"vi", "en"}
    """
    state = _state()
    sweep_staging(store)
    st.subheader(t("upload.title", lang))
    flash = state.pop("flash", None)
    if flash:
        kind, text = flash
        (st.success if kind == "success" else st.error)(text)
    _render_active(store, settings, lang)
    if identity.officer:
        _render_upload(store, identity, settings, lang, state)
    else:
        st.info(t("panel.viewer", lang))
    ledger_panel.render_ledger(store, identity, settings, lang)
    _render_templates(lang)


def _render_active(store, settings, lang: str) -> None:
    if settings["data.pinned"]:  # the app then shows that dataset: uploads would not show
        st.warning(t("upload.pinned", lang))
    active = store.active_id()
    if active is None:
        st.caption(t("panel.active_embedded", lang))
        return
    entry = store.version(active)
    person = who(entry.get("uploaded_by"))
    person = person if isinstance(person, Term) else md_escape(person)
    st.caption(t("panel.active", lang, version=active, who=person,
                 when=local_time(entry.get("created"), settings["data.timezone"])))


def _signature(files) -> str:
    digest = hashlib.sha256()
    for upload in files:
        digest.update(upload.name.encode("utf-8", "replace"))
        digest.update(hashlib.sha256(upload.getvalue()).digest())
    return digest.hexdigest()


def _uploader(identity, lang: str) -> str:
    """The name the ledger records: the signed-in user, else what the officer types."""
    if identity.user:
        role = t(f"login.role.{identity.role}", lang)
        st.caption(t("panel.signed_in_as", lang, user=md_escape(identity.user), role=role))
        return identity.user
    return st.text_input(t("upload.who", lang), key="upload_who").strip()


def _render_upload(store, identity, settings, lang: str, state: dict) -> None:
    if identity.write_provinces:
        st.caption(md_escape(t("panel.officer_provinces", lang, provinces=_province_names(store, identity))))
    limits = ArchiveLimits.from_settings(settings)
    files = st.file_uploader(
        t("upload.uploader", lang), type=sorted(e.lstrip(".") for e in UPLOAD_EXTENSIONS), accept_multiple_files=True,
        help=t("upload.uploader_help", lang, mb=limits.max_upload_bytes / 2**20), key=f"upload_files_{state['uploader']}")
    with st.expander(t("upload.level", lang) + " / EPSG"):
        levels = {None: t("upload.level_auto", lang), "commune": t("upload.level_commune", lang),
                  "hamlet": t("upload.level_hamlet", lang)}
        level = st.selectbox(t("upload.level", lang), list(levels), format_func=levels.get, key="upload_level")
        crs = st.text_input(t("upload.crs", lang), key="upload_crs").strip() or None
    uploader = _uploader(identity, lang)
    if not files:
        _forget(state)
        return
    signature = _signature(files) + f"|{level}|{crs}"
    if signature != state["signature"] or state.pop("recheck", False):
        _forget(state)
        state["signature"] = signature
        with st.spinner(t("upload.checking", lang)):
            state["upload"], state["check"] = _stage_and_check(store, files, limits, level, crs)
    elif state["upload"] is not None:
        state["upload"].touch()
    check: UploadCheck = state["check"]
    render_report(check, lang)
    if not check.usable:
        st.button(t("upload.apply", lang), type="primary", disabled=True, key="upload_apply")
        return
    _render_preview_and_apply(store, identity, settings, lang, state, uploader)


def _province_names(store, identity) -> list[str]:
    """The officer's provinces by name ("Tỉnh Sơn La"), codes where the data has no name."""
    codes = sorted(identity.write_provinces)
    try:
        index = store.dataset().unit_index("commune")
        names = dict(zip(index["province_code"], index["province_name"]))
    except (LoaderError, KeyError):
        names = {}
    return [str(names.get(code) or code) for code in codes]


def _stage_and_check(store, files, limits, level, crs) -> tuple:
    directory = store.staging_dir()
    try:
        staged = stage_files([(f.name, f.getvalue()) for f in files], directory, limits)
    except LoaderError as error:  # stage_files removed the directory already
        return None, UploadCheck(errors=[error])
    return SessionUpload(staged), check_upload(staged, store, level=level, crs=crs)


def _forget(state: dict) -> None:
    """The check ended: remove its staged files."""
    if state.get("upload") is not None:
        state["upload"].discard()
    state.update(signature=None, upload=None, check=None, previews={})


def _upload_periods(check: UploadCheck) -> list[str]:
    from loaders.store.merge import period_key

    periods = {p for rows in check.upload.stats.values() for p in rows["period"].dropna().astype(str)}
    return sorted(periods, key=period_key)


def _options(check: UploadCheck, lang: str) -> tuple[ApplyOptions, str]:
    """The officer's choice of merge or replacement (above the preview, which shows what it does)."""
    periods = _upload_periods(check)
    modes = [m for m in MODES if m != "replace_period" or periods]
    labels = {"merge": t("panel.mode_merge", lang),
              "replace_period": t("panel.mode_replace_period", lang, periods=[Period(p) for p in periods]),
              "replace_level": t("panel.mode_replace_level", lang)}
    mode = st.radio(t("panel.mode", lang), modes, format_func=labels.get, key="upload_mode")
    if mode == "replace_period":
        return ApplyOptions(replace_periods=tuple(periods)), mode
    return (ApplyOptions(replace_level=True) if mode == "replace_level" else ApplyOptions()), mode


def _preview(store, check, options, identity, settings, state) -> Preview:
    """The preview for these options, computed once per (data in use, options)."""
    key = (check.token, options)
    if key not in state["previews"]:
        state["previews"][key] = preview_upload(store, check, options, identity, settings)
    return state["previews"][key]


def _render_stale(store, lang: str, state: dict) -> None:
    active = store.active_id()
    by = (store.version(active).get("uploaded_by") or "—") if active else "—"
    st.warning(t("panel.stale", lang, active=active or Term("store.ledger.embedded"), by=md_escape(by)))
    if st.button(t("panel.recheck", lang), key="upload_recheck"):
        state["recheck"] = True
        st.rerun()
    st.button(t("upload.apply", lang), type="primary", disabled=True, key="upload_apply")


def _render_preview_and_apply(store, identity, settings, lang: str, state: dict, uploader: str) -> None:
    check: UploadCheck = state["check"]
    if store.token() != check.token:  # another officer (or server) applied since the check
        _render_stale(store, lang, state)
        return
    options, mode = _options(check, lang)
    # the two ticks below the preview (read after reading it) decide the preview shown: take them from the state
    exclude_key, confirm_key = "upload_exclude", f"upload_confirm_{mode}"
    try:
        preview = _preview(store, check, options, identity, settings, state)
        blocking = sum(f.blocking for f in preview.rejected)
        if blocking and st.session_state.get(exclude_key):
            preview = _preview(store, check, replace(options, exclude_rejected=True), identity, settings, state)
    except StaleCheck:
        _render_stale(store, lang, state)
        return
    except LoaderError as error:  # AccessDenied, an unusable upload: one sentence
        st.error(md_escape(error_text(error, lang)))
        return
    with st.container(border=True):
        st.markdown(f"##### {t('panel.preview', lang)}")
        st.text("\n".join(line.text(lang) for line in preview.lines()))  # names from files: plain text
    if blocking:
        st.checkbox(t("panel.exclude_rejected", lang, n=blocking), key=exclude_key)
    confirmed = mode == "merge" or st.checkbox(t("panel.confirm_replace", lang), key=confirm_key)
    if not confirmed:
        st.caption(t("panel.confirm_needed", lang))
    disabled = preview.blocked or preview.empty or not confirmed
    if st.button(t("upload.apply", lang), type="primary", disabled=disabled, key="upload_apply"):
        _apply(store, identity, lang, state, uploader, preview)


def _apply(store, identity, lang: str, state: dict, uploader: str, preview: Preview) -> None:
    upload: SessionUpload = state["upload"]
    if upload is None or not upload.present:
        st.error(t("panel.staging_gone", lang))
        return
    try:
        entry = apply_upload(store, upload.staged, state["check"], uploaded_by=uploader or identity.label(),
                             options=preview.options, identity=identity, preview=preview)
    except StaleCheck:
        _render_stale(store, lang, state)
        return
    except (AccessDenied, LoaderError) as error:  # StoreBusy and every store refusal: one sentence
        st.error(md_escape(error_text(error, lang)))
        return
    except Exception:  # noqa: BLE001 - the store is unchanged; the officer gets a sentence, not a traceback
        log.exception("apply failed")
        st.error(t("upload.apply_failed", lang))
        return
    summary = " ".join(m.text(lang) for m in _summary(preview))
    _forget(state)
    state["flash"] = ("success", t("panel.applied", lang, version=entry["id"], summary=summary).strip())
    state["uploader"] += 1  # a fresh uploader: the applied files are not offered again
    st.rerun()


def _summary(preview: Preview) -> list[Message]:
    """The preview's lines on what changes (not the row lists), for the message after an apply."""
    keep = ("store.preview.period", "store.preview.units", "store.preview.new_latest",
            "store.preview.new_latest_partial", "store.preview.new_latest_none_complete", "store.preview.coverage")
    return [m for m in preview.lines() if m.key in keep]


@st.cache_data(show_spinner=False, max_entries=4)
def _template(level: str) -> bytes:
    return build_template(level)


def _render_templates(lang: str) -> None:
    st.markdown(f"#### {t('upload.templates', lang)}")
    st.caption(t("upload.templates_help", lang))
    left, right = st.columns(2)
    left.download_button(t("upload.tpl_commune", lang), _template("commune"), file_name=FILE_NAMES["commune"],
                         mime=XLSX_MIME, key="tpl_commune")
    right.download_button(t("upload.tpl_hamlet", lang), _template("hamlet"), file_name=FILE_NAMES["hamlet"],
                          mime=XLSX_MIME, key="tpl_hamlet")
