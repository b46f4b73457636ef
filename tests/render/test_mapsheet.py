"""Composed map sheets: legend, scale, title, footer, panels, layout, fonts (artist inspection)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import shapely
from matplotlib.text import Text

from greenplan.core.errors import CRSError, SettingError
from greenplan.render.draw import legend_entries
from greenplan.render.export import map_axes
from greenplan.render.fonts import ensure_cjk_font, missing_glyphs
from greenplan.render.layout import PAPER_MM, SCALE_STEPS, paper_size_mm, sheet_info
from greenplan.render.mapsheet import compose_map, describe_crs
from greenplan.render.themes import get_theme

from .conftest import INDICATORS, METADATA, X0, Y0


@pytest.fixture(scope="module")
def sheet(mini_layers):
    return compose_map(mini_layers, get_theme("control_lines"), paper="A4", dpi=100, metadata=METADATA,
                       crs_label="EPSG:4544", indicators=INDICATORS, locator=mini_layers["admin_units"])


def texts(fig, gid: str) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_gid() == gid and t.get_visible()]


def test_legend_lists_exactly_the_drawn_layers_in_chinese(sheet) -> None:
    # the control lines first and in their order, the land-use base and roads too (issue #14),
    # the boundaries last; there is no overlap layer in the data
    assert texts(sheet, "legend-label") == ["生态保护红线", "永久基本农田", "城镇开发边界", "耕地", "林地", "居住用地",
                                            "公园绿地", "主要河流", "主干路", "支路", "乡镇（街道）界"]
    assert texts(sheet, "legend-group") == ["土地利用现状（底图）", "河流水系", "交通线路"]
    drawn = {e.style.label for e in legend_entries(map_axes(sheet))}
    assert drawn == set(texts(sheet, "legend-label"))


def test_scale_bar_is_a_round_length_matching_its_label_and_the_map_scale(sheet) -> None:
    info = sheet_info(sheet)
    ax = map_axes(sheet)
    # the frame is at exactly 1:N: its width on paper times N is its width on the ground
    w_in, _ = sheet.get_size_inches()
    frame_mm = ax.get_position().width * w_in * 25.4
    x0, x1 = ax.get_xlim()
    assert (x1 - x0) == pytest.approx(frame_mm * info.scale / 1000, rel=1e-9)
    k = 10 ** np.floor(np.log10(info.scale))
    assert info.scale / k in SCALE_STEPS and info.scale == 60_000  # round: 6 x 10^4
    segs = [p for p in ax.patches if p.get_gid() == "scalebar-seg"]
    start = min(p.get_x() for p in segs)
    length = max(p.get_x() + p.get_width() for p in segs) - start
    *_, last = texts(sheet, "scalebar-label")
    number, unit = last.split()
    assert length == pytest.approx(float(number) * {"千米": 1000, "米": 1}[unit])
    mantissa = length / 10 ** np.floor(np.log10(length))
    assert mantissa in (1.0, 2.0, 2.5, 5.0)
    assert 0.1 < length / (x1 - x0) <= 0.2  # about a fifth of the frame
    assert texts(sheet, "scale-numeric") == [f"比例尺 1:{info.scale:,}".replace(",", " ")]
    assert texts(sheet, "north-label") == ["北"]


def test_title_and_footer_carry_the_required_map_elements(sheet) -> None:
    assert texts(sheet, "title") == ["测试县三条控制线图"]
    footer = " ".join(t for gid in ("footer-org", "footer-crs", "footer-date", "footer-source")
                      for t in texts(sheet, gid))
    for needed in ("编制单位：测试县自然资源局", "2000国家大地坐标系", "EPSG:4544", "编制日期：2026年6月",
                   "数据来源：第三次全国国土调查"):
        assert needed in footer


def test_grid_labels_are_metres_of_the_working_crs(sheet) -> None:
    ax = map_axes(sheet)
    xs = [float(t.get_text()) for t in ax.get_xticklabels()]
    ys = [float(t.get_text()) for t in ax.get_yticklabels()]
    assert xs == list(ax.get_xticks()) and ys == list(ax.get_yticks())
    assert X0 in xs and Y0 + 2000 in ys  # whole metres of EPSG:4544
    assert np.diff(xs).min() == np.diff(xs).max() == 2000


def test_indicator_table(sheet, mini_layers) -> None:
    assert texts(sheet, "indicator-head") == ["指标", "数值", "评价"]
    assert texts(sheet, "indicator-0") == ["三条控制线相互重叠面积", "生态保护红线占用率"]
    assert texts(sheet, "indicator-1") == ["0.0 m²", "4.31%"]
    assert texts(sheet, "indicator-2") == ["达标", "不达标"]
    fig = compose_map(mini_layers, get_theme("scenario"), paper="A4", dpi=50, metadata=METADATA,
                      indicators=INDICATORS)
    assert texts(fig, "indicator-head") == ["指标", "现状", "方案", "变化", "评价"]
    # the theme's order; a row without a baseline (or change) shows a dash
    assert [t.replace("\n", "") for t in texts(fig, "indicator-0")] == ["建成区绿化覆盖率（矢量法）", "生态保护红线占用率"]
    assert texts(fig, "indicator-1") == ["30.10%", "—"] and texts(fig, "indicator-2") == ["37.12%", "4.31%"]
    assert texts(fig, "indicator-3") == ["—", "—"]  # no delta given here (jobs.sheet.with_baseline adds it)
    assert texts(fig, "indicator-4") == ["Ⅱ级", "不达标"]


def test_no_missing_glyphs_in_any_text_and_no_glyph_warnings(sheet, tmp_path) -> None:
    ensure_cjk_font()
    every = "".join(t.get_text() for t in sheet.findobj(Text))
    assert "图例" in every and "乡镇" in every
    assert missing_glyphs(every) == set()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        sheet.savefig(tmp_path / "x.png", dpi=50)
    assert missing_glyphs("正常文字\U0001F600") == {"\U0001F600"}  # the check itself works


def test_texts_of_the_sheet_do_not_overlap(sheet) -> None:
    sheet.canvas.draw()
    r = sheet.canvas.get_renderer()
    boxes = []
    for t in sheet.findobj(Text):
        gid = t.get_gid() or ""
        if not t.get_visible() or not t.get_text().strip() or gid.endswith("-outline") or ":label" in gid:
            continue
        boxes.append((t.get_text(), t.get_window_extent(r).shrunk(0.98, 0.9)))
    assert len(boxes) > 30
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1:]:
            assert not ba.overlaps(bb), (a, b)


@pytest.mark.parametrize("paper", ["A4", "A3", "A1", "A0"])
@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_paper_sizes_and_orientation(mini_layers, paper, orientation) -> None:
    fig = compose_map(mini_layers, get_theme("conflicts"), paper=paper, orientation=orientation, dpi=10,
                      metadata=METADATA, locator=mini_layers["admin_units"])
    w, h = paper_size_mm(paper, orientation)
    assert sorted((w, h)) == sorted(PAPER_MM[paper]) and (w > h) == (orientation == "landscape")
    assert tuple(fig.get_size_inches() * 25.4) == pytest.approx((w, h))
    ax = map_axes(fig)
    legend_top = max(t.get_position()[1] for t in fig.findobj(Text) if t.get_gid() == "panel-title")
    if orientation == "portrait":  # the panel sits below the map
        assert legend_top / h < ax.get_position().y0
    else:  # ... or to its right
        assert min(t.get_position()[0] for t in fig.findobj(Text) if t.get_gid() == "legend-label") / w > ax.get_position().x1


def test_township_map_highlights_the_unit_and_marks_it_in_the_locator(mini_layers) -> None:
    town = mini_layers["admin_units"].geometry.iloc[1]
    fig = compose_map(mini_layers, get_theme("greening"), paper="A4", orientation="portrait", dpi=50,
                      metadata=METADATA, highlight=town, locator=mini_layers["admin_units"],
                      subtitle="西湖乡")
    ax = map_axes(fig)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    b = town.bounds
    assert x0 <= b[0] and x1 >= b[2] and y0 <= b[1] and y1 >= b[3]
    assert (x1 - x0) < 2 * (b[2] - b[0]) + 1e-6 or (y1 - y0) < 2 * (b[3] - b[1]) + 1e-6  # zoomed to it
    assert len([p for p in ax.patches if p.get_gid() == "highlight"]) == 2
    loc = next(a for a in fig.axes if a.get_label() == "locator")
    (ext,) = [p for p in loc.patches if p.get_gid() == "locator-extent"]
    assert ext.get_visible()
    assert texts(fig, "subtitle") == ["西湖乡"]


def test_bad_inputs_are_clear_errors(mini_layers) -> None:
    geo = {k: v.to_crs(4490) for k, v in mini_layers.items() if k == "ecological_redline"}
    with pytest.raises(CRSError) as info:
        compose_map(geo, get_theme("control_lines"), metadata=METADATA)
    assert "投影坐标系" in info.value.message("zh")
    with pytest.raises(CRSError):
        compose_map({"buildings": mini_layers["buildings"]}, get_theme("control_lines"), metadata=METADATA)
    with pytest.raises(SettingError) as info:
        compose_map(mini_layers, get_theme("control_lines"), paper="B5", metadata=METADATA)
    assert info.value.key == "paper"


def test_layers_in_another_projected_crs_are_reprojected(mini_layers) -> None:
    moved = dict(mini_layers)
    moved["ecological_redline"] = mini_layers["ecological_redline"].to_crs(4523)  # zone-prefixed eastings
    fig = compose_map(moved, get_theme("control_lines"), paper="A4", dpi=30, metadata=METADATA)
    ax = map_axes(fig)
    (red,) = [p for p in ax.patches if p.get_gid() == "ecological_redline"]
    xs = red.get_path().vertices[:, 0]
    assert xs.min() == pytest.approx(X0 + 1000, abs=0.01)


def test_crs_descriptions() -> None:
    assert describe_crs("EPSG:4544") == "2000国家大地坐标系 高斯-克吕格投影 3度带 中央经线105°E（EPSG:4544）"
    assert describe_crs("EPSG:4523").startswith("2000国家大地坐标系 高斯-克吕格投影 3度带 中央经线105°E")
    assert describe_crs("EPSG:4507").startswith("2000国家大地坐标系 高斯-克吕格投影 6度带 中央经线105°E")
    assert describe_crs("EPSG:32648") == "WGS 84 / UTM zone 48N（EPSG:32648）"
    assert shapely.box(0, 0, 1, 1).area == 1  # (keeps the shapely import honest for the fixtures)


def test_a_long_indicator_table_stays_in_its_box(mini_layers) -> None:
    from greenplan.render.themes import Theme, ThemeLayer

    many = {f"k{i}": {"value": i / 100, "unit": "ratio", "pass": True} for i in range(30)}
    theme = Theme("t", "测试图", (ThemeLayer("ecological_redline"),), indicators=tuple(many))
    fig = compose_map(mini_layers, theme, paper="A4", dpi=30, metadata=METADATA, indicators=many,
                      locator=mini_layers["admin_units"])
    pos = [t.get_position() for t in fig.findobj(Text) if t.get_gid() == "indicator-0"]  # sheet mm
    x0, y0 = pos[0]
    frames = [p for p in fig.axes[0].patches if p.get_gid() == "panel-frame"]
    (table,) = [b for b in frames if b.get_x() < x0 < b.get_x() + b.get_width()
                and b.get_y() < y0 < b.get_y() + b.get_height()]
    ys = [y for _, y in pos]
    assert len(ys) == 30 and min(ys) > table.get_y() and max(ys) < table.get_y() + table.get_height()
