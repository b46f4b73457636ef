"""Synthetic county, part 4: the NDVI and DSM rasters (GeoTIFF, EPSG:4544).

NDVI: float32, 10 m, the county's bounding box + 20 m, nodata -9999 outside the county;
a mean per land-use code, overridden by green space (0.66, plazas 0.22) and buildings
(0.08), plus noise. DSM: float32, the built-up area's bounding box + 80 m at the size's
resolution; ground 420 m plus smooth waves, flat roofs at ground + ``height_m``, pitched
roofs with the ridge along the long axis (22-34°). Sizes S/M/L draw white noise from
``st.rng`` exactly as the benchmark generator; the demo (``st.extras``) uses spatially
smooth noise from ``st.rx`` and values rounded to 0.01 so that the files stay small, and
adds parapets (a 1-pixel rim, +0.9 m) and rooftop units (3 m box, +2.5 m) to flat roofs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

NODATA = -9999.0
#: NDVI level of each land-use code (mean; noise is added)
NDVI_OF = {
    "0101": 0.58, "0102": 0.55, "0103": 0.52, "0201": 0.62, "0204": 0.55, "0301": 0.78,
    "0305": 0.66, "0307": 0.60, "0401": 0.55, "0404": 0.45, "05H1": 0.12, "0508": 0.10,
    "0601": 0.10, "0602": 0.15, "0701": 0.20, "0702": 0.25, "08H1": 0.22, "08H2": 0.28,
    "0809": 0.15, "0810": 0.62, "09": 0.30, "1001": 0.12, "1003": 0.08, "1004": 0.10,
    "1006": 0.25, "1101": -0.15, "1104": -0.05, "1107": 0.10, "1109": 0.05, "1201": 0.30,
    "1202": 0.25, "1401": 0.60, "1402": 0.55,
}
PARAPET_M = 0.9
UNIT_M = 2.5


def _write(path: Path, arr: np.ndarray, transform, predictor: int = 3, zlevel: int = 6) -> None:
    import rasterio

    h, w = arr.shape
    with rasterio.open(path, "w", driver="GTiff", width=w, height=h, count=1, dtype="float32",
                       crs="EPSG:4544", transform=transform, nodata=NODATA, tiled=True,
                       compress="deflate", predictor=predictor, zlevel=zlevel) as dst:
        dst.write(arr, 1)


def _smooth_noise(rx, shape: tuple[int, int], cell: int, sigma: float) -> np.ndarray:
    """Noise with a correlation length of ``cell`` pixels (bilinear upsampling)."""
    h, w = shape
    coarse = rx.normal(0, sigma, (h // cell + 2, w // cell + 2))
    yi, xi = np.arange(h) / cell, np.arange(w) / cell
    i0, j0 = yi.astype(int), xi.astype(int)
    fy, fx = (yi - i0)[:, None], (xi - j0)[None, :]
    rows0, rows1 = coarse[i0], coarse[i0 + 1]
    return ((rows0[:, j0] * (1 - fx) + rows0[:, j0 + 1] * fx) * (1 - fy)
            + (rows1[:, j0] * (1 - fx) + rows1[:, j0 + 1] * fx) * fy)


def write_ndvi(st, path: Path) -> dict:
    """Rasterise the NDVI of the county at 10 m; returns width, height and resolution."""
    from affine import Affine
    from rasterio.features import rasterize

    x0, y0, x1, y1 = shapely.bounds(st.county)
    x0, y0 = np.floor(x0 / 10) * 10 - 20, np.floor(y0 / 10) * 10 - 20
    x1, y1 = np.ceil(x1 / 10) * 10 + 20, np.ceil(y1 / 10) * 10 + 20
    W, H = int((x1 - x0) / 10), int((y1 - y0) / 10)
    tr = Affine(10.0, 0.0, x0, 0.0, -10.0, y1)  # origin at the top left
    lu, green = st.lu, st.green
    base = lu["DLBM"].map(NDVI_OF).to_numpy("float32")
    nd = rasterize(zip(lu.geometry.values, base, strict=True), out_shape=(H, W), transform=tr,
                   fill=0.3, dtype="float32")
    gval = np.where(green["class"].values == "G3", 0.22, 0.66).astype("float32")
    g = rasterize(zip(green.geometry.values, gval, strict=True), out_shape=(H, W), transform=tr,
                  fill=np.nan, dtype="float32")
    nd = np.where(np.isnan(g), nd, g)
    b = rasterize(((gg, 1) for gg in st.bld.geometry.values), out_shape=(H, W), transform=tr,
                  fill=0, dtype="uint8")
    nd[b == 1] = 0.08
    st.feedback.check()
    if st.extras:
        nd += (_smooth_noise(st.rx, nd.shape, 12, 0.05)
               + st.rx.normal(0, 0.03, nd.shape)).astype("float32")
    else:
        nd += st.rng.normal(0, 0.07, nd.shape).astype("float32")
    np.clip(nd, -0.3, 0.95, out=nd)
    if st.extras:
        nd = np.round(nd, 2).astype("float32")
    inc = rasterize([(st.county, 1)], out_shape=(H, W), transform=tr, fill=0, dtype="uint8")
    nd[inc == 0] = NODATA
    # rounded values: deflate alone gives 2.5 MB for the demo, with predictor 3 6.3 MB
    _write(path, nd, tr, predictor=1 if st.extras else 3)
    return {"width": W, "height": H, "res_m": 10.0}


def write_dsm(st, path: Path) -> dict:
    """Rasterise the DSM of the built-up area; returns width, height and resolution."""
    from affine import Affine
    from rasterio.features import rasterize

    res = st.cfg["dsm_res"]
    x0, y0, x1, y1 = shapely.bounds(st.B)
    x0, y0 = np.floor(x0) - 80, np.floor(y0) - 80
    x1, y1 = np.ceil(x1) + 80, np.ceil(y1) + 80
    W, H = int((x1 - x0) / res), int((y1 - y0) / res)
    tr = Affine(res, 0.0, x0, 0.0, -res, y1)
    bld, b = st.bld, st.b
    sub = bld.sindex.query(shapely.box(x0, y0, x1, y1), predicate="intersects")
    lab = rasterize(zip(bld.geometry.values[sub], (sub + 1).astype("int32"), strict=True),
                    out_shape=(H, W), transform=tr, fill=0, dtype="int32")
    cols = x0 + (np.arange(W, dtype="float64") + 0.5) * res
    rows = y1 - (np.arange(H, dtype="float64") + 0.5) * res
    ground = (420.0 + 6.0 * np.sin(rows / 1700.0)[:, None]
              + 5.0 * np.cos(cols / 1300.0)[None, :]).astype("float32")
    noise = st.rx if st.extras else st.rng
    dsm = ground + noise.normal(0, 0.02, (H, W)).astype("float32")
    st.feedback.check()
    r_i, c_i = np.nonzero(lab)
    bi = lab[r_i, c_i] - 1
    bx, by, ang = b["x"][bi], b["y"][bi], b["ang"][bi]
    xx, yy = cols[c_i], rows[r_i]
    gcx = 420.0 + 6.0 * np.sin(by / 1700.0) + 5.0 * np.cos(bx / 1300.0)
    roofz = gcx + b["height"][bi]
    c, s = np.cos(ang), np.sin(ang)
    v = np.abs(-(xx - bx) * s + (yy - by) * c)
    pitch = np.tan(np.deg2rad(22 + (bi % 13)))
    roofz = np.where(b["dsm_pitched"][bi], roofz - pitch * v, roofz)
    if st.extras:
        # parapet: roof pixels with a 4-neighbour outside the same building
        p = np.pad(lab, 1)
        rim = ((p[:-2, 1:-1] != lab) | (p[2:, 1:-1] != lab) | (p[1:-1, :-2] != lab)
               | (p[1:-1, 2:] != lab))[r_i, c_i]
        roofz = roofz + np.where(b["parapet"][bi] & rim, PARAPET_M, 0.0)
        u = np.abs((xx - bx) * c + (yy - by) * s)
        roofz = roofz + np.where(b["unit"][bi] & (u <= 1.5) & (v <= 1.5), UNIT_M, 0.0)
    dsm[r_i, c_i] = (roofz + noise.normal(0, 0.02, len(bi))).astype("float32")
    if st.extras:
        dsm = np.round(dsm, 2).astype("float32")
    # few distinct heights (noise of ±2 cm on smooth ground): plain deflate at level 9 gives
    # 3.5 MB for the demo town, the floating-point predictor 6.1 MB
    _write(path, dsm, tr, predictor=1, zlevel=9)
    return {"width": W, "height": H, "res_m": float(res)}
