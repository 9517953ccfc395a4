"""The commune (and so the province) of each hamlet, from what a hamlet file says about it (SPEC §2, issue 11).

Hamlets have no national code and files of hamlets rarely have a province column: a hamlet belongs to its
commune, and the commune to its province. Communes are resolved like statistics rows
(:class:`loaders.join_resolve.Resolver`): a code is trusted when its name agrees, names are matched within the
province, pre-2025 communes are mapped to the 2025 commune they became. They are resolved against the commune
shapes of the data in use when given, else against the 2025 register, and canonical hamlets then carry the
commune's code, names and province (a file without a province column no longer breaks exports by province).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from i18n import Message, Term
from loaders.join_index import UnitIndex, is_plain, text_of
from loaders.join_resolve import AMBIGUOUS, DIRECT, MAPPED, SPLIT, Resolver, decide_eras, units_era

UNIT_COLUMNS = ("province_code", "province_name", "commune_code", "commune_name", "commune_type")


@dataclass
class CommuneOf:
    """What a hamlet row says about its commune: ``codes`` (one when resolved; the parts of a divided pre-2025
    commune; the communes of that name when ``kind`` is "ambiguous"), or why none (``kind``: "none" when the
    row names no commune, "unmatched")."""

    codes: list = field(default_factory=list)
    kind: str = "none"
    candidates: list = field(default_factory=list)
    suggestion: str = ""


def commune_table(communes=None) -> pd.DataFrame:
    """Communes to resolve against: the given shapes' attributes, else the 2025 register."""
    from loaders.register import official_units

    if communes is None:
        return official_units()
    if not isinstance(communes, pd.DataFrame):
        communes = gpd.read_parquet(communes)
    keep = [c for c in (*UNIT_COLUMNS, "district_name") if c in communes.columns]
    return pd.DataFrame(communes[keep]).drop_duplicates("commune_code").reset_index(drop=True)


def resolve_communes(records: list[dict], units: pd.DataFrame) -> list[CommuneOf]:
    """The commune of each record (see :class:`CommuneOf`)."""
    index = UnitIndex(units, "commune")
    names = [r.get("commune_name") for r in records if text_of(r.get("commune_name"))]
    eras = decide_eras(records, units_era(index))
    resolver = Resolver(index, eras, bool(names) and all(is_plain(n) for n in names))
    found = []
    for i, record in enumerate(records):
        if not text_of(record.get("commune_code")) and not text_of(record.get("commune_name")):
            found.append(CommuneOf())
            continue
        resolution = resolver.resolve(record, eras.rows[i])
        if resolution.kind in (DIRECT, MAPPED):
            found.append(CommuneOf([index.units.at[resolution.position, "commune_code"]], "resolved"))
        elif resolution.kind == SPLIT:
            found.append(CommuneOf([t for t in resolution.targets if t in index.keys], "divided"))
        elif resolution.kind == AMBIGUOUS:  # the same name in several provinces: a position may tell which
            codes = _same_name(index, resolver, record)
            found.append(CommuneOf(codes, "ambiguous", resolution.candidates, resolution.suggestion))
        else:
            found.append(CommuneOf([], "unmatched", resolution.candidates, resolution.suggestion))
    return found


def _same_name(index: UnitIndex, resolver: Resolver, record: dict) -> list[str]:
    name = text_of(record.get("commune_name"))
    if not name:
        return []
    unit_type = text_of(record.get("commune_type")) or None
    positions, _ = index.by_names(name, resolver.provinces.scopes(record), text_of(record.get("district_name")) or None,
                                  unit_type, resolver.typed_plain)
    return [index.units.at[p, "commune_code"] for p in positions]


def attach_communes(units: gpd.GeoDataFrame, communes, problems: list) -> gpd.GeoDataFrame:
    """Hamlet units with their commune's code, names and province filled in where the file left them out.

    Rows whose commune cannot be told are kept as they are and counted in ``problems``.
    """
    missing = [c for c in UNIT_COLUMNS if c not in units.columns or units[c].isna().any()]
    if not missing:
        return units
    table = commune_table(communes)
    found = resolve_communes(units.to_dict("records"), table)
    by_code = table.set_index("commune_code", drop=False)
    units = units.copy()
    for column in UNIT_COLUMNS:
        if column not in units.columns:
            units[column] = None
        units[column] = units[column].astype(object)
    unknown = 0
    for position, commune in enumerate(found):
        if len(commune.codes) != 1:
            unknown += 1
            continue
        unit = by_code.loc[commune.codes[0]]
        for column in UNIT_COLUMNS:  # code and province from the commune; names as the file wrote them
            keep = column in ("commune_name", "commune_type") and not pd.isna(units.at[units.index[position], column])
            if column in by_code.columns and not keep:
                units.at[units.index[position], column] = unit[column]
    filled = len(found) - unknown
    if filled:
        problems.append(Message("hamlets.communes_attached", {
            "n": filled, "columns": [Term(f"columns.{c}") for c in missing]}))
    if unknown:
        problems.append(Message("hamlets.communes_unknown", {"n": unknown}))
    return units
