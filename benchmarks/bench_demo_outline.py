"""How close the demo communes are to the real 2025 boundaries, and how real their national outline is (issue 18).

Against ``../shared/data/real/vn_communes_2025.gpkg`` (skipped with a message when absent) it prints:

* **outline**: the share of the real mainland outline (its exterior ring, sampled every 1 km) that lies
  within 3 km of the outline of the demo's mainland — for the committed demo (ours), the demo as it was
  with the disc land mask (the committed communes at :data:`DISC_MASK_COMMIT`, read with ``git show``), and
  raw Natural Earth 1:10m (our ``data/context`` file);
* **median commune IoU** (intersection over union of a demo cell and the real commune with its code);
* **interior points**: the share of real communes whose interior point lies in the demo cell with their code;
* **area in the right cell**: the share of the real area that lies in the cell with the right code.

Run: ``python -m benchmarks.bench_demo_outline`` (about a minute: the real communes are dissolved once).
The measures live in :mod:`loaders.demo.quality`; ``tests/test_demo_real.py`` asserts issue 18's thresholds.

``python -m benchmarks.bench_demo_outline --render DIR`` also draws the demo communes of the committed
data (national, Sơn La, Quảng Ninh's coast, An Giang's islands) with the neighbours and the sea, and the
real commune borders in red where the real file is present, as PNGs in DIR, for people to look at.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time

import geopandas as gpd
import numpy as np
import shapely

from benchmarks.common import DEMO_DIR, REAL_COMMUNES, REPO
from loaders.demo.geometry import METRIC_CRS
from loaders.demo.quality import (STEP_M, THRESHOLDS, WITHIN_M, commune_scores, mainland_ring, outline_share,
                                  read_real)

#: The last commit whose demo communes were clipped to the disc land mask (before issue 18).
DISC_MASK_COMMIT = "727802d2c5ee5f7435ba42151df874d7274f4b83"


def disc_mask_communes() -> gpd.GeoDataFrame | None:
    """The demo communes of :data:`DISC_MASK_COMMIT` (None when git or the commit is not available)."""
    try:
        blob = subprocess.run(["git", "show", f"{DISC_MASK_COMMIT}:data/geo/communes.parquet"], cwd=REPO,
                              capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return gpd.read_parquet(io.BytesIO(blob))


def natural_earth_ring():
    """Mainland exterior ring of Natural Earth 1:10m's Vietnam (the committed context file)."""
    from loaders.context import vietnam_land

    land = gpd.GeoSeries([vietnam_land()], crs="EPSG:4326").to_crs(METRIC_CRS).to_numpy()
    return mainland_ring(shapely.get_parts(land[0]))


def measure(real: gpd.GeoDataFrame, real_ring) -> list[tuple[str, dict]]:
    """(name, figures) for the committed demo, the disc-mask demo and raw Natural Earth."""
    from loaders.dataset import load_units

    out = []
    candidates = [("ours (committed data/)", load_units(DEMO_DIR, "commune")),
                  (f"disc mask ({DISC_MASK_COMMIT[:7]})", disc_mask_communes())]
    for name, demo in candidates:
        if demo is None:
            out.append((name, {}))
            continue
        demo = demo.to_crs(METRIC_CRS)
        figures = {"outline": outline_share(real_ring, mainland_ring(demo.geometry.to_numpy())),
                   **commune_scores(demo, real)}
        out.append((name, figures))
    out.append(("Natural Earth 1:10m", {"outline": outline_share(real_ring, natural_earth_ring())}))
    return out


def _pct(value) -> str:
    return "—" if value is None else f"{100 * value:5.1f} %"


#: name -> (lon/lat box, title) of the views drawn by ``--render``.
VIEWS = {
    "national": ((101.5, 6.3, 118.0, 23.6), "Việt Nam: demo communes on Natural Earth 1:10m"),
    "son-la": ((102.9, 20.5, 105.3, 22.0), "Sơn La and its neighbours (Laos, Lai Châu, Thanh Hóa, Phú Thọ)"),
    "quang-ninh": ((106.6, 20.6, 108.2, 21.65), "Quảng Ninh's coast: Hạ Long, Vân Đồn, Cô Tô, Móng Cái"),
    "an-giang-islands": ((103.3, 9.15, 105.3, 10.65), "An Giang (Kiên Giang): Phú Quốc, Thổ Châu, Kiên Hải, Hà Tiên"),
}
SEA = "#dfe6ea"
NEIGHBOUR = "#eceae6"


def render(out_dir, with_real: bool = True) -> list:
    """Draw :data:`VIEWS` of the committed demo communes as PNGs in ``out_dir``; returns the paths."""
    from pathlib import Path

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from loaders.context import load_context
    from loaders.dataset import load_units

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    communes = load_units(DEMO_DIR, "commune")
    provinces = load_units(DEMO_DIR, "province")
    context = load_context()
    real = gpd.read_file(REAL_COMMUNES) if with_real and REAL_COMMUNES.exists() else None
    # a quiet fill per province (tab20, by code) so neighbouring provinces differ
    colours = plt.get_cmap("tab20")(np.arange(len(provinces)) % 20)
    shade = dict(zip(provinces["province_code"], [tuple(0.55 + 0.45 * c[:3]) for c in colours]))
    paths = []
    for name, (box, title) in VIEWS.items():
        xmin, ymin, xmax, ymax = box
        fig, ax = plt.subplots(figsize=(10, 10 * (ymax - ymin) / (xmax - xmin) + 0.6), dpi=100)
        ax.set_facecolor(SEA)
        context[context["kind"] == "country"].plot(ax=ax, color=NEIGHBOUR, edgecolor="#b9b5ae", linewidth=0.6)
        national = name == "national"
        # national: one shade per province; zoomed: one per commune (by code), to see each unit's land
        fills = [shade[c] for c in communes["province_code"]] if national else [
            tuple(0.55 + 0.45 * colours[int(c) % len(colours)][:3]) for c in communes["commune_code"]]
        communes.plot(ax=ax, color=fills, edgecolor="#666666", linewidth=0.08 if national else 0.35)
        provinces.boundary.plot(ax=ax, color="#222222", linewidth=0.4 if national else 1.0)
        if real is not None and not national:
            real.cx[xmin:xmax, ymin:ymax].boundary.plot(ax=ax, color="#d62728", linewidth=0.35, alpha=0.8)
        for _, row in context[context["kind"] != "vietnam"].iterrows():
            if xmin < row["label_lon"] < xmax and ymin < row["label_lat"] < ymax:
                ax.text(row["label_lon"], row["label_lat"], row["name_vi"], ha="center", va="center",
                        fontsize=9 if row["kind"] == "country" else 8, color="#6b6b6b",
                        style="normal" if row["kind"] == "country" else "italic")
        if not national:
            inside = communes.cx[xmin:xmax, ymin:ymax]
            for _, row in inside[inside["is_island"]].iterrows():
                point = row.geometry.representative_point()
                ax.annotate(row["commune_name"], (point.x, point.y), fontsize=7, xytext=(4, 4),
                            textcoords="offset points", color="#003c71")
        ax.set_xlim(xmin, xmax)
        ax.set_ylim(ymin, ymax)
        ax.set_aspect(1 / np.cos(np.radians((ymin + ymax) / 2)))
        ax.set_title(title + ("" if real is None or national else " (red: real 2025 borders)"), fontsize=10)
        ax.tick_params(labelsize=7)
        path = out / f"{name}.png"
        fig.savefig(path, bbox_inches="tight")
        plt.close(fig)
        paths.append(path)
        print(f"  {path} ({path.stat().st_size / 1e3:.0f} kB)")
    return paths


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--render", metavar="DIR", help="also draw the demo communes as PNGs in DIR")
    args = parser.parse_args(argv)
    if args.render:
        render(args.render)
    if not REAL_COMMUNES.exists():
        print(f"skipped: real 2025 boundaries not found at {REAL_COMMUNES}")
        return 0
    started = time.perf_counter()
    real = read_real(REAL_COMMUNES)
    real_ring = mainland_ring(real.geometry.to_numpy())
    rows = measure(real, real_ring)
    print(f"real mainland outline: {shapely.length(real_ring) / 1000:,.0f} km, sampled every {STEP_M / 1000:g} km; "
          f"within {WITHIN_M / 1000:g} km of each outline:")
    head = ("", "outline ≤ 3 km", "median IoU", "interior pts", "area in right cell")
    print(f"  {head[0]:<28}{head[1]:>16}{head[2]:>12}{head[3]:>14}{head[4]:>20}")
    for name, f in rows:
        iou = "—" if "median_iou" not in f else f"{f['median_iou']:.3f}"
        print(f"  {name:<28}{_pct(f.get('outline')):>16}{iou:>12}{_pct(f.get('interior')):>14}"
              f"{_pct(f.get('area_right_cell')):>20}")
    print(f"  thresholds (issue 18): outline ≥ {_pct(THRESHOLDS['outline']).strip()}, median IoU ≥ "
          f"{THRESHOLDS['median_iou']}, interior points ≥ {_pct(THRESHOLDS['interior']).strip()}")
    print(f"  measured in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
