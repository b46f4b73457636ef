"""Hand-drawn greening in the main window (#15): draw with the mouse, undo/redo, the live
conflict message, saving with the project (the town of ``conftest.py``: B 1000 × 1000 at
(0, 0), permanent farmland 1000 × 500 at (0, 1500), the red line at (2000, 0))."""

from __future__ import annotations

import pytest
import shapely
from PySide6.QtCore import QPoint, Qt

from greenplan.analysis.wording import format_area
from greenplan.core.project import read_project
from greenplan.core.scenario import get_scenario
from greenplan.jobs.sketch import read_sketch


def px(w, build, dx: float, dy: float) -> QPoint:
    x, y = w.canvas.view.to_pixel(build.X0 + dx, build.Y0 + dy)
    return QPoint(int(x), int(y))


def on_map(w, p: QPoint) -> tuple[float, float]:
    return w.canvas.view.to_map(p.x(), p.y())


@pytest.fixture
def opened(opened):
    """The town, snapping off: the shapes are exactly where the mouse clicked."""
    opened.sketch.bar.snap_box.setChecked(False)
    return opened


def test_draw_a_polygon_undo_redo_and_save(qtbot, opened, build) -> None:
    w = opened
    w.actions["tool.sketch_polygon"].trigger()
    assert w.canvas.tool == "sketch_polygon" and w.sketch.bar.kind == "pocket_park"
    clicks = [px(w, build, dx, dy) for dx, dy in ((400, 300), (700, 300), (700, 600), (400, 600))]
    for p in clicks:
        qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=p)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.RightButton, pos=clicks[-1])
    feats = w.sketch.state.features
    assert len(feats) == 1 and feats[0].kind == "pocket_park" and feats[0].cls == "G1"
    expected = shapely.Polygon([on_map(w, p) for p in clicks])
    assert feats[0].geometry.area == pytest.approx(expected.area) and expected.area == pytest.approx(90_000, rel=0.05)
    ok_path, bad_path = w.canvas.sketch.paths
    assert ok_path is not None and bad_path is None
    assert "无冲突" in w.statusBar().currentMessage()
    assert w.model.dirty and "添加口袋公园草图" in w.actions["edit.undo"].text()
    w.actions["edit.undo"].trigger()
    assert w.sketch.state.features == [] and w.canvas.sketch.paths == (None, None)
    w.actions["edit.redo"].trigger()
    assert len(w.sketch.state.features) == 1
    # saving the project writes the sketch next to it and names it in the project file
    assert w.ops.save()
    project, _ = read_project(w.model.project.path)
    back = read_sketch(project, get_scenario(project, "手绘方案").sketch)
    assert back["kind"].tolist() == ["pocket_park"] and back.geometry.area[0] == pytest.approx(expected.area)
    assert (w.model.project.path.parent / "测试 项目.sketch.gpkg").is_file()


def test_belt_on_farmland_is_flagged_while_drawing_and_after(qtbot, opened, build) -> None:
    w = opened
    w.actions["tool.sketch_belt"].trigger()
    w.sketch.bar.width_box.setValue(30.0)
    a, b = px(w, build, 100, 1600), px(w, build, 600, 1600)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=a)
    assert not w.canvas.sketch.drawing_conflict
    qtbot.mouseMove(w.canvas, b)  # the live check of the line so far: kind, area, rule
    so_far = shapely.LineString([on_map(w, a), on_map(w, b)]).length * 30
    assert w.statusBar().currentMessage().startswith(f"绿带 · {format_area(so_far)} · 占用永久基本农田 ")
    assert w.canvas.sketch.drawing_conflict  # the shape being drawn is outlined in the conflict style
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=b)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.RightButton, pos=b)
    (belt,) = w.sketch.state.features
    line = shapely.LineString([on_map(w, a), on_map(w, b)])
    farmland = shapely.box(build.X0, build.Y0 + 1500, build.X0 + 1000, build.Y0 + 2000)
    overlap = shapely.intersection(shapely.buffer(line, 15, cap_style="flat"), farmland).area
    assert belt.kind == "green_belt" and belt.width_m == 30.0 and belt.geometry.area == pytest.approx(line.length * 30)
    assert overlap == pytest.approx(15_000, rel=0.05)
    assert w.statusBar().currentMessage() == f"占用永久基本农田 {format_area(overlap)}" == w.measure_label.text()
    assert w.canvas.sketch.paths[0] is None and w.canvas.sketch.paths[1] is not None  # the conflict style
    assert not w.canvas.sketch.drawing_conflict  # drawn: the feature itself carries the conflict style now


def test_rectangle_of_construction_in_the_red_line(qtbot, opened, build) -> None:
    w = opened
    w.actions["tool.sketch_rect"].trigger()
    w.sketch.bar.set_kind("construction")
    a, b = px(w, build, 2100, 100), px(w, build, 2300, 300)
    qtbot.mousePress(w.canvas, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(w.canvas, b)
    qtbot.mouseRelease(w.canvas, Qt.MouseButton.LeftButton, pos=b)
    (f,) = w.sketch.state.features
    (x0, y0), (x1, y1) = on_map(w, a), on_map(w, b)
    assert f.kind == "construction" and f.geometry.area == pytest.approx(abs(x1 - x0) * abs(y1 - y0))
    assert w.statusBar().currentMessage().startswith("占用生态保护红线")


def test_scenario_run_includes_the_unsaved_sketch(qtbot, opened, build, wait_idle) -> None:
    w = opened
    w.actions["tool.sketch_rect"].trigger()
    a, b = px(w, build, 400, 300), px(w, build, 700, 600)
    qtbot.mousePress(w.canvas, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(w.canvas, b)
    qtbot.mouseRelease(w.canvas, Qt.MouseButton.LeftButton, pos=b)
    (x0, y0), (x1, y1) = on_map(w, a), on_map(w, b)
    w.scenarios.set_current("手绘方案")
    assert w.scenario_panel.run() is not None
    wait_idle(w)
    cov = w.scenario_panel.outputs.document["indicators"]["green_coverage_vector"]
    # B is 1000 x 1000 m; the rectangle lies inside B and outside the park (x 0-300)
    assert cov["delta"] == pytest.approx(abs(x1 - x0) * abs(y1 - y0) / 1e6, rel=1e-9)
    assert w.scenario_panel.selected.text().endswith("手绘草图 1 (" + format_area(abs(x1 - x0) * abs(y1 - y0)) + ")")
    assert not (w.model.project.path.parent / "测试 项目.sketch.gpkg").exists()  # nothing saved yet


@pytest.fixture
def snapping(window, town, town_loaded, wait_idle):
    """The town shown with every layer prepared for drawing (their STRtrees), snapping on."""
    from greenplan.gui.canvas.display_data import DisplayProject, prepare_layer

    project, _ = read_project(town)
    display = DisplayProject(town_loaded, [prepare_layer(spec, lyr, town_loaded.crs)
                                           for spec, lyr in zip(project.layers, town_loaded.layers, strict=True)])
    window.canvas.reset()
    window.model.set_project(project, display)
    wait_idle(window)
    return window


def test_snapping_to_a_vertex_of_a_visible_layer(qtbot, snapping, build) -> None:
    w = snapping
    assert w.sketch.bar.snap_box.isChecked()
    w.actions["tool.sketch_polygon"].trigger()
    corner = px(w, build, 1000, 1000)  # B's corner; the mouse lands 3 pixels off it
    near = QPoint(corner.x() + 3, corner.y() - 2)
    qtbot.mouseMove(w.canvas, near)
    assert w.canvas.sketch.snap_marker == (build.X0 + 1000, build.Y0 + 1000)
    far = px(w, build, 600, 600)
    for p in (near, px(w, build, 600, 1000), far):
        qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=p)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.RightButton, pos=far)
    (f,) = w.sketch.state.features
    assert (build.X0 + 1000, build.Y0 + 1000) in list(f.geometry.exterior.coords)
    assert on_map(w, far) in list(f.geometry.exterior.coords)  # nothing to snap to there
    # off: the vertex is where the mouse was
    w.sketch.bar.snap_box.setChecked(False)
    assert w.canvas.sketch.snap_marker is None
    qtbot.mouseMove(w.canvas, far)
    qtbot.mouseMove(w.canvas, near)
    assert w.canvas.sketch.snap_marker is None and w.canvas.sketch.snap(*on_map(w, near)) is None


def test_edit_tool_selects_moves_edits_and_deletes(qtbot, opened, build) -> None:
    w = opened
    w.actions["tool.sketch_rect"].trigger()
    a, b = px(w, build, 400, 300), px(w, build, 700, 600)
    qtbot.mousePress(w.canvas, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(w.canvas, b)
    qtbot.mouseRelease(w.canvas, Qt.MouseButton.LeftButton, pos=b)
    drawn = w.sketch.state.features[0].geometry
    w.actions["tool.sketch_edit"].trigger()
    inside = px(w, build, 550, 450)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=inside)
    assert w.sketch.selected == 0 and w.canvas.sketch.selected is not None
    assert w.measure_label.text().startswith("口袋公园 · G1 · ")
    # drag by 40 pixels to the right: the feature moves by the same map distance
    to = QPoint(inside.x() + 40, inside.y())
    qtbot.mousePress(w.canvas, Qt.MouseButton.LeftButton, pos=inside)
    qtbot.mouseMove(w.canvas, to)
    qtbot.mouseRelease(w.canvas, Qt.MouseButton.LeftButton, pos=to)
    dx = on_map(w, to)[0] - on_map(w, inside)[0]
    moved = w.sketch.state.features[0].geometry
    assert dx > 0 and shapely.equals_exact(moved, shapely.transform(drawn, lambda c: c + (dx, 0)), 1e-6)
    assert "移动口袋公园草图" in w.actions["edit.undo"].text()
    # the attributes dialog: a name and another class
    dialog = w.sketch.edit_attributes(0)
    dialog.name_edit.setText("街角 公园")
    dialog.class_edit.setText("G13")
    dialog.share_box.setValue(0.8)
    dialog.accept()
    f = w.sketch.state.features[0]
    assert (f.name, f.cls, f.gs_share, f.kind) == ("街角 公园", "G13", 0.8, "pocket_park")
    # Delete removes the selected feature; undo brings it back, then the earlier steps
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_Delete)
    assert w.sketch.state.features == [] and w.sketch.selected is None
    w.actions["edit.undo"].trigger()
    assert w.sketch.state.features[0].name == "街角 公园"
    w.actions["edit.undo"].trigger()
    w.actions["edit.undo"].trigger()
    assert shapely.equals(w.sketch.state.features[0].geometry, drawn)


def test_copy_selected_features_into_the_sketch(qtbot, opened, build) -> None:
    import numpy as np

    w = opened
    keys = {e.spec.role: e.key for e in w.model.entries}
    w.sketch.bar.set_kind("green_space")
    w.sketch.bar.width_box.setValue(24.0)
    assert not w.actions["sketch.copy_selected"].isEnabled()  # nothing selected
    w.model.set_selection(keys["green_space"], np.array([0]))
    w.actions["sketch.copy_selected"].trigger()
    assert w.statusBar().currentMessage() == "已复制 1 个要素到草图"
    w.model.set_selection(keys["roads"], np.array([0]))
    w.actions["sketch.copy_selected"].trigger()
    park, belt = w.sketch.state.features
    assert park.kind == "green_space" and shapely.equals(park.geometry, build.box(0, 0, 300, 1000))
    # the road (1,400 m along y = 1200) becomes a 24 m belt, its centre line kept
    assert belt.kind == "green_belt" and belt.geometry.area == pytest.approx(1_400 * 24)
    assert shapely.from_wkt(belt.centre_wkt).length == pytest.approx(1_400)
    w.actions["edit.undo"].trigger()  # one undo step per copy
    assert len(w.sketch.state.features) == 1


def test_edit_tool_drags_a_vertex_of_the_selected_feature(qtbot, opened, build) -> None:
    w = opened
    w.actions["tool.sketch_rect"].trigger()
    a, b = px(w, build, 400, 300), px(w, build, 700, 600)
    qtbot.mousePress(w.canvas, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(w.canvas, b)
    qtbot.mouseRelease(w.canvas, Qt.MouseButton.LeftButton, pos=b)
    before = w.sketch.state.features[0].geometry
    w.actions["tool.sketch_edit"].trigger()
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=px(w, build, 550, 450))
    assert w.canvas.sketch.handles is not None and len(w.canvas.sketch.handles) == 4
    corner, to = b, QPoint(b.x() + 30, b.y())
    qtbot.mousePress(w.canvas, Qt.MouseButton.LeftButton, pos=corner)
    assert w.canvas.sketch.edit_vertex is not None
    qtbot.mouseMove(w.canvas, to)
    qtbot.mouseRelease(w.canvas, Qt.MouseButton.LeftButton, pos=to)
    after = w.sketch.state.features[0].geometry
    (x0, _), (x1, _) = on_map(w, corner), on_map(w, to)
    # one corner moved right by x1 - x0: the area grows by a triangle of half that × the height
    height = before.bounds[3] - before.bounds[1]
    assert after.area == pytest.approx(before.area + (x1 - x0) * height / 2, rel=1e-9)
    assert "移动口袋公园草图顶点" in w.actions["edit.undo"].text()


def _draw_rect(qtbot, w, build, a_xy=(400, 300), b_xy=(700, 600)):
    w.actions["tool.sketch_rect"].trigger()
    a, b = px(w, build, *a_xy), px(w, build, *b_xy)
    qtbot.mousePress(w.canvas, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(w.canvas, b)
    qtbot.mouseRelease(w.canvas, Qt.MouseButton.LeftButton, pos=b)
    return a, b


def test_edit_tool_adds_and_deletes_vertices_with_undo(qtbot, opened, build) -> None:
    w = opened
    a, b = _draw_rect(qtbot, w, build)
    rect = w.sketch.state.features[0].geometry
    w.actions["tool.sketch_edit"].trigger()
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=px(w, build, 550, 450))
    assert w.sketch.selected == 0 and len(w.canvas.sketch.handles) == 4
    # a double-click on the middle of the top edge adds a vertex there, on the edge
    mid = QPoint((a.x() + b.x()) // 2, b.y())
    qtbot.mouseDClick(w.canvas, Qt.MouseButton.LeftButton, pos=mid)
    qtbot.mouseRelease(w.canvas, Qt.MouseButton.LeftButton, pos=mid)  # Qt ends a double-click with a release
    f = w.sketch.state.features[0]
    assert len(f.vertices()) == 5 and len(w.canvas.sketch.handles) == 5
    assert f.geometry.area == pytest.approx(rect.area, rel=1e-9)  # on the edge: same shape
    added = next(v for v in map(tuple, f.vertices()) if v not in set(rect.exterior.coords))
    assert shapely.distance(rect.exterior, shapely.Point(added)) < 1e-6
    assert "添加口袋公园草图顶点" in w.actions["edit.undo"].text()
    assert w.sketch.dialog is None  # no attributes dialog for a double-click on an edge
    # drag the new vertex 5 px up (outwards): the area grows by a triangle (base = the edge,
    # height = the drag)
    ap = QPoint(*map(round, w.canvas.view.to_pixel(*added)))
    to = QPoint(ap.x(), ap.y() - 5)
    qtbot.mousePress(w.canvas, Qt.MouseButton.LeftButton, pos=ap)
    qtbot.mouseMove(w.canvas, to)
    qtbot.mouseRelease(w.canvas, Qt.MouseButton.LeftButton, pos=to)
    g = w.sketch.state.features[0].geometry
    drop = on_map(w, to)[1] - added[1]
    width = rect.bounds[2] - rect.bounds[0]
    assert drop > 0 and g.area == pytest.approx(rect.area + width * drop / 2, rel=1e-6)
    # click that vertex, Delete: the rectangle again
    moved_v = on_map(w, to)
    vp = QPoint(*map(round, w.canvas.view.to_pixel(*moved_v)))
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=vp)
    assert w.sketch.vertex is not None and w.canvas.sketch.current_vertex == w.sketch.vertex
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_Delete)
    f = w.sketch.state.features
    assert len(f) == 1 and len(f[0].vertices()) == 4 and f[0].geometry.area == pytest.approx(rect.area, rel=1e-9)
    assert "删除口袋公园草图顶点" in w.actions["edit.undo"].text()
    w.actions["edit.undo"].trigger()
    assert len(w.sketch.state.features[0].vertices()) == 5
    w.actions["edit.redo"].trigger()
    # down to a triangle; the last 3 vertices cannot go: the feature stays, the status bar says why
    for _ in range(2):
        v = tuple(w.sketch.state.features[0].vertices()[0])
        w.sketch.select(0)
        qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=QPoint(*map(round, w.canvas.view.to_pixel(*v))))
        qtbot.keyClick(w.canvas, Qt.Key.Key_Delete)
    assert len(w.sketch.state.features[0].vertices()) == 3
    assert "至少" in w.statusBar().currentMessage()


def test_split_tool_cuts_a_feature_by_a_drawn_line(qtbot, opened, build) -> None:
    w = opened
    _draw_rect(qtbot, w, build)
    w.sketch.state.modify(0, name="东 园")
    rect = w.sketch.state.features[0].geometry
    w.actions["tool.sketch_split"].trigger()
    assert w.canvas.tool == "sketch_split"
    top, bottom = px(w, build, 500, 700), px(w, build, 500, 200)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=top)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=bottom)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.RightButton, pos=bottom)
    feats = w.sketch.state.features
    assert len(feats) == 2 and [f.name for f in feats] == ["东 园", "东 园"]
    # independent: shapely's own split of the rectangle by the same vertical line
    x = on_map(w, top)[0]
    left = shapely.clip_by_rect(rect, -1e12, -1e12, x, 1e12)
    assert sorted(f.geometry.area for f in feats) == pytest.approx(sorted([left.area, rect.area - left.area]))
    assert sum(f.geometry.area for f in feats) == pytest.approx(rect.area, rel=1e-9)
    assert "分割 1 个草图要素" in w.actions["edit.undo"].text()
    w.actions["edit.undo"].trigger()
    assert len(w.sketch.state.features) == 1 and shapely.equals(w.sketch.state.features[0].geometry, rect)
    # a line that does not cross: nothing changes, the status bar says so
    a, b = px(w, build, 800, 100), px(w, build, 900, 900)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=b)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.RightButton, pos=b)
    assert len(w.sketch.state.features) == 1 and "没有把任何草图要素分成两部分" in w.statusBar().currentMessage()


def test_snapping_to_an_edge_of_a_visible_layer(qtbot, snapping, build) -> None:
    w = snapping
    w.actions["tool.sketch_belt"].trigger()
    # 3 px off the middle of B's right edge (x = 1000, y 0..1000), far from any vertex
    edge = px(w, build, 1000, 430)
    near = QPoint(edge.x() + 3, edge.y() + 1)
    qtbot.mouseMove(w.canvas, near)
    marker = w.canvas.sketch.snap_marker
    assert marker is not None and w.canvas.sketch.snap_kind == "segment"
    # independent: the nearest point of every visible layer's geometries, by plain shapely
    mx, my = on_map(w, near)
    pt = shapely.Point(mx, my)
    geoms = [g for lyr in w.canvas.layers if lyr.visible and lyr.prepared is not None for g in lyr.prepared.geoms]
    edges = [shapely.boundary(g) if g.geom_type in ("Polygon", "MultiPolygon") else g for g in geoms]
    best = min(edges, key=lambda e: e.distance(pt))
    nearest = shapely.get_coordinates(shapely.shortest_line(best, pt))[0]
    assert marker == pytest.approx(tuple(nearest), abs=1e-6)
    assert marker[0] == pytest.approx(build.X0 + 1000, abs=1e-6)
    # the belt's first centre-line vertex lands on the edge
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=near)
    end = px(w, build, 1300, 430)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=end)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.RightButton, pos=end)
    (f,) = w.sketch.state.features
    first = shapely.get_coordinates(shapely.from_wkt(f.centre_wkt))[0]
    assert tuple(first) == pytest.approx(marker, abs=1e-9)
    # a vertex within reach wins over the edge
    corner = px(w, build, 1000, 1000)
    qtbot.mouseMove(w.canvas, QPoint(corner.x() + 3, corner.y() + 2))
    assert w.canvas.sketch.snap_kind == "vertex" and w.canvas.sketch.snap_marker == (build.X0 + 1000, build.Y0 + 1000)


def test_a_dragged_vertex_snaps_onto_an_edge(qtbot, snapping, build) -> None:
    from greenplan.app.sketch_feature import SketchFeature

    w = snapping
    st = w.sketch.state
    st.add(SketchFeature("pocket_park", build.box(700, 300, 200, 200)))  # x 700..900, inside B (x 0..1000)
    w.actions["tool.sketch_edit"].trigger()
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=px(w, build, 800, 400))
    corner = px(w, build, 900, 400 - 100)  # the feature's corner (900, 300)
    edge = px(w, build, 1000, 330)
    to = QPoint(edge.x() - 3, edge.y())  # 3 px short of B's right edge, no vertex near
    qtbot.mousePress(w.canvas, Qt.MouseButton.LeftButton, pos=corner)
    assert w.canvas.sketch.edit_vertex == (build.X0 + 900, build.Y0 + 300)
    qtbot.mouseMove(w.canvas, to)
    assert w.canvas.sketch.snap_marker is not None and w.canvas.sketch.snap_kind == "segment"
    qtbot.mouseRelease(w.canvas, Qt.MouseButton.LeftButton, pos=to)
    xs = [x for x, _y in st.features[0].vertices()]
    assert build.X0 + 1000 in xs  # exactly on the edge, not where the mouse was
    assert w.canvas.sketch.snap_marker is None


def _rect(qtbot, w, a: QPoint, b: QPoint) -> tuple[float, float, float, float]:
    """Draw a rectangle from pixel a to b; its map box (x0, y0, x1, y1)."""
    qtbot.mousePress(w.canvas, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(w.canvas, b)
    qtbot.mouseRelease(w.canvas, Qt.MouseButton.LeftButton, pos=b)
    (xa, ya), (xb, yb) = on_map(w, a), on_map(w, b)
    return min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)


def test_shift_click_selects_several_then_merge_and_delete(qtbot, opened, build) -> None:
    w = opened
    w.actions["tool.sketch_rect"].trigger()
    w.sketch.bar.set_kind("pocket_park")
    r1 = _rect(qtbot, w, px(w, build, 0, 100), px(w, build, 400, 300))
    r2 = _rect(qtbot, w, px(w, build, 300, 100), px(w, build, 700, 300))  # overlaps r1
    w.sketch.bar.set_kind("construction")
    _rect(qtbot, w, px(w, build, 800, 700), px(w, build, 1000, 950))
    w.sketch.state.modify(0, name="东园")
    w.sketch.state.modify(1, name="西园")
    assert len(w.sketch.state.features) == 3
    w.actions["tool.sketch_edit"].trigger()
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=px(w, build, 100, 200))
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     pos=px(w, build, 600, 200))
    assert w.sketch.selection() == [0, 1]
    # a construction site does not merge into a park: refused, nothing changes
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     pos=px(w, build, 900, 850))
    assert w.sketch.selection() == [0, 1, 2]
    assert w.sketch.merge() is None and len(w.sketch.state.features) == 3
    assert "同一类型" in w.measure_label.text()
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     pos=px(w, build, 900, 850))  # Shift+click again takes it out
    assert w.sketch.selection() == [0, 1]
    w.actions["sketch.merge"].trigger()
    # the union by hand: two boxes of the same height, overlapping in x
    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = r1, r2
    expected = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - (ax1 - bx0) * (ay1 - ay0)
    feats = w.sketch.state.features
    assert len(feats) == 2 and feats[0].kind == "pocket_park" and feats[0].name == "东园、西园"
    assert feats[0].geometry.area == pytest.approx(expected, rel=1e-9)
    assert w.sketch.selection() == [0]
    assert "合并 2 个口袋公园草图" in w.actions["edit.undo"].text()
    # Delete with two selected removes both in one step; one undo brings both back
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     pos=px(w, build, 900, 850))
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_Delete)
    assert w.sketch.state.features == [] and w.sketch.selection() == []
    w.actions["edit.undo"].trigger()
    assert len(w.sketch.state.features) == 2
    w.actions["edit.undo"].trigger()
    assert [f.name for f in w.sketch.state.features] == ["东园", "西园", ""]
