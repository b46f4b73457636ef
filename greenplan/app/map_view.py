"""The map view: what part of the map a canvas shows (Qt-free, pure arithmetic).

A view is a centre in map units (the project's working CRS, metres), a resolution in
map units per pixel and a size in pixels. Every zoom and pan returns a new view, so a
rendered image can remember the view it was drawn for and be moved or scaled at once
onto the current one (the cached preview).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

#: metres per inch; the scale shown in the status bar assumes a screen of ``dpi`` dots per inch
_M_PER_INCH = 0.0254


@dataclass(frozen=True)
class MapView:
    """Centre ``(cx, cy)`` in map units, ``res`` map units per pixel, ``width`` x ``height`` pixels.

    Examples
    --------
    >>> v = MapView(500.0, 500.0, 1.0, 100, 100)
    >>> v.extent()
    (450.0, 450.0, 550.0, 550.0)
    >>> v.to_map(0, 0)
    (450.0, 550.0)
    >>> z = v.zoomed_at(0, 0, 2.0)   # the map point under the cursor stays there
    >>> z.to_map(0, 0), z.res
    ((450.0, 550.0), 0.5)
    """

    cx: float
    cy: float
    res: float
    width: int
    height: int

    # -- coordinates ---------------------------------------------------------
    def extent(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` in map units."""
        hw, hh = self.width * self.res / 2.0, self.height * self.res / 2.0
        return (self.cx - hw, self.cy - hh, self.cx + hw, self.cy + hh)

    def to_map(self, px: float, py: float) -> tuple[float, float]:
        """Map coordinates of pixel ``(px, py)`` (y grows downwards on screen)."""
        return (self.cx + (px - self.width / 2.0) * self.res, self.cy - (py - self.height / 2.0) * self.res)

    def to_pixel(self, x: float, y: float) -> tuple[float, float]:
        """Pixel of map point ``(x, y)``."""
        return ((x - self.cx) / self.res + self.width / 2.0, (self.cy - y) / self.res + self.height / 2.0)

    def scale_denominator(self, dpi: float = 96.0) -> float:
        """``N`` of the map scale 1:N for a screen of ``dpi`` dots per inch."""
        return self.res / (_M_PER_INCH / dpi)

    # -- changes -------------------------------------------------------------
    def zoomed_at(self, px: float, py: float, factor: float) -> MapView:
        """Zoom by ``factor`` (> 1 zooms in) keeping the map point under pixel ``(px, py)`` fixed."""
        x, y = self.to_map(px, py)
        res = self.res / factor
        return replace(
            self,
            res=res,
            cx=x - (px - self.width / 2.0) * res,
            cy=y + (py - self.height / 2.0) * res,
        )

    def panned(self, dx: float, dy: float) -> MapView:
        """The map moved by ``(dx, dy)`` pixels with the mouse (content follows the cursor)."""
        return replace(self, cx=self.cx - dx * self.res, cy=self.cy + dy * self.res)

    def resized(self, width: int, height: int) -> MapView:
        """Same centre and resolution, another widget size."""
        return replace(self, width=max(1, int(width)), height=max(1, int(height)))

    def zoom_box(self, px0: float, py0: float, px1: float, py1: float) -> MapView:
        """The view showing the rectangle between two pixels (a rubber band)."""
        x0, y0 = self.to_map(px0, py0)
        x1, y1 = self.to_map(px1, py1)
        return fit_bounds((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), self.width, self.height, margin=0.0)

    def transform_from(self, other: MapView) -> tuple[float, float, float]:
        """``(scale, dx, dy)`` placing an image drawn for ``other`` onto this view.

        Pixel ``(u, v)`` of the old image goes to ``(dx + scale * u, dy + scale * v)``.
        """
        scale = other.res / self.res
        dx, dy = self.to_pixel(*other.to_map(0.0, 0.0))
        return scale, dx, dy


def fit_bounds(
    bounds: tuple[float, float, float, float], width: int, height: int, margin: float = 0.03
) -> MapView:
    """The view of ``width`` x ``height`` pixels that shows ``bounds`` whole, with a margin.

    Examples
    --------
    >>> v = fit_bounds((0.0, 0.0, 200.0, 100.0), 100, 100, margin=0.0)
    >>> v.res, v.cx, v.cy
    (2.0, 100.0, 50.0)
    """
    xmin, ymin, xmax, ymax = (float(b) for b in bounds)
    width, height = max(1, int(width)), max(1, int(height))
    w = max(xmax - xmin, 1e-6)
    h = max(ymax - ymin, 1e-6)
    res = max(w / width, h / height) * (1.0 + 2.0 * margin)
    if res <= 0 or res != res:  # degenerate bounds: one point
        res = 1.0
    return MapView((xmin + xmax) / 2.0, (ymin + ymax) / 2.0, res, width, height)
