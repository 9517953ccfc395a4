"""Recognise identity columns by their values (SPEC §7.10): a column whose values are mostly commune codes of
the 2025 or pre-2025 register, or mostly names of communes, districts, provinces or hamlets, is that column,
whatever its header says (``MA_XA``, ``ward_code``, ``ID_2``, ``TEN``, ``NAME_3``).

Headers that only say "code" or "unit" (``unit_code`` / ``unit_name`` from :mod:`loaders.columns`) are settled
the same way. Every decision made from values is reported, so a data officer can see which column was taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from i18n import Message, Term
from loaders.numbers import pad_code
from loaders.text import UNIT_TYPES, ascii_key, is_missing, nfc, split_unit_type, strip_diacritics

#: Share of a column's non-empty values that must fit for the column to be taken.
CODE_SHARE, NAME_SHARE = 0.8, 0.6
#: How many values of a column are looked at.
SAMPLE = 400
_ORDER = ("commune_code", "hamlet_name", "commune_name", "district_name", "province_name", "province_code",
          "district_code")


@dataclass(frozen=True)
class Guess:
    """A column recognised by its values: which column, as what, and the share of values that fit."""

    column: object
    canonical: str
    share: float
    header: str

    def message(self) -> Message:
        return Message("columns_by_values.taken", {"header": self.header, "column": Term(f"columns.{self.canonical}"),
                                                   "share": round(self.share * 100)})


@lru_cache(maxsize=1)
def _register_keys() -> dict[str, frozenset[str]]:
    from loaders.legacy import register
    from loaders.register import legacy_units, official_units

    legacy, current = legacy_units(), official_units()
    communes = {ascii_key(n, "commune") for n in [*legacy["commune_name"], *current["commune_name"]]}
    districts = set(legacy["district_ascii"])
    provinces = {ascii_key(n, "province") for n in [*legacy["province_name"], *current["province_name"]]}
    codes = frozenset(register("legacy").units) | frozenset(register("2025").units)
    return {"communes": frozenset(communes), "districts": frozenset(districts), "provinces": frozenset(provinces),
            "codes": codes, "province_codes": frozenset(legacy["province_code"]),
            "district_codes": frozenset(legacy["district_code"])}


_HAMLET_WORDS = tuple(sorted({strip_diacritics(t) for t in UNIT_TYPES["hamlet"]}, key=len, reverse=True))


def _values(values) -> list:
    return [v for v in list(values)[:SAMPLE * 3] if not is_missing(v) and str(v).strip()][:SAMPLE]


def _share(values, test) -> float:
    values = _values(values)
    return sum(1 for v in values if test(v)) / len(values) if values else 0.0


def _is_hamlet(value) -> bool:
    text = strip_diacritics(nfc(str(value))).lower()
    return any(text.startswith(word + " ") for word in _HAMLET_WORDS) or text.startswith(("tdp ", "kp "))


def _is_name(kind: str):
    keys = _register_keys()[kind]
    level = {"communes": "commune", "districts": "district", "provinces": "province"}[kind]

    def test(value) -> bool:
        if isinstance(value, (int, float)) or _is_hamlet(value) or not any(ch.isalpha() for ch in str(value)):
            return False
        written, _ = split_unit_type(value)
        if kind == "communes" and written in ("Huyện", "Quận", "Thị xã", "Tỉnh"):
            return False
        return ascii_key(value, level) in keys
    return test


def _is_code(width: int, kind: str):
    keys = _register_keys()[kind]

    def test(value) -> bool:
        code = pad_code(value, width)
        return code is not None and code in keys
    return test


def _distinct(values) -> float:
    values = [str(v) for v in _values(values)]
    return len(set(values)) / len(values) if values else 0.0


def _filled(values) -> float:
    values = list(values)[:SAMPLE * 3]
    return sum(1 for v in values if not is_missing(v) and str(v).strip()) / len(values) if values else 0.0


def _fit(canonical: str, values) -> float:
    """Share of values that fit ``canonical`` (0 when the column cannot be it at all: an identity column is
    filled on most rows)."""
    if _filled(values) < 0.5:
        return 0.0
    if canonical == "commune_code":
        return _share(values, _is_code(5, "codes")) if _distinct(values) > 0.9 else 0.0
    if canonical == "province_code":
        return _share(values, _is_code(2, "province_codes"))
    if canonical == "district_code":
        return _share(values, _is_code(3, "district_codes"))
    if canonical == "hamlet_name":
        return _share(values, _is_hamlet)
    return _share(values, _is_name({"commune_name": "communes", "district_name": "districts",
                                    "province_name": "provinces"}[canonical]))


def settle_columns(columns: dict, mapping: dict, headers: dict | None = None,
                   candidates=None) -> tuple[dict, list[Guess]]:
    """Decide identity columns from values.

    Parameters
    ----------
    columns : dict
        Column (index or name) → its values in the data rows.
    mapping : dict
        Column → canonical name from the headers (may hold ``unit_code`` / ``unit_name``); not changed.
    headers : dict, optional
        Column → header text, for the report.
    candidates : iterable, optional
        Columns that may be taken (default: those unmapped or mapped to ``unit_*``).

    Returns
    -------
    (dict, list of Guess)
        The new mapping (``unit_*`` resolved or dropped) and the decisions made from values.
    """
    headers = headers or {}
    mapping = dict(mapping)
    known = set(mapping.values())
    open_columns = [c for c in (candidates if candidates is not None else columns)
                    if c in columns and (c not in mapping or mapping[c] in ("unit_code", "unit_name"))]
    guesses = []
    for canonical in _ORDER:
        if canonical in known:
            continue
        code_like = canonical.endswith("_code")
        pool = [c for c in open_columns if mapping.get(c) != ("unit_name" if code_like else "unit_code")]
        scored = [(_fit(canonical, columns[c]), _distinct(columns[c]), c) for c in pool]
        scored = [(s, d, c) for s, d, c in scored if s >= (CODE_SHARE if code_like else NAME_SHARE)]
        if not scored:
            continue
        # the best fit; on a tie the column of distinct values (communes repeat less than their districts)
        share, _, column = max(scored, key=lambda triple: (round(triple[0], 2), triple[1]))
        if canonical in ("district_name", "province_name") and _distinct(columns[column]) > 0.9 and \
                "commune_name" not in known and _fit("commune_name", columns[column]) >= share:
            continue  # a column of distinct names that are also communes is the communes' column
        mapping[column] = canonical
        known.add(canonical)
        open_columns.remove(column)
        guesses.append(Guess(column, canonical, share, str(headers.get(column, column))))
    for column in [c for c in open_columns if mapping.get(c) in ("unit_code", "unit_name")]:
        fallback = {"unit_code": "commune_code", "unit_name": "commune_name"}[mapping[column]]
        looks_right = (_fit("commune_code", columns[column]) >= 0.5 if fallback == "commune_code" else _share(columns[column], lambda v: not isinstance(v, (int, float))) >= 0.5)
        if fallback not in known and looks_right and not (fallback == "commune_name" and "hamlet_name" in known):
            mapping[column] = fallback  # "Đơn vị", "Mã ĐVHC": a commune table unless the values said otherwise
            known.add(fallback)
        else:
            del mapping[column]
    return mapping, guesses
