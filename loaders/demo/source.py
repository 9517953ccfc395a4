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
#: Hạ Long city; the two island communes off Hà Tiên and Kiên Lương into open sea 10-15 km from
#: their islands): replaced by approximate positions of the islands read off public maps.
CENTROID_FIXES = {
    "06967": (107.74, 21.30),   # Xã Cái Chiên (đảo Cái Chiên, off Hải Hà)
    "06757": (107.93, 21.43),   # Xã Vĩnh Thực (đảo Vĩnh Thực, off Móng Cái)
    "30781": (104.30, 10.27),   # Xã Tiên Hải (quần đảo Hải Tặc, ~25 km south-west of Hà Tiên)
    "30811": (104.48, 10.12),   # Xã Sơn Hải (quần đảo Bà Lụa, off Kiên Lương)
}

#: Centroid check against the pre-2025 communes (:func:`correct_centroids`).
CONSENSUS_MIN = 2
CONSENSUS_KM = 25.0
DISAGREE_RADII = 4.0
DISAGREE_MIN_KM = 50.0

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


def correct_centroids(units: pd.DataFrame, legacy_xy: np.ndarray, legacy_row: np.ndarray,
                      xy: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Register centroids that disagree with every pre-2025 commune merged into their unit, replaced.

    A handful of register centroids sit tens of kilometres from the unit (two pairs are swapped,
    e.g. Xã Lương Sơn / Xã Sơn Lương in Phú Thọ). When a mainland unit has at least
    :data:`CONSENSUS_MIN` old communes whose centroids agree (all within :data:`CONSENSUS_KM` of
    their median) and the register centroid is farther than :data:`DISAGREE_RADII` unit radii
    (+5 km), and at least :data:`DISAGREE_MIN_KM`, from all of them, the unit is placed at the old
    centroid nearest that median. Nearer disagreements are left alone: there the old centroids are
    as often the wrong ones (mis-geocoded old communes are common).

    Parameters
    ----------
    units : pandas.DataFrame
        The register table (``area_km2``, ``is_island``, ``commune_code``).
    legacy_xy, legacy_row : numpy.ndarray
        Metric centroids of the pre-2025 communes and the unit row of each.
    xy : numpy.ndarray
        Metric register centroids, shape (N, 2).

    Returns
    -------
    (numpy.ndarray, list of str)
        Corrected centroids and the codes of the units moved.
    """
    out = np.asarray(xy, float).copy()
    radius = np.sqrt(units["area_km2"].to_numpy(float) * 1e6 / np.pi)
    island = units["is_island"].to_numpy(bool)
    moved = []
    order = np.argsort(legacy_row, kind="stable")
    bounds = np.flatnonzero(np.diff(legacy_row[order])) + 1
    for group in np.split(order, bounds):
        i = int(legacy_row[group[0]])
        pts = legacy_xy[group]
        if island[i] or len(pts) < CONSENSUS_MIN:
            continue   # island units' old centroids are often geocoded on the mainland: positions checked by hand
        median = np.median(pts, axis=0)
        spread = np.hypot(*(pts - median).T)
        far = np.hypot(*(pts - out[i]).T).min() > max(DISAGREE_RADII * radius[i] + 5_000, DISAGREE_MIN_KM * 1000)
        if far and spread.max() <= CONSENSUS_KM * 1000:
            out[i] = pts[int(np.argmin(spread))]
            moved.append(str(units["commune_code"].iloc[i]))
    return out, moved


def unit_rng(seed: int, code: str, salt: int = 0) -> np.random.Generator:
    """A generator seeded by the unit's code, so one unit's draws do not depend on the others."""
    return np.random.default_rng([seed, salt, int(code.replace("-", ""))])
