"""ProjectState: order, selection, dirty state following the undo stack, events and payloads."""

from __future__ import annotations

import dataclasses
import gc
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from greenplan.app.events import EmitterGroup
from greenplan.app.project_state import ProjectState
from greenplan.core.errors import SettingError, UnknownRoleError
from greenplan.core.project import LayerSpec, Project


@dataclasses.dataclass
class Loaded:
    """The loader's LoadedLayer as far as the state reads it (a dataclass holding the frame)."""

    gdf: Any


class Display:
    """A view's LayerDisplay as far as the state reads it."""

    def __init__(self, spec: LayerSpec, gdf: Any = None, bounds=None) -> None:
        self.spec = spec
        self.loaded = Loaded(gdf)
        self.error = None
        self.prepared = SimpleNamespace(total_bounds=bounds) if bounds is not None else None
        self.raster = None

    @property
    def gdf(self):
        return self.loaded.gdf


def spec(name: str, role: str | None = None) -> LayerSpec:
    return LayerSpec(source=Path("D:/县域 数据") / f"{name}.shp", name=name, role=role)


def record(state: ProjectState) -> list[tuple]:
    """Every event of ``state`` as (type, payload...) in the order emitted."""
    seen: list[tuple] = []
    state.events.connect(lambda e: seen.append((e.type, *[v for k, v in vars(e).items() if k not in ("type", "source")])))
    return seen


def opened(*names: str) -> ProjectState:
    state = ProjectState()
    state.set_project(Project(name="示范县", layers=[spec(n) for n in names]))
    return state


def test_order_moves_and_undoes_with_the_project_layers() -> None:
    state = opened("地类", "道路", "水系")
    a, b, c = state.keys
    seen = record(state)
    state.move(c, 0)  # 水系 to the bottom
    assert state.keys == [c, a, b]
    assert [s.name for s in state.project.layers] == ["水系", "地类", "道路"]
    assert seen == [("layers_changed",), ("dirty_changed", True)]
    state.move(a, 99)  # clamped to the top
    assert state.keys == [c, b, a]
    state.move(a, 2)  # already there: no edit, no event, no undo step
    assert state.undo_stack.index == 2
    with pytest.raises(ValueError, match="every layer key"):
        state.set_order([a, b])
    state.undo()
    state.undo()
    assert state.keys == [a, b, c] and [s.name for s in state.project.layers] == ["地类", "道路", "水系"]
    assert not state.dirty


def test_dirty_follows_undo_and_redo_back_to_the_saved_position(tmp_path: Path) -> None:
    state = opened("地类")
    (key,) = state.keys
    dirty: list[bool] = []
    state.events.dirty_changed.connect(lambda e: dirty.append(e.dirty))
    state.rename(key, "三调地类")
    state.set_visible(key, False)
    target = tmp_path / "示范 县" / "p.greenplan.toml"
    state.mark_saved(target)
    assert state.path == target and not state.dirty
    state.undo()  # visible again: away from the saved file
    assert state.dirty and state.project.layers[0].visible
    state.redo()  # back at the saved position
    assert not state.dirty and not state.project.layers[0].visible
    state.undo()
    state.undo()
    assert state.project.layers[0].name == "地类" and state.dirty
    assert dirty == [True, False, True, False, True]
    # a new edit after undoing past the save drops the saved position: never clean again by undo
    state.rename(key, "用地")
    while state.undo_stack.can_undo:
        state.undo()
    assert state.dirty


def test_changes_outside_the_stack_keep_the_project_dirty() -> None:
    state = opened("地类")
    (key,) = state.keys
    state.rename(key, "用地")
    state.set_dirty(True)  # e.g. settings edited in a dialog without undo
    state.undo()
    assert state.dirty
    state.set_dirty(False)
    assert not state.dirty and state.undo_stack.is_clean
    recovered = ProjectState()
    recovered.set_project(Project(layers=[spec("地类")]), dirty=True)  # a recovery copy
    assert recovered.dirty and not recovered.undo_stack.can_undo


def test_set_project_resets_keys_selection_and_stack() -> None:
    state = opened("地类", "道路")
    first = state.keys
    state.rename(first[0], "x")
    state.set_selection(first[0], [1, 0, 1])
    seen = record(state)
    project = Project(name="另一县", layers=[spec("林地")], path=Path("C:/项目/另一县.greenplan.toml"))
    state.set_project(project)
    assert seen == [("project_replaced",), ("path_changed", project.path), ("dirty_changed", False)]
    assert state.project is project and state.selection == {} and not state.undo_stack.can_undo
    assert state.keys[0] not in first and state.entries[0].loading  # to be loaded
    assert state.project.layers[0] is state.entries[0].spec


def test_remove_and_undo_bring_back_the_same_layer_at_its_place() -> None:
    state = opened("地类", "道路", "水系")
    a, b, c = state.keys
    display = Display(state.entry(b).spec)
    state.entry(b).display = display
    state.set_selection(b, [2])
    state.set_current(b)
    seen = record(state)
    state.remove(b)
    assert state.keys == [a, c] and [s.name for s in state.project.layers] == ["地类", "水系"]
    assert state.selection == {} and state.current_key == 0
    assert seen == [("current_layer_changed", 0), ("layers_changed",), ("dirty_changed", True)]
    state.undo()
    assert state.keys == [a, b, c] and state.entry(b).display is display
    assert state.project.layers[1] is state.entry(b).spec
    assert not state.dirty


def test_a_load_finishing_while_an_add_is_undone_is_kept_for_the_redo() -> None:
    state = opened()
    (key,) = state.add_specs([spec("绿地", "green_space")])
    lyr = state.entry(key).spec
    state.undo()
    assert state.entries == [] and state.project.layers == []
    loaded = SimpleNamespace(crs="EPSG:4545", loaded="lp", layers=[Display(lyr, bounds=(1.0, 2.0, 3.0, 4.0))])
    state.attach_display(loaded, [key])
    state.redo()
    e = state.entry(key)
    assert not e.loading and e.display is loaded.layers[0] and state.crs == "EPSG:4545"
    assert state.full_bounds() == (1.0, 2.0, 3.0, 4.0)


def test_layer_edits_emit_the_key_and_ignore_no_change() -> None:
    state = opened("地类", "道路")
    a, b = state.keys
    seen = record(state)
    state.rename(b, "  城市道路 ")
    state.rename(b, "城市道路")  # unchanged
    state.rename(b, "   ")  # blank
    state.set_visible(a, False)
    state.set_visible(a, False)
    state.set_name("示范县 2026")
    assert seen == [("layer_changed", b), ("dirty_changed", True), ("layer_changed", a), ("name_changed", "示范县 2026")]
    assert state.entry(b).spec.name == "城市道路" and state.undo_stack.index == 3
    assert state.undo_stack.next_undo.label("zh") == "重命名项目"
    state.undo()
    assert state.project.name == "示范县" and seen[-1] == ("name_changed", "示范县")


def test_a_bad_style_keeps_the_one_that_worked_and_adds_no_undo_step() -> None:
    def restyle(entry, project):
        if entry.spec.style.get("facecolor") == "not a colour":
            raise ValueError("bad colour")
        calls.append(dict(entry.spec.style))

    calls: list[dict] = []
    state = ProjectState(restyle=restyle)
    state.set_project(Project(layers=[spec("绿地", "green_space")]))
    (key,) = state.keys
    state.entry(key).display = Display(state.entry(key).spec)
    state.set_style(key, {"facecolor": "#2ca02c", "alpha": None})
    assert state.entry(key).spec.style == {"facecolor": "#2ca02c"}  # None values dropped
    with pytest.raises(ValueError, match="bad colour"):
        state.set_style(key, {"facecolor": "not a colour"})
    assert state.entry(key).spec.style == {"facecolor": "#2ca02c"} and state.undo_stack.index == 1
    state.undo()
    assert state.entry(key).spec.style == {} and calls == [{"facecolor": "#2ca02c"}, {}]
    assert not state.dirty


def test_role_changes_restyle_and_unknown_roles_are_refused() -> None:
    restyled: list[str | None] = []
    state = ProjectState(restyle=lambda e, p: restyled.append(e.spec.role))
    state.set_project(Project(layers=[spec("绿地")]))
    (key,) = state.keys
    state.entry(key).display = Display(state.entry(key).spec)
    with pytest.raises(UnknownRoleError):
        state.set_role(key, "parks")
    state.set_role(key, "green_space")
    state.undo()
    assert restyled == ["green_space", None] and state.entry(key).spec.role is None


def test_class_mapping_maps_the_loaded_copy_and_undo_maps_it_back() -> None:
    state = ProjectState()
    state.set_project(Project(layers=[spec("OSM 地类", "land_use")]))
    (key,) = state.keys
    e = state.entry(key)
    gdf = gpd.GeoDataFrame({"DLBM": ["park", "forest", "residential"]},
                           geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10), box(20, 0, 30, 10)], crs="EPSG:4545")
    e.display = Display(e.spec, gdf)
    seen = record(state)
    state.set_classes(key, {"park": "0810", "forest": "0301"})
    assert e.spec.classes == {"park": "0810", "forest": "0301"}
    assert list(e.gdf["DLBM"]) == ["0810", "0301", "residential"]
    assert list(e.gdf["DLBM_source"]) == ["park", "forest", "residential"]
    assert list(gdf["DLBM"]) == ["park", "forest", "residential"]  # the loader's frame is not changed
    assert seen[0] == ("layer_changed", key)
    with pytest.raises(SettingError):
        state.set_classes(key, "no such preset")
    assert e.spec.classes == {"park": "0810", "forest": "0301"} and state.undo_stack.index == 1
    state.undo()  # the dialog's OK can now be taken back
    assert e.spec.classes is None and list(e.gdf["DLBM"]) == ["park", "forest", "residential"]
    assert "DLBM_source" not in e.gdf.columns and not state.dirty
    state.redo()
    assert list(e.gdf["DLBM"]) == ["0810", "0301", "residential"]


def test_feature_selection_is_of_one_layer_at_a_time() -> None:
    state = opened("点", "面")
    a, b = state.keys
    state.entry(a).display = Display(state.entry(a).spec, gpd.GeoDataFrame(geometry=[Point(0, 0), Point(5, 5), Point(9, 9)]))
    seen = record(state)
    state.set_selection(a, [2, 0, 2, 7])  # 7: beyond the loaded rows (a stale id) is skipped
    assert list(state.selection[a]) == [0, 2, 7]
    assert [(g.x, g.y) for g in state.selected_geometries()] == [(0.0, 0.0), (9.0, 9.0)]
    state.set_selection(b, [1])
    assert list(state.selection) == [b]
    state.set_selection(b, [])
    state.clear_selection()  # nothing selected: no event
    state.set_selection(a, [1])
    state.clear_selection()
    assert seen == [("selection_changed", a), ("selection_changed", b), ("selection_changed", b),
                    ("selection_changed", a), ("selection_changed", 0)]
    assert state.selected_geometries().size == 0 and not state.dirty  # selecting is no edit
    with pytest.raises(KeyError):
        state.set_current(12345)


def test_deleted_listeners_stop_listening_and_payloads_are_checked() -> None:
    class Widget:
        def __init__(self) -> None:
            self.keys: list[int] = []

        def on_layer(self, event) -> None:
            self.keys.append(event.key)

    state = opened("地类")
    (key,) = state.keys
    w = Widget()
    state.events.layer_changed.connect(w.on_layer)
    state.rename(key, "a")
    assert w.keys == [key]
    keys = w.keys
    del w
    gc.collect()
    state.rename(key, "b")  # the deleted widget is not called (no error either)
    assert keys == [key] and state.events.layer_changed.callbacks == []
    group = EmitterGroup(None, changed=("key",))
    with pytest.raises(TypeError, match="changed"):
        group.changed(kee=1)
    heard: list[int] = []
    group.changed.connect(lambda e: heard.append(e.key))
    with group.blocker():
        group.changed(key=1)
    group.changed(key=2)
    assert heard == [2]
