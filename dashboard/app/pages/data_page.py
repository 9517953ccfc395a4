"""Dữ liệu: where the data comes from, the dataset's metadata and join report, and the upload panel."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.app import cache, components
from dashboard.app import state as S
from dashboard.app.upload_panel import render_upload_panel
from i18n import format_number, format_period, t


def sources(meta: dict, lang: str) -> None:
    st.subheader(t("sources", lang))
    rows = [
        {"name": s.get("name", ""), "licence": s.get("licence", ""), "used_for": s.get("used_for", ""),
         "url": s.get("url", "")}
        for s in meta.get("sources", [])
    ]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                     column_config={"url": st.column_config.LinkColumn("url")})
    if meta.get("licence"):
        st.caption(f"Licence: {meta['licence']}")


def summary(key: str, meta: dict, lang: str) -> None:
    st.subheader(t("metadata", lang))
    counts = meta.get("counts") or {}
    columns = st.columns(4)
    for column, level in zip(columns, ("province", "commune", "hamlet")):
        if f"{level}s" in counts:
            column.metric(t(f"level_{level}", lang), format_number(counts[f"{level}s"], lang))
    columns[3].metric(t("periods", lang), len(cache.periods(key)))
    st.write(f"{t('periods', lang)}: " + ", ".join(format_period(p, lang) for p in cache.periods(key)))
    if meta.get("method"):
        with st.expander("Method / Phương pháp"):
            st.json(meta["method"], expanded=True)
    with st.expander("metadata.json"):
        st.json(meta, expanded=False)


def join_report(meta: dict, lang: str) -> None:
    """The report of the last join of statistics to boundaries, when the dataset has one."""
    st.subheader(t("join_report", lang))
    report = meta.get("join") or meta.get("join_report")
    if report:
        st.json(report, expanded=False)
    else:
        st.caption("—")


def render() -> None:
    lang = S.lang()
    if not S.get("present"):
        components.language_switch()
    components.start_page(t("page_data", lang))
    key = cache.source_key()
    meta = cache.source(key).metadata
    summary(key, meta, lang)
    sources(meta, lang)
    join_report(meta, lang)
    # Upload, validation report, apply, history/rollback, templates (issue 7). An applied version becomes the
    # store's active one, which cache.source_key() reads on the next run.
    render_upload_panel(cache.store(), cache.identity(), cache.settings(), lang)
    S.sync_url()


render()
