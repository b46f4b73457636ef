"""The legend (#14 item 1): order, unique labels, a box sized to its content that never
overflows, the compact base layer, the highlighted unit, admin unit levels.

Expected orders and labels are written out here from the issue (control lines 生态保护红线,
永久基本农田, 城镇开发边界 first; base layers; boundaries last) and from the style table's
wording, not read from the legend code.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from matplotlib.figure import Figure
from matplotlib.text import Text

from greenplan.core.errors import ProjectFileError
from greenplan.core.project import LayerSpec, Project, parse_project, read_project, save_project
from greenplan.jobs.sheet import MapData, draw_sheet, guess_unit_level, township_sheet
from greenplan.render.draw import LegendEntry, draw_layer, legend_entries
from greenplan.render.layout import Box
from greenplan.render.panels import draw_legend, legend_height, legend_rows
from greenplan.render.styles import resolve_style
from greenplan.render.themes import get_theme

from .conftest import CRS, X0, Y0

LAND_USE = ["耕地", "园地", "林地", "草地", "湿地", "农业设施建设用地", "居住用地", "公共管理与公共服务用地", "商业服务业用地",
            "工矿用地", "仓储用地", "交通运输用地", "公用设施用地", "公园绿地", "防护绿地", "广场用地", "特殊用地", "陆地水域",
            "其他土地"]


def entries_of(key: str, style=None) -> list[LegendEntry]:
    """One entry per class of ``key`` (all of them drawn), as the drawing code records them."""
    s = style or resolve_style(key)
    kind = "line" if s.kind == "line" else "polygon"
    if s.categorized:
        return [LegendEntry(key, c, kind, group=s.label) for c in s.categories]
    return [LegendEntry(key, s, kind)]


def labels(rows) -> list[str]:
    return [r if isinstance(r, str) else r.style.label for r in rows]


def test_sections_control_lines_first_in_their_order_then_content_base_boundaries() -> None:
    # drawn bottom to top in an order unlike the legend's
    drawn = [*entries_of("land_use")[:2], *entries_of("urban_boundary"), *entries_of("rivers"),
             *entries_of("permanent_farmland"), *entries_of("idle_land"), *entries_of("ecological_redline"),
             *entries_of("admin_units"), *entries_of("redline_occupation"),
             LegendEntry("highlight", resolve_style("highlight"), "polygon")]
    assert labels(legend_rows(drawn)) == [
        "生态保护红线", "永久基本农田", "城镇开发边界",          # always first, always this order
        "占用生态保护红线", "闲置土地",                          # results, top layer first
        "土地利用现状", "耕地", "园地", "河流水系", "主要河流", "一般河流",  # base: land use, water
        "本乡镇范围", "乡镇（街道）界"]                          # boundaries


def test_a_label_from_two_sources_is_listed_once_each_with_its_source() -> None:
    # the scenario sheet: green-space classes over land-use classes, 公园绿地 and 防护绿地 in both
    rows = legend_rows([*entries_of("land_use"), *entries_of("green_space")])
    texts = labels(rows)
    assert len(texts) == len(set(texts))
    assert texts[:6] == ["绿地", "公园绿地", "防护绿地", "广场用地", "附属绿地", "区域绿地"]
    assert "公园绿地（土地利用现状）" in texts and "防护绿地（土地利用现状）" in texts
    assert "广场用地（土地利用现状）" in texts


def test_a_symbol_drawn_twice_is_listed_once() -> None:
    # two map frames (现状 | 方案) record the same classes: the shared legend lists them once
    once = entries_of("roads")
    assert labels(legend_rows(once + once)) == labels(legend_rows(once))


def _legend_sheet(entries, w: float, h: float, f: float = 0.707):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(300 / 25.4, 200 / 25.4), dpi=72)
    FigureCanvasAgg(fig)
    sheet = fig.add_axes((0, 0, 1, 1))
    sheet.set_xlim(0, 300)
    sheet.set_ylim(0, 200)
    b = Box(10, 190 - h, w, h)
    draw_legend(sheet, b, entries, f)
    return fig, sheet, b


BIG = [*entries_of("ecological_redline"), *entries_of("permanent_farmland"), *entries_of("urban_boundary"),
       *entries_of("control_line_overlaps"), *entries_of("idle_land"), *entries_of("green_space"),
       *entries_of("land_use"), *entries_of("rivers"), *entries_of("roads"), *entries_of("admin_units")]


@pytest.mark.parametrize("h", [60.0, 90.0, 130.0, 175.0])
def test_legend_text_and_swatches_never_leave_the_box(h: float) -> None:
    fig, sheet, b = _legend_sheet(BIG, 70.0, h)  # an A4 landscape panel's width
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    frame_px = sheet.transData.transform([(b.x, b.y), (b.x1, b.y1)])
    (fx0, fy0), (fx1, fy1) = frame_px
    parts = [a for a in sheet.get_children() if (a.get_gid() or "").startswith("legend-") and a.get_visible()]
    assert len(parts) > 20
    for a in parts:
        e = a.get_window_extent(r)
        assert fx0 - 0.5 <= e.x0 and e.x1 <= fx1 + 0.5 and fy0 - 0.5 <= e.y0 and e.y1 <= fy1 + 0.5, a.get_gid()
    heading = [t.get_text() for t in sheet.findobj(Text) if t.get_gid() == "panel-title"]
    assert heading == ["图例"]


def test_box_is_sized_to_its_content() -> None:
    few = [*entries_of("ecological_redline"), *entries_of("admin_units")]
    f = 0.707
    # the title, two lines, the bottom margin: nothing more (no empty half)
    assert legend_height(few, f, 70.0, 120.0) == pytest.approx((9.0 + 2 * 6.2 + 3.0) * f)
    tall = legend_height(BIG, f)  # one column
    two = legend_height(BIG, f, 70.0, tall * 0.6)
    assert two < tall * 0.6 and two > tall * 0.45  # two columns, each about half as long


def test_a_crowded_legend_lists_the_base_land_use_in_one_line() -> None:
    style = get_theme("control_lines").style_for("land_use")
    base = entries_of("land_use", style)
    entries = [*entries_of("ecological_redline"), *base, *entries_of("roads")]
    fig, sheet, _ = _legend_sheet(entries, 70.0, 45.0)
    shown = [t.get_text() for t in sheet.findobj(Text) if t.get_gid() in ("legend-label", "legend-group")]
    assert "土地利用现状（底图）" in shown and not set(LAND_USE) & set(shown)
    assert "高速公路" in shown and "生态保护红线" in shown
    # the one line's swatch shows every class drawn, in its colours
    strip = [p for p in sheet.patches if p.get_gid() == "legend-swatch" and p.get_facecolor()[3] > 0]
    colours = {tuple(np.round(p.get_facecolor()[:3], 3)) for p in strip}
    assert len(colours) >= len(LAND_USE) - 1  # 湿地 and 陆地水域 are close but not equal
    # with room, the classes are listed
    fig, sheet, _ = _legend_sheet(entries, 70.0, 175.0)
    shown = [t.get_text() for t in sheet.findobj(Text) if t.get_gid() in ("legend-label", "legend-group")]
    assert set(LAND_USE) <= set(shown)


def test_a_class_whose_bounding_box_but_not_its_shape_is_in_view_is_not_listed() -> None:
    import geopandas as gpd

    view = (X0 + 1000, Y0 + 1000, X0 + 2000, Y0 + 2000)
    # an L-shaped forest parcel around the view's lower-left corner: its box covers the
    # corner, its shape stays outside; a field parcel inside the view
    ell = shapely.union(shapely.box(X0, Y0, X0 + 900, Y0 + 3000), shapely.box(X0, Y0, X0 + 3000, Y0 + 900))
    gdf = gpd.GeoDataFrame({"DLBM": ["0301", "0101"]}, geometry=[ell, shapely.box(X0 + 1200, Y0 + 1200, X0 + 1500, Y0 + 1500)],
                           crs=CRS)
    ax = Figure().add_subplot()
    draw_layer(ax, gdf, resolve_style("land_use"), extent=view, pixel_size=5.0)
    assert [e.style.label for e in legend_entries(ax)] == ["耕地"]


# ----------------------------------------------------------------------------- unit levels
def test_unit_level_is_guessed_from_the_code_length() -> None:
    assert guess_unit_level(["640101", "640102"]) == "county"
    assert guess_unit_level(["640101001", "640101002", None]) == "township"
    assert guess_unit_level([640101001001.0, 640101001002.0]) == "village"
    assert guess_unit_level(["640101001000"]) == "township"  # 12-digit statistical code of a township
    assert guess_unit_level(["甲", "乙"]) == "township"


def test_unit_level_option_is_validated_and_saved(tmp_path) -> None:
    doc = {"schema_version": 2, "layers": [{"source": "a.gpkg", "role": "admin_units", "unit_level": "village"}]}
    project, _ = parse_project(doc, tmp_path / "p.greenplan.toml")
    assert project.layers[0].unit_level == "village"
    path = save_project(project, tmp_path / "q.greenplan.toml")
    assert 'unit_level = "village"' in path.read_text(encoding="utf-8")
    assert read_project(path)[0].layers[0].unit_level == "village"
    doc["layers"][0]["unit_level"] = "乡镇"
    with pytest.raises(ProjectFileError) as e:
        parse_project(doc, tmp_path / "p.greenplan.toml")
    assert e.value.key == "layers[0].unit_level"
    assert "county" in e.value.message("en") and "乡镇" in e.value.message("zh") and "village（村）" in e.value.message("zh")


@pytest.mark.parametrize(("level", "codes", "boundary", "extent"), [
    (None, ["640101001", "640101002"], "乡镇（街道）界", "本乡镇范围"),
    (None, ["640101001001", "640101001002"], "村界", "本村范围"),
    ("county", ["640101001", "640101002"], "县界", "本县范围"),
])
def test_the_legend_names_the_boundaries_by_unit_level(mini_layers, level, codes, boundary, extent) -> None:
    layers = dict(mini_layers)
    layers["admin_units"] = layers["admin_units"].assign(code=codes)
    project = Project(name="测试县", layers=[LayerSpec(source="a.gpkg", role="admin_units", unit_level=level)])
    data = MapData(project=project, crs=layers["admin_units"].crs, layers=layers)
    fig = draw_sheet(data, township_sheet(data, get_theme("control_lines"), "东风镇"), paper="A4", dpi=40)
    shown = [t.get_text() for t in fig.findobj(Text) if t.get_gid() == "legend-label"]
    assert shown[-2:] == [extent, boundary]


# ----------------------------------------------------------------------------- highlight colour
def _lab(colour: str) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB colour, written out here (no colour library in the test)."""
    c = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    c = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ c
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    fx, fy, fz = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)])


def test_highlight_colour_is_no_other_layers_and_far_from_the_conflict_red() -> None:
    import tomllib

    from greenplan.core.resources import resource_path

    with open(resource_path("styles", "default_styles.toml"), "rb") as fh:
        table = tomllib.load(fh)
    colours: set[str] = set()

    def walk(d) -> None:
        if isinstance(d, dict):
            for k, v in d.items():
                if k in ("fill", "edge", "casing", "hatch_color") and isinstance(v, str) and v.startswith("#"):
                    colours.add(v.lower())
                else:
                    walk(v)
        elif isinstance(d, list):
            for v in d:
                walk(v)

    walk({k: v for k, v in table["styles"].items() if k != "highlight"})
    walk(table["landuse"]["classes"])
    own = resolve_style("highlight").edge
    assert own not in colours and len(colours) > 40
    nearest = min(np.linalg.norm(_lab(own) - _lab(c)) for c in colours)
    assert nearest > 40  # ΔE76: clearly another colour than any layer's
    for red in ("#e31a1c", "#c00000", "#fb6a4a"):  # conflict fills, the old outline
        assert np.linalg.norm(_lab(own) - _lab(red)) > 100


def test_highlight_outline_is_drawn_in_its_colour_and_listed(mini_layers) -> None:
    from greenplan.render.export import map_axes
    from greenplan.render.mapsheet import compose_map
    from greenplan.render.styles import rgba

    unit = mini_layers["admin_units"].geometry.iloc[0]
    fig = compose_map(mini_layers, get_theme("greening"), paper="A4", dpi=40, highlight=unit,
                      styles={"highlight": {"label": "本乡镇范围"}})
    outline = [p for p in map_axes(fig).patches if p.get_gid() == "highlight" and p.get_facecolor()[3] == 0]
    assert len(outline) == 1 and outline[0].get_edgecolor() == rgba(resolve_style("highlight").edge)
    entries = {e.key: e for e in legend_entries(map_axes(fig))}
    assert entries["highlight"].style.label == "本乡镇范围"
    swatches = [p for p in fig.axes[0].patches if p.get_gid() == "legend-swatch"
                and p.get_edgecolor() == rgba(resolve_style("highlight").edge)]
    assert len(swatches) == 1

