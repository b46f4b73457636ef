"""The layer properties edit without Qt: one undoable command, field mapping stored, reload asked."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from greenplan.app.layer_props import (
    LayerProps,
    apply_layer_props,
    count_matching,
    layer_facts,
    roles_for,
)
from greenplan.app.project_state import ProjectState
from greenplan.core.errors import GreenplanError, UnknownRoleError
from greenplan.core.project import LayerSpec


@pytest.fixture
def landuse_shp(tmp_path) -> Path:
    gdf = gpd.GeoDataFrame({"地类编码": ["0101", "0301", "0701", "0701", "1101"], "ZT": [1, 1, 2, 2, 3]},
                           geometry=[shapely.box(i, 0, i + 1, 1) for i in range(5)], crs=4544)
    path = tmp_path / "用地.shp"
    pyogrio.write_dataframe(gdf, path, encoding="gbk")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


def test_apply_and_undo_one_command(landuse_shp):
    state = ProjectState()
    (key,) = state.add_specs([LayerSpec(source=landuse_shp, role="buildings")])
    reloads: list[int] = []
    before = len(state.undo_stack.commands)
    props = dataclasses.replace(LayerProps.of(state.entry(key).spec), name="用地现状", role="land_use",
                                fields={"DLBM": "地类编码", "BSM": ""}, encoding="gbk", where=" ",
                                source_crs="EPSG:4490")
    assert apply_layer_props(state, key, props, reload=reloads.append)
    spec = state.entry(key).spec
    assert len(state.undo_stack.commands) == before + 1
    assert (spec.name, spec.role, spec.fields, spec.encoding, spec.where, spec.source_crs) == (
        "用地现状", "land_use", {"DLBM": "地类编码"}, "gbk", None, "EPSG:4490")
    assert reloads == [key] and state.entry(key).loading
    assert state.undo_stack.next_undo.label("zh") == "图层属性"
    state.undo()
    assert (spec.name, spec.role, spec.fields, spec.encoding, spec.source_crs) == ("用地", "buildings", {}, None, None)
    assert reloads == [key, key]
    state.redo()
    assert spec.fields == {"DLBM": "地类编码"}
    # the project file's layer is the same object
    assert state.project.layers[0] is spec


def test_no_change_and_name_only(landuse_shp):
    state = ProjectState()
    (key,) = state.add_specs([LayerSpec(source=landuse_shp, role="land_use")])
    state.entry(key).loading = False
    reloads: list[int] = []
    assert not apply_layer_props(state, key, LayerProps.of(state.entry(key).spec), reload=reloads.append)
    assert apply_layer_props(state, key, dataclasses.replace(LayerProps.of(state.entry(key).spec), name="新名"),
                             reload=reloads.append)
    assert reloads == [] and not state.entry(key).loading and state.entry(key).spec.name == "新名"
    with pytest.raises(UnknownRoleError):
        apply_layer_props(state, key, dataclasses.replace(LayerProps.of(state.entry(key).spec), role="nope"))


def test_facts_roles_and_filter_count(landuse_shp):
    spec = LayerSpec(source=landuse_shp, role="land_use")
    assert layer_facts(spec).fields == ["地类编码", "ZT"]  # GBK without .cpg: detected as the reader does
    spec.encoding = "gbk"
    facts = layer_facts(spec)
    assert not facts.raster and facts.shapefile and facts.fields == ["地类编码", "ZT"]
    assert facts.samples["地类编码"] == ["0101", "0301", "0701"]
    roles = roles_for(facts)
    assert "land_use" in roles and "roads" not in roles and "dsm_raster" not in roles and "rivers" in roles
    assert count_matching(spec, "ZT = 2") == 2
    assert count_matching(spec, "") == 5
    with pytest.raises(GreenplanError):
        count_matching(spec, "nosuchfield = 1")
