"""Raster layers on a map: read only the view's window, at output resolution, coloured once.

Never the full-resolution county array: the window of the view is read decimated to the
output pixel size with rasterio's ``out_shape`` (GDAL uses overviews when the file has
them), coloured to RGBA through the style's colour map, and handed to ``imshow`` as a
ready image (cheaper than a masked float array, which matplotlib resamples and colours in
two passes).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from greenplan.render.draw import LegendEntry, record_entry
from greenplan.render.images import add_image
from greenplan.render.styles import LayerStyle

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass
class RasterDrawing:
    """A coloured raster window ready for ``imshow``."""

    key: str
    style: LayerStyle
    rgba: np.ndarray | None
    extent: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # left, right, bottom, top


def colour_raster(data: np.ndarray, nodata: float | None, style: LayerStyle) -> np.ndarray:
    """RGBA (uint8) of a band through the style's colour map; nodata and NaN transparent.

    Without ``vmin``/``vmax`` the 2nd and 98th percentiles of the valid values are used.

    Examples
    --------
    >>> from greenplan.render.styles import resolve_style
    >>> s = resolve_style("vegetation_raster", {"cmap": "gray", "vmin": 0, "vmax": 1})
    >>> colour_raster(np.array([[0.0, 1.0, -9999.0]]), -9999.0, s)[0].tolist()
    [[0, 0, 0, 255], [255, 255, 255, 255], [0, 0, 0, 0]]
    """
    from matplotlib import colormaps

    valid = np.isfinite(data)
    if nodata is not None and not np.isnan(nodata):
        valid &= data != nodata
    vmin, vmax = style.vmin, style.vmax
    if vmin is None or vmax is None:
        vals = data[valid]
        if vals.size:
            lo, hi = np.percentile(vals, [2, 98])
            vmin = lo if vmin is None else vmin
            vmax = hi if vmax is None else vmax
    vmin = 0.0 if vmin is None else float(vmin)
    vmax = vmin + 1.0 if vmax is None or vmax <= vmin else float(vmax)
    lut = np.round(colormaps[style.cmap](np.linspace(0.0, 1.0, 256)) * 255).astype(np.uint8)
    lut[:, 3] = np.round(lut[:, 3] * style.alpha).astype(np.uint8)
    lut32 = lut.view(np.uint32).ravel()
    with np.errstate(invalid="ignore"):
        scaled = np.subtract(data, np.float32(vmin), dtype=np.float32)
        scaled *= np.float32(255.0 / (vmax - vmin))
        np.clip(scaled, 0, 255, out=scaled)
        idx = scaled.astype(np.uint8)  # NaN and nodata give some index; cleared below
    out = lut32[idx]
    out[~valid] = 0  # transparent
    return out.view(np.uint8).reshape(*data.shape, 4)


def prepare_raster(path: str | os.PathLike, extent: tuple[float, float, float, float], *, pixel_size: float,
                   style: LayerStyle, crs: Any = None, key: str | None = None) -> RasterDrawing:
    """Read and colour the window of ``extent`` (thread-safe; GDAL releases the GIL).

    Parameters are those of :func:`draw_raster`.

    Raises
    ------
    LayerSourceError
        The file cannot be opened as a raster.
    """
    import rasterio
    from rasterio.enums import Resampling
    from rasterio.vrt import WarpedVRT
    from rasterio.windows import Window, from_bounds

    from greenplan.core.errors import LayerSourceError

    key = key or style.id
    try:
        src0 = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise LayerSourceError(f"The raster cannot be opened ({exc}).", f"无法打开栅格文件（{exc}）。",
                               path=path, hint_en="Check that the file exists and is a GeoTIFF.",
                               hint_zh="请检查文件是否存在且为 GeoTIFF 等栅格格式。") from None
    with src0:
        warp = crs is not None and src0.crs is not None and src0.crs != crs
        src = WarpedVRT(src0, crs=crs) if warp else src0
        try:
            l_, b_, r_, t_ = src.bounds
            x0, y0, x1, y1 = max(extent[0], l_), max(extent[1], b_), min(extent[2], r_), min(extent[3], t_)
            if x1 <= x0 or y1 <= y0:
                return RasterDrawing(key, style, None)
            w = from_bounds(x0, y0, x1, y1, src.transform)
            c0, r0 = math.floor(w.col_off + 1e-9), math.floor(w.row_off + 1e-9)
            c1, r1 = math.ceil(w.col_off + w.width - 1e-9), math.ceil(w.row_off + w.height - 1e-9)
            win = Window(c0, r0, c1 - c0, r1 - r0).intersection(Window(0, 0, src.width, src.height))
            step = max(1.0, pixel_size / abs(src.transform.a))
            shape = (max(1, math.ceil(win.height / step)), max(1, math.ceil(win.width / step)))
            data = src.read(1, window=win, out_shape=shape, resampling=Resampling.nearest)
            nodata = src.nodata
            t = src.transform  # north-up (a rotated grid would need a warp)
            left, top = t.c + win.col_off * t.a, t.f + win.row_off * t.e
            right, bottom = left + win.width * t.a, top + win.height * t.e
        finally:
            if warp:
                src.close()
    return RasterDrawing(key, style, colour_raster(data, nodata, style), (left, right, bottom, top))


def add_raster(ax: Axes, d: RasterDrawing) -> Axes:
    """Add a prepared raster to ``ax`` and record its legend entry."""
    if d.rgba is None:
        return ax
    add_image(ax, d.rgba, d.extent, zorder=d.style.zorder, gid=d.style.id)
    record_entry(ax, LegendEntry(d.key, d.style, "raster"))
    return ax


def draw_raster(ax: Axes, path: str | os.PathLike, extent: tuple[float, float, float, float], *,
                pixel_size: float, style: LayerStyle, crs: Any = None, key: str | None = None) -> Axes:
    """Draw band 1 of a raster file: only the window of ``extent``, read at output resolution.

    Parameters
    ----------
    ax : Axes
    path : path-like
        A GDAL raster (GeoTIFF ...).
    extent : (xmin, ymin, xmax, ymax)
        View in the map CRS.
    pixel_size : float
        Output pixel size (metres); the window is read decimated to it with ``out_shape``.
    style : LayerStyle
        ``cmap``, ``vmin``, ``vmax``, ``alpha``, ``zorder``.
    crs : optional
        The map CRS; a raster in another CRS is warped on the fly (``WarpedVRT``).
    key : str, optional
        Layer key for the legend.

    Returns
    -------
    Axes
    """
    return add_raster(ax, prepare_raster(path, extent, pixel_size=pixel_size, style=style, crs=crs, key=key))
