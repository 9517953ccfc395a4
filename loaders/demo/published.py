"""Published figures the demo statistics reproduce in the latest period (SPEC §9).

Sources: provincial press reports of 2024-2025 on the Tổ công nghệ số cộng đồng movement, quoted in
the issue. Units are matched by 2025 code (checked against the register by name).
"""

from __future__ import annotations

import numpy as np

LATEST_PERIOD = "2025-Q4"

#: province_code -> (teams, team_members or None); "~8,000" members for An Giang is taken as 8,000.
PROVINCE_TARGETS = {
    "14": (1459, 8966),   # Tỉnh Sơn La
    "91": (1035, 8000),   # Tỉnh An Giang
    "51": (1141, None),   # Tỉnh Quảng Ngãi
}
#: commune_code -> teams
COMMUNE_TEAM_TARGETS = {
    "31027": 26,          # Xã U Minh Thượng (An Giang)
    "31018": 18,          # Xã An Minh (An Giang)
}
#: commune_code -> smartphone_users / population_15plus at least this share
SMARTPHONE_FLOORS = {"31042": 0.90}   # Xã Vân Khánh (An Giang): "over 90 %"
#: Lý Sơn has no commune below the đặc khu; Bắc An Bình (on Đảo Bé) is one of its hamlets here.
LY_SON_CODE = "21548"
BAC_AN_BINH = {"hamlet_name": "Thôn Bắc An Bình", "households": 150, "population": 550}


#: Approximate population of the 34 provinces (millions, rounded; GSO 2024 figures summed over the
#: provinces merged in 2025, as reported at the merger). Commune populations share these out.
PROVINCE_POPULATION_M = {
    "01": 8.72, "04": 0.54, "08": 1.70, "11": 0.63, "12": 0.47, "14": 1.30, "15": 1.62, "19": 1.66,
    "20": 0.80, "22": 1.38, "24": 3.44, "25": 3.60, "31": 4.05, "33": 3.18, "37": 3.78, "38": 3.76,
    "40": 3.47, "42": 1.34, "44": 1.58, "46": 1.16, "48": 2.77, "51": 1.83, "52": 3.10, "56": 1.86,
    "66": 2.80, "68": 3.25, "75": 4.33, "79": 13.50, "80": 2.93, "82": 3.39, "86": 3.35, "91": 3.65,
    "92": 3.18, "96": 2.12,
}


def fit_total(teams: np.ndarray, propensity: np.ndarray, target: int) -> np.ndarray:
    """Change hamlet team counts by the fewest steps so they sum to ``target``.

    Adding: hamlets without a team first (most likely to have one first), then a second team in the
    most likely hamlets. Removing: second teams first, then the least likely hamlets lose theirs.
    Deterministic: ties are broken by position.
    """
    teams = teams.copy()
    order = np.argsort(-propensity, kind="stable")
    while teams.sum() < target:
        empty = order[teams[order] == 0]
        pick = empty[: target - teams.sum()] if len(empty) else order[: target - teams.sum()]
        teams[pick] += 1
    while teams.sum() > target:
        multi = order[::-1][teams[order[::-1]] >= 2]
        single = order[::-1][teams[order[::-1]] == 1]
        pick = (multi if len(multi) else single)[: teams.sum() - target]
        teams[pick] -= 1
    return teams


def fit_members(teams: np.ndarray, weight: np.ndarray, target: int, minimum: int = 3) -> np.ndarray:
    """Members per hamlet summing to ``target``: ``minimum`` per team, the rest by weight (largest remainder)."""
    base = minimum * teams
    rest = target - int(base.sum())
    if rest < 0:
        raise ValueError("target below the minimum members per team")
    return base + allocate(rest, weight * (teams > 0))


def allocate(total: int, weight: np.ndarray) -> np.ndarray:
    """Split an integer ``total`` in proportion to ``weight`` (largest remainder, stable ties)."""
    weight = np.asarray(weight, float)
    if total == 0 or weight.sum() <= 0:
        return np.zeros(len(weight), dtype=np.int64)
    exact = total * weight / weight.sum()
    out = np.floor(exact).astype(np.int64)
    short = total - int(out.sum())
    out[np.argsort(-(exact - out), kind="stable")[:short]] += 1
    return out
