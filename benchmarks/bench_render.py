"""Benchmark: the full-county map as a 3000 x 2000 PNG, greenplan's renderer vs GeoDataFrame.plot.

usage: python benchmarks/bench_render.py [--data /tmp/gpbench/M] [--size M] [--skip-baseline] [--repeat 1]

Loads the benchmark county (``county.gpkg`` + ``ndvi.tif``; generated into ``--data`` if
missing, with ``/work/shared/bench/make_county.py`` when present, else ``greenplan sample``),
then, each variant in a fresh process so that peak memory is per variant:

- ``greenplan map``: the NDVI raster and all eleven vector layers drawn by
  ``greenplan.render.mapsheet.draw_map`` into a 30 x 20 in figure at 100 dpi filling the image
  (as ``shared/bench/reference_gpd.py`` step g), saved with ``save_map`` (PNG + world file);
- ``greenplan sheet``: the same layers as a complete map sheet (title, legend, grid, scale bar,
  north arrow, locator, footer) by ``compose_map`` on a 254 x 169.3 mm page at 300 dpi (3000 x
  2000 px);
- ``GeoDataFrame.plot``: reference step g verbatim (skip with ``--skip-baseline``, ~2 min at M).

Times exclude reading the vector layers (reported apart) and importing the libraries, and include
reading the NDVI window (from a cold start: each variant runs in a fresh process).
Target (issue 5): the full-county 3000 x 2000 PNG in under 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

LAYERS = ["admin_units", "built_up_area", "ecological_redline", "permanent_farmland", "urban_boundary",
          "land_use", "green_space", "idle_land", "buildings", "roads", "rivers"]
SHARED_GENERATOR = Path("/work/shared/bench/make_county.py")

_LOAD = r"""
import json, resource, sys, time
import geopandas as gpd
LAYERS = __LAYERS__
t0 = time.perf_counter()
L = {n: gpd.read_file(sys.argv[1], layer=n, engine="pyogrio") for n in LAYERS}
t_load = time.perf_counter() - t0
def report(t, **kw):
    print(json.dumps({"time_s": t, "load_s": t_load, "peak_rss_mb":
                      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **kw}))
""".replace("__LAYERS__", repr(LAYERS))

CHILD_GREENPLAN = _LOAD + r"""
import matplotlib.backends.backend_agg, matplotlib.figure, matplotlib.patches, rasterio, rasterio.vrt, PIL.Image  # imports are not timed
from greenplan.render.themes import Theme, ThemeLayer
from greenplan.render.mapsheet import draw_map, compose_map
from greenplan.render.export import save_map
from greenplan.render.fonts import ensure_cjk_font
ensure_cjk_font()
order = ["vegetation_raster", "land_use", "permanent_farmland", "ecological_redline", "green_space",
         "idle_land", "buildings", "rivers", "roads", "urban_boundary", "built_up_area", "admin_units"]
theme = Theme("bench", "全要素图", tuple(ThemeLayer(k) for k in order))
rasters = {"vegetation_raster": sys.argv[2]}
mode, out = sys.argv[3], sys.argv[4]
t0 = time.perf_counter()
if mode == "map":
    from matplotlib.figure import Figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    fig = Figure(figsize=(30, 20), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1), label="map")
    ax.set_axis_off()
    x0, y0, x1, y1 = L["admin_units"].total_bounds
    cx, cy, hw = (x0 + x1) / 2, (y0 + y1) / 2, max((x1 - x0) / 2, (y1 - y0) * 1.5 / 2)
    ext = (cx - hw, cy - hw / 1.5, cx + hw, cy + hw / 1.5)
    ax.set_xlim(ext[0], ext[2]); ax.set_ylim(ext[1], ext[3])
    draw_map(ax, L, theme, extent=ext, pixel_size=(ext[2] - ext[0]) / 3000, rasters=rasters)
    t_draw = time.perf_counter() - t0
    save_map(fig, out)
else:
    fig = compose_map(L, theme, paper=(254.0, 508.0 / 3), dpi=300, metadata={"organisation": "基准测试"},
                      rasters=rasters, locator=L["admin_units"])
    t_draw = time.perf_counter() - t0
    save_map(fig, out)
t = time.perf_counter() - t0
from PIL import Image
report(t, build_s=t_draw, save_s=t - t_draw, size=Image.open(out).size)
"""

CHILD_BASELINE = _LOAD + r"""
import os, rasterio, shapely
lu = L["land_use"].copy()
lu["geometry"] = shapely.make_valid(lu.geometry.values)
out = sys.argv[3]
t0 = time.perf_counter()
# shared/bench/reference_gpd.py step g
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig = plt.figure(figsize=(30, 20), dpi=100)
ax = fig.add_axes([0, 0, 1, 1])
ax.set_axis_off()
with rasterio.open(sys.argv[2]) as src:
    nd = src.read(1, masked=True)
    ext = (src.bounds.left, src.bounds.right, src.bounds.bottom, src.bounds.top)
ax.imshow(nd, extent=ext, cmap="RdYlGn", vmin=-0.2, vmax=0.9, interpolation="nearest")
lu.plot(ax=ax, column="DLBM", categorical=True, cmap="tab20", alpha=0.6, linewidth=0.1, edgecolor="#555555")
L["permanent_farmland"].plot(ax=ax, facecolor="#f3e27a", edgecolor="none", alpha=0.6)
L["ecological_redline"].plot(ax=ax, facecolor="none", edgecolor="red", linewidth=2)
L["urban_boundary"].plot(ax=ax, facecolor="none", edgecolor="purple", linewidth=2)
L["built_up_area"].plot(ax=ax, facecolor="none", edgecolor="black", linewidth=1.5)
L["green_space"].plot(ax=ax, facecolor="#2e8b57", edgecolor="none")
L["idle_land"].plot(ax=ax, facecolor="magenta", edgecolor="none")
L["buildings"].plot(ax=ax, facecolor="#777777", edgecolor="none")
L["roads"].plot(ax=ax, color="#e08000", linewidth=0.8)
L["rivers"].plot(ax=ax, color="#2060ff", linewidth=2)
L["admin_units"].plot(ax=ax, facecolor="none", edgecolor="black", linewidth=2, linestyle="--")
x0, y0, x1, y1 = L["admin_units"].total_bounds
cx, cy, hw = (x0 + x1) / 2, (y0 + y1) / 2, max((x1 - x0) / 2, (y1 - y0) * 1.5 / 2)
ax.set_xlim(cx - hw, cx + hw)
ax.set_ylim(cy - hw / 1.5, cy + hw / 1.5)
fig.savefig(out, dpi=100)
plt.close(fig)
report(time.perf_counter() - t0)
"""


def ensure_data(size: str, data: Path) -> tuple[Path, Path]:
    gpkg, ndvi = data / "county.gpkg", data / "ndvi.tif"
    if gpkg.exists() and ndvi.exists():
        return gpkg, ndvi
    data.mkdir(parents=True, exist_ok=True)
    print(f"== generating county {size} into {data} (once)", flush=True)
    t0 = time.perf_counter()
    if SHARED_GENERATOR.exists():
        subprocess.run([sys.executable, str(SHARED_GENERATOR), size, str(data)], check=True)
    else:
        from greenplan.sample.county import generate_county

        generate_county(size, data)
    print(f"   {time.perf_counter() - t0:.1f} s", flush=True)
    return gpkg, ndvi


def run_child(code: str, *args: str) -> dict:
    env = dict(os.environ, PYTHONHASHSEED="0")
    p = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-4000:])
        raise SystemExit(f"child failed with exit code {p.returncode}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="M", choices=("S", "M", "L"))
    ap.add_argument("--data", type=Path, default=None, help="folder with county.gpkg + ndvi.tif (default /tmp/gpbench/SIZE)")
    ap.add_argument("--out", type=Path, default=None, help="where the PNGs go (default: the data folder)")
    ap.add_argument("--skip-baseline", action="store_true", help="do not run GeoDataFrame.plot (~2 min at M)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per greenplan variant; the best time counts")
    args = ap.parse_args()
    data = args.data or Path("/tmp/gpbench") / args.size
    gpkg, ndvi = ensure_data(args.size, data)
    out = args.out or data
    out.mkdir(parents=True, exist_ok=True)

    rows = []
    for mode, label in (("map", "greenplan map (draw_map + save_map)"), ("sheet", "greenplan sheet (compose_map + save_map)")):
        runs = [run_child(CHILD_GREENPLAN, str(gpkg), str(ndvi), mode, str(out / f"map_greenplan_{mode}.png"))
                for _ in range(args.repeat)]
        r = min(runs, key=lambda x: x["time_s"])
        rows.append((label, r))
    base = None
    if not args.skip_baseline:
        base = run_child(CHILD_BASELINE, str(gpkg), str(ndvi), str(out / "map_gpd.png"))
        rows.append(("GeoDataFrame.plot (reference step g)", base))

    print(f"\n### full-county map, 3000 x 2000 PNG, county {args.size} ({gpkg})\n")
    print("| variant | render + save (s) | of which build / save (s) | load layers (s) | peak RSS (MB) | image |")
    print("|---|---:|---:|---:|---:|---|")
    for label, r in rows:
        split = f"{r['build_s']:.2f} / {r['save_s']:.2f}" if "build_s" in r else ""
        size = "x".join(map(str, r["size"])) if "size" in r else "3000x2000"
        print(f"| {label} | {r['time_s']:.2f} | {split} | {r['load_s']:.2f} | {r['peak_rss_mb']:.0f} | {size} |")
    g = rows[0][1]["time_s"]
    print(f"\ntarget: < 2 s for the full-county 3000 x 2000 PNG -> {'met' if g < 2.0 else 'NOT met'} ({g:.2f} s)")
    if base is not None:
        print(f"speed-up over GeoDataFrame.plot: {base['time_s'] / g:.1f}x (map), "
              f"{base['time_s'] / rows[1][1]['time_s']:.1f}x (sheet)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
