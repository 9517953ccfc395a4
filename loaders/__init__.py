"""Read, clean, normalise and join boundary and statistics files.

Nothing in this package knows about Streamlit, folium or matplotlib: these are plain
functions on files and (Geo)DataFrames, shared by the CLI, the app and the tests.
"""
