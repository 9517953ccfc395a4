"""Static maps for reports and slides: PNG, PDF and SVG rendered with matplotlib (offline, no browser).

The map is drawn in a metric CRS (VN-2000 / UTM 48N or 49N, the national grid) so the scale bar is true. Geometry
is simplified to half a pixel at the output size and drawn as one :class:`~matplotlib.collections.PathCollection`
per fill style, which keeps the national commune map within its time budget (SPEC §10). Units too small to see at
the output size (islands such as Bạch Long Vĩ or Trường Sa on the national map) get a dot in their class colour, so
they do not vanish. Text stays text in SVG (``svg.fonttype = 'none'``); PDF embeds TrueType fonts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede any pyplot import elsewhere in the process

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.path import Path  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from PIL import Image  # noqa: E402
from PIL.PngImagePlugin import PngInfo  # noqa: E402
from pyproj import Transformer  # noqa: E402

from dashboard.query.hamlets import approximate_rows  # noqa: E402
from dashboard.render import static_layout as layout_mod  # noqa: E402
from dashboard.render import static_map_context as static_context  # noqa: E402
from dashboard.render.palettes import NO_DATA_COLOUR, NO_DATA_HATCH  # noqa: E402
from dashboard.render.sheet import MapSheet  # noqa: E402
from dashboard.render.tiny import tiny_parts as find_tiny  # noqa: E402
from i18n import t  # noqa: E402
from loaders.boundaries import simplify_below  # noqa: E402

FORMATS = ("png", "pdf", "svg")
MIME = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml"}
DEFAULT_SIZE = (1920, 1080)
#: Vertices of one shape above which it is made smaller before Douglas-Peucker (which crashed at 100,000 on a
#: comb-like ring; see :func:`simplify`).
SAFE_VERTICES = 20_000
DEFAULT_DPI = 150
PAPER_MM = {"a4": (297.0, 210.0), "a3": (420.0, 297.0)}  # landscape
#: Text as text in SVG (editable titles); TrueType (Type 42) fonts embedded in PDF.
SAVE_RC = {"svg.fonttype": "none", "pdf.fonttype": 42, "font.family": "DejaVu Sans"}
#: Vietnamese provinces around the map: the same near-white as Vietnam's land, with grey province lines.
CONTEXT_FILL = static_context.VIETNAM_FILL
CONTEXT_EDGE = "#8a8a8a"
HIGHLIGHT = "#b2182b"


@dataclass(frozen=True)
class PageSize:
    """Size of the output: inches and dots per inch (a PNG has ``width_in * dpi`` pixels)."""

    width_in: float
    height_in: float
    dpi: float


def page_size(fmt: str, size: tuple[int, int] | None = None, dpi: float | None = None,
              paper: str = "a4") -> PageSize:
    """The page for a format: pixels for PNG/SVG (default 1920×1080), paper for PDF (default A4 landscape).

    Parameters
    ----------
    fmt : str
        "png", "pdf" or "svg".
    size : (width, height) in pixels, optional
        Overrides the paper size of a PDF too.
    dpi : float, optional
        Dots per inch (default 150): the pixel size of a PNG stays ``size``; only its physical size changes.
    paper : str
        "a4" or "a3" (landscape), for PDF.
    """
    dpi = float(dpi or DEFAULT_DPI)
    if fmt == "pdf" and size is None:
        width_mm, height_mm = PAPER_MM[paper.lower()]
        return PageSize(width_mm / 25.4, height_mm / 25.4, dpi)
    width, height = size or DEFAULT_SIZE
    return PageSize(width / dpi, height / dpi, dpi)


def metric_crs(bounds) -> str:
    """VN-2000 / UTM zone of the view's centre: 48N (EPSG:3405) west of 108°E, 49N (EPSG:3406) east of it."""
    centre = (bounds[0] + bounds[2]) / 2
    return "EPSG:3405" if centre < 108 else "EPSG:3406"


def project(geometries, crs: str) -> np.ndarray:
    """Geometries (EPSG:4326) transformed to ``crs``, vertex arrays in one call."""
    transformer = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    array = np.asarray(geometries, dtype=object)
    return shapely.transform(array, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _under_safe_size(geometries: np.ndarray) -> np.ndarray:
    """The shapes with more than :data:`SAFE_VERTICES` vertices simplified below it (see :func:`simplify`)."""
    huge = np.flatnonzero(shapely.get_num_coordinates(geometries) > SAFE_VERTICES)
    if not len(huge):
        return geometries
    geometries = geometries.copy()
    for index in huge:
        geometries[index] = simplify_below(geometries[index], SAFE_VERTICES)
    return geometries


def simplify(geometries: np.ndarray, tolerance: float) -> np.ndarray:
    """Drop vertices closer than ``tolerance`` (half a pixel): invisible at the output size.

    Each unit is simplified on its own; at half a pixel the slivers this can open between neighbours are
    below what a 1920-pixel image can show. (Coverage simplification, :mod:`analysis.simplify`, takes ~4.7 s for
    the national commune layer: more than the whole export budget.) A unit that would collapse keeps its
    shape, so no commune disappears from the map.

    GEOS's Douglas-Peucker recurses once per vertex of a comb-like ring: a unit of 400,001 vertices crashed the
    whole server (SIGSEGV, issue 14). Uploads are capped by the loaders; shapes from elsewhere (a dataset
    directory) above :data:`SAFE_VERTICES` are first brought under it by the loaders' iterative simplification.
    """
    geometries = _under_safe_size(np.asarray(geometries, dtype=object))
    simplified = shapely.simplify(geometries, tolerance, preserve_topology=False)
    collapsed = shapely.is_empty(simplified) & ~shapely.is_empty(geometries)
    if collapsed.any():
        simplified[collapsed] = geometries[collapsed]
    return simplified


def _project_coarse(geometries, crs: str, units_per_px: float) -> np.ndarray:
    """Simplify to a quarter pixel in degrees (cheap), then project: far fewer vertices to transform."""
    degrees_per_px = units_per_px / 111_000.0
    return project(simplify(np.asarray(geometries, dtype=object), degrees_per_px / 4), crs)


def polygon_paths(geometries) -> tuple[list[Path], np.ndarray]:
    """One matplotlib Path per polygon part (holes included), and the index of the geometry it belongs to."""
    parts, owner = shapely.get_parts(np.asarray(geometries, dtype=object), return_index=True)
    polygons = shapely.get_type_id(parts) == 3  # make_valid can leave lines and points in collections
    # Shells counter-clockwise, holes clockwise: with the non-zero fill rule holes then stay empty.
    parts, owner = shapely.orient_polygons(parts[polygons]), owner[polygons]
    if not len(parts):
        return [], np.empty(0, dtype=int)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    ring_start = np.r_[True, coord_ring[1:] != coord_ring[:-1]]
    codes[ring_start] = Path.MOVETO
    codes[np.r_[ring_start[1:], True]] = Path.CLOSEPOLY
    coord_part = ring_part[coord_ring]
    cuts = np.flatnonzero(coord_part[1:] != coord_part[:-1]) + 1
    paths = [Path(v, c) for v, c in zip(np.split(coords, cuts), np.split(codes, cuts))]
    kept_parts = np.unique(coord_part)  # parts whose rings all collapsed have no coordinates
    return paths, owner[kept_parts]


def _collection(geometries, facecolors, **style) -> PathCollection | None:
    paths, owner = polygon_paths(geometries)
    if not paths:
        return None
    colours = np.asarray(facecolors, dtype=object)
    facecolor = list(colours[owner]) if colours.ndim and len(colours) == len(geometries) else facecolors
    return PathCollection(paths, facecolors=facecolor, **style)


def _draw_units(ax, view: MapSheet, geometries: np.ndarray, units_per_px: float, edge_width: float,
                crs: str = "EPSG:3405") -> None:
    """The choropleth: class colours, hatched "no data", dots for units too small to see."""
    classes = np.asarray(view.classification.class_of)
    colours = np.array(view.colours + [NO_DATA_COLOUR], dtype=object)[classes]  # −1 → no-data colour
    has_data = classes >= 0
    simplified = simplify(geometries, units_per_px / 2)
    filled = _collection(simplified[has_data], colours[has_data], edgecolors="white", linewidths=edge_width,
                         zorder=2)
    no_data = _collection(simplified[~has_data], NO_DATA_COLOUR, edgecolors="white", linewidths=edge_width,
                          hatch=layout_mod.NO_DATA_HATCH_PATTERN, hatchcolor=NO_DATA_HATCH, zorder=2)
    for collection in (filled, no_data):
        if collection is not None:
            ax.add_collection(collection, autolim=False)
    # Hamlets known only by a point (SPEC §2) are drawn as markers; islands under 2 pixels (each part: the
    # islands of Hoàng Sa and Trường Sa, Bạch Long Vĩ) as small dots.
    is_point = np.isin(shapely.get_type_id(geometries), (0, 4))
    tiny = find_tiny(geometries, 2 * units_per_px, 2 * units_per_px, 4 * units_per_px)
    if is_point.any():
        points = shapely.get_coordinates(shapely.point_on_surface(geometries[is_point]))
        _dots(ax, points[:, 0], points[:, 1], colours[is_point], 7.0)
    if len(tiny.x):
        _dots(ax, tiny.x, tiny.y, colours[tiny.owner], 3.5)
    # Hamlet areas made from hamlet points (issue 11): the points themselves, where the hamlet really is.
    marked = approximate_rows(view.table) & ~is_point
    if marked.any():
        size_pt = 3.0 * 72 / ax.figure.dpi
        x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(
            view.table["point_lon"].to_numpy(float)[marked], view.table["point_lat"].to_numpy(float)[marked])
        ax.scatter(x, y, s=size_pt ** 2, c="#222222", linewidths=0, zorder=4)


def _dots(ax, x, y, colours, pixels: float) -> None:
    size_pt = pixels * 72 / ax.figure.dpi
    ax.scatter(x, y, s=size_pt ** 2, c=list(colours), edgecolors="#444444", linewidths=0.3, zorder=4)


def _draw_context(ax, view: MapSheet, crs: str, xlim, ylim, units_per_px: float, edge_width: float,
                  fontsize: float, strip: float) -> None:
    """Surrounding units in light grey below the map and their borders (province lines) above it."""
    if view.context is None or not len(view.context):
        return
    window = shapely.box(xlim[0], ylim[0], xlim[1], ylim[1])
    geometries = _project_coarse(view.context.geometry.to_numpy(), crs, units_per_px)
    geometries = simplify(geometries, units_per_px / 2)
    inside = shapely.intersects(geometries, window)
    geometries, context = geometries[inside], view.context[inside]
    below = _collection(geometries, CONTEXT_FILL, edgecolors="none", zorder=1)
    lines = _collection(geometries, "none", edgecolors=CONTEXT_EDGE, linewidths=edge_width * 2.2, zorder=3)
    for collection in (below, lines):
        if collection is not None:
            ax.add_collection(collection, autolim=False)
    if view.highlight is not None and len(context) > 1:
        # Names stay out of the strip kept for the scale bar and the north arrow.
        above_strip = shapely.box(xlim[0], ylim[0] + (ylim[1] - ylim[0]) * strip,
                                  xlim[1], ylim[1])
        _label_neighbours(ax, geometries, context, view.highlight, above_strip, fontsize, units_per_px)
    # A neat line: the grey surroundings end at the frame, not in mid-air.
    ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, fill=False, edgecolor="#9a9a9a",
                           linewidth=0.6, clip_on=False, zorder=5))


def _label_neighbours(ax, geometries, context, highlight, window, fontsize: float, units_per_px: float) -> None:
    """Names of the surrounding units (e.g. neighbouring provinces) where the whole name fits inside them."""
    name_column = next((c for c in ("province_name", "commune_name") if c in context.columns), None)
    if name_column is None:
        return
    shown = set(highlight.get(name_column, []))
    visible = shapely.intersection(geometries, window)
    units_per_pt = units_per_px * ax.figure.dpi / 72
    for geometry, name in zip(visible, context[name_column].astype(str)):
        if name in shown or shapely.is_empty(geometry):
            continue
        # The centre of the widest part; the name is drawn only if its box fits in that circle's band.
        circle = shapely.maximum_inscribed_circle(geometry, shapely.area(window) ** 0.5 / 200)
        centre, radius = shapely.get_point(circle, 0), shapely.length(circle)
        half_width = len(name) * 0.3 * fontsize * units_per_pt
        half_height = 0.6 * fontsize * units_per_pt
        if radius < half_height * 1.5 or not shapely.contains(geometry, shapely.box(
                centre.x - half_width, centre.y - half_height, centre.x + half_width, centre.y + half_height)):
            continue
        ax.text(centre.x, centre.y, name, ha="center", va="center", fontsize=fontsize, color="#8a8a8a",
                style="italic", zorder=3, clip_on=True)


def _draw_inset(fig: Figure, rect, view: MapSheet, crs: str, page: PageSize, fontsize: float) -> None:
    """Locator: the country on the sea among its neighbours, the part shown filled in the accent colour, and
    the archipelagos named."""
    ax = fig.add_axes(rect, label="inset")
    ax.set_axis_off()
    # About 200 pixels for the whole country: a tolerance of ~0.02° is plenty before projecting.
    context = _project_coarse(view.context.geometry.to_numpy(), crs, 2000.0)
    highlight = _project_coarse(view.highlight.geometry.to_numpy(), crs, 2000.0)
    bounds = shapely.total_bounds(context)
    box_w, box_h = rect[2] * page.width_in, rect[3] * page.height_in
    xlim, ylim = layout_mod.fit_extent(bounds, box_w, box_h, strip=0.0, pad=0.02)
    units_per_px = (xlim[1] - xlim[0]) / (box_w * page.dpi)
    static_context.draw_land(ax, view.surroundings, crs, xlim, ylim, project, _collection, simplify,
                             units_per_px)
    for geometries, face, edge in ((context, "#dddddd", "white"), (highlight, HIGHLIGHT, HIGHLIGHT)):
        collection = _collection(simplify(geometries, units_per_px), face, edgecolors=edge, linewidths=0.3)
        if collection is not None:
            ax.add_collection(collection, autolim=False)
    if view.surroundings is not None:
        archipelagos = replace(view.surroundings,
                               labels=view.surroundings.labels[view.surroundings.labels["kind"] == "archipelago"])
        static_context.draw_labels(ax, archipelagos, view.lang, crs, xlim, ylim, fontsize * 0.75)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, fill=False, edgecolor="#999999",
                           linewidth=0.6, clip_on=False))


def _aspect(bounds) -> float:
    width, height = max(bounds[2] - bounds[0], 1.0), max(bounds[3] - bounds[1], 1.0)
    return height / width


def render_map(view: MapSheet, page: PageSize | None = None, *, inset: bool = True) -> Figure:
    """Draw a view as a complete map page.

    Parameters
    ----------
    view : MapSheet
        From :func:`dashboard.render.sheet.map_sheet`.
    page : PageSize, optional
        Default 1920×1080 pixels at 150 dpi.
    inset : bool
        Draw the locator inset (when the view has ``context`` and ``highlight``).

    Returns
    -------
    Figure
        Not attached to pyplot (safe in a server); save it with :func:`figure_bytes`.
    """
    page = page or page_size("png")
    fig = Figure(figsize=(page.width_in, page.height_in), dpi=page.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    fonts = layout_mod.Fonts.for_height(page.height_in)
    geometries = view.table.geometry.to_numpy()
    has_geometry = ~shapely.is_empty(geometries) & ~shapely.is_missing(geometries)
    bounds = shapely.total_bounds(geometries[has_geometry]) if has_geometry.any() else (102, 8, 110, 23.5)
    crs = metric_crs(bounds)
    # A first cut at a fraction of a pixel (estimated before the layout) makes projecting cheap.
    pixel = (bounds[2] - bounds[0]) * 111_000.0 / (page.width_in * page.dpi)
    projected = _project_coarse(geometries, crs, pixel)
    data_bounds = shapely.total_bounds(projected[has_geometry]) if has_geometry.any() else (0, 0, 1, 1)
    with_inset = inset and view.context is not None and view.highlight is not None and len(view.highlight)
    badge = t("demo_badge", view.lang) if view.demo else None
    plan = layout_mod.plan_layout(page.width_in, page.height_in, view.title, view.subtitle, fonts,
                                  bool(with_inset), _aspect(data_bounds), footer=(view.source_line, view.notice),
                                  badge=badge)
    ax = fig.add_axes(plan.map, label="map")
    ax.set_axis_off()
    box_w, box_h = plan.map[2] * page.width_in, plan.map[3] * page.height_in
    xlim, ylim = layout_mod.fit_extent(data_bounds, box_w, box_h, strip=plan.strip)
    units_per_px = (xlim[1] - xlim[0]) / (box_w * page.dpi)
    # Borders thin enough not to swallow small communes on the national map, visible on a province map.
    edge_width = float(np.clip(0.6 / np.sqrt(max(len(geometries), 1) / 60), 0.12, 0.6))
    static_context.draw_land(ax, view.surroundings, crs, xlim, ylim, project, _collection, simplify, units_per_px)
    _draw_context(ax, view, crs, xlim, ylim, units_per_px, edge_width, fonts.footer, plan.strip)
    _draw_units(ax, view, projected, units_per_px, edge_width, crs)
    static_context.draw_labels(ax, view.surroundings, view.lang, crs, xlim, ylim, fonts.footer, plan.strip)
    if view.outlines is not None and len(view.outlines):
        lines = _collection(simplify(_project_coarse(view.outlines.geometry.to_numpy(), crs, units_per_px),
                                     units_per_px / 2), "none", edgecolors="#3a3a3a",
                            linewidths=max(edge_width * 2, 0.5), zorder=2.5)
        if lines is not None:
            ax.add_collection(lines, autolim=False)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    layout_mod.add_scale_bar(ax, fonts, plan)
    layout_mod.add_north_arrow(fig, plan.north_arrow_rect(page.width_in, page.height_in), fonts,
                               label=t("map_text.north", view.lang))
    legend = fig.add_axes(plan.legend, label="legend")
    layout_mod.draw_legend(legend, view.legend_title, view.colours, view.legend_labels, view.no_data_label, fonts,
                           view.notes)
    if with_inset:
        _draw_inset(fig, plan.inset, view, crs, page, fonts.footer)
    layout_mod.draw_header(fig, plan, fonts)
    layout_mod.draw_footer(fig, plan, fonts, badge)
    # Names come from data: "$" in a name must print as "$", never start matplotlib's math mode.
    for text in fig.findobj(Text):
        text.set_parse_math(False)
    return fig


def figure_bytes(fig: Figure, fmt: str, title: str | None = None) -> bytes:
    """Save a figure as PNG, PDF or SVG bytes (fonts embedded in PDF, text kept as text in SVG)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    if fmt == "png":
        _save_png(fig, buffer, title)
        return buffer.getvalue()
    metadata = {"Title": title} if title else None
    with matplotlib.rc_context(SAVE_RC):
        fig.savefig(buffer, format=fmt, dpi=fig.dpi, facecolor=fig.get_facecolor(), metadata=metadata)
    return buffer.getvalue()


def _save_png(fig: Figure, buffer, title: str | None) -> None:
    """An opaque RGB PNG (no alpha channel: smaller, and every slide and chat tool shows it the same)."""
    with matplotlib.rc_context(SAVE_RC):
        fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3]
    info = PngInfo()
    info.add_text("Software", f"coverage-map (matplotlib {matplotlib.__version__})")
    if title:
        info.add_itxt("Title", title)
    Image.fromarray(pixels).save(buffer, format="PNG", dpi=(fig.dpi, fig.dpi), pnginfo=info)


def export_static(view: MapSheet, fmt: str = "png", size: tuple[int, int] | None = None,
                  dpi: float | None = None, paper: str = "a4", inset: bool = True) -> bytes:
    """Render a view and return the file's bytes; see :func:`page_size` for ``size``, ``dpi``, ``paper``."""
    fig = render_map(view, page_size(fmt, size, dpi, paper), inset=inset)
    return figure_bytes(fig, fmt, title=view.title)
