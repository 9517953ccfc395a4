"""Atlases: one map per commune of a province (or per province) as a multi-page PDF or a ZIP of PNGs.

Every page of an atlas shares one set of class bounds, computed over the whole atlas, so the same colour means the
same value on page 1 and page 75. A commune page shows the commune's hamlets when the data have hamlets, and the
commune alone among its neighbours otherwise. ``progress(done, total, name)`` is called after every page; the
CLI prints it on stderr and the dashboard drives a progress bar with it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from typing import Callable, Iterator

import matplotlib
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages

from analysis.view import ViewSpec
from dashboard.export_data import DataSource, view_table
from dashboard.export_view import MapView, prepare_map_view
from dashboard.map_view import classify_indicator
from dashboard.static_map import SAVE_RC, figure_bytes, page_size, render_map
from loaders.text import strip_diacritics

BATCH_KINDS = ("commune", "province")
BATCH_FORMATS = ("pdf", "zip")
MIME = {"pdf": "application/pdf", "zip": "application/zip"}
Progress = Callable[[int, int, str], None]


def _page_level(source: DataSource, per: str) -> str:
    if per == "province":
        return "commune"
    return "hamlet" if source.has_level("hamlet") else "commune"


def atlas_table(source: DataSource, spec: ViewSpec, per: str) -> tuple[pd.DataFrame, ViewSpec]:
    """All rows of the atlas at once (one query, split into pages afterwards) and the atlas-wide spec."""
    if per not in BATCH_KINDS:
        raise ValueError(f"unknown batch {per!r}; choose one of: {', '.join(BATCH_KINDS)}")
    if per == "commune" and not spec.province:
        raise ValueError("a commune atlas needs a province (one page per commune of that province)")
    atlas_spec = replace(spec, level=_page_level(source, per), commune=None)
    if per == "province":
        atlas_spec = replace(atlas_spec, province=None)
    return view_table(source, atlas_spec), atlas_spec


def _groups(table: pd.DataFrame, per: str) -> list[tuple[str, str, pd.DataFrame]]:
    """(code, name, rows) of every page, in code order."""
    key, name = ("commune_code", "commune_name") if per == "commune" else ("province_code", "province_name")
    pages = []
    for code, rows in table.groupby(table[key].astype(str), sort=True):
        rows = rows.reset_index(drop=True)
        rows.attrs.update(table.attrs)
        pages.append((code, str(rows[name].iloc[0]) if name in rows.columns else code, rows))
    return pages


def atlas_views(source: DataSource, spec: ViewSpec, per: str = "commune", *, lang: str = "vi",
                scheme: str = "auto", k: int = 5) -> Iterator[tuple[str, str, MapView]]:
    """Yield ``(code, name, MapView)`` for every page of the atlas.

    Parameters
    ----------
    source : DataSource
    spec : ViewSpec
        Indicator, period, areas; ``province`` is required for a commune atlas.
    per : {"commune", "province"}
    lang, scheme, k
        As for :func:`dashboard.export_view.prepare_map_view`.
    """
    table, atlas_spec = atlas_table(source, spec, per)
    shared = classify_indicator(table["value"], atlas_spec.indicator, scheme, k)
    if per == "commune":
        context = source.units("commune", spec.province)
        context_key = "commune_code"
    else:
        context = source.provinces()
        context_key = "province_code"
    for code, name, rows in _groups(table, per):
        page_spec = replace(atlas_spec, commune=code) if per == "commune" else replace(atlas_spec, province=code)
        if per == "commune" and atlas_spec.level == "commune":
            page_spec = replace(page_spec, commune=None)  # commune-level page: the table is that commune
        highlight = None if context is None else context[context[context_key].astype(str) == code]
        view = prepare_map_view(rows, page_spec, lang=lang, scheme=scheme, k=k, metadata=source.metadata,
                                context=context, highlight=highlight, same_classes_as=shared,
                                outlines=highlight if atlas_spec.level == "hamlet" else None,
                                place=_place(rows, per, name))
        yield code, name, view


def _place(rows: pd.DataFrame, per: str, name: str) -> str:
    if per == "commune" and "province_name" in rows.columns:
        return f"{name}, {rows['province_name'].iloc[0]}"
    return name


def slug(text: str) -> str:
    """A file-name-safe ASCII form: "Xã Chiềng An" → "Xa-Chieng-An"."""
    return re.sub(r"[^A-Za-z0-9]+", "-", strip_diacritics(str(text))).strip("-") or "map"


def export_atlas(source: DataSource, spec: ViewSpec, per: str = "commune", fmt: str = "pdf", *,
                 lang: str = "vi", scheme: str = "auto", k: int = 5,
                 size: tuple[int, int] | None = None, dpi: float | None = None, paper: str = "a4",
                 progress: Progress | None = None) -> bytes:
    """The whole atlas as bytes: a multi-page PDF (``fmt="pdf"``) or a ZIP of PNGs (``fmt="zip"``).

    Parameters
    ----------
    source, spec, per, lang, scheme, k
        See :func:`atlas_views`.
    fmt : {"pdf", "zip"}
    size, dpi, paper
        Page size (see :func:`dashboard.static_map.page_size`).
    progress : callable, optional
        ``progress(done, total, name)`` after each page.
    """
    if fmt not in BATCH_FORMATS:
        raise ValueError(f"unknown atlas format {fmt!r}; choose one of: {', '.join(BATCH_FORMATS)}")
    page = page_size("pdf" if fmt == "pdf" else "png", size, dpi, paper)
    views = list(atlas_views(source, spec, per, lang=lang, scheme=scheme, k=k))
    buffer = io.BytesIO()
    if fmt == "pdf":
        with matplotlib.rc_context(SAVE_RC), PdfPages(buffer, metadata={"Title": _atlas_title(views)}) as pdf:
            for done, (code, name, view) in enumerate(views, start=1):
                pdf.savefig(render_map(view, page))
                _report(progress, done, len(views), name)
    else:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # PNGs are compressed already
            for done, (code, name, view) in enumerate(views, start=1):
                image = figure_bytes(render_map(view, page), "png", title=view.title)
                archive.writestr(f"{done:03d}_{code}_{slug(name)}.png", image)
                _report(progress, done, len(views), name)
    return buffer.getvalue()


def _atlas_title(views) -> str:
    return views[0][2].title if views else ""


def _report(progress: Progress | None, done: int, total: int, name: str) -> None:
    if progress is not None:
        progress(done, total, name)
