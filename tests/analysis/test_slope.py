"""Horn slope, strict pixel-centre rasterising and zonal slope statistics on tiny rasters.

Grids are 1 m, origin (X0, Y0 + rows) so that pixel (row r, col c) has its centre at
(X0 + c + 0.5, Y0 + rows - r - 0.5); every count below is worked out by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine

from greenplan.analysis.slope import horn_slope_deg, pixel_spans, zonal_slope_stats
from greenplan.core.errors import Canceled
from greenplan.core.feedback import Feedback

X0, Y0 = 500_000.0, 4_250_000.0


def grid(rows: int, cols: int) -> Affine:
    return Affine(1.0, 0.0, X0, 0.0, -1.0, Y0 + rows)


def write_dsm(path, z: np.ndarray, nodata: float | None = -9999.0, crs: str = "EPSG:4544"):
    with rasterio.open(path, "w", driver="GTiff", width=z.shape[1], height=z.shape[0], count=1,
                       dtype="float32", crs=crs, transform=grid(*z.shape), nodata=nodata) as ds:
        ds.write(z.astype("float32"), 1)
    return path


def counts(geoms, rows=20, cols=20) -> list[int]:
    return pixel_spans(np.array(geoms, dtype=object), grid(rows, cols), cols, rows).pixel_count(len(geoms)).tolist()


def test_horn_slope_of_a_plane_is_its_angle() -> None:
    # z rises tan(30°) m per 1 m pixel eastwards: Horn gives dz/dx = (4·2·t)/(8·1) = t
    t = math.tan(math.radians(30))
    z = np.add.outer(np.zeros(5), np.arange(5) * t)
    s = horn_slope_deg(z, 1.0, 1.0)
    assert np.allclose(s[1:-1, 1:-1], 30.0, atol=1e-9)
    assert np.isnan(s[0]).all() and np.isnan(s[:, -1]).all()  # edges: no full 3x3 window
    # a 2 m pixel halves the gradient: atan(t / 2)
    assert horn_slope_deg(z, 2.0, 2.0)[2, 2] == pytest.approx(math.degrees(math.atan(t / 2)), abs=1e-9)


def test_horn_slope_nodata_in_window_gives_no_slope() -> None:
    z = np.zeros((5, 5))
    z[0, 0] = -9999.0
    s = horn_slope_deg(z, 1.0, 1.0, nodata=-9999.0)
    assert np.isnan(s[1, 1])  # window holds (0, 0)
    assert s[2, 2] == 0.0 and s[1, 2] == 0.0


def test_centres_on_the_boundary_are_outside() -> None:
    # box with edges through pixel centres (x, y = 0.5 .. 3.5 / 0.5 .. 2.5):
    # strictly inside: x ∈ {1.5, 2.5}, y ∈ {1.5} -> 2 pixels (GDAL would take 3 x 2 or more)
    sq = shapely.box(X0 + 0.5, Y0 + 0.5, X0 + 3.5, Y0 + 2.5)
    assert counts([sq]) == [2]
    # diamond with its 4 vertices on pixel centres, "radius" 2: |dx| + |dy| < 2 -> 5 centres
    # (the 8 centres with |dx| + |dy| = 2 lie on the boundary)
    cx, cy = X0 + 5.5, Y0 + 5.5
    diamond = shapely.Polygon([(cx, cy - 2), (cx + 2, cy), (cx, cy + 2), (cx - 2, cy)])
    assert counts([diamond]) == [5]
    # a notch vertex pointing into the polygon exactly at a centre is outside too:
    # square 0..6 x 0..6 (36 centres) with a V cut from the top edge down to (3.5, 3.5);
    # centres on the V's edges: (3.5, 3.5), (2.5, 4.5), (4.5, 4.5), (1.5, 5.5), (5.5, 5.5);
    # centres inside the V: (3.5, 4.5), (2.5, 5.5), (3.5, 5.5), (4.5, 5.5) -> 36 - 9 = 27
    v = shapely.Polygon([(X0, Y0), (X0 + 6, Y0), (X0 + 6, Y0 + 6), (X0 + 3.5, Y0 + 3.5),
                         (X0 + 1.0, Y0 + 6), (X0, Y0 + 6)])
    assert shapely.is_valid(v)
    assert counts([v]) == [27]


def test_holes_multiparts_overlaps_and_raster_edge() -> None:
    ring = shapely.box(X0, Y0, X0 + 10, Y0 + 10).difference(shapely.box(X0 + 3, Y0 + 3, X0 + 7, Y0 + 7))
    multi = shapely.MultiPolygon([shapely.box(X0, Y0 + 12, X0 + 2, Y0 + 14), shapely.box(X0 + 5, Y0 + 12, X0 + 8, Y0 + 13)])
    overlapping = shapely.box(X0 + 1, Y0 + 1, X0 + 4, Y0 + 4)  # inside the ring's shell, 9 centres
    outside = shapely.box(X0 + 18, Y0 + 18, X0 + 25, Y0 + 25)  # only 2 x 2 inside the 20 x 20 raster
    assert counts([ring, multi, overlapping, outside, None, shapely.Polygon()]) == [100 - 16, 4 + 3, 9, 4, 0, 0]


def test_rotated_polygon_matches_a_point_in_polygon_count() -> None:
    # independent check: shapely's exact point-in-polygon on every pixel centre
    poly = shapely.affinity.rotate(shapely.box(X0 + 4.2, Y0 + 6.1, X0 + 15.7, Y0 + 13.3), 23.0)
    cols, rows = np.meshgrid(np.arange(20) + 0.5, np.arange(20) + 0.5)
    inside = shapely.contains_xy(poly, X0 + cols, Y0 + 20 - rows)
    assert counts([poly]) == [int(inside.sum())]
    assert int(inside.sum()) > 50


def test_zonal_slope_flat_pitched_and_nodata(tmp_path) -> None:
    t = math.tan(math.radians(30))
    z = np.zeros((20, 30))
    z[:, 15:] = 10.0                      # flat block: cols 15..29
    z[:, :15] = 5.0 + t * np.arange(15)   # eastward plane at 30°: cols 0..14
    z[0:3, 20:23] = -9999.0               # nodata patch, rows 0..2, cols 20..22
    path = write_dsm(tmp_path / "dsm.tif", z)
    flat = shapely.box(X0 + 16, Y0 + 1, X0 + 29, Y0 + 15)      # cols 16..28, rows 5..18: 13 x 14
    plane = shapely.box(X0 + 1, Y0 + 1, X0 + 14, Y0 + 19)      # cols 1..13, rows 1..18: 13 x 18
    near_nodata = shapely.box(X0 + 19, Y0 + 14, X0 + 25, Y0 + 19)  # cols 19..24, rows 1..5: 6 x 5
    zs = zonal_slope_stats(np.array([flat, plane, near_nodata]), path, max_slope_deg=5.0, block_size=8)
    assert zs.n_centres.tolist() == [182, 234, 30]
    # plane: cols 1..13 have full windows inside cols 0..14 -> all 30°
    assert zs.n_pixels[1] == 234 and zs.n_flat[1] == 0
    assert zs.mean_slope_deg[1] == pytest.approx(30.0, abs=1e-3)  # heights stored as float32
    # flat: window cols 15..29 all at 10 m -> 0°
    assert (zs.n_pixels[0], zs.n_flat[0], zs.mean_slope_deg[0]) == (182, 182, 0.0)
    # near the nodata patch (rows 0..2, cols 20..22): pixels whose window touches it have no
    # slope: rows 1..3 x cols 19..23 -> in the zone rows 1..3 x cols 19..23 = 15 pixels
    assert zs.n_pixels[2] == 30 - 15 and zs.n_flat[2] == 15
    assert zs.flat_share.tolist() == [1.0, 0.0, 1.0]


def test_zonal_slope_reads_windows_and_can_be_cancelled(tmp_path) -> None:
    z = np.zeros((40, 40))
    path = write_dsm(tmp_path / "dsm.tif", z, nodata=None)
    polys = np.array([shapely.box(X0 + 2, Y0 + 2, X0 + 38, Y0 + 38)])
    # block_size 8 splits the zone over 25 windows; the total is the same as one window
    a = zonal_slope_stats(polys, path, block_size=8)
    b = zonal_slope_stats(polys, path, block_size=64, threads=1)
    assert a.n_pixels.tolist() == b.n_pixels.tolist() == [36 * 36]
    fb = Feedback()
    fb.cancel()
    with pytest.raises(Canceled):
        zonal_slope_stats(polys, path, block_size=8, feedback=fb)


def test_no_pixels_gives_nan_mean(tmp_path) -> None:
    path = write_dsm(tmp_path / "dsm.tif", np.zeros((10, 10)))
    zs = zonal_slope_stats(np.array([shapely.box(X0 + 50, Y0 + 50, X0 + 60, Y0 + 60)]), path)
    assert zs.n_pixels.tolist() == [0] and np.isnan(zs.mean_slope_deg[0]) and np.isnan(zs.flat_share[0])


def test_block_halos_at_edges_and_corners(tmp_path) -> None:
    # a tilted plane (0.3 m east, 0.4 m north per pixel): Horn gives hypot(0.3, 0.4) = 0.5
    # everywhere; 2 x 2 pixel zones straddling the corners of 8 x 8 blocks need all 8 neighbours
    r, c = np.mgrid[0:40, 0:40]
    path = write_dsm(tmp_path / "plane.tif", 0.3 * c - 0.4 * r, nodata=None)
    zones = [shapely.box(X0 + k - 1, Y0 + 40 - k - 1, X0 + k + 1, Y0 + 40 - k + 1) for k in (8, 16, 24, 32)]
    zones += [shapely.box(X0 + 1, Y0 + 1, X0 + 39, Y0 + 39)]  # 38 x 38 pixels over 25 blocks
    zs = zonal_slope_stats(np.array(zones), path, block_size=8, max_slope_deg=30.0)
    assert zs.n_pixels.tolist() == [4, 4, 4, 4, 38 * 38]
    assert np.allclose(zs.mean_slope_deg, math.degrees(math.atan(0.5)), atol=1e-4)
    assert zs.n_flat.tolist() == [4, 4, 4, 4, 38 * 38]  # 26.57° <= 30°
