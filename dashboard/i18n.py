"""The dashboard's words come from the one catalogue (:mod:`i18n`); this module only re-exports it for the pages."""

from __future__ import annotations

from i18n import DEFAULT_LANG, LANGS, format_number, format_percent, format_value, t  # noqa: F401
from i18n import has_key as has_label  # noqa: F401
