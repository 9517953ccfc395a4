"""The check report of an upload on the Dữ liệu page: refusals, boundaries, statistics files, the join.

The same report as ``coverage-map validate`` (:func:`loaders.validate.validate`), drawn for the data officer.
Text from files (file names, unit names, loader notes) goes through ``st.text``/``st.dataframe`` or is
Markdown-escaped, never shown as HTML.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.app.escape import md_escape
from dashboard.app.upload_messages import translate, translate_error
from i18n import Message, format_number, t
from loaders.errors import LoaderError
from loaders.ingest import UploadCheck

#: report lines shown before "… more" (a province's archive accounts for hundreds of rows)
SHOWN_LINES = 12

def error_text(error: Exception, lang: str) -> str:
    """One line for a refusal, in the user's language."""
    if isinstance(error, LoaderError) and error.key != "common.untranslated":
        return error.text(lang)
    return translate_error(error, lang)  # TRANSITION: a loader still speaking English


def words(line, lang: str) -> str:
    """A loader's report line in the user's language (a :class:`~i18n.Message`; older loaders give text)."""
    if isinstance(line, Message):
        return line.text(lang)
    if isinstance(line, dict) and isinstance(line.get(lang), str):  # a Message as a JSON report carries it
        return line[lang]
    return translate(str(line), lang)


def render_report(check: UploadCheck, lang: str) -> None:
    """Refusals first, then what was read from each file and how the figures joined the units."""
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
        # the loader's own lines (Messages: hamlets placed, outside their commune, not placed) in the user's language
        _render_boundaries(report["boundaries"], lang, check.boundaries.info.get("problems"))
    for entry in report.get("stats", []):
        _render_stats(entry, lang)
    if report.get("stats"):
        _render_join(report["join"], lang)
    if report.get("sample"):
        with st.expander(t("upload.sample", lang)):
            st.dataframe(pd.DataFrame(report["sample"]).astype(str), hide_index=True)


def _level_word(level, lang: str) -> str:
    return t(f"upload.level_{level}", lang) if level in ("commune", "hamlet") else str(level)


def _render_boundaries(info: dict, lang: str, problems=None) -> None:
    lines = [t("upload.b_features", lang, n=format_number(info["features"], lang),
               level=md_escape(_level_word(info.get("level"), lang)).lower()),
             t("upload.b_crs", lang, crs=md_escape(info["crs_in"]),
               reproj=t("upload.b_reproj", lang) if info["reprojected"] else ""),
             t("upload.b_encoding", lang, enc=md_escape(info["encoding"]))]
    if info.get("invalid_fixed"):
        lines.append(t("upload.b_fixed", lang, n=format_number(info["invalid_fixed"], lang)))
    if info.get("empty"):
        lines.append(t("upload.b_empty", lang, n=format_number(info["empty"], lang)))
    st.markdown(f"**{t('upload.boundaries', lang)}** — " + md_escape(Path(info["path"]).name))
    st.markdown("\n".join(f"- {line}" for line in lines))
    _render_problems(problems if problems is not None else info.get("problems", []), lang)


def _render_stats(entry: dict, lang: str) -> None:
    from i18n import format_period

    st.markdown(f"**{t('upload.stats', lang)}** — " + md_escape(Path(entry["path"]).name))
    periods = ", ".join(format_period(p, lang) for p in entry.get("periods", [])) or "—"
    st.markdown(f"- {t('upload.s_rows', lang, n=format_number(entry['rows'], lang), periods=md_escape(periods))}\n"
                f"- {t('upload.s_columns', lang, n=len(entry.get('columns', [])))}")
    # the reader's Messages (header recognised, rows not data, periods); older reports carry English sentences
    _render_problems(entry["messages"] if "messages" in entry else entry.get("problems", []), lang)


def _render_join(join: dict, lang: str) -> None:
    st.markdown(f"**{t('upload.join', lang)}**")
    columns = st.columns(5)
    figures = (("j_code", join.get("matched_by_code", 0)), ("j_name", join.get("matched_by_name", 0)),
               ("j_legacy", join.get("matched_legacy", 0)), ("j_unmatched", len(join.get("unmatched_stats", []))),
               ("j_without", join.get("units_without_stats", 0)))
    for column, (key, value) in zip(columns, figures):
        column.metric(t("upload." + key, lang), format_number(value, lang))
    unmatched = join.get("unmatched_stats", [])
    if unmatched:
        st.warning(t("upload.j_unmatched_table", lang))
        table = pd.DataFrame(unmatched).rename(columns={"name": t("upload.col_name", lang),
                                                        "suggestion": t("upload.col_suggestion", lang)})
        st.dataframe(table.astype(str), hide_index=True)
    lines = join.get("lines")
    if lines is None:  # a report without the accounting (older stores): its duplicate lines only
        lines = join.get("duplicates", [])
    _render_lines(lines, lang, t("upload.j_accounting", lang))


def _render_lines(lines: list, lang: str, heading: str) -> None:
    """Every row accounted for: the first lines in view, the rest one click away (st.text: literally)."""
    if not lines:
        return
    texts = [f"• {words(line, lang)}" for line in lines]
    st.caption(heading)
    st.text("\n".join(texts[:SHOWN_LINES]))
    if len(texts) > SHOWN_LINES:
        with st.expander(t("upload.more_lines", lang, n=len(texts) - SHOWN_LINES)):
            st.text("\n".join(texts[SHOWN_LINES:]))


def _render_problems(problems: list, lang: str) -> None:
    _render_lines(problems, lang, t("upload.problems", lang))
