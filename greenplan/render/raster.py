"""Raster layers on a map: read only the view's window, at output resolution, coloured once.

Never the full-resolution county array: the window of the view is read decimated to the
output pixel size with rasterio's ``out_shape`` (GDAL uses overviews when the file has
them), coloured to RGBA through the layer's :class:`~greenplan.render.raster_style.RasterLook`
(the one the desktop canvas uses: NDVI and fraction ramps, land-cover palettes), and handed
to ``imshow`` as a ready image (cheaper than a masked float array, which matplotlib
resamples and colours in two passes). The legend gets a colour bar with values for a ramp,
or one line per land-cover class present in the view.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from greenplan.render.draw import LegendEntry, record_entry
from greenplan.render.images import add_image
from greenplan.render.raster_style import RasterLook, look_for_kind, raster_look
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
    #: legend lines (a colour bar, or the land-cover classes present)
    entries: list[LegendEntry] = field(default_factory=list)


def _valid(data: np.ndarray, nodata: float | None) -> np.ndarray:
    valid = np.isfinite(data) if np.issubdtype(data.dtype, np.floating) else np.ones(data.shape, dtype=bool)
    if nodata is not None and not np.isnan(nodata):
        valid &= data != nodata
    return valid


def _legend(key: str, style: LayerStyle, look: RasterLook, data: np.ndarray, valid: np.ndarray,
            vrange: tuple[float, float] | None) -> list[LegendEntry]:
    """The legend lines of a drawn raster window."""
    import dataclasses

    if look.categorical:
        return [LegendEntry(key, dataclasses.replace(style, id=f"{key}:{c.code}", label=c.zh, kind="polygon", fill=c.colour,
                                                     edge=None, categories=()), "polygon", edges=False, group=look.title)
                for c in look.classes_present(data, valid)]
    lo, hi = vrange or look.value_range(data, valid)
    ticks = tuple(((v - lo) / (hi - lo), text) for v, text in look.ticks(lo, hi))
    return [LegendEntry(key, dataclasses.replace(style, label=look.title, cmap=look.cmap, vmin=lo, vmax=hi), "raster",
                        group=look.title, ramp=(look.cmap, ticks))]


def prepare_raster(path: Any, extent: tuple[float, float, float, float], *, pixel_size: float,
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
    source = path if hasattr(path, "open") and hasattr(path, "band") else None
    path = source.path if source is not None else path
    band = int(getattr(source, "band", 1) or 1)
    try:
        src0 = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise LayerSourceError(f"The raster cannot be opened ({exc}).", f"无法打开栅格文件（{exc}）。",
                               path=path, hint_en="Check that the file exists and is a GeoTIFF.",
                               hint_zh="请检查文件是否存在且为 GeoTIFF 等栅格格式。") from None
    with src0:
        if source is None and style.id == "vegetation_raster":
            source = _source_of(src0, path)
        look = raster_look(source, style) if source is not None else look_for_kind(None, style)
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
            data = src.read(band, window=win, out_shape=shape, resampling=Resampling.nearest)
            nodata = src.nodatavals[band - 1]
            t = src.transform  # north-up (a rotated grid would need a warp)
            left, top = t.c + win.col_off * t.a, t.f + win.row_off * t.e
            right, bottom = left + win.width * t.a, top + win.height * t.e
        finally:
            if warp:
                src.close()
    valid = _valid(data, nodata)
    vrange = None if look.categorical else look.value_range(data, valid)
    rgba = look.colour(data, valid, vrange)
    return RasterDrawing(key, style, rgba, (left, right, bottom, top), _legend(key, style, look, data, valid, vrange))


def _source_of(ds: Any, path: Any) -> Any:
    """A RasterSource for a raster given by its path (band 1, default settings)."""
    from greenplan.io.raster import RasterSource, corner_bounds

    return RasterSource(path=path, crs=None, transform=ds.transform, width=ds.width, height=ds.height, nodata=ds.nodata,
                        dtype=ds.dtypes[0], bounds=corner_bounds(ds.transform, ds.width, ds.height), count=ds.count)


def add_raster(ax: Axes, d: RasterDrawing) -> Axes:
    """Add a prepared raster to ``ax`` and record its legend entry."""
    if d.rgba is None:
        return ax
    add_image(ax, d.rgba, d.extent, zorder=d.style.zorder, gid=d.style.id)
    for e in d.entries or [LegendEntry(d.key, d.style, "raster")]:
        record_entry(ax, e)
    return ax


def draw_raster(ax: Axes, path: Any, extent: tuple[float, float, float, float], *,
                pixel_size: float, style: LayerStyle, crs: Any = None, key: str | None = None) -> Axes:
    """Draw a raster: only the window of ``extent``, read at output resolution.

    Parameters
    ----------
    ax : Axes
    path : path-like or RasterSource
        A GDAL raster (GeoTIFF ...); a :class:`~greenplan.io.raster.RasterSource` gives the
        band to draw and, for a vegetation raster, how to read it (NDVI, land cover, fraction).
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
