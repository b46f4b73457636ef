"""From an empty app to exported maps on "own data" with non-standard field names (issue 13's walkthrough).

Runs ``tools/walkthrough.py``'s flow through the dialogs (new project → project properties →
add-layer dialog → layer properties → class mapping → check → indicators → export → save),
with the screenshots going to ``tmp_path``, and checks what a planner gets: the mappings made
in the dialogs are in the saved file, the green coverage is graded, both maps are written, and
the file reopens with the same layers. The project file is written only by the app's save.
"""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "walkthrough.py"


@pytest.fixture(scope="module")
def walkthrough():
    spec = importlib.util.spec_from_file_location("walkthrough", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_new_project_from_own_data_to_exported_maps(window, walkthrough, qtbot, tmp_path):
    from PIL import Image

    shots = tmp_path / "shots"
    shots.mkdir()
    folder = walkthrough.build_county(tmp_path / "示范县 自有数据")
    assert not list(folder.glob("*.toml"))  # no project file: the app writes it

    def wait(cond, timeout_s: float = 60.0) -> None:
        qtbot.waitUntil(cond, timeout=int(timeout_s * 1000))

    def shot(widget, name: str) -> None:
        walk.settle()
        assert widget.grab().save(str(shots / name))

    walk = walkthrough.Walk(window, wait, shot)
    walk.new_project()
    assert window.model.project.name == "示范县" and "示范县" in window.windowTitle()
    walk.add_layers(folder)
    assert sorted(walk.keys) == sorted(r for _, _, r in walkthrough.LAYER_FILES)
    land_use = window.model.entry(walk.keys["land_use"])
    assert land_use.display.loaded.report.missing_required == ["DLBM"]  # fclass, not DLBM

    walk.layer_properties()
    for role, mapping in walkthrough.FIELD_MAPS.items():
        entry = window.model.entry(walk.keys[role])
        assert entry.spec.fields == mapping and entry.error is None, role
    land_use = window.model.entry(walk.keys["land_use"])
    assert land_use.display.loaded.report.missing_required == []
    assert window.model.entry(walk.keys["admin_units"]).spec.source_crs == "EPSG:4544"

    walk.class_mapping()
    assert window.model.entry(walk.keys["land_use"]).spec.classes == "osm"
    report = walk.check()
    assert report.count("error") == 0 and report.count("warning") == 0 and report.exit_code == 0
    # the shapefile's missing .prj is answered by the source CRS chosen in the dialog
    assert any("EPSG:4544" in i.zh for lyr in report.layers for i in lyr.issues if lyr.name == "乡镇 界线")

    doc = walk.indicators()
    cov = doc["indicators"]["green_coverage_vector"]
    assert cov["unknown_share"] == 0.0 and cov.get("ungraded") is None and cov["pass"] is not None
    assert cov["value"] == pytest.approx(0.5394, abs=1e-3)  # forest, park, grass (530 m of B) + the G2 strip

    maps = tmp_path / "导出 地图"
    maps.mkdir()
    written = walk.export(maps, dpi=40)
    assert [p.name for p in written] == ["示范县三条控制线图.png", "示范县绿化现状与覆盖率分析图.png"]
    for p in written:
        with Image.open(p) as img:
            assert img.width > 300

    target = folder / "示范县.greenplan.toml"
    walk.save(target)
    doc = tomllib.loads(target.read_text(encoding="utf-8"))
    assert doc["name"] == "示范县" and doc["metadata"]["organisation"] == "示范县自然资源局"
    by_role = {layer["role"]: layer for layer in doc["layers"]}
    for role, mapping in walkthrough.FIELD_MAPS.items():
        assert by_role[role]["fields"] == mapping, role
    assert by_role["land_use"]["classes"] == "osm"
    assert by_role["admin_units"]["source_crs"] == "EPSG:4544"
    assert by_role["admin_units"]["source"] == "乡镇 界线.shp"  # relative to the project
    saved = walkthrough.saved_layers(target)
    mtime = target.stat().st_mtime_ns
    assert walk.reopen(target) == saved
    assert target.stat().st_mtime_ns == mtime
    assert {p.name for p in shots.iterdir()} >= {"new-project-1-properties.png", "new-project-5-class-mapping.png",
                                                  "new-project-8-export.png"}
