"""#14 "Done when", automated on the demo county: every theme's sheet, for the county and three
representative townships (城关街道 urban; 金山镇 and 花园乡 rural), drawn to a vector PDF, its
legend read back with ``pdftotext -bbox``: every layer and class drawn has a legend line,
nothing else is listed, no label twice, the control lines first and in order, the heading
extracts as 图例 and the legend text stays inside the legend box, itself inside the panel.

What was drawn comes from the map Axes' artists labelled from the style table
(``tools/check_legends.py``, which also sweeps all 65 sheets); not from the legend code.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from greenplan.core.project import read_project
from greenplan.core.resources import sample_dir
from greenplan.jobs.export import load_map_data
from greenplan.jobs.sheet import draw_sheet, township_sheet
from greenplan.render.export import save_map
from greenplan.render.layout import sheet_layout
from greenplan.render.themes import THEME_IDS, get_theme

_TOOL = Path(__file__).resolve().parents[2] / "tools" / "check_legends.py"
_spec = importlib.util.spec_from_file_location("check_legends", _TOOL)
check = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
sys.modules.setdefault("check_legends", check)  # its dataclasses look their module up
_spec.loader.exec_module(check)  # type: ignore[union-attr]

UNITS = [None, "城关街道", "金山镇", "花园乡"]


@pytest.fixture(scope="module")
def demo():
    project, _ = read_project(sample_dir() / "demo_county.greenplan.toml")
    return load_map_data(project, [get_theme(t) for t in THEME_IDS])


@pytest.fixture(scope="module")
def sheets(demo, tmp_path_factory):
    """(unit, theme) -> (problems, legend words in reading order, figure, pdf)."""
    out = tmp_path_factory.mktemp("legends")
    done = {}
    for unit in UNITS:
        for theme_id in THEME_IDS:
            theme = get_theme(theme_id)
            fig = draw_sheet(demo, township_sheet(demo, theme, unit), paper="A4", dpi=72)
            pdf = out / f"{unit or 'county'}_{theme_id}.pdf"
            save_map(fig, pdf)
            problems, words = check.check_sheet(fig, pdf, theme)
            done[(unit, theme_id)] = (problems, words, fig, pdf)
    return done


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("theme_id", THEME_IDS)
def test_legend_lists_what_is_drawn_once_in_order(sheets, unit, theme_id) -> None:
    problems, words, _, _ = sheets[(unit, theme_id)]
    assert problems == []
    assert len(words) >= 5
    assert len(words) == len(set(words))  # no label twice


@pytest.mark.parametrize("unit", UNITS[1:])
def test_township_sheets_list_the_unit_and_its_boundaries(sheets, unit) -> None:
    for theme_id in THEME_IDS:
        _, words, _, _ = sheets[(unit, theme_id)]
        assert words[-2:] == ["本乡镇范围", "乡镇（街道）界"]  # the boundaries come last


def test_the_base_layers_and_control_lines_are_in_the_legend(sheets) -> None:
    _, words, _, _ = sheets[(None, "control_lines")]
    assert words[:3] == ["生态保护红线", "永久基本农田", "城镇开发边界"]
    # the faded land-use base, water and roads (the railway among them) are listed
    assert "土地利用现状（底图）" in words and "铁路" in words and "河流水系" in words
    _, words, _, _ = sheets[(None, "scenario")]
    assert "公园绿地" in words and "公园绿地（土地利用现状）" in words  # two sources, two labels


def test_pdf_heading_and_legend_box_inside_the_panel(sheets) -> None:
    for (unit, theme_id), (_, _, fig, pdf) in sheets.items():
        panel = sheet_layout("A4", "landscape", subtitle=bool(get_theme(theme_id).subtitle)).panel
        words, _ = check.pdf_words(pdf)
        assert sum(w.text == "图例" for w in words) == 1, (unit, theme_id)
        x0, y0, x1, y1 = check.legend_frame(fig)
        assert panel.x - 0.01 <= x0 and x1 <= panel.x1 + 0.01 and panel.y - 0.01 <= y0 and y1 <= panel.y1 + 0.01
        # sized to its content: below the last legend word, no more than a margin and a line
        legend = [w for w in words if x0 <= w.x0 and w.x1 <= x1 and y0 <= w.y0 and w.y1 <= y1 and w.text != "图例"]
        assert min(w.y0 for w in legend) - y0 < 10.0, (unit, theme_id)


def test_the_check_finds_a_layer_missing_from_the_legend(mini_layers, tmp_path) -> None:
    # a project that hides the roads from the legend: drawn, not listed; the check says so
    from greenplan.render.mapsheet import compose_map

    theme = get_theme("control_lines")
    fig = compose_map(mini_layers, theme, paper="A4", dpi=40, styles={"roads": {"legend": False}})
    save_map(fig, tmp_path / "x.pdf")
    problems, words = check.check_sheet(fig, tmp_path / "x.pdf", theme)
    assert sorted(problems) == ["drawn but not in the legend: roads 主干路", "drawn but not in the legend: roads 支路"]
    assert words[:3] == ["生态保护红线", "永久基本农田", "城镇开发边界"]


@pytest.mark.parametrize("unit", UNITS)
def test_land_use_classes_listed_are_those_in_the_frame(demo, sheets, unit) -> None:
    # independent of the drawing: the parcels that meet the map frame, read with geopandas,
    # their DLBM codes classed by the style table
    import shapely

    from greenplan.render.export import map_axes

    _, words, fig, _ = sheets[(unit, "control_lines")]
    ax = map_axes(fig)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    lu = demo.layers["land_use"]
    inside = lu[lu.intersects(shapely.box(x0, y0, x1, y1))]
    style = get_theme("control_lines").style_for("land_use")
    idx = style.classify(inside["DLBM"].to_numpy())
    expected = {style.categories[i].label if i >= 0 else style.other_label for i in idx}
    every = {c.label for c in style.categories} | {style.other_label}
    assert set(words) & every == expected
    if unit is not None:
        assert len(expected) < len(every) - 2  # a township's frame holds fewer classes than the palette
