"""The data officer's upload panel on the Dữ liệu page: upload → report → apply → history/rollback → templates.

``render_upload_panel(store, lang)`` is all the page calls. Uploaded bytes go to a private directory inside the
store (never the repository's ``data/``), are checked with the same report as ``coverage-map validate``, and
become a new dataset version only when the officer presses "Áp dụng". Text that comes from files (names, file
names, loader messages) is shown through ``st.dataframe``/``st.text`` or with Markdown escaped, never as HTML.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.app.upload_messages import translate, translate_error
from i18n import Message, t
from loaders.archive import UPLOAD_EXTENSIONS, ArchiveLimits, stage_files
from loaders.errors import LoaderError
from loaders.ingest import UploadCheck, apply_upload, check_upload
from loaders.settings import load_settings
from loaders.store import DatasetStore, StoreError
from loaders.templates import FILE_NAMES, build_template

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_STATE = "upload_panel"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")



def md_escape(text) -> str:
    """Escape Markdown so text from files shows literally (no links, images, emphasis or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def error_text(error: Exception, lang: str) -> str:
    """One line for a refusal, in the user's language."""
    if isinstance(error, LoaderError) and error.key != "common.untranslated":
        return error.text(lang)
    return translate_error(error, lang)


def words(line, lang: str) -> str:
    """A loader's report line in the user's language (a :class:`~i18n.Message`; older loaders give text)."""
    return line.text(lang) if isinstance(line, Message) else translate(str(line), lang)


def _state(store: DatasetStore) -> dict:
    if _STATE not in st.session_state:
        store.clean_tmp()  # once per session: uploads abandoned by closed browser tabs
        st.session_state[_STATE] = {"uploader": 0, "signature": None, "staged": None, "check": None,
                                    "message": None}
    return st.session_state[_STATE]


def render_upload_panel(store: DatasetStore | None = None, lang: str = "vi") -> None:
    """Draw the whole panel: active version, upload and report, apply, history with rollback, templates.

    Parameters
    ----------
    store : DatasetStore, optional
        Defaults to ``DatasetStore()`` (``$COVERAGE_MAP_STORE`` or ``var/store``).
    lang : {"vi", "en"}
    """
    store = store or DatasetStore()
    state = _state(store)
    st.subheader(t("upload.title", lang))
    if state["message"]:
        st.success(state["message"])
        state["message"] = None
    _render_active(store, lang)
    _render_upload(store, lang, state)
    _render_history(store, lang, state)
    _render_templates(store, lang)


def _render_active(store: DatasetStore, lang: str) -> None:
    if load_settings()["data.pinned"]:  # the app then shows that dataset: uploads would not show
        st.warning(t("upload.pinned", lang))
    active = store.active_id()
    if active is None:
        st.caption(t("upload.active_default", lang))
    else:
        st.caption(t("upload.active", lang, id=active, created=md_escape(store.version(active)["created"])))


def _signature(files) -> str:
    digest = hashlib.sha256()
    for upload in files:
        digest.update(upload.name.encode("utf-8", "replace"))
        digest.update(hashlib.sha256(upload.getvalue()).digest())
    return digest.hexdigest()


def _render_upload(store: DatasetStore, lang: str, state: dict) -> None:
    limits = ArchiveLimits.from_settings()
    files = st.file_uploader(
        t("upload.uploader", lang), type=sorted(e.lstrip(".") for e in UPLOAD_EXTENSIONS), accept_multiple_files=True,
        help=t("upload.uploader_help", lang, mb=limits.max_upload_bytes / 2**20), key=f"upload_files_{state['uploader']}")
    with st.expander(t("upload.level", lang) + " / EPSG"):
        levels = {None: t("upload.level_auto", lang), "commune": t("upload.level_commune", lang),
                  "hamlet": t("upload.level_hamlet", lang)}
        level = st.selectbox(t("upload.level", lang), list(levels), format_func=levels.get, key="upload_level")
        crs = st.text_input(t("upload.crs", lang), key="upload_crs").strip() or None
    who = st.text_input(t("upload.who", lang), key="upload_who")
    if not files:
        _forget(state)
        return
    signature = _signature(files) + f"|{level}|{crs}"
    if signature != state["signature"]:
        _forget(state)
        state["signature"] = signature
        with st.spinner(t("upload.checking", lang)):
            state["staged"], state["check"] = _stage_and_check(store, files, limits, level, crs)
    check: UploadCheck = state["check"]
    _render_report(check, lang)
    if st.button(t("upload.apply", lang), type="primary", disabled=not check.usable, key="upload_apply"):
        _apply(store, state, who, lang)


def _stage_and_check(store, files, limits, level, crs) -> tuple:
    directory = store.staging_dir()
    try:
        staged = stage_files([(f.name, f.getvalue()) for f in files], directory, limits)
    except LoaderError as error:  # stage_files removed the directory already
        return None, UploadCheck(errors=[error])
    return staged, check_upload(staged, store, level=level, crs=crs)


def _forget(state: dict) -> None:
    if state.get("staged") is not None:
        state["staged"].discard()
    state.update(signature=None, staged=None, check=None)


def _apply(store: DatasetStore, state: dict, who: str, lang: str) -> None:
    try:
        entry = apply_upload(store, state["staged"], state["check"], uploaded_by=who)
    except LoaderError as error:  # StoreError is one too
        st.error(md_escape(error_text(error, lang)))
        return
    except Exception:  # noqa: BLE001 - the store is unchanged; the officer gets a sentence, not a traceback
        logging.getLogger(__name__).exception("apply failed")
        st.error(t("upload.apply_failed", lang))
        return
    state.update(staged=None, check=None, signature=None, message=t("upload.applied", lang, id=entry["id"]))
    state["uploader"] += 1  # a fresh uploader: the applied files are not offered again
    st.rerun()


def _render_report(check: UploadCheck, lang: str) -> None:
    st.markdown(f"#### {t('upload.report', lang)}")
    if check.errors:
        st.error(t("upload.not_usable", lang) + "\n\n" + "\n\n".join(
            "- " + md_escape(error_text(e, lang)) for e in check.errors))
    elif check.usable:
        st.success(t("upload.usable", lang))
    report = check.report
    if not report:
        return
    if report.get("boundaries_uploaded", True) and check.boundaries is not None:
        _render_boundaries(report["boundaries"], lang, check.boundaries.info.get("problems"))
    for entry in report.get("stats", []):
        _render_stats(entry, lang)
    if report.get("stats"):
        _render_join(report["join"], lang)
    if report.get("sample"):
        st.caption(t("upload.sample", lang))
        st.dataframe(pd.DataFrame(report["sample"]).astype(str), hide_index=True)


def _render_boundaries(info: dict, lang: str, problems=None) -> None:
    level = t(f"upload.level_{info['level']}", lang) if info.get("level") in ("commune", "hamlet") else info.get("level")
    lines = [t("upload.b_features", lang, n=_number(info["features"], lang), level=md_escape(level).lower()),
             t("upload.b_crs", lang, crs=md_escape(info["crs_in"]), reproj=t("upload.b_reproj", lang) if info["reprojected"]
                else ""),
             t("upload.b_encoding", lang, enc=md_escape(info["encoding"]))]
    if info.get("invalid_fixed"):
        lines.append(t("upload.b_fixed", lang, n=_number(info["invalid_fixed"], lang)))
    if info.get("empty"):
        lines.append(t("upload.b_empty", lang, n=_number(info["empty"], lang)))
    st.markdown(f"**{t('upload.boundaries', lang)}** — " + md_escape(Path(info["path"]).name))
    st.markdown("\n".join(f"- {line}" for line in lines))
    # the loader's own lines (Messages: hamlets placed, outside their commune, not placed) in the user's language
    _render_problems(problems if problems is not None else info.get("problems", []), lang)


def _render_stats(entry: dict, lang: str) -> None:
    st.markdown(f"**{t('upload.stats', lang)}** — " + md_escape(Path(entry["path"]).name))
    periods = ", ".join(entry.get("periods", [])) or "—"
    st.markdown(f"- {t('upload.s_rows', lang, n=_number(entry['rows'], lang), periods=md_escape(periods))}\n"
                f"- {t('upload.s_columns', lang, n=len(entry.get('columns', [])))}")
    _render_problems(entry.get("problems", []), lang)


def _render_join(join: dict, lang: str) -> None:
    st.markdown(f"**{t('upload.join', lang)}**")
    columns = st.columns(5)
    figures = (("j_code", join.get("matched_by_code", 0)), ("j_name", join.get("matched_by_name", 0)),
               ("j_legacy", join.get("matched_legacy", 0)), ("j_unmatched", len(join.get("unmatched_stats", []))),
               ("j_without", join.get("units_without_stats", 0)))
    for column, (key, value) in zip(columns, figures):
        column.metric(t("upload." + key, lang), _number(value, lang))
    unmatched = join.get("unmatched_stats", [])
    if unmatched:
        st.warning(t("upload.j_unmatched_table", lang))
        table = pd.DataFrame(unmatched).rename(columns={"name": t("upload.col_name", lang),
                                                        "suggestion": t("upload.col_suggestion", lang)})
        st.dataframe(table.astype(str), hide_index=True)
    for line in join.get("duplicates", []):
        st.text(words(line, lang))


def _render_problems(problems: list[str], lang: str) -> None:
    if problems:
        st.caption(t("upload.problems", lang))
        # st.text: shown literally, whatever the file said
        st.text("\n".join(f"• {words(p, lang)}" for p in problems))


def _number(value, lang: str) -> str:
    from i18n.numbers import format_number

    return format_number(value, lang)


def _render_history(store: DatasetStore, lang: str, state: dict) -> None:
    st.markdown(f"#### {t('upload.history', lang)}")
    versions = store.versions()
    if not versions:
        st.caption(t("upload.no_history", lang))
        return
    active = store.active_id()
    rows = [{
        t("upload.h_id", lang): v["id"], t("upload.h_created", lang): v["created"][:16].replace("T", " "),
        t("upload.h_who", lang): v.get("uploaded_by", ""), t("upload.h_content", lang): _content(v, lang),
        t("upload.h_files", lang): ", ".join(s["name"] for s in v.get("sources", [])),
        t("upload.h_matched", lang): v.get("validation", {}).get("matched", "") if v.get("validation", {}).get("stats")
        else "",
        t("upload.h_active", lang): "✔" if v["id"] == active else "",
    } for v in reversed(versions)]
    st.dataframe(pd.DataFrame(rows).astype(str), hide_index=True)
    left, right = st.columns(2)
    if left.button(t("upload.rollback", lang), disabled=active is None, key="upload_rollback"):
        _change_version(store, state, lang, rollback=True)
    ids = [v["id"] for v in reversed(versions)]
    chosen = right.selectbox(t("upload.use_version", lang), ids, key="upload_version")
    if right.button(t("upload.use", lang), disabled=chosen == active, key="upload_use"):
        _change_version(store, state, lang, version=chosen)


def _content(entry: dict, lang: str) -> str:
    """What a version brought, in words: "ranh giới xã (4); số liệu xã 2025-Q3"."""
    validation, parts = entry.get("validation", {}), []
    boundaries = validation.get("boundaries")
    if boundaries:
        level = t(f"upload.level_{boundaries['level']}", lang).lower()
        parts.append(t("upload.c_boundaries", lang, level=level, n=_number(boundaries["features"], lang)))
    for stats in validation.get("stats", []):
        level = t(f"upload.level_{stats['level']}", lang).lower() if stats["level"] in ("commune", "hamlet") else ""
        parts.append(t("upload.c_stats", lang, level=level, periods=", ".join(stats.get("periods", []))))
    return "; ".join(parts)


def _change_version(store: DatasetStore, state: dict, lang: str, rollback: bool = False,
                    version: str | None = None) -> None:
    try:
        now = store.rollback() if rollback else (store.activate(version) or version)
    except StoreError as error:
        st.error(md_escape(str(error)))
        return
    state["message"] = t("upload.rolled_back", lang, what=now or t("upload.default_data", lang))
    st.rerun()


@st.cache_data(show_spinner=False, max_entries=4)
def _template(level: str) -> bytes:
    return build_template(level)


def _render_templates(store: DatasetStore, lang: str) -> None:
    st.markdown(f"#### {t('upload.templates', lang)}")
    st.caption(t("upload.templates_help", lang))
    left, right = st.columns(2)
    left.download_button(t("upload.tpl_commune", lang), _template("commune"), file_name=FILE_NAMES["commune"],
                         mime=XLSX_MIME, key="tpl_commune")
    right.download_button(t("upload.tpl_hamlet", lang), _template("hamlet"), file_name=FILE_NAMES["hamlet"],
                          mime=XLSX_MIME, key="tpl_hamlet")

