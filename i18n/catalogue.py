"""The one catalogue of words: every text a user reads, in Vietnamese and English, keyed.

The entries live in ``i18n/words/*.toml`` (one file per part of the product, so translators can read them
without Python)::

    [stats]
    no_header.vi = "không thấy dòng tiêu đề cột …"
    no_header.en = "no recognisable header row …"

gives the key ``stats.no_header``. Placeholders are ``{name}`` or ``{name:.1f}``; numbers given as parameters are
written the language's way (1.459 / 1,459; 85,5 / 85.5), lists are joined with ", ", a nested
:class:`~i18n.message.Message` is put into words in the same language, :class:`Period` values read
"Quý 3/2025" / "Q3 2025", a :class:`Term` is another entry's text and a :class:`Measure` a value with its unit. Catalogue texts are plain text, never Markdown or HTML: a name from the data inside a
message stays text wherever it is shown.
"""

from __future__ import annotations

import math
import string
import tomllib
from functools import lru_cache
from pathlib import Path

from i18n.message import Message

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
WORDS_DIR = Path(__file__).resolve().parent / "words"


class Period(str):
    """A period key ("2025-Q3") that a message writes as "Quý 3/2025" / "Q3 2025"."""


class Term(str):
    """A catalogue key used as a parameter: written as that entry's text in the message's language."""


class Measure(float):
    """A value with a unit from the catalogue (``unit_key``): "42 %", "3,5 người/1.000 dân" / "42%".

    ``decimals`` fixes the decimals of a percentage (gap reasons round to whole percent).
    """

    def __new__(cls, value: float, unit_key: str, decimals: int | None = None):
        measure = super().__new__(cls, value)
        measure.unit_key, measure.decimals = unit_key, decimals
        return measure

    def __reduce__(self):
        return (Measure, (float(self), self.unit_key, self.decimals))


def _flatten(table: dict, prefix: str, into: dict, origin: str) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(value, dict) and set(value) <= set(LANGS) and value:
            missing = [lang for lang in LANGS if not isinstance(value.get(lang), str)]
            if missing:
                raise ValueError(f"{origin}: '{key}' has no {'/'.join(missing)} text")
            if key in into:
                raise ValueError(f"{origin}: '{key}' is defined twice")
            into[key] = (value["vi"], value["en"])
        elif isinstance(value, dict):
            _flatten(value, key, into, origin)
        else:
            raise ValueError(f"{origin}: '{key}' must have vi and en texts")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, tuple[str, str]]:
    """key → (Vietnamese, English), read once from ``i18n/words/*.toml``."""
    entries: dict[str, tuple[str, str]] = {}
    for path in sorted(WORDS_DIR.glob("*.toml")):
        with open(path, "rb") as handle:
            _flatten(tomllib.load(handle), "", entries, path.name)
    return entries


def has_key(key: str) -> bool:
    """Whether the catalogue has ``key`` (for keys built from data, e.g. ``area.<name>``)."""
    return key in catalogue()


class _Formatter(string.Formatter):
    """str.format with values written the way ``lang`` writes them."""

    def __init__(self, lang: str):
        self.lang = lang

    def format_field(self, value, format_spec: str) -> str:
        from i18n.numbers import format_number, format_period

        if isinstance(value, Message):
            return value.text(self.lang)
        if isinstance(value, Term):
            return t(str(value), self.lang)
        if isinstance(value, Period):
            return format_period(str(value), self.lang)
        if isinstance(value, Measure):
            from i18n.numbers import format_percent, format_value

            unit = t(value.unit_key, self.lang)
            if unit == "%" and value.decimals is not None:
                return format_percent(float(value), self.lang, value.decimals)
            return format_value(float(value), unit, self.lang)
        if isinstance(value, (list, tuple, set, frozenset)):
            return ", ".join(self.format_field(item, "") for item in value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return super().format_field(value, format_spec)
        decimals = 0
        if format_spec.startswith(".") and format_spec.endswith("f"):
            decimals = int(format_spec[1:-1] or 0)
        elif format_spec:
            return super().format_field(value, format_spec)
        elif isinstance(value, float) and not float(value).is_integer() and math.isfinite(value):
            decimals = 1
        return format_number(value, self.lang, decimals)


def t(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    """The text of ``key`` in ``lang`` with its placeholders filled from ``params``, on one line.

    Raises
    ------
    KeyError
        ``key`` is not in the catalogue (a test walks the code's keys, so this is a programming error).
    """
    vi, en = catalogue()[key]
    template = en if lang == "en" else vi
    text = _Formatter(lang).format(template, **params) if params or "{" in template else template
    return " ".join(text.split()) if "\n" in text else text


def lang_column(base: str, lang: str) -> str:
    """The name of a data column or field written in ``lang``: ``reason_vi`` / ``reason_en``, ``notice_vi`` …

    Data that carry both languages (gap reasons, a dataset's notice) name their fields this one way.
    """
    return f"{base}_{'en' if lang == 'en' else 'vi'}"


def json_safe(value):
    """A parameter as JSON: numbers and text as they are, lists as lists, messages as their JSON."""
    if isinstance(value, Message):
        return value.to_json()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return str(value)
