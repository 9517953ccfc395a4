"""Map payload and build time: our path against the naive one, for four layers (SPEC §10).

(a) the real 2025 communes (``../shared/data/real/vn_communes_2025.gpkg``; skipped with a message when absent),
(b) a ~10,000-commune legacy-sized layer (:mod:`benchmarks.legacy_layer`), (c) the province with the most hamlets
in the embedded demo data, at hamlet level, (d) every hamlet of the embedded demo data (the national hamlet map).

Naive: ``gdf.explore(column="value")`` on the raw layer, and a plain ``folium.GeoJson`` of it. Ours: geometry
prepared once (repair, coverage clean, coverage simplification for the view scale, encoded into the geometry
file the browser fetches once), then per view the map without geometry and the view's values, as
streamlit-folium sends them. Payload of the first view = geometry file + map + values; of each further view =
values. Times are warm (second run).

Run: ``python -m benchmarks.bench_maps [--skip-naive-explore]``
"""

from __future__ import annotations

import argparse

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from benchmarks.common import (DEMO_DIR, LAST_CPU, MB, REAL_COMMUNES, Row, fake_values, naive_explore_html,
                               naive_geojson_html, our_view_payload, payload_mb, prepare_layer, print_table,
                               shown_view, timed)


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


def bench_layer(case: str, gdf: gpd.GeoDataFrame, level: str, scale: str, payload_budget: float | None,
                time_budget: float | None, explore: bool = True) -> list[Row]:
    """All rows for one layer: payload and warm build, ours vs naive, and the one-off preparation."""
    vertices = int(shapely.get_num_coordinates(gdf.geometry.to_numpy()).sum())
    table = view_table(gdf, level)
    view = shown_view(table, level)
    naive_layer = gdf.assign(value=table["value"].to_numpy())
    cold, _, (served, inline, simplified) = timed(lambda: prepare_layer(gdf, level, scale), runs=1)
    cold_cpu = LAST_CPU[0]
    _, warm, (base, values) = timed(lambda: our_view_payload(view, served))
    warm_cpu = LAST_CPU[0]
    geometry = len(inline.data.encode())
    ours_mb = (geometry + base + values) / MB
    rows = []
    if explore:
        _, naive_warm, naive_html = timed(lambda: naive_explore_html(naive_layer))
        naive_mb, label, naive_cpu = payload_mb(naive_html), "explore()", LAST_CPU[0]
    else:
        naive_warm = naive_mb = None
        label = "explore() skipped"
    _, plain_warm, plain_html = timed(lambda: naive_geojson_html(naive_layer))
    sent = int(shapely.get_num_coordinates(simplified).sum())
    rows.append(Row(case, f"payload, first view vs {label}", ours_mb, naive_mb, payload_budget, "MB",
                    f"{len(gdf):,} units, {vertices:,} vertices in, {sent:,} sent; scale {scale!r}; geometry file "
                    f"{geometry / MB:.2f} MB (fetched once), map {base / 1024:.0f} KB, values {values / 1024:.0f} KB"))
    rows.append(Row(case, f"payload, each further view vs {label}", values / MB, naive_mb, None, "MB",
                    "values only: the map and its geometry stay in the browser"))
    rows.append(Row(case, f"build per view, warm vs {label}", warm, naive_warm, time_budget,
                    note=f"ours {warm_cpu:.3f} s CPU" + (f", naive {naive_cpu:.3f} s CPU" if explore else "")))
    rows.append(Row(case, "payload, first view vs plain GeoJson", ours_mb, payload_mb(plain_html), payload_budget,
                    "MB"))
    rows.append(Row(case, "build per view, warm vs plain GeoJson", warm, plain_warm, time_budget))
    rows.append(Row(case, "prepare geometry, once per file (cold)", cold,
                    note=f"{cold_cpu:.2f} s CPU; repair + coverage clean + coverage simplify + geometry file; "
                         "cached by content after"))
    return rows


def run(explore: bool = True) -> tuple[list[Row], list[tuple[str, str]]]:
    """Run the four cases; returns the rows and what was skipped (with why)."""
    from benchmarks.legacy_layer import legacy_layer

    rows, skipped = [], []
    if REAL_COMMUNES.exists():
        rows += bench_layer("(a) real 2025 communes", real_communes(), "commune", "national", 2.5, 1.0, explore)
    else:
        skipped.append(("(a) real 2025 communes", f"{REAL_COMMUNES} not found"))
    legacy, how = legacy_layer()
    legacy_rows = bench_layer("(b) legacy ~10k communes", legacy, "commune", "national", 2.5, 1.0, explore)
    legacy_rows[0].note += f"; {how}"
    rows += legacy_rows
    hamlets, which = hamlet_province()
    hamlet_rows = bench_layer("(c) hamlets of one province", hamlets, "hamlet", "province", 1.5, 0.5, explore)
    hamlet_rows[0].note += f"; {which}"
    rows += hamlet_rows
    every = gpd.read_parquet(DEMO_DIR / "geo" / "hamlets.parquet")
    rows += bench_layer(f"(d) every demo hamlet ({len(every):,})", every, "hamlet", "province", None, None,
                        explore=False)
    return rows, skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-naive-explore", action="store_true", help="skip gdf.explore() (slow: ~minutes)")
    args = parser.parse_args()
    rows, skipped = run(explore=not args.skip_naive_explore)
    print_table(rows, skipped)


if __name__ == "__main__":
    main()
