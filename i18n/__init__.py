"""Words for people: the one catalogue (Vietnamese and English), messages, and how numbers and periods are written.

The lowest layer of the project: loaders, analysis, rendering, the CLI and the app all put text into words
through :func:`t` and :class:`Message`, never with inline ``vi if … else en`` or by translating sentences.
"""

from i18n.catalogue import DEFAULT_LANG, LANGS, Measure, Period, Term, catalogue, has_key, lang_column, t
from i18n.message import Message, message
from i18n.numbers import format_number, format_percent, format_period, format_value

__all__ = [
    "DEFAULT_LANG", "LANGS", "Measure", "Message", "Period", "Term", "catalogue", "format_number", "format_percent",
    "format_period", "format_value", "has_key", "lang_column", "message", "t",
]
