"""coverage-map dashboard: wiring only (pages live in dashboard/pages). Run with ``streamlit run app.py``."""

import streamlit as st

from dashboard import app_state
from dashboard.i18n import t

lang = app_state.lang()
st.set_page_config(page_title=t("app_title", lang), layout="wide")
pages = [
    st.Page("dashboard/pages/map_page.py", title=t("page_map", lang), url_path="ban-do", default=True),
    st.Page("dashboard/pages/gaps_page.py", title=t("page_gaps", lang), url_path="vung-trong"),
    st.Page("dashboard/pages/compare_page.py", title=t("page_compare", lang), url_path="so-sanh"),
    st.Page("dashboard/pages/data_page.py", title=t("page_data", lang), url_path="du-lieu"),
    st.Page("dashboard/pages/about_page.py", title=t("page_about", lang), url_path="gioi-thieu"),
]
st.navigation(pages, position="hidden" if app_state.get("present") else "sidebar").run()
