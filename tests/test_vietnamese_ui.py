"""Every page in Vietnamese says everything in Vietnamese: no English word of the app's own labels, no raw key, no
period code ("2025-Q3"), no server path. Checked twice: on the elements the app draws (``AppTest``: every text,
option, table header and cell, metric) and in the browser (what the reader sees, the maps' legends and names
included).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from i18n import catalogue

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
PAGES = ["map_page", "gaps_page", "compare_page", "data_page", "about_page"]
#: Names that are the same in every language (software, data sources, formats, the ID's brand name).
PROPER_NAMES = {"vneid", "leaflet", "colorbrewer", "openstreetmap", "natural", "earth", "fisher", "jenks", "cynthia",
                "brewer", "apache", "vietnamadminunits", "epsg", "geojson", "geopackage", "xlsx", "html", "excel",
                "cnscđ", "world", "atlas"}
#: Streamlit's own English, which must not reach the Vietnamese page either.
STREAMLIT_WORDS = {"upload", "browse", "drag", "running", "deploy", "download", "rerun"}
#: Short English words that no Vietnamese text uses.
SHORT_WORDS = {"the", "and", "for", "map", "yes", "all", "per", "of"}
PERIOD_CODE = re.compile(r"\b\d{4}-(?:Q[1-4]|\d{2})\b")
RAW_KEY = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z_]+\.[a-z_]+(?:\.[a-z_]+)*\b")
FILE_NAME = re.compile(r"\.(?:json|csv|xlsx|zip|gpkg|geojson|parquet|png|pdf|svg|html|toml|shp|prj|dbf|shx|cpg)\b")
SERVER_PATH = re.compile(r"(?:/work/|/home/|/tmp/|/var/|/usr/|[A-Z]:\\\\)")
URL = re.compile(r"https?://\S+")
#: Markdown that is not read: link targets ("](?province=14)") and colour directives (":orange-badge[").
MARKUP = re.compile(r"\]\([^)]*\)|:[a-z]+(?:-[a-z]+)*\[")


@lru_cache(maxsize=1)
def place_syllables() -> set[str]:
    """Syllables of the data's place names: "Than" in "Xã Than Uyên" is Vietnamese, not the English "than"."""
    import pandas as pd

    names = set()
    for level in ("provinces", "communes", "hamlets"):
        frame = pd.read_parquet(REPO / "data" / "geo" / f"{level}.parquet", columns=[f"{level[:-1]}_name"])
        names |= set(frame.iloc[:, 0].astype(str))
    return {w.lower() for name in names for w in re.findall(r"[^\W\d_]+", name)}


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Words of the app's English labels that no Vietnamese label or place name uses (four letters or more)."""
    vi_words, en_words = set(place_syllables()), set()
    for vi, en in catalogue().values():
        vi_words |= {w.lower() for w in re.findall(r"[^\W\d_]+", vi)}
        en_words |= {w.lower() for w in re.findall(r"[^\W\d_]+", en)}
    return frozenset({w for w in en_words - vi_words if len(w) >= 4} - PROPER_NAMES | STREAMLIT_WORDS | SHORT_WORDS)


def problems(text: str) -> list[str]:
    """What in ``text`` is not Vietnamese UI: English words, raw keys, period codes, server paths."""
    found = []
    text = URL.sub(" ", MARKUP.sub(" ", text))
    found += [f"period code {m}" for m in PERIOD_CODE.findall(text)]
    found += [f"server path in {text[max(m.start() - 20, 0):m.end() + 20]!r}" for m in SERVER_PATH.finditer(text)]
    for match in RAW_KEY.finditer(text):
        if not FILE_NAME.match(text, match.end() - len(match.group().split(".")[-1]) - 1):
            found.append(f"raw key {match.group()}")
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", text)}
    found += [f"English word {w!r}" for w in sorted(words & english_words())]
    return found


def test_the_checker_finds_what_it_must():
    assert problems("Kỳ 2025-Q3") and problems("smartphone_share") and problems("Gaps to prioritise")
    assert problems("tệp ở /work/wt/data") and problems("help.map")
    assert not problems("Kỳ số liệu: Quý 3/2025 · VNeID mức 2 · metadata.json · https://pypi.org/project/x_y/")


def app_texts(at: AppTest) -> list[str]:
    """Every text the app put on the page: titles, text, captions, notices, metrics, options, labels, tables."""
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error",
                 "text"):
        texts += [str(element.value) for element in getattr(at, kind)]
    for metric in at.metric:
        texts += [metric.label, str(metric.value), str(metric.proto.delta or ""), metric.proto.help or ""]
    for kind in ("selectbox", "radio", "multiselect", "toggle", "button", "text_input", "number_input", "slider"):
        for widget in getattr(at, kind):
            texts.append(widget.label)
            proto = widget.proto
            texts += [str(option) for option in getattr(proto, "options", [])]
            texts.append(getattr(proto, "placeholder", "") or "")
            texts.append(getattr(proto, "help", "") or "")
    for frame in [*at.dataframe, *at.table]:
        value = frame.value
        texts += [str(column) for column in value.columns]
        texts += [str(cell) for column in value.columns for cell in value[column].tolist() if isinstance(cell, str)]
        texts += [str(index) for index in value.index if isinstance(index, str)]
    for expander in at.expander:
        texts.append(expander.label)
    return texts


@pytest.mark.parametrize("params", [{}, {"level": "province"}, {"level": "hamlet", "province": "14"},
                                    {"present": "1"}, {"province": "14", "commune": "04240", "bubbles": "teams"}],
                         ids=["default", "provinces", "hamlets", "present", "chosen-commune"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_speaks_vietnamese(page, params):
    at = AppTest.from_file(APP, default_timeout=300)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "map_page":
        at.switch_page(f"dashboard/app/pages/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    found = {problem for text in app_texts(at) for problem in problems(text)}
    assert not found, sorted(found)


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/vung-trong", "/so-sanh", "/du-lieu", "/gioi-thieu", "/ban-do",
                                  "/?present=1", "/?level=hamlet&province=14&commune=04240"])
def test_the_pages_read_in_vietnamese_in_the_browser(browser, streamlit_app, path):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(streamlit_app + path)
    page.get_by_role("heading").first.wait_for(timeout=120_000)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=120_000)
    page.wait_for_timeout(3000)
    # the map's first answer may start one more run: read the page once that run is over too
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=120_000)
    # Material icon names ("upload", "help") are glyphs, not words; Streamlit's "Skip to main content" link shows
    # only to a keyboard user on the first Tab: both are left out.
    texts = [page.evaluate("""() => { const body = document.body.cloneNode(true);
        body.querySelectorAll('[data-testid=stIconMaterial], [data-testid=stSkipToContent], script, style')
          .forEach(n => n.remove());
        document.documentElement.appendChild(body); const text = body.innerText; body.remove(); return text; }""")]
    for handle in page.locator('iframe[title="streamlit_folium.st_folium"]').element_handles():
        texts.append(handle.content_frame().evaluate("() => document.body.innerText"))
    assert "Page not found" not in texts[0]
    found = {problem for text in texts for problem in problems(text)}
    context.close()
    assert not found, sorted(found)
