"""Moving around the country: drill-down from a click, the breadcrumb back up, the search box, and the
presentation's page navigation. Every move changes the view (province, commune, level, selected unit), so the
address bar always holds where the user is.

- Click a province: its communes. Click a commune: its hamlets (or, without hamlet data, its details). Click a
  hamlet: its details.
- Breadcrumb "Toàn quốc › Tỉnh Sơn La › Xã Chiềng Mung": each part goes back up; going up from a commune's
  hamlets shows the province's communes with that commune outlined.
- Search: any province, commune or hamlet by name, with or without diacritics; a province opens its communes,
  a commune opens its province with the commune outlined and its details, a hamlet its commune's hamlets.
"""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache, map_cache
from dashboard.app import state as S
from dashboard.app.escape import md_escape
from dashboard.query import ShownView
from i18n import t
from loaders.schema import KEY_COLUMN

#: Pages of the app: name → (file under dashboard/app/pages, title key). Order = the presentation's order.
PAGES = {"map": ("map_page.py", "page_map"), "gaps": ("gaps_page.py", "page_gaps"),
         "compare": ("compare_page.py", "page_compare"), "data": ("data_page.py", "page_data"),
         "about": ("about_page.py", "page_about")}
PAGE_DIR = "dashboard/app/pages"


def _set(**changes) -> None:
    """Change several view and chrome fields at once (the selection last: the others clear it)."""
    selected = changes.pop("sel", None)
    for name, value in changes.items():
        if S.get(name) != value:
            S.put(name, value)
    S.put("sel", selected)


def _has_hamlets(key: str) -> bool:
    return cache.source(key).has_level("hamlet")


def open_unit(key: str, level: str, code: str, province: str | None = None, commune: str | None = None) -> None:
    """Show a unit found by the search box (see the module docstring)."""
    if level == "province":
        _set(level="commune" if cache.source(key).has_level("commune") else "province", province=code,
             commune=None)
    elif level == "commune":
        _set(level="commune", province=province or None, commune=code)
    else:
        _set(level="hamlet", province=province or None, commune=commune or None, sel=code)


def follow_click(key: str, view: ShownView, unit: str) -> bool:
    """Drill down from a clicked unit; returns True when the view changed (the page must run again)."""
    if view.level == "province":
        if not cache.source(key).has_level("commune"):
            S.put("sel", unit)
            return False
        _set(level="commune", province=unit, commune=None)
        return True
    if view.level == "commune" and _has_hamlets(key):
        rows = view.table[view.table[view.key_column].astype(str) == unit]
        province = str(rows["province_code"].iloc[0]) if len(rows) and "province_code" in rows else view.spec.province
        _set(level="hamlet", province=province, commune=unit)
        return True
    S.put("sel", unit)
    return False


def _crumbs(key: str, view: ShownView, lang: str) -> list[tuple[str, dict | None]]:
    """(text, view changes to go there, or None for the current place) from the country down."""
    spec, names = view.spec, view.names
    up_level = "commune" if spec.level == "hamlet" else spec.level
    crumbs = [(t("all_country", lang), {"province": None, "commune": None, "level": up_level} if spec.province
               else None)]
    if spec.province:
        name = names.get("province_name") or cache.names(key, "province").get(spec.province, spec.province)
        going_up = spec.level == "hamlet" or (spec.level == "commune" and spec.commune)
        # Back up from a commune's hamlets: the province's communes, the commune we came from outlined.
        target = {"level": "commune", "commune": spec.commune if spec.level == "hamlet" else None}
        crumbs.append((name, target if going_up else None))
    if spec.commune and spec.level in ("commune", "hamlet"):
        name = names.get("commune_name") or spec.commune
        crumbs.append((name, None))
    return crumbs


def breadcrumb(key: str, view: ShownView, lang: str) -> None:
    """The path from the country to the place shown; every part above the current one is a button."""
    with st.container(horizontal=True, gap="small", vertical_alignment="center", key="breadcrumb"):
        for position, (text, target) in enumerate(_crumbs(key, view, lang)):
            if position:
                st.markdown("›")
            if target is None:
                st.markdown(f"**{md_escape(text)}**")
            else:
                st.button(md_escape(text), key=f"crumb_{position}", type="tertiary", on_click=_set, kwargs=target)


def _result_label(row, lang: str) -> str:
    parents = [row.commune_name if row.level == "hamlet" else "", row.province_name if row.level != "province"
               else ""]
    where = " · ".join(part for part in parents if part and part != "nan")
    kind = t(f"level_word.{row.level}", lang)
    return f"{row.name} · {where} ({kind})" if where else f"{row.name} ({kind})"


def search_box(key: str, lang: str) -> None:
    """A search field; the matches are buttons that open the unit."""
    text = st.text_input(t("search.label", lang), key="w_search", placeholder=t("search.placeholder", lang),
                         type="search", live=True, label_visibility="collapsed")
    if not text or len(text.strip()) < 2:
        return
    found = map_cache.search(key, text.strip())
    if found.empty:
        st.caption(md_escape(t("search.none", lang, text=text.strip())))
        return

    def choose(row):
        st.session_state["w_search"] = ""
        open_unit(key, row.level, row.code, row.province_code, row.commune_code)

    with st.container(key="search_results"):
        for index, row in enumerate(found.itertuples(index=False)):
            st.button(md_escape(_result_label(row, lang)), key=f"search_hit_{index}", type="tertiary", on_click=choose,
                      args=(row,))


def selected_unit(view: ShownView) -> tuple[str, str] | None:
    """(level, key) of the unit whose details the page shows: the clicked one, else the chosen commune."""
    if S.get("sel"):
        return view.level, S.get("sel")
    if view.spec.commune and view.level in ("commune", "hamlet"):
        return "commune", view.spec.commune
    return None


def unit_name(key: str, view: ShownView, level: str, unit: str) -> str:
    """A unit's name, from the view's rows or, for a parent, from the source."""
    name_column = f"{level}_name"
    if level == view.level:
        rows = view.table[view.table[KEY_COLUMN[level]].astype(str) == unit]
        if len(rows) and name_column in rows:
            return str(rows[name_column].iloc[0])
    if level == "commune" and view.names.get("commune_name"):
        return view.names["commune_name"]
    return cache.names(key, level, view.spec.province).get(unit, unit)


def present_nav(page: str, lang: str) -> None:
    """Previous / next page buttons of the presentation (also the ← and → keys), in the ``slides`` order."""
    slides = (S.get("slides") or ",".join(PAGES)).split(",")
    here = slides.index(page) if page in slides else -1
    previous = slides[here - 1] if here > 0 else None
    following = slides[here + 1] if here + 1 < len(slides) else None
    with st.container(horizontal=True, gap="small", vertical_alignment="center", key="present_nav"):
        if previous:
            st.button(f"◀ {t(PAGES[previous][1], lang)}", key="present_previous", shortcut="Left",
                      help=t("present.previous_help", lang), on_click=_go, args=(previous,))
        if following:
            st.button(f"{t(PAGES[following][1], lang)} ▶", key="present_next", shortcut="Right",
                      help=t("present.next_help", lang), on_click=_go, args=(following,))
        st.caption(t("present.position", lang, n=here + 1, total=len(slides)) if here >= 0 else "")


def _go(page: str) -> None:
    st.session_state["_switch_to"] = page


def switch_if_asked() -> None:
    """Go to the page a navigation button asked for (a callback may not switch pages itself)."""
    page = st.session_state.pop("_switch_to", None)
    if page:  # the address keeps the view and the presentation (a page switch would drop the parameters)
        st.switch_page(f"{PAGE_DIR}/{PAGES[page][0]}", query_params=S.params())
