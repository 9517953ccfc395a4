"""A huge uploaded polygon cannot kill the server on export (issue 14).

A valid comb-shaped commune of 400,001 vertices made GEOS's Douglas-Peucker (``shapely.simplify`` in the static
map) recurse until the process died with SIGSEGV, taking the whole Streamlit server with it. Here it is uploaded
as boundaries, checked and applied (the loader simplifies it below ``limits.max_feature_vertices`` and says so),
and the PNG, PDF and SVG of a view showing it are made by ``coverage-map export`` in a child process, as the
download buttons make them (``formats.export``): a crash would show as a negative exit code. The same shape put
straight into a dataset directory (no loader in between) is exported too: the renderer bounds it itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from hostile.geo import communes, with_geometries, zigzag
from loaders.archive import stage_files
from loaders.ingest import apply_upload, check_upload
from loaders.settings import load_settings
from loaders.store import DirectoryStore
from loaders.store.plan import ApplyOptions

REPO = Path(__file__).resolve().parents[1]
VERTICES = 400_001
MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF", "svg": b"<?xml"}


@pytest.fixture(scope="module")
def comb_store(tmp_path_factory) -> DirectoryStore:
    folder = tmp_path_factory.mktemp("comb")
    path = folder / "rang_cua.geojson"
    with_geometries(communes(1, ["Xã Răng Cưa"]), [zigzag(VERTICES)]).to_file(path, driver="GeoJSON")
    store = DirectoryStore(folder / "store")
    staged = stage_files([path], store.staging_dir())
    check = check_upload(staged, store)
    assert check.usable, [str(e) for e in check.errors]
    problems = [str(p) for p in check.report["boundaries"]["problems"]]
    assert any("simplified" in p for p in problems), problems  # the officer is told
    apply_upload(store, staged, check, options=ApplyOptions(replace_level=True))
    stats = folder / "so_lieu.csv"
    stats.write_text("Mã xã;Kỳ báo cáo;Số tổ CNSCĐ;Số thành viên;Dân số;Dân số từ 15 tuổi trở lên;"
                     "Số người sử dụng điện thoại thông minh\n4;2025-Q3;3;40;12.345;10.000;8.500\n", encoding="utf-8")
    staged = stage_files([stats], store.staging_dir())
    check = check_upload(staged, store)
    assert check.usable, [str(e) for e in check.errors]
    apply_upload(store, staged, check, options=ApplyOptions(replace_level=True))  # the demo's figures go too
    return store


def export_in_child(fmt: str, out: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "dashboard.cli", "export", "--province", "01", "--format", fmt,
               "--out", str(out), "--size", "1280x720", *args]
    clean = {k: v for k, v in os.environ.items() if k not in ("COVERAGE_MAP_STORE", "COVERAGE_MAP_DATA")}
    return subprocess.run(command, cwd=REPO, env={**clean, **env}, capture_output=True, text=True, timeout=600)


def test_the_stored_comb_is_within_the_vertex_cap(comb_store):
    units = comb_store.dataset().units("commune")
    comb = units[units["commune_name"] == "Xã Răng Cưa"].geometry.iloc[0]
    assert shapely.is_valid(comb) and comb.area > 0
    assert shapely.get_num_coordinates(comb) <= load_settings()["limits.max_feature_vertices"]


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_the_map_of_an_uploaded_comb_is_exported(fmt, comb_store, tmp_path):
    out = tmp_path / f"rang_cua.{fmt}"
    done = export_in_child(fmt, out, {"COVERAGE_MAP_STORE": str(comb_store.root)})
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert out.read_bytes().startswith(MAGIC[fmt])


def test_a_comb_that_never_met_the_loader_is_exported_too(comb_store, tmp_path):
    """A dataset directory made elsewhere, its commune of 400,001 vertices as it is: the static map bounds it."""
    data = tmp_path / "dataset"
    shutil.copytree(comb_store.active_dir(), data)
    frame = gpd.read_parquet(data / "geo/communes.parquet")
    frame.loc[frame["commune_name"] == "Xã Răng Cưa", "geometry"] = zigzag(VERTICES)
    frame.to_parquet(data / "geo/communes.parquet")
    assert shapely.get_num_coordinates(gpd.read_parquet(data / "geo/communes.parquet").geometry).max() == VERTICES
    out = tmp_path / "rang_cua.png"
    done = export_in_child("png", out, {}, "--data-dir", str(data))
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert out.read_bytes().startswith(MAGIC["png"])


@pytest.mark.parametrize("page", [None, "gaps_page", "compare_page", "data_page"])
def test_every_page_runs_on_boundaries_that_had_codes_but_no_province_names(page, comb_store, monkeypatch):
    """The comb's file has province codes and no province names (like many real files): the names come from the
    2025 register; before, every page failed on the missing column once it was applied."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("COVERAGE_MAP_STORE", str(comb_store.root))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
        at.query_params["province"] = "01"
        at.run()
        if page:
            at.switch_page(f"dashboard/app/pages/{page}.py")
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        if page != "data_page":
            assert any("Thành phố Hà Nội" in str(m.value) for m in at.markdown), [m.value for m in at.markdown]
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
