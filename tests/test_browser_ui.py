"""The dashboard as a leader, a planner and a report writer meet it (issue 15), in Debian's chromium at a
1366×768 laptop and a 1920×1080 projector: nothing under the legend, names on the map, search, drill-down and
the breadcrumb through the URL, presentation mode reaching every page. Screenshots go to ``tests/artifacts/ui/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
WAIT_MS = 120_000
SIZES = {"laptop": (1366, 768), "projector": (1920, 1080)}
REPO = Path(__file__).resolve().parents[1]

#: For every unit of a map's choropleth: does its box (container pixels) overlap a legend box? Returns the
#: offenders' keys, the number of units checked and the legend boxes.
UNITS_UNDER_LEGEND_JS = """() => {
  const map = window.cmMap;
  const legends = Array.from(document.querySelectorAll('.cm-legend')).map(el => el.getBoundingClientRect());
  const frame = map.getContainer().getBoundingClientRect();
  const boxes = legends.map(r => ({l: r.left - frame.left, t: r.top - frame.top, r: r.right - frame.left,
                                   b: r.bottom - frame.top}));
  const under = [];
  let checked = 0;
  window.cmChoropleth.eachLayer(layer => {
    const bounds = layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
    const a = map.latLngToContainerPoint(bounds.getNorthWest()), b = map.latLngToContainerPoint(bounds.getSouthEast());
    const box = {l: Math.min(a.x, b.x), t: Math.min(a.y, b.y), r: Math.max(a.x, b.x), b: Math.max(a.y, b.y)};
    checked += 1;
    if (boxes.some(g => box.l < g.r && g.l < box.r && box.t < g.b && g.t < box.b)) {
      under.push(layer.feature.properties.k);
    }
  });
  return {under: under, checked: checked, legends: boxes, size: [frame.width, frame.height]};
}"""


class Browser:
    """A page of the running app at one window size (the network beyond this machine is cut)."""

    def __init__(self, browser, base: str, size: tuple[int, int]):
        self.base = base
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        self.context.route("**/*", lambda route: route.continue_()
                           if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost", None)
                           else route.abort())
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, path: str, maps: int = 1) -> None:
        self.page.goto(self.base + path)
        self.wait_for_maps(maps)

    def wait_for_maps(self, maps: int = 1) -> None:
        for index in range(maps):
            self.page.frame_locator(MAP_FRAME).nth(index).locator(".cm-legend").first.wait_for(timeout=WAIT_MS)
        self.settle()
        for frame in self.frames():
            frame.wait_for_function("() => window.cmChoropleth && window.cmLabels", timeout=WAIT_MS)

    def settle(self) -> None:
        self.page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=WAIT_MS)
        self.page.wait_for_timeout(1500)  # the frame takes its width, Leaflet refits

    def frames(self):
        return [handle.content_frame() for handle in self.page.locator(MAP_FRAME).element_handles()]

    def query(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(urlparse(self.page.url).query).items()}

    def shot(self, artifacts: Path, name: str) -> None:
        folder = artifacts / "ui"
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=folder / f"{name}.png")

    def close(self) -> None:
        self.context.close()


@pytest.fixture(params=list(SIZES))
def window(request, browser, streamlit_app):
    page = Browser(browser, streamlit_app, SIZES[request.param])
    page.name = request.param
    yield page
    page.close()


def assert_nothing_under_the_legend(frame) -> dict:
    result = frame.evaluate(UNITS_UNDER_LEGEND_JS)
    assert result["legends"], "the map has a legend"
    assert result["checked"] > 0
    assert result["under"] == [], f"{len(result['under'])} units under the legend: {result['under'][:5]}"
    return result


@pytest.mark.parametrize("path, maps", [("/", 1), ("/vung-trong", 1), ("/so-sanh", 3)],
                         ids=["map", "gaps", "compare"])
def test_no_unit_lies_under_the_legend(window, path, maps, artifacts_dir):
    window.open(path, maps)
    for frame in window.frames():
        assert_nothing_under_the_legend(frame)
    window.shot(artifacts_dir, f"{path.strip('/') or 'ban-do'}_{window.name}")
    assert window.errors == []


def test_no_unit_lies_under_the_legend_in_the_html_export(browser, tmp_path, artifacts_dir):
    from analysis.view import ViewSpec
    from dashboard.query import DatasetSource, indicator_view
    from dashboard.render import formats
    from loaders.settings import load_settings

    source = DatasetSource(REPO / "data")
    path = tmp_path / "map.html"
    path.write_bytes(formats.export("html", indicator_view(source, ViewSpec(), load_settings()), source).data)
    for name, size in SIZES.items():
        context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_function("() => window.cmChoropleth && window.cmLabels", timeout=WAIT_MS)
        page.wait_for_timeout(500)
        result = assert_nothing_under_the_legend(page.main_frame)
        assert result["checked"] == 3321
        # The title box of the file covers nothing either.
        title = page.evaluate("() => { const r = document.getElementById('cm-title').getBoundingClientRect();"
                              " return r.bottom; }")
        assert title < size[1] / 4
        (artifacts_dir / "ui").mkdir(exist_ok=True)
        page.screenshot(path=artifacts_dir / "ui" / f"export-html_{name}.png")
        context.close()


def test_names_are_drawn_without_collisions(window):
    window.open("/")
    frame = window.frames()[0]
    names = frame.evaluate("""() => Array.from(document.querySelectorAll('.cm-lbl'))
        .filter(n => n.style.display !== 'none')
        .map(n => { const r = n.getBoundingClientRect();
                    return {t: n.textContent, c: n.className, l: r.left, t2: r.top, r: r.right, b: r.bottom}; })""")
    provinces = [n for n in names if "cm-lbl-province" in n["c"]]
    assert len(provinces) >= 8, names        # province names on the national map
    assert {"Quần đảo Hoàng Sa", "Quần đảo Trường Sa"} <= {n["t"] for n in names}
    assert "Biển Đông" in {n["t"] for n in names}
    units = [n for n in names if "cm-lbl-province" in n["c"]]
    for i, a in enumerate(units):
        for b in units[i + 1:]:
            assert not (a["l"] < b["r"] and b["l"] < a["r"] and a["t2"] < b["b"] and b["t2"] < a["b"]), (a, b)
    window.open("/?province=14")  # a province: its communes are named
    communes = window.frames()[0].evaluate(
        "() => Array.from(document.querySelectorAll('.cm-lbl-commune')).filter(n => n.style.display !== 'none')"
        ".map(n => n.textContent)")
    assert len(communes) >= 10, communes


def test_search_finds_a_commune_typed_without_diacritics_and_opens_it(window, artifacts_dir):
    import geopandas as gpd

    communes = gpd.read_parquet(REPO / "data" / "geo" / "communes.parquet")
    van_khanh = communes[communes["commune_name"] == "Xã Vân Khánh"].iloc[0]
    window.open("/")
    box = window.page.get_by_placeholder(re.compile("Tìm tỉnh"))
    box.fill("van khanh")
    box.press("Enter")
    hit = window.page.locator(".st-key-search_results button").first
    hit.wait_for(timeout=WAIT_MS)
    assert "Vân Khánh" in hit.inner_text()
    hit.click()
    window.page.wait_for_url(f"**commune={van_khanh['commune_code']}**", timeout=WAIT_MS)
    window.wait_for_maps()
    query = window.query()
    assert query["province"] == str(van_khanh["province_code"]) and query["commune"] == van_khanh["commune_code"]
    frame = window.frames()[0]
    frame.wait_for_function("() => window.cmHighlighted && window.cmHighlighted.length", timeout=WAIT_MS)
    assert frame.evaluate("() => window.cmHighlighted") == [van_khanh["commune_code"]]
    window.page.get_by_role("heading", name="Xã Vân Khánh").first.wait_for(timeout=WAIT_MS)  # its details
    window.shot(artifacts_dir, f"search-van-khanh_{window.name}")


def click_unit(window, key: str) -> None:
    window.frames()[0].evaluate("""(key) => { window.cmChoropleth.eachLayer(l => {
        if (l.feature.properties.k === key) { l.fire('click', {latlng: l.getBounds().getCenter()}, true); } }); }""",
                                key)


def test_drill_down_and_breadcrumb_round_trip_through_the_url(window, artifacts_dir):
    window.open("/?level=province")
    click_unit(window, "14")                                   # Tỉnh Sơn La: its communes
    window.page.wait_for_url("**province=14**", timeout=WAIT_MS)
    window.wait_for_maps()
    assert window.query().get("level") is None                 # commune level is the default
    commune = window.frames()[0].evaluate("() => Object.values(window.cmChoropleth._layers)"
                                          ".find(l => l.feature).feature.properties.k")
    click_unit(window, commune)                                # a commune: its hamlets
    window.page.wait_for_url(f"**commune={commune}**", timeout=WAIT_MS)
    window.wait_for_maps()
    assert window.query()["level"] == "hamlet" and window.query()["province"] == "14"
    crumbs = window.page.locator(".st-key-breadcrumb")
    assert "Toàn quốc" in crumbs.inner_text() and "Sơn La" in crumbs.inner_text()
    window.shot(artifacts_dir, f"drill-hamlets_{window.name}")
    # The same address in a new tab gives the same place and path.
    link = window.page.url
    window.page.goto(link)
    window.wait_for_maps()
    assert "Sơn La" in window.page.locator(".st-key-breadcrumb").inner_text()
    # Up one: the province's communes, the commune we came from outlined.
    window.page.locator(".st-key-breadcrumb button", has_text="Sơn La").click()
    window.page.wait_for_url(re.compile(r".*province=14(?!.*level=hamlet).*"), timeout=WAIT_MS)
    window.wait_for_maps()
    assert window.query().get("level") is None and window.query()["commune"] == commune
    window.frames()[0].wait_for_function("() => window.cmHighlighted && window.cmHighlighted.length",
                                         timeout=WAIT_MS)
    # Up to the country.
    window.page.locator(".st-key-breadcrumb button", has_text="Toàn quốc").click()
    window.page.wait_for_function("() => !location.search.includes('province=')", timeout=WAIT_MS)
    window.wait_for_maps()
    assert "province" not in window.query()


PAGE_TITLES = ["Tỷ lệ người dân dùng điện thoại thông minh", "Vùng trống cần ưu tiên", "So sánh", "Dữ liệu",
               "Giới thiệu"]


def test_presentation_mode_reaches_every_page_with_the_arrow_keys(window, artifacts_dir):
    window.open("/?present=1")
    for index, title in enumerate(PAGE_TITLES):
        window.page.get_by_role("heading", name=title).first.wait_for(timeout=WAIT_MS)
        window.settle()
        assert window.query().get("present") == "1"
        assert window.page.locator('[data-testid="stSidebar"]').filter(visible=True).count() == 0
        window.shot(artifacts_dir, f"present-{index + 1}_{window.name}")
        if index + 1 < len(PAGE_TITLES):
            window.page.keyboard.press("ArrowRight")
    window.page.keyboard.press("ArrowLeft")
    window.page.get_by_role("heading", name=PAGE_TITLES[-2]).first.wait_for(timeout=WAIT_MS)


def test_a_slide_sequence_from_the_url(browser, streamlit_app):
    page = Browser(browser, streamlit_app, SIZES["projector"])
    try:
        page.open("/vung-trong?present=1&slides=gaps,map,compare")
        page.page.get_by_text("Trang 1/3").first.wait_for(timeout=WAIT_MS)
        page.page.locator(".st-key-present_next button").first.click()
        page.page.get_by_role("heading", name=PAGE_TITLES[0]).first.wait_for(timeout=WAIT_MS)
        page.page.get_by_text("Trang 2/3").first.wait_for(timeout=WAIT_MS)
        assert page.query()["slides"] == "gaps,map,compare"
    finally:
        page.close()


@pytest.mark.parametrize("name, path", [("national", "/"), ("son-la", "/?province=14"),
                                        ("quang-ninh", "/?province=22"), ("an-giang", "/?province=91")])
def test_the_surroundings_are_drawn_in_the_app_and_the_png(browser, streamlit_app, artifacts_dir, name, path):
    """Issue 18: the sea, the neighbours and their names around the units, in the app and in the PNG export."""
    from analysis.view import ViewSpec
    from dashboard.query import DatasetSource, indicator_view
    from dashboard.render import formats
    from loaders.settings import load_settings

    page = Browser(browser, streamlit_app, SIZES["projector"])
    try:
        page.open(path)
        frame = page.frames()[0]
        land = frame.evaluate("() => { const c = document.querySelector('.leaflet-cmLand-pane canvas');"
                              " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                              " let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) n++; }"
                              " return n / (c.width * c.height); }")
        sea = frame.evaluate("() => getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor")
        names = frame.evaluate("() => Array.from(document.querySelectorAll('.cm-lbl-country, .cm-lbl-sea,"
                               " .cm-lbl-archipelago')).filter(n => n.style.display !== 'none').map(n => n.textContent)")
        assert land > 0.05 and sea == "rgb(221, 229, 234)"
        if name == "national":
            assert {"Trung Quốc", "Lào", "Campuchia", "Biển Đông", "Quần đảo Hoàng Sa", "Quần đảo Trường Sa"} <= set(names)
        elif name == "son-la":
            assert "Lào" in names or land > 0.05
        page.page.locator(MAP_FRAME).first.screenshot(path=artifacts_dir / "ui" / f"context-app_{name}.png")
    finally:
        page.close()
    source = DatasetSource(REPO / "data")
    query = {k: v[0] for k, v in parse_qs(urlparse(path).query).items()}
    view = indicator_view(source, ViewSpec(province=query.get("province")), load_settings())
    png = formats.export("png", view, source).data
    (artifacts_dir / "ui" / f"context-png_{name}.png").write_bytes(png)
