"""Page layout of the static map: reserved regions so that nothing overlaps, and the map furniture.

The page is cut into regions before anything is drawn: a header (title, subtitle), the map, a side panel (legend
above, locator inset below) and a footer (source and date, "Dữ liệu minh họa"). The map axes keep a strip at the
bottom with no data in it for the scale bar and the north arrow. Sizes are fractions of the page height, so a
1920×1080 PNG, an A4 PDF and an A3 PDF look alike.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib_scalebar.scalebar import ScaleBar

from dashboard.render.palettes import NO_DATA_COLOUR, NO_DATA_HATCH

#: Hatch of "no data": the same diagonal as the interactive map, distinct from every class colour.
NO_DATA_HATCH_PATTERN = "////"
DEMO_COLOUR = "#b2182b"
TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#555555"
#: Share of the map box kept free of data at the bottom, for the scale bar and the north arrow.
FURNITURE_STRIP = 0.11
MARGIN = 0.02


@dataclass(frozen=True)
class Fonts:
    """Font sizes in points, proportional to the page height."""

    title: float
    subtitle: float
    legend: float
    footer: float

    @classmethod
    def for_height(cls, height_in: float) -> "Fonts":
        points = height_in * 72
        return cls(title=points * 0.040, subtitle=points * 0.026, legend=points * 0.022, footer=points * 0.017)


@dataclass(frozen=True)
class Layout:
    """Regions of the page as figure fractions ``(left, bottom, width, height)``."""

    header: tuple[float, float, float, float]
    map: tuple[float, float, float, float]
    legend: tuple[float, float, float, float]
    inset: tuple[float, float, float, float] | None
    footer: tuple[float, float, float, float]
    title_lines: list[str]
    subtitle_lines: list[str]
    #: Share of the map box kept free at the bottom for the scale bar and arrow (0 when they are in the panel).
    strip: float = FURNITURE_STRIP
    #: Region at the bottom of the side panel for the scale bar and arrow, when the map is narrow.
    furniture: tuple[float, float, float, float] | None = None
    #: The footer's lines as (gid, text): source and date, then the notice, wrapped to leave room for the badge.
    footer_lines: tuple[tuple[str, str], ...] = ()

    def north_arrow_rect(self, width_in: float, height_in: float) -> tuple[float, float, float, float]:
        """A square region for the north arrow: left end of the furniture region (the scale bar follows it),
        or the right end of the map's strip (the scale bar is at its left)."""
        left, bottom, width, height = self.furniture or self.map
        size = (height * 0.9) if self.furniture else self.map[3] * FURNITURE_STRIP * 0.9
        across = size * height_in / width_in
        if self.furniture:
            return (left, bottom + 0.003, across, size)
        return (left + width - across - 0.003, bottom + 0.003, across, size)


def _wrap(text: str, size_pt: float, width_in: float) -> list[str]:
    """Lines of ``text`` that fit ``width_in`` (DejaVu Sans averages ~0.6 em per character)."""
    chars = max(20, int(width_in * 72 / (size_pt * 0.6)))
    return textwrap.wrap(text, chars) or [""]


def badge_width(text: str | None, fonts: Fonts, width_in: float) -> float:
    """Width of the boxed demo badge as a fraction of the page width (0 without a badge)."""
    if not text:
        return 0.0
    return (len(text) * 0.62 * fonts.footer * 1.15 + 2 * fonts.footer) / 72 / width_in


def plan_layout(width_in: float, height_in: float, title: str, subtitle: str, fonts: Fonts,
                with_inset: bool, data_aspect: float | None = None, footer: tuple[str, ...] = (),
                badge: str | None = None) -> Layout:
    """Cut the page into header, map, legend, inset and footer regions.

    The header grows with the number of wrapped title and subtitle lines, so long titles push the map down
    instead of running over it. When the data are taller than the map box is wide (Vietnam on a slide), the
    map box narrows to the data and the map and legend are centred together instead of drifting apart.

    Parameters
    ----------
    data_aspect : float, optional
        Height / width of the data extent (metric CRS, padding included).
    footer : sequence of str
        Footer texts (source and date, notice): wrapped to the width the demo ``badge`` leaves, so nothing runs
        under the badge or off an A4 page; the footer grows by the lines it needs.
    """
    usable_w = 1 - 2 * MARGIN
    title_lines = _wrap(title, fonts.title, width_in * usable_w)
    subtitle_lines = _wrap(subtitle, fonts.subtitle, width_in * usable_w)
    line = 1.35 / (height_in * 72)  # one point as a fraction of the height, times the line spacing
    header_h = (len(title_lines) * fonts.title + len(subtitle_lines) * fonts.subtitle) * line + 0.02
    footer_w = width_in * (usable_w - badge_width(badge, fonts, width_in) - 0.015)
    footer_lines = tuple((gid if index == 0 else f"{gid}_more", wrapped)
                         for gid, text in zip(("source", "notice"), footer) if text
                         for index, wrapped in enumerate(_wrap(text, fonts.footer, footer_w)))
    footer_h = max(len(footer_lines), 2) * fonts.footer * line + 0.01
    top = 1 - MARGIN
    header = (MARGIN, top - header_h, usable_w, header_h)
    footer_box = (MARGIN, MARGIN, usable_w, footer_h)
    body_bottom = MARGIN + footer_h + 0.015
    body_top = top - header_h - 0.015
    body_h = body_top - body_bottom
    # A side panel of at least ~3.4 in keeps legend labels on one line on A4 as on a slide.
    panel_w = max(0.26, min(0.34, 3.4 / width_in))
    map_w = usable_w - panel_w - 0.02
    map_left = MARGIN
    strip, furniture_h = FURNITURE_STRIP, 0.0
    if data_aspect:
        # Narrow data (Vietnam on a slide): the scale bar and arrow move under the legend, and the map
        # gets the full height instead of giving up a strip.
        needed = body_h * height_in / data_aspect / width_in
        if needed < map_w:
            strip, furniture_h = 0.0, body_h * FURNITURE_STRIP
            narrow = max(needed, 0.2)
            map_left += (map_w - narrow) / 2
            map_w = narrow
    panel_left = map_left + map_w + 0.02
    map_box = (map_left, body_bottom, map_w, body_h)
    furniture = (panel_left, body_bottom, panel_w, furniture_h) if furniture_h else None
    panel_bottom = body_bottom + (furniture_h + 0.01 if furniture else 0.0)
    panel_h = body_top - panel_bottom
    if with_inset:
        legend = (panel_left, panel_bottom + panel_h * 0.42, panel_w, panel_h * 0.58)
        inset = (panel_left, panel_bottom, panel_w, panel_h * 0.38)
    else:
        legend, inset = (panel_left, panel_bottom, panel_w, panel_h), None
    return Layout(header, map_box, legend, inset, footer_box, title_lines, subtitle_lines, strip, furniture,
                  footer_lines)


def fit_extent(bounds, box_w_in: float, box_h_in: float, strip: float = FURNITURE_STRIP,
               pad: float = 0.03):
    """Axis limits that show ``bounds`` at equal scale in a box, leaving the bottom ``strip`` free of data.

    Parameters
    ----------
    bounds : (minx, miny, maxx, maxy)
        Data bounds in a metric CRS.
    box_w_in, box_h_in : float
        Size of the map axes in inches.
    strip : float
        Fraction of the box height kept empty at the bottom.
    pad : float
        Margin around the data as a fraction of its size.

    Returns
    -------
    (xlim, ylim) : tuple of (float, float)
        Limits whose aspect equals the box's, so ``set_aspect("equal")`` needs no further change.
    """
    minx, miny, maxx, maxy = bounds
    width = max(maxx - minx, 1.0) * (1 + 2 * pad)
    height = max(maxy - miny, 1.0) * (1 + 2 * pad)
    units_per_inch = max(width / box_w_in, height / (box_h_in * (1 - strip)))
    span_x, span_y = box_w_in * units_per_inch, box_h_in * units_per_inch
    centre_x = (minx + maxx) / 2
    data_top = maxy + (maxy - miny) * pad
    # Data sit at the top of the box, centred vertically in the part above the strip.
    free = span_y * (1 - strip) - height
    top = data_top + free / 2
    return (centre_x - span_x / 2, centre_x + span_x / 2), (top - span_y, top)


def draw_header(fig: Figure, layout: Layout, fonts: Fonts) -> None:
    """Title (indicator) and subtitle (area, level, period), left-aligned at the top of the page."""
    left, bottom, _, height = layout.header
    y = bottom + height
    line = 1.35 / (fig.get_figheight() * 72)
    for text in layout.title_lines:
        fig.text(left, y, text, fontsize=fonts.title, fontweight="bold", va="top", color=TEXT_COLOUR,
                 gid="title")
        y -= fonts.title * line
    for text in layout.subtitle_lines:
        fig.text(left, y, text, fontsize=fonts.subtitle, va="top", color=MUTED_COLOUR, gid="subtitle")
        y -= fonts.subtitle * line


def draw_footer(fig: Figure, layout: Layout, fonts: Fonts, demo_text: str | None) -> None:
    """Source and date, then the demo notice, on the left (wrapped by :func:`plan_layout`); "Dữ liệu minh họa"
    boxed on the right. A line that still reaches the badge (a font wider than estimated) is made smaller."""
    left, bottom, width, height = layout.footer
    line = 1.35 / (fig.get_figheight() * 72)
    badge = None
    if demo_text:
        badge = fig.text(left + width, bottom + height / 2, demo_text, fontsize=fonts.footer * 1.15, va="center",
                         ha="right", color=DEMO_COLOUR, fontweight="bold", gid="demo",
                         bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": DEMO_COLOUR})
    y = bottom + height
    texts = []
    for gid, text in layout.footer_lines:
        texts.append(fig.text(left, y, text, fontsize=fonts.footer, va="top", color=MUTED_COLOUR, gid=gid))
        y -= fonts.footer * line
    if badge is None or not texts:
        return
    renderer = fig.canvas.get_renderer()
    limit = badge.get_window_extent(renderer).x0 - 0.006 * fig.bbox.width
    for text in texts:
        extent = text.get_window_extent(renderer)
        if extent.x1 > limit and extent.width > 0:
            text.set_fontsize(fonts.footer * max(0.6, (limit - extent.x0) / extent.width))


def legend_handles(colours, labels, no_data_label: str):
    """One swatch per class and a hatched grey "no data" swatch (never confused with the lowest class)."""
    handles = [Patch(facecolor=colour, edgecolor="#888888", linewidth=0.5, label=label)
               for colour, label in zip(colours, labels)]
    handles.append(Patch(facecolor=NO_DATA_COLOUR, edgecolor="#888888", hatch=NO_DATA_HATCH_PATTERN,
                         hatchcolor=NO_DATA_HATCH, linewidth=0.5, label=no_data_label))
    return handles


def draw_legend(ax, title: str, colours, labels, no_data_label: str, fonts: Fonts, notes=()) -> None:
    """The legend in its own axes: title with unit, class breaks, "no data"; optional note lines below."""
    ax.set_axis_off()
    legend = ax.legend(handles=legend_handles(colours, labels, no_data_label), loc="upper left",
                       title=title, fontsize=fonts.legend, title_fontsize=fonts.legend * 1.05,
                       frameon=False, alignment="left", handlelength=1.8, handleheight=1.1,
                       labelspacing=0.55, borderaxespad=0.0)
    legend.get_title().set_fontweight("bold")
    if notes:
        # Right under the swatches (measured), but never below the region's bottom edge.
        box = legend.get_window_extent(ax.figure.canvas.get_renderer()).transformed(ax.transAxes.inverted())
        text = ax.text(0, box.y0 - 0.03, "\n".join(notes), transform=ax.transAxes, fontsize=fonts.footer * 1.1,
                       va="top", linespacing=1.5, color=MUTED_COLOUR, gid="notes")
        height = text.get_window_extent(ax.figure.canvas.get_renderer()).height / ax.bbox.height
        if box.y0 - 0.03 - height < 0:
            text.set_y(0)
            text.set_va("bottom")


def add_scale_bar(ax, fonts: Fonts, layout: Layout) -> ScaleBar:
    """A metric scale bar (data units are metres) for the map ``ax``.

    Drawn in the free strip at the bottom left of the map, or at the left of the furniture region under the
    legend; either way its length is measured in the map's own data units.
    """
    anchor = {}
    if layout.furniture:
        figure = ax.figure
        arrow = layout.north_arrow_rect(figure.get_figwidth(), figure.get_figheight())
        anchor = {"bbox_to_anchor": (arrow[0] + arrow[2] + 0.01, layout.furniture[1]),
                  "bbox_transform": figure.transFigure}
    bar = ScaleBar(1.0, units="m", location="lower left", length_fraction=0.22, frameon=False,
                   font_properties={"size": fonts.footer}, color=TEXT_COLOUR, scale_loc="top",
                   border_pad=0.4, **anchor)
    ax.add_artist(bar)
    return bar


def add_north_arrow(fig: Figure, rect, fonts: Fonts, label: str = "N") -> None:
    """A north arrow in its own square axes (the map is drawn north up), so it keeps its shape."""
    arrow = fig.add_axes(rect, label="north_arrow")
    arrow.set_axis_off()
    arrow.set_xlim(0, 1)
    arrow.set_ylim(0, 1)
    # Two half-heads, one filled, the classic compass needle.
    arrow.fill([0.5, 0.30, 0.5], [0.78, 0.08, 0.24], color=TEXT_COLOUR, linewidth=0)
    arrow.fill([0.5, 0.70, 0.5], [0.78, 0.08, 0.24], facecolor="white", edgecolor=TEXT_COLOUR,
               linewidth=0.8)
    arrow.text(0.5, 0.80, label, ha="center", va="bottom", fontsize=fonts.legend, fontweight="bold",
               color=TEXT_COLOUR)
