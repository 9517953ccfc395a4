"""The pages' new parts without a browser (``AppTest``): the headline, KPI changes, a chosen commune, the gap
page's filters in force, bubbles, help, the map page at /ban-do."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from test_app_pages import maps, run_app as run

REPO = Path(__file__).resolve().parents[1]


def map_scripts(at: AppTest) -> list[str]:
    """Each map's script with the view's values (sent apart, as streamlit-folium's feature group)."""
    return [a["script"] + (a.get("feature_group") or "") for a in maps(at)]


def test_the_start_page_answers_where_the_gaps_are():
    at = run()
    assert any(re.fullmatch(r"[\d.]+ xã dưới mục tiêu 80 %, trong đó [\d.]+ xã miền núi, [\d.]+ xã đảo", h.value)
               for h in at.subheader), [h.value for h in at.subheader]
    (script,) = map_scripts(at)
    assert "Chưa đạt" in script and "Đạt mục tiêu" in script           # target classes by default
    assert "Miền núi" in script and "Hải đảo" in script               # the hard areas outlined
    deltas = {m.label: (m.proto.delta, m.proto.delta_description) for m in at.metric}
    average = deltas["Điện thoại thông minh"]
    assert average[0].endswith("điểm") and average[1] == "so với Quý 3/2025", deltas


def test_a_commune_chosen_at_commune_level_is_outlined_and_described():
    at = run({"province": "14"})
    at.selectbox(key="w_commune").set_value("04240").run()           # Xã Mường Lèo
    assert at.query_params["commune"] == "04240" and "level" not in at.query_params
    assert any(h.value == "Xã Mường Lèo" for h in at.subheader)
    assert at.table, "its indicators"
    (script,) = map_scripts(at)
    assert "cmHighlighted" in script and '["04240"]' in script
    assert any(b.label.startswith("Xem các thôn của Xã Mường Lèo") for b in at.button)
    crumbs = [b.label for b in at.button if b.key and b.key.startswith("crumb_")]
    assert crumbs == ["Toàn quốc", "Tỉnh Sơn La"]


def test_the_gap_page_shows_a_threshold_set_on_the_map_page_and_removes_it():
    at = run({"threshold": "60"}, page="gaps_page")
    shown = int(at.subheader[0].value.split(" ")[0].replace(".", ""))
    assert any("Ngưỡng đặt ở trang Bản đồ: điện thoại thông minh < 60 %" in w.value for w in at.warning)
    at.button(key="clear_threshold").click().run()
    assert "threshold" not in at.query_params
    assert int(at.subheader[0].value.split(" ")[0].replace(".", "")) > shown
    assert any("Đang xét" in m.value for m in at.markdown)


def test_the_gap_page_has_one_indicator_picker():
    at = run(page="gaps_page")
    assert [s.key for s in at.sidebar.selectbox if s.key == "w_indicator"] == []
    assert at.sidebar.multiselect(key="w_gap_indicators")


def test_bubbles_are_a_choice_in_the_link():
    at = run({"province": "14", "bubbles": "population_without_team"})
    (script,) = map_scripts(at)
    assert "Dân ở thôn chưa có tổ" in script
    at.selectbox(key="w_bubbles").set_value("").run()
    assert "bubbles" not in at.query_params


def test_every_page_has_help_and_the_map_answers_at_its_own_address():
    for page in ("map_page", "gaps_page", "compare_page", "data_page", "about_page"):
        at = run(page=None if page == "map_page" else page)
        assert at.get("popover"), page
    at = AppTest.from_file(str(REPO / "dashboard" / "app" / "pages" / "map_alias.py"), default_timeout=300)
    at.run()
    assert not at.exception and at.title[0].value == "Tỷ lệ người dân dùng điện thoại thông minh"
