"""Numbers the way each language writes them: Vietnamese 1.459 and 85,5 %; English 1,459 and 85.5%.

The one number formatter of the project: gap reasons, legends, KPI cards, tables and the CLI use it.
"""

from __future__ import annotations

import math
import re



def format_number(value, lang: str = "vi", decimals: int = 0) -> str:
    """Format a number with the language's thousands and decimal separators.

    >>> format_number(1459), format_number(85.5, decimals=1), format_number(1459, "en")
    ('1.459', '85,5', '1,459')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _t("number.no_data", lang)
    text = f"{float(value):,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_percent(value, lang: str = "vi", decimals: int = 1) -> str:
    """A percentage: "85,5 %" in Vietnamese, "85.5%" in English; whole numbers lose the ",0"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _t("number.no_data", lang)
    if float(value).is_integer():
        decimals = 0
    number = format_number(value, lang, decimals)
    return f"{number}%" if lang == "en" else f"{number} %"


def format_value(value, unit: str, lang: str = "vi") -> str:
    """A value with its unit: percentages as :func:`format_percent`, others with one decimal under 100."""
    if unit == "%":
        return format_percent(value, lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _t("number.no_data", lang)
    decimals = 1 if abs(float(value)) < 100 and not float(value).is_integer() else 0
    return f"{format_number(value, lang, decimals)} {unit}".strip()


def format_period(period: str | None, lang: str = "vi") -> str:
    """"2025-Q3" → "Quý 3/2025" (vi) or "Q3 2025" (en); "2025-07" → "Tháng 7/2025" / "07/2025"."""
    if not period:
        return ""
    text = str(period)
    quarter = re.fullmatch(r"(\d{4})-Q([1-4])", text)
    month = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if quarter:
        year, q = quarter.groups()
        return _t("period_format.quarter", lang, year=year, quarter=q)
    if month:
        year, m = month.groups()
        return _t("period_format.month", lang, year=year, month=str(int(m)))
    if re.fullmatch(r"\d{4}", text):
        return _t("period_format.year", lang, year=text)
    return text


def format_date(date, lang: str = "vi") -> str:
    """A date the language's way: 30/11/2026 in Vietnamese, 2026-11-30 in English."""
    return date.strftime(_t("period_format.date", lang))


def _t(key: str, lang: str, **params) -> str:
    from i18n.catalogue import t

    return t(key, lang, **params)
