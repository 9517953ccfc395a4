"""Dữ liệu: the data in use (units, periods, sources), the join report of the last upload, and the upload panel.

Everything the page says is in the reader's language; the dataset's own metadata (written by whoever made it,
often in English) is shown as it is only inside the technical section, with server paths reduced to file names.
"""
from __future__ import annotations

from pathlib import PurePath

import pandas as pd
import streamlit as st

from dashboard.app import cache, components, navigation
from dashboard.app import state as S
from dashboard.app.upload_panel import render_upload_panel
from i18n import format_number, format_period, t


def sources(meta: dict, lang: str) -> None:
    """Where the data come from: name (Vietnamese when the dataset gives one), licence and address."""
    st.subheader(t("sources", lang), anchor=False)
    rows = []
    for source in meta.get("sources", []):
        if not isinstance(source, dict):
            source = {"name": str(source)}
        name = (source.get("name_vi") if lang == "vi" else None) or source.get("name", "")
        row = {t("data.source_name", lang): name, t("data.source_url", lang): source.get("url", "")}
        if lang == "en":  # the dataset writes these in English: shown in the English UI only
            row[t("data.source_licence", lang)] = source.get("licence", "")
            row[t("data.source_used_for", lang)] = source.get("used_for", "")
        rows.append(row)
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                     column_config={t("data.source_url", lang): st.column_config.LinkColumn()})


def summary(key: str, meta: dict, lang: str) -> None:
    """Units per level and the periods with figures."""
    st.subheader(t("data.summary", lang), anchor=False)
    counts = meta.get("counts") or {}
    periods = cache.periods(key)
    columns = st.columns(4)
    for column, level in zip(columns, ("province", "commune", "hamlet")):
        if f"{level}s" in counts:
            column.metric(t(f"level_{level}", lang), format_number(counts[f"{level}s"], lang))
    columns[3].metric(t("periods", lang), format_number(len(periods), lang))
    st.markdown(components.md_escape(f"{t('periods', lang)}: " + ", ".join(format_period(p, lang) for p in periods)))


def join_report(meta: dict, lang: str) -> None:
    """How the figures of the last upload were joined to the units, or why there is nothing to report."""
    st.subheader(t("join_report", lang), anchor=False)
    report = meta.get("join") or meta.get("join_report")
    if isinstance(report, dict) and "matched_by_code" in report:
        columns = st.columns(4)
        for column, (label, value) in zip(columns, (
                ("upload.j_code", report.get("matched_by_code", 0)),
                ("upload.j_name", report.get("matched_by_name", 0)),
                ("upload.j_legacy", report.get("matched_legacy", 0)),
                ("upload.j_unmatched", len(report.get("unmatched_stats", []))))):
            column.metric(t(label, lang), format_number(value, lang))
    else:
        st.info(t("empty.no_join_report", lang))


def _without_paths(value):
    """The metadata with absolute paths reduced to file names (the server's folders are nobody's business)."""
    if isinstance(value, dict):
        return {k: _without_paths(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_paths(v) for v in value]
    if isinstance(value, str) and (value.startswith("/") or value[1:3] in (":\\", ":/")):
        return PurePath(value).name
    return value


def uploader_words(lang: str) -> None:
    """Streamlit's file picker writes "Upload" and "200MB per file • CSV, …" in English whatever the app's
    language: those two texts are hidden and said in the reader's language instead."""
    button = t("data.upload_button", lang).replace('"', "")
    limit = t("data.upload_limit", lang, mb=cache.settings()["upload.max_upload_mb"]).replace('"', "")
    st.html(
        "<style>"
        "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer']{display:none;}"
        f"[data-testid='stFileUploaderDropzone'] button > div::after{{content:\"{button}\";}}"
        "[data-testid='stFileUploaderDropzoneInstructions'] span{display:none;}"
        f"[data-testid='stFileUploaderDropzoneInstructions'] > div::after{{content:\"{limit}\";font-size:.875rem;"
        "opacity:.6;}</style>"
    )


def technical(meta: dict, lang: str) -> None:
    with st.expander(t("data.technical", lang)):
        st.json(_without_paths(meta), expanded=False)


def render() -> None:
    navigation.switch_if_asked()
    lang = S.lang()
    if not S.get("present"):
        components.language_switch()
    components.start_page(t("page_data", lang), page="data")
    key = cache.source_key()
    meta = cache.source(key).metadata
    summary(key, meta, lang)
    sources(meta, lang)
    join_report(meta, lang)
    technical(meta, lang)
    # Upload, validation report, preview, apply, ledger (issues 7, 12). An applied version becomes the store's
    # active one, which cache.source_key() reads on the next run.
    if not S.get("present"):
        uploader_words(lang)
        render_upload_panel(cache.store(), cache.identity(), cache.settings(), lang)
    S.sync_url()


render()
