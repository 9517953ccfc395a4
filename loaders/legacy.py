"""Pre-2025 communes and the 2025 units they became (SPEC §7.11), from the ``vietnamadminunits`` package (MIT).

On 1 July 2025 about 10,000 communes became 3,321 units. Most old communes went whole into one new unit (several
merged into each); 471 were divided between two to five new units. The 2025 register reuses an old code for
almost every new unit, usually the code of one of the communes it absorbed, so a code alone does not say which
register it belongs to: a code is trusted only when the name beside it agrees with the register of that era.

* :func:`crosswalk` — one row per (old commune, new unit it went into), whole or in part.
* :class:`Register` — names and codes of one era, looked up within a province (and district) scope.
* :func:`province_scope` — the provinces of an era a statistics row's province cell may mean (a pre-2025
  province maps to the 2025 province that absorbed it, a 2025 province to the old ones it absorbed).

The package's converter data (``converter_2025.json``) is read directly: its keys join the two registers.
"""

from __future__ import annotations

import importlib.util
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from loaders.numbers import pad_code
from loaders.register import _query, legacy_units, official_units
from loaders.text import ascii_key, is_missing, name_key, split_unit_type, strip_diacritics

LEGACY, CURRENT = "legacy", "2025"
ERAS = (CURRENT, LEGACY)

#: Province names in use before the register's own (people still write them); name → province code.
FORMER_PROVINCE_NAMES = {"Thừa Thiên Huế": "46", "Thừa Thiên - Huế": "46", "Sài Gòn": "79"}


def _package_data(name: str) -> Path:
    spec = importlib.util.find_spec("vietnamadminunits")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


@lru_cache(maxsize=1)
def _converter() -> dict:
    with open(_package_data("converter_2025.json"), encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def crosswalk() -> pd.DataFrame:
    """Every old commune and the 2025 unit(s) it went into.

    Returns
    -------
    pandas.DataFrame
        ``legacy_code``, ``commune_code`` (2025), ``whole`` (the whole old commune went into this unit) and
        ``main`` (the unit that received the old commune's main part; True for whole communes).
    """
    converter = _converter()
    new = official_units()
    new_keys = {(p, w): code for p, w, code in zip(*_new_keys(new))}
    old = legacy_units()
    old_keys = {f"{p}_{d}_{w}": code for p, d, w, code in
                zip(old["province_key"], old["district_key"], old["ward_key"], old["legacy_code"])}
    rows = []
    for province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, old_wards in wards.items():
            for key in old_wards:
                if key in old_keys:
                    rows.append((old_keys[key], new_keys[(province, ward)], True, True))
    for province, old_wards in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for key, targets in old_wards.items():
            for target in targets:
                rows.append((old_keys[key], new_keys[(province, target["newWardKey"])], False,
                             bool(target["isDefaultNewWard"])))
    return pd.DataFrame(rows, columns=["legacy_code", "commune_code", "whole", "main"])


def _new_keys(new: pd.DataFrame):
    rows = _query("SELECT provinceKey, wardKey, wardCode FROM admin_units")
    return [r["provinceKey"] for r in rows], [r["wardKey"] for r in rows], [r["wardCode"] for r in rows]


@lru_cache(maxsize=1)
def _targets() -> dict[str, list[tuple[str, bool]]]:
    targets: dict[str, list] = defaultdict(list)
    for legacy, new, whole, main in crosswalk().itertuples(index=False):
        targets[legacy].append((new, whole, main))
    return dict(targets)


@lru_cache(maxsize=1)
def _parts() -> dict[str, tuple[frozenset, frozenset]]:
    whole, partial = defaultdict(set), defaultdict(set)
    for legacy, new, is_whole, _ in crosswalk().itertuples(index=False):
        (whole if is_whole else partial)[new].add(legacy)
    return {code: (frozenset(whole[code]), frozenset(partial[code])) for code in set(whole) | set(partial)}


def targets_of(legacy_code: str) -> list[tuple[str, bool, bool]]:
    """The 2025 units an old commune went into: ``[(commune_code, whole, main), ...]`` (empty if unknown)."""
    return _targets().get(legacy_code, [])


def parts_of(commune_code: str) -> tuple[frozenset, frozenset]:
    """The old communes a 2025 unit was formed from: (those that went in whole, those divided with others)."""
    return _parts().get(commune_code, (frozenset(), frozenset()))


@lru_cache(maxsize=1)
def legacy_to_2025_province() -> dict[str, str]:
    """Pre-2025 province code → the 2025 province that absorbed it."""
    old = legacy_units().set_index("legacy_code")["province_code"]
    new = official_units().set_index("commune_code")["province_code"]
    pairs = crosswalk().assign(old=lambda f: f["legacy_code"].map(old), new=lambda f: f["commune_code"].map(new))
    return dict(pairs.groupby("old")["new"].agg(lambda s: s.mode().iloc[0]))


# -- registers of one era ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Unit:
    """One commune of a register: its code, bare name, type, district (pre-2025) and province code."""

    code: str
    name: str
    kind: str
    province: str
    district: str = ""
    other_kind: str = ""  # the type the full name says, where the register's type column disagrees

    def is_kind(self, kind) -> bool:
        return not kind or not self.kind or kind in (self.kind, self.other_kind)


class Register:
    """The communes of one era, found by code or by name within provinces (and a district)."""

    def __init__(self, era: str):
        self.era = era
        if era == CURRENT:
            table = official_units()
            records = zip(table["commune_code"], table["commune_name"], table["commune_type"],
                          table["province_code"], [""] * len(table), table["commune_fullname"])
        else:
            table = legacy_units()
            records = zip(table["legacy_code"], table["commune_name"], table["commune_type"].fillna(""),
                          table["province_code"], table["district_name"], table["commune_fullname"])
        # the package's type column is wrong for a few units ("Phường Việt Hòa" typed Xã): the full name counts too
        self.units = {code: Unit(code, name, kind, province, district, split_unit_type(full, "commune")[0] or "")
                      for code, name, kind, province, district, full in records}
        self.by_key: dict[tuple, list[str]] = defaultdict(list)
        for unit in self.units.values():
            for kind, key_of in (("name", name_key), ("ascii", ascii_key)):
                self.by_key[(kind, unit.province, key_of(unit.name, "commune"))].append(unit.code)
        self.district_keys = {unit.code: ascii_key(unit.district, "district") for unit in self.units.values()}
        self.provinces = {unit.province for unit in self.units.values()}

    def agrees(self, code: str, name) -> bool:
        """True when ``name`` (any spelling) is the name this register gives ``code``."""
        unit = self.units.get(code)
        if unit is None or is_missing(name) or not str(name).strip():
            return False
        kind, bare = split_unit_type(name, "commune")
        if not unit.is_kind(kind):
            return False
        if name_key(bare, "commune") == name_key(unit.name, "commune"):
            return True
        return _plain(bare) and ascii_key(bare, "commune") == ascii_key(unit.name, "commune")

    def find(self, name, provinces, district=None, kind=None, typed_plain=False) -> list[str]:
        """Codes of the communes called ``name`` within ``provinces`` (and ``district`` when given).

        A name written with diacritics must match them ("Chiềng Hoà" is not "Chiềng Hoa"). One written without
        any is first taken as written ("Sa Pa" is Sa Pa), then looked up without diacritics; in a file typed
        entirely without them (``typed_plain``) only without ("Sa Pa" may be Sa Pa or Sa Pả). Several matches
        are narrowed by district, then by unit type; what remains is returned, so the caller can say
        "ambiguous" rather than guess.
        """
        if is_missing(name) or not str(name).strip():
            return []
        written_kind, bare = split_unit_type(name, "commune")
        kind = kind or written_kind
        found = []
        kinds = [("ascii", ascii_key)] if typed_plain else [("name", name_key)] + (
            [("ascii", ascii_key)] if _plain(bare) else [])
        for lookup, key_of in kinds:
            key = key_of(bare, "commune")
            for province in (provinces if provinces is not None else self.provinces):
                found.extend(self.by_key.get((lookup, province, key), ()))
            if found:
                break
        if district and self.era == LEGACY and len(found):
            wanted = ascii_key(district, "district")
            found = [c for c in found if self.district_keys[c] == wanted]
        if kind and len(found) > 1:
            found = [c for c in found if self.units[c].is_kind(kind)] or found
        return found

    def label(self, code: str) -> str:
        unit = self.units[code]
        where = f", {unit.district}" if unit.district else ""
        return f"{unit.kind} {unit.name} ({code}{where})".strip()


def _plain(text) -> bool:
    return strip_diacritics(str(text)) == str(text)


@lru_cache(maxsize=2)
def register(era: str) -> Register:
    """The register of ``era`` (``"2025"`` or ``"legacy"``), built once."""
    return Register(era)


# -- provinces ----------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _province_names() -> dict[str, dict[str, set[str]]]:
    """era → compact ASCII province name → province codes (names, full names and the package's keywords)."""
    names: dict[str, dict[str, set[str]]] = {CURRENT: defaultdict(set), LEGACY: defaultdict(set)}
    for era, table in ((CURRENT, "admin_units"), (LEGACY, "admin_units_legacy")):
        for row in _query(f"SELECT DISTINCT provinceCode, provinceShort, province, provinceKeywords FROM {table}"):
            keys = {_compact(row["provinceShort"]), _compact(row["province"])}
            keys |= set(json.loads(row["provinceKeywords"] or "[]"))
            for key in keys:
                names[era][key].add(row["provinceCode"])
    for name, code in FORMER_PROVINCE_NAMES.items():
        names[LEGACY][_compact(name)].add(code)
        names[CURRENT][_compact(name)].add(legacy_to_2025_province().get(code, code))
    return names


def _compact(name) -> str:
    return ascii_key(name, "province").replace(" ", "")


def province_codes(text, era: str) -> set[str]:
    """Province codes of ``era`` that a name ("Sơn La", "tinh son la", "TP. HCM") may mean; empty when none."""
    if is_missing(text) or not str(text).strip():
        return set()
    return set(_province_names()[era].get(_compact(text), set()))


def province_scope(code, name, era: str) -> set[str] | None:
    """See :func:`_province_scope`; cached, since every row of a file asks it with the same few values."""
    code = pad_code(code, 2)
    name = None if is_missing(name) or not str(name).strip() else str(name)
    scope = _province_scope(code, name, era)
    return None if scope is None else set(scope)


@lru_cache(maxsize=4096)
def _province_scope(code, name, era: str) -> frozenset[str] | None:
    """The provinces of ``era`` a row's province cells may mean; ``None`` when the row names no province.

    A pre-2025 province read in the 2025 era is the province that absorbed it; a 2025 province read in the
    pre-2025 era is every old province it absorbed (so a name can only be looked up where it could be).
    An unknown province gives an empty set: nothing is looked up across provinces.
    """
    other = LEGACY if era == CURRENT else CURRENT
    mine, theirs = set(), set()
    code = pad_code(code, 2)
    if code:
        mine |= {code} if code in register(era).provinces else set()
        theirs |= {code} if code in register(other).provinces else set()
    if not is_missing(name) and str(name).strip():
        by_name_mine, by_name_theirs = province_codes(name, era), province_codes(name, other)
        mine = (mine & by_name_mine) if mine and by_name_mine else (mine or by_name_mine)
        theirs = (theirs & by_name_theirs) if theirs and by_name_theirs else (theirs or by_name_theirs)
    if not code and (is_missing(name) or not str(name).strip()):
        return None
    to_current = legacy_to_2025_province()
    if era == CURRENT:
        return frozenset(mine | {to_current[c] for c in theirs if c in to_current})
    absorbed = defaultdict(set)
    for old, new in to_current.items():
        absorbed[new].add(old)
    return frozenset(mine | {old for c in theirs for old in absorbed.get(c, ())}
                     | {old for c in mine for old in absorbed.get(c, ())})
