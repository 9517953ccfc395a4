"""A message: a catalogue key and its parameters, put into words only where a person reads it.

Loaders, the store and the analysis return :class:`Message` values instead of sentences, so the CLI (English by
default), the app (Vietnamese by default) and the JSON report all word the same fact from one catalogue entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Message:
    """``key`` of :mod:`i18n.catalogue` with the values of its placeholders.

    Examples
    --------
    >>> Message("stats.no_data_rows").text("en")  # doctest: +SKIP
    'no data rows under the header'
    """

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` ("vi" or "en"), on one line."""
        from i18n.catalogue import t

        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.text("en")

    def to_json(self) -> dict:
        """``{"key", "params", "vi", "en"}``: what a JSON report carries, for tools and for both languages."""
        from i18n.catalogue import json_safe

        return {"key": self.key, "params": {k: json_safe(v) for k, v in self.params.items()},
                "vi": self.text("vi"), "en": self.text("en")}


def message(key: str, **params) -> Message:
    """Shorthand for ``Message(key, params)``."""
    return Message(key, params)
