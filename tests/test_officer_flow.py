"""The data officer's flow through the real app (AppTest of ``app.py``) and the CLI, on the embedded data (3,321
communes, 2024-Q1 … 2025-Q4): a new quarter for five communes keeps every earlier row, is marked partial, and the
start page stays on the last complete quarter; a correction changes only its row; an implausible row blocks apply
with its reason (issue 12, Done when)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from loaders.store import DirectoryStore
from officer_fixtures import LAST_COMPLETE, NEW_PERIOD, embedded_rows, filled_template, new_quarter, stored
from test_app_pages import values

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TIMEOUT = 300


@pytest.fixture
def store(tmp_path, monkeypatch) -> DirectoryStore:
    """An empty store (the embedded data in use) that the app and the CLI open through the settings."""
    monkeypatch.setenv("COVERAGE_MAP_STORE", str(tmp_path / "store"))
    st.cache_data.clear()
    st.cache_resource.clear()  # the app keeps one store per server: this test's server opens this one
    yield DirectoryStore(tmp_path / "store")
    st.cache_data.clear()
    st.cache_resource.clear()


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(page: str | None = None, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    run(at)
    if page:
        at.switch_page(f"dashboard/app/pages/{page}.py")
        run(at)
    return at


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "success", "error", "warning", "text", "info")
                     for e in getattr(at, kind))


def infos(at: AppTest) -> list[str]:
    """The info boxes as the reader sees them (text from data is escaped Markdown: the escapes do not show)."""
    return [re.sub(r"\\(.)", r"\1", i.value) for i in at.info]


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, data, XLSX))
    return run(at)


def preview_text(at: AppTest) -> str:
    found = [e.value for e in at.text if e.value.startswith("Tệp: ") and "\n" in e.value and ".xlsx." in e.value]
    assert len(found) == 1, texts(at)
    return found[0]


def maps(at: AppTest) -> list:
    return [el for el in at.get("component_instance") if el.proto.component_name.endswith("st_folium")]


def legend(element) -> str:
    """The legend a map shows (sent with the view's values)."""
    return values(json.loads(element.proto.json_args))["legend"]


def same(a: pd.DataFrame, b: pd.DataFrame) -> pd.Series:
    """Row by row: every cell equal (both empty counts as equal)."""
    return ((a == b) | (a.isna() & b.isna())).all(axis=1)


def period_select(at: AppTest):
    return next(s for s in at.sidebar.selectbox if s.key == "w_period")


def test_a_new_quarter_for_five_communes_keeps_every_row_and_is_marked_partial(store):
    before = stored(store)
    at = open_page("data_page")
    upload(at, "so_lieu_quy1_2026_son_la.xlsx", filled_template(new_quarter()))
    preview = preview_text(at)
    assert "Quý 1/2026: thêm 5 đơn vị (xã)." in preview
    assert "  Theo tỉnh: Tỉnh Sơn La 5." in preview
    assert ("Quý 1/2026 sẽ là kỳ mới nhất nhưng mới có số liệu của 5 / 3.321 xã: kỳ chưa đầy đủ, trang đầu vẫn mở "
            "kỳ đầy đủ gần nhất (Quý 4/2025).") in preview
    assert "  Theo tỉnh: Tỉnh Sơn La 5 / 75 xã." in preview
    assert "Mọi số liệu khác (các kỳ, các tỉnh khác) giữ nguyên." in preview
    button(at, "upload_apply").click()
    run(at)
    assert store.active_id() == "v0001" and "Đã áp dụng: phiên bản v0001 đang được dùng." in texts(at)
    after = stored(store)
    assert len(after) == len(before) + 5
    kept = after[after["period"] != NEW_PERIOD].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, before)  # every earlier row, value for value
    added = after[after["period"] == NEW_PERIOD]
    assert added["commune_code"].tolist() == new_quarter()["commune_code"].tolist()
    assert added["teams"].tolist() == new_quarter()["teams"].astype(float).tolist()

    # the start page stays on the last complete quarter and says why; the list marks the new one as partial
    at = open_page()
    assert any("Quý 4/2025" in m.value for m in at.markdown), "the subtitle names the period shown"
    notices = infos(at)
    assert "Đang hiện Quý 4/2025, kỳ đầy đủ gần nhất; Quý 1/2026 mới có số liệu của 5 / 3.321 xã" in notices
    select = period_select(at)
    assert select.options[:3] == ["Quý 4/2025 (kỳ đầy đủ gần nhất)", "Quý 1/2026 — 5 / 3.321 xã", "Quý 4/2025"]
    # for Sơn La, 5 of its 75 communes
    at = open_page(params={"province": "14"})
    assert period_select(at).options[1] == "Quý 1/2026 — 5 / 75 xã"
    # a link with the new quarter keeps it, and the KPI cards and the legend say what the figures cover
    at = open_page(params={"period": NEW_PERIOD, "province": "14"})
    assert period_select(at).value == NEW_PERIOD
    assert "Số liệu của 5 / 75 xã" in [c.value for c in at.caption]
    assert "Quý 1/2026 chưa đầy đủ: mới có số liệu của 5 / 75 xã" in infos(at)
    assert "Số liệu của 5 / 75 xã" in legend(maps(at)[0])  # in the legend


def test_every_page_says_what_a_partial_period_covers(store):
    upload(open_page("data_page"), "q1.xlsx", filled_template(new_quarter())) \
        .button(key="upload_apply").click().run()
    assert store.active_id() == "v0001"
    gaps = open_page("gaps_page", {"period": NEW_PERIOD, "province": "14"})
    assert "Quý 1/2026 chưa đầy đủ: mới có số liệu của 5 / 75 xã" in infos(gaps)
    assert "Số liệu của 5 / 75 xã" in legend(maps(gaps)[0])  # in the legend
    for params in ({"period": NEW_PERIOD}, {"pa": NEW_PERIOD}):  # the partial quarter as map B, then as map A
        compare = open_page("compare_page", {**params, "province": "14"})
        assert "Quý 1/2026 chưa đầy đủ: mới có số liệu của 5 / 75 xã" in infos(compare)
        assert "Số liệu của 5 / 75 xã" in [c.value for c in compare.caption]  # under that map's headline


def test_a_correction_for_one_unit_changes_only_that_row(store):
    before = stored(store)
    row = embedded_rows(count=1)
    row["teams"] = row["teams"] + 10
    at = open_page("data_page")
    upload(at, "sua_quy4_2025.xlsx", filled_template(row))
    preview = preview_text(at)
    assert "Quý 4/2025: cập nhật 1 đơn vị (xã)." in preview
    button(at, "upload_apply").click()
    run(at)
    after = stored(store)
    assert len(after) == len(before)
    changed = ~same(after, before)
    assert changed.sum() == 1
    old, new = before[changed].iloc[0], after[changed].iloc[0]
    assert (new["commune_code"], new["period"]) == (row["commune_code"][0], LAST_COMPLETE)
    differs = [c for c in after.columns if not (old[c] == new[c] or (pd.isna(old[c]) and pd.isna(new[c])))]
    assert differs == ["teams"] and new["teams"] == old["teams"] + 10


def test_an_implausible_row_blocks_apply_with_its_reason_until_excluded(store):
    rows = new_quarter(count=3)
    rows.loc[1, "smartphone_users"] = rows.loc[1, "population_15plus"] + 500
    at = open_page("data_page")
    upload(at, "q1_loi.xlsx", filled_template(rows))
    preview = preview_text(at)
    bad = rows.iloc[1]
    assert (f"q1_loi.xlsx, trang So lieu, dòng 6 ({bad['commune_name']}, Quý 1/2026): số người dùng điện thoại "
            f"thông minh") in preview
    assert "Chưa thể áp dụng: hãy sửa 1 dòng này trong tệp, hoặc chọn loại bỏ chúng." in preview
    assert button(at, "upload_apply").disabled
    next(c for c in at.checkbox if c.key == "upload_exclude").check()
    run(at)
    assert "1 dòng này sẽ không được áp dụng (đã chọn loại bỏ)." in preview_text(at)
    button(at, "upload_apply").click()
    run(at)
    added = stored(store)
    added = added[added["period"] == NEW_PERIOD]
    assert added["commune_code"].tolist() == [rows["commune_code"][0], rows["commune_code"][2]]
    assert "1 dòng không hợp lý đã được loại bỏ theo lựa chọn của cán bộ." in texts(at)  # in the ledger


def test_replacing_a_period_needs_its_own_confirmation(store):
    at = open_page("data_page")
    upload(at, "q4_thay.xlsx", filled_template(embedded_rows(count=2)))
    assert "Tệp không làm thay đổi số liệu nào: mọi giá trị đã có như vậy." in preview_text(at)
    assert button(at, "upload_apply").disabled  # a merge that changes nothing
    next(r for r in at.radio if r.key == "upload_mode").set_value("replace_period")
    run(at)
    preview = preview_text(at)
    assert "Thay toàn bộ Quý 4/2025: 3.319 xã không có trong tệp sẽ không còn số liệu kỳ này." in preview
    assert button(at, "upload_apply").disabled and "Hãy đánh dấu ô xác nhận" in texts(at)
    next(c for c in at.checkbox if c.key == "upload_confirm_replace_period").check()
    run(at)
    assert not button(at, "upload_apply").disabled
    assert store.active_id() is None  # nothing written until Apply


def test_an_apply_elsewhere_since_the_check_asks_for_a_new_check(store, tmp_path):
    from loaders.archive import stage_files
    from loaders.ingest import apply_upload, check_upload

    at = open_page("data_page")
    upload(at, "q1.xlsx", filled_template(new_quarter(count=2)))
    other = tmp_path / "khac.xlsx"
    other.write_bytes(filled_template(new_quarter(count=5).iloc[2:]))
    staged = stage_files([other], store.staging_dir())
    apply_upload(store, staged, check_upload(staged, store), uploaded_by="Lan")  # another officer, meanwhile
    run(at)
    assert any("Dữ liệu đang dùng đã thay đổi sau khi tệp được kiểm tra (nay là v0001, do Lan áp dụng)" in w.value
               for w in at.warning)
    assert button(at, "upload_apply").disabled
    button(at, "upload_recheck").click()
    run(at)
    assert "Quý 1/2026: thêm 2 đơn vị (xã)." in preview_text(at)
    button(at, "upload_apply").click()
    run(at)
    assert store.active_id() == "v0002"
    assert len(stored(store).query("period == @NEW_PERIOD")) == 5  # both uploads: nothing lost


def test_a_busy_store_is_a_sentence_and_nothing_changes(store):
    at = open_page("data_page")
    upload(at, "q1.xlsx", filled_template(new_quarter(count=2)))
    store.init()
    import dashboard.app.cache as cache

    cache.store().lock_timeout = 0.2  # the app's store (one per server) gives up quickly
    with DirectoryStore(store.root).lock():  # another officer's apply holds the store
        button(at, "upload_apply").click()
        run(at)
    assert any("một cán bộ khác đang áp dụng dữ liệu" in e.value for e in at.error)
    assert store.active_id() is None
    button(at, "upload_apply").click()  # the officer tries again once the other apply is done
    run(at)
    assert store.active_id() == "v0001"


# -- the same through the command line --------------------------------------------------------------------------
def cli(*args) -> int:
    from dashboard.cli import main

    return main(list(args))


def test_the_cli_adds_a_quarter_keeps_every_row_and_exports_the_last_complete_one(store, tmp_path, capsys):
    before = stored(store)
    upload_file = tmp_path / "so_lieu_quy1_2026_son_la.xlsx"
    upload_file.write_bytes(filled_template(new_quarter()))
    assert cli("store", "apply", str(upload_file), "--yes", "--lang", "vi", "--as", "Lan") == 0
    out = capsys.readouterr().out
    assert "Quý 1/2026: thêm 5 đơn vị (xã)." in out
    assert "mới có số liệu của 5 / 3.321 xã: kỳ chưa đầy đủ, trang đầu vẫn mở kỳ đầy đủ gần nhất (Quý 4/2025)" in out
    after = stored(store)
    pd.testing.assert_frame_equal(after[after["period"] != NEW_PERIOD].reset_index(drop=True), before)
    assert len(after) == len(before) + 5
    # what the start page shows, the CLI exports: the last complete quarter, unless a period is asked for
    table = tmp_path / "son_la.csv"
    assert cli("export", "--province", "14", "--format", "csv", "--out", str(table)) == 0
    exported = pd.read_csv(table, dtype=str)
    period_column = next(c for c in exported.columns if exported[c].isin([LAST_COMPLETE, "Quý 4/2025"]).all())
    assert len(exported) == 75 and period_column
    assert cli("export", "--province", "14", "--period", NEW_PERIOD, "--format", "csv", "--out", str(table)) == 0
    assert pd.read_csv(table, dtype=str)[period_column].isin([NEW_PERIOD, "Quý 1/2026"]).all()
    assert cli("store", "history") == 0 and "Lan" in capsys.readouterr().out


def test_the_cli_corrects_one_row_and_refuses_an_implausible_one(store, tmp_path, capsys):
    before = stored(store)
    row = embedded_rows(count=1)
    row["team_members"] = row["team_members"] + 7
    correction = tmp_path / "sua.xlsx"
    correction.write_bytes(filled_template(row))
    assert cli("store", "apply", str(correction), "--yes") == 0
    assert "Q4 2025: 1 units updated (communes)." in capsys.readouterr().out
    after = stored(store)
    changed = ~same(after, before)
    assert changed.sum() == 1 and after[changed]["team_members"].iloc[0] == before[changed]["team_members"].iloc[0] + 7
    bad = new_quarter(count=2)
    bad.loc[0, "smartphone_users"] = bad.loc[0, "population_15plus"] * 2
    wrong = tmp_path / "loi.xlsx"
    wrong.write_bytes(filled_template(bad))
    assert cli("store", "apply", str(wrong), "--yes") == 2
    captured = capsys.readouterr()
    assert f"loi.xlsx, sheet So lieu, row 5 ({bad['commune_name'][0]}, Q1 2026): smartphone users" in captured.out
    assert "refused as implausible" in captured.err
    assert store.active_id() == "v0001"  # nothing applied
