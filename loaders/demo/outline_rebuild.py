"""Rebuild ``data/context/natural_earth.parquet`` from the npm package ``world-atlas`` (run once, offline after).

Run from the repository root (needs ``npm`` and the npm registry; nothing else)::

    python -m loaders.demo.outline_rebuild            # writes data/context/natural_earth.parquet

The npm packages are installed into a temporary directory at the pinned versions below, the
TopoJSON is converted to GeoJSON by ``topojson-client``'s own ``topo2geo`` (no hand-written TopoJSON
decoding), and :func:`derive_context` keeps what the maps need: Vietnam's land (mainland, coastal
islands, Hoàng Sa and Trường Sa) and the land of its neighbours in a frame around it, with names in
Vietnamese and English and label points, plus label points for the seas and the archipelagos.

The derived file is committed, so neither the demo builder nor the app ever downloads anything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from loaders.context import CONTEXT_FILE, PROVENANCE_KEY
from loaders.dataset import DEFAULT_DATA_DIR

WORLD_ATLAS = "world-atlas@2.0.2"           # Natural Earth 4.1.0 as TopoJSON (ISC)
TOPOJSON_CLIENT = "topojson-client@3.1.0"   # topo2geo (ISC)
#: lon/lat frame kept around Vietnam: wide enough for a 16:9 national map with Trường Sa.
FRAME = (97.0, 3.0, 124.0, 27.0)
#: Boxes (lon/lat) of the archipelagos: Natural Earth files the Paracels under China and the Spratlys
#: as a unit of their own; on this map they are Vietnam's đặc khu Hoàng Sa and Trường Sa.
HOANG_SA_BOX = (110.5, 15.5, 113.5, 17.5)
TRUONG_SA_BOX = (109.5, 6.5, 118.0, 12.5)
#: Natural Earth units merged into China for the context (special administrative regions).
MERGED_INTO_CHINA = ("Hong Kong", "Macao")
#: Natural Earth units left out: the Spratlys become Vietnam's, the reef is a dot nobody labels.
LEFT_OUT = ("Spratly Is.", "Scarborough Reef")

#: name in Natural Earth -> (code, name_vi, name_en, label lon, label lat, label rank).
#: Label points are chosen for legibility on the national map (near Vietnam, inside the country's land
#: in the frame), not at the country's centre; rank 1 = show from the national view, 2 = wider views.
COUNTRIES = {
    "China": ("CHN", "Trung Quốc", "China", 107.9, 22.9, 1),
    "Laos": ("LAO", "Lào", "Laos", 102.9, 19.6, 1),
    "Cambodia": ("KHM", "Campuchia", "Cambodia", 104.9, 12.8, 1),
    "Thailand": ("THA", "Thái Lan", "Thailand", 101.2, 15.6, 2),
    "Myanmar": ("MMR", "Myanmar", "Myanmar", 98.4, 20.5, 2),
    "Malaysia": ("MYS", "Malaysia", "Malaysia", 116.6, 5.2, 2),
    "Brunei": ("BRN", "Brunei", "Brunei", 114.7, 4.6, 2),
    "Indonesia": ("IDN", "Indonesia", "Indonesia", 116.5, 3.3, 2),
    "Philippines": ("PHL", "Philippines", "Philippines", 121.2, 16.6, 2),
    "Taiwan": ("TWN", "Đài Loan", "Taiwan", 121.0, 23.7, 2),
}
#: Labels without land of their own: (kind, code, name_vi, name_en, lon, lat, rank).
LABELS = (
    ("sea", "BIEN_DONG", "Biển Đông", "East Sea", 113.0, 13.6, 1),
    ("sea", "VINH_THAI_LAN", "Vịnh Thái Lan", "Gulf of Thailand", 102.8, 9.9, 1),
    ("sea", "VINH_BAC_BO", "Vịnh Bắc Bộ", "Gulf of Tonkin", 107.6, 19.6, 2),
    ("archipelago", "HOANG_SA", "Quần đảo Hoàng Sa", "Hoang Sa archipelago", 111.95, 16.45, 1),
    ("archipelago", "TRUONG_SA", "Quần đảo Trường Sa", "Truong Sa archipelago", 114.9, 10.4, 1),
)
COLUMNS = ["kind", "code", "name_vi", "name_en", "label_lon", "label_lat", "label_rank", "geometry"]


def _parts_in(geom, box: tuple[float, float, float, float]) -> list:
    """Parts of ``geom`` lying wholly inside ``box`` (islands are never cut)."""
    region = shapely.box(*box)
    return [p for p in shapely.get_parts(geom) if shapely.within(p, region)]


def derive_context(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The context layer from Natural Earth's Admin 0 countries (``name``, ``geometry``, EPSG:4326).

    Returns
    -------
    geopandas.GeoDataFrame
        One ``vietnam`` row (MultiPolygon: Natural Earth's Vietnam plus the Paracel and Spratly
        islands), one ``country`` row per neighbour clipped to :data:`FRAME`, and one Point row per
        entry of :data:`LABELS`; columns :data:`COLUMNS`, sorted by kind and code.
    """
    # Quantised TopoJSON leaves a few self-touching rings (Vietnam's coast near 106.57°E 20.38°N):
    # "structure" repair keeps every vertex, so borders shared with the neighbours stay identical.
    repaired = shapely.make_valid(countries.geometry.to_numpy(), method="structure", keep_collapsed=False)
    by_name = dict(zip(countries["name"], repaired))
    china = shapely.union_all([by_name["China"], *(by_name[n] for n in MERGED_INTO_CHINA if n in by_name)])
    paracels = _parts_in(china, HOANG_SA_BOX)
    spratlys = _parts_in(by_name["Spratly Is."], TRUONG_SA_BOX)
    vietnam = shapely.union_all([by_name["Vietnam"], *paracels, *spratlys])
    rows = [{"kind": "vietnam", "code": "VNM", "name_vi": "Việt Nam", "name_en": "Vietnam",
             "label_lon": np.nan, "label_lat": np.nan, "label_rank": 0, "geometry": vietnam}]
    by_name["China"] = shapely.difference(china, shapely.union_all(paracels))
    frame = shapely.box(*FRAME)
    for name, (code, name_vi, name_en, lon, lat, rank) in COUNTRIES.items():
        land = shapely.intersection(by_name[name], frame)
        if not shapely.contains_xy(land, lon, lat):
            raise ValueError(f"label point of {name} ({lon}, {lat}) is not on its land")
        rows.append({"kind": "country", "code": code, "name_vi": name_vi, "name_en": name_en,
                     "label_lon": lon, "label_lat": lat, "label_rank": rank, "geometry": land})
    for kind, code, name_vi, name_en, lon, lat, rank in LABELS:
        rows.append({"kind": kind, "code": code, "name_vi": name_vi, "name_en": name_en,
                     "label_lon": lon, "label_lat": lat, "label_rank": rank, "geometry": shapely.Point(lon, lat)})
    table = gpd.GeoDataFrame(rows, columns=COLUMNS, geometry="geometry", crs="EPSG:4326")
    table["label_rank"] = table["label_rank"].astype("int8")
    order = table["kind"].map({"vietnam": 0, "country": 1, "archipelago": 2, "sea": 3})
    return table.assign(_o=order).sort_values(["_o", "code"], kind="mergesort").drop(columns="_o").reset_index(drop=True)


def provenance() -> dict:
    """Source, versions and licences of the derived file (also copied into ``metadata.json``)."""
    return {
        "source": "Natural Earth 1:10m Cultural Vectors, Admin 0 - Countries, version 4.1.0",
        "source_url": "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/",
        "source_licence": "public domain (Natural Earth terms of use)",
        "package": WORLD_ATLAS + " (npm, countries-10m.json, TopoJSON)",
        "package_licence": "ISC",
        "converter": TOPOJSON_CLIENT + " topo2geo (npm)",
        "derived": ("Vietnam = Natural Earth's Vietnam + the Paracel islands (filed under China) + the "
                    "Spratly islands (their own unit); neighbours clipped to lon/lat "
                    f"{FRAME}; Hong Kong and Macao merged into China; geometry unchanged otherwise"),
        "rebuild": "python -m loaders.demo.outline_rebuild",
    }


def write_context(table: gpd.GeoDataFrame, path: Path) -> None:
    """GeoParquet (zstd, bbox covering) with :func:`provenance` in the file's key-value metadata."""
    import io

    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False, compression="zstd", write_covering_bbox=True)
    arrow = pq.read_table(pa.BufferReader(buffer.getvalue()))
    meta = {**(arrow.schema.metadata or {}), PROVENANCE_KEY: json.dumps(provenance(), ensure_ascii=False).encode()}
    arrow = arrow.replace_schema_metadata(meta)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(arrow, tmp, compression="zstd")
    os.replace(tmp, path)


def fetch_countries(workdir: Path) -> gpd.GeoDataFrame:
    """``npm install`` the pinned packages into ``workdir`` and convert ``countries-10m.json`` with topo2geo."""
    subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(workdir),
                    WORLD_ATLAS, TOPOJSON_CLIENT], check=True, stdout=subprocess.DEVNULL)
    modules = workdir / "node_modules"
    out = workdir / "countries.geojson"
    subprocess.run([str(modules / ".bin" / "topo2geo"), "-i", str(modules / "world-atlas" / "countries-10m.json"),
                    f"countries={out}"], check=True)
    return gpd.read_file(out)


def main(argv: list[str] | None = None) -> int:
    """Fetch, derive and write the context file (default: the embedded data directory)."""
    target = Path(argv[0]) if argv else DEFAULT_DATA_DIR / CONTEXT_FILE
    with tempfile.TemporaryDirectory(prefix="coverage-map-ne-") as tmp:
        table = derive_context(fetch_countries(Path(tmp)))
    write_context(table, target)
    print(f"{target}: {len(table)} rows, {target.stat().st_size / 1e3:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
