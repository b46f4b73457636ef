"""The export dialog's preview decides the same sheet as the exported file (``jobs.sheet.township_sheet``).

The preview is built as the dialog builds it: the data of every theme loaded once with the
indicators (``load_map_data(..., compute=True)``), then ``export_view.preview_sheet``; the
export is ``export_map`` as ``greenplan export --unit`` runs it (its own load and indicators).
No widget is needed: these are Qt-free calls.

The demo county (``sample_layers``): township 城关街道 (510123001), the scenario ``demo``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely

import greenplan.jobs.export as export_job
from greenplan.app.export_view import preview_sheet, render_preview
from greenplan.core.errors import MissingLayerError
from greenplan.core.jsonio import dumps
from greenplan.core.project import read_project
from greenplan.jobs.export import export_map, load_map_data
from greenplan.render.themes import THEME_IDS, get_theme

UNIT = "510123001"


def norm(spec) -> dict:
    """A spec as plain data: indicators as their JSON document, the boundary as WKB."""
    return {"theme": spec.theme.id, "title": spec.title, "extent": spec.extent,
            "highlight": None if spec.highlight is None else shapely.to_wkb(spec.highlight),
            "indicators": json.loads(dumps(spec.indicators)), "unit": (spec.unit_code, spec.unit_name, spec.unit_pos)}


@pytest.fixture(scope="module")
def dialog_data():
    from greenplan.core.resources import sample_dir

    project, _ = read_project(sample_dir() / "demo_county.greenplan.toml")
    themes = [get_theme(t, project.themes) for t in THEME_IDS]
    return load_map_data(project, themes, compute=True)


@pytest.mark.parametrize("theme", THEME_IDS)
@pytest.mark.parametrize("unit", [UNIT, None], ids=["township", "county"])
def test_preview_and_export_decide_the_same_sheet(dialog_data, theme, unit, monkeypatch, tmp_path) -> None:
    opts = {"theme": theme, "paper": "A4", "orientation": "landscape", "title": None, "extent": None, "unit": unit}
    _, preview = preview_sheet(dialog_data, {}, opts)
    seen = []
    real = export_job.draw_sheet
    monkeypatch.setattr(export_job, "draw_sheet", lambda data, spec, **kw: seen.append(spec) or real(data, spec, **kw))
    out = export_map(dialog_data.project.path, tmp_path / "图.pdf", theme=theme, paper="A4", dpi=20, unit=unit)
    assert out.is_file() and len(seen) == 1
    assert norm(preview) == norm(seen[0])
    assert preview.indicators  # every theme lists some indicators, the township's or the county's
    assert all(("baseline" in v) == (theme == "scenario") for v in preview.indicators.values())
    assert (preview.highlight is None) == (unit is None)


def test_preview_of_a_township_without_admin_units_says_so(build, cn_dir) -> None:
    gpkg = cn_dir / "无 乡镇.gpkg"
    build.write(build.frame([build.box(200, 200, 500, 500)], name=["贺兰山"]), gpkg, "ecological_redline")
    path = build.write_project(cn_dir, [{"name": "生态红线", "source": gpkg.name, "layer": "ecological_redline",
                                         "role": "ecological_redline"}], name="无乡镇县")
    project, _ = read_project(path)
    data = load_map_data(project, [get_theme("control_lines")])
    opts = {"theme": "control_lines", "paper": "A4", "orientation": "landscape", "title": None, "extent": None,
            "unit": "640101001"}
    for call in (preview_sheet, render_preview):  # was a KeyError: 'admin_units'
        with pytest.raises(MissingLayerError) as info:
            call(data, {}, opts)
        assert info.value.layer == "admin_units" and "乡镇图需要行政区" in info.value.message("zh")
    raw, width, height = render_preview(data, {}, {**opts, "unit": None})  # the county preview is drawn
    assert len(raw) == width * height * 4 and width > 0


def test_preview_draws_the_sheet_it_decides(dialog_data, monkeypatch) -> None:
    import greenplan.jobs.sheet as sheet

    seen = []
    real = sheet.draw_sheet
    monkeypatch.setattr(sheet, "draw_sheet", lambda data, spec, **kw: seen.append(spec) or real(data, spec, **kw))
    opts = {"theme": "scenario", "paper": "A4", "orientation": "portrait", "title": None, "extent": None, "unit": UNIT}
    render_preview(dialog_data, {}, opts)
    assert [norm(s) for s in seen] == [norm(preview_sheet(dialog_data, {}, opts)[1])]
    assert Path(str(dialog_data.project.path)).name == "demo_county.greenplan.toml"


def test_extra_layers_carry_the_scenario_panels_greening_and_sketched_construction() -> None:
    """The export dialog draws what the scenario panel computed: its greening and, from the
    sketch, its construction (as ``greenplan export`` does from the project)."""
    import geopandas as gpd
    import shapely

    from greenplan.app.export_view import extra_layers
    from greenplan.jobs.scenario import ScenarioOutputs

    green = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 10, 10)], crs="EPSG:4544")
    built = gpd.GeoDataFrame(geometry=[shapely.box(20, 0, 30, 10)], crs="EPSG:4544")
    out = extra_layers(outputs=ScenarioOutputs(document={}, greening=green, construction=built))
    assert out["scenario_greening"] is green and out["scenario_construction"] is built
    assert "scenario_construction" not in extra_layers(outputs=ScenarioOutputs(document={}, greening=green))
