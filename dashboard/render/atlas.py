"""Atlases: one map per commune of a province (or per province) as a multi-page PDF or a ZIP of PNGs.

The atlas is one query (:func:`dashboard.query.indicator_view` over the whole province or country), split into
pages afterwards: every page keeps the classes of that one query, so the same colour means the same value on
page 1 and page 75. A commune page shows the commune's hamlets when the data have hamlets, and the commune among
its neighbours otherwise. ``progress(done, total, name)`` is called after every page; the CLI prints it on stderr
and the dashboard drives a progress bar with it.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from typing import Callable, Iterator

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages

from analysis.view import ViewSpec
from dashboard.query import indicator_view
from dashboard.render.sheet import MapSheet, map_sheet, part_of
from dashboard.render.static_map import SAVE_RC, figure_bytes, page_size, render_map
from dashboard.render.texts import slug
from loaders.errors import LoaderError

BATCH_KINDS = ("commune", "province")
BATCH_FORMATS = ("pdf", "zip")
MIME = {"pdf": "application/pdf", "zip": "application/zip"}
Progress = Callable[[int, int, str], None]


def atlas_spec(source, spec: ViewSpec, per: str) -> ViewSpec:
    """The one view an atlas is cut from: the province's hamlets (or communes), or the country's communes."""
    if per not in BATCH_KINDS:
        raise ValueError(f"unknown batch {per!r}; choose one of: {', '.join(BATCH_KINDS)}")
    if per == "commune" and not spec.province:
        raise LoaderError("atlas.needs_province")
    level = "commune" if per == "province" or not source.has_level("hamlet") else "hamlet"
    return replace(spec, level=level, commune=None, province=spec.province if per == "commune" else None,
                   threshold=None)


def atlas_sheets(source, spec: ViewSpec, settings, per: str = "commune", *,
                 lang: str = "vi") -> Iterator[tuple[str, str, MapSheet]]:
    """Yield ``(code, name, MapSheet)`` for every page of the atlas, in code order."""
    whole = indicator_view(source, atlas_spec(source, spec, per), settings)
    key, name_column = ("commune_code", "commune_name") if per == "commune" else ("province_code", "province_name")
    codes = whole.table[key].astype(str)
    units = source.units(whole.level, whole.spec.province)
    context = source.units("commune", spec.province) if per == "commune" else None
    for code in sorted(codes.unique()):
        rows = (codes == code).to_numpy()
        page = part_of(whole, rows, **({"commune": code} if per == "commune" else {"province": code}))
        name = str(page.table[name_column].iloc[0]) if name_column in page.table.columns else code
        place = f"{name}, {page.table['province_name'].iloc[0]}" if per == "commune" and \
            "province_name" in page.table.columns else name
        sheet = map_sheet(page, source, lang, units=units[units[key].astype(str) == code] if key in units else units,
                          context=context, place=place)
        if per == "commune" and context is not None:
            sheet.highlight = context[context["commune_code"].astype(str) == code]
            sheet.outlines = sheet.highlight if page.level == "hamlet" else None
        yield code, name, sheet


def export_atlas(source, spec: ViewSpec, settings, per: str = "commune", fmt: str = "pdf", *, lang: str = "vi",
                 size: tuple[int, int] | None = None, dpi: float | None = None, paper: str = "a4",
                 progress: Progress | None = None) -> bytes:
    """The whole atlas as bytes: a multi-page PDF (``fmt="pdf"``) or a ZIP of PNGs (``fmt="zip"``).

    Parameters
    ----------
    source, spec, settings, per, lang
        See :func:`atlas_sheets`.
    fmt : {"pdf", "zip"}
    size, dpi, paper
        Page size (see :func:`dashboard.render.static_map.page_size`).
    progress : callable, optional
        ``progress(done, total, name)`` after each page.
    """
    if fmt not in BATCH_FORMATS:
        raise ValueError(f"unknown atlas format {fmt!r}; choose one of: {', '.join(BATCH_FORMATS)}")
    page = page_size("pdf" if fmt == "pdf" else "png", size, dpi, paper)
    sheets = list(atlas_sheets(source, spec, settings, per, lang=lang))
    buffer = io.BytesIO()
    if fmt == "pdf":
        title = sheets[0][2].title if sheets else ""
        with matplotlib.rc_context(SAVE_RC), PdfPages(buffer, metadata={"Title": title}) as pdf:
            for done, (_, name, sheet) in enumerate(sheets, start=1):
                pdf.savefig(render_map(sheet, page))
                _report(progress, done, len(sheets), name)
    else:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # PNGs are compressed already
            for done, (code, name, sheet) in enumerate(sheets, start=1):
                image = figure_bytes(render_map(sheet, page), "png", title=sheet.title)
                archive.writestr(f"{done:03d}_{code}_{slug(name)}.png", image)
                _report(progress, done, len(sheets), name)
    return buffer.getvalue()


def _report(progress: Progress | None, done: int, total: int, name: str) -> None:
    if progress is not None:
        progress(done, total, name)
