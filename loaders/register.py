"""The official register of administrative units, from the ``vietnamadminunits`` package (MIT).

* ``admin_units``: the 3,321 commune-level units of 1 July 2025 (34 provinces) with their official codes.
* ``admin_units_legacy``: the ~10,000 communes before the reform (63 provinces, with districts).
* the package's converter data maps a legacy commune to the 2025 unit(s) it went into (read by
  :mod:`loaders.legacy`).

Used by the join to recognise official 2025 codes and names, and to map statistics still keyed by pre-2025
communes onto 2025 units (always reported as such, never silently).
"""

from __future__ import annotations

import importlib.util
import sqlite3
from functools import lru_cache
from pathlib import Path

import pandas as pd

from loaders.numbers import pad_code
from loaders.text import ascii_key, name_key, nfc, strip_diacritics


def _query(sql: str) -> list[dict]:
    """Run SQL on the package's register database.

    Opens ``vietnamadminunits/data/dataset.db`` read-only without importing the package: its ``__init__`` loads
    the address parser and converter tables (over a second), which only the legacy mapping needs.
    """
    spec = importlib.util.find_spec("vietnamadminunits")
    database = Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db" if spec else None
    if database is None or not database.exists():
        from vietnamadminunits.database import query

        return query(sql)
    with sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(sql).fetchall()]


def _register_table(table: str, columns: dict[str, str]) -> pd.DataFrame:
    """Columns of one register table, renamed to ours, every text in NFC."""
    rows = _query(f"SELECT {', '.join(columns)} FROM {table}")
    frame = pd.DataFrame(rows).rename(columns=columns)
    for column in frame.columns:
        frame[column] = frame[column].map(nfc)
    return frame


@lru_cache(maxsize=1)
def official_units() -> pd.DataFrame:
    """The 2025 register: one row per commune-level unit.

    Returns
    -------
    pandas.DataFrame
        ``commune_code``, ``commune_name`` (without type), ``commune_type``, ``commune_fullname``,
        ``province_code``, ``province_name`` (short, e.g. "Hà Nội"), ``province_fullname``.
    """
    table = _register_table("admin_units", {
        "wardCode": "commune_code", "wardShort": "commune_name", "wardType": "commune_type",
        "ward": "commune_fullname", "provinceCode": "province_code", "provinceShort": "province_name",
        "province": "province_fullname",
    })
    return table.sort_values("commune_code", ignore_index=True)


#: The package writes the type in brackets after names that two units of one district share.
_TYPE_REMARK = r"\s*\((?:Thị trấn|Xã|Phường|Huyện|Quận|Thị xã|Thành phố)\)\s*$"


@lru_cache(maxsize=1)
def legacy_units() -> pd.DataFrame:
    """The pre-2025 register: one row per commune before 1 July 2025.

    Returns
    -------
    pandas.DataFrame
        ``legacy_code``, ``commune_name``, ``commune_type``, ``commune_fullname``, ``district_code``,
        ``district_name``, ``district_fullname``, ``province_code`` (pre-2025), ``province_name``,
        ``province_fullname``, the package's keys (``province_key``/``district_key``/``ward_key``, used to read
        its converter) and the name keys used to look names up (``district_ascii``, ``commune_key``,
        ``commune_ascii``). Island districts without communes are left out.
    """
    table = _register_table("admin_units_legacy", {
        "wardCode": "legacy_code", "wardShort": "commune_name", "wardType": "commune_type", "ward": "commune_fullname",
        "districtCode": "district_code", "districtShort": "district_name", "district": "district_fullname",
        "provinceCode": "province_code", "provinceShort": "province_name", "province": "province_fullname",
        "provinceKey": "province_key", "districtKey": "district_key", "wardKey": "ward_key",
    })
    table = table[table["legacy_code"].notna()].reset_index(drop=True)
    for column in ("commune_name", "district_name"):  # "Hát Lót (Thị trấn)" next to "Hát Lót (Xã)": the type
        table[column] = table[column].str.replace(_TYPE_REMARK, "", regex=True)  # is a column of its own
    table["province_ascii"] = table["province_name"].map(lambda n: ascii_key(n, "province"))
    table["district_ascii"] = table["district_name"].map(lambda n: ascii_key(n, "district"))
    table["commune_key"] = table["commune_name"].map(lambda n: name_key(n, "commune"))
    table["commune_ascii"] = table["commune_name"].map(lambda n: ascii_key(n, "commune"))
    return table


@lru_cache(maxsize=1)
def _official_codes() -> frozenset[str]:
    return frozenset(official_units()["commune_code"])


def is_official_code(code) -> bool:
    """True when ``code`` (any form: ``1234``, ``"01234"``, ``"1234.0"``) is a 2025 commune code."""
    padded = pad_code(code, 5)
    return padded is not None and padded in _official_codes()


def find_legacy(commune_name=None, province_name=None, district_name=None, legacy_code=None) -> pd.DataFrame:
    """Rows of the legacy register matching a code, or a commune name within a province (and district).

    Names match by :func:`loaders.text.name_key`; names typed without diacritics match without them.
    """
    table = legacy_units()
    if legacy_code is not None:
        return table[table["legacy_code"] == pad_code(legacy_code, 5)]
    if not commune_name:
        return table.iloc[0:0]
    candidates = table
    if province_name:
        candidates = candidates[candidates["province_ascii"] == ascii_key(province_name, "province")]
    if district_name:
        candidates = candidates[candidates["district_ascii"] == ascii_key(district_name, "district")]
    exact = candidates[candidates["commune_key"] == name_key(commune_name, "commune")]
    if len(exact) or strip_diacritics(str(commune_name)) != str(commune_name):
        return exact  # a name written with diacritics must match them: "Chiềng Hoà" is not "Chiềng Hoa"
    return candidates[candidates["commune_ascii"] == ascii_key(commune_name, "commune")]


def map_legacy_to_2025(commune_name=None, province_name=None, district_name=None, legacy_code=None) -> dict | None:
    """Map a pre-2025 commune to the 2025 unit it went into whole.

    Parameters
    ----------
    commune_name, province_name, district_name : str, optional
        The legacy names as a statistics file writes them (with or without type prefix or diacritics).
    legacy_code : str, optional
        The legacy 5-digit commune code.

    Returns
    -------
    dict or None
        ``commune_code``, ``commune_name``, ``province_code``, ``province_name`` of the 2025 unit,
        ``legacy`` (e.g. ``"Xã Đông La, Huyện Hoài Đức, Thành phố Hà Nội"``) and ``legacy_code``; ``None`` when
        the legacy unit is unknown or ambiguous (the same name in two districts and no district given), or was
        divided between several 2025 units (its figures cannot be given to one). The mapping is the one the
        join uses (:func:`loaders.legacy.crosswalk`).
    """
    from loaders.legacy import targets_of

    matches = find_legacy(commune_name, province_name, district_name, legacy_code)
    if len(matches) != 1:
        return None
    row = matches.iloc[0]
    targets = targets_of(row["legacy_code"])
    if len(targets) != 1:
        return None
    unit = official_units().set_index("commune_code").loc[targets[0][0]]
    legacy = f"{row['commune_fullname']}, {row['district_fullname']}, {row['province_fullname']}"
    return {"commune_code": targets[0][0], "commune_name": unit["commune_name"],
            "province_code": unit["province_code"], "province_name": unit["province_name"],
            "legacy": legacy, "legacy_code": row["legacy_code"]}


def check_against_register(units: pd.DataFrame) -> dict:
    """Compare commune units with the 2025 register: how many codes are official, and whose names differ.

    Returns
    -------
    dict
        ``official_codes`` (count), ``not_official`` (count; pre-2025 or made-up codes) and ``name_differs``
        (up to 10 "code: loaded name ≠ register name" lines), for the validation report.
    """
    if "commune_code" not in units:
        return {"official_codes": 0, "not_official": int(len(units)), "name_differs": []}
    register = official_units().set_index("commune_code")["commune_name"]
    codes = units["commune_code"]
    official = codes.isin(register.index)
    differs = []
    if "commune_name" in units:
        for code, name in zip(codes[official], units.loc[official, "commune_name"]):
            if name_key(name, "commune") != name_key(register[code], "commune"):
                differs.append(f"{code}: {name} ≠ {register[code]}")
    return {"official_codes": int(official.sum()), "not_official": int((~official).sum()),
            "name_differs": differs[:10]}
