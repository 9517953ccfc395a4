"""Giới thiệu: what the dashboard shows, how each indicator is computed, the method and the sources."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.indicators import INDICATORS
from dashboard.app import cache, components
from dashboard.app import state as S
from i18n import format_value, t

_TEXT = {
    "vi": """
Bảng điều khiển này cho thấy **Tổ công nghệ số cộng đồng** (Tổ CNSCĐ) đang có ở đâu, tỷ lệ người dân dùng điện
thoại thông minh, VNeID mức 2, thanh toán không dùng tiền mặt, dịch vụ công trực tuyến và kỹ năng số, và **vùng
trống** ở đâu, nhất là ở các xã miền núi, hải đảo, biên giới.

**Cách tính.** Mỗi chỉ tiêu được tính từ số đếm (tử số / mẫu số); khi thiếu mẫu số hoặc mẫu số bằng 0 thì là
"không có số liệu", không bao giờ tính là 0. Số liệu cấp tỉnh là tổng của các xã.

**Vùng trống.** Một đơn vị là vùng trống khi chưa có tổ (hoặc tỷ lệ thôn có tổ dưới mục tiêu) hoặc một chỉ tiêu
được chọn thấp hơn mục tiêu. Điểm vùng trống = dân số từ 15 tuổi × mức thiếu so với mục tiêu, cộng toàn bộ dân
các thôn chưa có tổ: tức là số người bị ảnh hưởng.

**Phân lớp màu.** Phân vị, khoảng đều, ngắt tự nhiên (Fisher-Jenks) hoặc so với mục tiêu (chưa đạt / gần đạt /
đạt). Bảng màu ColorBrewer an toàn cho người mù màu; ô gạch chéo xám là "không có số liệu".
""",
    "en": """
This dashboard shows where **community digital technology teams** (Tổ CNSCĐ) are, how many people use a
smartphone, a level-2 electronic ID, cashless payment, online public services and basic digital skills, and where
the **gaps** are, above all in mountainous, island and border communes.

**Method.** Each indicator is computed from counts (numerator / denominator); a missing or zero denominator is
"no data", never 0. Province figures are sums of their communes.

**Gaps.** A unit is a gap when it has no team (or its share of hamlets with a team is below target) or a chosen
indicator is below its target. The gap score = population 15+ × shortfall to target, plus all residents of hamlets
without a team: the number of people affected.

**Colour classes.** Quantiles, equal interval, natural breaks (Fisher-Jenks) or against the target (below / near /
at target). Colour-blind-safe ColorBrewer palettes; grey hatching is "no data".
""",
}
_CREDITS = """
- Leaflet 1.9.4 (BSD-2-Clause), served by the app from `static/leaflet/` — no CDN, works offline.
- Colour palettes: ColorBrewer 2.0, Cynthia A. Brewer (Apache-2.0).
- 2025 administrative register: `vietnamadminunits` (MIT).
"""


def indicator_rows(lang: str) -> pd.DataFrame:
    rows = []
    for key, indicator in INDICATORS.items():
        target = cache.settings().targets.get(key)
        rows.append({
            "key": key,
            t("indicator", lang): indicator.label(lang),
            "formula": f"{indicator.numerator} / {indicator.denominator} × {indicator.scale:g}",
            t("target", lang): format_value(target, indicator.unit(lang), lang) if target is not None else "—",
            "↑/↓": "↑" if indicator.higher_is_better else "↓",
        })
    return pd.DataFrame(rows)


def render() -> None:
    lang = S.lang()
    if not S.get("present"):
        components.language_switch()
    components.start_page(t("page_about", lang))
    st.markdown(_TEXT[lang])
    st.subheader(t("indicator", lang))
    st.dataframe(indicator_rows(lang), hide_index=True, width="stretch")
    st.subheader(t("sources", lang))
    st.markdown(_CREDITS)
    S.sync_url()


render()
