"""Benchmark: the desktop map canvas on a county-sized dataset.

usage: QT_QPA_PLATFORM=offscreen python benchmarks/bench_canvas.py [--data /tmp/gpbench/M] [--repeat 5]

Uses the benchmark county (``shared/bench/make_county.py M /tmp/gpbench/M``: ~105,000
parcels, 50,000 buildings, 22,800 farmland polygons; layers named after the roles in
``county.gpkg``), every vector layer visible, the NDVI raster hidden as in the demo
project, a 1400 x 900 canvas. Measures:

- ``load``: the loader (``load_project_lenient``) plus preparing the drawing caches;
- ``prepare``: the preparing part alone (coordinates, spatial index, styles);
- ``first_paint``: full extent, from the prepared layers to the image on screen;
- ``first_paint_with_prepare``: the same plus ``prepare`` (layers already read);
- ``rerender``: after a pan or a wheel zoom (x2, x4, x8 at several points), until the new
  image is on screen (median and worst);
- ``preview``: painting the cached image moved/scaled to the new view (median and worst);
- ``categorized``: the land use given a categorised style by ``DLBM`` (the 三调 classes of
  ``app.symbology.categorized_classes``, as the style editor's 分类 makes them): the
  restyle (classifying every parcel) and the redraw of the full extent, then re-renders and
  previews of zoomed views with that style.

Targets (issue #6): first full-extent paint < 1 s, re-render < 300 ms, preview < 16 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROLES = ["land_use", "permanent_farmland", "ecological_redline", "green_space", "idle_land", "buildings",
         "rivers", "roads", "urban_boundary", "built_up_area", "admin_units"]


def county_project(folder: Path):
    from greenplan.core.project import LayerSpec, Project

    gpkg = folder / "county.gpkg"
    if not gpkg.is_file():
        raise SystemExit(f"{gpkg} not found: run python shared/bench/make_county.py M {folder}")
    layers = [LayerSpec(source=folder / "ndvi.tif", name="NDVI", role="vegetation_raster", visible=False)]
    layers += [LayerSpec(source=gpkg, layer=r, name=r, role=r) for r in ROLES]
    return Project(name="benchmark county", crs="EPSG:4544", layers=layers, path=folder / "bench.greenplan.toml")


def rendered_after(canvas, action) -> float:
    """Seconds from ``action()`` until the canvas has rendered the new image and painted it."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    done = []

    def finish(_s):
        done.append(time.perf_counter())
        loop.quit()

    canvas.rendered.connect(finish)
    start = time.perf_counter()
    action()
    QTimer.singleShot(60_000, loop.quit)
    if not done:
        loop.exec()
    canvas.rendered.disconnect(finish)
    canvas.repaint()  # on screen
    return time.perf_counter() - start


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=Path("/tmp/gpbench/M"))
    p.add_argument("--repeat", type=int, default=3, help="views per kind of change")
    p.add_argument("--json", action="store_true", help="print JSON only")
    args = p.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication

    import greenplan.gui  # noqa: F401 - first (PySide6 6.12 workaround)
    from greenplan.gui.canvas.canvas import MapCanvas
    from greenplan.gui.canvas.display_data import load_for_display, prepare_layer
    from greenplan.gui.canvas.map_renderer import RenderLayer

    app = QApplication.instance() or QApplication([])
    project = county_project(args.data)

    t0 = time.perf_counter()
    display = load_for_display(project)
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    for d in display.layers:  # prepare again, alone, to time it without the reading
        prepare_layer(d.spec, d.loaded, display.crs)
    t_prepare = time.perf_counter() - t0
    counts = {d.spec.role: (0 if d.gdf is None else len(d.gdf)) for d in display.layers}
    vertices = sum(d.prepared.vertex_count for d in display.layers if d.prepared is not None)

    canvas = MapCanvas()
    canvas.resize(1400, 900)
    canvas.show()
    layers = [RenderLayer(i, d.style, d.prepared, d.raster, d.spec.visible, d.labels)
              for i, d in enumerate(display.layers)]
    bounds = tuple(v for v in display.layers[1].prepared.total_bounds)

    def until_rendered(action) -> float:
        return rendered_after(canvas, action)

    t_first = until_rendered(lambda: (canvas.set_layers(layers), canvas.zoom_to_bounds(bounds)))
    full = canvas.view
    rerender, preview = [], []
    w, h = full.width, full.height
    points = [(w / 2, h / 2), (w * 0.3, h * 0.6), (w * 0.7, h * 0.35), (w * 0.45, h * 0.45), (w * 0.6, h * 0.7)]
    changes = []
    for k in range(args.repeat):
        px, py = points[k % len(points)]
        for factor in (2.0, 4.0, 8.0):
            changes.append(("zoom", full.zoomed_at(px, py, factor)))
        changes.append(("pan", full.zoomed_at(px, py, 4.0).panned(250, -120)))
        changes.append(("pan", full.panned(-300, 200)))
    for _kind, view in changes:
        canvas.set_view(full)
        until_rendered(lambda: None) if not canvas.is_current() else None

        def change(v=view) -> None:
            canvas.set_view(v)
            canvas.repaint()  # the cached preview, painted synchronously
            preview.append(canvas.last_paint_s)

        rerender.append(until_rendered(change))
    # the style editor's categorised land use: classes from the code table, restyle, redraw
    import dataclasses

    from greenplan.app.symbology import categorized_classes
    from greenplan.gui.canvas.display_data import style_for

    li = next(i for i, d in enumerate(display.layers) if d.spec.role == "land_use")
    lu = display.layers[li]
    t0 = time.perf_counter()
    spec = dataclasses.replace(lu.spec, style={"renderer": "categorized", "field": "DLBM",
                                               "classes": categorized_classes(lu.gdf["DLBM"].to_numpy(), "land_use",
                                                                              "DLBM")})
    style, classes = style_for(spec, lu.gdf)
    lu.prepared.classes = classes
    layers[li] = dataclasses.replace(layers[li], style=style)
    t_restyle = time.perf_counter() - t0
    canvas.set_view(full)
    t_cat_first = until_rendered(lambda: canvas.set_layers(layers))
    cat_rerender, cat_preview = [], []
    for _kind, view in changes:
        canvas.set_view(full)
        until_rendered(lambda: None) if not canvas.is_current() else None

        def change_cat(v=view) -> None:
            canvas.set_view(v)
            canvas.repaint()
            cat_preview.append(canvas.last_paint_s)

        cat_rerender.append(until_rendered(change_cat))
    result = {
        "data": str(args.data),
        "features": counts,
        "vertices": vertices,
        "canvas_px": [w, h],
        "load_s": round(t_load, 3),
        "prepare_s": round(t_prepare, 3),
        "first_paint_s": round(t_first, 3),
        "first_paint_with_prepare_s": round(t_first + t_prepare, 3),
        "rerender_median_s": round(statistics.median(rerender), 3),
        "rerender_max_s": round(max(rerender), 3),
        "preview_median_ms": round(1000 * statistics.median(preview), 2),
        "preview_max_ms": round(1000 * max(preview), 2),
        "categorized_classes": len(style.classes) - 1,
        "categorized_restyle_s": round(t_restyle, 3),
        "categorized_redraw_s": round(t_cat_first, 3),
        "categorized_rerender_median_s": round(statistics.median(cat_rerender), 3),
        "categorized_rerender_max_s": round(max(cat_rerender), 3),
        "categorized_preview_median_ms": round(1000 * statistics.median(cat_preview), 2),
        "categorized_preview_max_ms": round(1000 * max(cat_preview), 2),
        "targets": {"first_paint_s": 1.0, "rerender_s": 0.3, "preview_ms": 16.0},
    }
    canvas.shutdown()
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>28}: {v}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
