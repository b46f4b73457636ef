"""Editable PDF/SVG (#14 item 6): vector layers, labels and decorations stay vector; only
rasters and layers above ``map_vector_max_features`` features are images, each on its own.

The demo county's five sheets are drawn once (module fixture); their images are counted
with pypdf, their text read back with ``pdftotext``, and the conflicts sheet's patch
numbers compared with the register ``greenplan analyze`` writes (``conflicts.csv``).
"""

from __future__ import annotations

import csv
import dataclasses
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdf
import pytest

from greenplan.core.errors import SettingError
from greenplan.core.settings import AnalysisSettings
from greenplan.render.export import map_axes, save_map
from greenplan.render.labels import LABEL_MIN_MM2, placement_report
from greenplan.render.layout import scale_label, sheet_info
from greenplan.render.mapsheet import compose_map
from greenplan.render.themes import THEME_IDS, get_theme

from .conftest import METADATA

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
DPI = 150


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def images(path: Path) -> list[tuple[int, int]]:
    """(width, height) of every image drawn on the first page (soft masks are not images)."""
    page = pypdf.PdfReader(path).pages[0]
    out = []
    for x in page["/Resources"].get("/XObject", {}).values():
        x = x.get_object()
        if x["/Subtype"] == "/Image":
            out.append((int(x["/Width"]), int(x["/Height"])))
    return out


def truetype_fonts(path: Path) -> list[str]:
    page = pypdf.PdfReader(path).pages[0]
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    return [str(f["/BaseFont"]) for f in fonts for d in f.get("/DescendantFonts", [])
            if d.get_object()["/Subtype"] == "/CIDFontType2" and "/FontFile2" in d.get_object()["/FontDescriptor"]]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo county's five sheets as PDF (A3, 150 dpi), its loaded data and register."""
    from greenplan.core.project import read_project
    from greenplan.core.resources import sample_dir
    from greenplan.jobs.analyze import run_analyze
    from greenplan.jobs.export import compose_project_map, load_map_data

    out = tmp_path_factory.mktemp("示范 县")
    project, _ = read_project(sample_dir() / "demo_county.greenplan.toml")
    themes = [get_theme(t, project.themes) for t in THEME_IDS]
    analysed = run_analyze(project, out / "结果")  # the register a user gets: conflicts.csv
    data = load_map_data(project, themes, doc=analysed.document, features=analysed.features)
    sheets = {}
    for th in themes:
        fig = compose_project_map(data, th, dpi=DPI)
        sheets[th.id] = (fig, save_map(fig, out / f"{th.id}.pdf"))
    return data, sheets, analysed.files["conflicts_csv"]


def test_demo_sheets_are_vector_with_truetype_text(demo) -> None:
    data, sheets, _ = demo
    assert len(data.layers["land_use"]) > 5000  # the map body that used to be one image
    for theme, (_, pdf) in sheets.items():
        found = images(pdf)
        if theme == "greening":  # the NDVI raster and its colour bar in the legend, nothing else
            assert len(found) == 2 and max(w * h for w, h in found) > 1000 * 1000
            assert min(h for _, h in found) < 100
        else:
            assert found == [], theme
        assert truetype_fonts(pdf) and all("WenQuanYi" in f for f in truetype_fonts(pdf))
    # a vector PDF of the county stays small: 5,000 parcels are about 50,000 vertices
    assert max(pdf.stat().st_size for _, pdf in sheets.values()) < 3_000_000


@needs_poppler
def test_demo_sheet_text_reads_back_as_written(demo) -> None:
    data, sheets, _ = demo
    names = [str(n) for n in data.layers["admin_units"]["name"]]
    for theme, (fig, pdf) in sheets.items():
        text = pdftotext(pdf)
        info = sheet_info(fig)
        assert info.title in text  # 示范县（演示数据）…图
        assert f"编制单位：{data.project.metadata['organisation']}" in text
        assert "2000国家大地坐标系" in text and f"比例尺 {scale_label(info.scale)}" in text
        if "ecological_redline" in get_theme(theme, data.project.themes).layer_keys:
            assert "生态保护红线" in text  # a legend label
        missing = [n for n in names if n not in text]
        assert missing == [], (theme, missing)  # every 乡镇 name, none dropped
        assert placement_report(map_axes(fig)).n_dropped == 0


@needs_poppler
def test_conflicts_sheet_numbers_every_register_patch_above_the_size_limit(demo) -> None:
    from greenplan.analysis.conflicts import PREFIX
    from greenplan.jobs.export import RESULT_LAYERS

    data, sheets, register = demo
    fig, pdf = sheets["conflicts"]
    with open(register, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[1]
    reg = [dict(zip(header, r, strict=True)) for r in rows[2:]]
    drawn = {PREFIX[RESULT_LAYERS[k]] for k in get_theme("conflicts").layer_keys if k in RESULT_LAYERS}
    scale = sheet_info(fig).scale
    limit_m2 = LABEL_MIN_MM2 * (scale / 1000.0) ** 2  # one mm² of paper at 1:scale
    expected = {r["patch_id"] for r in reg if r["patch_id"][:2] in drawn and float(r["area_m2"]) >= limit_m2}
    assert len(expected) >= 15  # the demo county's larger conflicts
    words = set(pdftotext(pdf).split())
    shown = {w for w in words if w[:2] in drawn and w[2:3] == "-"}
    assert shown == expected


def test_each_dense_layer_is_an_image_of_its_own_and_the_rest_stays_vector(mini_layers, tmp_path) -> None:
    theme = get_theme("control_lines")
    # above one feature: land use (4 parcels), roads (2), farmland (2) and the townships (2);
    # rivers (1 line) lie between land use and roads, the red line and the urban boundary
    # (1 each) between farmland and townships: three images (roads and farmland, drawn one
    # after the other, share one), everything else vector
    fig = compose_map(mini_layers, theme, paper="A4", dpi=60, metadata=METADATA, vector_max_features=1)
    pdf = save_map(fig, tmp_path / "地图.pdf")
    assert len(images(pdf)) == 3
    svg = save_map(fig, tmp_path / "地图.svg")
    ids = {e.get("id") for e in ET.parse(svg).getroot().iter() if e.get("id")}
    assert {"ecological_redline", "urban_boundary", "rivers:main"} <= ids  # control lines: editable paths
    assert not any(i.startswith(("land_use", "permanent_farmland", "roads")) for i in ids)  # inside the images
    assert "admin_units:label" in ids  # labels of a rasterized layer stay text
    # the default limit keeps every layer of a small county vector
    fig = compose_map(mini_layers, theme, paper="A4", dpi=60, metadata=METADATA)
    pdf = save_map(fig, tmp_path / "矢量.pdf")
    assert images(pdf) == []
    ids = {e.get("id") for e in ET.parse(save_map(fig, tmp_path / "矢量.svg")).getroot().iter() if e.get("id")}
    assert {"permanent_farmland", "ecological_redline"} <= ids and any(i.startswith("land_use:") for i in ids)


def test_the_project_setting_reaches_the_sheet(demo, tmp_path) -> None:
    from greenplan.jobs.sheet import draw_sheet, township_sheet

    data, _, _ = demo
    settings = AnalysisSettings().with_overrides({"map_vector_max_features": "2000"}, source="settings")
    project = dataclasses.replace(data.project, settings=settings)
    small = dataclasses.replace(data, project=project)
    fig = draw_sheet(small, township_sheet(small, get_theme("control_lines", project.themes)), dpi=60)
    # land use (5,322 parcels) is an image; farmland (1,083) and everything else stays vector
    assert len(images(save_map(fig, tmp_path / "三线.pdf"))) == 1


@pytest.mark.parametrize("value", ["-1", "many", "2.5"])
def test_bad_map_vector_max_features_is_a_bilingual_error(value) -> None:
    with pytest.raises(SettingError) as info:
        AnalysisSettings().with_overrides({"map_vector_max_features": value}, source="settings")
    assert "map_vector_max_features" in info.value.message("en") and "map_vector_max_features" in info.value.message("zh")
    assert "设置项" in info.value.message("zh") and "integer" in info.value.message("en")
    assert AnalysisSettings().map_vector_max_features == 20_000
    assert AnalysisSettings().with_overrides({"map_vector_max_features": "0"}).map_vector_max_features == 0


@needs_poppler
def test_pdf_images_are_written_fast_with_the_same_pixels(mini_layers, ndvi_tif, tmp_path, monkeypatch) -> None:
    """The images of a PDF (a raster, rasterized layers of two colours and of many) look the
    same whether Pillow or :mod:`greenplan.render.png`'s writer encodes them."""
    import numpy as np
    from matplotlib.backends.backend_pdf import PdfFile
    from PIL import Image

    from greenplan.render import export

    fig = compose_map(mini_layers, get_theme("greening"), paper="A4", dpi=60, metadata=METADATA,
                      rasters={"vegetation_raster": ndvi_tif}, vector_max_features=1)
    fast = save_map(fig, tmp_path / "快.pdf")
    assert PdfFile._writePng is export._png_stream
    monkeypatch.setattr(PdfFile, "_writePng", export._PILLOW_PNG[0])
    slow = save_map(fig, tmp_path / "慢.pdf")
    assert len(images(fast)) == len(images(slow)) >= 3
    pages = []
    for pdf in (fast, slow):
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", str(pdf), str(pdf.with_suffix(""))], check=True)
        pages.append(np.asarray(Image.open(pdf.with_suffix(".png")).convert("RGB")))
    assert np.array_equal(*pages)
