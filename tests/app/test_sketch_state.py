"""Sketch editing without Qt: add/delete/move/modify as undo steps, live check, saving."""

from __future__ import annotations

import pyogrio
import pytest
import shapely

from greenplan.app.project_state import ProjectState
from greenplan.app.sketch_check import SketchChecker, SketchConflict, conflicts_text
from greenplan.app.sketch_state import DEFAULT_SCENARIO, SketchFeature, SketchState
from greenplan.core.project import Project, read_project, save_project
from greenplan.core.scenario import get_scenario
from greenplan.jobs.sketch import read_sketch

FARMLAND = [shapely.box(0, 0, 100, 100), shapely.box(50, 0, 150, 100)]  # overlapping source polygons
REDLINE = [shapely.box(1000, 1000, 1100, 1100)]


@pytest.fixture
def state(tmp_path):
    ps = ProjectState()
    ps.set_project(Project(name="县", path=tmp_path / "县 规划.greenplan.toml"))
    sk = SketchState(ps, sliver_m2=1.0)
    sk.set_checker(SketchChecker({"permanent_farmland": FARMLAND, "ecological_redline": REDLINE}, 1.0))
    return ps, sk


def test_add_undo_redo_and_the_scenario_key(state) -> None:
    ps, sk = state
    park = shapely.box(200, 200, 240, 250)
    sk.add(SketchFeature("pocket_park", park, name="街角"))
    assert [f.geometry for f in sk.features] == [park] and sk.features[0].cls == "G1" and ps.dirty
    # the first feature creates the scenario with its sketch key, in the same undo step
    sc = get_scenario(ps.project, DEFAULT_SCENARIO)
    assert (sc.sketch.source, sc.sketch.layer) == ("县 规划.sketch.gpkg", DEFAULT_SCENARIO)
    assert ps.undo_stack.next_undo.label("zh") == "添加口袋公园草图"
    ps.undo()
    assert sk.features == [] and ps.project.scenarios == [] and not ps.dirty
    ps.redo()
    assert sk.features[0].name == "街角" and len(ps.project.scenarios) == 1


def test_move_modify_delete_are_undoable(state) -> None:
    ps, sk = state
    sk.add(SketchFeature.belt([(0, 500), (300, 500)], 20.0))
    belt = sk.features[0]
    assert belt.geometry.area == pytest.approx(6_000) and belt.cls == "G2" and belt.width_m == 20.0
    sk.move(0, 10, -5)
    assert shapely.equals(sk.features[0].geometry, shapely.box(10, 485, 310, 505))
    assert shapely.equals(shapely.from_wkt(sk.features[0].centre_wkt), shapely.LineString([(10, 495), (310, 495)]))
    sk.modify(0, kind="green_space", name="滨河")
    assert (sk.features[0].kind, sk.features[0].cls, sk.features[0].name) == ("green_space", "G1", "滨河")
    sk.delete(0)
    assert sk.features == []
    ps.undo()
    ps.undo()
    assert sk.features[0].kind == "green_belt" and shapely.equals(sk.features[0].geometry, shapely.box(10, 485, 310, 505))
    ps.undo()
    assert shapely.equals(sk.features[0].geometry, belt.geometry)


def test_live_check_names_the_rule_and_the_overlap(state) -> None:
    _, sk = state
    sk.add(SketchFeature("pocket_park", shapely.box(100, 50, 200, 150)))  # on farmland: x 100-150, y 50-100
    sk.add(SketchFeature("construction", shapely.box(1050, 1050, 1250, 1250)))  # red line 50 x 50
    sk.add(SketchFeature("rooftop", shapely.box(500, 500, 510, 510)))
    expected = shapely.intersection(shapely.box(100, 50, 200, 150), shapely.union_all(FARMLAND)).area
    assert sk.conflicts(0) == [SketchConflict("permanent_farmland", pytest.approx(expected))]
    assert expected == 2_500
    assert sk.conflicts(1) == [SketchConflict("ecological_redline", 2_500.0)]
    assert sk.conflict_flags() == [True, True, False]
    assert conflicts_text(sk.conflicts(0)) == "占用永久基本农田 2,500.0 m²"
    assert conflicts_text(sk.conflicts(1), "en") == "occupies the ecological red line 2,500.0 m²"
    # slivers under sliver_m2 are left out; a feature touching the edge only is no conflict
    c = SketchChecker({"permanent_farmland": FARMLAND}, 1.0)
    assert c.check(shapely.box(149.5, 0, 160, 1)) == [] and c.check(shapely.box(150, 0, 160, 10)) == []


def test_saving_the_project_writes_the_sketch_geopackage(state, tmp_path) -> None:
    ps, sk = state
    saved = []
    sk.events.saved.connect(lambda e: saved.append((e.names, e.error)))
    sk.add(SketchFeature("pocket_park", shapely.box(200, 200, 240, 250)))
    sk.add(SketchFeature.belt([(0, 500), (300, 500)], 10.0, name="绿带"))
    path = save_project(ps.project, ps.project.path)
    ps.mark_saved(path)
    assert saved == [([DEFAULT_SCENARIO], None)]
    project, _ = read_project(path)
    back = read_sketch(project, get_scenario(project, DEFAULT_SCENARIO).sketch)
    assert back["kind"].tolist() == ["pocket_park", "green_belt"] and back["name"].tolist() == ["", "绿带"]
    assert back.geometry.area.tolist() == pytest.approx([2_000, 3_000])
    # an undo after saving, saved again: the file follows
    ps.undo()
    ps.mark_saved(save_project(ps.project, path))
    assert len(read_sketch(project, get_scenario(project, DEFAULT_SCENARIO).sketch)) == 1
    assert pyogrio.list_layers(tmp_path / "县 规划.sketch.gpkg")[:, 0].tolist() == [DEFAULT_SCENARIO]
    # reopening the project shows the saved sketch
    ps.set_project(project)
    assert [f.kind for f in sk.features] == ["pocket_park"]


def test_check_over_many_polygons_counts_only_the_hits() -> None:
    # a grid of 90 x 90 parcels every 100 m; the sketch covers x 5-195, y 5-95: two parcels
    grid = [shapely.box(x * 100, y * 100, x * 100 + 90, y * 100 + 90) for x in range(100) for y in range(100)]
    c = SketchChecker({"permanent_farmland": grid})
    assert c.check(shapely.box(5, 5, 195, 95)) == [SketchConflict("permanent_farmland", 85 * 85 + 90 * 85)]
    assert c.roles == ["permanent_farmland"] and c.check(shapely.Polygon()) == []


def test_the_scenario_list_hears_of_the_new_scenario(tmp_path) -> None:
    from greenplan.app.scenario_state import ScenarioState

    ps = ProjectState()
    ps.set_project(Project(name="县", path=tmp_path / "县.greenplan.toml"))
    scenarios = ScenarioState(ps)
    heard = []
    scenarios.events.changed.connect(lambda e: heard.append("changed"))
    sk = SketchState(ps, scenario_state=scenarios)
    sk.set_checker(SketchChecker({}))
    sk.add(SketchFeature("green_space", shapely.box(0, 0, 10, 10)))
    assert heard and scenarios.names() == [DEFAULT_SCENARIO] and scenarios.current_name == DEFAULT_SCENARIO
    # a scenario edited in the panel keeps its sketch key
    scenarios.add_rule("rooftop", "all")
    assert get_scenario(ps.project, DEFAULT_SCENARIO).sketch.layer == DEFAULT_SCENARIO


def test_save_as_into_another_folder_carries_every_sketch(state, tmp_path) -> None:
    ps, sk = state
    sk.add(SketchFeature("pocket_park", shapely.box(200, 200, 240, 250)))
    ps.mark_saved(save_project(ps.project, ps.project.path))
    # a second scenario edited, the first not touched since saving; then Save As elsewhere
    sk.set_scenario("远期")
    sk.add(SketchFeature("rooftop", shapely.box(0, 0, 10, 10)))
    other = tmp_path / "副本 文件夹"
    other.mkdir()
    target = save_project(ps.project, other / "县 规划.greenplan.toml")
    ps.mark_saved(target)
    project, _ = read_project(target)
    for name, kind in ((DEFAULT_SCENARIO, "pocket_park"), ("远期", "rooftop")):
        assert read_sketch(project, get_scenario(project, name).sketch)["kind"].tolist() == [kind]
    assert (other / "县 规划.sketch.gpkg").is_file()


def test_vertex_moves_polygons_and_belts(state) -> None:
    ps, sk = state
    sk.add(SketchFeature("pocket_park", shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])))
    sk.add(SketchFeature.belt([(0, 100), (100, 100)], 10.0))
    assert sk.vertex_at(0, 10.4, 9.8, 1.0) == (10.0, 10.0) and sk.vertex_at(0, 5, 5, 1.0) is None
    sk.move_vertex(0, 10, 10, 20, 10)
    assert sk.features[0].geometry.area == pytest.approx(150.0)  # trapezoid (10 + 20) / 2 x 10
    assert ps.undo_stack.next_undo.label("zh") == "移动口袋公园草图顶点"
    # a belt's vertices are its centre line's; moving one rebuilds the belt with its width
    assert sk.features[1].vertices().tolist() == [[0.0, 100.0], [100.0, 100.0]]
    sk.move_vertex(1, 100, 100, 200, 100)
    assert sk.features[1].geometry.area == pytest.approx(200 * 10)
    assert shapely.from_wkt(sk.features[1].centre_wkt).length == pytest.approx(200)
    ps.undo()
    assert sk.features[1].geometry.area == pytest.approx(100 * 10)
    # the first vertex of a ring is also its closing point: the ring stays closed
    sk.move_vertex(0, 0, 0, -10, 0)
    ring = sk.features[0].geometry.exterior.coords
    assert ring[0] == ring[-1] == (-10.0, 0.0)
