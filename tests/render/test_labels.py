"""Label placement (#14 item 5): no label over another, place names first and never covered,
crowded labels moved (with leader lines) rather than dropped, dropped labels counted.

Overlaps are checked on the text boxes matplotlib measures after drawing (not on the boxes
the placer computed), in a figure at the placer's scale: one paper millimetre is
``M_PER_MM`` metres.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from greenplan.render.draw import add_drawing, label_request, prepare_layer
from greenplan.render.fonts import ensure_cjk_font, font_rc
from greenplan.render.labels import LabelRequest, add_labels, place_labels, placement_report
from greenplan.render.styles import resolve_style

X0, Y0 = 520_000.0, 3_330_000.0
M_PER_MM = 10.0  # 1:10 000
FRAME_MM = (200.0, 150.0)
EXTENT = (X0, Y0, X0 + FRAME_MM[0] * M_PER_MM, Y0 + FRAME_MM[1] * M_PER_MM)


def square(x: float, y: float, side: float) -> shapely.Polygon:
    return shapely.box(X0 + x, Y0 + y, X0 + x + side, Y0 + y + side)


def request(key: str, geoms: list, texts: list[str], size: float = 9.0, rank: int = 0) -> LabelRequest:
    g = np.asarray(geoms, dtype=object)
    return LabelRequest(key, shapely.get_coordinates(shapely.point_on_surface(g)), texts, size, g, rank=rank)


def drawn(placement, extent=EXTENT, frame_mm=FRAME_MM):
    """Draw ``placement`` into an Axes at the scale (one mm = M_PER_MM m) and return
    {text: window extent} of the labels (outline copies left out) and the leader segments."""
    import matplotlib

    ensure_cjk_font()
    with matplotlib.rc_context(font_rc()):
        fig = Figure(figsize=(frame_mm[0] / 25.4, frame_mm[1] / 25.4), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        add_labels(ax, placement, m_per_mm=M_PER_MM)
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        boxes = {t.get_text(): t.get_window_extent(r) for t in ax.findobj(Text)
                 if (t.get_gid() or "").endswith(":label")}
        leaders = [seg for c in ax.collections if (c.get_gid() or "").endswith(":leader") for seg in c.get_segments()]
    return boxes, leaders, ax


def assert_no_overlaps(boxes) -> None:
    items = list(boxes.items())
    for i, (a, ba) in enumerate(items):
        for b, bb in items[i + 1:]:
            assert not ba.overlaps(bb), (a, b)


def test_crowded_patches_are_all_numbered_without_overlaps_around_a_place_name() -> None:
    # 40 patches of 30 m (3 mm on paper) on an 80 m grid: a label "HX-001" (about 11 x 4 mm)
    # fits in none of them, and 40 labels need more room than the 64 x 32 mm block offers
    patches = [square(400 + 80 * (i % 8), 400 + 80 * (i // 8), 30) for i in range(40)]
    numbers = [f"HX-{i + 1:03d}" for i in range(40)]
    town = shapely.box(X0, Y0, EXTENT[2], EXTENT[3])
    names = LabelRequest("admin_units", np.array([[X0 + 600, Y0 + 600]]), ["白马镇"], 9.0, np.array([town]))
    p = place_labels([request("redline_occupation", patches, numbers), names], extent=EXTENT, m_per_mm=M_PER_MM)
    assert p.n_dropped == 0 and len(p.placed) == 41  # room exists around the block: moved, not dropped
    assert p.placed[0].text == "白马镇"  # place names first
    boxes, leaders, _ = drawn(p)
    assert set(boxes) == {"白马镇", *numbers}
    assert_no_overlaps(boxes)
    # the place name stays on its township and off the patches (its anchor is on one of them)
    name = next(lb for lb in p.placed if lb.text == "白马镇")
    w = boxes["白马镇"].width / 100 * 25.4 * M_PER_MM
    h = boxes["白马镇"].height / 100 * 25.4 * M_PER_MM
    name_box = shapely.box(name.x - w / 2, name.y - h / 2, name.x + w / 2, name.y + h / 2)
    assert not any(shapely.intersects(name_box, g) for g in patches)
    # labels that went further than a millimetre from their patch point back to it
    far = [lb for lb in p.placed if lb.leader]
    assert far and len(leaders) == len(far)
    for lb, seg in zip(far, leaders, strict=True):
        assert tuple(seg[-1]) == pytest.approx(lb.anchor)


def test_a_patch_label_never_covers_the_place_name_it_sits_on() -> None:
    # the 白马镇 case: a red patch right under the township's name point
    patch = square(1000, 700, 40)
    town = shapely.box(X0, Y0, EXTENT[2], EXTENT[3])
    anchor = np.array([[X0 + 1020, Y0 + 720]])  # the middle of the patch
    names = LabelRequest("admin_units", anchor, ["白马镇"], 9.0, np.array([town]))
    p = place_labels([request("redline_occupation", [patch], ["HX-065"]), names], extent=EXTENT, m_per_mm=M_PER_MM)
    boxes, _, _ = drawn(p)
    assert set(boxes) == {"白马镇", "HX-065"} and not boxes["白马镇"].overlaps(boxes["HX-065"])
    name = next(lb for lb in p.placed if lb.text == "白马镇")
    assert name.moved  # off the patch, next to its point
    assert abs(name.x - anchor[0, 0]) < 20 * M_PER_MM and abs(name.y - anchor[0, 1]) < 20 * M_PER_MM


def test_labels_are_dropped_only_when_no_position_is_free_and_counted() -> None:
    # a frame 40 x 12 mm: room for a few labels of 11 x 4 mm, not for twenty
    extent = (X0, Y0, X0 + 400, Y0 + 120)
    patches = [square(150 + 5 * i, 50, 3) for i in range(20)]
    numbers = [f"NT-{i + 1:03d}" for i in range(20)]
    p = place_labels([request("farmland_conflicts", patches, numbers)], extent=extent, m_per_mm=M_PER_MM)
    assert 2 <= len(p.placed) < 20 and len(p.placed) + p.n_dropped == 20
    assert {t for _, t in p.dropped} == set(numbers) - {lb.text for lb in p.placed}
    boxes, _, ax = drawn(p, extent, (40.0, 12.0))
    assert_no_overlaps(boxes)
    for b in boxes.values():  # inside the frame
        assert b.x0 >= 0 and b.y0 >= 0 and b.x1 <= 40 / 25.4 * 100 + 0.5 and b.y1 <= 12 / 25.4 * 100 + 0.5
    assert placement_report(ax).n_dropped == p.n_dropped


def test_reserved_boxes_and_the_township_focus() -> None:
    patch_in, patch_out = square(1000, 1000, 200), square(300, 300, 200)
    town = square(800, 800, 800)
    reserved = [(X0 + 900, Y0 + 900, X0 + 1300, Y0 + 1300)]  # e.g. the north arrow over the patch
    names = LabelRequest("admin_units", np.array([[X0 + 1400, Y0 + 1500], [X0 + 200, Y0 + 200]]),
                         ["本镇", "邻镇"], 9.0, np.array([town, square(0, 0, 800)]))
    p = place_labels([request("redline_occupation", [patch_in, patch_out], ["HX-001", "HX-002"]), names],
                     extent=EXTENT, m_per_mm=M_PER_MM, reserved=reserved, focus=town, focus_zorder=9.0)
    texts = {lb.text: lb for lb in p.placed}
    # the neighbour's patch is numbered on its own sheet; the neighbour's name stays
    assert set(texts) == {"本镇", "邻镇", "HX-001"} and p.n_dropped == 0
    assert texts["HX-001"].zorder == 9.0 and texts["本镇"].zorder == 9.0 and texts["邻镇"].zorder != 9.0
    hx = p.boxes_mm[[lb.text for lb in p.placed].index("HX-001")]
    r = (np.array(reserved[0]) - [X0, Y0, X0, Y0]) / M_PER_MM
    assert hx[2] <= r[0] or hx[0] >= r[2] or hx[3] <= r[1] or hx[1] >= r[3]


def test_prepared_layers_label_patches_above_one_square_millimetre_of_paper() -> None:
    # at 1:10 000 one mm² of paper is 100 m²: a 9 x 9 m patch is left out, 11 x 11 m is numbered
    gdf = gpd.GeoDataFrame({"patch_id": ["HX-001", "HX-002"]}, geometry=[square(100, 100, 9), square(300, 100, 11)],
                           crs="EPSG:4544")
    d = prepare_layer(gdf, resolve_style("redline_occupation"), extent=EXTENT, pixel_size=M_PER_MM * 25.4 / 300,
                      dpi=300, key="redline_occupation")
    assert [t for _, _, t, _ in d.labels] == ["HX-002"] and len(d.label_geoms) == 1
    # a patch partly in view is labelled on its part in view
    half = gpd.GeoDataFrame({"patch_id": ["HX-003"]}, geometry=[square(-100, 500, 300)], crs="EPSG:4544")
    d = prepare_layer(half, resolve_style("redline_occupation"), extent=EXTENT, pixel_size=M_PER_MM * 25.4 / 300,
                      dpi=300, key="redline_occupation")
    ((x, y, _, _),) = d.labels
    assert X0 < x < X0 + 200 and Y0 + 500 < y < Y0 + 800
    req = label_request(d, rank=1)
    assert req.rank == 1 and req.texts == ["HX-003"] and req.zorder == d.zorder + 0.5
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = add_drawing(fig.add_subplot(), d)  # a layer drawn on its own places its own labels
    assert [lb.text for lb in placement_report(ax).placed] == ["HX-003"]
