"""Raster green coverage of the built-up area (``green_coverage_raster``).

``green_coverage_raster`` = vegetated pixels / valid pixels whose centre lies strictly
inside B (a centre on the boundary is outside; nodata and NaN pixels are not counted), read
only in the window of B, in the band ``LayerSpec.band`` (default 1). What "vegetated" means
depends on the kind of raster (``shared/indicators.md`` v2.2 "Vegetation rasters"):

- ``ndvi``: value / ``ndvi_scale`` ≥ ``ndvi_threshold``;
- ``landcover``: class in ``vegetation_classes`` (empty: the product's default vegetation
  classes); the product's no-data codes are not valid pixels; values that are no class of
  the product are ``unknown_share`` (above ``unknown_code_tolerance``: not graded);
- ``fraction``: each pixel counts value / ``fraction_scale`` (coverage = their mean).

The kind is decided by :func:`greenplan.core.raster_kind.decide_kind` from the pixels read
(the window of B) when ``vegetation_raster_kind`` is ``auto``; when it cannot be told the
value is null with a note asking for the setting, never a guess.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import shapely

from greenplan.analysis.common import NO_B, UNIT_NO_B, graded, skipped
from greenplan.analysis.context import AnalysisContext
from greenplan.analysis.result import NA_NO_BUILT_UP, Computed, Indicator, missing, not_applicable
from greenplan.core.raster_kind import (
    RasterKind,
    ValueSummary,
    VegetationOptions,
    decide_kind,
    vegetation_codes,
)

KEY_R = "green_coverage_raster"
METHOD_R = "vegetated pixels / valid pixels with centre inside B"
METHOD_FRACTION = "mean of value / fraction_scale over the valid pixels with centre inside B"


def _open(source: Any):
    """(dataset, CRS of the source if it knows better than the file) of a path or RasterSource."""
    import rasterio

    if isinstance(source, (str, os.PathLike)):
        return rasterio.open(source), None
    return source.open(), getattr(source, "crs", None)


def _to_raster_crs(geom, work_crs: str | None, raster_crs) -> shapely.Geometry:
    if work_crs is None or raster_crs is None:
        return geom
    import pyproj

    from greenplan.core.geo import transformer

    src, dst = pyproj.CRS.from_user_input(work_crs), pyproj.CRS.from_user_input(raster_crs)
    if src.equals(dst, ignore_axis_order=True):
        return geom
    tr = transformer(src, dst)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _apply(transform, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Affine ``transform`` applied to coordinate arrays."""
    a, b, c, d, e, f = tuple(transform)[:6]
    return a * x + b * y + c, d * x + e * y + f


def _window(bounds, transform, width: int, height: int):
    """Pixel window covering ``bounds`` (plus one pixel), clipped to the raster; None if outside."""
    from rasterio.windows import Window

    x0, y0, x1, y1 = bounds
    cols, rows = _apply(~transform, np.array([x0, x1, x1, x0]), np.array([y0, y0, y1, y1]))
    c0, c1 = max(0, int(np.floor(cols.min())) - 1), min(width, int(np.ceil(cols.max())) + 1)
    r0, r1 = max(0, int(np.floor(rows.min())) - 1), min(height, int(np.ceil(rows.max())) + 1)
    if c1 <= c0 or r1 <= r0:
        return None
    return Window(c0, r0, c1 - c0, r1 - r0)


def centres_inside(geom: shapely.Geometry, transform, shape: tuple[int, int]) -> np.ndarray:
    """Pixels whose centre lies strictly inside ``geom`` (a centre on the boundary is outside).

    GDAL's rasterizer decides the pixels away from the boundary; pixels touched by the
    boundary and their neighbours are decided exactly with ``contains_xy``.

    Parameters
    ----------
    geom : polygonal geometry in the raster's CRS
    transform : affine.Affine
        Of the window.
    shape : (rows, cols)
    """
    from rasterio.features import rasterize

    out = np.zeros(shape, dtype=bool)
    if geom.is_empty or shape[0] == 0 or shape[1] == 0:
        return out
    out = rasterize([(geom, 1)], out_shape=shape, transform=transform, fill=0, all_touched=False, dtype="uint8").astype(bool)
    edge = rasterize([(geom.boundary, 1)], out_shape=shape, transform=transform, fill=0, all_touched=True, dtype="uint8").astype(bool)
    grown = edge.copy()  # one pixel more on every side
    grown[1:, :] |= edge[:-1, :]
    grown[:-1, :] |= edge[1:, :]
    grown[:, 1:] |= grown[:, :-1].copy()
    grown[:, :-1] |= grown[:, 1:].copy()
    rows, cols = np.nonzero(grown)
    if len(rows):
        xs, ys = _apply(transform, cols + 0.5, rows + 0.5)
        shapely.prepare(geom)
        out[rows, cols] = shapely.contains_xy(geom, np.asarray(xs), np.asarray(ys))
    return out


class _Pixels:
    """The window's pixels read as the decided kind: validity, vegetated, unknown codes."""

    def __init__(self, arr: np.ndarray, valid: np.ndarray, kind: RasterKind, opts: VegetationOptions) -> None:
        self.kind = kind
        self.veg: np.ndarray | None = None  # ndvi, landcover: vegetated pixels
        self.frac: np.ndarray | None = None  # fraction: the vegetated share of each valid pixel
        self.unknown: np.ndarray | None = None  # landcover: valid pixels of no class of the product
        self.nodata_code: np.ndarray | None = None  # landcover: the product's no-data codes
        self.out_of_range: np.ndarray | None = None  # fraction: value / scale outside 0..1
        if kind.kind == "ndvi":
            with np.errstate(invalid="ignore"):
                self.veg = (arr.astype("float64") / opts.ndvi_scale) >= opts.ndvi_threshold
        elif kind.kind == "landcover":
            p = kind.landcover
            if p is not None and p.nodata:
                self.nodata_code = valid & np.isin(arr, np.asarray(p.nodata))
                valid = valid & ~self.nodata_code
            self.veg = np.isin(arr, np.asarray(vegetation_codes(kind, opts), dtype=np.int64))
            if p is not None:
                self.unknown = valid & ~np.isin(arr, np.asarray(sorted(p.codes)))
        else:  # fraction
            with np.errstate(invalid="ignore"):
                frac = arr.astype("float64") / float(kind.fraction_scale or 100.0)
                self.out_of_range = valid & ((frac < 0) | (frac > 1))
            valid = valid & ~self.out_of_range
            self.frac = np.where(valid, frac, 0.0)
        if self.veg is not None:
            self.veg &= valid
        self.valid = valid

    def count(self, m: np.ndarray) -> dict[str, Any]:
        """Pixel counts inside the mask ``m`` (pixel centres inside an area)."""
        n_valid = int(np.count_nonzero(m & self.valid))
        if self.frac is not None:
            veg = float(self.frac[m].sum())
            shown: float | int = round(veg, 6)
        else:
            assert self.veg is not None
            veg = float(np.count_nonzero(m & self.veg))
            shown = int(veg)
        out: dict[str, Any] = {"valid_pixels": n_valid, "vegetated_pixels": shown, "_veg": veg}
        if self.unknown is not None:
            n_unknown = int(np.count_nonzero(m & self.unknown))
            out["unknown_share"] = n_unknown / n_valid if n_valid else None
            out["_unknown"] = n_unknown
        out["_nodata_code"] = 0 if self.nodata_code is None else int(np.count_nonzero(m & self.nodata_code))
        out["_out_of_range"] = 0 if self.out_of_range is None else int(np.count_nonzero(m & self.out_of_range))
        return out


def green_coverage_raster(ctx: AnalysisContext) -> Computed:
    """Raster green coverage of B (pixel-centre rule), overall and per unit.

    Only the window of B is read, in the layer's band. B (and each unit) is reprojected to
    the raster's CRS. The raster's kind (``vegetation_raster_kind``; ``auto``: decided from
    the values read) says what counts as vegetated (see the module notes).

    Parameters
    ----------
    ctx : AnalysisContext
        Prepared layers in the working metric CRS (areas in m²).

    Returns
    -------
    Computed
        Overall and per-unit :class:`~greenplan.analysis.result.Indicator`: ratio of pixel
        counts (``numerator_m2``/``denominator_m2`` null; ``valid_pixels``,
        ``vegetated_pixels``, ``raster_kind``, ``landcover_product``, ``raster_kind_auto``,
        ``fraction_scale`` for fraction rasters, ``unknown_share`` for land cover, ``band``).
    """
    source = ctx.rasters.get("vegetation_raster")
    b = ctx.ps("B")
    if source is None:
        return skipped(ctx, KEY_R, "ratio", METHOD_R, "缺少植被栅格，未计算 / no vegetation_raster: not computed")
    if b is None:
        return skipped(ctx, KEY_R, "ratio", METHOD_R, NO_B)
    notes = ctx.notes_for("B", "built_up_area")
    opts = VegetationOptions.from_settings(ctx.settings)
    band = int(getattr(source, "band", 1) or 1)
    ctx.feedback.check()
    ds, src_crs = _open(source)
    with ds:
        if not 1 <= band <= ds.count:
            note = f"栅格只有 {ds.count} 个波段，不存在第 {band} 波段 / the raster has {ds.count} band(s): no band {band}"
            return Computed(missing(KEY_R, "ratio", METHOD_R, note), _null_units(ctx, note), notes=[f"{KEY_R}: {note}"])
        raster_crs = src_crs or ds.crs
        if raster_crs is None:
            notes.append("栅格无坐标系，按工作坐标系处理 / raster has no CRS: taken as the working CRS")
        b_geom = b.geometry()
        geom_b = _to_raster_crs(b_geom, ctx.crs, raster_crs)
        win = _window(geom_b.bounds, ds.transform, ds.width, ds.height)
        if win is None:
            note = "栅格与建成区不重叠 / raster does not overlap B"
            return Computed(missing(KEY_R, "ratio", METHOD_R, note), _null_units(ctx, note))
        data = ds.read(band, window=win, masked=True)
        tr = ds.window_transform(win)
        n_bands = ds.count
    valid = ~np.ma.getmaskarray(data)
    arr = np.ma.getdata(data)
    if np.issubdtype(arr.dtype, np.floating):
        valid &= ~np.isnan(arr)
    kind = decide_kind(ValueSummary.of(arr, valid), opts)
    extra_kind = kind.extra()
    if n_bands > 1:
        extra_kind["band"] = band
        notes.append(f"多波段栅格（{n_bands} 个波段），使用第 {band} 波段 / multi-band raster ({n_bands} bands): band {band} used")
    doc_notes = []
    if not kind.known:
        en, zh = kind.describe()
        note = f"{zh} / {en}"
        extra_kind["ungraded"] = "raster_kind"  # not measured: loud on screen, exit 1
        ind = missing(KEY_R, "ratio", METHOD_R, note, **extra_kind)
        for n in notes:
            ind.note(n)
        units = None if ctx.units is None else [missing(KEY_R, "ratio", METHOD_R, note, **extra_kind) for _ in range(ctx.units.n)]
        return Computed(ind, units, notes=[f"{KEY_R}: {note}"])
    if kind.auto and kind.alternatives or kind.reason_en:
        en, zh = kind.describe()
        notes.append(f"{zh} / {en}")
        doc_notes.append(f"{KEY_R}: {zh} / {en}")
    method = METHOD_FRACTION if kind.kind == "fraction" else METHOD_R
    px = _Pixels(arr, valid, kind, opts)
    inside = centres_inside(geom_b, tr, arr.shape)
    ind = _indicator(ctx, px.count(inside), extra_kind, notes, method, kind)
    by_unit = None
    if ctx.units is not None:
        # units from their own copies: this may run in a worker thread beside the vector
        # indicators, which use the prepared unit polygons
        by_unit = []
        for i in range(ctx.units.n):
            ctx.feedback.check()
            unit_geom = shapely.multipolygons(ctx.units.mask.geoms[ctx.units.part_unit == i])
            m = inside & centres_inside(_to_raster_crs(unit_geom, ctx.crs, raster_crs), tr, arr.shape)
            if not m.any():
                if not shapely.area(shapely.intersection(unit_geom, b_geom)) > 0:  # no B at all: not applicable
                    by_unit.append(not_applicable(KEY_R, "ratio", method, NA_NO_BUILT_UP, UNIT_NO_B, **extra_kind))
                    continue
                by_unit.append(missing(KEY_R, "ratio", method, "该行政区内无建成区像元 / no pixel centre of B in this unit",
                                       **extra_kind))
                continue
            by_unit.append(_indicator(ctx, px.count(m), extra_kind, [], method, kind))
    return Computed(ind, by_unit, notes=doc_notes)


def _indicator(ctx: AnalysisContext, counts: dict[str, Any], extra_kind: dict[str, Any], notes: list[str], method: str,
               kind: RasterKind) -> Indicator:
    n_valid, veg = counts["valid_pixels"], counts.pop("_veg")
    n_unknown, n_nodata, n_oor = counts.pop("_unknown", 0), counts.pop("_nodata_code"), counts.pop("_out_of_range")
    extra = {**counts, **extra_kind}
    tol = float(getattr(ctx.settings, "unknown_code_tolerance", 0.01))
    if kind.kind == "fraction" and n_oor and n_oor > tol * (n_valid + n_oor):
        note = (f"{n_oor} 个像元值超出 0–{kind.fraction_scale:g}（fraction_scale），无法按覆盖度读取：请设置 fraction_scale"
                f" / {n_oor} pixel values lie outside 0–{kind.fraction_scale:g} (fraction_scale): set fraction_scale")
        ind = missing(KEY_R, "ratio", method, note, **extra)
        for n in notes:
            ind.note(n)
        return ind
    ind = missing(KEY_R, "ratio", method, "建成区内无有效像元 / no valid pixel centre inside B", **extra)
    if n_valid > 0:
        ind.value = min(1.0, max(0.0, veg / n_valid))
        ind.notes = []
        graded(ctx, ind)
    for n in notes:
        ind.note(n)
    if n_oor:
        ind.note(f"{n_oor} 个像元值超出 0–{kind.fraction_scale:g}，未计入 / {n_oor} pixel values outside "
                 f"0–{kind.fraction_scale:g} left out")
    if n_nodata:
        p = kind.landcover
        codes = ", ".join(str(c) for c in p.nodata) if p else ""
        ind.note(f"{n_nodata} 个像元为产品的无数据编码（{codes}），未计入 / {n_nodata} pixels hold the product's "
                 f"no-data code ({codes}): not counted")
    share = counts.get("unknown_share")
    if n_unknown:
        p = kind.landcover
        name_zh, name_en = (p.name_zh, p.name_en) if p else ("", "")
        ind.note(f"{n_unknown} 个像元的值不是 {name_zh} 的类别（占 {100 * (share or 0):.1f}%），按非植被计 / {n_unknown} pixels "
                 f"hold values that are no {name_en} class ({100 * (share or 0):.1f} %): counted as not vegetated")
        if share is not None and share > tol and ind.value is not None:
            ind.grade, ind.passed = None, None
            ind.extra["ungraded"] = "unknown_codes"
            ind.extra["bound"] = "lower"
            ind.note(f"未识别类别超过容差 {100 * tol:g}%，不评级（数值为下限） / unknown classes above the tolerance "
                     f"{100 * tol:g} %: not graded (the value is a lower bound)")
    return ind


def _null_units(ctx: AnalysisContext, note: str):
    if ctx.units is None:
        return None
    return [missing(KEY_R, "ratio", METHOD_R, note) for _ in range(ctx.units.n)]
