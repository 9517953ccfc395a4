"""A province or commune a person types (CLI ``--province``, ``--commune``) → the unit's code (SPEC §7.4, §8).

"Son La", "tinh son la", "Tỉnh Sơn La", "14", "TP Ho Chi Minh", "HCM", "Hue", "Thừa Thiên Huế" all find their
province; a commune is found by code or by name, within a province when one is given. Diacritics, case, the
unit type ("tỉnh", "TP.", "xã", "P.") and spacing do not matter, but a name typed *with* diacritics must match
them. Nothing is guessed: a name that fits several units, or none, raises a :class:`LoaderError` that lists
the candidates or the closest names (and, for a pre-2025 province, the 2025 province that absorbed it).
"""

from __future__ import annotations

import pandas as pd
from rapidfuzz import fuzz, process

from i18n import Term
from loaders.errors import LoaderError
from loaders.schema import KEY_COLUMN, NAME_COLUMN
from loaders.text import ascii_key, is_missing, name_key, strip_diacritics

SUGGESTIONS = 3


#: English words around a place name ("Ho Chi Minh City", "Son La province").
_ENGLISH = {"city", "province", "commune", "ward", "town", "district", "of"}


def _compact(text, level: str) -> str:
    words = ascii_key(text, level).split()
    while len(words) > 1 and words[-1] in _ENGLISH:
        words.pop()
    while len(words) > 1 and words[0] in _ENGLISH:
        words.pop(0)
    return "".join(words)


def _label(units: pd.DataFrame, position: int, level: str) -> str:
    name = units.iloc[position][NAME_COLUMN[level]]
    return f"{name} ({units.iloc[position][KEY_COLUMN[level]]})"


def resolve_place(text, units: pd.DataFrame, level: str, province: str | None = None) -> str:
    """The code of the unit of ``level`` that ``text`` names among ``units``.

    Parameters
    ----------
    text : str
        What the person typed: a code (leading zeros optional) or a name in any spelling.
    units : pandas.DataFrame
        Canonical units with the key and name columns of ``level`` (and ``province_code`` for communes).
    level : {"province", "commune", "hamlet"}
    province : str, optional
        A province code the commune must be in.

    Returns
    -------
    str
        The unit's code.

    Raises
    ------
    LoaderError
        ``place.not_found`` (with the closest names) or ``place.ambiguous`` (with the candidates).
    """
    key_column = KEY_COLUMN[level]
    table = units.drop_duplicates(key_column).reset_index(drop=True)
    if province and "province_code" in table and level != "province":
        table = table[table["province_code"].astype(str) == str(province)].reset_index(drop=True)
    query = "" if is_missing(text) else str(text).strip()
    codes = table[key_column].astype(str)
    if query.isdigit():
        width = int(codes.str.len().max()) if len(codes) else len(query)
        if (codes == query.zfill(width)).any():
            return query.zfill(width)
    found = _by_name(table, query, level)
    if level == "province" and not found:
        from loaders.legacy import CURRENT, province_codes

        known = set(codes)
        found = [i for i, code in enumerate(codes) if code in province_codes(query, CURRENT) & known]
    if len(found) == 1:
        return str(codes.iloc[found[0]])
    if found:
        raise LoaderError("place.ambiguous", text=query, candidates=[_label(table, i, level) for i in found[:6]])
    raise LoaderError("place.not_found", text=query, level=Term(f"place.level_{level}"),
                      suggestion=_suggestion(table, query, level) or "—")


def _by_name(table: pd.DataFrame, query: str, level: str) -> list[int]:
    names = table[NAME_COLUMN[level]]
    if strip_diacritics(query) != query:  # typed with diacritics: they must match
        wanted = name_key(query, level).replace(" ", "")
        return [i for i, n in enumerate(names) if not is_missing(n) and name_key(n, level).replace(" ", "") == wanted]
    wanted = _compact(query, level)
    return [i for i, n in enumerate(names) if not is_missing(n) and _compact(n, level) == wanted]


def _suggestion(table: pd.DataFrame, query: str, level: str) -> str:
    """The closest names, and for a pre-2025 province the province that absorbed it."""
    hints = []
    if level == "province":
        from loaders.legacy import LEGACY, legacy_to_2025_province, province_codes

        absorbed = {legacy_to_2025_province().get(code) for code in province_codes(query, LEGACY)}
        codes = table[KEY_COLUMN[level]].astype(str).tolist()
        hints += [_label(table, codes.index(code), level) for code in sorted(c for c in absorbed if c in codes)]
    choices = {i: _compact(n, level) for i, n in enumerate(table[NAME_COLUMN[level]]) if not is_missing(n)}
    for _, score, i in process.extract(_compact(query, level), choices, scorer=fuzz.ratio, limit=SUGGESTIONS):
        if score >= 60 and _label(table, i, level) not in hints:
            hints.append(_label(table, i, level))
    return "; ".join(hints)
