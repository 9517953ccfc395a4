"""What the browser benchmarks share: a Streamlit server behind a byte-counting proxy, an offline chromium page,
and "the map is drawn" as the map's own script reports it.

* :class:`Server` starts ``streamlit run`` (the dashboard, or :mod:`benchmarks.naive_app`) on a free port in its
  own process group and puts :class:`CountingProxy` in front: the bytes the browser receives are counted on the
  wire (websocket compression included), not as decoded messages.
* :class:`Page` is a chromium page whose requests may only go to this machine (the app must work offline); it
  records requests (URL, bytes) and websocket frames in both directions.
* :func:`wait_drawn`: the map frame's ``window.cmView`` (set by ``static/coverage-map/choropleth.js`` after a
  view's values are applied) has the expected units, then two animation frames for the paint.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from benchmarks.common import REPO

CHROMIUM = os.environ.get("COVERAGE_MAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 180_000
PAINTED_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


def missing_reason() -> str | None:
    """Why the browser benchmarks cannot run here, or None."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"chromium not found at {CHROMIUM}"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright (Python) not installed"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CountingProxy:
    """A TCP proxy in a thread counting the bytes from the server to the browser and back."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.down = self.up = 0
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(self.loop)
            server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            self.loop.run_forever()

        threading.Thread(target=run, daemon=True, name="counting-proxy").start()
        ready.wait()

    async def _pipe(self, reader, writer, down: bool):
        try:
            while data := await reader.read(1 << 16):
                if down:
                    self.down += len(data)
                else:
                    self.up += len(data)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(self._pipe(client_reader, server_writer, False),
                             self._pipe(server_reader, client_writer, True))

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)


class Server:
    """``streamlit run <script>`` behind a :class:`CountingProxy`; ``url`` is the proxy's address.

    ``naive=True`` runs :mod:`benchmarks.naive_app` instead of the dashboard (from a temporary folder whose
    ``static`` links to the repository's, so Leaflet is served the same way), with websocket compression off.
    """

    def __init__(self, naive: bool = False, extra_args=()):
        self.naive = naive
        self.port = free_port()
        self._folder = None
        script = REPO / "app.py"
        args = list(extra_args)
        if naive:
            self._folder = Path(tempfile.mkdtemp(prefix="coverage-map-naive-"))
            shutil.copy(REPO / "benchmarks" / "naive_app.py", self._folder / "naive_app.py")
            for name in ("static", "dashboard"):  # Leaflet served the same way; the pages found
                (self._folder / name).symlink_to(REPO / name)
            script = self._folder / "naive_app.py"
            args += ["--server.enableWebsocketCompression", "false"]
        streamlit = Path(sys.executable).with_name("streamlit")
        env = {key: value for key, value in os.environ.items() if key != "COVERAGE_MAP_DATA"}
        env.setdefault("COVERAGE_MAP_STORE", tempfile.mkdtemp(prefix="coverage-map-bench-store-"))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [str(streamlit), "run", str(script), "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false", *args],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, env=env)
        self.proxy = CountingProxy(self.port)
        self.url = f"http://127.0.0.1:{self.proxy.port}"

    def wait_healthy(self, timeout: float = 120) -> float:
        """Seconds from the spawn to the server answering its health check."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.process.stderr.read().decode(errors='replace')[-600:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=1):
                    return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("streamlit did not become healthy in time")

    def rss_mb(self) -> float:
        """Resident memory of the server process (and any children), MB."""
        total = 0
        for pid in [self.process.pid, *_children(self.process.pid)]:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total / 1024

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
        self.proxy.close()
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Page:
    """A chromium page that may only reach this machine, recording requests and websocket frames."""

    def __init__(self, browser, base: str, viewport=(1600, 1000)):
        self.base = base
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.received: list[int] = []   # websocket payloads from the server (decoded sizes)
        self.sent: list[int] = []       # websocket payloads to the server (reruns, component values)
        self.page.on("websocket", self._websocket)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.context.route("**/*", self._route)

    def _websocket(self, ws):
        ws.on("framereceived", lambda payload: self.received.append(len(payload)))
        ws.on("framesent", lambda payload: self.sent.append(len(payload)))

    def _route(self, route):
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or urlparse(url).hostname in ("127.0.0.1", "localhost"):
            self.requests.append(url)
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, path: str = "/", units: int | None = None) -> tuple[float, dict]:
        """Open ``path``; seconds until the map is drawn, and the map's ``cmView``."""
        start = time.perf_counter()
        self.page.goto(self.base + path)
        view = wait_drawn(self.page, units=units)
        return time.perf_counter() - start, view

    def close(self):
        self.context.close()


def map_frame(page):
    page.locator(MAP_FRAME).first.wait_for(timeout=TIMEOUT_MS)
    return page.locator(MAP_FRAME).first.element_handle().content_frame()


def wait_drawn(page, units: int | None = None, changed_from: str | None = None) -> dict:
    """Wait until the map's values are applied (``units`` shown, or a view other than ``changed_from``) and
    painted; returns ``cmView``. The frame is looked up again each time: a remount replaces it."""
    deadline = time.perf_counter() + TIMEOUT_MS / 1000
    check = """([units, old]) => { const v = window.cmView;
        if (!v || (units !== null && v.shown !== units) || (old !== null && v.id === old)) return null;
        return v; }"""
    while time.perf_counter() < deadline:
        try:
            frame = map_frame(page)
            view = frame.evaluate(check, [units, changed_from]) if frame else None
            if view:
                frame.evaluate(PAINTED_JS)
                return view
        except Exception:  # noqa: BLE001 - the frame navigated while we looked: look again
            pass
        time.sleep(0.01)
    raise TimeoutError("map not drawn in time")


def open_select(page, label: str):
    """Open the sidebar selectbox labelled ``label``."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=label)
    box.first.click()


def pick(page, label: str, option: str) -> float:
    """Choose ``option`` in the sidebar selectbox ``label``; seconds from the click to the new map drawn."""
    old = map_frame(page).evaluate("() => window.cmView && window.cmView.id")
    open_select(page, label)
    item = page.get_by_role("option", name=option, exact=True).first
    item.wait_for(timeout=TIMEOUT_MS)
    start = time.perf_counter()
    item.click()
    wait_drawn(page, changed_from=old)
    return time.perf_counter() - start


def settle(page, quiet_ms: int = 400) -> None:
    """Wait for the app to finish its run (the status widget gone) and a quiet moment."""
    try:
        page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=TIMEOUT_MS)
    except Exception:  # noqa: BLE001 - no status widget shown: already idle
        pass
    page.wait_for_timeout(quiet_ms)
