"""Green coverage of the built-up area (建成区绿化覆盖率), from vectors and from a raster.

``green_coverage_vector`` = area(V ∩ B) / area(B), V = union of green_space features of
every class except G3* (plazas), land-use parcels in category ``vegetation`` and scenario
greening. ``green_coverage_raster`` = vegetated pixels / valid pixels whose centre lies
strictly inside B (a centre on the boundary is outside; nodata and NaN pixels are not
counted), read only in the window of B.

Notes
-----
Coverage counts the vertical projection of all vegetation, rooftop plants included, each
area once (national garden-city guidance; ``shared/domain.md`` §1.1).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import shapely

from greenplan.analysis.common import NO_B, graded, skipped, unit_ratios
from greenplan.analysis.context import AnalysisContext
from greenplan.analysis.result import Computed, missing, ratio

KEY_V = "green_coverage_vector"
KEY_R = "green_coverage_raster"
METHOD_V = "area(V ∩ B) / area(B); V = green_space (not G3) ∪ land_use vegetation ∪ scenario greening"
METHOD_R = "vegetated pixels / valid pixels with centre inside B"


def green_coverage_vector(ctx: AnalysisContext) -> Computed:
    """Vector green coverage of B, overall and per unit.

    Parameters
    ----------
    ctx : AnalysisContext
        Prepared layers (working metric CRS).

    Returns
    -------
    Computed
        Ratio in [0, 1]; numerator/denominator in m².
    """
    b = ctx.ps("B")
    if b is None:
        return skipped(ctx, KEY_V, "ratio", METHOD_V, NO_B)
    if "green_space" not in ctx.layer and "land_use" not in ctx.layer and "scenario_greening" not in ctx.layer:
        return skipped(ctx, KEY_V, "ratio", METHOD_V, "缺少绿地与土地利用图层 / no green_space or land_use layer")
    v = vegetation_in_b(ctx)
    notes = ctx.notes_for("B", "green_space", "land_use", "built_up_area", "scenario_greening")
    for role, zh in (("green_space", "绿地"), ("land_use", "土地利用")):
        if role not in ctx.layer:
            notes.append(f"缺少{zh}图层，V 未含该部分 / no {role} layer: V without it")
    ind = graded(ctx, ratio(KEY_V, v.area, b.area, METHOD_V))
    for n in notes:
        ind.note(n)
    by_unit = None
    if ctx.units is not None:
        b_u = ctx.units.areas(b)
        by_unit = unit_ratios(ctx, KEY_V, ctx.units.areas(v), b_u, METHOD_V, b_u=b_u)
    return Computed(ind, by_unit)


def vegetation_in_b(ctx: AnalysisContext):
    """V ∩ B as pieces (cached in the context)."""
    b = ctx.ps("B")
    return ctx.cached(
        "V∩B",
        lambda: ctx.union_all_of(
            [
                ctx.lu_pieces("vegetation", "B"),
                ctx.pieces_of("green_space", ctx.green_rows(None, exclude=("G3",)), b),
                ctx.pieces_of("scenario_greening", None, b),
            ]
        ),
    )


# ---------------------------------------------------------------------------- raster
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


def _vegetated(ctx: AnalysisContext, data: np.ndarray, dtype: str) -> tuple[np.ndarray, str]:
    s = ctx.settings
    kind = s.vegetation_raster_kind
    if kind == "auto":
        kind = "ndvi" if np.issubdtype(np.dtype(dtype), np.floating) else "landcover"
    if kind == "ndvi":
        return (data.astype("float64") / float(s.ndvi_scale)) >= s.ndvi_threshold, kind
    return np.isin(data, np.asarray(s.vegetation_classes or [10, 20, 30, 90, 95, 100])), kind


def green_coverage_raster(ctx: AnalysisContext) -> Computed:
    """Raster green coverage of B (pixel-centre rule), overall and per unit.

    Only the window of B is read. B (and each unit) is reprojected to the raster's CRS.
    ``vegetation_raster_kind`` ``auto`` treats a float raster as NDVI (value /
    ``ndvi_scale`` ≥ ``ndvi_threshold``) and an integer one as land cover (class in
    ``vegetation_classes``).

    Parameters
    ----------
    ctx : AnalysisContext
        Prepared layers in the working metric CRS (areas in m²).

    Returns
    -------
    Computed
        Overall and per-unit :class:`~greenplan.analysis.result.Indicator`: ratio of pixel counts (``numerator_m2``/``denominator_m2`` null; ``valid_pixels``, ``vegetated_pixels``, ``raster_kind``).
    """
    source = ctx.rasters.get("vegetation_raster")
    b = ctx.ps("B")
    if source is None:
        return skipped(ctx, KEY_R, "ratio", METHOD_R, "缺少植被栅格，未计算 / no vegetation_raster: not computed")
    if b is None:
        return skipped(ctx, KEY_R, "ratio", METHOD_R, NO_B)
    notes = ctx.notes_for("B", "built_up_area")
    ctx.feedback.check()
    ds, src_crs = _open(source)
    with ds:
        raster_crs = src_crs or ds.crs
        if raster_crs is None:
            notes.append("栅格无坐标系，按工作坐标系处理 / raster has no CRS: taken as the working CRS")
        geom_b = _to_raster_crs(b.geometry(), ctx.crs, raster_crs)
        win = _window(geom_b.bounds, ds.transform, ds.width, ds.height)
        if win is None:
            note = "栅格与建成区不重叠 / raster does not overlap B"
            return Computed(missing(KEY_R, "ratio", METHOD_R, note), _null_units(ctx, note))
        data = ds.read(1, window=win, masked=True)
        tr = ds.window_transform(win)
        dtype = ds.dtypes[0]
    valid = ~np.ma.getmaskarray(data)
    arr = np.ma.getdata(data)
    if np.issubdtype(arr.dtype, np.floating):
        valid &= ~np.isnan(arr)
    veg, kind = _vegetated(ctx, arr, dtype)
    veg &= valid
    inside = centres_inside(geom_b, tr, arr.shape)
    n_valid, n_veg = int((inside & valid).sum()), int((inside & veg).sum())
    extra = {"valid_pixels": n_valid, "vegetated_pixels": n_veg, "raster_kind": kind}
    ind = _pixel_ratio(ctx, n_veg, n_valid, extra, notes)
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
                by_unit.append(missing(KEY_R, "ratio", METHOD_R, "该行政区内无建成区像元 / no pixel centre of B in this unit"))
                continue
            nv, ng = int((m & valid).sum()), int((m & veg).sum())
            by_unit.append(_pixel_ratio(ctx, ng, nv, {"valid_pixels": nv, "vegetated_pixels": ng, "raster_kind": kind}, []))
    return Computed(ind, by_unit)


def _pixel_ratio(ctx: AnalysisContext, n_veg: int, n_valid: int, extra: dict, notes: list[str]):
    ind = missing(KEY_R, "ratio", METHOD_R, "建成区内无有效像元 / no valid pixel centre inside B", **extra)
    if n_valid > 0:
        ind.value = n_veg / n_valid
        ind.notes = []
        graded(ctx, ind)
    for n in notes:
        ind.note(n)
    return ind


def _null_units(ctx: AnalysisContext, note: str):
    if ctx.units is None:
        return None
    return [missing(KEY_R, "ratio", METHOD_R, note) for _ in range(ctx.units.n)]
