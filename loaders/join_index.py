"""The units statistics are joined to, indexed by key and by name within their parent (province or commune).

Names are compared by :func:`~loaders.text.name_key` (Unicode form, tone placement, case, spacing, prefixes and
abbreviations ignored), then, where that finds nothing, by :func:`~loaders.text.ascii_key` (no diacritics) only
when one side was typed without any: "Thanh An" may be Thanh An or Thạnh An, and both are then returned.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
from rapidfuzz import fuzz, process

from loaders.legacy import CURRENT
from loaders.numbers import pad_code
from loaders.schema import KEY_COLUMN, NAME_COLUMN
from loaders.text import ascii_key, is_missing, name_key, strip_diacritics

SUGGESTION_CUTOFF = 70
PARENT = {"commune": "province", "hamlet": "commune", "province": None, "district": "province"}


def is_plain(name) -> bool:
    """True when a name carries no diacritics at all (typed in plain ASCII letters)."""
    text = "" if is_missing(name) else str(name)
    return strip_diacritics(text) == text


def text_of(value) -> str:
    return "" if is_missing(value) else str(value).strip()


class UnitIndex:
    """Units of one level, indexed by key and by name within their parent."""

    #: Lookups tried in order until one finds units: (kind, note, [(unit key stripped, query key stripped)]).
    #: Prefix-stripped keys first; then keys that keep a first word looking like a prefix ("Xa Dung");
    #: then without diacritics, where a name written with diacritics only meets a unit written without.
    TIERS = (
        ("name", "", ((True, True),)),
        ("name", "", ((False, True), (True, False), (False, False))),
        ("ascii", "ascii", ((True, True),)),
        ("ascii", "ascii", ((False, True), (True, False), (False, False))),
    )

    def __init__(self, units: pd.DataFrame, level: str):
        self.level, self.key, self.name = level, KEY_COLUMN[level], NAME_COLUMN[level]
        self.units = units.reset_index(drop=True)
        for column in (self.key, self.name):
            if column not in self.units:  # shapes with codes only, or names only
                self.units[column] = None
        #: plain lists: one lookup per row must not go through pandas indexing
        self.key_list = self.units[self.key].tolist()
        self.name_list = self.units[self.name].tolist()
        self.keys = {k: i for i, k in enumerate(self.key_list) if not is_missing(k)}
        self.lookup: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for i, row in enumerate(self.units.to_dict("records")):
            scope, name = self.scope_of(row), row[self.name]
            if is_missing(name):
                continue
            plain = is_plain(name)
            for kind, key_of in (("name", name_key), ("ascii", ascii_key)):
                for strip in (True, False):
                    self.lookup[(kind, strip)][key_of(name, level, strip)].append((scope, i, plain))

    def scope_of(self, row) -> str:
        parent = PARENT[self.level]
        return text_of(row.get(KEY_COLUMN[parent])) if parent else ""

    def in_scopes(self, scopes) -> list[int]:
        parent = PARENT[self.level]
        if scopes is None or parent is None:
            return list(range(len(self.units)))
        return [i for i, s in enumerate(self.units[KEY_COLUMN[parent]]) if s in scopes]

    def name_agrees(self, position: int, name) -> bool:
        """True when ``name`` is this unit's name, in any spelling (without diacritics only if typed so)."""
        loaded = self.name_list[position]
        if is_missing(loaded) or not text_of(name):
            return False
        if name_key(name, self.level) == name_key(loaded, self.level):
            return True
        return (is_plain(name) or is_plain(loaded)) and ascii_key(name, self.level) == ascii_key(loaded, self.level)

    def by_names(self, name, scopes, district=None, unit_type=None, typed_plain=False) -> tuple[list[int], str]:
        """Units whose name matches within the scopes: (positions, "" or "ascii").

        Several matches are narrowed by district, then by unit type (Xã vs Phường of the same name).
        ``typed_plain``: the whole file was typed without diacritics, so names are only compared without them
        (both Thanh An and Thạnh An are found; nothing is guessed).
        """
        plain_query = is_plain(name)
        for kind, note, pairs in self.TIERS[2:] if typed_plain else self.TIERS:
            key_of = name_key if kind == "name" else ascii_key
            found: list[int] = []
            for unit_strip, query_strip in pairs:
                for scope, i, plain in self.lookup[(kind, unit_strip)].get(key_of(name, self.level, query_strip), ()):
                    if (scopes is None or scope in scopes) and (kind == "name" or plain_query or plain) \
                            and i not in found:
                        found.append(i)
            found = self._narrow(found, "district_name", district, "district")
            found = self._narrow(found, f"{self.level}_type", unit_type, None)
            if found:
                return found, note
        return [], ""

    def _narrow(self, found: list[int], column: str, wanted, level) -> list[int]:
        if len(found) < 2 or not wanted or column not in self.units:
            return found
        wanted_key = ascii_key(wanted, level) if level else ascii_key(wanted)
        narrowed = [i for i in found if (ascii_key(self.units.at[i, column], level) if level
                                         else ascii_key(self.units.at[i, column])) == wanted_key]
        return narrowed or found

    def label(self, i: int) -> str:
        """"Xã An Khánh (09877, Hà Nội)": how a unit is named in reports."""
        if not hasattr(self, "_labels"):
            self._labels = [self._label(row) for row in self.units.to_dict("records")]
        return self._labels[i]

    def _label(self, row: dict) -> str:
        parent = PARENT[self.level]
        where = text_of(row.get(NAME_COLUMN[parent])) if parent else ""
        kind = text_of(row.get(f"{self.level}_type"))
        name = text_of(row[self.name])
        shown = name if not kind or name.lower().startswith(kind.lower()) else f"{kind} {name}"
        return f"{shown} ({text_of(row[self.key])}{', ' + where if where else ''})"

    def suggest(self, name, scopes) -> str:
        """The closest unit name in scope (shown, never applied), or ""."""
        if not text_of(name):
            return ""
        candidates = self.in_scopes(scopes) or list(range(len(self.units)))
        choices = {i: ascii_key(self.name_list[i], self.level) for i in candidates}
        best = process.extractOne(ascii_key(name, self.level), choices, scorer=fuzz.ratio,
                                  score_cutoff=SUGGESTION_CUTOFF)
        return self.label(best[2]) if best else ""


class Provinces:
    """Province codes of the units, found by code or by name (without diacritics or prefix)."""

    def __init__(self, units: pd.DataFrame):
        codes = units["province_code"] if "province_code" in units else pd.Series(dtype=object)
        names = units["province_name"] if "province_name" in units else pd.Series(None, index=codes.index)
        self.codes = {c for c in codes if not is_missing(c)}
        self.by_name: dict[str, set] = defaultdict(set)
        for code, name in set(zip(codes, names)):
            if not is_missing(name):
                self.by_name[ascii_key(name, "province").replace(" ", "")].add(code)

    def scopes(self, row) -> set[str] | None:
        """The province codes of the units a statistics row may belong to (None = it does not say).

        A province the units do not name the same way is looked up in the 2025 register (``"TP. HCM"``,
        ``"Hà Giang"`` → the 2025 province that absorbed it); an unknown one gives ``{"?"}`` (nothing found).
        """
        from loaders.legacy import province_scope

        code = pad_code(row.get("province_code"), 2)
        if code and code in self.codes:
            return {code}
        name = text_of(row.get("province_name"))
        if name and self.by_name.get(ascii_key(name, "province").replace(" ", "")):
            return set(self.by_name[ascii_key(name, "province").replace(" ", "")])
        if name or code:
            return ((province_scope(code, name or None, CURRENT) or set()) & self.codes) or {"?"}
        return None


