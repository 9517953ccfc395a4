"""The dashboard in headless chromium against the naive transport, in the same run (issue 16, SPEC §10).

Ours: ``streamlit run app.py`` (geometry fetched once by URL, values only per switch). Naive:
:mod:`benchmarks.naive_app` (the same map sent whole on every rerun, one Leaflet path per unit, websocket
compression off: the transport before issue 16). Both on the embedded data, each behind a byte-counting proxy,
every request off the machine aborted. Medians of :data:`RUNS` runs.

* cold start: spawn the server → first national commune map drawn (disk caches kept, as after a restart);
* page load: a new browser tab (empty browser cache) → national commune polygons drawn, server warm;
* switch: pick another indicator (or period) in the sidebar → the new values drawn; each switch goes to a view
  not shown before (no server cache hit); bytes on the wire (compressed) and as decoded websocket messages;
* pan/zoom: websocket messages the browser sends while zooming and dragging (a rerun needs one);
* the national hamlet map (~67,000 units): page load to drawn and switch, the same way.

Run: ``python -m benchmarks.bench_browser``
"""

from __future__ import annotations

import time
from statistics import median

from benchmarks.browser_kit import (CHROMIUM, CHROMIUM_ARGS, Page, Server, map_frame, missing_reason, pick,
                                    settle, wait_drawn)
from benchmarks.common import Row, print_table

RUNS = 5
#: Indicators visited in order by the switches (the first is the default view).
INDICATORS = ("smartphone_share", "vneid_share", "cashless_share", "online_service_share", "digital_skills_share",
              "team_presence")
PERIODS = ("2025-Q3", "2025-Q2", "2025-Q1", "2024-Q4", "2024-Q3")
COMMUNES, HAMLETS = 3321, 67458
KB, MB = 1024, 1024 * 1024


def _labels():
    from analysis.indicators import get_indicator
    from i18n import format_period, t

    return (t("indicator", "vi"), [get_indicator(k).label("vi") for k in INDICATORS],
            t("period", "vi"), [format_period(p, "vi") for p in PERIODS])


def page_loads(browser, server: Server, path: str, units: int, runs: int = RUNS) -> dict:
    """Open ``path`` ``runs`` times, each in a new tab with an empty cache; seconds and bytes per load."""
    seconds, wire, outside = [], [], []
    for _ in range(runs):
        page = Page(browser, server.url)
        before = server.proxy.down
        took, _ = page.open(path, units=units)
        seconds.append(took)
        wire.append(server.proxy.down - before)
        outside += page.outside
        page.close()
    return {"seconds": seconds, "wire": wire, "outside": outside}


def switches(page: Page, server: Server, label: str, options) -> dict:
    """Pick each option in turn; seconds, wire bytes and websocket payload bytes per switch, geometry fetched."""
    seconds, wire, payload, geometry = [], [], [], []
    for option in options:
        settle(page.page)
        wire_before, frames_before, requests_before = server.proxy.down, len(page.received), len(page.requests)
        seconds.append(pick(page.page, label, option))
        settle(page.page)
        wire.append(server.proxy.down - wire_before)
        payload.append(sum(page.received[frames_before:]))
        geometry.append(sum("/geo/" in url for url in page.requests[requests_before:]))
    return {"seconds": seconds, "wire": wire, "payload": payload, "geometry_requests": geometry}


def pan_zoom_reruns(page: Page) -> int:
    """Websocket messages the browser sends while the map is zoomed and dragged (a rerun is one)."""
    settle(page.page, 2500)  # the component reports its first value once
    before = len(page.sent)
    frame = map_frame(page.page)
    frame.evaluate("() => { window.map.setZoom(window.map.getZoom() + 1); }")
    box = page.page.locator('iframe[title="streamlit_folium.st_folium"]').first.bounding_box()
    page.page.mouse.move(box["x"] + 300, box["y"] + 300)
    page.page.mouse.down()
    page.page.mouse.move(box["x"] + 200, box["y"] + 250, steps=8)
    page.page.mouse.up()
    frame.evaluate("() => { window.map.setZoom(window.map.getZoom() - 1); }")
    page.page.wait_for_timeout(2000)  # streamlit-folium debounces its reports by 250 ms
    return len(page.sent) - before


def measure(browser, naive: bool) -> dict:
    """Every browser figure of one server (ours or the naive one)."""
    indicator_label, indicator_options, period_label, period_options = _labels()
    out: dict = {}
    with Server(naive=naive) as server:
        out["healthy"] = server.wait_healthy()
        page = Page(browser, server.url)
        page.open("/", units=COMMUNES)
        out["cold"] = time.perf_counter() - server.started
        out["cold_outside"] = list(page.outside)
        page.close()
        out["load"] = page_loads(browser, server, "/", COMMUNES)
        page = Page(browser, server.url)
        page.open("/", units=COMMUNES)
        out["indicator"] = switches(page, server, indicator_label, indicator_options[1:])
        out["period"] = switches(page, server, period_label, period_options)
        out["pan_zoom_messages"] = pan_zoom_reruns(page)
        out["errors"] = list(page.errors)
        page.close()
        first = Page(browser, server.url)
        took, _ = first.open("/?level=hamlet", units=HAMLETS)
        out["hamlet_first_ever"] = took
        first.close()
        out["hamlet_load"] = page_loads(browser, server, "/?level=hamlet", HAMLETS)
        page = Page(browser, server.url)
        page.open("/?level=hamlet", units=HAMLETS)
        out["hamlet_switch"] = switches(page, server, indicator_label, indicator_options[1:])
        out["rss_mb"] = server.rss_mb()
        page.close()
    return out


def _runs(values, unit="s") -> str:
    if unit == "KB":
        return ", ".join(f"{v / KB:,.0f}" for v in values)
    return ", ".join(f"{v:.2f}" for v in values)


def rows_of(ours: dict, naive: dict) -> list[Row]:
    """The budget lines of issue 16 (browser part), ours against the naive transport."""
    rows = []
    case = "browser, national communes"
    rows.append(Row(case, "page load to polygons drawn (median, warm server)", median(ours["load"]["seconds"]),
                    median(naive["load"]["seconds"]), 2.5,
                    note=f"ours {_runs(ours['load']['seconds'])}; naive {_runs(naive['load']['seconds'])}; "
                         f"wire per load ours {median(ours['load']['wire']) / KB:,.0f} KB, naive "
                         f"{median(naive['load']['wire']) / KB:,.0f} KB"))
    for kind, what in (("indicator", "indicator switch"), ("period", "period switch")):
        o, n = ours[kind], naive[kind]
        rows.append(Row(case, f"{what} (median)", median(o["seconds"]), median(n["seconds"]), 0.5,
                        note=f"ours {_runs(o['seconds'])}; naive {_runs(n['seconds'])}; geometry files fetched "
                             f"ours {sum(o['geometry_requests'])}"))
        rows.append(Row(case, f"{what}: bytes on the wire (median)", median(o["wire"]) / KB,
                        median(n["wire"]) / KB, 50, "KB",
                        note=f"websocket messages decoded: ours {median(o['payload']) / KB:,.0f} KB, naive "
                             f"{median(n['payload']) / KB:,.0f} KB; ours per switch {_runs(o['wire'], 'KB')} KB"))
    rows.append(Row(case, "pan/zoom: messages to the server (reruns)", ours["pan_zoom_messages"],
                    naive["pan_zoom_messages"], 0, "msg"))
    rows.append(Row("app (demo data)", "cold start to first national map", ours["cold"], naive["cold"], 5.0,
                    note=f"server healthy after ours {ours['healthy']:.2f} s, naive {naive['healthy']:.2f} s; disk "
                         "caches kept (a restart)"))
    case = f"browser, national hamlets ({HAMLETS:,})"
    rows.append(Row(case, "first draw: page load to drawn (median, warm server)",
                    median(ours["hamlet_load"]["seconds"]), median(naive["hamlet_load"]["seconds"]), 4.0,
                    note=f"ours {_runs(ours['hamlet_load']['seconds'])} (first ever {ours['hamlet_first_ever']:.2f});"
                         f" naive {_runs(naive['hamlet_load']['seconds'])} (first ever "
                         f"{naive['hamlet_first_ever']:.2f}); wire per load ours "
                         f"{median(ours['hamlet_load']['wire']) / KB:,.0f} KB, naive "
                         f"{median(naive['hamlet_load']['wire']) / KB:,.0f} KB"))
    o, n = ours["hamlet_switch"], naive["hamlet_switch"]
    rows.append(Row(case, "indicator switch (median)", median(o["seconds"]), median(n["seconds"]), 1.0,
                    note=f"ours {_runs(o['seconds'])}; naive {_runs(n['seconds'])}; wire per switch ours "
                         f"{median(o['wire']) / KB:,.0f} KB, naive {median(n['wire']) / KB:,.0f} KB"))
    outside = ours["load"]["outside"] + ours["cold_outside"] + ours["hamlet_load"]["outside"]
    if outside or ours["errors"]:
        rows[0].note += f"; requests off the machine: {outside[:3]}; page errors: {ours['errors'][:3]}"
    return rows


def run() -> tuple[list[Row], list[tuple[str, str]]]:
    reason = missing_reason()
    if reason:
        return [], [("browser", reason)]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            ours = measure(browser, naive=False)
            naive = measure(browser, naive=True)
        finally:
            browser.close()
    return rows_of(ours, naive), []


def main() -> None:
    rows, skipped = run()
    print_table(rows, skipped)


if __name__ == "__main__":
    main()
