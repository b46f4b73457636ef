"""Exported files reopen: PDF (embedded TrueType, Chinese text), PNG + world file, SVG, TIFF."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pypdf
import pytest
import rasterio
from PIL import Image

from greenplan.core.errors import OutputError
from greenplan.render import draw
from greenplan.render.export import save_map, world_file_params
from greenplan.render.layout import sheet_info
from greenplan.render.mapsheet import compose_map
from greenplan.render.themes import get_theme

from .conftest import INDICATORS, METADATA, REDLINE, X0, Y0

DPI = 100


@pytest.fixture(scope="module")
def sheet(mini_layers):
    return compose_map(mini_layers, get_theme("control_lines"), paper="A4", dpi=DPI, metadata=METADATA,
                       crs_label="EPSG:4544", indicators=INDICATORS, locator=mini_layers["admin_units"])


def read_world(path: Path) -> list[float]:
    return [float(v) for v in path.read_text().split()]


def test_png_world_file_maps_coordinates_to_the_right_pixels(sheet, cn_dir) -> None:
    out = save_map(sheet, cn_dir / "三线 图.png")
    img = np.asarray(Image.open(out).convert("RGB"))
    assert img.shape[:2] == (int(210 / 25.4 * DPI), int(297 / 25.4 * DPI))  # matplotlib truncates
    a, d, b, e, c, f = read_world(cn_dir / "三线 图.pgw")
    assert d == b == 0 and a == pytest.approx(-e) and a == pytest.approx(sheet_info(sheet).scale * 0.0254 / DPI)

    def pixel(x: float, y: float) -> np.ndarray:  # world file: centre of pixel (col, row) = (C + col A, F + row E)
        col, row = round((x - c) / a), round((y - f) / e)
        return img[row, col].astype(int)

    # inside the red line, away from the grid lines: its fill (0,176,80) at 45 % over white
    expected = np.round(0.45 * np.array([0, 176, 80]) + 0.55 * 255)
    for dx, dy in ((500, 500), (1500, 1500), (600, 1300)):
        assert np.abs(pixel(X0 + REDLINE[0] + dx, Y0 + REDLINE[1] + dy) - expected).max() <= 2
    assert pixel(X0 + 7500, Y0 + 6500).tolist() == [255, 255, 255]  # empty land
    # the red line's outline (dark green) crosses the pixel column of its western edge
    col = round((X0 + REDLINE[0] - c) / a)
    rows = range(round((Y0 + 6500 - f) / e), round((Y0 + 5500 - f) / e))
    assert all(img[r, col - 1:col + 2, 1].min() < 120 for r in rows)
    # GDAL reads the same georeferencing and the CRS from the .aux.xml
    with rasterio.open(out) as src:
        assert src.crs.to_epsg() == 4544
        assert src.transform.c == pytest.approx(c - a / 2) and src.transform.f == pytest.approx(f - e / 2)


def test_world_file_refers_to_the_map_frame_extended_over_the_margins(sheet) -> None:
    a, _, _, e, c, f = world_file_params(sheet, dpi=200)
    ax = next(x for x in sheet.axes if x.get_label() == "map")
    w_in, h_in = sheet.get_size_inches()
    pos = ax.get_position()
    # the frame's left edge is pos.x0 * width pixels from the image edge
    assert c - a / 2 + pos.x0 * w_in * 200 * a == pytest.approx(ax.get_xlim()[0])
    assert f - e / 2 + (1 - pos.y1) * h_in * 200 * e == pytest.approx(ax.get_ylim()[1])
    assert a == pytest.approx(sheet_info(sheet).scale * 0.0254 / 200)


def test_pdf_embeds_truetype_with_selectable_chinese_text(mini_layers, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(draw, "DENSE_VERTICES", 10)  # land use (20 vertices) counts as dense
    fig = compose_map(mini_layers, get_theme("control_lines"), paper="A4", dpi=DPI, metadata=METADATA,
                      indicators=INDICATORS)
    out = save_map(fig, tmp_path / "地图.pdf")
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    text = page.extract_text()
    for needed in ("测试县三条控制线图", "生态保护红线", "2000国家大地坐标系", "编制单位：测试县自然资源局"):
        assert needed in text
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    descriptors = [d.get_object()["/FontDescriptor"].get_object() for f in fonts for d in f.get("/DescendantFonts", [])]
    assert any("WenQuanYi" in str(f["/BaseFont"]) for f in fonts)
    assert any("/FontFile2" in d for d in descriptors)  # TrueType outlines embedded (Type 42)
    images = [x for x in page["/Resources"]["/XObject"].values() if x.get_object()["/Subtype"] == "/Image"]
    assert images  # the dense layers went in as one embedded image ...
    assert reader.metadata.title == "测试县三条控制线图"


def test_svg_and_tiff(sheet, tmp_path) -> None:
    svg = save_map(sheet, tmp_path / "图.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and root.get("width").endswith("pt")
    tif = save_map(sheet, tmp_path / "图.tif", dpi=50)
    with Image.open(tif) as im:
        assert im.size == (int(297 / 25.4 * 50), int(210 / 25.4 * 50))
    assert read_world(tmp_path / "图.tfw")[0] == pytest.approx(sheet_info(sheet).scale * 0.0254 / 50)


def test_bad_format_and_missing_folder_leave_nothing_behind(sheet, tmp_path) -> None:
    with pytest.raises(OutputError) as info:
        save_map(sheet, tmp_path / "图.docx")
    assert ".docx" in info.value.message("zh")
    with pytest.raises(OutputError):
        save_map(sheet, tmp_path / "没有" / "图.png")
    (tmp_path / "旧.png").write_bytes(b"old")
    with pytest.raises(OutputError):
        save_map(sheet, tmp_path / "旧.png", fmt="bmp")
    assert (tmp_path / "旧.png").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["旧.png"]
