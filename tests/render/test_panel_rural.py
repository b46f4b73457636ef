"""The indicator table of the side panel: rows that do not apply, forest cover, the scenario's
现状 | 方案 | 变化 | 评价 columns, and texts that stay inside the panel on A4 portrait and A3
landscape (#14 items 3 and 4).

Expected texts are written out by hand from the values given: 0.0587 is ``5.87%``; a change
of 0.023 in a ratio is ``+2.30 个百分点`` (percentage points, two decimals as the values);
22.7912 → 24.2412 m²/person is ``+1.45 m²/人``. The not-applicable words are those of the
issue: ``不适用（本乡镇无建成区）``.
"""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from greenplan.render import panels
from greenplan.render.layout import Box
from greenplan.render.mapsheet import compose_map
from greenplan.render.themes import Theme, ThemeLayer, get_theme, indicator_labels

from .conftest import METADATA

NA = "不适用（本乡镇无建成区）"

RURAL = {
    "green_coverage_vector": {"value": None, "unit": "ratio", "not_applicable": "no_built_up"},
    "park_green_per_capita": {"value": None, "unit": "m²/person", "not_applicable": "no_built_up"},
    "eco_redline_occupation": {"value": 0.4417, "unit": "ratio", "pass": False, "threshold": {"pass": 0}},
    "forest_coverage": {"value": 0.0587, "unit": "ratio", "grade": None, "pass": None},
    "forest_grass_coverage": {"value": 0.1185, "unit": "ratio", "grade": None, "pass": None},
}

SCENARIO = {
    "green_coverage_vector": {"value": 0.3571, "unit": "ratio", "grade": "III", "pass": True,
                              "baseline": 0.3341, "delta": 0.023},
    "park_green_per_capita": {"value": 24.2412, "unit": "m²/person", "grade": "I", "pass": True,
                              "baseline": 22.7912, "delta": 1.45},
    "green_space_ratio": {"value": None, "unit": "ratio", "baseline": None, "delta": None,
                          "not_applicable": "no_built_up"},
    "eco_redline_occupation": {"value": 0.0391, "unit": "ratio", "pass": False, "baseline": 0.0391, "delta": 0.0},
    # a bound (unknown codes) is the longest value text there is
    "green_coverage_raster": {"value": 0.1751, "unit": "ratio", "ungraded": "unknown_codes", "bound": "lower",
                              "baseline": 0.1702, "delta": 0.0049},
}


def table(rows: dict, w: float = 160.0, h: float = 80.0) -> Figure:
    fig = Figure(figsize=(8, 8))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 200)
    ax.set_ylim(0, 200)
    panels.draw_indicator_table(ax, Box(10, 10, w, h), panels.indicator_rows(rows, list(rows)), indicator_labels(), 1.0)
    return fig


def cells(fig, gid: str) -> list[str]:
    return [t.get_text().replace("\n", "") for t in fig.findobj(Text) if t.get_gid() == gid]


def test_a_row_that_does_not_apply_says_why_across_the_value_columns() -> None:
    fig = table(RURAL)
    assert cells(fig, "indicator-head") == ["指标", "数值", "评价"]
    assert cells(fig, "indicator-0") == ["建成区绿化覆盖率（矢量法）", "人均公园绿地面积", "生态保护红线占用率",
                                         "森林覆盖率（按地类估算）", "林草覆盖率（按地类估算）"]
    assert cells(fig, "indicator-1") == [NA, NA, "44.17%", "5.87%", "11.85%"]
    # no evaluation cell on the rows that do not apply (their reason spans it); forest cover is not graded
    assert cells(fig, "indicator-2") == ["不达标", "—", "—"]
    for t in fig.findobj(Text):
        assert t.get_text() != "—" or t.get_gid() == "indicator-2"


def test_the_scenario_table_has_before_after_change_and_evaluation() -> None:
    fig = table(SCENARIO)
    assert cells(fig, "indicator-head") == ["指标", "现状", "方案", "变化", "评价"]
    assert cells(fig, "indicator-1") == ["33.41%", "22.79 m²/人", NA, "3.91%", "≥ 17.02%（含未识别地类）"]
    assert cells(fig, "indicator-2") == ["35.71%", "24.24 m²/人", "3.91%", "≥ 17.51%（含未识别地类）"]
    assert cells(fig, "indicator-3") == ["+2.30 个百分点", "+1.45 m²/人", "0", "+0.49 个百分点"]
    assert cells(fig, "indicator-4") == ["Ⅲ级", "Ⅰ级", "不达标", "未评级"]


def _rows_of(fig: Figure, renderer) -> tuple[list, list]:
    texts = [t for t in fig.findobj(Text) if (t.get_gid() or "").startswith("indicator-")]
    return texts, [t.get_window_extent(renderer) for t in texts]


@pytest.mark.parametrize(("paper", "orientation"), [("A4", "portrait"), ("A3", "landscape")])
def test_scenario_table_texts_stay_inside_the_panel_and_their_cells(mini_layers, paper, orientation) -> None:
    theme = get_theme("scenario")
    theme = Theme(theme.id, theme.title, (ThemeLayer("ecological_redline"),), indicators=tuple(SCENARIO))
    fig = compose_map(mini_layers, theme, paper=paper, orientation=orientation, dpi=60, metadata=METADATA,
                      indicators=SCENARIO, locator=mini_layers["admin_units"])
    renderer = fig.canvas.get_renderer()
    texts, boxes = _rows_of(fig, renderer)
    assert len(texts) == 5 + 5 * 5 - 3  # heads, five rows of five cells, the n/a row in two
    x0, y0 = texts[0].get_position()
    sheet = fig.axes[0]
    (frame,) = [p for p in sheet.patches if p.get_gid() == "panel-frame"
                and p.get_x() < x0 < p.get_x() + p.get_width() and p.get_y() < y0 < p.get_y() + p.get_height()]
    fb = frame.get_window_extent(renderer)
    for t, b in zip(texts, boxes, strict=True):
        assert fb.x0 <= b.x0 and b.x1 <= fb.x1 and fb.y0 <= b.y0 and b.y1 <= fb.y1, t.get_text()
        assert t.get_fontsize() >= 4.0, t.get_text()  # the smallest print size, also for wrapped texts
    # cells of one row do not touch each other
    by_row: dict[float, list] = {}
    for t, b in zip(texts, boxes, strict=True):
        by_row.setdefault(round(t.get_position()[1], 3), []).append(b)
    assert len(by_row) == 6
    for row in by_row.values():
        row.sort(key=lambda b: b.x0)
        assert all(a.x1 < b.x0 for a, b in zip(row, row[1:], strict=False))
