"""Synthetic quarterly statistics per hamlet, 2024-Q1 to 2025-Q4 (SPEC §2, §9).

The model, per hamlet: a population fixed from the commune's area and type and shared among its
hamlets; adoption shares on a logistic scale with a commune effect, a hamlet effect, lower starting
points in mountainous, island and remote (khu vực III) places, and a steady rise each quarter; teams
founded in a given quarter and kept, fewer in mountainous and island hamlets. The published figures
(:mod:`.published`) are then imposed on the latest period. A few communes did not report some
columns in some quarters: all their hamlets are missing (NaN, never 0), so commune sums stay exact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.schema import COUNT_COLUMNS

from . import published as pub
from .source import NO_DATA_COMMUNES

PERIODS = tuple(f"{year}-Q{q}" for year in (2024, 2025) for q in (1, 2, 3, 4))
QUARTERLY_GROWTH = 0.0025
MAX_TEAMS = 3
#: Fixed populations (2025) of the đặc khu, from public figures rounded; Hoàng Sa has none.
SPECIAL_POPULATION = {
    "31078": 160_000, "06994": 50_000, "11914": 38_000, "26732": 10_500, "21548": 22_000,
    "23272": 30_000, "07192": 6_500, "31108": 21_000, "11948": 900, "19742": 400, "31105": 2_000,
    "22736": 250,
}
#: (column, share of communes, quarters affected) that go unreported.
MISSING = (
    ("smartphone_users", 0.01, (0,)),
    ("vneid_level2", 0.02, (0, 1)),
    ("digital_skills", 0.04, (0, 1, 2, 3)),
    ("online_dossiers", 0.02, tuple(range(len(PERIODS)))),
)


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def commune_population(communes: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Population of each commune in the latest period.

    The pattern inside a province comes from registered area, type and terrain (a density guess);
    the level from the province's published population (:data:`.published.PROVINCE_POPULATION_M`),
    net of the đặc khu whose populations are fixed.
    """
    urban = (communes["commune_type"] == "Phường").to_numpy()
    mountain = communes["is_mountainous"].to_numpy(bool)
    big_city = communes["province_code"].isin(["01", "79"]).to_numpy()
    median = np.where(urban, np.where(big_city, 20_000, 3_500), np.where(mountain, 45, 650))
    density = median * np.exp(rng.normal(0, 0.45, len(communes)))
    weight = np.clip(density * communes["area_km2"].to_numpy(), 2_500, 200_000)
    special = communes["commune_code"].map(SPECIAL_POPULATION).to_numpy(dtype=float, copy=True)
    special[communes["commune_code"].isin(NO_DATA_COMMUNES).to_numpy()] = 0.0   # uninhabited
    pop = np.where(np.isnan(special), 0, special).astype(np.int64)
    for code, idx in communes.groupby("province_code", sort=True).indices.items():
        free = idx[np.isnan(special[idx])]
        total = round(pub.PROVINCE_POPULATION_M[code] * 1e6) - int(pop[idx].sum())
        pop[free] = pub.allocate(total, weight[free])
    return pop


def build_statistics(communes: pd.DataFrame, hamlets: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Hamlet statistics for every period, sorted by hamlet_id then period.

    Parameters
    ----------
    communes : pandas.DataFrame
        Commune rows (codes, type, area, area classes).
    hamlets : pandas.DataFrame
        Hamlet rows with ``commune_code``, ``province_code``, ``hamlet_id``, ``hamlet_name`` (and the
        commune's type and area classes, joined from ``communes`` when absent).
    seed : int
        Demo seed.
    """
    rng = np.random.default_rng([seed, 11])
    c = communes.set_index("commune_code")
    needed = [col for col in ("commune_type", "is_mountainous", "is_island", "ethnic_region") if col not in hamlets]
    h = hamlets.join(c[needed], on="commune_code").reset_index(drop=True)
    pop = _hamlet_population(h, pd.Series(commune_population(communes, rng), index=c.index), rng)
    final = _final_state(h, pop, rng)
    frames = [_period_frame(h, final, t, rng) for t in range(len(PERIODS))]
    stats = pd.concat(frames, ignore_index=True)
    stats = stats.sort_values(["hamlet_id", "period"], kind="mergesort").reset_index(drop=True)
    stats = _apply_missing(stats, communes, rng)
    return stats


def _hamlet_population(h: pd.DataFrame, commune_pop: pd.Series, rng) -> np.ndarray:
    weight = rng.gamma(4.0, 1.0, len(h))
    pop = np.zeros(len(h), dtype=np.int64)
    for code, idx in h.groupby("commune_code", sort=True).indices.items():
        pop[idx] = pub.allocate(int(commune_pop[code]), weight[idx])
    bac_an_binh = (h["commune_code"] == pub.LY_SON_CODE) & (h["hamlet_name"] == pub.BAC_AN_BINH["hamlet_name"])
    if bac_an_binh.any():  # keep Lý Sơn's total; Bắc An Bình is small
        i = np.flatnonzero(bac_an_binh)[0]
        others = np.flatnonzero((h["commune_code"] == pub.LY_SON_CODE).to_numpy() & ~bac_an_binh.to_numpy())
        total = int(pop[others].sum() + pop[i]) - pub.BAC_AN_BINH["population"]
        pop[others] = pub.allocate(total, weight[others])
        pop[i] = pub.BAC_AN_BINH["population"]
    return pop


def _final_state(h: pd.DataFrame, pop: np.ndarray, rng) -> dict:
    """Everything fixed per hamlet: shares' base, teams in the latest period and their start."""
    n = len(h)
    urban = (h["commune_type"] == "Phường").to_numpy()
    mountain = h["is_mountainous"].to_numpy(bool)
    island = h["is_island"].to_numpy(bool)
    remote = (h["ethnic_region"] == "III").to_numpy()
    codes = h["commune_code"].to_numpy(dtype=object)
    _, commune_idx = np.unique(codes, return_inverse=True)
    commune_effect = rng.normal(0, 0.35, commune_idx.max() + 1)[commune_idx]
    level = 1.1 + 0.6 * urban - 1.0 * mountain - 0.6 * island - 0.5 * remote + commune_effect
    level = level + rng.normal(0, 0.25, n)
    level = level + 2.5 * np.isin(codes, list(pub.SMARTPHONE_FLOORS))   # Vân Khánh leads its province
    propensity = 2.3 + 0.5 * urban - 1.1 * mountain - 0.8 * island - 0.5 * remote + commune_effect
    propensity = propensity + rng.normal(0, 0.6, n)
    teams = (rng.random(n) < _logistic(propensity)).astype(np.int64)
    teams += ((pop > 3_000) & (rng.random(n) < 0.4) & (teams > 0)).astype(np.int64)
    members = teams * 3 + rng.poisson(2.6 * teams)
    teams, members = _impose_published(h, teams, members, propensity, pop)
    starts = np.sort(rng.choice(len(PERIODS), size=(n, MAX_TEAMS), p=_start_weights()), axis=1)
    households_size = np.where(urban, 3.3, np.where(mountain, 4.4, 3.7)) * rng.uniform(0.92, 1.08, n)
    share15 = np.where(urban, 0.79, np.where(mountain, 0.68, 0.76)) + rng.normal(0, 0.015, n)
    return {"pop": pop, "level": level, "teams": teams, "members": members, "starts": starts,
            "hh_size": households_size, "share15": share15, "no_data": np.isin(codes, NO_DATA_COMMUNES)}


def _start_weights() -> np.ndarray:
    # Most teams were founded before 2024 (the movement began in 2021); the rest trickle in.
    w = np.array([6.0, 1.2, 1.0, 0.9, 0.8, 0.6, 0.5, 0.4])
    return w / w.sum()


def _impose_published(h, teams, members, propensity, pop):
    codes = h["commune_code"].to_numpy(dtype=object)
    provinces = h["province_code"].to_numpy(dtype=object)
    fixed = np.zeros(len(h), dtype=bool)
    for code, target in pub.COMMUNE_TEAM_TARGETS.items():
        idx = np.flatnonzero(codes == code)
        teams[idx] = pub.fit_total(teams[idx], propensity[idx], target)
        members[idx] = teams[idx] * 3 + np.random.default_rng(int(code)).poisson(2.6 * teams[idx])
        fixed[idx] = True
    for code, (target_teams, target_members) in pub.PROVINCE_TARGETS.items():
        idx = np.flatnonzero(provinces == code)
        free = idx[~fixed[idx]]
        teams[free] = pub.fit_total(teams[free], propensity[free], target_teams - int(teams[idx[fixed[idx]]].sum()))
        if target_members is None:
            members[idx] = teams[idx] * 3 + np.random.default_rng(int(code)).poisson(2.6 * teams[idx])
        else:
            weight = teams[idx] * (1.0 + np.sqrt(pop[idx]) / 60.0)
            members[idx] = pub.fit_members(teams[idx], weight, target_members)
    return teams, members


def _period_frame(h: pd.DataFrame, f: dict, t: int, rng) -> pd.DataFrame:
    n = len(h)
    grow = (1 - QUARTERLY_GROWTH) ** (len(PERIODS) - 1 - t)
    pop = np.round(f["pop"] * grow).astype(np.int64)
    special = (h["commune_code"] == pub.LY_SON_CODE) & (h["hamlet_name"] == pub.BAC_AN_BINH["hamlet_name"])
    pop[special.to_numpy()] = pub.BAC_AN_BINH["population"]
    households = np.round(pop / f["hh_size"]).astype(np.int64)
    households[special.to_numpy()] = pub.BAC_AN_BINH["households"]
    pop15 = np.round(pop * f["share15"]).astype(np.int64)
    slot = np.arange(MAX_TEAMS)[None, :] < f["teams"][:, None]
    active = (slot & (f["starts"] <= t)).sum(axis=1)
    final_teams = np.maximum(f["teams"], 1)
    ramp = 0.85 + 0.15 * t / (len(PERIODS) - 1)
    members = np.where(t == len(PERIODS) - 1, f["members"],
                       np.maximum(np.round(f["members"] * active / final_teams * ramp), 3 * active))

    def count(offset, slope, base=pop15):
        share = _logistic(f["level"] + offset + slope * t + rng.normal(0, 0.05, n))
        return np.round(share * base).astype(np.int64)

    dossiers = rng.poisson(pop * 0.012)
    frame = pd.DataFrame({
        "hamlet_id": h["hamlet_id"].to_numpy(), "commune_code": h["commune_code"].to_numpy(),
        "province_code": h["province_code"].to_numpy(), "period": PERIODS[t],
        "teams": active, "team_members": members.astype(np.int64),
        "hamlets": np.ones(n, dtype=np.int64), "hamlets_with_team": (active > 0).astype(np.int64),
        "households_visited": np.minimum(households, np.round(members * rng.uniform(4, 10, n))).astype(np.int64),
        "people_trained": np.round(active * rng.uniform(8, 25, n)).astype(np.int64),
        "population": pop, "population_15plus": pop15, "households": households,
        "smartphone_users": _smartphones(h, count(0.0, 0.09), pop15, t),
        "vneid_level2": count(-0.3, 0.16), "cashless_users": count(-0.6, 0.11),
        "online_dossiers": count(-0.8, 0.15, base=dossiers), "total_dossiers": dossiers,
        "digital_skills": count(-1.3, 0.12),
    })
    frame.loc[f["no_data"], list(COUNT_COLUMNS)] = np.nan
    return frame


def _smartphones(h: pd.DataFrame, users: np.ndarray, pop15: np.ndarray, t: int) -> np.ndarray:
    """Hold the published smartphone shares (Vân Khánh > 90 %) in the latest period."""
    if PERIODS[t] != pub.LATEST_PERIOD:
        return users
    for code, floor in pub.SMARTPHONE_FLOORS.items():
        idx = (h["commune_code"] == code).to_numpy()
        users[idx] = np.maximum(users[idx], np.ceil((floor + 0.01) * pop15[idx])).astype(np.int64)
    return users


def _apply_missing(stats: pd.DataFrame, communes: pd.DataFrame, rng) -> pd.DataFrame:
    stats = stats.astype({col: "Int64" for col in COUNT_COLUMNS})
    codes = communes["commune_code"].to_numpy(dtype=object)
    protected = set(pub.SMARTPHONE_FLOORS) | set(pub.COMMUNE_TEAM_TARGETS)
    for column, share, quarters in MISSING:
        for t in quarters:
            chosen = [c for c in codes[rng.random(len(codes)) < share] if c not in protected]
            rows = stats["commune_code"].isin(chosen) & (stats["period"] == PERIODS[t])
            cols = [column, "total_dossiers"] if column == "online_dossiers" else [column]
            stats.loc[rows, cols] = pd.NA
    return stats
