"""The Streamlit app: view state in the URL (:mod:`state`), caches around the one query (:mod:`cache`), shared
widgets (:mod:`components`), the upload panel, and one module per page (``pages/``). The only package that
imports Streamlit."""
