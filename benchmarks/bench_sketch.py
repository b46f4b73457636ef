"""Benchmark: the live check of one sketched feature (issue #15) on county M, against geopandas.

usage: python benchmarks/bench_sketch.py [--size M] [--data benchmarks/data] [--repeat 50]

Loads the county's permanent farmland and ecological red line with GreenPlan's loader (the
frames the desktop app holds; the county is generated once as ``bench_select.py`` does),
builds the :class:`~greenplan.app.sketch_check.SketchChecker` (STRtrees, once per load) and
checks sketched polygons of three sizes placed on the farmland (a 50 × 40 m pocket park, a
300 × 200 m green space, a 2 × 0.1 km belt), best of ``--repeat``. Baseline: the same overlap
with ``geopandas.overlay(sketch, layer, how="intersection")`` and the dissolved area, as a
script would compute it. The areas are compared (they must agree to 1e-6 m²).

Target (issue #15): < 5 ms per check for a polygon at county M.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_select import best, ensure_data  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", default="M")
    p.add_argument("--data", type=Path, default=Path(__file__).parent / "data")
    p.add_argument("--repeat", type=int, default=50)
    args = p.parse_args()

    import geopandas as gpd
    import shapely

    from greenplan.app.sketch_check import SketchChecker
    from greenplan.core.project import read_project
    from greenplan.io.loader import load_project_lenient

    toml = ensure_data(args.size, args.data)
    project, _ = read_project(toml)
    project.layers = [s for s in project.layers if s.role in ("permanent_farmland", "ecological_redline")]
    loaded = load_project_lenient(project, scan=False)
    by_role = {spec.role: lyr.gdf for spec, lyr in zip(project.layers, loaded.layers, strict=True)}
    farm, red = by_role["permanent_farmland"], by_role["ecological_redline"]
    t0 = time.perf_counter()
    checker = SketchChecker(by_role, sliver_m2=0.0)
    t_build = time.perf_counter() - t0
    print(f"county {args.size}: {len(farm):,} permanent farmland, {len(red):,} red-line polygons; "
          f"checker built in {t_build * 1000:.0f} ms; {os.cpu_count()} cores, best of {args.repeat}\n")

    # sketches centred on the largest farmland polygon (so every check has real overlap)
    c = farm.geometry.area.idxmax()
    x, y = farm.geometry.loc[c].representative_point().coords[0]
    shapes = {"pocket park 50×40 m": shapely.box(x - 25, y - 20, x + 25, y + 20),
              "green space 300×200 m": shapely.box(x - 150, y - 100, x + 150, y + 100),
              "belt 2 km × 100 m": shapely.buffer(shapely.LineString([(x - 1000, y), (x + 1000, y)]), 50,
                                                 cap_style="flat")}
    farm_only = farm[["geometry"]]
    failed = False
    print(f"{'sketch':<24}{'check':>10}{'gpd.overlay':>14}{'ratio':>8}   overlap")
    for label, geom in shapes.items():
        t_chk, got = best(lambda g=geom: checker.overlap_m2("permanent_farmland", g), args.repeat)
        sk = gpd.GeoDataFrame(geometry=[geom], crs=farm.crs)
        t_gpd, ref = best(lambda s=sk: gpd.overlay(s, farm_only, how="intersection").union_all().area,
                          max(3, args.repeat // 10))
        ok = abs(got - ref) < 1e-6 * max(1.0, ref)
        failed |= not ok or t_chk > 0.005
        print(f"{label:<24}{t_chk * 1000:>8.2f} ms{t_gpd * 1000:>11.1f} ms{t_gpd / t_chk:>7.0f}×   "
              f"{got:,.1f} m² {'(agrees)' if ok else f'(geopandas {ref:,.1f} m²: DIFFERS)'}")
    t_full, _ = best(lambda: checker.check(shapes["green space 300×200 m"]), args.repeat)
    print(f"\nfull check (both rules) of the 300×200 m polygon: {t_full * 1000:.2f} ms; target < 5 ms")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
