"""One answer to "what is shown": for a set of views of every page, the screen (the app, driven by AppTest), the
CLI given the page's address (``coverage-map export --link``) and therefore the download buttons (the same
``formats.export``, see test_formats.py) have the same rows, and the legend classes on screen are those of the
PNG/SVG. A view the screen shows differently from its files fails here."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from openpyxl import load_workbook

from dashboard.cli import main
from test_app_pages import drawn_keys, maps, run_app, values

#: (page, URL parameters): every page, levels, filters, a chosen commune at commune level, both compare modes,
#: the gap view with area toggles.
VIEWS = [
    ("ban-do", {"province": "14"}),
    ("ban-do", {"province": "14", "commune": "03646"}),                    # a chosen commune at commune level
    ("ban-do", {"level": "province", "indicator": "vneid_share", "period": "2025-Q2"}),
    ("ban-do", {"province": "14", "level": "hamlet", "commune": "03646", "indicator": "team_presence"}),
    ("ban-do", {"area": "mountainous,island", "scheme": "target", "province": "22"}),
    ("ban-do", {"province": "14", "threshold": "70", "scheme": "natural_breaks", "k": "4"}),
    ("vung-trong", {"province": "14"}),
    ("vung-trong", {"area": "island", "gi": "smartphone_share,vneid_share"}),
    ("so-sanh", {"province": "14"}),                                        # two periods: A, B and the change
    ("so-sanh", {"province": "14", "compare": "indicators", "ib": "cashless_share"}),
]
PAGE_FILE = {"ban-do": "map_page", "vung-trong": "gaps_page", "so-sanh": "compare_page"}
#: The maps each page draws, in page order, as the CLI names them (``--map``).
CLI_MAPS = {"ban-do": ["indicator"], "vung-trong": ["gaps"], "so-sanh": ["compare-a", "compare-b", "change"]}


def screen_maps(at) -> list[dict]:
    """Per map on the page: the unit keys drawn and the legend's class labels."""
    found = []
    for args in maps(at):
        # Issue 16: the units are in the geometry file the map fetches by URL; the view sends one class
        # character per unit (a space: not shown) and the legend with its values.
        shown = values(args)
        rows = [unescape(re.sub(r"<[^>]+>", "", row)) for row in re.findall(r"<div class='cm-row'>(.*?)</div>",
                                                                            shown["legend"])]
        found.append({"keys": drawn_keys(args), "legend": rows})
    return found


def cli_file(tmp_path, page: str, params: dict, which: str, fmt: str) -> bytes:
    """``coverage-map export --link <the page's address> --map <which>``: the file of one map of the page."""
    link = f"http://localhost:8501/{page}?" + "&".join(f"{k}={v}" for k, v in params.items())
    out = tmp_path / f"{which}.{fmt}"
    assert main(["export", "--link", link, "--map", which, "--out", str(out)]) == 0
    return out.read_bytes()


def csv_keys(data: bytes, level_key_header: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return [row[rows[0].index(level_key_header)] for row in rows[1:]]


KEY_HEADER = {"province": "Mã tỉnh", "commune": "Mã xã", "hamlet": "Mã thôn"}
GEO_KEY = {"province": "province_code", "commune": "commune_code", "hamlet": "hamlet_id"}


@pytest.mark.parametrize("page, params", VIEWS, ids=[f"{p}?{'&'.join(f'{k}={v}' for k, v in q.items())}"
                                                      for p, q in VIEWS])
def test_screen_cli_and_downloads_show_the_same_rows_and_classes(tmp_path, page, params):
    at = run_app(params, page=None if page == "ban-do" else PAGE_FILE[page])
    shown = screen_maps(at)
    assert len(shown) == len(CLI_MAPS[page]) - (params.get("compare") == "indicators")
    level = params.get("level", "commune")
    for screen, which in zip(shown, CLI_MAPS[page]):
        keys = sorted(screen["keys"])
        assert keys, "the map draws units"
        table = csv_keys(cli_file(tmp_path, page, params, which, "csv"), KEY_HEADER[level])
        assert sorted(table) == keys                                                  # CSV rows = map units
        if which == "gaps":                                                           # and the ranked list
            assert len(at.dataframe[0].value) == len(table)
        sheet = list(load_workbook(io.BytesIO(cli_file(tmp_path, page, params, which, "xlsx"))).worksheets[0]
                     .iter_rows(values_only=True))
        assert sorted(str(row[sheet[0].index(KEY_HEADER[level])]) for row in sheet[1:]) == keys
        features = json.loads(cli_file(tmp_path, page, params, which, "geojson"))["features"]
        assert sorted(f["properties"][GEO_KEY[level]] for f in features) == keys
        svg = ET.fromstring(cli_file(tmp_path, page, params, which, "svg"))
        texts = {"".join(node.itertext()).strip() for node in svg.iter() if node.tag.endswith("text")}
        classes = [label for label in screen["legend"] if re.search(r"\(\d[\d.]*\)$", label)]
        assert classes and all(label in texts for label in classes), (classes, sorted(texts))
