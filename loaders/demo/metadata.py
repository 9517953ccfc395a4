"""``metadata.json`` of the demo dataset: sources, licences, method and the demo notice."""

from __future__ import annotations

from importlib.metadata import version

from . import area_classes, geometry, land, published, source

#: Libraries whose versions shape the bytes written (writer metadata, compression, numerics).
GENERATOR_LIBRARIES = ("numpy", "pandas", "pyarrow", "geopandas", "shapely", "pyproj", "vietnamadminunits")


def generator_versions() -> dict:
    """Versions of the libraries that produced the files: same versions, same bytes."""
    return {name: version(name) for name in GENERATOR_LIBRARIES}

NOTICE_VI = "Dữ liệu minh họa"
NOTICE_EN = "Demo data"


def build_metadata(summary: dict, periods: list[str]) -> dict:
    """The metadata dictionary (no timestamps: the file must not change between identical builds)."""
    return {
        "demo": True,
        "notice": NOTICE_VI.lower(),
        "notice_vi": f"{NOTICE_VI}: ranh giới gần đúng, thôn và số liệu tổng hợp, không phải số liệu chính thức.",
        "notice_en": f"{NOTICE_EN}: approximate boundaries, synthetic hamlets and statistics, not official figures.",
        "title": "coverage-map: dữ liệu minh họa Tổ công nghệ số cộng đồng",
        "crs": "EPSG:4326",
        "periods": periods,
        "latest_period": periods[-1],
        "counts": {k: summary[k] for k in ("provinces", "communes", "hamlets")},
        "median_area_ratio": summary["median_area_ratio"],
        "median_area_ratio_note": "median over communes of (approximate cell area / registered area)",
        "land_km2": summary["land_km2"],
        "legacy_generators": summary["legacy_generators"],
        "sources": [
            {
                "name": "vietnamadminunits (official 2025 register of administrative units)",
                "name_vi": "Danh mục đơn vị hành chính 2025 (vietnamadminunits)",
                "url": "https://pypi.org/project/vietnamadminunits/",
                "licence": "MIT",
                "used_for": "codes, names, types, centroids and registered areas of the 34 provinces and "
                            "3,321 commune-level units",
            },
            {
                # short names first: the export footer is one line ("Nguồn: …; Natural Earth 1:10m; …")
                "name": "Natural Earth 1:10m (Admin 0 - Countries, version 4.1.0, npm package world-atlas 2.0.2)",
                "name_vi": "Natural Earth 1:10m",
                "url": "https://www.naturalearthdata.com/",
                "licence": "public domain (Natural Earth); world-atlas packaging: ISC",
                "used_for": "the land of the demo communes (coast, land borders, islands, Hoàng Sa and Trường "
                            "Sa) and the neighbouring countries drawn as context (context/natural_earth.parquet)",
                "provenance": summary["context"],
            },
            {
                "name": "published provincial figures on Tổ công nghệ số cộng đồng (press reports 2024-2025)",
                "name_vi": "Số liệu Tổ công nghệ số cộng đồng các tỉnh đã công bố (báo chí 2024-2025)",
                "used_for": "totals reproduced in the latest period",
                "figures": {
                    "provinces": {k: {"teams": t, "team_members": m} for k, (t, m) in published.PROVINCE_TARGETS.items()},
                    "communes": {k: {"teams": t} for k, t in published.COMMUNE_TEAM_TARGETS.items()},
                    "smartphone_share_at_least": published.SMARTPHONE_FLOORS,
                    "hamlet": {"commune_code": published.LY_SON_CODE, **published.BAC_AN_BINH},
                },
            },
        ],
        "method": {
            "communes": (
                f"Voronoi cells of the register centroids ({len(source.CENTROID_FIXES)} island positions corrected "
                "by hand) together with the centroids of the pre-2025 communes "
                "merged into each unit (official converter table of vietnamadminunits; a unit's shape is the "
                "union of its generators' cells), clipped to the national land of Natural Earth 1:10m "
                "(context/natural_earth.parquet) with its estuaries, lagoons and narrow bays up to "
                f"{2 * land.CLOSING_M / 1000:g} km wide closed and no hole inside. Register centroids in the "
                "sea of that coarse coast are moved onto the land; "
                f"{len(summary['centroids_corrected'])} register centroids that disagree with all their "
                "pre-2025 communes by "
                f"{source.DISAGREE_MIN_KM:g} km or more are replaced by them "
                f"({', '.join(summary['centroids_corrected'])}). Each island goes to the island units "
                "(đặc khu and xã đảo, except Thạnh An, drawn with the mainland) when one of their centroids is "
                "nearer to it than any mainland unit's, else to the mainland units; islands under "
                f"{land.MIN_PART_M2 / 1e6:g} km² are left out. Island units with no island at 1:10m are a disc "
                "of their registered area at their register position (or the nearest water at least "
                f"{land.SEA_GAP_M / 1000:g} km from other land), split into one disc per island group when "
                "their pre-2025 communes lie at sea apart (Kiên Hải): "
                f"{', '.join(summary['disc_names'])}; their geometry_source says so. Detached pieces go to the neighbour sharing most border; all cells "
                f"are noded into a valid coverage. Equal-area projection: {geometry.METRIC_CRS}."
            ),
            "provinces": "coverage union of their communes",
            "hamlets": "5-30 per commune by area and type; Voronoi cells of seeded random points relaxed twice "
                       "(Lloyd), clipped to the commune; invented names by region and type",
            "area_classes": (area_classes.__doc__ or "").strip(),
            "statistics": "synthetic, seeded, quarterly per hamlet; commune_stats.csv is the exact sum of "
                          "hamlet_stats.parquet; province figures are sums of communes",
            "geometry_source": {
                "provinces": "approximate: dissolved from the approximate communes",
                "communes": "approximate: Voronoi of 2025 register centroids on Natural Earth 1:10m land; "
                            "island units missing at 1:10m: approximate: disc of the registered area",
                "hamlets": "synthetic",
            },
        },
        "files": {
            "context/natural_earth.parquet": "GeoParquet, Vietnam's land, the neighbours' land and label points "
                                             "(input of the demo, not rebuilt by it: "
                                             "python -m loaders.demo.outline_rebuild)",
            "geo/provinces.parquet": "GeoParquet, one row per province",
            "geo/communes.parquet": "GeoParquet, one row per commune",
            "geo/hamlets.parquet": "GeoParquet, one row per hamlet, one row group per province",
            "stats/hamlet_stats.parquet": "Parquet, one row per hamlet and period",
            "stats/commune_stats.csv": "UTF-8 CSV, one row per commune and period, codes as text",
        },
        "columns": {
            "area_km2": "communes: registered area from the register; provinces: sum of their communes; "
                        "hamlets: area of the synthetic polygon",
            "area_class_source": "'heuristic' (or 'register+heuristic' when only is_island is set, from the "
                                 "register) - see method.area_classes",
            "counts": "statistics are counts; empty / NaN means not reported (never 0)",
        },
        "licence": "MIT (generated data; register data MIT; Natural Earth public domain)",
        "regenerate": "coverage-map demo --out DIR",
        "generator": generator_versions(),
    }
