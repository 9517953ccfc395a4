"""Map payload and build+render time: our path against the naive one, for three layers (SPEC §10).

(a) the real 2025 communes (``../shared/data/real/vn_communes_2025.gpkg``; skipped with a message when absent),
(b) a ~10,000-commune legacy-sized layer (:mod:`benchmarks.legacy_layer`), (c) the province with the most hamlets
in the embedded demo data, at hamlet level.

Naive: ``gdf.explore(column="value")`` on the raw layer, and a plain ``folium.GeoJson`` of it. Ours: geometry
prepared once (repair, coverage clean, coverage simplification for the view scale, delta-encoded text on the view's
grid: what the dashboard caches), then per view the dashboard's map builder with the cached geometry (columnar
properties, decoded in the browser). Times are warm (second run).

Run: ``/work/venv/bin/python -m benchmarks.bench_maps [--skip-naive-explore]``
"""

from __future__ import annotations

import argparse

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from benchmarks.common import (
    DEMO_DIR, LAST_CPU, REAL_COMMUNES, Row, builder_name, fake_values, naive_explore_html, naive_geojson_html,
    our_map_html, payload_mb, prepare_geometry, print_table, timed,
)

INDICATOR = "smartphone_share"


def view_table(units: gpd.GeoDataFrame, level: str) -> pd.DataFrame:
    """A view table as ``analysis.view.build_view_table`` returns it, with made-up values."""
    table = pd.DataFrame(units.drop(columns=units.geometry.name))
    table["value"] = fake_values(len(table))
    table["denominator"] = np.round(np.random.default_rng(2).uniform(500, 20000, len(table)))
    table["numerator"] = np.round(table["denominator"] * table["value"] / 100)
    table.attrs["period"] = "2025-Q4"
    return table


def real_communes() -> gpd.GeoDataFrame:
    """The real file with its fields mapped to the canonical names the map builder reads."""
    raw = gpd.read_file(REAL_COMMUNES)
    return raw.rename(columns={"ward_code": "commune_code", "ward_name": "commune_name",
                               "ward_type": "commune_type"})


def hamlet_province() -> tuple[gpd.GeoDataFrame, str]:
    """The demo province with the most hamlets, at hamlet level."""
    from loaders.dataset import load_units

    hamlets = gpd.read_parquet(DEMO_DIR / "geo" / "hamlets.parquet", columns=["province_code", "geometry"])
    code = hamlets["province_code"].value_counts().idxmax()
    units = load_units(DEMO_DIR, "hamlet", province_code=code)
    return units, f"province {code} ({units['province_name'].iloc[0]}), {len(units):,} hamlets"


def bench_layer(case: str, gdf: gpd.GeoDataFrame, level: str, key: str, scale: str, payload_budget: float,
                time_budget: float, explore: bool = True) -> list[Row]:
    """All rows for one layer: payload and warm build+render, ours vs naive, and the one-off preparation."""
    vertices = int(shapely.get_num_coordinates(gdf.geometry.to_numpy()).sum())
    table = view_table(gdf, level)
    naive_layer = gdf.assign(value=table["value"].to_numpy())
    cold, _, (geometries, bounds, simplified) = timed(lambda: prepare_geometry(gdf, key, scale), runs=1)
    cold_cpu = LAST_CPU[0]
    _, warm, html = timed(lambda: our_map_html(table, level, geometries, bounds, INDICATOR))
    warm_cpu = LAST_CPU[0]
    ours_mb = payload_mb(html)
    rows = []
    if explore:
        _, naive_warm, naive_html = timed(lambda: naive_explore_html(naive_layer))
        naive_mb, label, naive_cpu = payload_mb(naive_html), "explore()", LAST_CPU[0]
    else:
        naive_warm = naive_mb = None
        label = "explore() skipped"
    _, plain_warm, plain_html = timed(lambda: naive_geojson_html(naive_layer))
    sent = int(shapely.get_num_coordinates(simplified).sum())
    rows.append(Row(case, f"payload vs {label}", ours_mb, naive_mb, payload_budget, "MB",
                    f"{len(gdf):,} units, {vertices:,} vertices in, {sent:,} sent; scale {scale!r}"))
    rows.append(Row(case, f"build+render warm vs {label}", warm, naive_warm, time_budget,
                    note=f"ours {warm_cpu:.3f} s CPU" + (f", naive {naive_cpu:.3f} s CPU" if explore else "")))
    rows.append(Row(case, "payload vs plain GeoJson", ours_mb, payload_mb(plain_html), payload_budget, "MB"))
    rows.append(Row(case, "build+render warm vs plain GeoJson", warm, plain_warm, time_budget))
    rows.append(Row(case, "prepare geometry, once per file (cold)", cold,
                    note=f"{cold_cpu:.2f} s CPU; repair + coverage clean + coverage simplify + encoded text; "
                         "cached after"))
    return rows


def run(explore: bool = True) -> tuple[list[Row], list[tuple[str, str]]]:
    """Run the three cases; returns the rows and what was skipped (with why)."""
    from benchmarks.legacy_layer import legacy_layer

    rows, skipped = [], []
    if REAL_COMMUNES.exists():
        rows += bench_layer("(a) real 2025 communes", real_communes(), "commune", "commune_code", "national",
                            2.5, 1.0, explore)
    else:
        skipped.append(("(a) real 2025 communes", f"{REAL_COMMUNES} not found"))
    legacy, how = legacy_layer()
    legacy_rows = bench_layer("(b) legacy ~10k communes", legacy, "commune", "commune_code", "national",
                              2.5, 1.0, explore)
    legacy_rows[0].note += f"; {how}"
    rows += legacy_rows
    hamlets, which = hamlet_province()
    hamlet_rows = bench_layer("(c) hamlets of one province", hamlets, "hamlet", "hamlet_id", "province",
                              1.5, 0.5, explore)
    hamlet_rows[0].note += f"; {which}"
    rows += hamlet_rows
    return rows, skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-naive-explore", action="store_true", help="skip gdf.explore() (slow: ~minutes)")
    args = parser.parse_args()
    print("map builder:", builder_name())
    rows, skipped = run(explore=not args.skip_naive_explore)
    print_table(rows, skipped)


if __name__ == "__main__":
    main()
