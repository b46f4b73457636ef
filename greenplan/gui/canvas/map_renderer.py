"""Draw prepared layers into a ``QImage``, in a background thread.

The canvas asks for a view; :class:`RenderThread` draws the newest request into an
image (``QImage`` may be painted outside the GUI thread, ``QPixmap`` may not) and hands
it back through a queued signal. A newer request makes the running one stop at its
next drawing call, so panning never queues up stale renders.

Paths are built without a Python loop over features: the element list of
:mod:`greenplan.app.render_cache` is written in ``QPainterPath``'s own serialisation
format (``QDataStream``: count, then type/x/y per element, then the fill rule) and read
back in one call.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QByteArray, QDataStream, QLineF, QPointF, QRectF, Qt, QThread, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen

from greenplan.app.map_view import MapView
from greenplan.app.render_cache import Elements, PreparedLayer, layer_elements
from greenplan.gui.canvas.render_styles import DrawStyle

#: label font families after the default: the bundled CJK font is registered by the app
LABEL_FONTS = ("Microsoft YaHei", "WenQuanYi Micro Hei")
_REC = np.dtype([("t", ">i4"), ("x", ">f8"), ("y", ">f8")])
_HEAD = np.dtype(">i4")


class RenderCanceled(Exception):
    """A newer request replaced the one being drawn."""


def elements_to_path(el: Elements, sl: slice | None = None, winding: bool = True) -> QPainterPath:
    """A ``QPainterPath`` of the elements in ``sl`` (move-to / line-to only)."""
    x, y, move = (el.x, el.y, el.move) if sl is None else (el.x[sl], el.y[sl], el.move[sl])
    n = len(x)
    path = QPainterPath()
    if n == 0:
        return path
    # one buffer: count, n x (type, x, y), cStart (0), fill rule (1: Qt::WindingFill)
    buf = np.empty(4 + 20 * n + 8, dtype=np.uint8)
    buf[:4].view(_HEAD)[0] = n
    rec = buf[4 : 4 + 20 * n].view(_REC)
    rec["t"] = 1 - move.astype(np.int32)  # QPainterPath::MoveToElement (0), LineToElement (1)
    rec["x"] = x
    rec["y"] = y
    buf[4 + 20 * n :].view(_HEAD)[:] = (0, 1 if winding else 0)
    stream = QDataStream(QByteArray(buf.tobytes()))
    stream >> path
    return path


@dataclass
class RenderLayer:
    """What to draw for one project layer: prepared vectors or a raster, and its style."""

    key: int
    style: DrawStyle
    prepared: PreparedLayer | None = None
    raster: Any = None  # greenplan.gui.raster_view.RasterDrawer
    visible: bool = True
    labels: tuple | None = None  # display_data.layer_labels


@dataclass
class RenderRequest:
    generation: int
    view: MapView
    layers: list[RenderLayer]
    dpr: float = 1.0
    background: tuple[int, int, int, int] = (255, 255, 255, 255)


@dataclass
class RenderResult:
    generation: int
    view: MapView
    image: QImage
    elapsed_s: float
    timings: dict[int, float] = field(default_factory=dict)



def map_path(geoms) -> QPainterPath:
    """One path (map coordinates) of all rings and lines of ``geoms`` (no feature loop)."""
    prep = PreparedLayer(np.asarray(geoms, dtype=object))
    parts = []
    for block in (prep.polys, prep.lines):
        if not block.empty:
            parts.append(Elements(block.coords[:, 0], block.coords[:, 1], block.starts))
    path = QPainterPath()
    for el in parts:
        path.addPath(elements_to_path(el))
    pts = prep.points.coords
    for x, y in pts[:5000]:  # points: a handful at most (no point roles)
        path.addEllipse(QPointF(x, y), 0.5, 0.5)
    return path

def _color(rgba: tuple[int, int, int, int] | None) -> QColor:
    if rgba is None:
        return QColor(0, 0, 0, 0)
    return QColor(*rgba)


def _pen(color, width_px: float, dash=None) -> QPen:
    if color is None or width_px <= 0:
        return QPen(Qt.PenStyle.NoPen)
    pen = QPen(_color(color), max(width_px, 0.0))
    pen.setCosmetic(True)
    if dash:
        pen.setDashPattern(list(dash))
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap if dash else Qt.PenCapStyle.RoundCap)
    return pen


def hatch_brush(hatch: str, color, background=None) -> QBrush | None:
    """A texture brush for a matplotlib hatch string (``+`` 田 grid, ``/``, ``\\``, ``x``, ``-``,
    ``|``, ``.``); repeating the character makes it denser, as in matplotlib.

    With ``background`` (the fill colour) the tile holds fill and hatch together, so a
    hatched layer is filled in one pass. Built on a ``QImage`` (usable outside the GUI
    thread, unlike ``QPixmap``).
    """
    if not hatch:
        return None
    kinds = set(hatch)
    size = max(4, int(round(12 / max(1, len(hatch) // max(1, len(kinds))))))
    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(_color(background) if background is not None else QColor(0, 0, 0, 0))
    p = QPainter(img)
    pen = QPen(_color(color), 1.0)
    p.setPen(pen)
    s = float(size)
    for k in kinds:
        if k in "/x":
            p.drawLine(QLineF(0, s, s, 0))
        if k in "\\x":
            p.drawLine(QLineF(0, 0, s, s))
        if k in "+-":
            p.drawLine(QLineF(0, 0, s, 0))
        if k in "+|":
            p.drawLine(QLineF(0, 0, 0, s))
        if k in ".o*O":
            p.setBrush(_color(color))
            p.drawEllipse(QPointF(s / 2, s / 2), 1.0, 1.0)
    p.end()
    return QBrush(img)


def draw_vector_layer(p: QPainter, layer: RenderLayer, view: MapView, check) -> None:
    """Draw one prepared layer in pixel coordinates of ``view`` (``check`` raises to stop).

    Per style class: fill, hatch, then outline (left out when the layer's median feature
    is under ``edge_min_px`` pixels); lines get their casing first. Features under a
    pixel are written into one image of dots, drawn last.
    """
    prepared = layer.prepared
    groups = layer_elements(prepared, view)
    median_px = prepared.median_size / view.res
    dots: np.ndarray | None = None
    for g in groups:
        st = layer.style.for_class(g.cls)
        check()
        outline = st.edge is not None and median_px >= st.edge_min_px
        pen = _pen(st.edge, st.width_px, st.dash) if outline else QPen(Qt.PenStyle.NoPen)
        hatch_color = st.hatch_color or st.edge or (0, 0, 0, 255)
        brush = (hatch_brush(st.hatch, hatch_color, st.fill) if st.hatch
                 else QBrush(_color(st.fill)) if st.fill is not None else None)
        for sl in g.fills.chunks():
            path = elements_to_path(g.fills, sl)
            if brush is not None:
                p.fillPath(path, brush)
            if pen.style() != Qt.PenStyle.NoPen:
                p.strokePath(path, pen)
            check()
        if len(g.lines):
            line_pen = _pen(st.edge or st.fill or (0, 0, 0, 255), max(st.width_px, 1.0), st.dash)
            casing = _pen(st.casing, st.casing_px) if st.casing is not None and st.casing_px > st.width_px else None
            for sl in g.lines.chunks():
                path = elements_to_path(g.lines, sl, winding=False)
                if casing is not None:
                    p.strokePath(path, casing)
                p.strokePath(path, line_pen)
                check()
        if len(g.dot_cols):
            color = st.fill or st.edge or (0, 0, 0, 255)
            if dots is None:
                dots = np.zeros((view.height, view.width, 4), dtype=np.uint8)
            a = color[3] / 255.0  # premultiplied RGBA
            dots[g.dot_rows, g.dot_cols] = (int(color[0] * a), int(color[1] * a), int(color[2] * a), color[3])
    if dots is not None:
        img = QImage(dots.data, view.width, view.height, 4 * view.width, QImage.Format.Format_RGBA8888_Premultiplied)
        p.drawImage(0, 0, img)
        del img


def draw_labels(p: QPainter, labels: tuple, view: MapView, dpr: float = 1.0) -> None:
    """Labels at their points, dark text on a white halo (unless the style turns it off); only
    features wide enough, and no two labels overlapping (the largest features first:
    :func:`greenplan.app.label_boxes.place_boxes`)."""
    from greenplan.app.label_boxes import place_boxes

    xy, texts, sizes, size_pt = labels[:4]
    halo_on = labels[4] if len(labels) > 4 else True
    px_size = size_pt * 96.0 / 72.0 * dpr
    x, y = view.to_pixel(xy[:, 0], xy[:, 1]) if len(xy) else (np.zeros(0), np.zeros(0))
    show = (sizes / view.res >= 3 * px_size) & (x > 0) & (x < view.width) & (y > 0) & (y < view.height)
    if not show.any():
        return
    font = QFont(QFont().family())
    font.setFamilies([QFont().family(), *LABEL_FONTS])
    font.setPixelSize(max(6, int(round(px_size))))
    path = QPainterPath()
    metrics = QFontMetricsF(font)
    xs, ys, ts = x[show], y[show], texts[show].tolist()
    widths = np.array([metrics.horizontalAdvance(t) for t in ts])
    keep = place_boxes(xs, ys, widths, np.full(len(ts), metrics.height()), priority=sizes[show])
    for xi, yi, w, text in zip(xs[keep].tolist(), ys[keep].tolist(), widths[keep].tolist(),
                               [t for t, k in zip(ts, keep.tolist(), strict=True) if k], strict=True):
        path.addText(QPointF(xi - w / 2, yi + metrics.ascent() / 2 - metrics.descent() / 2), font, text)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    if halo_on:
        halo = QPen(QColor(255, 255, 255, 230), max(2.0, px_size / 4))
        halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.strokePath(path, halo)
    p.fillPath(path, QBrush(QColor(40, 40, 40)))
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)


def render_view(request: RenderRequest, is_stale=lambda: False) -> RenderResult:
    """Draw ``request`` into a new image (any thread). Raises :class:`RenderCanceled` if stale."""
    t0 = time.perf_counter()
    view = request.view
    w, h = max(1, int(round(view.width * request.dpr))), max(1, int(round(view.height * request.dpr)))
    image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(request.dpr)
    image.fill(QColor(*request.background))
    # draw at device resolution: a view with dpr x more pixels and dpr x finer resolution
    dview = MapView(view.cx, view.cy, view.res / request.dpr, w, h)

    def check() -> None:
        if is_stale():
            raise RenderCanceled

    timings: dict[int, float] = {}
    p = QPainter(image)
    try:
        if request.dpr != 1.0:
            p.scale(1.0 / request.dpr, 1.0 / request.dpr)
        for layer in request.layers:
            if not layer.visible:
                continue
            t = time.perf_counter()
            if layer.raster is not None:
                img, rect = layer.raster.image_for(dview)
                if img is not None:
                    p.drawImage(QRectF(*rect), img)
            elif layer.prepared is not None:
                draw_vector_layer(p, layer, dview, check)
            timings[layer.key] = time.perf_counter() - t
            check()
        for layer in request.layers:  # labels on top of every layer, as on the maps
            if layer.visible and layer.labels is not None:
                draw_labels(p, layer.labels, dview, request.dpr)
    finally:
        p.end()
    return RenderResult(request.generation, view, image, time.perf_counter() - t0, timings)


class RenderThread(QThread):
    """Draws the newest :class:`RenderRequest`; emits ``rendered(RenderResult)``.

    ``submit`` replaces any pending request and makes a running one stop early. Call
    :meth:`stop` before the owner goes away (tests fail on leaked threads).
    """

    rendered = Signal(object)
    failed = Signal(object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._cond = threading.Condition()
        self._pending: RenderRequest | None = None
        self._latest = 0
        self._stopping = False

    def submit(self, request: RenderRequest) -> None:
        with self._cond:
            self._pending = request
            self._latest = request.generation
            self._cond.notify()
        if not self.isRunning():
            self.start()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._pending = None
            self._latest = -1
            self._cond.notify()
        self.wait()

    def run(self) -> None:  # noqa: D401 - Qt entry point
        while True:
            with self._cond:
                while self._pending is None and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                req, self._pending = self._pending, None
            try:
                result = render_view(req, is_stale=lambda g=req.generation: self._latest != g)
            except RenderCanceled:
                continue
            except Exception as exc:  # noqa: BLE001 - reported to the GUI thread, which logs it
                self.failed.emit(exc)
                continue
            self.rendered.emit(result)
