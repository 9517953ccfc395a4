"""Giới thiệu: what the dashboard shows, how each indicator is computed, the method and the sources."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.indicators import INDICATORS
from dashboard.app import cache, components, navigation
from dashboard.app import state as S
from i18n import format_number, format_value, t


def formula(indicator, lang: str) -> str:
    """The indicator's formula in words: "Người dùng điện thoại thông minh / Dân số từ 15 tuổi × 100"."""
    numerator = t(f"count_{indicator.numerator}", lang)
    denominator = t(f"count_{indicator.denominator}", lang)
    scale = f" × {format_number(indicator.scale, lang)}" if indicator.scale != 1 else ""
    return f"{numerator} / {denominator}{scale}"


def indicator_rows(lang: str) -> pd.DataFrame:
    """One row per indicator: its name, formula in words, target and which direction is better."""
    targets = cache.settings().targets
    rows = []
    for key, indicator in INDICATORS.items():
        target = targets.get(key)
        rows.append({
            t("indicator", lang): indicator.label(lang),
            t("about.formula", lang): formula(indicator, lang),
            t("target", lang): format_value(target, indicator.unit(lang), lang) if target is not None else "—",
            t("about.better", lang): t("about.higher" if indicator.higher_is_better else "about.lower", lang),
        })
    return pd.DataFrame(rows)


def render() -> None:
    navigation.switch_if_asked()
    lang = S.lang()
    if not S.get("present"):
        components.language_switch()
    components.start_page(t("page_about", lang), page="about")
    st.markdown(components.help_markdown("about", lang))
    st.subheader(t("about.indicators", lang), anchor=False)
    st.dataframe(indicator_rows(lang), hide_index=True, width="stretch")
    st.subheader(t("about.credits", lang), anchor=False)
    st.markdown(components.help_markdown("credits", lang))
    S.sync_url()


render()
