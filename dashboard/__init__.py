"""Presentation: folium maps, static export, tables, the CLI and the Streamlit pages."""
