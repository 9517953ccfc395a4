"""Places named by people ("Sơn La", "son la", "14", "Xã Vân Khánh") turned into the codes a view holds.

The matching itself (diacritics, unit types, old province names, suggestions) is :func:`loaders.places.resolve_place`;
here it is applied to the data source of the view.
"""

from __future__ import annotations

from dataclasses import replace

from analysis.view import ViewSpec
from loaders.places import resolve_place as find_code


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
        No such province or commune, or a name that fits several (the message lists the closest names).
    """
    changes = {}
    if province:
        changes["province"] = find_code(province, _province_table(source), "province")
    if commune:
        level = "commune" if source.has_level("commune") else source.levels()[0]
        communes = source.units(level, changes.get("province") or spec.province)
        code = find_code(commune, communes, "commune")
        changes["commune"] = code
        if not (changes.get("province") or spec.province):
            row = communes[communes["commune_code"].astype(str) == code]
            changes["province"] = str(row["province_code"].iloc[0])
    return replace(spec, **changes)
