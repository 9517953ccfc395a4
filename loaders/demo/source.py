"""The official 2025 register (vietnamadminunits, MIT) as the demo's input table."""

from __future__ import annotations

import json
import unicodedata
from importlib import resources

import numpy as np
import pandas as pd

#: Island units that are not đặc khu: Cù Lao Chàm (Tân Hiệp, Đà Nẵng), Cù Lao Xanh (Nhơn Châu),
#: Hải Tặc (Tiên Hải), Hòn Nghệ, Sơn Hải, Cái Chiên and the xã đảo Thạnh An (Cần Giờ). Checked by name
#: against the register; codes are the 2025 ones.
ISLAND_COMMUNES = ("20434", "21607", "30781", "30811", "30814", "06967", "06757", "27676")

#: Island units drawn as part of the mainland: Thạnh An lies among the Cần Giờ river mouths, too close
#: to the mainland centroids for a separate island of its 131 km² to fit. It keeps ``is_island``.
ISLAND_DRAWN_AS_MAINLAND = ("27676",)

#: Register centroids that are plainly wrong (both island communes of Quảng Ninh were geocoded onto
#: Hạ Long city): replaced by approximate positions of the islands read off public maps.
CENTROID_FIXES = {
    "06967": (107.74, 21.30),   # Xã Cái Chiên (đảo Cái Chiên, off Hải Hà)
    "06757": (107.93, 21.43),   # Xã Vĩnh Thực (đảo Vĩnh Thực, off Móng Cái)
}

#: Hoàng Sa has no resident population under Vietnamese administration: its statistics are "no data".
NO_DATA_COMMUNES = ("20333",)


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def load_register() -> pd.DataFrame:
    """Read the 3,321 units of the 2025 register with canonical column names.

    Returns
    -------
    pandas.DataFrame
        One row per commune-level unit sorted by ``commune_code``, with ``province_code``,
        ``province_name``, ``commune_code``, ``commune_name``, ``commune_type``, ``lon``, ``lat``,
        ``area_km2`` (registered area; missing or zero areas filled with the province median and
        flagged in ``area_estimated``), ``is_island`` and ``island_shape`` (drawn as a separate island).
    """
    from vietnamadminunits.database import query

    raw = pd.DataFrame(query("select * from admin_units"))
    units = pd.DataFrame({
        "province_code": raw["provinceCode"].astype(str).str.zfill(2),
        "province_name": raw["province"].map(_nfc),
        "commune_code": raw["wardCode"].astype(str).str.zfill(5),
        "commune_name": raw["ward"].map(_nfc),
        "commune_short": raw["wardShort"].map(_nfc),
        "commune_type": raw["wardType"].map(_nfc),
        "lon": raw["wardLon"].astype(float),
        "lat": raw["wardLat"].astype(float),
        "area_km2": pd.to_numeric(raw["wardAreaKm2"], errors="coerce"),
    })
    units = units.sort_values("commune_code", kind="mergesort").reset_index(drop=True)
    for code, (lon, lat) in CENTROID_FIXES.items():
        units.loc[units["commune_code"] == code, ["lon", "lat"]] = (lon, lat)
    # Two units have no area and two have 0: the province median keeps their cells plausible.
    bad = ~(units["area_km2"] > 0)
    median = units.loc[~bad].groupby("province_code")["area_km2"].median()
    units["area_estimated"] = bad
    units.loc[bad, "area_km2"] = units.loc[bad, "province_code"].map(median)
    units["is_island"] = (units["commune_type"] == "Đặc khu") | units["commune_code"].isin(ISLAND_COMMUNES)
    units["island_shape"] = units["is_island"] & ~units["commune_code"].isin(ISLAND_DRAWN_AS_MAINLAND)
    return units


def load_legacy_points(units: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Centroids of the pre-2025 communes and the 2025 unit each was merged into.

    The official converter table shipped with ``vietnamadminunits`` lists, for every 2025 unit, the
    old communes merged into it; an old commune split between several new units goes to the one the
    table marks as default. These extra points let a 2025 unit's shape follow its old communes.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lon/lat of shape (M, 2), and the row of ``units`` each point belongs to.
    """
    from vietnamadminunits.database import query

    path = resources.files("vietnamadminunits") / "data" / "converter_2025.json"
    table = json.loads(path.read_text(encoding="utf-8"))
    new = pd.DataFrame(query("select provinceKey, wardKey, wardCode from admin_units"))
    row_of = dict(zip(units["commune_code"], range(len(units))))
    row_by_key = {(p, w): row_of[str(c).zfill(5)] for p, w, c in zip(new["provinceKey"], new["wardKey"], new["wardCode"])}
    target = {}
    for province_key, wards in table["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, options in wards.items():
            default = [o["newWardKey"] for o in options if o["isDefaultNewWard"]] or [options[0]["newWardKey"]]
            target[old] = (province_key, default[0])
    for province_key, wards in table["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, olds in wards.items():
            target.update({old: (province_key, ward_key) for old in olds})
    legacy = pd.DataFrame(query("select provinceKey, districtKey, wardKey, wardLon, wardLat from admin_units_legacy"))
    legacy["old"] = legacy["provinceKey"] + "_" + legacy["districtKey"] + "_" + legacy["wardKey"]
    legacy["row"] = legacy["old"].map(lambda key: row_by_key.get(target.get(key)))
    legacy = legacy.dropna(subset=["row", "wardLon", "wardLat"]).sort_values("old", kind="mergesort")
    return legacy[["wardLon", "wardLat"]].to_numpy(float), legacy["row"].to_numpy(np.int64)


def unit_rng(seed: int, code: str, salt: int = 0) -> np.random.Generator:
    """A generator seeded by the unit's code, so one unit's draws do not depend on the others."""
    return np.random.default_rng([seed, salt, int(code.replace("-", ""))])
