"""Shared fixtures: the real boundaries in ../shared (optional) and a headless chromium (optional)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REAL_COMMUNES = REPO.parent / "shared" / "data" / "real" / "vn_communes_2025.gpkg"
CHROMIUM = os.environ.get("COVERAGE_MAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
#: Screenshots written by browser tests, for people to look at.
ARTIFACTS = REPO / "tests" / "artifacts"


def pytest_configure(config):
    """Tests see the embedded data, never an upload store left on this machine (``var/store``) or a
    dataset chosen by the developer's environment; servers started by tests inherit this too."""
    os.environ.pop("COVERAGE_MAP_DATA", None)
    os.environ["COVERAGE_MAP_STORE"] = tempfile.mkdtemp(prefix="coverage-map-test-store-")


@pytest.fixture(scope="session")
def real_communes_path() -> Path:
    if not REAL_COMMUNES.exists():
        pytest.skip(f"real 2025 boundaries not found at {REAL_COMMUNES}")
    return REAL_COMMUNES


def chromium_missing_reason() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"chromium not installed at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright (Python) not installed: pip install -e '.[test]'"
    return None


@pytest.fixture(scope="session")
def browser():
    """A headless Debian chromium driven by Playwright; skipped with the reason when unavailable."""
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# --- dashboard (issue 4): a running app for browser tests --------------------------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def streamlit_app(browser) -> str:
    """``streamlit run app.py`` on a free port (embedded data); yields its base URL, stops it afterwards."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = _free_port()
    streamlit = Path(sys.executable).with_name("streamlit")
    command = [str(streamlit), "run", "app.py", "--server.port", str(port), "--server.headless", "true",
               "--server.address", "127.0.0.1"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "streamlit-test.log", "w")  # noqa: SIM115  (closed below)
    process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # the server answers in a few seconds; the loop only bounds a hung start
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}; see tests/artifacts/streamlit-test.log")
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


# --- the data store (issues 12, 17): a throwaway PostgreSQL + PostGIS cluster ----------------------------------

@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL cluster with PostGIS for this test session; skipped with the reason when not installed."""
    import pg_cluster as cluster_module

    reason = cluster_module.missing_reason()
    if reason:
        pytest.skip(reason)
    cluster = cluster_module.Cluster().start()
    yield cluster
    cluster.stop()
