"""The dashboard in Debian's chromium with the network cut off: every request must stay on this machine.

One server for the module (``streamlit_app`` fixture). Each test opens a page whose requests are routed: those to
127.0.0.1 go through, any other is aborted and recorded, and the test asserts that none was made. Screenshots go to
``tests/artifacts/`` for people to look at.
"""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
WAIT_MS = 120_000  # generous: CI has 2 cores; nothing here asserts on time


class OfflinePage:
    """A Playwright page whose requests may only go to this machine."""

    def __init__(self, browser, base: str, viewport=(1600, 1000)):
        self.base = base
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.sent: list[int] = []  # sizes of websocket messages from the browser to the app (reruns are among them)
        self.page.on("websocket", lambda ws: ws.on("framesent", lambda payload: self.sent.append(len(payload))))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        host = urlparse(url).hostname
        if url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, path: str = "") -> float:
        """Open ``path`` and wait until the map's polygons are drawn; returns the seconds it took (printed)."""
        start = time.perf_counter()
        self.page.goto(self.base + path)
        self.frame().locator(".cm-legend").wait_for(timeout=WAIT_MS)
        self.page.frame_locator(MAP_FRAME).first.locator("canvas").first.wait_for(timeout=WAIT_MS)
        return time.perf_counter() - start

    def frame(self, index: int = 0):
        return self.page.frame_locator(MAP_FRAME).nth(index)

    def map_frame(self):
        """The Frame object of the first map (to evaluate JS in it)."""
        handle = self.page.locator(MAP_FRAME).first.element_handle()
        return handle.content_frame()

    def close(self):
        self.context.close()


@pytest.fixture()
def offline(browser, streamlit_app):
    page = OfflinePage(browser, streamlit_app)
    yield page
    page.close()


def painted_share(frame) -> float:
    """Share of the map canvas's pixels that are painted (the choropleth is drawn on one canvas)."""
    return frame.evaluate("""() => {
        const canvas = document.querySelector('.leaflet-overlay-pane canvas');
        const ctx = canvas.getContext('2d');
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) painted++; }
        return painted / (canvas.width * canvas.height);
    }""")


def test_national_commune_map_draws_its_polygons_offline(offline, artifacts_dir):
    seconds = offline.open("/")
    frame = offline.map_frame()
    frame.wait_for_function("() => window.cmChoropleth && Object.keys(window.cmChoropleth._layers).length > 0",
                            timeout=WAIT_MS)
    features = frame.evaluate("() => Object.keys(window.cmChoropleth._layers).length")
    share = painted_share(frame)
    offline.page.screenshot(path=artifacts_dir / "map_national_communes.png")
    print(f"page load to national commune polygons drawn: {seconds:.1f} s; {features} features; "
          f"{share:.0%} of the canvas painted")
    assert features == 3321
    assert share > 0.02  # a blank map paints nothing; Vietnam covers a few per cent of the padded canvas
    scale_lines = frame.locator(".leaflet-control-scale-line").all_inner_texts()
    assert len(scale_lines) == 1 and scale_lines[0].endswith("km")  # metric only: no miles in Vietnam
    assert offline.outside == []
    assert offline.errors == []


def test_panning_and_zooming_do_not_rerun_the_app(offline):
    """st_folium returns only the clicked unit: moving the map sends nothing to the server."""
    offline.open("/")
    frame = offline.map_frame()
    frame.wait_for_function("() => window.map && window.cmChoropleth", timeout=WAIT_MS)
    offline.page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=WAIT_MS)
    offline.page.wait_for_timeout(2000)  # let the component report its first value (that one may rerun)
    before = len(offline.sent)
    frame.evaluate("() => { window.map.setZoom(window.map.getZoom() + 1); }")
    box = offline.page.locator(MAP_FRAME).first.bounding_box()
    offline.page.mouse.move(box["x"] + 300, box["y"] + 300)
    offline.page.mouse.down()
    offline.page.mouse.move(box["x"] + 200, box["y"] + 250, steps=5)
    offline.page.mouse.up()
    offline.page.wait_for_timeout(2000)  # streamlit-folium debounces its updates by 250 ms
    assert len(offline.sent) == before
    # The recorder does see the app being asked to rerun: a click on a unit does (it opens the unit's hamlets).
    frame.evaluate("() => { const layer = Object.values(window.cmChoropleth._layers)[0];"
                   " layer.fire('click', {latlng: layer.getBounds().getCenter()}, true); }")
    offline.page.wait_for_url("**commune=**", timeout=WAIT_MS)
    assert len(offline.sent) > before
    assert offline.outside == []


def hover_unit(offline, frame, lat: float, lng: float, name: str) -> tuple[float, float]:
    """Move the mouse over the unit at (lat, lng) until its tooltip names it; returns the page point.

    The map settles after first paint (the frame takes the container's width and Leaflet re-centres), so the
    point is recomputed until the tooltip under the mouse confirms it. The frame is deliberately left partly
    below the fold (1000 px viewport): a click must not scroll it and land on a neighbour.
    """
    tooltip = offline.frame().locator(".leaflet-tooltip")
    for _ in range(30):
        x, y = frame.evaluate("([lat, lng]) => { const p = window.map.latLngToContainerPoint([lat, lng]);"
                              " return [p.x, p.y]; }", [lat, lng])
        box = offline.page.locator(MAP_FRAME).first.bounding_box()
        offline.page.mouse.move(box["x"] + x, box["y"] + y)
        if tooltip.count() and name in tooltip.first.inner_text():
            return box["x"] + x, box["y"] + y
        offline.page.wait_for_timeout(1000)
    raise AssertionError(f"no tooltip for {name} under the mouse")


def test_click_on_a_commune_opens_its_hamlets_and_shows_its_details(offline, artifacts_dir):
    import geopandas as gpd

    communes = gpd.read_parquet(REPO_DATA / "geo" / "communes.parquet")
    target = communes.loc[communes["area_km2"].idxmax()]  # the largest commune is easy to hit
    inside = target.geometry.representative_point()
    offline.open("/")
    frame = offline.map_frame()
    frame.wait_for_function("() => window.map && window.cmChoropleth", timeout=WAIT_MS)
    x, y = hover_unit(offline, frame, inside.y, inside.x, target["commune_name"])
    offline.page.mouse.click(x, y)
    heading = offline.page.get_by_role("heading", name=target["commune_name"])
    heading.first.wait_for(timeout=WAIT_MS)
    # Drill-down: the commune's hamlets, the view in the link.
    offline.page.wait_for_url(f"**level=hamlet*commune={target['commune_code']}**", timeout=WAIT_MS)
    details = offline.page.locator('[data-testid="stTable"]').first
    details.wait_for(timeout=WAIT_MS)
    assert "Tỷ lệ người dân dùng điện thoại thông minh" in details.inner_text()
    offline.page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=WAIT_MS)  # the trend
    offline.page.screenshot(path=artifacts_dir / "map_click_details.png")
    assert offline.outside == []


def test_gap_page_lists_units(offline, artifacts_dir):
    offline.open("/vung-trong")
    count = offline.page.get_by_text("đơn vị là vùng trống")
    count.first.wait_for(timeout=WAIT_MS)
    grid = offline.page.locator('[data-testid="stDataFrame"]')
    grid.first.wait_for(timeout=WAIT_MS)
    offline.page.screenshot(path=artifacts_dir / "gaps_page.png")
    number = count.first.inner_text().split(" đơn vị")[0].replace(".", "")
    assert int(number) > 0
    assert offline.outside == []


def test_presentation_mode_hides_the_sidebar(offline, artifacts_dir):
    offline.open("/?present=1&level=province")
    offline.page.screenshot(path=artifacts_dir / "presentation_mode.png")
    assert offline.page.locator('[data-testid="stSidebar"]').filter(visible=True).count() == 0
    assert offline.page.get_by_role("heading", name="Tỷ lệ người dân dùng điện thoại thông minh").is_visible()
    assert offline.outside == []


REPO_DATA = __import__("pathlib").Path(__file__).resolve().parents[1] / "data"
