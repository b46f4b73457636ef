"""What a sheet frames (#14 items 2 and 4): the built-up area on county sheets of the greening
themes, 现状 | 方案 frames on the scenario sheet, the locator's regional context, and symbols
that stay apart (proposed greening vs conflicts, the red line over forest).

Expected values come from the fixture's construction (``conftest.py``: the county is
10 x 8 km, the built-up area the 1.5 x 2 km box at (3500, 1000), the urban boundary the
2.5 x 3 km box at (3000, 500)) and from colour arithmetic done here (WCAG relative luminance).
"""

from __future__ import annotations

import colorsys
import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text

from greenplan.core.errors import ProjectFileError
from greenplan.jobs.export import theme_inputs
from greenplan.render.draw import draw_layer, legend_entries
from greenplan.render.layout import SCALE_STEPS, frame_axes, sheet_info
from greenplan.render.mapsheet import compose_map
from greenplan.render.styles import resolve_style
from greenplan.render.themes import get_theme

from .conftest import CRS, METADATA, X0, Y0, box, frame

COUNTY = (X0, Y0, X0 + 10_000, Y0 + 8_000)
BUILT_UP = (X0 + 3500, Y0 + 1000, X0 + 5000, Y0 + 3000)
URBAN = (X0 + 3000, Y0 + 500, X0 + 5500, Y0 + 3500)
#: the layers of the analysis results that mark conflicts (conflicts theme)
CONFLICT_STYLES = ("redline_occupation", "control_line_overlaps", "farmland_conflicts")


def area(b) -> float:
    return (b[2] - b[0]) * (b[3] - b[1])


def contains(outer, inner) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


def is_round(n: int) -> bool:
    k = 10 ** math.floor(math.log10(n))
    return any(math.isclose(n, s * k) for s in SCALE_STEPS)


def texts(obj, gid: str) -> list[str]:
    return [t.get_text() for t in obj.findobj(Text) if t.get_gid() == gid and t.get_visible()]


def locator_of(fig):
    return next(a for a in fig.axes if a.get_label() == "locator")


def gids(ax) -> set[str]:
    return {a.get_gid() for a in ax.get_children() if a.get_gid()}


# ----------------------------------------------------------------------------- framing
@pytest.mark.parametrize("theme", ["greening", "opportunities", "scenario"])
def test_county_sheet_of_a_built_up_theme_frames_the_built_up_area(mini_layers, theme) -> None:
    fig = compose_map(mini_layers, get_theme(theme), paper="A4", dpi=20, metadata=METADATA,
                      locator=mini_layers["admin_units"])
    info = sheet_info(fig)
    assert contains(info.extent, BUILT_UP)
    assert area(info.extent) < 0.25 * area(COUNTY)  # the subject, not the county around it
    assert is_round(info.scale) and info.scale <= 25_000  # 1:100,000 for the whole county on A4
    for ax in frame_axes(fig):
        assert ax.get_xlim() == pytest.approx((info.extent[0], info.extent[2]))
    # the locator shows the whole county, the framed area marked, the townships named
    loc = locator_of(fig)
    (ext,) = [p for p in loc.patches if p.get_gid() == "locator-extent"]
    assert ext.get_visible() and (ext.get_x(), ext.get_y()) == pytest.approx(info.extent[:2])
    lx, ly = loc.get_xlim(), loc.get_ylim()
    assert lx[0] <= COUNTY[0] and lx[1] >= COUNTY[2] and ly[0] <= COUNTY[1] and ly[1] >= COUNTY[3]
    assert sorted(texts(loc, "locator-label")) == sorted(["东风镇", "西湖乡"])


def test_without_built_up_area_the_urban_boundary_is_framed_and_other_themes_show_the_county(mini_layers) -> None:
    no_built = {k: v for k, v in mini_layers.items() if k != "built_up_area"}
    info = sheet_info(compose_map(no_built, get_theme("greening"), paper="A4", dpi=20, metadata=METADATA))
    assert contains(info.extent, URBAN) and area(info.extent) < 0.3 * area(COUNTY)
    whole = sheet_info(compose_map(mini_layers, get_theme("control_lines"), paper="A4", dpi=20, metadata=METADATA))
    assert contains(whole.extent, COUNTY)
    # a project restores the whole county with frame = []
    info = sheet_info(compose_map(mini_layers, get_theme("greening", {"greening": {"frame": []}}), paper="A4", dpi=20,
                                  metadata=METADATA))
    assert contains(info.extent, COUNTY)
    # a township sheet shows its township
    town = mini_layers["admin_units"].geometry.iloc[0]
    info = sheet_info(compose_map(mini_layers, get_theme("greening"), paper="A4", dpi=20, metadata=METADATA,
                                  highlight=town))
    assert contains(info.extent, town.bounds)


def test_frame_and_frames_are_validated() -> None:
    t = get_theme("greening", {"greening": {"frame": "urban_boundary"}})
    assert t.frame == ("urban_boundary",)
    with pytest.raises(ProjectFileError) as info:
        get_theme("greening", {"greening": {"frame": ["land_use"]}})  # not a layer of the theme
    assert info.value.key == "themes.greening.frame" and "land_use" in info.value.message("zh")
    with pytest.raises(ProjectFileError) as info:
        get_theme("scenario", {"scenario": {"frames": ["current", "future"]}})
    assert info.value.key == "themes.scenario.frames"
    with pytest.raises(ProjectFileError):
        get_theme("greening", {"greening": {"frame": 3}})
    # a project's own layer list drops the shipped frame keys it no longer draws
    assert get_theme("greening", {"greening": {"layers": ["green_space", "admin_units"]}}).frame == ()


# ----------------------------------------------------------------------------- 现状 | 方案
@pytest.fixture(scope="module")
def scenario_layers(mini_layers):
    return {**mini_layers,
            "scenario_greening": frame([box(3700, 1500, 300, 300), box(4300, 2200, 200, 400)]),
            "scenario_construction": frame([box(4500, 1200, 300, 200)])}


def test_scenario_sheet_has_two_frames_same_scale_and_extent_scenario_only_in_the_second(scenario_layers) -> None:
    fig = compose_map(scenario_layers, get_theme("scenario"), paper="A3", dpi=20, metadata=METADATA,
                      locator=scenario_layers["admin_units"])
    info = sheet_info(fig)
    assert info.frames == ("current", "scenario")
    now, plan = frame_axes(fig)
    assert now.get_label() == "map" and plan.get_label() == "map:scenario"
    assert now.get_xlim() == plan.get_xlim() and now.get_ylim() == plan.get_ylim()
    p0, p1 = now.get_position(), plan.get_position()
    assert (p0.width, p0.height) == pytest.approx((p1.width, p1.height)) and p0.x1 < p1.x0  # side by side
    for key in ("scenario_greening", "scenario_construction"):
        assert key not in gids(now) and key in gids(plan)
    assert "green_space:G1" in gids(now) and "green_space:G1" in gids(plan)  # both draw today's layers
    assert texts(now, "frame-title") == ["现状"] and texts(plan, "frame-title") == ["方案"]
    # one legend for both frames, the proposed greening listed once
    assert texts(fig, "legend-label").count("方案新增绿地") == 1
    assert {e.key for e in legend_entries(now)} < {e.key for e in legend_entries(plan)}
    # one scale bar, one north arrow
    assert len([t for t in fig.findobj(Text) if t.get_gid() == "scale-numeric"]) == 1
    assert len([t for t in fig.findobj(Text) if t.get_gid() == "north-label"]) == 1


@pytest.mark.parametrize("paper", ["A4", "A0"])
@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_two_frames_fit_every_paper(scenario_layers, paper, orientation) -> None:
    fig = compose_map(scenario_layers, get_theme("scenario"), paper=paper, orientation=orientation, dpi=5,
                      metadata=METADATA, locator=scenario_layers["admin_units"])
    now, plan = (a.get_position() for a in frame_axes(fig))
    panel_top = max(t.get_position()[1] for t in fig.findobj(Text) if t.get_gid() == "panel-title")
    panel_left = min(t.get_position()[0] for t in fig.findobj(Text) if t.get_gid() == "panel-title")
    w, h = fig.get_size_inches() * 25.4
    assert 0 < now.x0 < now.x1 < plan.x0 < plan.x1 < 1 and now.y0 == pytest.approx(plan.y0)
    if orientation == "portrait":  # the panel below both frames
        assert panel_top / h < now.y0
    else:  # ... or right of them
        assert panel_left / w > plan.x1
    assert contains(sheet_info(fig).extent, BUILT_UP)


# ----------------------------------------------------------------------------- locator
def test_county_locator_shows_the_county_among_the_region_units(mini_layers) -> None:
    region = gpd.GeoDataFrame({"name": ["测试县", "邻县甲", "邻县乙"]},
                              geometry=[box(0, 0, 10_000, 8_000), box(-10_000, 0, 10_000, 8_000),
                                        box(10_000, -2_000, 9_000, 12_000)], crs=CRS)
    fig = compose_map(mini_layers, get_theme("control_lines"), paper="A4", dpi=20, metadata=METADATA,
                      locator=mini_layers["admin_units"], region=region)
    loc = locator_of(fig)
    assert {"locator-region", "locator-county"} <= gids(loc)
    x0, x1 = loc.get_xlim()
    assert x0 < COUNTY[0] - 5_000 and x1 > COUNTY[2] + 5_000  # the neighbours are in view
    assert {"邻县甲", "邻县乙"} <= set(texts(loc, "locator-label"))
    # the region layer is loaded with every map (the loader wants it when the project has it)
    assert "region_units" in theme_inputs([get_theme("greening")])[0]


def test_county_locator_without_region_names_the_townships(mini_layers) -> None:
    fig = compose_map(mini_layers, get_theme("control_lines"), paper="A4", dpi=20, metadata=METADATA,
                      locator=mini_layers["admin_units"])
    loc = locator_of(fig)
    assert "locator-region" not in gids(loc) and "locator-units" in gids(loc)
    assert sorted(texts(loc, "locator-label")) == sorted(["东风镇", "西湖乡"])
    # a township sheet keeps the county with the township highlighted
    town = mini_layers["admin_units"].geometry.iloc[1]
    fig = compose_map(mini_layers, get_theme("control_lines"), paper="A4", dpi=20, metadata=METADATA,
                      locator=mini_layers["admin_units"], highlight=town)
    assert "locator-highlight" in gids(locator_of(fig))


# ----------------------------------------------------------------------------- symbols
def hue_deg(colour: str) -> float:
    return colorsys.rgb_to_hsv(*to_rgb(colour))[0] * 360.0


def luminance(rgb) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0-1 floats)."""
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_proposed_greening_is_green_hatched_and_never_a_conflict_colour() -> None:
    plan = resolve_style("scenario_greening")
    assert plan.hatch and 75.0 <= hue_deg(plan.fill) <= 165.0  # green
    for key in CONFLICT_STYLES:
        s = resolve_style(key)
        for colour in (s.fill, s.edge):
            d = abs(hue_deg(plan.fill) - hue_deg(colour)) % 360
            assert min(d, 360 - d) >= 60.0, (key, colour)
    # apart from today's green space: those are not hatched
    assert all(not c.hatch for c in resolve_style("green_space").categories)


RED_LINE_MIN_WIDTH_PT = 1.5


def test_red_line_stays_readable_over_forest() -> None:
    red = resolve_style("ecological_redline")
    forest = next(c for c in resolve_style("land_use").categories if c.label == "林地")
    assert red.width >= RED_LINE_MIN_WIDTH_PT and red.hatch
    # the hatch over the red line's fill laid on forest land: at least 3:1 (WCAG non-text contrast)
    under = np.array(to_rgb(forest.fill)) * (1 - red.alpha) + np.array(to_rgb(red.fill)) * red.alpha
    assert contrast(to_rgb(red.hatch_color), under) >= 3.0
    # drawn: forest west half, the red line over a square across the middle; the red line's
    # inside shows hatch pixels, as dark as the hatch colour, where forest alone has none
    fig = Figure(figsize=(2, 2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, 200)
    ax.set_ylim(0, 200)
    ext = (0.0, 0.0, 200.0, 200.0)
    land = gpd.GeoDataFrame({"DLBM": ["0301"]}, geometry=[shapely.box(0, 0, 200, 200)], crs=CRS)
    line = gpd.GeoDataFrame(geometry=[shapely.box(50, 50, 150, 150)], crs=CRS)
    draw_layer(ax, land, resolve_style("land_use"), extent=ext, pixel_size=1.0)
    draw_layer(ax, line, resolve_style("ecological_redline"), extent=ext, pixel_size=1.0)
    fig.canvas.draw()
    img = np.asarray(fig.canvas.buffer_rgba())[::-1, :, :3] / 255.0  # row 0 at y = 0
    lum = 0.2126 * img[..., 0] + 0.7152 * img[..., 1] + 0.0722 * img[..., 2]
    inside, outside = lum[70:130, 70:130], lum[5:40, 5:40]
    dark = lum.min() + 0.1
    assert (outside > dark).all() and (inside <= dark).mean() > 0.05


def test_framed_greening_sheet_keeps_the_ndvi_values_in_its_legend(mini_layers, ndvi_tif) -> None:
    fig = compose_map(mini_layers, get_theme("greening"), paper="A4", dpi=20, metadata=METADATA,
                      rasters={"vegetation_raster": ndvi_tif}, locator=mini_layers["admin_units"])
    ticks = [float(t) for t in texts(fig, "legend-tick")]
    # the theme's ramp runs 0.0-0.9: values along it, in order
    assert len(ticks) >= 3 and ticks == sorted(ticks) and ticks[0] >= 0.0 and ticks[-1] <= 0.9
