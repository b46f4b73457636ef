"""``run_batch``: township maps of the demo county, the combined PDF, the index, reruns, failures.

Small runs: two townships, low DPI. The broken-township case is a hand-built county.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import datetime as dt
import json
import os
import pickle
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pypdf
import pytest
import shapely
from PIL import Image

from greenplan.core.errors import Canceled, MissingLayerError, SettingError
from greenplan.core.feedback import Feedback
from greenplan.core.project import read_project
from greenplan.core.resources import sample_dir
from greenplan.jobs.analyze import compute_project_indicators
from greenplan.jobs.batch import COMBINED_NAME, run_batch
from greenplan.render.panels import format_indicator
from greenplan.render.themes import get_theme, indicator_labels

DEMO = sample_dir() / "demo_county.greenplan.toml"
DPI = 50
A3_PX = (int(420 / 25.4 * DPI), int(297 / 25.4 * DPI))
TOWNS = {"510123001": "城关街道", "510123004": "青龙镇"}
TITLES = {"control_lines": "三条控制线图", "greening": "绿化现状与覆盖率分析图"}


def page_texts(path: Path) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(path).pages]


def read_index(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows the Chinese
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("乡镇代码,乡镇名称,专题")
    return list(csv.DictReader(lines[1:]))


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("成果 图集")
    result = run_batch(DEMO, out, themes="control_lines,greening", formats="pdf,png,svg", dpi=DPI,
                       units=["510123001", "青龙镇"], jobs=1)
    return out, result


def test_every_map_is_written_and_reopens(first_run) -> None:
    out, result = first_run
    assert result.exit_code == 0 and result.count("failed") == 0
    assert result.count("written") == 2 * 2 * 3 + 1  # townships x themes x formats + combined PDF
    for code, name in TOWNS.items():
        for theme, title in TITLES.items():
            stem = out / theme / f"{code}_{name}"
            (text,) = page_texts(stem.with_suffix(".pdf"))
            assert f"示范县（演示数据）{name}{title}" in text  # 图名: plan, township, map
            with Image.open(stem.with_suffix(".png")) as im:
                assert im.size == A3_PX
            a, d, b, e, c, f = (float(v) for v in stem.with_suffix(".pgw").read_text().split())
            assert a > 0 and a == pytest.approx(-e) and d == b == 0
            assert ET.parse(stem.with_suffix(".svg")).getroot().tag.endswith("svg")


def test_each_map_lists_its_own_townships_indicators(first_run) -> None:
    out, _ = first_run
    project, _ = read_project(DEMO)
    doc, _, _ = compute_project_indicators(project)
    rows = {u["code"]: u["indicators"] for u in doc["by_unit"]}
    labels = indicator_labels()
    theme = get_theme("control_lines")
    lines = {code: [f"{labels[k]} {format_indicator(rows[code][k])[0]}" for k in theme.indicators] for code in TOWNS}
    assert lines["510123001"] != lines["510123004"]  # so that the check below tells them apart
    for code, name in TOWNS.items():
        (text,) = page_texts(out / "control_lines" / f"{code}_{name}.pdf")
        assert all(line in text for line in lines[code])


def test_combined_pdf_has_township_order_and_bookmarks(first_run) -> None:
    out, result = first_run
    assert result.combined == out / COMBINED_NAME
    reader = pypdf.PdfReader(out / COMBINED_NAME)
    texts = [p.extract_text() for p in reader.pages][2:]  # after the cover and contents (test_atlas_pages.py)
    expected = [f"{name}{title}" for name in TOWNS.values() for title in TITLES.values()]
    assert len(texts) == 4 and all(e in t for e, t in zip(expected, texts, strict=True))
    outline = reader.outline
    assert [o.title for o in outline if not isinstance(o, list)] == ["封面", "目录", "510123001 城关街道", "510123004 青龙镇"]
    children = [[c.title for c in o] for o in outline if isinstance(o, list)]
    assert children == [list(TITLES.values())] * 2
    # each theme bookmark opens its page
    assert [reader.get_destination_page_number(c) for o in outline if isinstance(o, list) for c in o] == [2, 3, 4, 5]


def test_index_and_manifest_list_every_output(first_run) -> None:
    out, result = first_run
    rows = read_index(out / "index.csv")
    assert len(rows) == 13 and {r["status"] for r in rows} == {"written"}
    assert {r["path"] for r in rows if r["format"] == "png"} == {
        f"{t}/{c}_{n}.png" for t in TITLES for c, n in TOWNS.items()}
    assert all((out / r["path"]).is_file() for r in rows)
    ws = openpyxl.load_workbook(out / "index.xlsx").active
    table = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(table) == 13 and {r[6] for r in table} == {"written"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    assert set(manifest) == {r["path"] for r in rows}


@pytest.fixture
def small_county(build, cn_dir) -> Path:
    """Two 1 km townships and a red line square in each."""
    b = build
    gpkg = cn_dir / "小县.gpkg"
    b.write(b.frame([b.box(0, 0, 1000, 1000), b.box(1000, 0, 1000, 1000)], name=["甲镇", "乙镇"], code=["1", "2"]),
            gpkg, "admin_units")
    b.write(b.frame([b.box(100, 100, 300, 300), b.box(1100, 100, 300, 300)]), gpkg, "ecological_redline")
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r} for r in ("admin_units", "ecological_redline")]
    return b.write_project(cn_dir, layers, name="小县")


def test_rerun_skips_up_to_date_maps_and_redraws_changed_ones(small_county, tmp_path) -> None:
    out = tmp_path / "图"
    gpkg = small_county.parent / "小县.gpkg"
    base = time.time() - 1000  # file times below are set in the past, in a known order
    for p in (gpkg, small_county):
        os.utime(p, (base, base))
    kw = {"themes": "control_lines", "formats": "pdf,png", "dpi": 40, "units": ["乙镇"], "jobs": 1}
    assert run_batch(small_county, out, **kw).count("written") == 3  # PDF, PNG, combined PDF
    png = out / "control_lines" / "2_乙镇.png"
    before = png.stat().st_mtime_ns
    again = run_batch(small_county, out, **kw)
    assert {r["status"] for r in again.records} == {"skipped"} and png.stat().st_mtime_ns == before
    assert {r["status"] for r in read_index(out / "index.csv")} == {"skipped"}
    # another DPI is another map: redrawn
    assert run_batch(small_county, out, **{**kw, "dpi": 41}).count("written") == 3
    # a project file newer than the maps: redrawn
    for p in out.rglob("*.*"):
        os.utime(p, (base + 10, base + 10))
    os.utime(small_county, (base + 20, base + 20))
    assert run_batch(small_county, out, **{**kw, "dpi": 41}).count("written") == 3
    # a layer file newer than the maps: redrawn
    for p in out.rglob("*.*"):
        os.utime(p, (base + 30, base + 30))
    os.utime(gpkg, (base + 40, base + 40))
    assert run_batch(small_county, out, **{**kw, "dpi": 41}).count("written") == 3
    # a lost world file: that map is redrawn, the PDF is not (so neither is the combined PDF)
    png.with_suffix(".pgw").unlink()
    res = run_batch(small_county, out, **{**kw, "dpi": 41})
    assert [(r["format"], r["status"]) for r in res.records] == [("pdf", "skipped"), ("png", "written"),
                                                                  ("pdf", "skipped")]
    assert run_batch(small_county, out, **{**kw, "dpi": 41}, force=True).count("written") == 3


@pytest.fixture
def broken_county(build, cn_dir) -> Path:
    """Four townships in a row: 甲镇 and 丙镇 fine; 乙镇 a zero-area triangle (collapses when
    repaired: dropped on loading); 丁镇 a valid 2 m x 1 mm sliver (no township can be that small)."""
    b = build
    zero = shapely.Polygon([(b.X0 + 1000, b.Y0), (b.X0 + 1500, b.Y0 + 500), (b.X0 + 2000, b.Y0 + 1000)])
    gpkg = cn_dir / "乡镇.gpkg"
    b.write(b.frame([b.box(0, 0, 1000, 1000), zero, b.box(2000, 0, 1000, 1000), b.box(3000, 0, 2, 0.001)],
                    name=["甲镇", "乙镇", "丙镇", "丁镇"], code=["1", "2", "3", "4"]), gpkg, "admin_units")
    b.write(b.frame([b.box(100, 100, 300, 300), b.box(2100, 100, 300, 300)]), gpkg, "ecological_redline")
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r} for r in ("admin_units", "ecological_redline")]
    return b.write_project(cn_dir, layers, name="残缺县")


def test_a_broken_township_fails_alone_in_worker_processes(broken_county, tmp_path) -> None:
    out = tmp_path / "maps"
    result = run_batch(broken_county, out, themes="control_lines", formats="pdf,png", dpi=40, jobs=2)
    assert result.exit_code == 1
    assert len({t["pid"] for t in result.tasks}) == 2 and os.getpid() not in {t["pid"] for t in result.tasks}
    for name in ("1_甲镇", "3_丙镇"):
        assert (out / "control_lines" / f"{name}.pdf").is_file() and (out / "control_lines" / f"{name}.png").is_file()
    for name in ("2_乙镇", "4_丁镇"):
        assert not (out / "control_lines" / f"{name}.pdf").exists()
    failed = {r["unit_name"]: r["error"] for r in read_index(out / "index.csv") if r["status"] == "failed"}
    assert set(failed) == {"乙镇", "丁镇"}
    assert "读取时已剔除" in failed["乙镇"] and "退化" in failed["丁镇"]
    summary = result.summary()
    assert "失败 4 个" in summary and "2 乙镇" in summary and "4 丁镇" in summary
    reader = pypdf.PdfReader(out / COMBINED_NAME)
    assert len(reader.pages) == 2 + 2 and [o.title for o in reader.outline if not isinstance(o, list)] == [
        "封面", "目录", "1 甲镇", "3 丙镇"]


class PicklingExecutor(cf.Executor):
    """Sends every task through pickle, as a distributed executor does, and checks it is plain data."""

    def __init__(self) -> None:
        self.pool = cf.ThreadPoolExecutor(max_workers=1)
        self.sizes: list[int] = []

    def submit(self, fn, /, *args, **kwargs):
        (task,) = args

        def plain(o):
            if isinstance(o, dt.date):
                return o.isoformat()
            raise TypeError(f"not plain data: {type(o).__name__}")

        json.dumps(task, default=plain)  # dicts, lists, str, numbers (and the project's dates)
        blob = pickle.dumps((fn, task))
        self.sizes.append(len(blob))
        fn2, task2 = pickle.loads(blob)
        return self.pool.submit(fn2, task2)

    def shutdown(self, wait=True, *, cancel_futures=False):
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def test_any_executor_runs_plain_tasks_and_an_unwritable_output_fails_alone(tmp_path) -> None:
    out = tmp_path / "maps"
    (out / "control_lines" / "510123001_城关街道.png").mkdir(parents=True)  # the PNG's name is taken
    executor = PicklingExecutor()
    try:
        result = run_batch(DEMO, out, themes="control_lines", formats="pdf,png", dpi=40,
                           units=["510123001", "510123004"], executor=executor)
    finally:
        executor.shutdown()
    assert len(executor.sizes) == 2 and max(executor.sizes) < 50_000  # no layer data travels with a task
    status = {(r["unit_name"], r["format"]): r for r in result.records}
    assert status[("城关街道", "png")]["status"] == "failed" and "Error" in status[("城关街道", "png")]["error"]
    assert status[("城关街道", "pdf")]["status"] == "written" and status[("青龙镇", "png")]["status"] == "written"
    assert result.exit_code == 1 and len(pypdf.PdfReader(out / COMBINED_NAME).pages) == 2 + 2  # cover, contents


def test_cancel_stops_before_the_next_map(small_county, tmp_path) -> None:
    class CancelAfterFirstMap(Feedback):
        def set_progress(self, percent: float) -> None:
            super().set_progress(percent)
            if percent > 21:  # the maps run from 20 % to 95 %
                self.cancel()

    out = tmp_path / "maps"
    with pytest.raises(Canceled):
        run_batch(small_county, out, themes="control_lines", formats="png", dpi=40, jobs=1,
                  feedback=CancelAfterFirstMap())
    assert sorted(p.name for p in (out / "control_lines").glob("*.png")) == ["1_甲镇.png"]
    assert not (out / "index.csv").exists() and not (out / ".greenplan-batch").exists()


def test_bad_options_are_refused_before_anything_is_written(tmp_path, build, cn_dir) -> None:
    out = tmp_path / "maps"
    for kw, key in (({"themes": "control_lines,nope"}, "theme"), ({"formats": "pdf,docx"}, "--formats"),
                    ({"by": "roads"}, "--by"), ({"units": ["不存在镇"]}, "--units"), ({"dpi": 0}, "--dpi"),
                    ({"paper": "B5"}, "paper")):
        with pytest.raises(SettingError) as info:
            run_batch(DEMO, out, **kw)
        assert info.value.key == key
    assert not out.exists()
    gpkg = build.write(build.frame([build.box(0, 0, 10, 10)]), cn_dir / "a.gpkg", "ecological_redline")
    project = build.write_project(cn_dir, [{"source": gpkg.name, "role": "ecological_redline"}])
    with pytest.raises(MissingLayerError):
        run_batch(project, out)


def test_each_finished_map_is_reported_as_it_arrives(small_county, tmp_path) -> None:
    """``feedback.push_result`` gets one result per township map, before ``run_batch`` returns."""
    from greenplan.core.feedback import Feedback

    class Collect(Feedback):
        def __init__(self) -> None:
            super().__init__()
            self.got: list[dict] = []

        def push_result(self, item) -> None:
            self.got.append(item)

    fb = Collect()
    res = run_batch(small_county, tmp_path / "图", themes="control_lines", formats="png", dpi=40, jobs=1, feedback=fb)
    assert sorted(r["unit"]["name"] for r in fb.got) == ["乙镇", "甲镇"]
    assert {o["path"] for r in fb.got for o in r["outputs"]} == {str(tmp_path / "图" / p["path"]) for p in res.records}
