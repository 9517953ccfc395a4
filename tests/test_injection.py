"""Text from data is text (issue 14): unit and province names and link parameters carrying Markdown, HTML and
spreadsheet formulas show literally on every page and in every export.

The data: 15 communes of Sơn La uploaded through the Dữ liệu page's own path (stage, check, apply) whose names
are hostile (``![x](http://evil/x.png)``, ``[link](http://evil)``, ``**b**``, ``# h``, ``<img … onerror=…>``,
``</script>``, ``=1+1``, full-width ``＝1+1`` and ``＠``, small ``﹦``, ``+``, ``-``, ``@``, tab and CR prefixes), in
a province named with Markdown and a matplotlib formula. Every name ends in a sentinel (``ZQ07``): wherever a sentinel is shown,
the whole name must be shown with it, character for character, once Streamlit's Markdown is rendered (by a
CommonMark renderer with raw HTML on, stricter than Streamlit's). An interpreted name loses its punctuation
(``**b** ZQ02`` → ``b ZQ02``) and fails; a name never shown fails the "shown" assertions.
"""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import streamlit as st
from markdown_it import MarkdownIt
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from analysis.view import ViewSpec
from dashboard.app.escape import md_escape
from dashboard.query import compare_views, gap_view, indicator_view, resolve_source
from dashboard.render.formats import FORMATS, ExportOptions, export
from loaders.archive import stage_files
from loaders.dataset import DEFAULT_DATA_DIR
from loaders.ingest import apply_upload, check_upload
from loaders.settings import load_settings
from loaders.store import DirectoryStore
from loaders.store.plan import ApplyOptions

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
PAGES = {"map": None, "gaps": "gaps_page", "compare": "compare_page", "data": "data_page", "about": "about_page"}
UNIT_PAYLOADS = ["![x](http://evil/x.png)", "[link](http://evil)", "**b**", "# h", "<img src=x onerror=alert(1)>",
                 "</script><b>s</b>", "=1+1", "＝1+1", "﹦1+1", "+1", "-1", "@SUM(1)", "＠SUM(2)", "\t=2", "\r=3"]
PROVINCE_NAME = "Tỉnh **Sơn** [La](http://evil) $x^2$ <b>t</b> ZP00"
#: Link parameters (the view's fields are cut at 64 characters, ``sel`` at 32).
URL_PAYLOADS = {"province": "![x](http://evil/p.png) ZU01", "commune": "[c](http://evil) ZU02",
                "period": "**2025** <img src=x> ZU03", "sel": "# ![s](http://e/s) ZU04"}
#: Typed into the search box (matches nothing: the sentence says so).
SEARCH_PAYLOAD = "![q](http://evil/q.png) ZU05"
SENTINEL = re.compile(r"Z[QPU]\d\d")
FORMULA_START = set("=+-@\t\r")
_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


# -- the hostile dataset --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> DirectoryStore:
    folder = tmp_path_factory.mktemp("injection")
    communes = gpd.read_parquet(Path(DEFAULT_DATA_DIR) / "geo/communes.parquet")
    communes = communes[communes["province_code"] == "14"].head(len(UNIT_PAYLOADS))
    names = [f"{payload} ZQ{i:02d}" for i, payload in enumerate(UNIT_PAYLOADS)]
    gpd.GeoDataFrame({"ma_tinh": communes["province_code"].to_numpy(), "ten_tinh": PROVINCE_NAME,
                      "ma_xa": communes["commune_code"].to_numpy(), "ten_xa": names},
                     geometry=communes.geometry.to_numpy(), crs=communes.crs).to_file(folder / "ranh_gioi.geojson")
    rows = [{"Mã xã": code, "Kỳ báo cáo": period, "Số tổ CNSCĐ": 2 + later, "Số thành viên": 10,
             "Dân số từ 15 tuổi trở lên": 1000, "Số người sử dụng điện thoại thông minh": 500 + 30 * i + 50 * later}
            for later, period in enumerate(("2025-Q3", "2025-Q4"))
            for i, code in enumerate(communes["commune_code"])]
    pd.DataFrame(rows).to_csv(folder / "so_lieu.csv", index=False)
    store = DirectoryStore(folder / "store")
    for path in (folder / "ranh_gioi.geojson", folder / "so_lieu.csv"):
        staged = stage_files([path], store.staging_dir())
        check = check_upload(staged, store)
        assert check.usable, [str(e) for e in check.errors]
        apply_upload(store, staged, check, options=ApplyOptions(replace_level=True))
    return store


@pytest.fixture(scope="module")
def literal(hostile_store) -> dict[str, str]:
    """Sentinel → the name exactly as stored (the loader strips a leading tab or CR), and the URL payloads."""
    units = hostile_store.dataset().units("commune")
    units = units[units["province_code"] == "14"]
    names = {SENTINEL.search(name).group(): name for name in units["commune_name"].astype(str)}
    names["ZP00"] = str(units["province_name"].iloc[0])
    assert len(names) == len(UNIT_PAYLOADS) + 1 and names["ZP00"] == PROVINCE_NAME
    names.update({SENTINEL.search(value).group(): value for value in [*URL_PAYLOADS.values(), SEARCH_PAYLOAD]})
    return names


@pytest.fixture(scope="module")
def codes(hostile_store) -> dict[str, str]:
    """Sentinel → commune code."""
    units = hostile_store.dataset().units("commune")
    return {SENTINEL.search(name).group(): str(code)
            for code, name in zip(units["commune_code"], units["commune_name"].astype(str)) if SENTINEL.search(name)}


@pytest.fixture
def app_on_store(hostile_store, monkeypatch):
    monkeypatch.setenv("COVERAGE_MAP_STORE", str(hostile_store.root))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


# -- what the screen shows --------------------------------------------------------------------------------------------
def shown_markdown(at: AppTest) -> list[str]:
    """Every text of the page that Streamlit reads as Markdown: bodies, headings, alerts, captions, and the labels
    of buttons, metrics, expanders and checkboxes, and the cells of ``st.table``."""
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        texts += [str(element.value) for element in getattr(at, kind)]
    for kind in ("button", "metric", "expander", "checkbox", "toggle"):
        texts += [str(element.label) for element in getattr(at, kind)]
    texts += [str(element.proto.help) for element in at.metric if element.proto.help]
    for table in at.table:
        frame = table.value
        texts += [str(v) for v in frame.to_numpy().ravel()] + [str(v) for v in frame.index]
    return texts


def rendered_text(markdown: str) -> tuple[str, str]:
    """(HTML, the text a reader sees) of a Markdown text."""
    rendered = _MARKDOWN.render(markdown)
    return rendered, html.unescape(re.sub(r"<[^>]+>", "", rendered))


def _words(text: str) -> str:
    """Text as a browser lays it out (runs of white space are one space)."""
    return " ".join(text.split())


def judge_page(at: AppTest, literal: dict[str, str]) -> set[str]:
    """Every sentinel on the page comes with its whole name, literally; no image, outside link or raw HTML from
    data. Returns the sentinels shown."""
    assert not at.exception, [e.value for e in at.exception]
    shown = set()
    for markdown in shown_markdown(at):
        rendered, text = rendered_text(markdown)
        for sentinel in SENTINEL.findall(text):
            shown.add(sentinel)
            assert _words(literal[sentinel]) in _words(text), (f"{sentinel}: {literal[sentinel]!r} shown as {text!r}", markdown)
        assert "<img" not in rendered and "http://evil" not in re.sub(r">[^<]*<", "><", rendered), markdown
        assert "<script" not in rendered and "</script" not in rendered, markdown
    return shown


def run_page(page: str, params: dict, search: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    if PAGES[page]:
        at.switch_page(f"dashboard/app/pages/{PAGES[page]}.py")
        at.run()
    if search:
        at.text_input(key="w_search").set_value(search).run()
    return at


def test_the_escape_makes_every_payload_literal():
    for payload in [*UNIT_PAYLOADS, PROVINCE_NAME, *URL_PAYLOADS.values(), "a & b &amp; c", "x\n===", ":red[x]"]:
        rendered, text = rendered_text(md_escape(payload))
        assert _words(text) == _words(payload) and "<img" not in rendered, (payload, text)


@pytest.mark.parametrize("page", list(PAGES))
def test_hostile_names_and_link_parameters_show_literally_on_every_page(page, app_on_store, literal, codes):
    # the province and its communes: subtitle, breadcrumb, place line, filters, details, headline, KPI labels
    shown = judge_page(run_page(page, {"province": "14", "commune": codes["ZQ00"]}), literal)
    if page in ("map", "gaps", "compare"):
        assert "ZP00" in shown, shown  # the province's name is on the page (subtitle, breadcrumb)
    if page == "map":
        assert "ZQ00" in shown, shown  # the chosen commune: breadcrumb and details heading
    # a link whose every parameter is hostile: the sidebar's lists drop unknown places; on a projector (no
    # sidebar) the notices say what could not be shown, and the map page shows the details asked for by ``sel``
    judge_page(run_page(page, URL_PAYLOADS), literal)
    shown = judge_page(run_page(page, {"present": "1", **URL_PAYLOADS}), literal)
    if page in ("map", "gaps", "compare"):
        assert "ZU01" in shown, shown
    if page == "map":
        assert "ZU04" in shown, shown


def test_every_hostile_unit_name_shows_literally_in_details_and_search(app_on_store, literal, codes):
    shown = set()
    for typed in ("ZQ0", "ZQ1"):  # the search box lists 12 results at most
        shown |= judge_page(run_page("map", {"province": "14"}, search=typed), literal)
    assert {f"ZQ{i:02d}" for i in range(len(UNIT_PAYLOADS))} <= shown, shown  # every name is a search result
    assert "ZU05" in judge_page(run_page("map", {}, search=SEARCH_PAYLOAD), literal)  # "nothing found for …"
    for sentinel, code in codes.items():
        shown = judge_page(run_page("map", {"province": "14", "sel": code}), literal)
        assert sentinel in shown, (sentinel, shown)  # the details heading of that unit


def test_the_map_legend_names_the_province_literally(app_on_store):
    """The legend under the web map is HTML the map's script inserts: the place in its notes is escaped."""
    from test_app_pages import maps, values

    at = run_page("map", {"province": "14"})
    legends = [values(args)["legend"] for args in maps(at)]
    assert legends
    for legend in legends:
        assert "<b>t</b>" not in legend and "<img" not in legend, legend
        assert _words(PROVINCE_NAME) in _words(html.unescape(re.sub(r"<[^>]+>", " ", legend))), legend


# -- every export -----------------------------------------------------------------------------------------------------
def _views(store):
    settings = load_settings()
    source = resolve_source(settings, store=store)
    spec = ViewSpec(province="14")
    comparison = compare_views(source, spec, settings)
    return source, {"indicator": indicator_view(source, spec, settings),
                    "gaps": gap_view(source, spec, settings), "change": comparison.change}


def _starts_formula(text: str) -> bool:
    stripped = text.lstrip(" \u200b\u200c\u200d\u2060\ufeff\u200e\u200f")
    return bool(stripped) and (stripped[0] in "\t\r" or unicodedata.normalize("NFKC", stripped[0]) in FORMULA_START)


def judge_cells(cells: list[str], literal: dict[str, str]) -> None:
    """No text cell starts a formula; every hostile name is there, behind the neutralising apostrophe."""
    found = set()
    for cell in cells:
        assert not _starts_formula(cell), cell
        for sentinel in SENTINEL.findall(cell):
            found.add(sentinel)
            assert cell.removeprefix("'") == literal[sentinel].strip() or literal[sentinel].strip() in cell, cell
    assert {f"ZQ{i:02d}" for i in range(len(UNIT_PAYLOADS))} <= found, found


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_export_keeps_hostile_names_as_text(fmt, hostile_store, literal):
    source, views = _views(hostile_store)
    if fmt == "atlas":  # one page per commune (drawn like the PNG/PDF/SVG above)
        from pypdf import PdfReader

        data = export(fmt, views["indicator"], source, ExportOptions(lang="vi", size=(800, 450)),
                      settings=load_settings()).data
        pages = PdfReader(io.BytesIO(data)).pages
        assert data.startswith(b"%PDF") and len(pages) and all(page.extract_text() for page in pages)
        return
    for kind, view in views.items():
        data = export(fmt, view, source, ExportOptions(lang="vi", size=(800, 450))).data
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
            judge_cells([cell for row in rows for cell in row], literal)
        elif fmt == "xlsx":
            book = load_workbook(io.BytesIO(data))
            cells = []
            for sheet in book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                        if isinstance(cell.value, str):
                            cells.append(cell.value)
            judge_cells(cells, literal)
        elif fmt == "html":
            text = data.decode("utf-8")
            for payload in ("<img src=x onerror", "</script><b>s</b>", "<b>t</b>"):
                assert payload not in text, (kind, payload)  # never markup: escaped or encoded
            assert "ZQ04" in text and "ZP00" in text  # the names are there, as data
        elif fmt == "svg":
            root = ET.fromstring(data)  # well-formed: no markup from data broke it
            tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
            assert not tags & {"script", "img", "foreignObject", "a"}, tags
            words = " ".join(element.text or "" for element in root.iter())
            assert PROVINCE_NAME in words, kind  # the subtitle names the province literally ($…$ is no formula)
        elif fmt == "png":
            assert data.startswith(b"\x89PNG")
        elif fmt == "pdf":
            assert data.startswith(b"%PDF")
        elif fmt == "geojson":
            import json

            names = {f["properties"].get("commune_name") for f in json.loads(data)["features"]}
            assert {literal[f"ZQ{i:02d}"] for i in range(len(UNIT_PAYLOADS))} <= names  # data files keep data as is
        elif fmt == "gpkg":
            assert data[:16] == b"SQLite format 3\x00"
