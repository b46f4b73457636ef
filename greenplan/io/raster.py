"""Raster layers: opened lazily through rasterio, read by window, never whole unless asked.

A :class:`RasterSource` is a description (size, transform, CRS, nodata, the band used) and
a way to open the file; analyses read the windows they need (``ds.read(source.band,
window=...)``). :func:`raster_summary` and :func:`vegetation_kind` tell what a vegetation
raster holds from a decimated read of the whole band (the data check, the maps, the canvas).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import affine
import numpy as np
import pyproj

from greenplan.core.feedback import Feedback
from greenplan.core.raster_kind import RasterKind, ValueSummary, VegetationOptions, decide_kind
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
        Nodata value of the band read.
    dtype : str
        Data type of the band read (``uint8``, ``float32`` ...).
    bounds : (left, bottom, right, top)
        Extent in ``crs`` units.
    count : int
        Bands in the file.
    band : int
        The band analyses read and maps draw (1-based; layer option ``band``).
    vegetation : VegetationOptions or None
        How to read a ``vegetation_raster`` (from the project settings); None for other roles.
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
    band: int = 1
    vegetation: VegetationOptions | None = None
    #: decimated summary of the band's values (see :func:`raster_summary`), read once
    _summary: ValueSummary | None = field(default=None, init=False, repr=False, compare=False)

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


def _all_nodata(ds: Any, feedback: Feedback, band: int = 1) -> bool:
    """True when ``band`` has no valid pixel; reads block by block and stops at the first."""
    for k, (_, window) in enumerate(ds.block_windows(band)):
        if k % 16 == 0:
            feedback.check()
        mask = ds.read_masks(band, window=window)
        if mask.any():
            data = ds.read(band, window=window)
            valid = mask > 0
            if np.issubdtype(data.dtype, np.floating):
                valid &= ~np.isnan(data)
            if valid.any():
                return False
    return True


def open_raster(path: Path, report: LayerReport, *, feedback: Feedback | None = None, scan_nodata: bool = False,
                band: int | None = None, vegetation: VegetationOptions | None = None) -> RasterSource:
    """Describe a raster file and fill ``report`` (format, size, CRS as read).

    Parameters
    ----------
    path : Path
    report : LayerReport
    feedback : Feedback, optional
    scan_nodata : bool
        Also find out whether the raster has any valid pixel (reads blocks until the
        first valid one; the data check does it, loading does not).
    band : int, optional
        The band to use (1-based; default 1). A multi-band raster read as vegetation
        gets a warning naming it.
    vegetation : VegetationOptions, optional
        Given for a ``vegetation_raster`` layer: how to read it (kept on the source for
        the maps and the canvas).

    Raises
    ------
    LayerSourceError
        Missing file, not a raster GDAL can open, or no such band.
    """
    import rasterio

    from greenplan.io.vector import missing_error, unreadable_error

    feedback = feedback or Feedback()
    if not path.exists():
        raise missing_error(path, None)
    band = int(band or 1)
    try:
        with rasterio.open(path) as ds:
            if not 1 <= band <= ds.count:
                raise _band_error(path, band, ds.count, getattr(report, "name", None))
            crs = pyproj.CRS.from_wkt(ds.crs.to_wkt()) if ds.crs else None
            src = RasterSource(
                path=path,
                crs=crs,
                transform=ds.transform,
                width=ds.width,
                height=ds.height,
                nodata=ds.nodatavals[band - 1],
                dtype=ds.dtypes[band - 1],
                bounds=corner_bounds(ds.transform, ds.width, ds.height),
                count=ds.count,
                band=band,
                vegetation=vegetation,
            )
            t = ds.transform
            rotated = bool(t.b != 0 or t.d != 0)
            report.format = ds.driver
            report.raster = {
                "width": ds.width,
                "height": ds.height,
                "bands": ds.count,
                "dtype": ds.dtypes[band - 1],
                "nodata": ds.nodatavals[band - 1],
                "band": band,
                "res": list(src.res),
                "rotated": rotated,
                "transform": list(t)[:6],
            }
            if scan_nodata:
                report.raster["all_nodata"] = _all_nodata(ds, feedback, band)
    except rasterio.errors.RasterioIOError as exc:
        raise unreadable_error(path, None, str(exc)) from None
    if rotated:
        report.add("warning", "raster_rotated", "The raster grid is rotated; analyses treat pixels by their centres.",
                   "栅格网格存在旋转；分析按像元中心处理。")
    if report.raster.get("all_nodata"):
        report.add("problem", "raster_all_nodata", f"Band {band} has no valid pixel (all nodata).",
                   f"第{band}波段没有有效像元（全部为无数据值）。")
    if vegetation is not None and src.count > 1:
        report.add("warning", "raster_band", f"The raster has {src.count} bands; band {band} is read as vegetation "
                   "(layer option band).",
                   f"该栅格有 {src.count} 个波段，按第 {band} 波段读取植被数据（图层选项 band）。", band=band, bands=src.count)
    if crs is not None:
        unit = crs.axis_info[0].unit_name if crs.axis_info else "?"
        report.raster["crs_units"] = unit
    report.bounds = src.bounds
    report.feature_count = None
    report.fields = []
    label = crs_label(crs)
    report.raster["crs_read"] = label
    return src


def _band_error(path: Path, band: int, count: int, layer: str | None = None):
    from greenplan.core.errors import LayerSourceError

    return LayerSourceError(
        f"The raster has {count} band(s); band {band} does not exist.",
        f"该栅格只有 {count} 个波段，不存在第 {band} 波段。",
        path=path, layer=layer, key="band",
        hint_en=f"Set the layer option band to a number from 1 to {count}.",
        hint_zh=f"请将图层选项 band 设为 1 到 {count} 之间的波段号。")


#: the whole band is summarised from a read decimated to at most this many pixels a side
SUMMARY_SIDE = 512


def raster_summary(source: RasterSource) -> ValueSummary:
    """What the band used holds, from a read of the whole raster decimated to at most
    :data:`SUMMARY_SIDE` pixels a side (nearest neighbour: values are never blended; GDAL
    uses the file's overviews when it has them). Read once per source.

    Nodata and NaN pixels are left out.
    """
    if source._summary is not None:
        return source._summary
    from rasterio.enums import Resampling

    step = max(1.0, max(source.width, source.height) / SUMMARY_SIDE)
    shape = (max(1, round(source.height / step)), max(1, round(source.width / step)))
    with source.open() as ds:
        data = ds.read(source.band, out_shape=shape, resampling=Resampling.nearest, masked=True)
    arr = np.ma.getdata(data)
    summary = ValueSummary.of(arr, ~np.ma.getmaskarray(data))
    source._summary = summary
    return summary


def vegetation_kind(source: RasterSource, options: VegetationOptions | None = None) -> RasterKind:
    """The kind the vegetation raster ``source`` is read as (whole-raster sample; see
    :func:`greenplan.core.raster_kind.decide_kind`). ``options`` default to the source's own."""
    opts = options or source.vegetation or VegetationOptions()
    return decide_kind(raster_summary(source), opts)


def report_vegetation_kind(source: RasterSource, report: LayerReport, options: VegetationOptions) -> RasterKind:
    """Add the kind of a vegetation raster to its check report: an info naming the kind and
    product (with any other reading the values allow), or a problem when it cannot be told.

    Returns
    -------
    RasterKind
    """
    kind = vegetation_kind(source, options)
    en, zh = kind.describe()
    data = {k: v for k, v in kind.extra().items() if v is not None}
    if report.raster is not None:
        report.raster.update({"kind": kind.kind, "landcover_product": kind.product})
    if not kind.known:
        report.add("problem", "raster_kind_unknown", en + " The raster green coverage is not computed.",
                   zh + "不计算栅格绿化覆盖率。", **data)
        return kind
    report.add("info", "raster_kind", en, zh, **data)
    if kind.unlisted:
        shown = ", ".join(str(v) for v in kind.unlisted[:10])
        p = kind.landcover
        name = p.name_en if p else kind.product
        report.add("problem", "raster_unlisted_classes",
                   f"Values {shown} are no classes of {name}: they count as not vegetated and are reported as unknown.",
                   f"像元值 {shown} 不是 {p.name_zh if p else kind.product} 的类别：按非植被计，并作为未识别类别报告。",
                   values=list(kind.unlisted))
    return kind


def add_raster_kind_issues(loaded: Any, settings: Any) -> None:
    """The data check's finding on each vegetation raster of ``loaded`` (a ``LoadedProject``):
    the kind and product it is read as (info), or a problem when the kind cannot be told."""
    opts = VegetationOptions.from_settings(settings)
    for lyr in loaded.layers:
        if lyr.spec.role != "vegetation_raster" or lyr.raster is None:
            continue
        try:
            report_vegetation_kind(lyr.raster, lyr.report, lyr.raster.vegetation or opts)
        except Exception as exc:  # noqa: BLE001 - a read error is a finding, not a crash
            lyr.report.add("problem", "raster_unreadable", f"The raster's values cannot be read ({exc}).",
                           f"无法读取栅格像元值（{exc}）。")
