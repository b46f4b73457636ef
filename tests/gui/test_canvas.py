"""The map canvas: background rendering, the cached preview, wheel zoom and pan, measuring."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent

from greenplan.app.render_cache import PreparedLayer
from greenplan.gui.canvas.canvas import MapCanvas
from greenplan.gui.canvas.map_renderer import RenderLayer
from greenplan.gui.canvas.render_styles import DrawStyle

RED = (200, 30, 40, 255)


@pytest.fixture
def canvas(qtbot):
    c = MapCanvas()
    qtbot.addWidget(c)
    c.resize(400, 300)
    c.show()
    qtbot.waitExposed(c)
    square = shapely.box(0, 0, 100, 100)
    c.set_layers([RenderLayer(1, DrawStyle(fill=RED, edge=None, width_px=0), PreparedLayer([square]))])
    c.zoom_to_bounds((-150, -50, 250, 150), margin=0.0)  # 1 m per pixel
    qtbot.waitUntil(c.is_current, timeout=10_000)
    yield c
    c.shutdown()
    assert not c._thread.isRunning()


def color_at(image, x: float, y: float) -> tuple[int, int, int]:
    c = QColor(image.pixel(int(x), int(y)))
    return (c.red(), c.green(), c.blue())


def test_render_draws_the_style_colour(canvas):
    assert canvas.view.res == pytest.approx(1.0)
    assert color_at(canvas.cache.image, *canvas.view.to_pixel(50, 50)) == RED[:3]
    assert color_at(canvas.cache.image, *canvas.view.to_pixel(-50, 50)) == (255, 255, 255)


def test_cached_preview_is_painted_at_once_while_the_new_render_runs(qtbot, canvas):
    old = canvas.cache.view
    canvas.set_view(canvas.view.panned(120, 0))  # the square moves 120 px to the right
    shot = canvas.grab().toImage()  # painted before the new image has arrived
    assert canvas.cache.view == old and not canvas.is_current()
    assert canvas.last_paint_s < 0.016
    x, y = canvas.view.to_pixel(50, 50)
    assert color_at(shot, x, y) == RED[:3]
    qtbot.waitUntil(canvas.is_current, timeout=10_000)
    assert canvas.cache.view == canvas.view


def test_wheel_zooms_around_the_cursor(qtbot, canvas):
    pos = QPointF(300.0, 100.0)
    under = canvas.view.to_map(pos.x(), pos.y())
    ev = QWheelEvent(pos, canvas.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 240), Qt.MouseButton.NoButton,
                     Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    canvas.wheelEvent(ev)
    assert canvas.view.res == pytest.approx(1.0 / 1.25 ** 2)
    assert canvas.view.to_map(pos.x(), pos.y()) == pytest.approx(under)


def test_drag_pans_the_map(qtbot, canvas):
    start = canvas.view.to_map(200, 150)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(200, 150))
    qtbot.mouseMove(canvas, QPoint(230, 170))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(230, 170))
    assert canvas.view.to_map(230, 170) == pytest.approx(start)


def test_measure_distance_and_area_by_clicking(qtbot, canvas):
    got = []
    canvas.measured.connect(lambda kind, value, done: got.append((kind, round(value, 6), done)))
    canvas.set_tool("measure_distance")
    for x, y in ((0, 0), (30, 40), (30, 0)):  # map metres
        px, py = canvas.view.to_pixel(x, y)
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(px), round(py)))
    qtbot.mouseClick(canvas, Qt.MouseButton.RightButton, pos=QPoint(10, 10))
    assert got[-1] == ("distance", 90.0, True)
    canvas.set_tool("measure_area")
    got.clear()
    for x, y in ((0, 0), (40, 0), (40, 20), (0, 20)):
        canvas.add_measure_point(x, y)
    canvas.finish_measure()
    assert got[-1] == ("area", 800.0, True)


def test_render_of_many_features_keeps_holes_and_overlaps(qtbot):
    """Winding fill: a hole stays empty; two overlapping copies stay filled (no even-odd holes)."""
    c = MapCanvas()
    qtbot.addWidget(c)
    c.resize(300, 300)
    c.show()
    ring = shapely.Polygon([(0, 0), (100, 0), (100, 100), (0, 100)], [[(40, 40), (60, 40), (60, 60), (40, 60)]])
    dup = [shapely.box(150, 0, 250, 100), shapely.box(150, 0, 250, 100)]
    c.set_layers([RenderLayer(1, DrawStyle(fill=RED, edge=None, width_px=0), PreparedLayer(np.array([ring, *dup])))])
    c.zoom_to_bounds((0, -100, 250, 200), margin=0.0)
    qtbot.waitUntil(c.is_current, timeout=10_000)
    img = c.cache.image
    assert color_at(img, *c.view.to_pixel(50, 50)) == (255, 255, 255)  # the hole
    assert color_at(img, *c.view.to_pixel(20, 50)) == RED[:3]
    assert color_at(img, *c.view.to_pixel(200, 50)) == RED[:3]  # duplicates: filled once, not cancelled
    c.shutdown()


def test_raster_layer_is_drawn_with_the_shared_colour_map(qtbot, tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    from greenplan.app.map_view import fit_bounds
    from greenplan.core.project import LayerSpec, Project
    from greenplan.gui.canvas.display_data import load_for_display
    from greenplan.gui.canvas.map_renderer import RenderRequest, render_view

    path = tmp_path / "植被 指数.tif"
    data = np.full((10, 20), 0.9, dtype="float32")  # NDVI at the style's vmax
    data[:, 10:] = -9999.0  # nodata: the right half is not drawn
    with rasterio.open(path, "w", driver="GTiff", width=20, height=10, count=1, dtype="float32", crs="EPSG:4544",
                       transform=from_origin(500_000, 4_250_100, 10, 10), nodata=-9999.0) as ds:
        ds.write(data, 1)
    project = Project(layers=[LayerSpec(source=path, role="vegetation_raster")])
    (d,) = load_for_display(project).layers
    assert d.raster is not None and d.error is None
    view = fit_bounds(d.raster.bounds(), 200, 100, margin=0.0)  # 1 m per pixel
    img = render_view(RenderRequest(1, view, [RenderLayer(1, d.style, raster=d.raster)])).image
    import matplotlib

    r, g, b, _ = (round(255 * v) for v in matplotlib.colormaps["RdYlGn"](1.0))
    assert color_at(img, 50, 50) == (r, g, b)  # the top of RdYlGn, as on the exported maps
    assert color_at(img, 150, 50) == (255, 255, 255)  # nodata left transparent


def test_place_names_are_drawn_on_top(qtbot):
    import geopandas as gpd

    from greenplan.app.map_view import MapView
    from greenplan.gui.canvas.display_data import layer_labels
    from greenplan.gui.canvas.map_renderer import RenderRequest, render_view
    from greenplan.render.styles import resolve_style

    gdf = gpd.GeoDataFrame({"name": ["城关街道", None]}, geometry=[shapely.box(0, 0, 1000, 1000),
                                                                 shapely.box(2000, 0, 3000, 1000)])
    style = resolve_style("admin_units")
    assert style.label_field == "name"
    prepared = PreparedLayer(np.asarray(gdf.geometry.array))
    labels = layer_labels(gdf, style, prepared)
    assert labels[1].tolist() == ["城关街道", "（未命名）"]  # as on the exported maps, never "nan"
    view = MapView(500.0, 500.0, 5.0, 200, 200)
    lyr = RenderLayer(1, DrawStyle(fill=None, edge=None, width_px=0), prepared, labels=labels)
    img = render_view(RenderRequest(1, view, [lyr])).image
    dark = [color_at(img, x, y) for x in range(60, 140) for y in range(90, 110)]
    assert any(sum(c) < 200 for c in dark)  # text pixels around the unit's centre


def test_land_cover_and_fraction_rasters_use_the_maps_look_and_legend(qtbot, tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    from greenplan.app.map_view import fit_bounds
    from greenplan.core.project import LayerSpec, Project
    from greenplan.core.settings import AnalysisSettings
    from greenplan.gui.canvas.display_data import load_for_display
    from greenplan.gui.canvas.map_renderer import RenderRequest, render_view

    def write(name, data, nodata=None, count=1):
        path = tmp_path / name
        with rasterio.open(path, "w", driver="GTiff", width=20, height=10, count=count, dtype=data.dtype,
                           crs="EPSG:4544", transform=from_origin(500_000, 4_250_100, 10, 10), nodata=nodata) as ds:
            for i in range(1, count + 1):
                ds.write(data if i == count else np.zeros_like(data), i)
        return path

    wc = np.full((10, 20), 80, dtype="uint8")  # water
    wc[:, :10] = 10  # trees
    lc100 = np.full((10, 20), 114, dtype="uint8")  # LC100 closed deciduous broadleaf forest
    lc100[:, 10:] = 40
    canopy = np.full((10, 20), 100, dtype="uint8")
    canopy[:, 10:] = 47
    project = Project(layers=[LayerSpec(source=write("worldcover.tif", wc, nodata=0), role="vegetation_raster"),
                              LayerSpec(source=write("lc100 两波段.tif", lc100, count=2), role="vegetation_raster", band=2),
                              LayerSpec(source=write("canopy.tif", canopy), role="vegetation_raster")],
                      settings=AnalysisSettings())
    d_wc, d_lc, d_fr = load_for_display(project).layers
    assert (d_wc.raster.kind, d_lc.raster.kind, d_fr.raster.kind) == ("landcover", "landcover", "fraction")
    view = fit_bounds(d_wc.raster.bounds(), 200, 100, margin=0.0)

    def colour(d, x, y):
        return color_at(render_view(RenderRequest(1, view, [RenderLayer(1, d.style, raster=d.raster)])).image, x, y)

    assert colour(d_wc, 50, 50) == (0, 100, 0) and colour(d_wc, 150, 50) == (0, 100, 200)  # WorldCover palette
    assert colour(d_lc, 50, 50) == (0, 204, 0)  # band 2, LC100 class 114 (#00cc00)
    import matplotlib

    r, g, b, _ = (round(255 * v) for v in matplotlib.colormaps["YlGn"](1.0))
    assert colour(d_fr, 50, 50) == (r, g, b)  # 100 % at the top of the fraction ramp
    assert [t for _, t in d_wc.raster.legend_rows()] == ["乔木林", "永久水体"]
    assert "土地覆盖（ESA WorldCover）" in d_wc.raster.legend_html("worldcover")
    assert "Copernicus" in d_lc.raster.legend_html() and "郁闭落叶阔叶林" in d_lc.raster.legend_html()
    assert "植被覆盖度（%）" in d_fr.raster.legend_html() and "100%" in d_fr.raster.legend_html()
    assert d_wc.raster.swatch_colours()[0] == (0, 100, 0)


def test_double_click_finishes_a_measurement_and_keeps_its_value(qtbot, canvas):
    """The user guide says: double-click ends a measurement (it used to reset it to 0)."""
    got = []
    canvas.measured.connect(lambda kind, value, done: got.append((kind, round(value, 6), done)))
    canvas.set_tool("measure_distance")
    pts = [QPoint(*map(round, canvas.view.to_pixel(x, y))) for x, y in ((0, 0), (30, 40), (30, 0))]
    for p in pts[:-1]:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=p)
    # a real double-click on the last point: press, release, double-click, release
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=pts[-1])
    qtbot.mouseDClick(canvas, Qt.MouseButton.LeftButton, pos=pts[-1])
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=pts[-1])
    expected = 50.0 + 40.0  # (0,0)->(30,40) is 50 m, (30,40)->(30,0) is 40 m
    assert got[-1] == ("distance", expected, True)
    assert canvas.measure_points and len({tuple(map(round, p)) for p in canvas.measure_points}) == 3
