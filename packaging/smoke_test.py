"""Frozen smoke test: build the PyInstaller bundle (optionally), then run its executables.

    python packaging/smoke_test.py --build      # build dist/GreenPlan with build.spec, then test it
    python packaging/smoke_test.py              # test an existing dist/GreenPlan
    python packaging/smoke_test.py --bundle "%LOCALAPPDATA%/Programs/GreenPlan"   # an installed copy
    python packaging/smoke_test.py --list       # the checks, one line each

Run it with the Python environment the bundle is built from (GreenPlan installed, with its
test extra): the frozen results are compared with the same commands run from source.
The frozen executables run with ``GDAL_DATA``/``PROJ_DATA``/``PROJ_LIB`` unset (one check
sets them to a decoy instead), ``GREENPLAN_HOME`` in a temporary folder and the current
folder elsewhere, so nothing of the build machine's environment helps them. Exit code 0
when every check passes. ``tests/frozen/test_frozen.py`` runs the same checks under pytest.

Build-time tool (never bundled).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # smoke_support, also when loaded by path

from smoke_support import (  # noqa: E402
    BUNDLE_NAME,
    CLI_NAME,
    CN_FOLDER,
    CN_OUT,
    CN_PROJECT,
    DEMO_PROJECT,
    GUI_NAME,
    IS_WIN,
    LEAKY_VARS,
    ROOT,
    Bundle,
    Context,
    SmokeFailure,
    build_bundle,
    bundle_parts,
    describe,
    dir_size,
    expect,
    first_difference,
    json_output,
    meridian_arc_m,
    run,
    write_decoy_data,
    write_lonlat_square,
    write_truncated_shapefile,
)

__all__ = ["BUNDLE_NAME", "CHECKS", "CLI_NAME", "GUI_NAME", "LEAKY_VARS", "ROOT", "Bundle", "Context",
           "SmokeFailure", "build_bundle", "bundle_parts", "first_difference", "main", "meridian_arc_m", "run_checks"]

#: the size budget (MB, 10^6 bytes) of issue #18: the unpacked bundle on each platform (on
#: Linux measured here; the Windows one measured on Windows, estimated by windows_size.py
#: elsewhere) and the installer (the bundle packed with LZMA2, as Inno Setup does)
SIZE_BUDGET_MB = {"linux": 420.0, "win32": 420.0}
INSTALLER_BUDGET_MB = 180.0
#: where the installer estimate and the Windows wheels are cached (gitignored)
CACHE_DIR = ROOT / "packaging" / ".cache"


def check_version(ctx: Context) -> str:
    """``greenplan --version`` prints the package version; both executables exist."""
    from greenplan import __version__  # the source the bundle was built from

    expect(ctx.bundle.gui.is_file(), f"GUI executable missing: {ctx.bundle.gui}")
    proc = ctx.cli("--version")
    want = f"greenplan {__version__}"
    expect(proc.returncode == 0 and proc.stdout.strip() == want, f"--version: expected {want!r}, got {proc.stdout!r}; {describe(proc)}")
    return want


def check_layout(ctx: Context) -> str:
    """One shared GDAL/PROJ data folder, no private copies, no test packages or unused Qt."""
    internal = ctx.bundle.internal
    for rel in ("share/proj/proj.db", "share/gdal/gdalvrt.xsd", "share/gdal/netcdf_config.xsd",
                "resources/fonts/WenQuanYiMicroHei.ttf", "resources/icons/app.ico",
                "resources/translations/greenplan_zh_CN.qm", "resources/standards/thresholds.toml",
                f"sample_layers/{DEMO_PROJECT}", "sample_layers/gbk_shapefile/闲置土地.shp"):
        expect((internal / rel).is_file(), f"missing in the bundle: _internal/{rel}")
    for rel in ("pyproj/proj_dir", "fiona/gdal_data", "fiona/proj_data", "rasterio/gdal_data", "rasterio/proj_data",
                "pyogrio/gdal_data", "pyogrio/proj_data", "pyogrio/tests", "pandas/tests", "pytest", "_pytest",
                "PySide6/Qt/translations/qtbase_de.qm"):
        expect(not (internal / rel).exists(), f"should not be bundled: _internal/{rel}")
    names = [p.name for p in internal.rglob("*")]
    for banned in ("WebEngine", "Qt3D", "Qt63D", "Multimedia", "Quick", "Qml", "QtPdf", "Qt6Pdf", "Charts",
                   "_tkinter", "tcl8", "tk8"):
        hits = [n for n in names if banned in n]
        expect(not hits, f"unused module bundled: {hits[:5]}")
    return "share/gdal + share/proj only; no tests, no unused Qt modules"


def check_demo(ctx: Context) -> str:
    """``check --json`` on the bundled demo county equals the same check run from source."""
    demo = ctx.bundle.demo_project
    frozen = ctx.cli("check", demo, "--json")
    doc = json_output(frozen, "frozen check")
    expect(frozen.returncode == doc.get("exit_code") == 1, f"frozen check: expected exit 1 (the demo has planted problems); {describe(frozen)}")
    expect(doc["summary"]["opened"] == doc["summary"]["layers"] and doc["summary"]["errors"] == 0,
           f"frozen check: not every layer opened: {doc['summary']}")
    crs = {layer["name"]: (layer["crs"] or {}).get("crs") for layer in doc["layers"]}
    expect(set(crs.values()) == {"EPSG:4544"}, f"frozen check: CRS not read as EPSG:4544 for every layer (GDAL/PROJ data?): {crs}")
    kinds = {layer["format"] for layer in doc["layers"]}
    expect({"GTiff", "GPKG", "ESRI Shapefile"} <= kinds, f"frozen check: formats read {kinds}")
    gbk = next(layer for layer in doc["layers"] if layer["format"] == "ESRI Shapefile")
    expect(gbk["encoding"]["encoding"] in ("GBK", "GB18030"), f"GBK shapefile read as {gbk['encoding']}")
    source = ctx.source("check", demo, "--json")
    diff = first_difference(doc, json_output(source, "source check"))
    expect(diff is None, f"frozen and source check differ at {diff}")
    return f"{doc['summary']['layers']} layers, CRS EPSG:4544 read from GeoTIFF, GeoPackage and GBK shapefile; same document as from source"


def _analyze(ctx: Context, project: Path, out: Path) -> dict[str, Any]:
    proc = ctx.cli("analyze", project, "--out", out)
    expect(proc.returncode == 0, f"frozen analyze {project.name}: {describe(proc)}")
    for name in ("indicators.json", "indicators.csv", "indicators.xlsx", "results.gpkg"):
        expect((out / name).is_file(), f"frozen analyze did not write {out / name}")
    return json.loads((out / "indicators.json").read_text(encoding="utf-8"))


def check_analyze(ctx: Context) -> str:
    """``analyze`` on the bundled demo into a Chinese-named folder equals the run from source."""
    import pyogrio

    out = ctx.tmp / CN_OUT / "frozen"
    doc = _analyze(ctx, ctx.bundle.demo_project, out)
    src_out = ctx.tmp / CN_OUT / "source"
    proc = ctx.source("analyze", ctx.bundle.demo_project, "--out", src_out)
    expect(proc.returncode == 0, f"source analyze: {describe(proc)}")
    ref = json.loads((src_out / "indicators.json").read_text(encoding="utf-8"))
    diff = first_difference(doc, ref)
    expect(diff is None, f"frozen and source indicators differ at {diff}")
    layers = [str(n) for n in pyogrio.list_layers(out / "results.gpkg")[:, 0]]
    ref_layers = [str(n) for n in pyogrio.list_layers(src_out / "results.gpkg")[:, 0]]
    expect(layers == ref_layers, f"results.gpkg layers {layers} vs {ref_layers}")
    crs = pyogrio.read_info(out / "results.gpkg", layer=layers[0])["crs"]
    expect(crs == "EPSG:4544", f"results.gpkg written with CRS {crs!r}")
    value = doc["indicators"]["green_coverage_vector"]["value"]
    return f"{len(doc['indicators'])} indicators (greening coverage {value:.4f}), results.gpkg in EPSG:4544; same numbers as from source"


def check_export(ctx: Context) -> str:
    """``export`` of a demo map to PDF, SVG, TIFF and PNG; the PNG equals the one from source."""
    out = ctx.tmp / CN_OUT / "专题图"
    out.mkdir(parents=True, exist_ok=True)  # export writes one file into an existing folder
    magic = {".pdf": (b"%PDF",), ".svg": (b"<?xml",), ".tif": (b"II*\x00", b"MM\x00*"), ".png": (b"\x89PNG\r\n\x1a\n",)}
    written = {}
    for ext, starts in magic.items():
        path = out / f"三条控制线 示范县{ext}"
        proc = ctx.cli("export", ctx.bundle.demo_project, "--out", path, "--dpi", "100", "--quiet")
        expect(proc.returncode == 0 and path.is_file(), f"frozen export to {ext}: {describe(proc)}")
        data = path.read_bytes()
        expect(data.startswith(starts), f"{path.name} does not start like a {ext} file: {data[:8]!r}")
        written[ext] = data
    # every text names the bundled font: the PDF embeds it, the SVG references it
    for ext in (".pdf", ".svg"):
        expect(b"WenQuanYi" in written[ext], f"the {ext} map does not use the bundled WenQuanYi font (Chinese would show as boxes)")
    for ext, world in ((".png", ".pgw"), (".tif", ".tfw")):
        expect((out / f"三条控制线 示范县{world}").is_file(), f"no world file {world} beside the {ext} map")
    # same pixels as from source: same fonts found, same drawing
    src_png = ctx.tmp / "source-export" / "map.png"
    src_png.parent.mkdir(exist_ok=True)
    proc = ctx.source("export", ctx.bundle.demo_project, "--out", src_png, "--dpi", "100", "--quiet")
    expect(proc.returncode == 0, f"source export: {describe(proc)}")
    expect(written[".png"] == src_png.read_bytes(), "the frozen PNG differs from the PNG exported from source")
    expect((out / "三条控制线 示范县.pgw").read_text(encoding="utf-8") == src_png.with_suffix(".pgw").read_text(encoding="utf-8"),
           "the frozen world file differs from the one exported from source")
    return "PDF (embeds WenQuanYi Micro Hei), SVG, TIFF and PNG; the PNG and its world file identical to source"


def check_batch(ctx: Context) -> str:
    """``batch`` with two worker processes: spawned workers re-run the frozen executable."""
    out = ctx.tmp / CN_OUT / "乡镇 专题图"
    proc = ctx.cli("batch", ctx.bundle.demo_project, "--themes", "control_lines", "--formats", "png", "--dpi", "40",
                   "--units", "城关街道,东城街道", "--jobs", "2", "--out", out, "--quiet")
    expect(proc.returncode == 0, f"frozen batch: {describe(proc)}")
    pngs = sorted(p.name for p in out.rglob("*.png"))
    expect(len(pngs) == 2 and any("城关街道" in n for n in pngs) and any("东城街道" in n for n in pngs),
           f"frozen batch wrote {pngs}, expected one map per township")
    expect((out / "index.csv").is_file(), "frozen batch wrote no index.csv")
    return f"2 worker processes, maps {', '.join(pngs)}"


def check_salvage(ctx: Context) -> str:
    """A shapefile with a truncated .dbf: pyogrio fails, fiona salvages 7 of 10 features."""
    folder = ctx.tmp / "损坏 数据"
    folder.mkdir(exist_ok=True)
    shp = write_truncated_shapefile(folder / "截断 地块.shp")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    proc = ctx.cli("check", "--layer", f"land_use={shp}", "--json")
    doc = json_output(proc, "frozen check (salvage)")
    layer = doc["layers"][0]
    expect(layer["opened"] and layer["salvaged"], f"not salvaged: opened={layer['opened']} salvaged={layer['salvaged']}; {describe(proc)}")
    expect(layer["read_count"] == 7 and layer["unreadable"] == [7, 8, 9],
           f"salvage kept {layer['read_count']} features, unreadable {layer['unreadable']} (expected 7 and [7, 8, 9])")
    codes = {i["code"] for i in layer["issues"]}
    expect({"salvaged", "truncated"} <= codes, f"salvage findings {codes}")
    expect(proc.returncode == 1, f"expected exit 1 (problems found), got {proc.returncode}")
    expect({p.name: p.read_bytes() for p in folder.iterdir()} == before, "the damaged source files were modified")
    return "7 of 10 features kept, FID 7-9 reported unreadable, source untouched"


def _lonlat_bounds(ctx: Context, **extra: str) -> tuple[list[float], subprocess.CompletedProcess[str]]:
    folder = ctx.tmp / "坐标 转换"
    folder.mkdir(exist_ok=True)
    gpkg = folder / "经纬度 边界.gpkg"
    if not gpkg.exists():
        write_lonlat_square(gpkg)
    proc = ctx.cli("check", "--layer", f"admin_units={gpkg}", "--set", "crs=EPSG:4544", "--json", **extra)
    doc = json_output(proc, "frozen check (CRS)")
    layer = doc["layers"][0]
    expect(layer["opened"] and (layer["crs"] or {}).get("crs") == "EPSG:4490",
           f"the EPSG:4490 layer was not read with its CRS: {layer['crs']}; {describe(proc)}")
    expect(layer["reprojected_from"] == "EPSG:4490" and doc["crs"] == "EPSG:4544", "not reprojected EPSG:4490 -> EPSG:4544")
    return layer["bounds_working"], proc


def check_crs(ctx: Context) -> str:
    """EPSG:4490 -> EPSG:4544 in the frozen app against the Gauss-Kruger formula and pyproj."""
    import pyproj

    bounds, _ = _lonlat_bounds(ctx)
    # the square's south-west corner (105°E, 30°N) lies on the zone's central meridian:
    # easting = false easting, northing = meridian arc (independent series, not PROJ)
    arc = meridian_arc_m(30.0)
    expect(abs(bounds[0] - 500_000.0) < 1e-4, f"easting of 105°E: {bounds[0]!r}, expected 500000")
    expect(abs(bounds[1] - arc) < 1e-3, f"northing of 30°N on the central meridian: {bounds[1]!r}, expected {arc:.4f}")
    ref = pyproj.Transformer.from_crs(4490, 4544, always_xy=True).transform_bounds(105.0, 30.0, 105.01, 30.01, densify_pts=21)
    expect(all(abs(b - r) < 1e-3 for b, r in zip(bounds, ref, strict=True)), f"frozen bounds {bounds} vs pyproj {ref}")
    return f"(105°E, 30°N) -> ({bounds[0]:.3f}, {bounds[1]:.3f}) m; meridian arc {arc:.3f} m"


def check_data_override(ctx: Context) -> str:
    """A machine-wide GDAL_DATA/PROJ_DATA/PROJ_LIB (old proj.db) does not reach the bundle."""
    decoy = write_decoy_data(ctx.tmp / "decoy")
    env = {"GDAL_DATA": str(decoy / "gdal"), "PROJ_DATA": str(decoy / "proj"), "PROJ_LIB": str(decoy / "proj")}
    # control: the decoy does break an unprotected rasterio (the error users would see)
    probe = subprocess.run([sys.executable, "-c", "import rasterio.crs; rasterio.crs.CRS.from_epsg(4544)"],
                           env={**os.environ, **env}, capture_output=True, text=True, encoding="utf-8", errors="replace")
    expect(probe.returncode != 0 and "DATABASE.LAYOUT" in probe.stderr,
           f"the decoy proj.db does not break rasterio from source, so this check would prove nothing: {probe.stderr[-300:]}")
    clean, _ = _lonlat_bounds(ctx)
    bounds, proc = _lonlat_bounds(ctx, **env)
    expect(bounds == clean, f"with a decoy PROJ_DATA the bounds changed: {bounds} vs {clean}")
    raster = ctx.bundle.internal / "sample_layers" / "ndvi_10m.tif"
    proc = ctx.cli("check", "--layer", f"vegetation_raster={raster}", "--json", **env)
    layer = json_output(proc, "frozen check (raster, decoy)")["layers"][0]
    expect((layer["crs"] or {}).get("crs") == "EPSG:4544", f"rasterio read the GeoTIFF CRS as {layer['crs']} under the decoy")
    expect("DATABASE.LAYOUT" not in proc.stderr, f"PROJ complained: {proc.stderr[-500:]}")
    return "decoy GDAL_DATA/PROJ_DATA/PROJ_LIB (old proj.db, which breaks rasterio from source) ignored: same bounds, GeoTIFF CRS read"


def check_chinese_project(ctx: Context) -> str:
    """The demo copied to a Chinese folder with spaces, under a Chinese project name."""
    folder = ctx.tmp.joinpath(*CN_FOLDER)
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(ctx.bundle.internal / "sample_layers", folder)
    project = folder / CN_PROJECT
    (folder / DEMO_PROJECT).rename(project)
    proc = ctx.cli("check", project, "--json")
    doc = json_output(proc, "frozen check (Chinese project)")
    expect(doc["summary"]["opened"] == doc["summary"]["layers"] == 14 and doc["summary"]["errors"] == 0,
           f"Chinese project: {doc['summary']}; {describe(proc)}")
    expect(Path(doc["project_file"]).name == CN_PROJECT, f"project_file {doc['project_file']!r}")
    out = folder / CN_OUT
    ind = _analyze(ctx, project, out)
    expect(ind["project"] == "示范县（演示数据）", f"project name read as {ind['project']!r}")
    return f"{project.relative_to(ctx.tmp)}: 14 layers opened, indicators written to {CN_OUT}/"


def check_gui(ctx: Context) -> str:
    """``greenplan-gui --self-test`` offscreen: opens the demo, draws the canvas, exits 0."""
    proc = run([ctx.bundle.gui, "--self-test"], env=ctx.env(QT_QPA_PLATFORM="offscreen"), cwd=ctx.cwd)
    expect(proc.returncode == 0, f"GUI self-test: {describe(proc)}; stdout {proc.stdout[-300:]!r}")
    expect(not (ctx.cwd / "greenplan-output").exists(), "the batch job ran instead of the GUI (launch.py ignores --self-test offscreen)")
    if not IS_WIN:  # the windowed Windows executable has no stdout
        expect("self-test ok" in proc.stdout, f"GUI self-test printed {proc.stdout!r}")
    return (proc.stdout.strip().splitlines() or ["exit 0"])[-1]


def check_size(ctx: Context) -> str:
    """Bundle size within the budget (420 MB); prints the ten largest parts."""
    total = dir_size(ctx.bundle.root) / 1e6
    budget = SIZE_BUDGET_MB.get(sys.platform, min(SIZE_BUDGET_MB.values()))
    print(f"    bundle size ({sys.platform}, measured): {total:.1f} MB; budget {budget:.0f} MB. Ten largest parts:")
    for name, size in bundle_parts(ctx.bundle)[:10]:
        print(f"    {size / 1e6:9.1f} MB  {name}")
    expect(total <= budget, f"bundle is {total:.1f} MB, over the {budget:.0f} MB budget for {sys.platform}")
    return f"{total:.1f} MB measured (budget {budget:.0f} MB)"


def check_windows_size(ctx: Context) -> str:
    """Windows bundle within 420 MB: measured on Windows, else estimated from the Windows wheels."""
    if IS_WIN:
        return "measured by the size check on this machine"
    sys.path.insert(0, str(ROOT / "packaging"))
    import windows_size

    cached = windows_size.CACHE.is_dir() and any(windows_size.CACHE.glob("*.whl"))
    try:
        est = windows_size.estimate(offline=cached)
    except FileNotFoundError:
        est = windows_size.estimate(offline=False)
    print("    " + windows_size.report(est).replace("\n", "\n    "))
    total = est.total / 1e6
    budget = SIZE_BUDGET_MB["win32"]
    expect(total <= budget, f"estimated Windows bundle {total:.1f} MB, over the {budget:.0f} MB budget")
    return f"{total:.1f} MB estimated from the win_amd64 wheels (budget {budget:.0f} MB)"


def check_installer_size(ctx: Context) -> str:
    """Installer within 180 MB: the bundle packed solid with LZMA2 (xz preset 9), as ISCC does."""
    from smoke_support import lzma2_size

    start = time.perf_counter()
    packed = lzma2_size(ctx.bundle.root, cache=CACHE_DIR / "installer-estimate") / 1e6
    took = time.perf_counter() - start
    real = sorted((ROOT / "dist").glob("GreenPlan-Setup-*.exe"), key=lambda p: p.stat().st_mtime)
    note = f"; newest real installer {real[-1].name}: {real[-1].stat().st_size / 1e6:.1f} MB" if real else ""
    print(f"    installer estimate (LZMA2 preset 9 of the bundle, {took:.0f} s): {packed:.1f} MB; "
          f"budget {INSTALLER_BUDGET_MB:.0f} MB{note}")
    expect(packed <= INSTALLER_BUDGET_MB, f"the bundle packs to {packed:.1f} MB, over the {INSTALLER_BUDGET_MB:.0f} MB installer budget")
    if real:
        size = real[-1].stat().st_size / 1e6
        expect(size <= INSTALLER_BUDGET_MB, f"{real[-1].name} is {size:.1f} MB, over the {INSTALLER_BUDGET_MB:.0f} MB budget")
    return f"{packed:.1f} MB packed (budget {INSTALLER_BUDGET_MB:.0f} MB){note}"


CHECKS: dict[str, Callable[[Context], str]] = {
    "version": check_version,
    "layout": check_layout,
    "check": check_demo,
    "analyze": check_analyze,
    "export": check_export,
    "batch": check_batch,
    "salvage": check_salvage,
    "crs": check_crs,
    "data-override": check_data_override,
    "chinese-project": check_chinese_project,
    "gui": check_gui,
    "size": check_size,
    "windows-size": check_windows_size,
    "installer-size": check_installer_size,
}


def run_checks(bundle: Bundle, names: list[str], tmp: Path) -> list[tuple[str, bool, str, float]]:
    ctx = Context(bundle, tmp)
    results = []
    for name in names:
        start = time.perf_counter()
        try:
            detail, ok = CHECKS[name](ctx), True
        except SmokeFailure as exc:
            detail, ok = str(exc), False
        except (subprocess.TimeoutExpired, OSError) as exc:
            detail, ok = f"{type(exc).__name__}: {exc}", False
        took = time.perf_counter() - start
        print(f"[{'ok' if ok else 'FAIL'}] {name} ({took:.1f} s): {detail}", flush=True)
        results.append((name, ok, detail, took))
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", action="store_true", help="build the bundle with build.spec first")
    p.add_argument("--dist", type=Path, default=ROOT / "dist", help="PyInstaller dist folder (default: dist/)")
    p.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller work folder (default: build/)")
    p.add_argument("--bundle", type=Path, help="test this bundle folder instead of DIST/GreenPlan (e.g. an installed copy)")
    p.add_argument("--only", action="append", choices=sorted(CHECKS), help="run only these checks (repeatable)")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    p.add_argument("--list", action="store_true", help="list the checks and exit")
    args = p.parse_args(argv)
    if args.list:
        for name, fn in CHECKS.items():
            print(f"{name:16} {(fn.__doc__ or '').strip()}")
        return 0
    if args.build:
        took = build_bundle(args.dist, args.work)
        print(f"build time: {took:.0f} s", flush=True)
    bundle = Bundle(args.bundle or args.dist / BUNDLE_NAME)
    if not bundle.cli.is_file():
        print(f"no bundle at {bundle.root}; build it first (--build)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="greenplan-smoke-"))
    try:
        results = run_checks(bundle, args.only or list(CHECKS), tmp)
    finally:
        if args.keep:
            print(f"temporary folder kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    failed = [name for name, ok, _, _ in results if not ok]
    print(f"{len(results) - len(failed)} of {len(results)} checks passed" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
