"""Places named by people ("Sơn La", "son la", "14", "Xã Vân Khánh") turned into the codes a view holds."""

from __future__ import annotations

from dataclasses import replace

from analysis.view import ViewSpec, resolve_unit
from loaders.errors import LoaderError


def _province_table(source):
    level = "province" if source.has_level("province") else source.levels()[0]
    units = source.units(level)
    return units.drop_duplicates("province_code")[["province_code", "province_name"]]


def resolve_place(source, spec: ViewSpec, province: str | None, commune: str | None) -> ViewSpec:
    """``spec`` with ``province`` and ``commune`` (names or codes) as codes; the commune's province when only the
    commune is given.

    Raises
    ------
    LoaderError
        No such province or commune (the message names what was asked).
    """
    changes = {}
    if province:
        code = resolve_unit(_province_table(source), "province", province)
        if code is None:
            raise LoaderError("place.unknown_province", None, name=province)
        changes["province"] = code
    if commune:
        level = "commune" if source.has_level("commune") else source.levels()[0]
        communes = source.units(level, changes.get("province") or spec.province)
        code = resolve_unit(communes.drop_duplicates("commune_code"), "commune", commune)
        if code is None:
            raise LoaderError("place.unknown_commune", None, name=commune)
        changes["commune"] = code
        if not (changes.get("province") or spec.province):
            row = communes[communes["commune_code"].astype(str) == code]
            changes["province"] = str(row["province_code"].iloc[0])
    return replace(spec, **changes)
