"""Server memory with 10 open sessions and over 200 reruns, ours against the naive transport (issue 16:
RSS ≤ 1.5 GB, not growing).

Ten browser tabs stay open on the dashboard (eight on the national commune map, two on the national hamlet map);
then 200 reruns are made through the sidebar, tab after tab, each to another indicator or period (so the caches
fill as a busy morning would fill them). The server's resident memory (``/proc/<pid>/status``) is read after the
tabs are open and every 50 reruns.

Run: ``python -m benchmarks.bench_memory``
"""

from __future__ import annotations

from benchmarks.bench_browser import COMMUNES, HAMLETS, INDICATORS, PERIODS, _labels
from benchmarks.browser_kit import CHROMIUM, CHROMIUM_ARGS, Page, Server, missing_reason, pick, settle
from benchmarks.common import Row, print_table

SESSIONS = [("/", COMMUNES)] * 8 + [("/?level=hamlet", HAMLETS)] * 2
RERUNS = 200


def measure(browser, naive: bool) -> dict:
    indicator_label, indicators, period_label, periods = _labels()
    choices = [(indicator_label, option) for option in indicators] + [(period_label, option) for option in periods]
    samples = []
    with Server(naive=naive) as server:
        server.wait_healthy()
        pages = []
        for path, units in SESSIONS:
            page = Page(browser, server.url, viewport=(1400, 900))
            page.open(path, units=units)
            pages.append(page)
        samples.append((0, server.rss_mb()))
        # what each tab shows, per selectbox: choosing the option already shown changes nothing (no new map)
        from analysis.indicators import get_indicator
        from analysis.view import ViewSpec

        shown = get_indicator(ViewSpec().indicator).label("vi")  # every tab opens on the default indicator
        current = [{indicator_label: shown} for _ in pages]
        for n in range(1, RERUNS + 1):
            index = (n - 1) % len(pages)
            page = pages[index]
            step = n // len(pages) + index
            label, option = choices[step % len(choices)]
            while current[index].get(label) == option:
                step += 1
                label, option = choices[step % len(choices)]
            settle(page.page, 0)
            pick(page.page, label, option)
            current[index][label] = option
            if n % 50 == 0:
                samples.append((n, server.rss_mb()))
        for page in pages:
            page.close()
    return {"samples": samples}


def run() -> tuple[list[Row], list[tuple[str, str]]]:
    reason = missing_reason()
    if reason:
        return [], [("memory", reason)]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            ours = measure(browser, naive=False)
            naive = measure(browser, naive=True)
        finally:
            browser.close()
    case = "server memory, 10 open sessions"
    trail = lambda samples: ", ".join(f"{n}: {mb:,.0f}" for n, mb in samples)  # noqa: E731
    peak = lambda samples: max(mb for _, mb in samples)  # noqa: E731
    growth = lambda samples: samples[-1][1] - dict(samples)[RERUNS // 2]  # noqa: E731
    return [
        Row(case, f"RSS, highest over {RERUNS} reruns", peak(ours["samples"]), peak(naive["samples"]), 1536, "MB",
            note=f"ours after n reruns (MB) {trail(ours['samples'])}; naive {trail(naive['samples'])}; 8 tabs on "
                 "the national communes, 2 on the national hamlets"),
        Row(case, f"RSS growth from rerun {RERUNS // 2} to {RERUNS}", growth(ours["samples"]),
            growth(naive["samples"]), 0.1 * peak(ours["samples"]), "MB",
            note="budget: flat (within 10 % of the highest RSS; caches are full by then)"),
    ], []


def main() -> None:
    rows, skipped = run()
    print_table(rows, skipped)


if __name__ == "__main__":
    main()
