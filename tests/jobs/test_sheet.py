"""``township_sheet``: one sheet spec for the export and the batch workers.

The demo county (``sample_layers``): township 城关街道 (510123001), the scenario ``demo``
(rooftops, pocket parks and belts, so its green cover is above today's). Expected values
come from outside the code under test: the township's boundary read with plain pyogrio
and widened by 6 % of its size on every side; the title spelled out; the scenario's
baselines are today's values, as the greening sheet of the same township shows them.

The tiny county (EPSG:4544, hand-built): townships 东风镇 (0-2000 m) and 西湖乡 (2000-4000 m),
2 km tall; red line E 500 x 500 m at (200, 200), permanent farmland F 500 x 500 m at (600, 200),
so E ∩ F = 100 x 500 = 50,000 m², all in 东风镇; the urban boundary in 西湖乡 overlaps neither.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import pickle
from pathlib import Path

import pyogrio
import pytest
import shapely

import greenplan.jobs.export as export_job
from greenplan.core.errors import MissingLayerError
from greenplan.core.jsonio import dumps
from greenplan.core.project import read_project
from greenplan.core.resources import sample_dir
from greenplan.jobs import _batch_worker
from greenplan.jobs.batch import run_batch
from greenplan.jobs.export import export_map, load_map_data
from greenplan.jobs.sheet import SheetSpec, township_sheet
from greenplan.render.themes import THEME_IDS, get_theme

DEMO = sample_dir() / "demo_county.greenplan.toml"
UNIT, UNIT_NAME = "510123001", "城关街道"
TITLES = {"control_lines": "三条控制线图", "greening": "绿化现状与覆盖率分析图", "opportunities": "增绿潜力空间分布图",
          "scenario": "规划方案绿化对比图", "conflicts": "空间冲突分析图"}


def norm(spec: SheetSpec) -> dict:
    """A spec as plain data: indicators as their JSON document (NaN and null alike), the boundary as WKB."""
    return {"theme": spec.theme.id, "title": spec.title, "extent": spec.extent,
            "highlight": None if spec.highlight is None else shapely.to_wkb(spec.highlight),
            "indicators": json.loads(dumps(spec.indicators)), "unit": (spec.unit_code, spec.unit_name, spec.unit_pos)}


def export_spec(monkeypatch, project, out: Path, theme: str, **kw) -> SheetSpec:
    """The spec ``export_map`` draws (caught on its way to ``draw_sheet``; the map is still written)."""
    seen = []
    real = export_job.draw_sheet

    def spy(data, spec, **opts):
        seen.append(spec)
        return real(data, spec, **opts)

    monkeypatch.setattr(export_job, "draw_sheet", spy)
    export_map(project, out, theme=theme, paper="A4", dpi=20, **kw)
    monkeypatch.undo()
    assert len(seen) == 1 and out.is_file()
    return seen[0]


class SpecExecutor(cf.Executor):
    """Takes the batch tasks and, as a worker would, builds each task's sheet (draws nothing)."""

    def __init__(self) -> None:
        self.specs: dict[str, SheetSpec] = {}

    def submit(self, fn, /, *args, **kwargs):
        task = pickle.loads(pickle.dumps(args[0]))  # as a process pool sends it
        _, spec = _batch_worker.task_sheet(task)
        self.specs[task["theme"]] = spec
        fut: cf.Future = cf.Future()
        fut.set_result({"unit": task["unit"], "theme": task["theme"], "seconds": 0.0, "pid": None, "peak_rss_mb": None,
                        "outputs": [{**o, "status": "failed", "error": "not drawn"} for o in task["outputs"]]})
        return fut


@pytest.fixture(scope="module")
def demo_specs(tmp_path_factory):
    """{theme: (export spec, batch spec)} of 城关街道."""
    tmp = tmp_path_factory.mktemp("sheet")
    mp = pytest.MonkeyPatch()
    exported = {t: export_spec(mp, DEMO, tmp / f"{t}.pdf", t, unit=UNIT) for t in THEME_IDS}
    executor = SpecExecutor()
    run_batch(DEMO, tmp / "batch", themes=",".join(THEME_IDS), formats="pdf", units=[UNIT], executor=executor)
    return {t: (exported[t], executor.specs[t]) for t in THEME_IDS}


@pytest.mark.parametrize("theme", THEME_IDS)
def test_export_and_batch_workers_draw_the_same_township_sheet(demo_specs, theme) -> None:
    exported, batch = demo_specs[theme]
    assert norm(batch) == norm(exported)
    assert exported.title == f"示范县（演示数据）{UNIT_NAME}{TITLES[theme]}"
    admin = pyogrio.read_dataframe(DEMO.parent / "demo_county.gpkg", layer="admin_units").to_crs("EPSG:4544")
    geom = admin.geometry[admin["code"].astype(str) == UNIT].iloc[0]
    x0, y0, x1, y1 = geom.bounds
    mx, my = 0.06 * (x1 - x0), 0.06 * (y1 - y0)
    assert exported.extent == pytest.approx((x0 - mx, y0 - my, x1 + mx, y1 + my), abs=1e-6)
    assert exported.highlight.area == pytest.approx(geom.area, rel=1e-9)
    keys = list(get_theme(theme).indicators)
    assert exported.indicators and set(exported.indicators) <= set(keys)
    has_baseline = {"baseline" in v for v in exported.indicators.values()}
    assert has_baseline == ({True} if theme == "scenario" else {False})


def test_scenario_sheet_shows_the_scenario_over_todays_values(demo_specs) -> None:
    scenario, _ = demo_specs["scenario"]
    today, _ = demo_specs["greening"]
    shared = set(scenario.indicators) & set(today.indicators)
    assert {"green_coverage_vector", "green_space_ratio"} <= shared
    for key in shared:  # 现状 column = what the greening sheet of the township shows
        assert scenario.indicators[key]["baseline"] == pytest.approx(today.indicators[key]["value"], nan_ok=True)
    cover = scenario.indicators["green_coverage_vector"]
    assert cover["value"] > cover["baseline"]  # the demo scenario adds greening in 城关街道


# ----------------------------------------------------------------------------- tiny county
@pytest.fixture
def tiny(build, cn_dir) -> Path:
    gpkg = cn_dir / "小 县.gpkg"
    b = build
    b.write(b.frame([b.box(0, 0, 2000, 2000), b.box(2000, 0, 2000, 2000)], name=["东风镇", "西湖乡"],
                    code=["640101001", "640101002"], population=[1000, 2000]), gpkg, "admin_units")
    b.write(b.frame([b.box(200, 200, 500, 500)], name=["贺兰山"]), gpkg, "ecological_redline")
    b.write(b.frame([b.box(600, 200, 500, 500)]), gpkg, "permanent_farmland")
    b.write(b.frame([b.box(2500, 500, 1000, 1000)]), gpkg, "urban_boundary")
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r}
              for r in ("admin_units", "ecological_redline", "permanent_farmland", "urban_boundary")]
    return b.write_project(cn_dir, layers, name="小县")


@pytest.fixture
def no_admin(build, cn_dir) -> Path:
    gpkg = cn_dir / "无 乡镇.gpkg"
    build.write(build.frame([build.box(200, 200, 500, 500)], name=["贺兰山"]), gpkg, "ecological_redline")
    return build.write_project(cn_dir, [{"name": "生态红线", "source": gpkg.name, "layer": "ecological_redline",
                                         "role": "ecological_redline"}], name="无乡镇县")


def test_county_sheet_lists_the_county_values(tiny) -> None:
    project, _ = read_project(tiny)
    theme = get_theme("control_lines")
    data = load_map_data(project, [theme])
    spec = township_sheet(data, theme)
    assert spec.title == "小县三条控制线图" and spec.extent is None and spec.highlight is None
    # E ∩ F = 100 m x 500 m, all of it in 东风镇
    assert spec.indicators["redline_overlaps"]["value"] == pytest.approx(50_000.0)
    east = township_sheet(data, theme, "东风镇")
    assert east.indicators["redline_overlaps"]["value"] == pytest.approx(50_000.0) and east.unit_pos == 0
    west = township_sheet(data, theme, "640101002")
    assert west.indicators["redline_overlaps"]["value"] == pytest.approx(0.0) and west.unit_name == "西湖乡"
    assert west.extent == pytest.approx((2000 - 120 + 500_000, -120 + 4_250_000, 4000 + 120 + 500_000, 2120 + 4_250_000))


def test_a_township_sheet_never_shows_the_county_values(tiny) -> None:
    project, _ = read_project(tiny)
    theme = get_theme("control_lines")
    data = load_map_data(project, [theme])
    data.doc = {**data.doc, "by_unit": data.doc["by_unit"][:1]}  # a document of another admin layer
    spec = township_sheet(data, theme, "东风镇")
    assert spec.indicators == {} and spec.title == "小县东风镇三条控制线图"


def _assert_missing_admin(exc: MissingLayerError) -> None:
    assert exc.layer == "admin_units"
    assert "乡镇图需要行政区" in exc.message("zh") and "admin units" in exc.message("en")


def test_export_of_a_township_without_admin_units_says_so(no_admin, cn_dir) -> None:
    with pytest.raises(MissingLayerError) as info:
        export_map(no_admin, cn_dir / "图.png", theme="control_lines", unit="640101001", dpi=20)
    _assert_missing_admin(info.value)
    assert not (cn_dir / "图.png").exists()
    # the county map of the same project is drawn
    assert export_map(no_admin, cn_dir / "全县.png", theme="control_lines", paper="A4", dpi=20).is_file()


def test_batch_without_admin_units_says_so_in_the_parent_and_in_a_worker(no_admin, cn_dir, tmp_path) -> None:
    with pytest.raises(MissingLayerError) as info:
        run_batch(no_admin, tmp_path / "out")
    assert info.value.layer == "admin_units"
    project, _ = read_project(no_admin)
    from greenplan.core.project import project_to_dict

    # a worker given a township of a project that has lost its admin units since the plan
    context = {"key": "k", "project": project_to_dict(project, project.folder), "project_file": str(no_admin),
               "themes": ["control_lines"], "results": None, "indicators": None}
    task = {"context": context, "unit": {"fid": 0, "pos": 0, "code": "640101001", "name": "东风镇"},
            "theme": "control_lines", "margin": 0.06, "paper": "A4", "orientation": "landscape", "dpi": 20,
            "outputs": [{"format": "png", "path": str(tmp_path / "东风镇.png")}]}
    try:
        with pytest.raises(MissingLayerError) as info:
            _batch_worker.task_sheet(task)
        _assert_missing_admin(info.value)
        result = _batch_worker.render_township(task)
    finally:
        _batch_worker.clear_cache()
    out = result["outputs"][0]
    assert out["status"] == "failed" and "乡镇图需要行政区" in out["error"] and "admin units layer" in out["error"]
    assert not (tmp_path / "东风镇.png").exists()
