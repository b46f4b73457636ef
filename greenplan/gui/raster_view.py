"""Draw a raster layer (NDVI, land cover, DSM) for a map view.

Only the part of the raster inside the view is read, decimated by GDAL to about the
screen's resolution (``out_shape``), through a ``WarpedVRT`` when the raster is not in
the working CRS. Values become colours with a small numpy ramp (no matplotlib here).
Called from the render thread; each call opens the file itself (rasterio datasets are
not shared between threads).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from PySide6.QtGui import QImage

from greenplan.gui.map_view import MapView

log = logging.getLogger("greenplan.gui")

GREY_RAMP = [(0.0, (40, 40, 40)), (1.0, (250, 250, 250))]
#: ESA WorldCover classes (the default land-cover legend)
LANDCOVER = {10: (0, 100, 0), 20: (255, 187, 34), 30: (255, 255, 76), 40: (240, 150, 255), 50: (250, 0, 0),
             60: (180, 180, 180), 70: (240, 240, 240), 80: (0, 100, 200), 90: (0, 150, 160), 95: (0, 207, 117),
             100: (250, 230, 160)}


def ramp(values: np.ndarray, stops: list[tuple[float, tuple[int, int, int]]]) -> np.ndarray:
    """RGB (uint8, shape + (3,)) of ``values`` interpolated between ``stops``.

    Examples
    --------
    >>> ramp(np.array([0.0, 0.5, 1.0]), GREY_RAMP)[:, 0].tolist()
    [40, 145, 250]
    """
    xs = np.array([s[0] for s in stops], dtype=float)
    out = np.empty(values.shape + (3,), dtype=np.uint8)
    for k in range(3):
        ys = np.array([s[1][k] for s in stops], dtype=float)
        out[..., k] = np.interp(values, xs, ys).round().astype(np.uint8)
    return out


def colormap_lut(name: str) -> np.ndarray:
    """256 x 3 uint8 colours of a matplotlib colour map (the one the exported maps use)."""
    try:
        import matplotlib

        cmap = matplotlib.colormaps[name]
    except (ImportError, KeyError):
        return ramp(np.linspace(0.0, 1.0, 256), GREY_RAMP)
    return (cmap(np.linspace(0.0, 1.0, 256))[:, :3] * 255).round().astype(np.uint8)


class RasterDrawer:
    """Reads and colours the visible part of a :class:`~greenplan.io.raster.RasterSource`.

    ``style`` is the shared ``LayerStyle`` (``cmap``, ``vmin``, ``vmax``, ``alpha``); a
    land-cover raster (integer classes) uses the ESA WorldCover legend.
    """

    def __init__(self, source: Any, working_crs: Any, style: Any = None) -> None:
        self.source = source
        self.working_crs = working_crs
        self._range: tuple[float, float] | None = None
        self._lut: np.ndarray | None = None
        self.set_style(style)

    def set_style(self, style: Any) -> None:
        self.style = style
        self.alpha = float(getattr(style, "alpha", 1.0) if style is not None else 1.0)
        self.cmap = getattr(style, "cmap", None) or "viridis"
        self.vmin = getattr(style, "vmin", None)
        self.vmax = getattr(style, "vmax", None)
        self._lut = None

    @property
    def kind(self) -> str:
        dtype = str(getattr(self.source, "dtype", "float32"))
        role = str(getattr(self.style, "id", ""))
        if role == "vegetation_raster" and dtype in ("uint8", "uint16") and self.vmax is None:
            return "landcover"
        return "ramp"

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
                data = src.read(1, window=win, out_shape=(out_h, out_w), masked=True,
                                resampling=Resampling.nearest)
                wb = rasterio.windows.bounds(win, src.transform)
            finally:
                if src is not ds:
                    src.close()
        return data, wb

    def colors(self, data: np.ma.MaskedArray) -> np.ndarray:
        """RGBA (premultiplied, uint8) of a block of raster values."""
        values = np.ma.filled(data.astype("float64"), np.nan)
        valid = ~np.ma.getmaskarray(data) & np.isfinite(values)
        if self.kind == "landcover":
            rgb = np.full(values.shape + (3,), 255, dtype=np.uint8)
            for cls, color in LANDCOVER.items():  # a dozen classes
                rgb[values == cls] = color
        else:
            lo, hi = self._value_range(values, valid)
            if self._lut is None:
                self._lut = colormap_lut(self.cmap)
            # matplotlib's rule (floor of x * N, the top value included), so the colours match the maps
            t = (np.where(valid, values, lo) - lo) / max(hi - lo, 1e-12)
            idx = np.clip(np.floor(t * 256.0), 0, 255).astype(np.uint8)
            rgb = self._lut[idx]
        a = int(round(255 * max(0.0, min(1.0, self.alpha))))
        rgba = np.zeros(values.shape + (4,), dtype=np.uint8)
        rgba[..., :3] = (rgb.astype(np.uint16) * a // 255).astype(np.uint8)
        rgba[..., 3] = a
        rgba[~valid] = 0
        return rgba

    def _value_range(self, values: np.ndarray, valid: np.ndarray) -> tuple[float, float]:
        if self.vmin is not None and self.vmax is not None:
            return float(self.vmin), float(self.vmax)
        if self._range is None and valid.any():
            lo, hi = np.percentile(values[valid], [2, 98])
            self._range = (float(lo), float(hi))
        lo, hi = self._range or (0.0, 1.0)
        return (float(self.vmin) if self.vmin is not None else lo, float(self.vmax) if self.vmax is not None else hi)

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
