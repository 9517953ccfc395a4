"""Static maps: what the figure says before it is saved, the layout, and the PNG / PDF / SVG files."""

from __future__ import annotations

import io
from pathlib import Path
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.colors import to_hex
from matplotlib.text import Text
from PIL import Image
from shapely.geometry import Point, box

from analysis.view import ViewSpec
from dashboard.query import DatasetSource, FileSource, indicator_view
from dashboard.render.palettes import NO_DATA_COLOUR
from dashboard.render.sheet import map_sheet
from dashboard.render.static_layout import FURNITURE_STRIP
from dashboard.render.static_map import export_static, figure_bytes, metric_crs, page_size, polygon_paths, project, \
    render_map
from loaders.settings import load_settings
from test_export_dataset import build_dataset

SETTINGS = load_settings(environ={})


def map_view(source, spec, k=None, lang="vi", scheme=None):
    """The sheet of a view as the exports draw it."""
    from dataclasses import replace

    spec = replace(spec, k=k or spec.k, scheme=scheme or spec.scheme)
    return map_sheet(indicator_view(source, spec, SETTINGS), source, lang)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return DatasetSource(build_dataset(tmp_path_factory.mktemp("static") / "data"))


def texts(fig) -> list[str]:
    return [artist.get_text() for artist in fig.findobj(Text) if artist.get_text()]


def test_figure_holds_title_legend_period_source_and_demo_note(source):
    view = map_view(source, ViewSpec(indicator="smartphone_share"), k=3)
    fig = render_map(view)
    found = "\n".join(texts(fig))
    assert "Tỷ lệ người dân dùng điện thoại thông minh" in found          # title: the indicator
    assert "Quý 4/2025" in found                                         # subtitle: the period
    assert "Toàn quốc" in found
    for label in view.legend_labels:
        assert label in found
    assert view.classification.k == 3 and len(view.legend_labels) == 3
    assert "Không có số liệu (1)" in found                               # the commune without population
    assert "Nguồn: bộ dữ liệu kiểm thử" in found and "Xuất ngày" in found
    assert "Dữ liệu minh họa" in found


def test_legend_numbers_follow_the_language(source):
    vi = map_view(source, ViewSpec(indicator="smartphone_share", scheme="quantiles"), k=3)
    en = map_view(source, ViewSpec(indicator="smartphone_share", scheme="quantiles"), k=3, lang="en")
    assert "," in vi.legend_labels[0] and "." not in vi.legend_labels[0].split("(")[0]
    assert "." in en.legend_labels[0]
    assert "Q4 2025" in "\n".join(texts(render_map(en)))


def test_no_data_is_hatched_grey_not_the_lowest_class(source):
    view = map_view(source, ViewSpec(indicator="smartphone_share"), k=3)
    fig = render_map(view)
    collections = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]
    hatched = [c for c in collections if c.get_hatch()]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) == 1           # the one commune without data
    assert to_hex(hatched[0].get_facecolor()[0]) == NO_DATA_COLOUR
    assert NO_DATA_COLOUR not in {colour.lower() for colour in view.colours}
    legend = next(ax for ax in fig.axes if ax.get_label() == "legend")
    swatches = legend.get_legend().get_patches()
    assert swatches[-1].get_hatch() and not swatches[0].get_hatch()


def _boxes(fig) -> dict:
    """Window extents of every region and furniture item of a map page."""
    renderer = fig.canvas.get_renderer()
    axes = {ax.get_label(): ax for ax in fig.axes}
    boxes = {name: axes[name].get_window_extent() for name in ("map", "north_arrow", "inset") if name in axes}
    boxes["legend"] = axes["legend"].get_legend().get_window_extent(renderer)
    boxes["notes"] = next(t for t in axes["legend"].texts if t.get_gid() == "notes").get_window_extent(renderer)
    bar = next(a for a in axes["map"].artists if type(a).__name__ == "ScaleBar")
    boxes["scale bar"] = bar.get_window_extent(renderer)
    for gid in ("title", "subtitle", "source", "notice", "demo"):
        artist = next(t for t in fig.texts if t.get_gid() == gid)
        boxes[gid] = artist.get_window_extent(renderer)
    return boxes


@pytest.mark.parametrize("spec", [ViewSpec(indicator="smartphone_share", province="14"),   # square: panel
                                  ViewSpec(indicator="smartphone_share")],                 # wide: strip
                         ids=["square", "wide"])
def test_layout_regions_do_not_overlap(source, spec):
    for page in (page_size("png"), page_size("pdf", paper="a4")):
        fig = render_map(map_view(source, spec, k=7), page)
        fig.canvas.draw()
        boxes = _boxes(fig)
        furniture = {"scale bar", "north_arrow"}
        if boxes["north_arrow"].overlaps(boxes["map"]):
            # Inside the map they must sit in its bottom strip, which holds no data (see fit_extent).
            strip_top = boxes["map"].y0 + boxes["map"].height * FURNITURE_STRIP + 1
            assert all(boxes[name].y1 <= strip_top for name in furniture)
            pairs_allowed = {frozenset({"map", name}) for name in furniture}
        else:
            pairs_allowed = set()
        names = list(boxes)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if frozenset({a, b}) not in pairs_allowed:
                    assert not boxes[a].overlaps(boxes[b]), f"{a} overlaps {b}"
        assert all(0 <= b.x0 and b.x1 <= fig.bbox.width and 0 <= b.y0 and b.y1 <= fig.bbox.height
                   for b in boxes.values())


@pytest.mark.parametrize("paper", ["a4", "a3"])
def test_the_footer_fits_the_page_beside_the_demo_badge(paper):
    """The embedded data's long source line on A4 and A3: every footer line inside the page, none under the badge."""
    demo = DatasetSource(Path(__file__).resolve().parents[1] / "data")
    fig = render_map(map_sheet(indicator_view(demo, ViewSpec(), SETTINGS), demo, "vi"), page_size("pdf", paper=paper))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    badge = next(t for t in fig.texts if t.get_gid() == "demo").get_window_extent(renderer)
    footer = [t for t in fig.texts if (t.get_gid() or "").startswith(("source", "notice"))]
    assert len(footer) >= 2 and "Nguồn:" in footer[0].get_text()
    for text in footer:
        box = text.get_window_extent(renderer)
        assert 0 <= box.x0 and box.x1 <= fig.bbox.width and box.y0 >= 0, text.get_text()
        assert not box.overlaps(badge), text.get_text()
    words = " ".join(t.get_text() for t in footer)
    assert "Natural Earth" in words and "Xuất ngày" in words   # wrapped, not cut


def test_png_has_the_requested_size_and_is_rgb(source):
    view = map_view(source, ViewSpec(indicator="team_presence", province="14"), scheme="target")
    image = Image.open(io.BytesIO(export_static(view, "png")))
    assert image.size == (1920, 1080) and image.mode == "RGB"
    small = Image.open(io.BytesIO(export_static(view, "png", size=(800, 600), dpi=100)))
    assert small.size == (800, 600)


def test_svg_parses_and_keeps_text_as_text(source):
    view = map_view(source, ViewSpec(indicator="smartphone_share", province="14"))
    svg = export_static(view, "svg")
    root = ET.fromstring(svg)
    strings = ["".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")]
    assert any("Tỷ lệ người dân dùng điện thoại thông minh" in s for s in strings)
    assert any("Quý 4/2025" in s for s in strings)


def test_pdf_is_a4_landscape_with_embedded_fonts(source):
    pypdf = pytest.importorskip("pypdf")
    view = map_view(source, ViewSpec(indicator="smartphone_share", province="14"))
    reader = pypdf.PdfReader(io.BytesIO(export_static(view, "pdf")))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    # Type 42 fonts are Type0 fonts whose descendant carries the embedded TrueType program.
    descriptors = [(f["/DescendantFonts"][0].get_object() if "/DescendantFonts" in f else f)["/FontDescriptor"]
                   .get_object() for f in fonts]
    assert descriptors and all("/FontFile2" in d for d in descriptors)
    assert "Tỷ lệ người dân dùng điện thoại thông minh" in page.extract_text()
    a3 = page_size("pdf", paper="a3")
    assert (round(a3.width_in * 72), round(a3.height_in * 72)) == (1191, 842)


def test_metric_projection_gives_true_distances():
    # One degree of latitude near 21° N is 110.7 km; the scale bar is right only if the projection is metric.
    crs = metric_crs((103.0, 20.0, 105.0, 22.0))
    assert crs == "EPSG:3405"
    a, b = project(np.array([Point(104.0, 21.0), Point(104.0, 22.0)], dtype=object), crs)
    assert shapely.distance(a, b) == pytest.approx(110_700, rel=0.003)
    assert metric_crs((102.0, 8.0, 117.0, 23.0)) == "EPSG:3406"


def test_polygon_paths_keep_holes_and_every_part():
    # Both rings wound the same way on purpose: the hole must stay empty whatever the input orientation.
    ring = shapely.Polygon([(0, 0), (0, 10), (10, 10), (10, 0)], [[(4, 4), (4, 6), (6, 6), (6, 4)]])
    paths, owner = polygon_paths(np.array([ring, shapely.union(box(20, 0, 21, 1), box(30, 0, 31, 1))]))
    assert len(paths) == 3 and owner.tolist() == [0, 1, 1]
    fig = Figure(figsize=(1, 1), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.add_collection(PathCollection(paths[:1], facecolors="black", edgecolors="none"))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())
    assert pixels[50, 50, 0] == 255 and pixels[80, 20, 0] == 0    # hole white, shell black


def test_figure_bytes_refuses_unknown_format(source):
    view = map_view(source, ViewSpec(indicator="smartphone_share", province="14"))
    with pytest.raises(ValueError, match="unknown image format"):
        figure_bytes(render_map(view), "bmp")


@pytest.mark.real_data
def test_real_national_commune_map_draws_every_unit(real_communes_path, tmp_path):
    from loaders.boundaries import read_boundaries

    units = read_boundaries(real_communes_path, level="commune").units
    stats = tmp_path / "so_lieu.csv"
    units.assign(period="2025-Q4", population_15plus=1000, smartphone_users=np.linspace(200, 950, len(units)).round())[
        ["commune_code", "commune_name", "period", "population_15plus", "smartphone_users"]].to_csv(stats, index=False)
    source = FileSource.read(real_communes_path, [stats], level="commune")
    view = map_sheet(indicator_view(source, ViewSpec(indicator="smartphone_share"), SETTINGS), source)
    fig = render_map(view, page_size("png", (960, 540), 100))
    drawn = sum(len(c.get_paths()) for c in fig.axes[0].collections if isinstance(c, PathCollection))
    assert drawn >= len(units)                       # every unit, multi-part ones more than once
    image = Image.open(io.BytesIO(figure_bytes(fig, "png")))
    assert image.size == (960, 540)


def test_hamlets_known_by_a_point_are_drawn_as_markers(source):
    view = map_view(source, ViewSpec(level="hamlet", indicator="smartphone_share", province="14"))
    view.table["geometry"] = shapely.centroid(view.table.geometry.to_numpy())   # a hamlet list with coordinates
    fig = render_map(view)
    markers = [c for c in fig.axes[0].collections if c.get_zorder() == 4]   # scatter markers, above the shapes
    assert sum(len(c.get_offsets()) for c in markers) == len(view.table) == 6


def test_yes_no_values_get_two_classes_by_default(source):
    hamlets = map_view(source, ViewSpec(level="hamlet", indicator="team_presence", province="14"))
    assert hamlets.classification.names == ("not_met", "met")      # "no team" against "has a team"
    assert hamlets.legend_labels[0].startswith("Chưa có tổ") and hamlets.legend_labels[1].startswith("Có tổ")
    assert sorted(set(hamlets.table["value"].dropna())) == [0.0, 100.0]
    communes = map_view(source, ViewSpec(indicator="smartphone_share", scheme="quantiles"))
    assert communes.classification.names == () and communes.classification.k > 2


def test_names_from_data_are_printed_as_written(source):
    view = map_view(source, ViewSpec(indicator="smartphone_share", province="14"))
    view.subtitle = r"Tỉnh $\frac{1 và $x"              # broken math: would fail to draw
    fig = render_map(view)
    figure_bytes(fig, "png")
    assert any(r"Tỉnh $\frac{1 và $x" in text for text in texts(fig))
