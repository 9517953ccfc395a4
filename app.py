"""coverage-map dashboard: wiring only (pages live in dashboard/app/pages). Run with ``streamlit run app.py``."""

import streamlit as st

from dashboard.app import cache, components, login, state, watch
from i18n import t

lang = state.lang()
st.set_page_config(page_title=t("app_title", lang), layout="wide")
login.gate(cache.settings(), lang)  # login off (the default): nothing to do
watch.watch_for_changes(cache.settings())  # data.refresh_s > 0: a page nobody touches redraws after an apply
PAGES = "dashboard/app/pages"
pages = [
    st.Page(f"{PAGES}/map_page.py", title=t("page_map", lang), default=True),
    st.Page(f"{PAGES}/gaps_page.py", title=t("page_gaps", lang), url_path="vung-trong"),
    st.Page(f"{PAGES}/compare_page.py", title=t("page_compare", lang), url_path="so-sanh"),
    st.Page(f"{PAGES}/data_page.py", title=t("page_data", lang), url_path="du-lieu"),
    st.Page(f"{PAGES}/about_page.py", title=t("page_about", lang), url_path="gioi-thieu"),
    # The map page's own address, so a link to /ban-do opens the map instead of "page not found".
    st.Page(f"{PAGES}/map_alias.py", title=t("page_map", lang), url_path="ban-do"),
]
page = st.navigation(pages, position="hidden")
if not state.get("present"):
    components.page_links(pages[:5])
page.run()
