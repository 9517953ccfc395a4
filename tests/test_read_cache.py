"""The CLI pays once (issue 16): files read, cleaned and simplified are kept by content, not by path."""

from __future__ import annotations

import shutil

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from analysis.view import ViewSpec
from dashboard.query import FileSource, indicator_view
from dashboard.query import geometry, readcache
from loaders.settings import load_settings
from test_export_dataset import build_dataset


@pytest.fixture()
def files(tmp_path):
    dataset = build_dataset(tmp_path / "data")
    boundaries = tmp_path / "xa.geojson"
    gpd.read_parquet(dataset / "geo" / "communes.parquet").to_file(boundaries, driver="GeoJSON")
    stats = tmp_path / "so_lieu.csv"
    pd.read_csv(dataset / "stats" / "commune_stats.csv", dtype=str).to_csv(stats, index=False)
    return boundaries, stats


def view_table(source) -> pd.DataFrame:
    return indicator_view(source, ViewSpec(), load_settings(environ={})).table


def wait_for_writes():
    import threading

    for thread in threading.enumerate():
        if thread.name == "coverage-map-write":
            thread.join()


def test_a_second_read_of_the_same_files_comes_from_the_cache(files, tmp_path, monkeypatch):
    boundaries, stats = files
    cache = tmp_path / "cache"
    first = readcache.read_files(boundaries, [stats], "commune", cache_dir=cache)
    wait_for_writes()
    assert len(list(cache.iterdir())) == 1

    def no_reading(*args, **kwargs):
        raise AssertionError("the files were read again")

    monkeypatch.setattr(FileSource, "read", no_reading)
    renamed = tmp_path / "elsewhere"
    renamed.mkdir()
    copies = [shutil.copy(boundaries, renamed / "ranh_gioi.geojson"), shutil.copy(stats, renamed / "thang10.csv")]
    again = readcache.read_files(copies[0], [copies[1]], "commune", cache_dir=cache)
    pd.testing.assert_frame_equal(view_table(again), view_table(first))
    assert again.key == first.key and again.geometry_key("commune") == first.geometry_key("commune")
    assert again.metadata["sources"] == ["ranh_gioi.geojson", "thang10.csv"]  # named as given this time
    assert all(a.equals_exact(b, 0) for a, b in zip(again.unit_table.geometry, first.unit_table.geometry))


def test_changed_figures_are_read_again(files, tmp_path):
    boundaries, stats = files
    cache = tmp_path / "cache"
    first = readcache.read_files(boundaries, [stats], "commune", cache_dir=cache)
    wait_for_writes()
    table = pd.read_csv(stats, dtype=str)
    table.loc[0, table.columns[-1]] = "1"
    table.to_csv(stats, index=False)
    second = readcache.read_files(boundaries, [stats], "commune", cache_dir=cache)
    wait_for_writes()
    assert second.key != first.key and len(list(cache.iterdir())) == 2


def test_cleaning_started_in_the_background_is_waited_for_not_repeated(files, tmp_path, monkeypatch):
    boundaries, _ = files
    units = gpd.read_file(boundaries)
    units["geometry"] = units.geometry.translate(0.0003, 0)  # not the fixture's exact shapes: a fresh key
    calls = []
    real = geometry.clean_geometries
    monkeypatch.setattr(geometry, "clean_geometries", lambda g: calls.append(len(g)) or real(g))
    key = "test-" + str(tmp_path)
    geometry.prefetch_cleaning(units, key, "commune", tmp_path / "cache")
    cleaned = geometry.cleaned_shapes(units, key, "commune", tmp_path / "cache")
    assert calls == [len(units)] and shapely.coverage_is_valid(cleaned)
    assert geometry.cleaned_shapes(units, key, "commune", tmp_path / "cache") is cleaned
