"""The scenario's ``sketch`` key: round trip through the project file, bilingual errors."""

from __future__ import annotations

import pytest

from greenplan.core.errors import ProjectFileError
from greenplan.core.project import Project, read_project, save_project
from greenplan.core.scenario import (
    Scenario,
    SketchRef,
    get_scenario,
    scenario_from_dict,
    set_scenario,
)


def test_sketch_key_round_trips_and_needs_no_selection(tmp_path) -> None:
    p = Project(name="示范县")
    set_scenario(p, Scenario("手绘 方案", sketch=SketchRef("示范县.sketch.gpkg", "手绘 方案")))
    path = save_project(p, tmp_path / "县 项目.greenplan.toml")
    text = path.read_text(encoding="utf-8")
    assert "示范县.sketch.gpkg" in text and "sketch" in text
    back, warnings = read_project(path)
    assert warnings == []
    sc = get_scenario(back, "手绘 方案")
    assert sc.sketch == SketchRef("示范县.sketch.gpkg", "手绘 方案") and sc.selections == []
    # a scenario without a sketch writes no sketch key
    assert "sketch" not in Scenario("b").to_dict()


@pytest.mark.parametrize(
    ("sketch", "key", "zh"),
    [
        ("a.gpkg", "scenarios[0].sketch", "应为一个表"),
        ({"source": "a.shp", "layer": "x"}, "scenarios[0].sketch.source", "GeoPackage"),
        ({"source": "a.gpkg"}, "scenarios[0].sketch.layer", "图层名"),
        ({"source": "a.gpkg", "layer": "  "}, "scenarios[0].sketch.layer", "图层名"),
        ({"source": "a.gpkg", "layer": "x", "colour": "red"}, "scenarios[0].sketch.colour", "未知的键"),
    ],
)
def test_bad_sketch_keys_are_named_in_both_languages(sketch, key: str, zh: str) -> None:
    with pytest.raises(ProjectFileError) as info:
        scenario_from_dict({"name": "a", "sketch": sketch}, key="scenarios[0]")
    assert info.value.key == key
    assert zh in info.value.message("zh") and "sketch" in info.value.message("en")
