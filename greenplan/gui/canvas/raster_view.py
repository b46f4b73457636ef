"""Draw a raster layer (NDVI, land cover, cover fraction, DSM) for a map view.

Only the part of the raster inside the view is read (the layer's band), decimated by GDAL
to about the screen's resolution (``out_shape``), through a ``WarpedVRT`` when the raster
is not in the working CRS. Values become colours through the layer's
:class:`~greenplan.render.raster_style.RasterLook`, the same definition the exported maps use
(land-cover product palettes, NDVI and fraction ramps), so the canvas and the maps agree;
:meth:`RasterDrawer.legend_html` gives the legend (what the raster is, its classes or its
ramp with values). Called from the render thread; each call opens the file itself (rasterio
datasets are not shared between threads).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from PySide6.QtGui import QImage

from greenplan.app.map_view import MapView

log = logging.getLogger("greenplan.gui")

class RasterDrawer:
    """Reads and colours the visible part of a :class:`~greenplan.io.raster.RasterSource`.

    ``style`` is the shared ``LayerStyle`` (``cmap``, ``vmin``, ``vmax``, ``alpha``, label);
    with the source (its band, and for a vegetation raster the settings that say how to
    read it) it gives the layer's shared :class:`~greenplan.render.raster_style.RasterLook`.
    """

    def __init__(self, source: Any, working_crs: Any, style: Any = None) -> None:
        self.source = source
        self.working_crs = working_crs
        self._range: tuple[float, float] | None = None
        self.look: Any = None
        self.set_style(style)

    def set_style(self, style: Any) -> None:
        from greenplan.render.raster_style import RasterLook, raster_look

        self.style = style
        self.alpha = float(getattr(style, "alpha", 1.0) if style is not None else 1.0)
        self._range = None
        if style is None:
            self.look = RasterLook("ramp", "", alpha=self.alpha)
            return
        try:
            self.look = raster_look(self.source, style)
        except Exception as exc:  # noqa: BLE001 - an unreadable raster is drawn plainly (and reported by check)
            log.warning("raster %s: look not decided: %s", getattr(self.source, "path", "?"), exc)
            self.look = RasterLook("ramp", getattr(style, "label", ""), getattr(style, "cmap", "viridis") or "viridis",
                                   getattr(style, "vmin", None), getattr(style, "vmax", None), alpha=self.alpha)

    @property
    def kind(self) -> str:
        """``ndvi``, ``fraction``, ``landcover``, ``unknown`` (a vegetation raster of no known
        kind) or ``ramp`` (any other raster)."""
        return self.look.kind

    @property
    def band(self) -> int:
        return int(getattr(self.source, "band", 1) or 1)

    def bounds(self) -> tuple[float, float, float, float] | None:
        """Extent in the working CRS."""
        from greenplan.io.crs import transform_bounds

        src_crs = self.source.crs
        if src_crs is None or self.working_crs is None or src_crs.equals(self.working_crs):
            return tuple(self.source.bounds)
        return transform_bounds(tuple(self.source.bounds), src_crs, self.working_crs)

    def _read(self, view: MapView) -> tuple[np.ndarray, tuple[float, float, float, float]] | None:
        import rasterio
        from rasterio.enums import Resampling
        from rasterio.vrt import WarpedVRT
        from rasterio.windows import from_bounds

        vx0, vy0, vx1, vy1 = view.extent()
        with self.source.open() as ds:
            reproject = (self.source.crs is not None and self.working_crs is not None
                         and not self.source.crs.equals(self.working_crs))
            src = WarpedVRT(ds, crs=self.working_crs.to_wkt(), resampling=Resampling.nearest,
                            src_crs=self.source.crs.to_wkt()) if reproject else ds
            try:
                b = src.bounds
                x0, y0, x1, y1 = max(vx0, b.left), max(vy0, b.bottom), min(vx1, b.right), min(vy1, b.top)
                if x0 >= x1 or y0 >= y1:
                    return None
                win = from_bounds(x0, y0, x1, y1, transform=src.transform).round_offsets().round_lengths()
                if win.width < 1 or win.height < 1:
                    return None
                out_w = max(1, min(int(win.width), int(round((x1 - x0) / view.res))))
                out_h = max(1, min(int(win.height), int(round((y1 - y0) / view.res))))
                data = src.read(self.band, window=win, out_shape=(out_h, out_w), masked=True,
                                resampling=Resampling.nearest)
                wb = rasterio.windows.bounds(win, src.transform)
            finally:
                if src is not ds:
                    src.close()
        return data, wb

    def colors(self, data: np.ma.MaskedArray) -> np.ndarray:
        """RGBA (premultiplied, uint8) of a block of raster values."""
        raw = np.ma.getdata(data)
        valid = ~np.ma.getmaskarray(data)
        if np.issubdtype(raw.dtype, np.floating):
            valid &= np.isfinite(raw)
        rgba = self.look.colour(raw, valid, None if self.look.categorical else self._value_range(raw, valid))
        a = rgba[..., 3:4].astype(np.uint16)
        rgba[..., :3] = (rgba[..., :3].astype(np.uint16) * a // 255).astype(np.uint8)
        return rgba

    def _value_range(self, values: np.ndarray, valid: np.ndarray) -> tuple[float, float]:
        """The ramp's range: the look's, else the percentiles of the first view drawn (kept, so
        that panning does not change the colours)."""
        if self.look.vmin is not None and self.look.vmax is not None:
            return float(self.look.vmin), float(self.look.vmax)
        if self._range is None and valid.any():
            self._range = self.look.value_range(values, valid)
        return self._range or self.look.value_range(values, valid)

    # ------------------------------------------------------------------ legend
    def legend_rows(self) -> list[tuple[tuple[int, int, int], str]]:
        """Land cover: ``(rgb, name)`` of each class found in the raster (a decimated read of
        the whole band); a ramp: the colour at each tick value and the value."""
        from greenplan.render.raster_style import _rgb

        look = self.look
        if look.categorical:
            from greenplan.io.raster import raster_summary

            values = raster_summary(self.source).values or frozenset()
            present = np.array(sorted(values), dtype=np.int64)
            classes = look.classes_present(present, np.ones(present.shape, dtype=bool))
            return [(_rgb(c.colour), c.zh) for c in classes]
        lo, hi = self._range or (look.vmin, look.vmax)
        if lo is None or hi is None:
            return []
        ticks = look.ticks(lo, hi)
        vals = np.array([v for v, _ in ticks], dtype="float64")[None, :]
        rgba = look.colour(vals, np.ones(vals.shape, dtype=bool), (lo, hi))[0]
        return [(tuple(int(c) for c in rgba[i, :3]), text) for i, (_, text) in enumerate(ticks)]

    def legend_html(self, name: str = "") -> str:
        """The legend as rich text (for the layer panel's tooltip): the layer's ``name``, the
        title (what the raster is), then a colour square and a class name or value per line."""
        import html

        rows = "".join(f'<tr><td style="background-color:#{r:02x}{g:02x}{b:02x}">&nbsp;&nbsp;&nbsp;&nbsp;</td>'
                       f"<td>&nbsp;{html.escape(text)}</td></tr>" for (r, g, b), text in self.legend_rows())
        head = f"{html.escape(name)}<br>" if name else ""
        return f"{head}<b>{html.escape(self.look.title)}</b><table cellspacing='1'>{rows}</table>"

    def swatch_colours(self) -> list[tuple[int, int, int]]:
        """Three colours for the layer panel's swatch (first classes, or the ramp's ends and middle)."""
        look = self.look
        if look.categorical:
            rows = self.legend_rows()
            cols = [c for c, _ in rows[:3]]
            return (cols * 3)[:3] if cols else [(200, 200, 200)] * 3
        vals = np.array([[0.0, 0.5, 1.0]])
        rgba = look.colour(vals, np.ones(vals.shape, dtype=bool), (0.0, 1.0))[0]
        return [tuple(int(c) for c in rgba[i, :3]) for i in (2, 1, 0)]

    def image_for(self, view: MapView) -> tuple[QImage | None, tuple[float, float, float, float] | None]:
        """The coloured image of the view and its target rectangle in view pixels."""
        try:
            got = self._read(view)
        except Exception as exc:  # noqa: BLE001 - a bad raster must not stop the map
            log.warning("raster %s not drawn: %s", getattr(self.source, "path", "?"), exc)
            return None, None
        if got is None:
            return None, None
        data, (x0, y0, x1, y1) = got
        rgba = np.ascontiguousarray(self.colors(data))
        h, w = rgba.shape[:2]
        img = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888_Premultiplied).copy()
        px0, py0 = view.to_pixel(x0, y1)
        px1, py1 = view.to_pixel(x1, y0)
        return img, (px0, py0, px1 - px0, py1 - py0)
