"""Save the screenshot of hand-drawn greening (issue #15) to ``docs/screenshots/sketch.png``.

Usage: ``QT_QPA_PLATFORM=offscreen python tools/sketch_screenshot.py [OUT_DIR]``

Opens the demo county in Chinese, zooms to the county seat's edge where permanent farmland
begins, draws a pocket park inside the built-up area and a green belt that runs onto the
farmland (outlined in the conflict style, the status bar naming the overlap), and selects the
park with the edit tool (its vertex handles shown). Nothing is saved.
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
    w.model.set_dirty(False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
