"""Which unit a statistics row is about: its era, then its unit (SPEC §7.9, §7.11).

Each row is first placed in an era. A code counts as evidence for an era only when the name beside it agrees
with that era's register (or no name is given); a name without a trusted code counts when the register of that
era has it within the row's province (and district). Rows only one register explains decide the file's era;
rows both registers explain (an old commune that kept its name and code) take the file's era, so an archive
of pre-2025 communes is read as such even where a name survives in 2025. A file with no deciding row is read
in the era of the boundaries.

Rows in the boundaries' era are matched directly (code trusted only when the names agree, then names within
the province and district). Pre-2025 rows on 2025 boundaries are identified in the pre-2025 register and
mapped through :func:`loaders.legacy.targets_of`; summing them is the join's work (:mod:`loaders.join`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from i18n import Message
from loaders.join_index import Provinces, UnitIndex, text_of
from loaders.legacy import CURRENT, LEGACY, province_scope, register, targets_of
from loaders.numbers import pad_code
from loaders.text import ascii_key, is_missing, unit_type_of

#: Row outcomes before summing: a direct match, a pre-2025 commune with its 2025 target, or no unit.
DIRECT, MAPPED, SPLIT, AMBIGUOUS, UNMATCHED = "direct", "mapped", "split", "ambiguous", "unmatched"


@dataclass
class Resolution:
    """What a row is about.

    ``kind`` is one of DIRECT (``position`` in the units; ``by`` is "code" or "name"), MAPPED (``legacy``
    code, ``target`` 2025 code and its ``position``), SPLIT (``legacy`` code divided among ``targets``),
    AMBIGUOUS (``candidates``) or UNMATCHED (``suggestion``). ``note`` explains in words.
    """

    kind: str
    era: str = CURRENT
    position: int | None = None
    by: str = ""
    legacy: str | None = None
    target: str | None = None
    targets: list = field(default_factory=list)
    candidates: list = field(default_factory=list)
    suggestion: str = ""
    note: Message | None = None


def _code(row) -> str | None:
    return pad_code(row.get("commune_code"), 5)


_REMARK = re.compile(r"\s*\(([^()]*)\)\s*$")


def without_remark(row: dict) -> dict:
    """A row whose commune name ends in a remark ("Xã Chiềng Sơn (xã biên giới)", "Phường Minh Khai (quận Hai
    Bà Trưng)"): the name without it, and the district when the remark names one. Register names never hold
    brackets, so the remark is never part of the name."""
    name = text_of(row.get("commune_name"))
    remark = _REMARK.search(name)
    if not remark or not name[:remark.start()].strip():
        return row
    cleaned = {**row, "commune_name": name[:remark.start()].strip()}
    if unit_type_of(remark.group(1), "district") and not text_of(row.get("district_name")):
        cleaned["district_name"] = remark.group(1)
    return cleaned


def _name(row) -> str:
    return text_of(row.get("commune_name"))


def agrees(row, era: str) -> bool:
    """Whether a row's code and name are explained by the register of ``era`` (see the module docstring)."""
    reg, other = register(era), register(LEGACY if era == CURRENT else CURRENT)
    code, name = _code(row), _name(row)
    scope = province_scope(row.get("province_code"), row.get("province_name"), era)
    if code:
        unit = reg.units.get(code)
        if unit is not None and (scope is None or unit.province in scope) and (not name or reg.agrees(code, name)):
            return True
        if code in other.units and (not name or other.agrees(code, name)):
            return False  # the code is the other era's, and its name agrees there
        if not name:
            return False
        # a code neither register explains with this name: the name alone may still say where it belongs
    if not name:
        return False
    district = text_of(row.get("district_name")) if era == LEGACY else None
    return bool(reg.find(name, scope, district or None))


@dataclass
class Eras:
    """The era of the boundaries, the era of the statistics file, and each row's."""

    units: str
    file: str
    rows: list[str]
    only_current: int = 0
    only_legacy: int = 0

    def message(self) -> Message:
        key = "join.era_legacy" if self.file == LEGACY else "join.era_current"
        return Message(key, {"legacy": self.only_legacy, "current": self.only_current})


def units_era(index: UnitIndex) -> str:
    """``"2025"``, ``"legacy"`` or ``"other"`` for commune units, by their codes and names."""
    if index.level != "commune" or not len(index.units):
        return "other"
    votes = {CURRENT: 0, LEGACY: 0}
    for code, name in zip(index.units[index.key], index.units[index.name]):
        code = pad_code(code, 5)
        for era in votes:
            reg = register(era)
            if code in reg.units and (is_missing(name) or reg.agrees(code, name)):
                votes[era] += 1
    best = max(votes, key=votes.get)
    if votes[best] < 0.5 * len(index.units):
        return "other"
    return LEGACY if votes[LEGACY] > votes[CURRENT] else CURRENT


def decide_eras(records: list[dict], units: str) -> Eras:
    """Each row's era and the file's (see the module docstring)."""
    evidence = [(agrees(r, CURRENT), agrees(r, LEGACY)) for r in records]
    only_current = sum(1 for c, old in evidence if c and not old)
    only_legacy = sum(1 for c, old in evidence if old and not c)
    districts = any(text_of(r.get("district_name")) for r in records)
    if only_legacy > only_current or (only_legacy == only_current and districts):
        file_era = LEGACY
    elif only_current > only_legacy:
        file_era = CURRENT
    else:
        file_era = units if units in (CURRENT, LEGACY) else CURRENT
    rows = [CURRENT if c and not old else LEGACY if old and not c else file_era for c, old in evidence]
    return Eras(units=units, file=file_era, rows=rows, only_current=only_current, only_legacy=only_legacy)


class Resolver:
    """Resolve commune rows against units of one era (see the module docstring)."""

    def __init__(self, index: UnitIndex, eras: Eras, typed_plain: bool):
        self.index, self.eras, self.typed_plain = index, eras, typed_plain
        self.provinces = Provinces(index.units)

    def resolve(self, row, era: str) -> Resolution:
        return self._resolve(row, era)

    def _resolve(self, row, era: str) -> Resolution:
        units_era = self.eras.units
        if era == LEGACY and units_era == CURRENT:
            return self.legacy(row)
        resolution = self.direct(row)
        if resolution.kind == UNMATCHED and era == CURRENT and units_era == LEGACY:
            resolution.note = Message("join.note_current_on_legacy")
        return resolution

    # -- rows in the boundaries' era ----------------------------------------------------------------------------
    def direct(self, row) -> Resolution:
        index, name = self.index, _name(row)
        code = _code(row) if index.level == "commune" else text_of(row.get(index.key)) or None
        scopes = self.provinces.scopes(row)
        if code and code in index.keys:
            position = index.keys[code]
            if not name or index.name_agrees(position, name):
                return Resolution(DIRECT, position=position, by="code")
            found, _ = self._by_name(row, name, scopes)
            loaded = text_of(index.name_list[position])
            if len(found) == 1:
                return Resolution(DIRECT, position=found[0], by="name",
                                  note=Message("join.note_code_other_unit", {"code": code, "unit": loaded}))
            return Resolution(AMBIGUOUS, candidates=[index.label(position)] + [index.label(i) for i in found],
                              note=Message("join.note_code_name_disagree", {"code": code, "unit": loaded}))
        found, how = self._by_name(row, name, scopes) if name else ([], "")
        if len(found) == 1:
            note = Message("join.note_without_diacritics") if how == "ascii" else None
            return Resolution(DIRECT, position=found[0], by="name", note=note)
        if len(found) > 1:
            return Resolution(AMBIGUOUS, candidates=[index.label(i) for i in found],
                              note=Message("join.note_same_name", {"n": len(found)}))
        note = Message("join.note_code_not_here", {"code": code}) if code else None
        return Resolution(UNMATCHED, suggestion=index.suggest(name, scopes), note=note)

    def _by_name(self, row, name, scopes) -> tuple[list[int], str]:
        if scopes is not None and scopes == {"?"}:
            return [], ""
        unit_type = text_of(row.get("commune_type")) or unit_type_of(name, "commune")
        return self.index.by_names(name, scopes, text_of(row.get("district_name")) or None, unit_type or None,
                                   self.typed_plain)

    # -- pre-2025 rows on 2025 boundaries -----------------------------------------------------------------------
    def legacy(self, row) -> Resolution:
        old, code, name = register(LEGACY), _code(row), _name(row)
        scope = province_scope(row.get("province_code"), row.get("province_name"), LEGACY)
        district = text_of(row.get("district_name")) or None
        if code and code in old.units and (not name or old.agrees(code, name)) and (
                scope is None or old.units[code].province in scope):
            found = [code]
        elif name:
            found = old.find(name, scope, district, text_of(row.get("commune_type")) or None, self.typed_plain)
        else:
            found = []
        if len(found) > 1:
            return Resolution(AMBIGUOUS, era=LEGACY, candidates=[old.label(c) for c in found],
                              note=Message("join.note_same_legacy_name", {"n": len(found)}))
        if not found:
            return Resolution(UNMATCHED, era=LEGACY, suggestion=self._legacy_suggestion(name, scope, district),
                              note=Message("join.note_not_in_legacy_register"))
        legacy_code = found[0]
        targets = targets_of(legacy_code)
        if len(targets) != 1:
            return Resolution(SPLIT, era=LEGACY, legacy=legacy_code, targets=[t for t, _, _ in targets])
        target = targets[0][0]
        if target not in self.index.keys:
            return Resolution(UNMATCHED, era=LEGACY, legacy=legacy_code, target=target,
                              note=Message("join.note_target_not_here", {"unit": register(CURRENT).label(target)}))
        return Resolution(MAPPED, era=LEGACY, legacy=legacy_code, target=target, position=self.index.keys[target])

    @staticmethod
    def _legacy_suggestion(name, scope, district) -> str:
        if not name:
            return ""
        old = register(LEGACY)
        pool = {code: ascii_key(unit.name, "commune") for code, unit in old.units.items()
                if (scope is None or unit.province in scope)
                and (not district or old.district_keys[code] == ascii_key(district, "district"))}
        best = process.extractOne(ascii_key(name, "commune"), pool, scorer=fuzz.ratio, score_cutoff=75)
        return old.label(best[2]) if best else ""
