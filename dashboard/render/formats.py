"""The one registry of output formats: each is registered once with its writer, MIME type and file-name rule.

The download buttons of every page and ``coverage-map export`` both call :func:`export` with the same shown
view (:mod:`dashboard.query`), so they produce the same bytes (up to the export date printed on maps).

========  =====  ===================================================================
format    kind   what
========  =====  ===================================================================
png       map    1920×1080 slide (matplotlib), title, legend, scale bar, north arrow
pdf       map    A4/A3 landscape, fonts embedded
svg       map    text kept as text (editable titles)
html      map    the interactive web map, one file, opens offline
csv       table  UTF-8 with BOM (Excel shows Vietnamese), formulas neutralised
xlsx      table  the table and an information sheet (indicator, unit, period, area, source, link)
geojson   table  the shown layer with shapes (EPSG:4326), canonical column names
gpkg      table  the same as a GeoPackage
atlas     atlas  one page per commune (or province): a multi-page PDF or a ZIP of PNGs
========  =====  ===================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from dashboard.query import ShownView
from dashboard.render import texts
from i18n import t

# The writers are imported when a file is made: `coverage-map export --format html` then never loads matplotlib
# or openpyxl (about a second of a CLI run).


@dataclass(frozen=True)
class ExportOptions:
    """How a file is made (not what it shows: that is the view)."""

    lang: str = "vi"
    size: tuple[int, int] | None = None     # pixels (PNG, SVG; PDF too when given)
    dpi: float | None = None
    paper: str = "a4"                       # PDF: "a4" or "a3" landscape
    inset: bool = True                      # static maps: the locator inset
    link: str = ""                          # the view's address, written into the XLSX information sheet
    per: str = "commune"                    # atlases: one page per commune (of the province) or per province
    atlas_format: str = "pdf"               # atlases: "pdf" or "zip"
    progress: Callable | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ExportJob:
    view: ShownView
    source: object
    options: ExportOptions
    settings: object = None                 # atlases run their own query over the whole area


@dataclass(frozen=True)
class Format:
    name: str
    kind: str                               # "map", "table" or "atlas"
    mime: str
    suffix: str
    write: Callable[[ExportJob], bytes]


@dataclass(frozen=True)
class Export:
    data: bytes
    file_name: str
    mime: str


def _static(fmt: str):
    def write(job: ExportJob) -> bytes:
        from dashboard.render import static_map
        from dashboard.render.sheet import map_sheet

        options = job.options
        sheet = map_sheet(job.view, job.source, options.lang)
        return static_map.export_static(sheet, fmt, options.size, options.dpi, options.paper, inset=options.inset)
    return write


def _csv(job: ExportJob) -> bytes:
    from dashboard.render import tables

    return tables.csv_bytes(tables.view_frame(job.view, job.options.lang))


def _xlsx(job: ExportJob) -> bytes:
    from dashboard.render import tables

    lang = job.options.lang
    return tables.xlsx_bytes(tables.view_frame(job.view, lang), sheet=t("sheet.data", lang),
                             info=texts.info_rows(job.view, lang, job.options.link), info_sheet=t("sheet.info", lang))


def _atlas(job: ExportJob) -> bytes:
    from dashboard.render import atlas

    options = job.options
    return atlas.export_atlas(job.source, job.view.spec, job.settings, options.per, options.atlas_format,
                              lang=options.lang, size=options.size, dpi=options.dpi, paper=options.paper,
                              progress=options.progress)


def _html(job: ExportJob) -> bytes:
    from dashboard.render import html

    return html.html_bytes(job.view, job.source, job.options.lang)


def _geojson(job: ExportJob) -> bytes:
    from dashboard.render import tables

    return tables.geojson_bytes(job.view, job.source)


def _gpkg(job: ExportJob) -> bytes:
    from dashboard.render import tables

    return tables.gpkg_bytes(job.view, job.source)


FORMATS: dict[str, Format] = {fmt.name: fmt for fmt in (
    Format("png", "map", "image/png", "png", _static("png")),
    Format("pdf", "map", "application/pdf", "pdf", _static("pdf")),
    Format("svg", "map", "image/svg+xml", "svg", _static("svg")),
    Format("html", "map", "text/html", "html", _html),
    Format("csv", "table", "text/csv", "csv", _csv),
    Format("xlsx", "table", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", _xlsx),
    Format("geojson", "table", "application/geo+json", "geojson", _geojson),
    Format("gpkg", "table", "application/geopackage+sqlite3", "gpkg", _gpkg),
    Format("atlas", "atlas", "application/pdf", "pdf", _atlas),
)}
MAP_FORMATS = tuple(name for name, fmt in FORMATS.items() if fmt.kind == "map")
TABLE_FORMATS = tuple(name for name, fmt in FORMATS.items() if fmt.kind == "table")


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; choose one of: {', '.join(FORMATS)}") from None


def file_name(view: ShownView, name: str, options: ExportOptions | None = None) -> str:
    """The file name of a view in a format: what, where, when ("smartphone_share_Tinh-Son-La_2025-Q4.png")."""
    fmt = get_format(name)
    if fmt.kind == "atlas":
        options = options or ExportOptions()
        return f"{texts.file_stem(view, 'atlas-' + options.per)}.{options.atlas_format}"
    return f"{texts.file_stem(view)}.{fmt.suffix}"


def mime_of(name: str, options: ExportOptions | None = None) -> str:
    fmt = get_format(name)
    if fmt.kind == "atlas" and options is not None:
        from dashboard.render import atlas

        return atlas.MIME[options.atlas_format]
    return fmt.mime


def export(name: str, view: ShownView, source, options: ExportOptions | None = None, settings=None) -> Export:
    """The file of ``view`` in format ``name``: its bytes, file name and MIME type.

    Parameters
    ----------
    name : str
        A key of :data:`FORMATS`.
    view : ShownView
        What is shown (:mod:`dashboard.query`): the file has exactly its rows, values and classes.
    source : DataSource
        Where the view's shapes and surroundings come from.
    options : ExportOptions, optional
    settings : Settings, optional
        Needed by atlases only (they query the whole area once).
    """
    options = options or ExportOptions()
    fmt = get_format(name)
    data = fmt.write(ExportJob(view, source, options, settings))
    return Export(data, file_name(view, name, options), mime_of(name, options))
