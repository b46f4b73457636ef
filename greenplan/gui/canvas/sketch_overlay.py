"""What the map canvas draws of a scenario's sketch (#15), and the sketch tools' snapping.

The sketch features (green; those breaking a rule outlined in the conflict style), the
feature the edit tool selected (its outline and vertex handles, moved with a drag) and the
snapping marker. The canvas owns one :class:`SketchOverlay`, calls :meth:`paint` from its
paint event and :meth:`snap` from its mouse handlers; the binder (``gui/sketch_tools.py``)
sets the geometries.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF, QTransform

from greenplan.app.sketch_snap import snap_point

#: the tools that draw new sketch features or the split line (they snap)
SKETCH_TOOLS = ("sketch_polygon", "sketch_rect", "sketch_belt", "sketch_split")
SKETCH_COLOUR = QColor(0, 130, 50)
CONFLICT_COLOUR = QColor(220, 0, 0)  # the canvas's conflict purpose colour
SELECTED_COLOUR = QColor(0, 200, 255)  # the canvas's selection colour
MARKER_COLOUR = QColor(220, 0, 220)
#: sketch tools snap to a vertex or edge of a visible layer (or of the sketch) this close, in pixels
SNAP_PX = 8


class SketchOverlay:
    """The sketch drawn over the map (see the module docstring)."""

    def __init__(self, canvas: Any) -> None:
        self.canvas = canvas
        self.paths: tuple[QPainterPath | None, QPainterPath | None] = (None, None)  # (fine, conflicting)
        self.snapping = True
        self.snap_marker: tuple[float, float] | None = None  # the map point snapped to
        self.snap_kind = "vertex"  # what it snapped to: "vertex" or "segment" (the marker's shape)
        self.selected: QPainterPath | None = None
        self.handles: np.ndarray | None = None  # (n, 2) vertices of the selected feature (map)
        self.current_vertex: tuple[float, float] | None = None  # the vertex clicked (filled red)
        self.drawing_conflict = False  # the shape being drawn overlaps protected land (outlined red)
        self.edit_press: tuple[float, float] | None = None  # sketch_edit: where the drag started (map)
        self.edit_offset = (0.0, 0.0)
        self.edit_vertex: tuple[float, float] | None = None  # the vertex a drag moves (else the feature)
        self.edit_target: tuple[float, float] | None = None  # where that vertex goes (snapped)
        self._tree: tuple[Any, Any] | None = None  # (STRtree, geometries) of the sketch

    def set_geometries(self, geoms, conflict=None) -> None:
        from greenplan.gui.canvas.map_renderer import map_path

        geoms = np.asarray(geoms if geoms is not None else [], dtype=object)
        bad = np.zeros(len(geoms), bool) if conflict is None else np.asarray(conflict, dtype=bool)
        self.paths = (map_path(geoms[~bad]) if (~bad).any() else None, map_path(geoms[bad]) if bad.any() else None)
        self._tree = (shapely.STRtree(geoms), geoms) if len(geoms) else None

    def set_selected(self, geom, vertices=None) -> None:
        from greenplan.gui.canvas.map_renderer import map_path

        self.selected = map_path([geom]) if geom is not None else None
        self.handles = vertices if geom is not None else None

    def snap(self, x: float, y: float, force: bool = False) -> tuple[float, float] | None:
        """The vertex, else the crossing of two edges, else the point on an edge, of a visible layer or of the sketch within
        :data:`SNAP_PX` of map point (x, y), for the drawing tools (None: none, or snapping is
        off); :attr:`snap_kind` says which. ``force``: whatever the tool (a vertex drag of
        the edit tool, which snaps to the visible layers only, never back onto the sketch)."""
        c = self.canvas
        if (c.tool not in SKETCH_TOOLS and not force) or not self.snapping or c.view is None:
            return None
        targets = [(lyr.prepared.tree, lyr.prepared.geoms) for lyr in c.layers
                   if lyr.visible and lyr.prepared is not None and lyr.prepared.n]
        if self._tree is not None and not force:  # a dragged vertex must not snap back onto its own feature
            targets.append(self._tree)
        hit = snap_point(targets, x, y, SNAP_PX * c.view.res)
        if hit is None:
            return None
        self.snap_kind = hit[2]
        return hit[0], hit[1]

    def paint(self, p: QPainter, t: QTransform, view: Any, tool: str) -> None:
        ok_path, bad_path = self.paths
        for path, colour, width in ((ok_path, SKETCH_COLOUR, 1.5), (bad_path, CONFLICT_COLOUR, 3.0)):
            if path is not None:
                fill = QColor(SKETCH_COLOUR)
                fill.setAlpha(90)
                pen = QPen(colour, width, Qt.PenStyle.SolidLine if path is ok_path else Qt.PenStyle.DashLine)
                pen.setCosmetic(True)
                p.setPen(pen)
                p.setBrush(fill)
                p.drawPath(t.map(path))
        if self.selected is not None:
            pen = QPen(SELECTED_COLOUR, 3)
            pen.setCosmetic(True)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            dx, dy = self.edit_offset
            if self.edit_press is not None and self.edit_vertex is not None:  # a vertex drag
                p.drawPath(t.map(self.selected))
                vx, vy = self.edit_vertex
                p.setPen(QPen(MARKER_COLOUR, 2, Qt.PenStyle.DashLine))
                a, b = view.to_pixel(vx, vy), view.to_pixel(vx + dx, vy + dy)
                p.drawLine(QPointF(*a), QPointF(*b))
                p.drawRect(QRectF(b[0] - 4, b[1] - 4, 8, 8))
            else:
                p.drawPath(t.map(self.selected.translated(dx, dy)))
            if self.handles is not None and self.edit_press is None:
                p.setPen(QPen(QColor(0, 0, 0), 1))
                p.setBrush(QColor(255, 255, 255))
                for hx, hy in self.handles[:2000]:  # a hand-drawn feature: a few dozen
                    sx, sy = view.to_pixel(hx, hy)
                    p.drawRect(QRectF(sx - 3, sy - 3, 6, 6))
                if self.current_vertex is not None:
                    sx, sy = view.to_pixel(*self.current_vertex)
                    p.setBrush(CONFLICT_COLOUR)
                    p.drawRect(QRectF(sx - 4, sy - 4, 8, 8))
        if self.snap_marker is not None and (tool in SKETCH_TOOLS or self.edit_target is not None):
            sx, sy = view.to_pixel(*self.snap_marker)
            p.setPen(QPen(MARKER_COLOUR, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            if self.snap_kind == "segment":  # on an edge: a diamond with a cross, as QGIS marks it
                p.drawPolygon(QPolygonF([QPointF(sx, sy - 6), QPointF(sx + 6, sy), QPointF(sx, sy + 6), QPointF(sx - 6, sy)]))
                p.drawLine(QPointF(sx - 3, sy - 3), QPointF(sx + 3, sy + 3))
                p.drawLine(QPointF(sx - 3, sy + 3), QPointF(sx + 3, sy - 3))
            elif self.snap_kind == "intersection":  # where two edges cross: an X in a circle
                p.drawEllipse(QPointF(sx, sy), 6.0, 6.0)
                p.drawLine(QPointF(sx - 4, sy - 4), QPointF(sx + 4, sy + 4))
                p.drawLine(QPointF(sx - 4, sy + 4), QPointF(sx + 4, sy - 4))
            else:  # on a vertex: a square
                p.drawRect(QRectF(sx - 5, sy - 5, 10, 10))
