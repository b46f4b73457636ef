"""Raster layers: opened lazily through rasterio, read by window, never whole unless asked.

A :class:`RasterSource` is a description (size, transform, CRS, nodata) and a way to
open the file; analyses read the windows they need (``ds.read(1, window=...)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import affine
import numpy as np
import pyproj

from greenplan.core.feedback import Feedback
from greenplan.io.crs import crs_label
from greenplan.io.report import LayerReport

if TYPE_CHECKING:
    import rasterio

#: file name endings read as rasters when a layer has no raster role to say so
RASTER_SUFFIXES = (".tif", ".tiff", ".img", ".vrt", ".asc", ".jp2", ".nc", ".hdf", ".dem", ".bil", ".png", ".jpg")


@dataclass
class RasterSource:
    """A raster file, described but not read.

    Attributes
    ----------
    path : Path
    crs : pyproj.CRS or None
        The file's CRS, or the guessed one when the file has none (then the dataset
        returned by :meth:`open` has no CRS; use this attribute, not ``ds.crs``).
    transform : affine.Affine
        Pixel → CRS coordinates (may be rotated; see ``report.raster["rotated"]``).
    width, height : int
        Pixels.
    nodata : float or None
        Nodata value of band 1.
    dtype : str
        Data type of band 1 (``uint8``, ``float32`` ...).
    bounds : (left, bottom, right, top)
        Extent in ``crs`` units.
    """

    path: Path
    crs: pyproj.CRS | None
    transform: affine.Affine
    width: int
    height: int
    nodata: float | None
    dtype: str
    bounds: tuple[float, float, float, float]
    count: int = 1

    def open(self) -> rasterio.DatasetReader:
        """Open the file read-only; the caller closes it (use it as a context manager).

        Examples
        --------
        >>> # with source.open() as ds: block = ds.read(1, window=...)
        """
        import rasterio

        return rasterio.open(self.path)

    @property
    def res(self) -> tuple[float, float]:
        """Pixel size (x, y) in CRS units (absolute values; rotation ignored)."""
        return (float(np.hypot(self.transform.a, self.transform.d)), float(np.hypot(self.transform.b, self.transform.e)))


@dataclass(frozen=True)
class RasterSample:
    """The pixel of a raster under a map point: its row/column and one value per band
    (None where the band has no data there)."""

    row: int
    col: int
    values: tuple[float | None, ...]


def sample_at(source: RasterSource, x: float, y: float, crs: pyproj.CRS | None) -> RasterSample | None:
    """The pixel of ``source`` at the map point (``x``, ``y``), given in ``crs``.

    The point is transformed to the raster's CRS when they differ (``crs`` None: the same).
    Only that one pixel is read.

    Returns
    -------
    RasterSample or None
        None when the point is outside the raster.
    """
    from rasterio.windows import Window

    from greenplan.core.geo import transformer

    if crs is not None and source.crs is not None and not pyproj.CRS(crs).equals(source.crs, ignore_axis_order=True):
        x, y = transformer(pyproj.CRS(crs), source.crs).transform(x, y)
    if not (np.isfinite(x) and np.isfinite(y)):
        return None
    col, row = ~source.transform @ (x, y)
    col, row = int(np.floor(col)), int(np.floor(row))
    if not (0 <= col < source.width and 0 <= row < source.height):
        return None
    with source.open() as ds:
        block = ds.read(window=Window(col, row, 1, 1), masked=True)
    values = []
    for band in block:
        v = band[0, 0]
        nan = np.issubdtype(band.dtype, np.floating) and np.isnan(band.data[0, 0])
        values.append(None if np.ma.is_masked(v) or nan else float(v))
    return RasterSample(row=row, col=col, values=tuple(values))


def corner_bounds(t: affine.Affine, width: int, height: int) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) around the four corners (also for rotated grids)."""
    xs, ys = zip(*(t @ (c, r) for c, r in ((0, 0), (width, 0), (0, height), (width, height))), strict=True)
    return (float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)))


def _all_nodata(ds: Any, feedback: Feedback) -> bool:
    """True when band 1 has no valid pixel; reads block by block and stops at the first."""
    for k, (_, window) in enumerate(ds.block_windows(1)):
        if k % 16 == 0:
            feedback.check()
        mask = ds.read_masks(1, window=window)
        if mask.any():
            data = ds.read(1, window=window)
            valid = mask > 0
            if np.issubdtype(data.dtype, np.floating):
                valid &= ~np.isnan(data)
            if valid.any():
                return False
    return True


def open_raster(path: Path, report: LayerReport, *, feedback: Feedback | None = None, scan_nodata: bool = False) -> RasterSource:
    """Describe a raster file and fill ``report`` (format, size, CRS as read).

    Parameters
    ----------
    path : Path
    report : LayerReport
    feedback : Feedback, optional
    scan_nodata : bool
        Also find out whether the raster has any valid pixel (reads blocks until the
        first valid one; the data check does it, loading does not).

    Raises
    ------
    LayerSourceError
        Missing file or not a raster GDAL can open.
    """
    import rasterio

    from greenplan.io.vector import missing_error, unreadable_error

    feedback = feedback or Feedback()
    if not path.exists():
        raise missing_error(path, None)
    try:
        with rasterio.open(path) as ds:
            crs = pyproj.CRS.from_wkt(ds.crs.to_wkt()) if ds.crs else None
            src = RasterSource(
                path=path,
                crs=crs,
                transform=ds.transform,
                width=ds.width,
                height=ds.height,
                nodata=ds.nodata,
                dtype=ds.dtypes[0],
                bounds=corner_bounds(ds.transform, ds.width, ds.height),
                count=ds.count,
            )
            t = ds.transform
            rotated = bool(t.b != 0 or t.d != 0)
            report.format = ds.driver
            report.raster = {
                "width": ds.width,
                "height": ds.height,
                "bands": ds.count,
                "dtype": ds.dtypes[0],
                "nodata": ds.nodata,
                "res": list(src.res),
                "rotated": rotated,
                "transform": list(t)[:6],
            }
            if scan_nodata:
                report.raster["all_nodata"] = _all_nodata(ds, feedback)
    except rasterio.errors.RasterioIOError as exc:
        raise unreadable_error(path, None, str(exc)) from None
    if rotated:
        report.add("warning", "raster_rotated", "The raster grid is rotated; analyses treat pixels by their centres.",
                   "栅格网格存在旋转；分析按像元中心处理。")
    if report.raster.get("all_nodata"):
        report.add("problem", "raster_all_nodata", "Band 1 has no valid pixel (all nodata).",
                   "第1波段没有有效像元（全部为无数据值）。")
    if crs is not None:
        unit = crs.axis_info[0].unit_name if crs.axis_info else "?"
        report.raster["crs_units"] = unit
    report.bounds = src.bounds
    report.feature_count = None
    report.fields = []
    label = crs_label(crs)
    report.raster["crs_read"] = label
    return src
