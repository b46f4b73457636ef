"""``export_map``: one map of a small hand-built county; the files reopen and carry what was drawn.

The county (EPSG:4544, metres from the origin of ``build``): townships 东风镇 (0-2000 m)
and 西湖乡 (2000-4000 m) side by side, 2 km tall; red line E 500 x 500 m at (200, 200),
permanent farmland F 500 x 500 m at (600, 200), so E ∩ F = 100 x 500 = 50,000 m² = 5.00 公顷,
all in 东风镇; the urban boundary and built-up area in 西湖乡 overlap neither.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pypdf
import pytest
from matplotlib.text import Text
from PIL import Image

from greenplan.core.errors import GeometryTypeError, OutputError, SettingError
from greenplan.core.project import read_project
from greenplan.jobs.export import compose_project_map, export_map, load_map_data
from greenplan.render.draw import legend_entries
from greenplan.render.export import map_axes
from greenplan.render.layout import SCALE_STEPS, frame_axes
from greenplan.render.themes import get_theme

DPI = 50


@pytest.fixture
def tiny(build, cn_dir) -> Path:
    gpkg = cn_dir / "小 县.gpkg"
    b = build
    b.write(b.frame([b.box(0, 0, 2000, 2000), b.box(2000, 0, 2000, 2000)], name=["东风镇", "西湖乡"],
                    code=["640101001", "640101002"], population=[1000, 2000]), gpkg, "admin_units")
    b.write(b.frame([b.box(200, 200, 500, 500)], name=["贺兰山"]), gpkg, "ecological_redline")
    b.write(b.frame([b.box(600, 200, 500, 500)]), gpkg, "permanent_farmland")
    b.write(b.frame([b.box(2500, 500, 1000, 1000)]), gpkg, "urban_boundary")
    b.write(b.frame([b.box(2600, 600, 800, 800)]), gpkg, "built_up_area")
    b.write(b.frame([b.box(2700, 700, 200, 200)], **{"class": ["G1"]}), gpkg, "green_space")
    b.write(b.frame([b.box(2600, 1000, 300, 300), b.box(1500, 1500, 300, 300)], DLBM=["0701", "0103"]), gpkg, "land_use")
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r} for r in
              ("admin_units", "ecological_redline", "permanent_farmland", "urban_boundary", "built_up_area",
               "green_space", "land_use")]
    return b.write_project(cn_dir, layers, name="小县", metadata={"organisation": "小县自然资源局"})


def test_pdf_png_svg_reopen_with_title_world_file_and_indicators(tiny, build, cn_dir) -> None:
    pdf = export_map(tiny, cn_dir / "三线 图.pdf", theme="control_lines", paper="A4", dpi=DPI)
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "小县三条控制线图" in text and "5.00 公顷" in text  # the county's E ∩ F in the panel
    assert "编制单位：小县自然资源局" in text

    png = export_map(tiny, cn_dir / "三线 图.png", theme="control_lines", paper="A4", dpi=DPI)
    img = np.asarray(Image.open(png).convert("RGB"))
    assert img.shape[:2] == (int(210 / 25.4 * DPI), int(297 / 25.4 * DPI))
    a, d, b, e, c, f = (float(v) for v in (cn_dir / "三线 图.pgw").read_text().split())
    assert d == b == 0 and a == pytest.approx(-e)
    scale = a * DPI / 0.0254  # the frame is at a round scale 1:N
    k = 10 ** np.floor(np.log10(scale))
    assert any(scale == pytest.approx(s * k) for s in SCALE_STEPS)
    # the world file puts the red line where its green is: (0,176,80) over white, away from F
    col, row = round((build.X0 + 300 - c) / a), round((build.Y0 + 600 - f) / e)
    r_, g_, b_ = img[row, col].astype(int)
    assert g_ > r_ + 40 and g_ > b_ + 40
    assert (cn_dir / "三线 图.png.aux.xml").read_text().count("CGCS2000") >= 1

    svg = export_map(tiny, cn_dir / "三线 图.svg", theme="greening", paper="A4", dpi=DPI)
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert float(root.get("width").removesuffix("pt")) == pytest.approx(297 / 25.4 * 72, abs=0.5)  # A4 landscape


def test_legend_lists_the_drawn_layers(tiny) -> None:
    project, _ = read_project(tiny)
    theme = get_theme("control_lines")
    data = load_map_data(project, [theme])
    fig = compose_project_map(data, theme, paper="A4", dpi=DPI)
    drawn = {e.key for e in legend_entries(map_axes(fig))}
    # control_lines lists its land-use base too (#14); no rivers or roads in the data;
    # the overlap E ∩ F is computed and drawn
    assert drawn == {"admin_units", "ecological_redline", "permanent_farmland", "urban_boundary",
                     "control_line_overlaps", "land_use"}
    labels = [t.get_text() for t in fig.findobj(Text) if t.get_gid() == "legend-label"]
    assert set(labels) == {e.style.label for e in legend_entries(map_axes(fig))}
    assert "控制线交叉重叠" in labels and "河流水系" not in labels


def test_township_map_zooms_highlights_and_lists_its_own_indicators(tiny, cn_dir, build) -> None:
    out = export_map(tiny, cn_dir / "西湖乡.pdf", theme="control_lines", paper="A4", dpi=DPI, unit="西湖乡")
    text = pypdf.PdfReader(out).pages[0].extract_text()
    assert "小县西湖乡三条控制线图" in text
    assert "0 m²" in text and "5.00 公顷" not in text  # 西湖乡 has no overlap; the county's 5 ha is 东风镇's
    out = export_map(tiny, cn_dir / "东风镇.pdf", theme="control_lines", paper="A4", dpi=DPI, unit="640101001")
    assert "5.00 公顷" in pypdf.PdfReader(out).pages[0].extract_text()


def test_extent_is_honoured_and_checked(tiny, cn_dir, build) -> None:
    export_map(tiny, cn_dir / "局部.png", paper="A4", dpi=DPI,
               extent=(build.X0 + 100, build.Y0 + 100, build.X0 + 1200, build.Y0 + 800))
    a, _, _, e, c, f = (float(v) for v in (cn_dir / "局部.pgw").read_text().split())
    # 1.1 km across a ~19 cm frame is about 1:6 000 (the 4 km county needs 1:25 000)
    assert 5_000 <= a * DPI / 0.0254 <= 8_000
    # the image spans the extent (west of 100 m to east of 1200 m)
    img_w = int(297 / 25.4 * DPI)
    assert c < build.X0 + 100 and c + img_w * a > build.X0 + 1200
    with pytest.raises(SettingError, match="outside the data"):
        export_map(tiny, cn_dir / "x.png", dpi=DPI, extent=(105.0, 36.0, 106.0, 37.0))
    with pytest.raises(SettingError):
        export_map(tiny, cn_dir / "x.png", dpi=DPI, extent=(10.0, 0.0, 5.0, 1.0))
    assert not (cn_dir / "x.png").exists()


def test_bad_inputs_fail_before_any_file_is_written(tiny, cn_dir, tmp_path) -> None:
    with pytest.raises(SettingError) as info:
        export_map(tiny, cn_dir / "a.pdf", theme="no_such_theme")
    assert "control_lines" in info.value.message("en") and "未知的专题图" in info.value.message("zh")
    with pytest.raises(OutputError):
        export_map(tiny, cn_dir / "a.docx")
    with pytest.raises(OutputError):
        export_map(tiny, tmp_path / "no folder" / "a.pdf")
    with pytest.raises(SettingError) as info:
        export_map(tiny, cn_dir / "a.pdf", unit="不存在镇")
    assert "东风镇" in info.value.message("zh")
    with pytest.raises(SettingError):
        export_map(tiny, cn_dir / "a.pdf", paper="B5")
    assert sorted(p.suffix for p in cn_dir.iterdir()) == [".gpkg", ".toml"]


def test_a_degenerate_township_is_a_clear_error(build, cn_dir) -> None:
    gpkg = cn_dir / "u.gpkg"
    # a 2 m x 1 mm sliver is a valid polygon, but no township
    build.write(build.frame([build.box(0, 0, 1000, 1000), build.box(1000, 0, 2, 0.001)], name=["甲镇", "乙镇"],
                            code=["1", "2"]), gpkg, "admin_units")
    project = build.write_project(cn_dir, [{"source": gpkg.name, "layer": "admin_units", "role": "admin_units"}])
    with pytest.raises(GeometryTypeError) as info:
        export_map(project, cn_dir / "乙镇.pdf", theme="control_lines", dpi=DPI, unit="乙镇")
    assert "乙镇" in info.value.message("zh") and "退化" in info.value.message("zh")


def test_opportunity_and_scenario_themes_draw_candidates_and_scenario_greening() -> None:
    """From the command line too (not only through the GUI's panels): the demo county's
    rooftop, pocket-park and belt candidates, and its saved scenario's greening, are drawn."""
    from greenplan.core.feedback import Feedback
    from greenplan.core.resources import sample_dir
    from greenplan.core.scenario import scenarios_from_project
    from greenplan.jobs.candidates import compute_candidates, load_layers

    project, _ = read_project(sample_dir() / "demo_county.greenplan.toml")
    themes = [get_theme("opportunities"), get_theme("scenario")]
    data = load_map_data(project, themes, compute=False)
    # independently: the candidates of the same project, counted directly
    _, vec, ras = load_layers(project, Feedback())
    cands = compute_candidates(vec, ras, project.settings)
    assert len(data.layers["rooftop_candidates"]) == int(cands.rooftops["candidate"].sum()) > 0
    assert len(data.layers["pocket_parks"]) == int(cands.pocket_parks["candidate"].sum()) > 0
    assert len(data.layers["green_belts"]) == int(cands.belts["candidate"].sum()) > 0
    assert scenarios_from_project(project)[0].name == "demo"
    assert len(data.layers["scenario_greening"]) > 0
    for theme, keys in zip(themes, ({"rooftop_candidates", "pocket_parks", "green_belts"}, {"scenario_greening"}), strict=True):
        fig = compose_project_map(data, theme, paper="A4", dpi=DPI)
        assert keys <= {e.key for ax in frame_axes(fig) for e in legend_entries(ax)}  # the 方案 frame draws it


def test_scenario_maps_show_before_and_after_per_township(tmp_path: Path) -> None:
    """The scenario panel lists 现状 and 方案 values; 方案 equals what `greenplan scenario` reports."""
    from greenplan.core.resources import sample_dir
    from greenplan.jobs.batch import run_batch
    from greenplan.jobs.scenario import run_scenario

    project, _ = read_project(sample_dir() / "demo_county.greenplan.toml")
    report = run_scenario(project, "demo", tmp_path / "scenario")
    rows = {u["code"]: u["indicators"] for u in report.document["by_unit"]}
    after = rows["510123001"]["green_coverage_vector"]["after"]
    before = rows["510123001"]["green_coverage_vector"]["before"]
    assert after > before
    expect = {f"{100 * before:.2f}%", f"{100 * after:.2f}%", "现状", "方案"}

    pdf = export_map(project, tmp_path / "城关 方案.pdf", theme="scenario", unit="510123001", dpi=60)
    text = pypdf.PdfReader(pdf).pages[0].extract_text().replace(" ", "")
    assert all(e in text for e in expect), (expect, text[-400:])

    res = run_batch(project, tmp_path / "批量", themes=["scenario"], formats=["pdf"], units=["510123001"], dpi=60, jobs=1)
    (written,) = [r for r in res.records if r["status"] == "written" and str(r["path"]).endswith("510123001_城关街道.pdf")]
    text = pypdf.PdfReader(tmp_path / "批量" / written["path"]).pages[0].extract_text().replace(" ", "")
    assert all(e in text for e in expect), (expect, text[-400:])
