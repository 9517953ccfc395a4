"""Domain logic: indicators, aggregation, classification, gaps, views and simplification.

Pure functions on (Geo)DataFrames; no Streamlit, folium or matplotlib here.
"""
