"""The map canvas: pan, wheel zoom, identify, measure, select (rectangle, polygon), selection highlight.

Drawing happens in :class:`~greenplan.gui.map_renderer.RenderThread`; the widget only
paints the last rendered image. When the view changes, the old image is painted moved
and scaled to the new view at once (the cached preview) and a new render is asked for;
when it arrives it replaces the preview. Highlights and the measure line are drawn on
top in the paint event (they are small).
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import QWidget

from greenplan.app.map_tools import measure_area_m2, measure_length_m
from greenplan.app.map_view import MapView, fit_bounds
from greenplan.gui.canvas.map_renderer import (
    RenderLayer,
    RenderRequest,
    RenderThread,
    map_path,
)
from greenplan.gui.canvas.sketch_overlay import CONFLICT_COLOUR, SKETCH_TOOLS, SketchOverlay

TOOLS = ("pan", "identify", "measure_distance", "measure_area", "zoom_box", "select_rect", "select_polygon",
         "sketch_polygon", "sketch_rect", "sketch_belt", "sketch_edit", "sketch_split")
#: the selection (cyan), and highlights by purpose: never the same colour for two purposes
HIGHLIGHT = QColor(0, 200, 255)
PURPOSE_COLOURS = {"conflict": QColor(220, 0, 0), "greening": QColor(0, 150, 60), "other": QColor(255, 140, 0)}
WHEEL_STEP = 1.25


def _select_mode(modifiers) -> str:
    """Shift adds to the selection, Ctrl removes from it (as in QGIS)."""
    if modifiers & Qt.KeyboardModifier.ShiftModifier:
        return "add"
    if modifiers & Qt.KeyboardModifier.ControlModifier:
        return "remove"
    return ""


class MapCanvas(QWidget):
    """Shows the project's layers; see module docstring.

    Signals
    -------
    cursor_moved(float, float)
        Map coordinates under the mouse.
    view_changed(object)
        The new :class:`MapView` (the status bar shows its scale).
    identify_requested(float, float, float)
        Map x, y and a search tolerance in map units (3 pixels).
    measured(str, float, bool)
        Kind (``distance``/``area``), value in m or m², and whether the measure is finished.
    rendered(float)
        Seconds the last render took.
    select_requested(object, str)
        The select tools' shape: map points [(x, y), ...] (rectangle corners, a click's
        6-pixel square, or a polygon's vertices) and ``""``/``"add"``/``"remove"`` (Shift/Ctrl).
    """

    cursor_moved = Signal(float, float)
    view_changed = Signal(object)
    identify_requested = Signal(float, float, float)
    measured = Signal(str, float, bool)
    rendered = Signal(float)
    render_failed = Signal(object)
    #: Esc: the measurement is cleared; the window clears highlights and the selection
    escape_pressed = Signal()
    #: select tools: the drawn shape in map coordinates [(x, y), ...] (a rectangle's corners,
    #: a click's small square, a polygon) and how it combines: "" new, "add" (Shift), "remove" (Ctrl)
    select_requested = Signal(object, str)
    #: sketch tools: the tool and the drawn shape in map coordinates [(x, y), ...] (a polygon's
    #: vertices, a rectangle's corners, a belt's centre line)
    sketch_drawn = Signal(str, object)
    #: sketch tools, while drawing: the tool and the shape so far with the point under the mouse
    sketch_moved = Signal(str, object)
    #: the sketch edit tool: a click (map x, y, tolerance), a drag (x0, y0, x1, y1, tolerance),
    #: a double-click (x, y, tolerance); Delete / Backspace pressed on the map
    sketch_pressed = Signal(float, float, float)
    sketch_clicked = Signal(float, float, float)
    sketch_dragged = Signal(float, float, float, float, float)
    sketch_double_clicked = Signal(float, float, float)
    delete_pressed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("mapCanvas")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(200, 150)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.view: MapView | None = None
        self.layers: list[RenderLayer] = []
        self.tool = "pan"
        self.cache: Any = None  # RenderResult
        self.generation = 0
        self.last_paint_s = 0.0
        self.last_render_s = 0.0
        self._drag: tuple[float, float] | None = None
        self._drag_view: MapView | None = None
        self._press_pos: tuple[float, float] | None = None
        self._box: tuple[float, float, float, float] | None = None
        self.measure_points: list[tuple[float, float]] = []
        self._measure_cursor: tuple[float, float] | None = None
        self._measure_done = False
        self._after_double_click = False
        self.click_modifiers = Qt.KeyboardModifier.NoModifier  # of the last sketch-edit click
        self._selection_path: QPainterPath | None = None
        self._highlight_path: QPainterPath | None = None
        self.highlight_purpose = "other"
        self.sketch = SketchOverlay(self)  # hand-drawn greening (#15): drawn on top, snapping
        self._thread = RenderThread(self)
        self._thread.rendered.connect(self._on_rendered)
        self._thread.failed.connect(self.render_failed)

    # ------------------------------------------------------------------ content
    def set_layers(self, layers: list[RenderLayer]) -> None:
        """Layers to draw, bottom first; re-renders the current view."""
        self.layers = list(layers)
        self.request_render()

    def set_selection_geometries(self, geoms) -> None:
        self._selection_path = map_path(geoms) if geoms is not None and len(geoms) else None
        self.update()

    def set_highlight_geometries(self, geoms, purpose: str = "other") -> None:
        self._highlight_path = map_path(geoms) if geoms is not None and len(geoms) else None
        self.highlight_purpose = purpose if purpose in PURPOSE_COLOURS else "other"
        self.update()

    def set_sketch_geometries(self, geoms, conflict=None) -> None:
        """The scenario's sketch: ``geoms`` (map coordinates) and which of them break a rule
        (``conflict``, booleans), outlined in the conflict style."""
        self.sketch.set_geometries(geoms, conflict)
        self.update()

    def set_sketch_selected(self, geom, vertices=None) -> None:
        """The sketch feature the edit tool selected (None: none) and its vertices (handles)."""
        self.sketch.set_selected(geom, vertices)
        self.update()

    def set_snapping(self, on: bool) -> None:
        """Sketch tools snap to vertices (on) or not; the marker goes when off."""
        self.sketch.snapping = bool(on)
        if not on:
            self.sketch.snap_marker = None
            self.update()

    def _snapped_pixel(self, px: float, py: float) -> tuple[float, float]:
        """Pixel (px, py), moved onto the vertex it snaps to (the marker follows)."""
        hit = self.sketch.snap(*self.view.to_map(px, py))
        self.sketch.snap_marker = hit
        return self.view.to_pixel(*hit) if hit is not None else (px, py)

    def set_tool(self, tool: str) -> None:
        if tool not in TOOLS:
            raise ValueError(tool)
        self.tool = tool
        self.sketch.snap_marker = None
        self.clear_measure()
        cursors = {"pan": Qt.CursorShape.OpenHandCursor, "identify": Qt.CursorShape.WhatsThisCursor,
                   "zoom_box": Qt.CursorShape.CrossCursor}
        self.setCursor(cursors.get(tool, Qt.CursorShape.CrossCursor))

    def reset(self) -> None:
        """Forget the view and the image (a new project is being opened)."""
        self.view = None
        self.cache = None
        self.generation += 1
        self._selection_path = self._highlight_path = None
        self.clear_measure()

    def shutdown(self) -> None:
        """Stop the render thread (call before the canvas is destroyed)."""
        self._thread.stop()

    # ------------------------------------------------------------------ view
    def set_view(self, view: MapView) -> None:
        self.view = view.resized(self.width(), self.height())
        self.view_changed.emit(self.view)
        self.update()
        self.request_render()

    def zoom_to_bounds(self, bounds, margin: float = 0.03) -> None:
        if bounds is None:
            return
        xmin, ymin, xmax, ymax = bounds
        if xmax - xmin <= 0 and ymax - ymin <= 0:  # a point: show 200 m around it
            bounds = (xmin - 100, ymin - 100, xmax + 100, ymax + 100)
        self.set_view(fit_bounds(bounds, self.width(), self.height(), margin))

    def zoom_by(self, factor: float, px: float | None = None, py: float | None = None) -> None:
        if self.view is None:
            return
        px = self.width() / 2 if px is None else px
        py = self.height() / 2 if py is None else py
        self.set_view(self.view.zoomed_at(px, py, factor))

    def request_render(self) -> None:
        if self.view is None:
            return
        self.generation += 1
        self._thread.submit(RenderRequest(self.generation, self.view, list(self.layers), self.devicePixelRatioF()))

    def _on_rendered(self, result) -> None:
        if result.generation != self.generation:
            return  # an older view; the newer one is on its way
        self.cache = result
        self.last_render_s = result.elapsed_s
        self.update()
        self.rendered.emit(result.elapsed_s)

    def is_current(self) -> bool:
        """True when the image shown was rendered for the current view and layers."""
        return self.cache is not None and self.cache.generation == self.generation

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt
        t0 = time.perf_counter()
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(255, 255, 255))
        if self.cache is not None and self.view is not None:
            old = self.cache.view
            if old == self.view:
                p.drawImage(QPointF(0, 0), self.cache.image)
            else:  # cached preview: the last image moved and scaled onto the new view
                s, dx, dy = self.view.transform_from(old)
                p.drawImage(QRectF(dx, dy, old.width * s, old.height * s), self.cache.image)
        if self.view is not None:
            self._paint_overlays(p)
        p.end()
        self.last_paint_s = time.perf_counter() - t0

    def map_transform(self) -> QTransform:
        """Map coordinates -> widget pixels for the current view."""
        v = self.view
        xmin, _, _, ymax = v.extent()
        return QTransform(1.0 / v.res, 0.0, 0.0, -1.0 / v.res, -xmin / v.res, ymax / v.res)

    def _paint_overlays(self, p: QPainter) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        t = self.map_transform()
        hl = PURPOSE_COLOURS[self.highlight_purpose]
        for path, color in ((self._highlight_path, hl), (self._selection_path, HIGHLIGHT)):
            if path is None:
                continue
            fill = QColor(color)
            fill.setAlpha(70)
            pen = QPen(color, 2.5)
            pen.setCosmetic(True)
            p.setPen(pen)
            p.setBrush(fill)
            mapped = t.map(path)
            p.drawPath(mapped)
            if path is self._highlight_path and self.highlight_purpose == "greening":
                p.setPen(Qt.PenStyle.NoPen)  # proposed greening: green with a hatch, as on the maps
                p.setBrush(QBrush(color, Qt.BrushStyle.BDiagPattern))
                p.drawPath(mapped)
        if self.measure_points:
            pts = [QPointF(*self.view.to_pixel(x, y)) for x, y in self.measure_points]
            if self._measure_cursor is not None and not self._measure_done:
                pts.append(QPointF(*self.view.to_pixel(*self._measure_cursor)))
            pen = QPen(QColor(220, 0, 120), 2, Qt.PenStyle.DashLine)
            fill = QColor(220, 0, 120, 50)
            if self.tool in SKETCH_TOOLS and self.sketch.drawing_conflict:  # the shape so far breaks a rule
                pen = QPen(CONFLICT_COLOUR, 3, Qt.PenStyle.DashLine)
                fill = QColor(220, 0, 0, 60)
            p.setPen(pen)
            if self.tool in ("measure_area", "select_polygon", "sketch_polygon") and len(pts) >= 3:
                p.setBrush(fill)
                p.drawPolygon(QPolygonF(pts))
            else:
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawPolyline(QPolygonF(pts))
        self.sketch.paint(p, t, self.view, self.tool)
        if self._box is not None:
            x0, y0, x1, y1 = self._box
            p.setPen(QPen(QColor(0, 90, 200), 1, Qt.PenStyle.DashLine))
            p.setBrush(QColor(0, 90, 200, 40))
            p.drawRect(QRectF(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)))

    # ------------------------------------------------------------------ events
    def resizeEvent(self, event) -> None:  # noqa: N802
        if self.view is not None:
            self.view = self.view.resized(self.width(), self.height())
            self.view_changed.emit(self.view)
            self.request_render()
        super().resizeEvent(event)

    def wheelEvent(self, event) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120.0
        if steps and self.view is not None:
            pos = event.position()
            self.zoom_by(WHEEL_STEP ** steps, pos.x(), pos.y())
        event.accept()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        self._press_pos = (pos.x(), pos.y())
        pan = event.button() == Qt.MouseButton.MiddleButton or (
            event.button() == Qt.MouseButton.LeftButton and self.tool in ("pan", "identify"))
        if pan and self.view is not None:
            self._drag, self._drag_view = (pos.x(), pos.y()), self.view
        elif event.button() == Qt.MouseButton.LeftButton and self.tool == "sketch_edit" and self.view is not None:
            sk = self.sketch
            sk.edit_press, sk.edit_offset, sk.edit_vertex = self.view.to_map(pos.x(), pos.y()), (0.0, 0.0), None
            sk.edit_target = None
            self.sketch_pressed.emit(*sk.edit_press, 3.0 * self.view.res)  # the binder may set edit_vertex
        elif event.button() == Qt.MouseButton.LeftButton and self.tool in ("zoom_box", "select_rect", "sketch_rect"):
            bx, by = self._snapped_pixel(pos.x(), pos.y()) if self.tool == "sketch_rect" else (pos.x(), pos.y())
            self._box = (bx, by, bx, by)
        event.accept()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        if self.view is None:
            return
        x, y = self.view.to_map(pos.x(), pos.y())
        self.cursor_moved.emit(x, y)
        sk = self.sketch
        if sk.edit_press is not None:
            if sk.edit_vertex is not None:  # a vertex drag snaps like the drawing tools
                sk.snap_marker = sk.snap(x, y, force=True)
                if sk.snap_marker is not None:
                    x, y = sk.snap_marker
                sk.edit_target = (x, y)
                sk.edit_offset = (x - sk.edit_vertex[0], y - sk.edit_vertex[1])
            else:
                sk.edit_offset = (x - sk.edit_press[0], y - sk.edit_press[1])
            self.update()
            return
        if self.tool in SKETCH_TOOLS and self._drag is None:
            had, sk.snap_marker = sk.snap_marker, sk.snap(x, y)
            if sk.snap_marker is not None:
                x, y = sk.snap_marker
            if sk.snap_marker != had:
                self.update()
        if self._drag is not None and self._drag_view is not None:
            dx, dy = pos.x() - self._drag[0], pos.y() - self._drag[1]
            if self.tool == "identify" and abs(dx) + abs(dy) < 4:
                return
            self.view = self._drag_view.panned(dx, dy)
            self.view_changed.emit(self.view)
            self.update()  # the preview follows the mouse at once
            self.request_render()
        elif self._box is not None:
            bx, by = self.view.to_pixel(x, y) if self.tool == "sketch_rect" else (pos.x(), pos.y())
            self._box = (self._box[0], self._box[1], bx, by)
            self.update()
            if self.tool == "sketch_rect":
                x0, y0, x1, y1 = self._box
                self.sketch_moved.emit(self.tool, [self.view.to_map(px, py) for px, py in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))])
        elif self._draws_points() and self.measure_points and not self._measure_done:
            self._measure_cursor = (x, y)
            self.update()
            if self.tool in SKETCH_TOOLS:
                self.sketch_moved.emit(self.tool, [*self.measure_points, (x, y)])

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        if self._after_double_click:  # the release of a double-click's second press: no new point
            self._after_double_click = False
            return
        moved = self._press_pos is not None and abs(pos.x() - self._press_pos[0]) + abs(pos.y() - self._press_pos[1]) >= 4
        self._drag = self._drag_view = None
        if self.view is None:
            return
        if event.button() == Qt.MouseButton.LeftButton and self.sketch.edit_press is not None:
            (x0, y0), (x1, y1) = self.sketch.edit_press, self.view.to_map(pos.x(), pos.y())
            if self.sketch.edit_vertex is not None and self.sketch.edit_target is not None:
                x1, y1 = self.sketch.edit_target  # where the dragged vertex snapped to
            self.sketch.edit_press, self.sketch.edit_offset = None, (0.0, 0.0)
            self.sketch.edit_target = self.sketch.snap_marker = None
            tol = 3.0 * self.view.res
            self.click_modifiers = event.modifiers()  # Shift+click adds to the sketch selection
            if moved:
                self.sketch_dragged.emit(x0, y0, x1, y1, tol)
            else:
                self.sketch_clicked.emit(x1, y1, tol)
            self.update()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            if self._box is not None and self.tool == "select_rect":
                self._finish_select_rect(event.modifiers())
            elif self._box is not None and self.tool == "sketch_rect":
                x0, y0 = self._box[:2]
                x1, y1 = self._snapped_pixel(pos.x(), pos.y())
                self._box = None
                self.update()
                if abs(x1 - x0) > 2 and abs(y1 - y0) > 2:
                    corners = [self.view.to_map(px, py) for px, py in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
                    self.sketch_drawn.emit(self.tool, corners)
            elif self._box is not None:
                x0, y0, x1, y1 = self._box
                self._box = None
                if abs(x1 - x0) > 4 and abs(y1 - y0) > 4:
                    self.set_view(self.view.zoom_box(x0, y0, x1, y1))
                else:
                    self.zoom_by(2.0, pos.x(), pos.y())
            elif self.tool == "identify" and not moved:
                x, y = self.view.to_map(pos.x(), pos.y())
                self.identify_requested.emit(x, y, 3.0 * self.view.res)
            elif self._draws_points():
                x, y = self.view.to_map(pos.x(), pos.y())
                self.add_measure_point(*(self.sketch.snap(x, y) or (x, y)))
        elif event.button() == Qt.MouseButton.RightButton and self._draws_points():
            self.finish_measure(event.modifiers())

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        # Qt sends press, release, double-click, release: the first click added the last
        # point; the double-click ends the measurement and its release must not start a new one
        if self._draws_points() and event.button() == Qt.MouseButton.LeftButton:
            self._after_double_click = True
            self.finish_measure(event.modifiers())
        elif self.tool == "sketch_edit" and event.button() == Qt.MouseButton.LeftButton and self.view is not None:
            self._after_double_click = True
            self.sketch.edit_press = None
            pos = event.position()
            self.sketch_double_clicked.emit(*self.view.to_map(pos.x(), pos.y()), 3.0 * self.view.res)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.clear_measure()
            self.escape_pressed.emit()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_pressed.emit()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(2.0)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(0.5)
        elif self.view is not None and key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = self.width() / 4
            dx = {Qt.Key.Key_Left: step, Qt.Key.Key_Right: -step}.get(key, 0)
            dy = {Qt.Key.Key_Up: step, Qt.Key.Key_Down: -step}.get(key, 0)
            self.set_view(self.view.panned(dx, dy))
        else:
            super().keyPressEvent(event)

    # ------------------------------------------------------------------ measuring
    def add_measure_point(self, x: float, y: float) -> None:
        if self._measure_done:
            self.measure_points = []
            self._measure_done = False
        self.measure_points.append((x, y))
        self._emit_measure(False)
        self.update()

    def finish_measure(self, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
        if self.tool in ("sketch_polygon", "sketch_belt", "sketch_split"):  # drawn like a measurement, then handed on
            points, self.measure_points = list(self.measure_points), []
            self._measure_cursor = None
            self.update()
            if len(points) >= (3 if self.tool == "sketch_polygon" else 2):
                self.sketch_drawn.emit(self.tool, points)
            return
        if self.tool == "select_polygon":  # the polygon select tool draws like a measurement
            points, self.measure_points = list(self.measure_points), []
            self._measure_cursor = None
            self.update()
            if len(points) >= 3:
                self.select_requested.emit(points, _select_mode(modifiers))
            return
        if self.measure_points:
            self._measure_done = True
            self._emit_measure(True)
            self.update()

    def clear_measure(self) -> None:
        self.measure_points = []
        self._measure_cursor = None
        self._measure_done = False
        self.sketch.drawing_conflict = False
        self.update()

    def _draws_points(self) -> bool:
        return self.tool.startswith("measure") or self.tool in ("select_polygon", "sketch_polygon", "sketch_belt",
                                                                "sketch_split")

    def _finish_select_rect(self, modifiers) -> None:
        x0, y0, x1, y1 = self._box
        self._box = None
        self.update()
        if abs(x1 - x0) <= 4 and abs(y1 - y0) <= 4:  # a click: a square of 3 pixels around it
            x0, y0, x1, y1 = x1 - 3, y1 - 3, x1 + 3, y1 + 3
        corners = [self.view.to_map(px, py) for px, py in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
        self.select_requested.emit(corners, _select_mode(modifiers))

    def _emit_measure(self, done: bool) -> None:
        if self.tool in ("select_polygon", *SKETCH_TOOLS):
            return
        if self.tool == "measure_area":
            self.measured.emit("area", measure_area_m2(self.measure_points), done)
        else:
            self.measured.emit("distance", measure_length_m(self.measure_points), done)
