"""The data officer's upload panel on the Dữ liệu page: upload → report → apply → history/rollback → templates.

``render_upload_panel(store, lang)`` is all the page calls. Uploaded bytes go to a private directory inside the
store (never the repository's ``data/``), are checked with the same report as ``coverage-map validate``, and
become a new dataset version only when the officer presses "Áp dụng". Text that comes from files (names, file
names, loader messages) is shown through ``st.dataframe``/``st.text`` or with Markdown escaped, never as HTML.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.upload_messages import translate, translate_error
from loaders.archive import UPLOAD_EXTENSIONS, ArchiveLimits, UploadError, stage_files
from loaders.errors import LoaderError
from loaders.ingest import UploadCheck, apply_upload, check_upload
from loaders.store import DatasetStore, StoreError
from loaders.templates import FILE_NAMES, build_template

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_STATE = "upload_panel"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")

_LABELS = {
    "title": ("Cập nhật dữ liệu", "Update the data"),
    "active": ("Đang dùng: phiên bản **{id}** (tải lên {created})", "In use: version **{id}** (uploaded {created})"),
    "pinned": ("Ứng dụng đang được chỉ định dùng một thư mục dữ liệu cố định (COVERAGE_MAP_DATA): dữ liệu tải "
               "lên được lưu nhưng bản đồ chưa hiển thị.",
               "The app is pinned to a fixed data directory (COVERAGE_MAP_DATA): uploads are stored but not shown."),
    "active_default": ("Đang dùng: dữ liệu có sẵn (chưa có bản tải lên nào)",
                       "In use: the embedded data (nothing uploaded yet)"),
    "uploader": ("Chọn tệp ranh giới (.zip, .geojson, .gpkg, .parquet) hoặc số liệu (.xlsx, .csv)",
                 "Choose boundaries (.zip, .geojson, .gpkg, .parquet) or statistics (.xlsx, .csv)"),
    "uploader_help": ("Tối đa {mb:.0f} MB mỗi tệp. Shapefile: nén cả .shp, .shx, .dbf, .prj, .cpg vào một tệp .zip.",
                      "Up to {mb:.0f} MB per file. Shapefile: zip .shp, .shx, .dbf, .prj, .cpg together."),
    "who": ("Người tải lên", "Uploaded by"),
    "level": ("Cấp của ranh giới", "Boundary level"),
    "level_auto": ("Tự nhận biết", "Detect"),
    "level_commune": ("Xã, phường, đặc khu", "Commune"),
    "level_hamlet": ("Thôn, tổ dân phố", "Hamlet"),
    "crs": ("Hệ tọa độ nếu tệp không có .prj (mã EPSG, ví dụ 3405 cho VN-2000 múi 48)",
            "Coordinate system if the file has no .prj (EPSG code, e.g. 3405 for VN-2000 zone 48)"),
    "checking": ("Đang kiểm tra tệp…", "Checking the files…"),
    "report": ("Kết quả kiểm tra", "Validation report"),
    "usable": ("Tệp dùng được. Bấm **Áp dụng** để cập nhật bản đồ; dữ liệu đang dùng vẫn được giữ lại.",
               "The files are usable. Press **Apply** to update the map; the data in use is kept."),
    "not_usable": ("Tệp chưa dùng được, dữ liệu đang dùng không thay đổi:", "Not usable; the data in use is unchanged:"),
    "apply": ("Áp dụng", "Apply"),
    "apply_failed": ("Không áp dụng được do lỗi của chương trình; dữ liệu đang dùng không thay đổi. Hãy báo cho "
                     "bộ phận kỹ thuật.", "Could not apply because of a program error; the data in use is "
                     "unchanged. Please tell the technical team."),
    "applied": ("Đã áp dụng: phiên bản {id} đang được dùng.", "Applied: version {id} is now in use."),
    "boundaries": ("Ranh giới", "Boundaries"),
    "b_features": ("{n} đơn vị cấp {level}", "{n} {level} units"),
    "b_crs": ("Hệ tọa độ: {crs}{reproj}", "Coordinate system: {crs}{reproj}"),
    "b_reproj": (", đã chuyển sang WGS 84 (EPSG:4326)", ", converted to WGS 84 (EPSG:4326)"),
    "b_fixed": ("{n} hình bị lỗi đã được sửa", "{n} invalid shapes repaired"),
    "b_empty": ("{n} đơn vị không có hình", "{n} units without a shape"),
    "b_encoding": ("Bảng mã chữ: {enc}", "Text encoding: {enc}"),
    "stats": ("Số liệu", "Statistics"),
    "s_rows": ("{n} dòng; kỳ: {periods}", "{n} rows; periods: {periods}"),
    "s_columns": ("Cột nhận ra: {n}", "Columns recognised: {n}"),
    "join": ("Ghép số liệu với đơn vị hành chính", "Joining figures to units"),
    "j_code": ("Khớp theo mã", "Matched by code"),
    "j_name": ("Khớp theo tên", "Matched by name"),
    "j_legacy": ("Khớp qua danh mục trước 2025", "Matched via the pre-2025 register"),
    "j_unmatched": ("Không khớp (sẽ không được nhập)", "Unmatched (will not be loaded)"),
    "j_without": ("Đơn vị chưa có số liệu", "Units without figures"),
    "j_unmatched_table": ("Các dòng không khớp và gợi ý (không tự ghép):",
                          "Unmatched rows and suggestions (never joined automatically):"),
    "col_name": ("Tên trong tệp", "Name in the file"),
    "col_suggestion": ("Gợi ý", "Suggestion"),
    "problems": ("Lưu ý khi đọc tệp", "Notes from reading the files"),
    "sample": ("Mấy dòng đầu sau khi ghép", "First rows after joining"),
    "history": ("Lịch sử phiên bản", "Version history"),
    "no_history": ("Chưa có phiên bản nào được tải lên.", "No version uploaded yet."),
    "h_id": ("Phiên bản", "Version"), "h_created": ("Thời gian (UTC)", "Time (UTC)"),
    "h_who": ("Người tải", "Uploaded by"), "h_files": ("Tệp gốc", "Source files"),
    "h_matched": ("Dòng khớp", "Rows matched"), "h_content": ("Nội dung", "Content"),
    "c_boundaries": ("ranh giới {level} ({n})", "{level} boundaries ({n})"),
    "c_stats": ("số liệu {level} {periods}", "{level} figures {periods}"), "h_active": ("Đang dùng", "In use"),
    "rollback": ("Quay lại phiên bản trước", "Roll back to the previous version"),
    "rolled_back": ("Đã quay lại: {what} đang được dùng.", "Rolled back: {what} is in use."),
    "default_data": ("dữ liệu có sẵn", "the embedded data"),
    "use_version": ("Dùng phiên bản", "Use version"),
    "use": ("Dùng phiên bản này", "Use this version"),
    "templates": ("Mẫu nhập số liệu (Excel)", "Data entry templates (Excel)"),
    "templates_help": ("Tiêu đề cột trong mẫu luôn được nhận ra khi tải lên.",
                       "The template's column headers are always recognised on upload."),
    "tpl_commune": ("Tải mẫu cấp xã", "Download the commune template"),
    "tpl_hamlet": ("Tải mẫu cấp thôn", "Download the hamlet template"),
}


def _t(key: str, lang: str, **values) -> str:
    text = _LABELS[key][1 if lang == "en" else 0]
    return text.format(**values) if values else text


def md_escape(text) -> str:
    """Escape Markdown so text from files shows literally (no links, images, emphasis or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def error_text(error: Exception, lang: str) -> str:
    """One line for a refusal, in the user's language (the loaders' English sentences translated when known)."""
    if isinstance(error, UploadError):
        return error.text(lang)
    return translate_error(error, lang)


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
    st.subheader(_t("title", lang))
    if state["message"]:
        st.success(state["message"])
        state["message"] = None
    _render_active(store, lang)
    _render_upload(store, lang, state)
    _render_history(store, lang, state)
    _render_templates(store, lang)


def _render_active(store: DatasetStore, lang: str) -> None:
    if os.environ.get("COVERAGE_MAP_DATA"):  # data_access reads this first: uploads would not show
        st.warning(_t("pinned", lang))
    active = store.active_id()
    if active is None:
        st.caption(_t("active_default", lang))
    else:
        st.caption(_t("active", lang, id=active, created=md_escape(store.version(active)["created"])))


def _signature(files) -> str:
    digest = hashlib.sha256()
    for upload in files:
        digest.update(upload.name.encode("utf-8", "replace"))
        digest.update(hashlib.sha256(upload.getvalue()).digest())
    return digest.hexdigest()


def _render_upload(store: DatasetStore, lang: str, state: dict) -> None:
    limits = ArchiveLimits.from_settings()
    files = st.file_uploader(
        _t("uploader", lang), type=sorted(e.lstrip(".") for e in UPLOAD_EXTENSIONS), accept_multiple_files=True,
        help=_t("uploader_help", lang, mb=limits.max_upload_bytes / 2**20), key=f"upload_files_{state['uploader']}")
    with st.expander(_t("level", lang) + " / EPSG"):
        levels = {None: _t("level_auto", lang), "commune": _t("level_commune", lang),
                  "hamlet": _t("level_hamlet", lang)}
        level = st.selectbox(_t("level", lang), list(levels), format_func=levels.get, key="upload_level")
        crs = st.text_input(_t("crs", lang), key="upload_crs").strip() or None
    who = st.text_input(_t("who", lang), key="upload_who")
    if not files:
        _forget(state)
        return
    signature = _signature(files) + f"|{level}|{crs}"
    if signature != state["signature"]:
        _forget(state)
        state["signature"] = signature
        with st.spinner(_t("checking", lang)):
            state["staged"], state["check"] = _stage_and_check(store, files, limits, level, crs)
    check: UploadCheck = state["check"]
    _render_report(check, lang)
    if st.button(_t("apply", lang), type="primary", disabled=not check.usable, key="upload_apply"):
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
        st.error(_t("apply_failed", lang))
        return
    state.update(staged=None, check=None, signature=None, message=_t("applied", lang, id=entry["id"]))
    state["uploader"] += 1  # a fresh uploader: the applied files are not offered again
    st.rerun()


def _render_report(check: UploadCheck, lang: str) -> None:
    st.markdown(f"#### {_t('report', lang)}")
    if check.errors:
        st.error(_t("not_usable", lang) + "\n\n" + "\n\n".join(
            "- " + md_escape(error_text(e, lang)) for e in check.errors))
    elif check.usable:
        st.success(_t("usable", lang))
    report = check.report
    if not report:
        return
    if report.get("boundaries_uploaded", True) and check.boundaries is not None:
        _render_boundaries(report["boundaries"], lang)
    for entry in report.get("stats", []):
        _render_stats(entry, lang)
    if report.get("stats"):
        _render_join(report["join"], lang)
    if report.get("sample"):
        st.caption(_t("sample", lang))
        st.dataframe(pd.DataFrame(report["sample"]).astype(str), hide_index=True)


def _render_boundaries(info: dict, lang: str) -> None:
    level = _t(f"level_{info['level']}", lang) if info.get("level") in ("commune", "hamlet") else info.get("level")
    lines = [_t("b_features", lang, n=_number(info["features"], lang), level=md_escape(level).lower()),
             _t("b_crs", lang, crs=md_escape(info["crs_in"]), reproj=_t("b_reproj", lang) if info["reprojected"]
                else ""),
             _t("b_encoding", lang, enc=md_escape(info["encoding"]))]
    if info.get("invalid_fixed"):
        lines.append(_t("b_fixed", lang, n=_number(info["invalid_fixed"], lang)))
    if info.get("empty"):
        lines.append(_t("b_empty", lang, n=_number(info["empty"], lang)))
    st.markdown(f"**{_t('boundaries', lang)}** — " + md_escape(Path(info["path"]).name))
    st.markdown("\n".join(f"- {line}" for line in lines))
    _render_problems(info.get("problems", []), lang)


def _render_stats(entry: dict, lang: str) -> None:
    st.markdown(f"**{_t('stats', lang)}** — " + md_escape(Path(entry["path"]).name))
    periods = ", ".join(entry.get("periods", [])) or "—"
    st.markdown(f"- {_t('s_rows', lang, n=_number(entry['rows'], lang), periods=md_escape(periods))}\n"
                f"- {_t('s_columns', lang, n=len(entry.get('columns', [])))}")
    _render_problems(entry.get("problems", []), lang)


def _render_join(join: dict, lang: str) -> None:
    st.markdown(f"**{_t('join', lang)}**")
    columns = st.columns(5)
    figures = (("j_code", join.get("matched_by_code", 0)), ("j_name", join.get("matched_by_name", 0)),
               ("j_legacy", join.get("matched_legacy", 0)), ("j_unmatched", len(join.get("unmatched_stats", []))),
               ("j_without", join.get("units_without_stats", 0)))
    for column, (key, value) in zip(columns, figures):
        column.metric(_t(key, lang), _number(value, lang))
    unmatched = join.get("unmatched_stats", [])
    if unmatched:
        st.warning(_t("j_unmatched_table", lang))
        table = pd.DataFrame(unmatched).rename(columns={"name": _t("col_name", lang),
                                                        "suggestion": _t("col_suggestion", lang)})
        st.dataframe(table.astype(str), hide_index=True)
    for line in join.get("duplicates", []):
        st.text(translate(line, lang))


def _render_problems(problems: list[str], lang: str) -> None:
    if problems:
        st.caption(_t("problems", lang))
        # st.text: shown literally, whatever the file said
        st.text("\n".join(f"• {translate(p, lang)}" for p in problems))


def _number(value, lang: str) -> str:
    from analysis.formatting import format_number

    return format_number(value, lang)


def _render_history(store: DatasetStore, lang: str, state: dict) -> None:
    st.markdown(f"#### {_t('history', lang)}")
    versions = store.versions()
    if not versions:
        st.caption(_t("no_history", lang))
        return
    active = store.active_id()
    rows = [{
        _t("h_id", lang): v["id"], _t("h_created", lang): v["created"][:16].replace("T", " "),
        _t("h_who", lang): v.get("uploaded_by", ""), _t("h_content", lang): _content(v, lang),
        _t("h_files", lang): ", ".join(s["name"] for s in v.get("sources", [])),
        _t("h_matched", lang): v.get("validation", {}).get("matched", "") if v.get("validation", {}).get("stats")
        else "",
        _t("h_active", lang): "✔" if v["id"] == active else "",
    } for v in reversed(versions)]
    st.dataframe(pd.DataFrame(rows).astype(str), hide_index=True)
    left, right = st.columns(2)
    if left.button(_t("rollback", lang), disabled=active is None, key="upload_rollback"):
        _change_version(store, state, lang, rollback=True)
    ids = [v["id"] for v in reversed(versions)]
    chosen = right.selectbox(_t("use_version", lang), ids, key="upload_version")
    if right.button(_t("use", lang), disabled=chosen == active, key="upload_use"):
        _change_version(store, state, lang, version=chosen)


def _content(entry: dict, lang: str) -> str:
    """What a version brought, in words: "ranh giới xã (4); số liệu xã 2025-Q3"."""
    validation, parts = entry.get("validation", {}), []
    boundaries = validation.get("boundaries")
    if boundaries:
        level = _t(f"level_{boundaries['level']}", lang).lower()
        parts.append(_t("c_boundaries", lang, level=level, n=_number(boundaries["features"], lang)))
    for stats in validation.get("stats", []):
        level = _t(f"level_{stats['level']}", lang).lower() if stats["level"] in ("commune", "hamlet") else ""
        parts.append(_t("c_stats", lang, level=level, periods=", ".join(stats.get("periods", []))))
    return "; ".join(parts)


def _change_version(store: DatasetStore, state: dict, lang: str, rollback: bool = False,
                    version: str | None = None) -> None:
    try:
        now = store.rollback() if rollback else (store.activate(version) or version)
    except StoreError as error:
        st.error(md_escape(str(error)))
        return
    state["message"] = _t("rolled_back", lang, what=now or _t("default_data", lang))
    st.rerun()


@st.cache_data(show_spinner=False, max_entries=4)
def _template(level: str) -> bytes:
    return build_template(level)


def _render_templates(store: DatasetStore, lang: str) -> None:
    st.markdown(f"#### {_t('templates', lang)}")
    st.caption(_t("templates_help", lang))
    left, right = st.columns(2)
    left.download_button(_t("tpl_commune", lang), _template("commune"), file_name=FILE_NAMES["commune"],
                         mime=XLSX_MIME, key="tpl_commune")
    right.download_button(_t("tpl_hamlet", lang), _template("hamlet"), file_name=FILE_NAMES["hamlet"],
                          mime=XLSX_MIME, key="tpl_hamlet")

