"""Benchmark: GCJ-02 / BD-09 → WGS 84 for 1,000,000 vertices, against a per-point loop, same run.

usage: python benchmarks/bench_gcj02.py [--vertices 1000000] [--subset 20000] [--repeat 3]

- ``greenplan``: :func:`greenplan.io.china_datums.geometries_to_wgs84` on polygons holding
  ``--vertices`` vertices in all (county-sized squares of 100 vertices in GCJ-02 around
  105°E, 30°N), i.e. what the loader does for a layer with ``source_crs = "GCJ-02"``; and the
  bare array inverse (:func:`gcj02_to_wgs84`) and BD-09 inverse on the same vertices.
- ``baseline``: the plain-Python per-point iterative inverse an analyst would write (the
  PRCoords ``gcj_wgs_bored`` scheme: forward formula with ``math``, fixed-point iteration
  to 1e-9°), run on ``--subset`` vertices and scaled to the full count.

Both must agree: the largest difference between the two inverses on the subset is printed
(must be < 1e-8°, about 1 mm). Prints best times, the ratio, and vertices per second.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import shapely

A, EE = 6378245.0, 0.00669342162296594323


def _fwd(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    pi = math.pi
    c = (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + c
            + (20.0 * math.sin(y * pi) + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
            + (160.0 * math.sin(y / 12.0 * pi) + 320 * math.sin(y * pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + c
            + (20.0 * math.sin(x * pi) + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
            + (150.0 * math.sin(x / 12.0 * pi) + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * pi
    magic = 1 - EE * math.sin(rad) ** 2
    sm = math.sqrt(magic)
    return (lon + dlon * 180.0 / (A / sm * math.cos(rad) * pi),
            lat + dlat * 180.0 / ((A * (1 - EE)) / (magic * sm) * pi))


def baseline_inverse(lons: np.ndarray, lats: np.ndarray) -> list[tuple[float, float]]:
    out = []
    for glon, glat in zip(lons.tolist(), lats.tolist(), strict=True):
        wlon, wlat = glon, glat
        for _ in range(30):
            flon, flat = _fwd(wlon, wlat)
            dlon, dlat = flon - glon, flat - glat
            wlon, wlat = wlon - dlon, wlat - dlat
            if abs(dlon) <= 1e-9 and abs(dlat) <= 1e-9:
                break
        out.append((wlon, wlat))
    return out


def make_polygons(n_vertices: int, per: int = 100) -> np.ndarray:
    rng = np.random.default_rng(42)
    n = max(1, n_vertices // per)
    cx, cy = rng.uniform(104.5, 105.5, n), rng.uniform(29.5, 30.5, n)
    t = np.linspace(0, 2 * np.pi, per, endpoint=False)
    r = rng.uniform(0.0005, 0.003, n)[:, None]
    xs, ys = cx[:, None] + r * np.cos(t), cy[:, None] + r * np.sin(t)
    rings = np.stack([xs, ys], axis=-1)
    return shapely.polygons(rings)


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vertices", type=int, default=1_000_000)
    ap.add_argument("--subset", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()

    from greenplan.io.china_datums import bd09_to_wgs84, gcj02_to_wgs84, geometries_to_wgs84

    polys = make_polygons(a.vertices)
    xy = shapely.get_coordinates(polys)
    n = len(xy)  # closing vertices included: what shapely.transform sees
    t_geom, _ = best(lambda: geometries_to_wgs84(polys, "GCJ-02"), a.repeat)
    t_arr, (wlon, wlat) = best(lambda: gcj02_to_wgs84(xy[:, 0], xy[:, 1]), a.repeat)
    t_bd, _ = best(lambda: bd09_to_wgs84(xy[:, 0], xy[:, 1]), a.repeat)
    sub = xy[: a.subset]
    t_base, ref = best(lambda: baseline_inverse(sub[:, 0], sub[:, 1]), 1)
    t_base_full = t_base * n / len(sub)
    ref = np.asarray(ref)
    diff = float(np.abs(ref - np.column_stack([wlon[: len(sub)], wlat[: len(sub)]])).max())
    print(f"vertices: {n:,} in {len(polys):,} polygons (GCJ-02 around 105°E 30°N)")
    print(f"greenplan geometries_to_wgs84 (GCJ-02): {t_geom:7.3f} s  ({n / t_geom:,.0f} vertices/s)")
    print(f"greenplan gcj02_to_wgs84 on arrays:     {t_arr:7.3f} s")
    print(f"greenplan bd09_to_wgs84 on arrays:      {t_bd:7.3f} s")
    print(f"baseline per-point loop: {t_base:.3f} s for {len(sub):,} vertices -> {t_base_full:7.3f} s scaled to {n:,}")
    print(f"ratio baseline / greenplan (geometries): {t_base_full / t_geom:.1f}x")
    print(f"largest difference between the two inverses: {diff:.2e} degrees (must be < 1e-8)")


if __name__ == "__main__":
    main()
