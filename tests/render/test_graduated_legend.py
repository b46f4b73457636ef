"""Exported maps of categorised and graduated project styles: the legend lists the classes with
their ranges, labels by field are printed; read back with pdftotext from the vector PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from greenplan.core.project import read_project, save_project
from greenplan.render.styles import resolve_style

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

#: population of the three townships: graduated by manual breaks 3000 and 6000 (one each)
POP = [1000, 5000, 9000]
NAMES = ["东风镇", "西湖乡", "南山镇"]


@pytest.fixture
def styled(build, cn_dir) -> Path:
    """Three townships (2 x 2 km) graduated by population, labelled by name; land use
    categorised by a field of the planner's own (规划分区)."""
    gpkg = cn_dir / "分级 县.gpkg"
    b = build
    b.write(b.frame([b.box(2000 * i, 0, 2000, 2000) for i in range(3)], name=NAMES,
                    code=["640101001", "640101002", "640101003"], pop=POP), gpkg, "admin_units")
    b.write(b.frame([b.box(200, 200, 600, 600), b.box(2200, 200, 600, 600), b.box(4200, 200, 600, 600)],
                    DLBM=["0101", "0301", "0701"], zone=["农业区", "生态区", "城镇区"]), gpkg, "land_use")
    units_style = {"renderer": "graduated", "field": "pop", "method": "manual", "breaks": [1000, 3000, 6000, 9000],
                   "label": "常住人口（人）", "label_field": "name", "label_size": 10.0,
                   "classes": [{"min": 1000, "max": 3000, "fill": "#edf8e9", "label": "1,000 – 3,000"},
                               {"min": 3000, "max": 6000, "fill": "#74c476", "label": "3,000 – 6,000"},
                               {"min": 6000, "max": 9000, "fill": "#006d2c", "label": "6,000 – 9,000"}]}
    land_style = {"renderer": "categorized", "field": "zone", "label": "规划分区",
                  "classes": [{"value": "农业区", "fill": "#f6e682", "label": "农业发展区"},
                              {"value": "生态区", "fill": "#2e7d32", "label": "生态保护区"},
                              {"value": "城镇区", "fill": "#e05050", "label": "城镇发展区"}]}
    layers = [{"name": "乡镇", "source": gpkg.name, "layer": "admin_units", "role": "admin_units", "style": units_style},
              {"name": "土地", "source": gpkg.name, "layer": "land_use", "role": "land_use", "style": land_style}]
    # a map of the two layers, the townships under the land use (a theme of the project's own)
    themes = {"choropleth": {"title": "乡镇人口分级图", "indicators": [],
                             "layers": [{"key": "admin_units"}, {"key": "land_use"}]}}
    return b.write_project(cn_dir, layers, name="分级县", themes=themes)


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@needs_poppler
def test_graduated_and_categorized_classes_in_the_legend_and_labels(styled, cn_dir) -> None:
    from greenplan.jobs.export import export_map

    pdf = export_map(styled, cn_dir / "分级 图.pdf", theme="choropleth", paper="A4", dpi=50, doc={})
    text = _text(pdf)
    # the legend: each layer's heading, then its classes with their ranges / names
    for line in ("常住人口（人）", "1,000 – 3,000", "3,000 – 6,000", "6,000 – 9,000",
                 "规划分区", "农业发展区", "生态保护区", "城镇发展区"):
        assert line in text, line
    assert text.index("1,000 – 3,000") < text.index("3,000 – 6,000") < text.index("6,000 – 9,000")
    # the townships are labelled by name on the vector map
    for name in NAMES:
        assert name in text, name


def test_styles_survive_saving_and_reopening(styled, tmp_path) -> None:
    from greenplan.app.symbology import choropleth_style

    project, _ = read_project(styled)
    doc = {"by_unit": [{"code": c, "indicators": {"forest_coverage": {"value": v, "unit": "ratio"}}}
                       for c, v in (("640101001", 0.1), ("640101002", 0.3), ("640101003", 0.5))]}
    project.layers[0].style = {**choropleth_style(doc, "forest_coverage", "equal", 2), "label_halo": False}
    out = tmp_path / "再存.greenplan.toml"
    save_project(project, out)
    again, _ = read_project(out)
    assert [lyr.style for lyr in again.layers] == [lyr.style for lyr in project.layers]
    assert again.layers[1].style["classes"][1] == {"value": "生态区", "fill": "#2e7d32", "label": "生态保护区"}
    style = resolve_style("admin_units", again.layers[0].style)
    assert style.classify(["640101001", "640101002", "640101003"]).tolist() == [0, 0, 1]  # 0.3 = the break: lower
    assert style.label_halo is False and [c.label for c in style.categories] == ["10.00% – 30.00%", "30.00% – 50.00%"]


def test_graduated_classes_colour_the_features(styled) -> None:
    """Each township is drawn in its class colour (the map's artists, by class id)."""
    import geopandas as gpd

    project, _ = read_project(styled)
    style = resolve_style("admin_units", project.layers[0].style)
    gdf = gpd.GeoDataFrame({"pop": POP + [20_000, None]})
    assert style.classify(gdf["pop"]).tolist() == [0, 1, 2, -1, -1]  # above the last break, no value: 其他
    assert [c.fill for c in style.categories] == ["#edf8e9", "#74c476", "#006d2c"]


def test_label_size_and_halo_on_the_map(styled) -> None:
    """``label_size`` sets the font size; ``label_halo = false`` leaves out the white outline."""
    import geopandas as gpd
    from matplotlib.figure import Figure

    from greenplan.render.draw import draw_layer

    project, _ = read_project(styled)
    gdf = gpd.read_file(project.layers[0].source, layer="admin_units")
    extent = tuple(gdf.total_bounds)
    found = {}
    for halo in (True, False):
        ax = Figure(figsize=(8, 4)).add_subplot()
        style = resolve_style("admin_units", {**project.layers[0].style, "label_halo": halo, "label_size": 12.0})
        draw_layer(ax, gdf, style, extent=extent, pixel_size=10.0)
        texts = [t for t in ax.texts if t.get_gid() == "admin_units:label"]
        outlines = [t for t in ax.texts if t.get_gid() == "admin_units:label-outline"]
        found[halo] = (sorted(t.get_text() for t in texts), len(outlines), {t.get_fontsize() for t in texts})
    assert found[True] == (sorted(NAMES), 3, {12.0})
    assert found[False] == (sorted(NAMES), 0, {12.0})
