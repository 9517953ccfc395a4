"""Find a unit by name, typed with or without diacritics ("van khanh" finds "Xã Vân Khánh"), at any level.

:func:`unit_index` lists every province, commune and hamlet of a source once (cache it per source key);
:func:`search_units` ranks the matches: a name equal to the words typed first, then names whose words start with
them, coarse levels before fine ones, then by name.
"""

from __future__ import annotations

import re

import pandas as pd

from loaders.schema import KEY_COLUMN, NAME_COLUMN
from loaders.text import strip_diacritics

LEVEL_ORDER = {"province": 0, "commune": 1, "hamlet": 2}
INDEX_COLUMNS = ("level", "code", "name", "province_code", "province_name", "commune_code", "commune_name",
                 "folded")
_SPACES = re.compile(r"[^0-9a-z]+")
#: Unit-type words a user may leave out ("van khanh" for "Xã Vân Khánh").
_PREFIXES = re.compile(r"^(tinh|thanh pho|tp|xa|phuong|thi tran|dac khu|thon|ban|ap|to dan pho|tdp|khom|"
                       r"buon|lang|soc|xom|khu pho|to)\s+")


def fold(text) -> str:
    """Lower-case ASCII words separated by single spaces: the form names and queries are compared in."""
    return _SPACES.sub(" ", strip_diacritics(str(text)).lower()).strip()


def unit_index(source) -> pd.DataFrame:
    """Every unit of the source, one row each: level, code, name, its province and commune, folded name."""
    frames = []
    for level in ("province", "commune", "hamlet"):
        if level == "province" and not source.has_level("province") and not source.has_level("commune"):
            continue
        if level != "province" and not source.has_level(level):
            continue
        units = source.units(level)
        frame = pd.DataFrame({"level": level, "code": units[KEY_COLUMN[level]].astype(str).to_numpy(),
                              "name": units[NAME_COLUMN[level]].astype(str).to_numpy()})
        for column in ("province_code", "province_name", "commune_code", "commune_name"):
            frame[column] = units[column].astype(str).to_numpy() if column in units.columns else ""
        frames.append(frame.drop_duplicates(["level", "code"]))
    if not frames:
        return pd.DataFrame(columns=list(INDEX_COLUMNS))
    index = pd.concat(frames, ignore_index=True)
    if "commune" in set(index["level"]):  # hamlets name their province by code only: take its name
        provinces = index[index["level"] == "province"].set_index("code")["name"]
        missing = index["province_name"].isin(("", "nan"))
        index.loc[missing, "province_name"] = index.loc[missing, "province_code"].map(provinces).fillna("")
    index["folded"] = index["name"].map(fold)
    return index


def _pattern(query: str) -> str:
    """Each word starts a word of the name, in order, other words allowed in between."""
    return r"\b" + r"\s+(?:\S+\s+)*?".join(map(re.escape, query.split()))


def search_units(index: pd.DataFrame, text: str, limit: int = 12) -> pd.DataFrame:
    """The units whose name matches ``text``, best first (at most ``limit``).

    Every word typed must start a word of the name, in order ("van kh" finds "Vân Khánh"; "khanh van" does
    not); the unit type ("xã", "thôn") may be typed or left out.

    Parameters
    ----------
    index : DataFrame
        From :func:`unit_index`.
    text : str
        What the user typed.
    limit : int
        Most rows returned.
    """
    query = fold(text)
    if not query or index.empty:
        return index.iloc[0:0]
    bare = _PREFIXES.sub("", query)
    found = index[index["folded"].str.contains(_pattern(query), regex=True)]
    if found.empty and bare != query:  # "xa van khanh" for a unit named without its type word
        found = index[index["folded"].str.contains(_pattern(bare), regex=True)]
    if found.empty:
        return found
    name_only = found["folded"].map(lambda name: _PREFIXES.sub("", name))
    # False sorts first: the name as typed, then without its type word, then names starting with the words.
    rank = pd.DataFrame({
        "typed": found["folded"] != query, "exact": name_only != bare,
        "typed_start": ~found["folded"].str.startswith(query), "start": ~name_only.str.startswith(bare),
        "level": found["level"].map(LEVEL_ORDER), "name": found["folded"],
    }, index=found.index)
    order = rank.sort_values(list(rank.columns), kind="stable").index
    return found.loc[order].head(limit).reset_index(drop=True)
