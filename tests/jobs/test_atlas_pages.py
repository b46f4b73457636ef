"""The atlas (乡镇专题图集.pdf) starts with a cover and a contents page; bookmarks point at the right pages.

One small batch on the demo county: two townships, two themes, PDF only, low DPI.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from greenplan.core.resources import sample_dir
from greenplan.jobs.batch import COMBINED_NAME, run_batch
from greenplan.render.atlas_pages import AtlasFront, contents_page_count, front_matter_pdf

DEMO = sample_dir() / "demo_county.greenplan.toml"
PROJECT = "示范县（演示数据）"
TOWNS = {"510123001": "城关街道", "510123004": "青龙镇"}
TITLES = {"control_lines": "三条控制线图", "greening": "绿化现状与覆盖率分析图"}

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def pdftotext(path: Path, page: int) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"],
                         capture_output=True, check=True)
    return out.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def atlas(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("图集")
    result = run_batch(DEMO, out, themes=",".join(TITLES), formats="pdf", dpi=40, units=list(TOWNS), jobs=1)
    assert result.exit_code == 0
    return out / COMBINED_NAME


def test_page_count_is_cover_contents_and_sheets(atlas) -> None:
    reader = pypdf.PdfReader(atlas)
    assert len(reader.pages) == 1 + 1 + len(TOWNS) * len(TITLES)
    # same paper as the sheets (A3 landscape, points)
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert sizes == {(1191, 842)}


@needs_poppler
def test_cover_names_the_atlas_county_date_and_organisation(atlas) -> None:
    text = pdftotext(atlas, 1)
    assert f"{PROJECT}乡镇专题图集" in text.replace(" ", "")
    assert "示范县自然资源局" in text
    assert "2026年6月" in text  # metadata date
    assert "EPSG:4544" in text and "1985国家高程基准" in text  # CRS line as on the footer


@needs_poppler
def test_contents_lists_every_sheet_with_its_page(atlas) -> None:
    text = pdftotext(atlas, 2)
    assert "目" in text and "录" in text
    rows = {}
    for line in text.splitlines():
        m = re.match(r"\s*(\d{9} \S+)\s+(\S+)[\s.·…]*?(\d+)\s*$", line)
        if m:
            rows[(m.group(1), m.group(2))] = int(m.group(3))
    expected = {}
    page = 3
    for code, name in TOWNS.items():
        for title in TITLES.values():
            expected[(f"{code} {name}", title)] = page
            page += 1
    assert rows == expected
    for (unit, title), p in expected.items():
        sheet = pdftotext(atlas, p).replace(" ", "")
        assert unit.split()[1] in sheet and title in sheet


def test_bookmarks_cover_contents_and_townships(atlas) -> None:
    reader = pypdf.PdfReader(atlas)
    outline = reader.outline
    tops = [(o.title, reader.get_destination_page_number(o)) for o in outline if not isinstance(o, list)]
    assert tops == [("封面", 0), ("目录", 1), ("510123001 城关街道", 2), ("510123004 青龙镇", 4)]
    children = [[(c.title, reader.get_destination_page_number(c)) for c in o] for o in outline if isinstance(o, list)]
    assert children == [[(TITLES["control_lines"], 2), (TITLES["greening"], 3)],
                        [(TITLES["control_lines"], 4), (TITLES["greening"], 5)]]


def test_long_contents_span_pages_and_shift_the_sheets() -> None:
    front = AtlasFront("某县", {"organisation": "某局"}, "EPSG:4544", "A4", "portrait")
    sheets = [(f"{i:09d} 镇{i}", "三条控制线图") for i in range(80)]
    n = contents_page_count(len(sheets), "A4", "portrait")
    assert n > 1
    data, got = front_matter_pdf(front, sheets)
    assert got == n
    reader = pypdf.PdfReader(__import__("io").BytesIO(data))
    assert len(reader.pages) == 1 + n
    last = reader.pages[n].extract_text()
    assert "000000079 镇79" in last and str(2 + n + 79) in last
