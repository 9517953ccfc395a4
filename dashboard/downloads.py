"""One call per download button: ``(bytes, file name, MIME type)`` for a view, the same files as the CLI writes.

The dashboard pages wire ``st.download_button(*map_download(...))``-style buttons with these (no streamlit here).
Every function takes the dataset directory the app uses (``dashboard.data_access.data_dir()``) and the
:class:`~analysis.view.ViewSpec` on screen; the result is what ``coverage-map export`` gives for the same view.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from analysis.gaps import find_gaps
from analysis.view import ViewSpec
from dashboard import batch, html_export, static_map, tables
from dashboard.batch import slug
from dashboard.export_data import DatasetSource, map_view, view_table
from dashboard.map_view import table_period

Download = tuple[bytes, str, str]
MAP_FORMATS = (*static_map.FORMATS, "html")
GAP_COLUMNS = ("gap_score", "reason_vi", "reason_en")


def _source(data_dir) -> DatasetSource:
    from loaders.dataset import DEFAULT_DATA_DIR

    return DatasetSource(Path(data_dir or os.environ.get("COVERAGE_MAP_DATA") or DEFAULT_DATA_DIR))


def file_stem(spec: ViewSpec, table: pd.DataFrame | None = None, suffix: str = "") -> str:
    """ "smartphone_share_Son-La_2025-Q4": indicator, place (ASCII) and period, safe on every system."""
    parts = [spec.indicator]
    names = {"commune_name": spec.commune, "province_name": spec.province}
    for column, chosen in names.items():
        if chosen and table is not None and column in table.columns and len(table):
            parts.append(slug(table[column].iloc[0]))
            break
    else:
        parts.append("toan-quoc" if not spec.province else spec.province)
    if spec.areas:
        parts.append("-".join(spec.areas))
    period = (table_period(table) if table is not None else None) or spec.period
    if period:
        parts.append(str(period))
    if suffix:
        parts.append(suffix)
    return "_".join(parts)


def map_download(spec: ViewSpec, fmt: str = "png", *, data_dir=None, lang: str = "vi",
                 scheme: str = "auto", k: int = 5, size=None, dpi=None, paper: str = "a4") -> Download:
    """A map of the view: PNG (1920×1080), PDF (A4 landscape), SVG or standalone HTML.

    Examples
    --------
    >>> st.download_button("PNG", *map_download(spec, "png", data_dir=D.data_dir(), lang=lang))  # doctest: +SKIP
    """
    if fmt not in MAP_FORMATS:
        raise ValueError(f"unknown map format {fmt!r}; choose one of: {', '.join(MAP_FORMATS)}")
    view = map_view(_source(data_dir), spec, lang=lang, scheme=scheme, k=k)
    name = f"{file_stem(spec, view.table)}.{fmt}"
    if fmt == "html":
        return html_export.html_bytes(view), name, html_export.MIME
    return static_map.export_static(view, fmt, size, dpi, paper), name, static_map.MIME[fmt]


def table_download(spec: ViewSpec, fmt: str = "csv", *, data_dir=None, lang: str = "vi",
                   table: pd.DataFrame | None = None) -> Download:
    """The rows shown, as CSV (UTF-8 BOM), XLSX, GeoJSON or GeoPackage.

    ``table`` may be the page's cached view table (CSV/XLSX need no geometry); GIS formats read the geometry.
    """
    source = _source(data_dir)
    if table is None or fmt in ("geojson", "gpkg"):
        table = view_table(source, spec)
    data = tables.export_table(table, fmt, spec.level, spec.indicator, lang, info=_info(source, spec, lang))
    return data, f"{file_stem(spec, table)}.{fmt}", tables.MIME[fmt]


def gaps_download(spec: ViewSpec, indicator_keys, fmt: str = "csv", *, data_dir=None, lang: str = "vi",
                  table: pd.DataFrame | None = None, top: int | None = None) -> Download:
    """The ranked gap list of the view (gap score and reasons in words) as CSV or XLSX."""
    source = _source(data_dir)
    table = view_table(source, spec) if table is None else table
    gaps = gap_rows(table, spec, indicator_keys, top)
    data = tables.export_table(gaps, fmt, spec.level, spec.indicator, lang, info=_info(source, spec, lang),
                               extra=("rank", *GAP_COLUMNS))
    return data, f"{file_stem(spec, table, 'vung-trong')}.{fmt}", tables.MIME[fmt]


def gap_rows(table: pd.DataFrame, spec: ViewSpec, indicator_keys, top: int | None = None) -> pd.DataFrame:
    """Gaps of a view table ranked by ``gap_score`` with a 1-based ``rank``; the first ``top`` when given."""
    if "gap_score" in table.columns and "reason_vi" in table.columns:  # the gap page's table already
        gaps = table[table["reason_vi"].astype(str).str.len() > 0].sort_values("gap_score", ascending=False,
                                                                                 kind="stable")
    else:
        gaps = find_gaps(table, tuple(indicator_keys), level=spec.level)
    gaps = gaps.drop(columns=["gap_reasons"], errors="ignore").reset_index(drop=True)
    gaps.insert(0, "rank", range(1, len(gaps) + 1))
    return gaps.head(top) if top else gaps


def compare_download(spec_a: ViewSpec, spec_b: ViewSpec, fmt: str = "csv", *, data_dir=None,
                     lang: str = "vi") -> Download:
    """Two views side by side in one table (two periods or two indicators), with the change B − A."""
    source = _source(data_dir)
    a, b = view_table(source, spec_a), view_table(source, spec_b)
    key = {"province": "province_code", "commune": "commune_code", "hamlet": "hamlet_id"}[spec_a.level]
    label_a = f"value_{spec_a.period or a.attrs.get('period')}_{spec_a.indicator}"
    label_b = f"value_{spec_b.period or b.attrs.get('period')}_{spec_b.indicator}"
    merged = pd.DataFrame(a.drop(columns=[a.geometry.name], errors="ignore"))
    merged = merged.rename(columns={"value": label_a})
    merged[label_b] = merged[key].map(dict(zip(b[key], b["value"])))
    merged["change"] = merged[label_b] - merged[label_a]
    frame = tables.view_frame(merged, spec_a.level, spec_a.indicator, lang, extra=(label_a, label_b, "change"))
    data = tables.csv_bytes(frame) if fmt == "csv" else tables.xlsx_bytes(frame)
    return data, f"{file_stem(spec_a, a, 'so-sanh')}.{fmt}", tables.MIME[fmt]


def compare_views(source, spec_a: ViewSpec, spec_b: ViewSpec, *, lang: str = "vi", scheme: str = "auto", k: int = 5,
                  shared_legend: bool = True):
    """(view A, view B) of the compare page; A classified with B's bounds when ``shared_legend``."""
    view_b = map_view(source, spec_b, lang=lang, scheme=scheme, k=k)
    options = {"same_classes_as": view_b.classification} if shared_legend else {}
    return map_view(source, spec_a, lang=lang, scheme=scheme, k=k, **options), view_b


def compare_map_downloads(spec_a: ViewSpec, spec_b: ViewSpec, fmt: str = "png", *, data_dir=None,
                          lang: str = "vi", scheme: str = "auto", k: int = 5,
                          shared_legend: bool = True) -> list[Download]:
    """The two maps of the compare page, A then B.

    With ``shared_legend`` (two periods of one indicator) map A uses map B's class bounds, as the page does,
    so one colour means one value on both images.
    """
    if fmt not in static_map.FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; choose one of: {', '.join(static_map.FORMATS)}")
    view_a, view_b = compare_views(_source(data_dir), spec_a, spec_b, lang=lang, scheme=scheme, k=k,
                                   shared_legend=shared_legend)
    return [(static_map.export_static(view, fmt), f"{file_stem(spec, view.table, tag)}.{fmt}",
             static_map.MIME[fmt]) for view, spec, tag in ((view_a, spec_a, "A"), (view_b, spec_b, "B"))]


def atlas_download(spec: ViewSpec, per: str = "commune", fmt: str = "pdf", *, data_dir=None,
                   lang: str = "vi", progress=None) -> Download:
    """An atlas (one page per commune of the province, or per province) as a PDF or a ZIP of PNGs.

    ``progress(done, total, name)`` is called after each page (e.g. to move ``st.progress``).
    """
    source = _source(data_dir)
    data = batch.export_atlas(source, spec, per, fmt, lang=lang, progress=progress)
    return data, f"{file_stem(spec, None, 'atlas-' + per)}.{fmt}", batch.MIME[fmt]


def _info(source: DatasetSource, spec: ViewSpec, lang: str) -> list[tuple[str, str]]:
    """Lines of the XLSX "Thông tin" sheet: what the table is, from which data."""
    view_link = "&".join(f"{k}={v}" for k, v in spec.to_params().items())
    info = [("Chỉ tiêu" if lang == "vi" else "Indicator", spec.indicator),
            ("Bộ lọc" if lang == "vi" else "View", view_link)]
    metadata = source.metadata or {}
    if metadata.get("demo"):
        info.append(("Lưu ý" if lang == "vi" else "Note",
                     str(metadata.get("notice_en" if lang == "en" else "notice_vi") or "dữ liệu minh họa")))
    return info
