"""Save the screenshots of hand-drawn greening (issue #15) to ``docs/screenshots``: ``sketch.png``,
``sketch_attribute_table.png``, ``sketch_belt_snapping.png`` and ``sketch_live_conflict.png``.

Usage: ``QT_QPA_PLATFORM=offscreen python tools/sketch_screenshot.py [OUT_DIR]``

Opens the demo county in Chinese, zooms to the county seat's edge where permanent farmland
begins, draws a pocket park inside the built-up area and a green belt that runs onto the
farmland (outlined in the conflict style, the status bar naming the overlap), and selects the
park with the edit tool (its vertex handles shown). Then, driven with simulated mouse events:
a belt being drawn whose next point snaps onto the edge of a land-use parcel (the diamond
marker), and a polygon being drawn over permanent farmland (the status bar names the rule and
the overlap while drawing). Nothing is saved.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import demo_session  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main(out: Path) -> int:
    app, w, settle = demo_session(out)
    import shapely

    from greenplan.core.resources import sample_dir

    w.ops.open_project(sample_dir() / "demo_county.greenplan.toml", ask=False)
    settle()
    m = w.model
    gdf = {e.spec.role: e.gdf for e in m.entries if e.gdf is not None}
    town = shapely.union_all(gdf["built_up_area"].geometry.values)
    farm = shapely.union_all(gdf["permanent_farmland"].geometry.values)
    # the farmland nearest to the town: a belt from the town's edge runs 500 m onto it, a
    # pocket park lies 250 m inside the town
    a, b = shapely.shortest_line(town, farm).coords
    length = max(shapely.Point(a).distance(shapely.Point(b)), 1.0)
    ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    start, end = (a[0] - 150 * ux, a[1] - 150 * uy), (b[0] + 500 * ux, b[1] + 500 * uy)
    px, py = a[0] - 300 * ux, a[1] - 300 * uy
    park = [(px - 60, py - 40), (px + 60, py - 45), (px + 70, py + 40), (px - 50, py + 50)]
    xs = [start[0], end[0], px - 60, px + 70]
    ys = [start[1], end[1], py - 45, py + 50]
    w.canvas.zoom_to_bounds((min(xs), min(ys), max(xs), max(ys)), margin=0.25)
    settle()
    tools = w.sketch
    tools.bar.set_kind("pocket_park")
    tools.on_drawn("sketch_polygon", park)
    tools.bar.width_box.setValue(40.0)
    tools.on_drawn("sketch_belt", [start, end])
    message = w.statusBar().currentMessage()
    w.set_tool("sketch_edit")
    tools.select(0)
    w.measure_label.setText(message)  # the belt's conflict, as shown right after drawing it
    settle()
    w.grab().save(str(out / "sketch.png"))
    print("saved", out / "sketch.png", "-", message)
    tools.state.modify(0, name="滨河口袋公园", note="拆除违建后建设")
    tools.state.modify(1, name="东环路绿带")
    table = tools.open_table()
    table.view.selectRow(0)
    settle()
    w.grab().save(str(out / "sketch_attribute_table.png"))
    print("saved", out / "sketch_attribute_table.png")
    tools.table_dock.hide()
    belt_snapping(w, gdf, (px, py), settle, out)
    live_conflict(w, farm, settle, out)
    w.model.set_dirty(False)
    return 0


def _pixel(w, x: float, y: float):
    from PySide6.QtCore import QPoint

    sx, sy = w.canvas.view.to_pixel(x, y)
    return QPoint(round(sx), round(sy))


def belt_snapping(w, gdf, centre, settle, out: Path) -> None:
    """A belt being drawn in the town: its first point placed, the mouse 3 px off a parcel edge,
    the next point snapping onto that edge (diamond marker)."""
    import numpy as np
    import shapely
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    cx, cy = centre
    w.canvas.zoom_to_bounds((cx - 260, cy - 170, cx + 260, cy + 170), margin=0.0)
    settle()
    w.sketch.select(None)
    w.set_tool("sketch_belt")
    w.sketch.bar.width_box.setValue(15.0)
    w.sketch.bar.snap_box.setChecked(True)
    land = np.asarray(gdf["land_use"].geometry.array)
    hits = land[shapely.STRtree(land).query(shapely.box(cx - 120, cy - 80, cx + 120, cy + 80))]
    edge = shapely.boundary(hits[int(np.argmax(shapely.area(hits)))])
    # the middle of the edge's longest segment: far from any vertex
    c = shapely.get_coordinates(edge)
    seg = int(np.argmax(np.hypot(*(c[1:] - c[:-1]).T)))
    mx, my = (c[seg] + c[seg + 1]) / 2
    first = _pixel(w, mx - 150, my - 60)
    QTest.mouseClick(w.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, first)
    near = _pixel(w, mx, my)
    near = QPoint(near.x() + 3, near.y() - 2)
    QTest.mouseMove(w.canvas, near)
    settle()
    print("snap:", w.canvas.sketch.snap_kind, w.canvas.sketch.snap_marker)
    w.grab().save(str(out / "sketch_belt_snapping.png"))
    print("saved", out / "sketch_belt_snapping.png")
    w.canvas.clear_measure()


def live_conflict(w, farm, settle, out: Path) -> None:
    """A polygon being drawn over permanent farmland: three corners placed, the mouse at the
    fourth; the status bar names the rule and the overlap as it moves."""
    import shapely
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    part = max(shapely.get_parts(farm), key=lambda g: g.area)
    x, y = part.representative_point().coords[0]
    w.canvas.zoom_to_bounds((x - 400, y - 260, x + 400, y + 260), margin=0.0)
    settle()
    w.set_tool("sketch_polygon")
    w.sketch.bar.set_kind("green_space")
    w.sketch.bar.snap_box.setChecked(False)
    for dx, dy in ((-180, -120), (150, -130), (170, 110)):
        QTest.mouseClick(w.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, _pixel(w, x + dx, y + dy))
    QTest.mouseMove(w.canvas, _pixel(w, x - 160, y + 120))
    settle()
    print("status:", w.statusBar().currentMessage())
    w.grab().save(str(out / "sketch_live_conflict.png"))
    print("saved", out / "sketch_live_conflict.png")
    w.canvas.clear_measure()


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
