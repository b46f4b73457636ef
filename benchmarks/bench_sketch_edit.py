"""Benchmark: editing a sketch on the map canvas at county M (issue #15): snapping, redraw after an
edit, undo, each against a baseline measured in the same run.

usage: QT_QPA_PLATFORM=offscreen python benchmarks/bench_sketch_edit.py [--data benchmarks/data/M] [--repeat 40]

Loads county M as ``bench_canvas.py`` does (every vector layer visible: 104,949 parcels, 50,000
buildings, 22,818 farmland polygons ...), on a 1400 × 900 canvas zoomed to a view of about
2.2 × 1.4 km in the town (around the median of the buildings: the scale a planner draws at,
the densest part of the map), with a sketch of 40 features (pocket parks and
belts, some on permanent farmland) bound to the canvas as the desktop app binds it
(:class:`greenplan.gui.sketch_tools.SketchTools`, live farmland/red-line check included).

- ``snap``: ``SketchOverlay.snap`` (vertices, then crossings of edges, then edges, of every
  visible layer and the sketch, within 8 px) at ``--repeat`` mouse positions in the view, half of
  them random and half a few pixels off a road (where crossings are looked for among the most edges); baseline: the same answer without
  the layers' STRtrees (every geometry's vertices and edges tested), at a few positions.
- ``redraw after an edit``: moving a sketch feature (one undo step through the project's undo
  stack), the binder rebuilding the sketch overlay and checking the conflicts, and the canvas
  painted (``repaint``) until the frame is on screen; baseline: re-rendering the base layers of
  the same view (what an edit would cost if it invalidated the map image).
- ``undo``: Ctrl+Z of that edit through the same path until painted.

Targets (issue #15): snapping < 5 ms per mouse move, redraw after an edit < 50 ms, undo < 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=HERE / "data" / "M")
    p.add_argument("--repeat", type=int, default=40)
    args = p.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    import numpy as np
    import shapely
    from bench_canvas import county_project, rendered_after
    from PySide6.QtWidgets import QApplication

    import greenplan.gui  # noqa: F401 - first (PySide6 6.12 workaround)
    from greenplan.app.project_state import ProjectState
    from greenplan.app.sketch_check import SketchChecker
    from greenplan.app.sketch_feature import SketchFeature
    from greenplan.app.sketch_snap import snap_point
    from greenplan.app.sketch_state import SketchState
    from greenplan.gui.canvas.canvas import MapCanvas
    from greenplan.gui.canvas.display_data import load_for_display
    from greenplan.gui.canvas.map_renderer import RenderLayer
    from greenplan.gui.canvas.sketch_overlay import SNAP_PX
    from greenplan.gui.sketch_tools import SketchBar, SketchTools

    app = QApplication.instance() or QApplication([])
    project = county_project(args.data)
    t0 = time.perf_counter()
    display = load_for_display(project)
    print(f"county M loaded and prepared in {time.perf_counter() - t0:.1f} s; {os.cpu_count()} cores", flush=True)
    by_role = {d.spec.role: d.gdf for d in display.layers if d.gdf is not None}

    canvas = MapCanvas()
    canvas.resize(1400, 900)
    canvas.show()
    layers = [RenderLayer(i, d.style, d.prepared, d.raster, d.spec.visible, d.labels)
              for i, d in enumerate(display.layers)]

    def until_rendered(action) -> float:
        return rendered_after(canvas, action)

    # the town: the median of the buildings (the densest part of the map)
    pts = shapely.get_coordinates(shapely.centroid(np.asarray(by_role["buildings"].geometry.array)))
    cx, cy = np.median(pts[:, 0]), np.median(pts[:, 1])
    until_rendered(lambda: (canvas.set_layers(layers), canvas.zoom_to_bounds((cx - 1100, cy - 700, cx + 1100, cy + 700))))
    view = canvas.view
    on_screen = sum(len(d.prepared.tree.query(shapely.box(*view.extent()))) for d in display.layers
                    if d.prepared is not None and d.spec.visible)

    # the sketch: 40 features around the view centre, bound to the canvas as in the app
    ps = ProjectState()
    state = SketchState(ps)
    state.set_checker(SketchChecker(by_role, sliver_m2=0.0))
    tools = SketchTools(canvas, state, SketchBar(), lambda _t, _ms: None)
    rng = np.random.default_rng(15)
    feats = []
    for i in range(40):
        x, y = cx + rng.uniform(-900, 900), cy + rng.uniform(-600, 600)
        if i % 4 == 3:
            feats.append(SketchFeature.belt([(x - 150, y), (x + 150, y + 40)], 20.0))
        else:
            feats.append(SketchFeature("pocket_park", shapely.box(x - 30, y - 25, x + 30, y + 25)))
    state.add_many(feats)
    canvas.repaint()
    n_conflict = sum(state.conflict_flags())

    # -- snapping
    canvas.tool = "sketch_polygon"
    tol = SNAP_PX * view.res
    xs = rng.uniform(view.extent()[0], view.extent()[2], args.repeat)
    ys = rng.uniform(view.extent()[1], view.extent()[3], args.repeat)
    # half of the positions a few pixels off a road (where it crosses parcel boundaries, and the
    # crossing test has the most edges in reach): the slow path, not only the random one
    lu = display.layers[[d.spec.role for d in display.layers].index("roads")]
    in_view = lu.prepared.geoms[lu.prepared.tree.query(shapely.box(*view.extent()))]
    on = shapely.line_interpolate_point(rng.choice(in_view, args.repeat // 2), rng.uniform(0, 1, args.repeat // 2),
                                        normalized=True)
    xy = shapely.get_coordinates(on) + rng.uniform(-3, 3, (len(on), 2)) * view.res
    xs[: len(xy)], ys[: len(xy)] = xy[:, 0], xy[:, 1]
    snap_t, kinds = [], {"vertex": 0, "intersection": 0, "segment": 0, None: 0}
    for x, y in zip(xs, ys, strict=True):
        t0 = time.perf_counter()
        hit = canvas.sketch.snap(x, y)
        snap_t.append(time.perf_counter() - t0)
        kinds[None if hit is None else canvas.sketch.snap_kind] += 1

    class NoIndex:  # every geometry is a candidate: what snapping costs without the STRtrees
        def __init__(self, n):
            self.all = np.arange(n)

        def query(self, _box):
            return self.all

    brute = [(NoIndex(len(d.prepared.geoms)), d.prepared.geoms) for d in display.layers
             if d.prepared is not None and d.spec.visible and d.prepared.n]
    brute_t = []
    for x, y in list(zip(xs, ys, strict=True))[:3]:
        t0 = time.perf_counter()
        b = snap_point(brute, x, y, tol)
        brute_t.append(time.perf_counter() - t0)
        hit = canvas.sketch.snap(x, y)
        assert (b is None) == (hit is None) and (b is None or np.allclose(b[:2], hit)), "snapping: the answers differ"

    # -- redraw after an edit, and undo
    def painted(action) -> float:
        t0 = time.perf_counter()
        action()
        canvas.repaint()
        return time.perf_counter() - t0

    edit_t, undo_t = [], []
    for k in range(args.repeat):
        i = k % len(state.features)
        edit_t.append(painted(lambda i=i: state.move(i, 12.0, -8.0)))
        undo_t.append(painted(ps.undo_stack.undo))
    assert canvas.is_current(), "an edit must not invalidate the map image"
    base_t = []
    for factor in (1.001, 0.999, 1.001):  # the same view re-rendered from the layers
        base_t.append(until_rendered(lambda f=factor: canvas.set_view(canvas.view.zoomed_at(700, 450, f))))

    def ms(v):
        return f"{1000 * v:7.2f} ms"

    print(f"view {view.extent()[2] - view.extent()[0]:,.0f} × {view.extent()[3] - view.extent()[1]:,.0f} m, "
          f"{on_screen:,} features on screen; sketch of {len(state.features)} features "
          f"({n_conflict} on farmland or the red line); {args.repeat} repeats\n")
    rows = [
        ("snapping per mouse move (median / worst)", statistics.median(snap_t), max(snap_t), 0.005,
         f"without the index {ms(statistics.median(brute_t))} (×{statistics.median(brute_t) / statistics.median(snap_t):.0f}); "
         f"snapped to vertex {kinds['vertex']}, crossing {kinds['intersection']}, edge {kinds['segment']}, none {kinds[None]}"),
        ("redraw after an edit (median / worst)", statistics.median(edit_t), max(edit_t), 0.050,
         f"re-rendering the base layers {ms(statistics.median(base_t))} "
         f"(×{statistics.median(base_t) / statistics.median(edit_t):.0f})"),
        ("undo of an edit (median / worst)", statistics.median(undo_t), max(undo_t), 0.050, ""),
    ]
    print(f"{'step':<44} {'median':>10} {'worst':>10}  target   baseline / note")
    for name, med, worst, target, note in rows:
        flag = "ok" if worst < target else ("median ok" if med < target else "MISSED")
        print(f"{name:<44} {ms(med)} {ms(worst)}  <{1000 * target:.0f} ms {flag:>9}  {note}")
    del tools
    canvas.shutdown()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
