"""Canonical column names (SPEC §2). Every loader produces these; everything above reads them.

Units are GeoDataFrames in EPSG:4326, one per level. Statistics are DataFrames with one row
per unit and ``period``. The key of a unit at each level is given by :data:`KEY_COLUMN`.
"""

from __future__ import annotations

CRS = "EPSG:4326"

LEVELS = ("province", "commune", "hamlet")
LEGACY_LEVELS = ("district",)

#: The column that identifies a unit at each level (unique within a dataset).
KEY_COLUMN = {
    "province": "province_code",
    "district": "district_code",
    "commune": "commune_code",
    "hamlet": "hamlet_id",
}
#: The column holding a unit's display name at each level.
NAME_COLUMN = {
    "province": "province_name",
    "district": "district_name",
    "commune": "commune_name",
    "hamlet": "hamlet_name",
}
#: Zero-padded width of official codes.
CODE_WIDTH = {"province_code": 2, "district_code": 3, "commune_code": 5}

AREA_CLASS_COLUMNS = (
    "is_mountainous",
    "is_island",
    "is_border",
    "ethnic_region",          # "I" / "II" / "III" / ""
    "is_extremely_difficult",
)
BOOLEAN_AREA_CLASSES = tuple(c for c in AREA_CLASS_COLUMNS if c.startswith("is_"))

UNIT_COLUMNS = {
    "province": ("level", "province_code", "province_name"),
    "commune": (
        "level", "province_code", "province_name", "commune_code", "commune_name", "commune_type",
    ),
    "hamlet": (
        "level", "province_code", "province_name", "commune_code", "commune_name", "commune_type",
        "hamlet_id", "hamlet_name", "hamlet_type",
    ),
}
OPTIONAL_UNIT_COLUMNS = ("district_code", "district_name", "area_km2")
GEOMETRY_SOURCE = "geometry_source"

TEAM_COUNTS = (
    "teams", "team_members", "hamlets", "hamlets_with_team", "households_visited", "people_trained",
)
POPULATION_COUNTS = ("population", "population_15plus", "households")
ADOPTION_COUNTS = (
    "smartphone_users", "vneid_level2", "cashless_users", "online_dossiers", "total_dossiers",
    "digital_skills",
)
#: Every count a statistics file may carry. Sums aggregate them to higher levels.
COUNT_COLUMNS = TEAM_COUNTS + POPULATION_COUNTS + ADOPTION_COUNTS

#: Shares (0-100 %) a statistics file may give instead of counts; named like the indicator.
SHARE_COLUMNS = (
    "smartphone_share", "vneid_share", "cashless_share", "online_service_share",
    "digital_skills_share", "team_presence",
)

PERIOD = "period"  # "YYYY", "YYYY-Qn" or "YYYY-MM"
PERIOD_PATTERN = r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"

#: Each share and the counts it is made of (numerator, denominator): shares of several units are recomputed
#: from summed parts, never averaged.
SHARE_PARTS = {
    "smartphone_share": ("smartphone_users", "population_15plus"),
    "vneid_share": ("vneid_level2", "population_15plus"),
    "cashless_share": ("cashless_users", "population_15plus"),
    "digital_skills_share": ("digital_skills", "population_15plus"),
    "online_service_share": ("online_dossiers", "total_dossiers"),
    "team_presence": ("hamlets_with_team", "hamlets"),
}
