"""The project properties (name, metadata, working CRS, scheme, as_of, code system), without Qt."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from greenplan.app.project_props import (
    ProjectProps,
    apply_props,
    automatic_crs,
    crs_choices,
    normalize_crs,
    scheme_choices,
)
from greenplan.app.project_state import ProjectState
from greenplan.core.errors import CRSError, SettingError
from greenplan.core.project import Project, read_project, save_project


def _state(project: Project | None = None) -> tuple[ProjectState, list]:
    state = ProjectState()
    if project is not None:
        state.set_project(project)
    seen: list = []
    state.events.name_changed.connect(lambda e: seen.append(("name", e.name)))
    state.events.layers_changed.connect(lambda e: seen.append(("layers",)))
    return state, seen


def test_apply_is_one_undoable_command(tmp_path: Path) -> None:
    state, seen = _state()
    props = ProjectProps.from_project(state.project)
    props.name = "示范县"
    props.metadata.update(organisation="示范县自然资源局", data_source="三调 2023", date="2026-06-30")
    props.crs = "EPSG:4544"
    props.scheme = "eco_garden_city"
    props.as_of = "2026-06-30"
    props.code_system = "yongdi2023"

    assert apply_props(state, props)
    p = state.project
    assert (p.name, p.crs) == ("示范县", "EPSG:4544")
    assert p.metadata == {"organisation": "示范县自然资源局", "data_source": "三调 2023", "date": dt.date(2026, 6, 30)}
    assert (p.settings.scheme, p.settings.as_of, p.settings.code_system) == ("eco_garden_city", dt.date(2026, 6, 30), "yongdi2023")
    assert len(state.undo_stack.commands) == 1 and state.dirty
    assert state.undo_stack.next_undo.label("zh") == "修改项目属性"
    assert ("name", "示范县") in seen and ("layers",) in seen  # titles and the working CRS follow

    path = save_project(p, tmp_path / "示范县.greenplan.toml")
    back, _ = read_project(path)
    assert (back.name, back.crs, back.metadata["organisation"], back.settings.scheme) == (
        "示范县", "EPSG:4544", "示范县自然资源局", "eco_garden_city")

    seen.clear()
    state.undo()
    assert (p.name, p.crs, p.metadata) == ("未命名项目", None, {})
    assert (p.settings.scheme, p.settings.as_of, p.settings.code_system) == ("gbt50563", None, "sandiao")
    assert ("name", "未命名项目") in seen and not state.dirty
    state.redo()
    assert (p.name, p.crs, p.settings.scheme) == ("示范县", "EPSG:4544", "eco_garden_city")


def test_nothing_changed_pushes_nothing() -> None:
    state, seen = _state(Project(name="县", crs="EPSG:4544", metadata={"data_source": ["a", "b"], "map_review_no": "X"}))
    props = ProjectProps.from_project(state.project)
    assert props.metadata["data_source"] == "a；b"
    props.crs = "4544"  # the same CRS written another way
    assert not apply_props(state, props)
    assert state.undo_stack.commands == [] and seen == []
    # an untouched list and keys the dialog does not show survive an edit of another field
    props.metadata["note"] = "备注"
    assert apply_props(state, props)
    assert state.project.metadata == {"data_source": ["a", "b"], "map_review_no": "X", "note": "备注"}
    assert seen == []  # neither name nor CRS changed


def test_automatic_and_blank_values() -> None:
    state, seen = _state(Project(crs="EPSG:4544", metadata={"note": "x"}))
    props = ProjectProps.from_project(state.project)
    props.crs = ""  # automatic
    props.metadata["note"] = ""
    assert apply_props(state, props)
    assert state.project.crs is None and state.project.metadata == {}
    assert seen == [("layers",)]


@pytest.mark.parametrize(
    ("field", "value", "error", "zh"),
    [
        ("crs", "EPSG:99999", CRSError, "无法识别的坐标系"),
        ("crs", "EPSG:4490", CRSError, "不是以米为单位的投影坐标系"),  # lon/lat: no areas in m²
        ("as_of", "2026-13-01", SettingError, "不是有效日期"),
        ("date", "明天", SettingError, "不是有效日期"),
        ("scheme", "nope", SettingError, "未知的评价标准"),
        ("code_system", "nope", SettingError, "无效"),
    ],
)
def test_bad_values_change_nothing(field: str, value: str, error: type, zh: str) -> None:
    state, _ = _state()
    props = ProjectProps.from_project(state.project)
    props.name = "改名"
    if field == "date":
        props.metadata["date"] = value
    else:
        setattr(props, field, value)
    with pytest.raises(error) as info:
        apply_props(state, props)
    assert zh in info.value.zh and info.value.en  # bilingual
    assert state.project.name == "未命名项目" and state.undo_stack.commands == []


def test_choices() -> None:
    codes = [c for c, _en, _zh in crs_choices()]
    assert codes[0] == "EPSG:4534" and codes[20] == "EPSG:4554" and codes[21] == "EPSG:4513" and codes[-1] == "EPSG:4533"
    assert "EPSG:4490" not in codes
    zh = dict((c, z) for c, _e, z in crs_choices())
    assert "105°E" in zh["EPSG:4544"] and "带号 35" in zh["EPSG:4523"] and "105°E" in zh["EPSG:4523"]
    assert normalize_crs("4544") == "EPSG:4544" and normalize_crs("  ") is None
    ids = dict(scheme_choices())
    assert set(ids) >= {"gbt50563", "eco_garden_city"} and "50563" in ids["gbt50563"]


def test_automatic_crs_names_zone_and_why(tmp_path: Path) -> None:
    import geopandas as gpd
    import shapely

    path = tmp_path / "xzq.gpkg"
    # lon/lat around 111.1°E: CGCS2000 3° zone CM 111°E is EPSG:4546
    gpd.GeoDataFrame(geometry=[shapely.box(111.0, 30.0, 111.2, 30.2)], crs=4490).to_file(path)
    from greenplan.core.project import LayerSpec

    project = Project(crs="EPSG:4544", layers=[LayerSpec(source=path, role="admin_units")])
    label, note = automatic_crs(project)
    assert label == "EPSG:4546" and "3度带" in note and "111.10°E" in note
    assert project.crs == "EPSG:4544"  # asking does not change the project
