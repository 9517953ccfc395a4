"""Issue 16 in the browser, with the network cut: geometry is fetched once, a switch sends values only, and the
national hamlet map draws every hamlet with the same tooltip and click as the other levels.

Nothing here is timed (speed is measured by ``benchmarks/bench_browser.py``); requests and bytes are counted.
"""

from __future__ import annotations

import re

import pytest

from dashboard.render import geofiles
from test_browser_app import MAP_FRAME, WAIT_MS, OfflinePage

pytestmark = pytest.mark.browser

HAMLETS = 67458


@pytest.fixture()
def offline(browser, streamlit_app):
    page = OfflinePage(browser, streamlit_app)
    geometry: list[tuple[str, int]] = []
    received: list[int] = []
    page.page.on("requestfinished", lambda r: geometry.append((r.url, r.sizes()["responseBodySize"]))
                 if "/app/static/geo/" in r.url else None)
    page.page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(len(payload))))
    page.geometry, page.received = geometry, received
    yield page
    page.close()


def wait_view(offline, shown: int | None = None, other_than: str | None = None) -> dict:
    """The map's applied view (``window.cmView``) once it shows ``shown`` units / differs from ``other_than``."""
    frame = offline.map_frame()
    frame.wait_for_function("""([shown, old]) => window.cmView && (shown === null || window.cmView.shown === shown)
                               && (old === null || window.cmView.id !== old)""", arg=[shown, other_than],
                            timeout=WAIT_MS)
    return frame.evaluate("() => window.cmView")


def pick_indicator(offline, label: str) -> None:
    box = offline.page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Chỉ tiêu")
    box.first.click()
    offline.page.get_by_role("option", name=label, exact=True).first.click()


def test_an_indicator_switch_downloads_no_geometry(offline):
    offline.page.goto(offline.base + "/")
    first = wait_view(offline, shown=3321)
    (url, size), = [g for g in offline.geometry if "/geo/commune-" in g[0]]  # the commune layer, once
    fetched = len(offline.geometry)  # with the outlines of the hard areas (drawn by default), each once
    assert re.search(r"/app/static/geo/commune-[0-9a-f]{24}\.json$", url) and size > 0
    frame = offline.map_frame()
    frame.evaluate("() => { window.cmMarker = 'same document'; }")
    offline.page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=WAIT_MS)
    received_before = len(offline.received)
    pick_indicator(offline, "Tỷ lệ người dân có định danh điện tử mức 2 (VNeID)")
    second = wait_view(offline, shown=3321, other_than=first["id"])
    offline.page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=WAIT_MS)
    switch_bytes = sum(offline.received[received_before:])
    assert "VNeID" in frame.inner_text(".cm-legend")
    assert len(offline.geometry) == fetched  # nothing fetched again
    assert frame.evaluate("() => window.cmMarker") == "same document"  # the map was not rebuilt
    assert frame.evaluate("() => CM.requests") == fetched
    assert second["units"] == 3321
    geometry_bytes = (geofiles.GEO_DIR / url.rsplit("/", 1)[-1]).stat().st_size
    assert 0 < switch_bytes < geometry_bytes / 3  # values only: far less than the geometry (decoded sizes)
    assert offline.outside == [] and offline.errors == []


def test_the_national_hamlet_map_draws_every_hamlet_with_tooltip_and_click(offline, artifacts_dir):
    offline.page.goto(offline.base + "/?level=hamlet")
    view = wait_view(offline, shown=HAMLETS)
    frame = offline.map_frame()
    drawn = frame.evaluate("() => window.cmChoropleth.drawn")
    legend = frame.inner_text(".cm-legend")
    counts = [int(n.replace(".", "")) for n in re.findall(r"\(([\d.]+)\)", legend)]
    offline.page.screenshot(path=artifacts_dir / "map_national_hamlets.png")
    assert view["units"] == HAMLETS and drawn == HAMLETS  # the whole country is in view: every hamlet painted
    assert sum(counts) == HAMLETS  # the legend's classes and "no data" account for every hamlet
    share = frame.evaluate("""() => { const c = document.querySelector('.leaflet-cmChoropleth-pane canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n / (c.width * c.height); }""")
    assert share > 0.02
    # The same tooltip and click as the other levels: hover a hamlet, then click it for its details.
    target = frame.evaluate("""() => { const L0 = window.cmChoropleth, units = L0._state.units;
        let best = -1, area = 0; const b = L0._boxes;
        for (let i = 0; i < units.k.length; i++) { const a = (b[4*i+2]-b[4*i]) * (b[4*i+3]-b[4*i+1]);
            if (a > area) { area = a; best = i; } }
        const r = L0._rings[L0._ringStart[best]]; let x = 0, y = 0, n = r.length / 2;
        for (let j = 0; j < r.length; j += 2) { x += r[j]; y += r[j+1]; }
        return {k: units.k[best], n: units.n[best], x: x / n, y: y / n}; }""")
    frame.evaluate("""([x, y]) => { const lat = 90 - 360 * Math.atan(Math.exp((y - 0.5) * 2 * Math.PI)) / Math.PI;
        window.map.setView([lat, x * 360 - 180], 12, {animate: false}); }""", [target["x"], target["y"]])
    frame.wait_for_function("() => window.cmChoropleth.drawn > 0", timeout=WAIT_MS)
    point = frame.evaluate("""([x, y]) => { const lat = 90 - 360 * Math.atan(Math.exp((y - 0.5) * 2 * Math.PI)) / Math.PI;
        const p = window.map.latLngToContainerPoint([lat, x * 360 - 180]); return [p.x, p.y]; }""",
                           [target["x"], target["y"]])
    box = offline.page.locator(MAP_FRAME).first.bounding_box()
    offline.page.mouse.move(box["x"] + point[0], box["y"] + point[1])
    tooltip = offline.frame().locator(".leaflet-tooltip")
    tooltip.first.wait_for(timeout=WAIT_MS)
    name = target["n"].split(" · ")[0]
    assert name in tooltip.first.inner_text()
    offline.page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    offline.page.wait_for_url(f"**sel={target['k']}**", timeout=WAIT_MS)
    offline.page.get_by_role("heading", name=name).first.wait_for(timeout=WAIT_MS)
    assert offline.outside == [] and offline.errors == []
