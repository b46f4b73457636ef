"""Packaging helpers, fast (no PyInstaller build; they run in the default test command).

The shared GDAL/PROJ data choice, the Windows version resource, the runtime hook, the
debug-info stripping, the smoke test's reference formula and the installer script's
agreement with build.spec. The frozen bundle itself: ``test_frozen.py`` (marked ``frozen``).
"""

from __future__ import annotations

import ast
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.frozen.packaging_modules import ROOT, load

bundle_data = load("bundle_data")
winversion = load("winversion")
strip_debug = load("strip_debug")
smoke = load("smoke_test")
support = load("smoke_support")


def _proj_db(folder: Path, major: int, minor: int, proj_version: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(folder / "proj.db")
    with con:
        con.execute("CREATE TABLE metadata (key TEXT, value TEXT)")
        con.executemany("INSERT INTO metadata VALUES (?, ?)", [
            ("DATABASE.LAYOUT.VERSION.MAJOR", str(major)), ("DATABASE.LAYOUT.VERSION.MINOR", str(minor)),
            ("PROJ.VERSION", proj_version)])
    con.close()
    return folder


# --------------------------------------------------------------------------- GDAL/PROJ data


def test_newest_proj_db_serves_older_layouts(tmp_path: Path) -> None:
    dirs = [bundle_data.proj_data_dir("a", _proj_db(tmp_path / "a", 1, 6, "9.8.1")),
            bundle_data.proj_data_dir("b", _proj_db(tmp_path / "b", 1, 3, "9.4.1"))]
    assert dirs[0].layout == (1, 6) and dirs[1].version == (9, 4, 1)
    assert bundle_data.check_proj_databases(dirs).package == "a"


def test_proj_db_of_another_major_layout_stops_the_build(tmp_path: Path) -> None:
    dirs = [bundle_data.proj_data_dir("new", _proj_db(tmp_path / "n", 2, 0, "10.0.0")),
            bundle_data.proj_data_dir("old", _proj_db(tmp_path / "o", 1, 6, "9.8.1"))]
    with pytest.raises(bundle_data.BundleDataError, match="different major versions"):
        bundle_data.check_proj_databases(dirs)
    with pytest.raises(bundle_data.BundleDataError, match="newer than the chosen"):
        bundle_data.check_proj_databases([dirs[1], bundle_data.proj_data_dir("newer", _proj_db(tmp_path / "m", 1, 7, "9.9.0"))])


def test_union_first_folder_wins_and_build_leftovers_are_dropped(tmp_path: Path) -> None:
    new, old = tmp_path / "new", tmp_path / "old"
    for folder, files in ((new, {"gdalvrt.xsd": "new", "GDALConfig.cmake": "x", "usage": "x"}),
                          (old, {"gdalvrt.xsd": "old", "netcdf_config.xsd": "old", "sub/a.csv": "old"})):
        for rel, text in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text, encoding="utf-8")
    datas = bundle_data.union_datas([new, old], "share/gdal")
    by_name = {Path(src).name: (Path(src).read_text(encoding="utf-8"), Path(dest).as_posix()) for src, dest in datas}
    assert by_name == {"gdalvrt.xsd": ("new", "share/gdal"), "netcdf_config.xsd": ("old", "share/gdal"),
                       "a.csv": ("old", "share/gdal/sub")}


def test_installed_wheels_share_one_compatible_data_set() -> None:
    """The environment the bundle is built from: its vendored PROJ/GDAL data can be merged."""
    gdal, proj = bundle_data.find_vendored()
    assert {d.package for d in gdal} == {"pyogrio", "rasterio", "fiona"}
    assert {d.package for d in proj} == {"pyogrio", "rasterio", "fiona", "pyproj"}
    best = bundle_data.check_proj_databases(proj)
    assert best.layout == max(d.layout for d in proj)
    datas, note = bundle_data.bundle_datas()
    names = {(Path(dest).as_posix(), Path(src).name) for src, dest in datas}
    # netcdf_config.xsd only ships with rasterio's GDAL, proj.db from the newest PROJ
    assert {("share/gdal", "gdalvrt.xsd"), ("share/gdal", "netcdf_config.xsd"), ("share/proj", "proj.db")} <= names
    proj_db = next(src for src, dest in datas if Path(src).name == "proj.db")
    assert Path(proj_db).parent == best.path and best.package in note


@pytest.mark.parametrize(("dest", "dropped"), [
    ("fiona/gdal_data/gdalvrt.xsd", True), ("rasterio/proj_data/proj.db", True),
    ("pyproj/proj_dir/share/proj/proj.db", True), ("pyogrio/proj_data/CH", True),
    ("pyogrio/_io.abi3.so", False), ("share/proj/proj.db", False), ("matplotlib/mpl-data/matplotlibrc", False),
])
def test_private_data_copies_are_recognised(dest: str, dropped: bool) -> None:
    assert bundle_data.is_vendored_data(dest) is dropped


@pytest.mark.parametrize(("dest", "dropped"), [
    ("PySide6/Qt/translations/qtbase_de.qm", True), ("PySide6/Qt/translations/qt_help_ja.qm", True),
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", False), ("PySide6/Qt/translations/qt_en.qm", False),
    ("resources/translations/greenplan_zh_CN.qm", False), ("PySide6/Qt/translations/catalogs.json", False),
])
def test_qt_translations_kept_are_chinese_and_english(dest: str, dropped: bool) -> None:
    assert bundle_data.is_unused_qt_translation(dest) is dropped


# --------------------------------------------------------------------------- version resource


@pytest.mark.parametrize(("version", "numbers"), [
    ("0.1.0", (0, 1, 0, 0)), ("1.2", (1, 2, 0, 0)), ("2.0.1rc2", (2, 0, 1, 0)),
    ("3.4.5.post7", (3, 4, 5, 7)), ("1.0.dev3", (1, 0, 0, 0)), ("v1.2.3+local", (1, 2, 3, 0)),
])
def test_numeric_version(version: str, numbers: tuple[int, int, int, int]) -> None:
    assert winversion.numeric_version(version) == numbers


def test_bad_versions_are_refused() -> None:
    for bad in ("one.two", "1.70000", ""):
        with pytest.raises(ValueError):
            winversion.numeric_version(bad)


def test_version_comes_from_the_package() -> None:
    import greenplan

    assert winversion.read_version() == greenplan.__version__


def test_version_file_holds_the_version_and_names(tmp_path: Path) -> None:
    path = winversion.write_version_file(tmp_path / "v.txt", "greenplan.exe", "GreenPlan 命令行", "1.4.2.post1")
    text = path.read_text(encoding="utf-8")
    # evaluate it as PyInstaller does, with recording stand-ins for its classes
    calls: dict[str, list] = {}

    def rec(name):
        def make(*args, **kwargs):
            calls.setdefault(name, []).append((args, kwargs))
            return name
        return make

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo", "VarStruct")
    eval(compile(text, str(path), "eval"), {n: rec(n) for n in names})  # noqa: S307 - our own file
    ffi = calls["FixedFileInfo"][0][1]
    assert ffi["filevers"] == ffi["prodvers"] == (1, 4, 2, 1)
    strings = dict(args for args, _ in calls["StringStruct"])
    assert strings["FileVersion"] == strings["ProductVersion"] == "1.4.2.post1"
    assert strings["OriginalFilename"] == "greenplan.exe" and strings["InternalName"] == "greenplan"
    assert strings["FileDescription"] == "GreenPlan 命令行"
    assert calls["StringTable"][0][0][0] == "080404B0"


# --------------------------------------------------------------------------- runtime hook


def _run_hook(tmp_path: Path, extra_env: dict[str, str], complete: bool = True) -> dict[str, str]:
    meipass = tmp_path / "bundle 内部"
    (meipass / "share" / "proj").mkdir(parents=True, exist_ok=True)
    (meipass / "share" / "gdal").mkdir(parents=True, exist_ok=True)
    if complete:
        (meipass / "share" / "proj" / "proj.db").write_bytes(b"")
        (meipass / "share" / "gdal" / "gdalvrt.xsd").write_bytes(b"")
    code = ("import json, os, runpy, sys; sys._MEIPASS = sys.argv[1]; runpy.run_path(sys.argv[2]); "
            "print(json.dumps({k: os.environ.get(k) for k in sys.argv[3:]}))")
    keys = ["GDAL_DATA", "PROJ_DATA", "PROJ_LIB", "PROJ_NETWORK", "GDAL_DRIVER_PATH", "MPLCONFIGDIR"]
    env = {**os.environ, "GREENPLAN_HOME": str(tmp_path / "home"), **extra_env}
    proc = subprocess.run([sys.executable, "-c", code, str(meipass), str(ROOT / "packaging" / "pyi_rth_greenplan.py"), *keys],
                          env=env, capture_output=True, text=True, encoding="utf-8", check=True)
    out = json.loads(proc.stdout)
    out["stderr"] = proc.stderr
    out["meipass"] = str(meipass)
    return out


def test_runtime_hook_overrides_machine_wide_gdal_and_proj_settings(tmp_path: Path) -> None:
    import greenplan

    env = _run_hook(tmp_path, {"PROJ_LIB": r"C:\Program Files\PostgreSQL\16\share\contrib\postgis-3.4\proj",
                               "GDAL_DATA": "/opt/qgis/share/gdal", "PROJ_NETWORK": "ON", "MPLCONFIGDIR": "/x"})
    share = Path(env["meipass"]) / "share"
    assert env["GDAL_DATA"] == str(share / "gdal")
    assert env["PROJ_DATA"] == env["PROJ_LIB"] == str(share / "proj")
    assert env["PROJ_NETWORK"] == "OFF" and env["GDAL_DRIVER_PATH"] == "disable"
    mpl = Path(env["MPLCONFIGDIR"])
    assert mpl.parent == tmp_path / "home" / "cache" and mpl.is_dir()
    assert re.fullmatch(rf"matplotlib-{re.escape(greenplan.__version__)}-[0-9a-f]{{10}}", mpl.name)
    assert env["stderr"] == ""


def test_runtime_hook_cache_differs_per_bundle_location(tmp_path: Path) -> None:
    a = _run_hook(tmp_path / "a", {})
    b = _run_hook(tmp_path / "b", {"GREENPLAN_HOME": str(tmp_path / "a" / "home")})
    assert Path(a["MPLCONFIGDIR"]).parent == Path(b["MPLCONFIGDIR"]).parent
    assert a["MPLCONFIGDIR"] != b["MPLCONFIGDIR"]


def test_runtime_hook_reports_an_incomplete_installation(tmp_path: Path) -> None:
    env = _run_hook(tmp_path, {}, complete=False)
    assert "安装不完整" in env["stderr"] and "incomplete installation" in env["stderr"]


def test_fiona_is_not_imported_with_the_application() -> None:
    """Its GDAL loads only when the salvage path (or the demo writer) imports it.

    Every module below ``gui`` is imported (``gui`` reaches fiona only through them; importing
    Qt as well would double the test's time).
    """
    code = ("import importlib, pkgutil, sys, greenplan\n"
            "for m in pkgutil.walk_packages(greenplan.__path__, 'greenplan.'):\n"
            "    if not m.name.endswith('__main__') and not m.name.startswith('greenplan.gui'):\n"
            "        importlib.import_module(m.name)\n"
            "print(sorted(k for k in sys.modules if k.split('.')[0] == 'fiona'))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


# --------------------------------------------------------------------------- debug-info stripping


def test_elf_sections_of_the_running_interpreter() -> None:
    names = strip_debug.elf_section_names(Path(sys.executable).resolve())
    if sys.platform.startswith("linux"):
        assert ".text" in names and ".dynsym" in names
    else:  # a PE or Mach-O executable is no ELF file
        assert names == []


def test_non_binaries_keep_their_entries(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("not a binary", encoding="utf-8")
    toc = [("a.txt", str(text), "DATA"), ("b.so", str(text), "BINARY")]
    assert strip_debug.strip_debug_toc(toc, tmp_path / "cache") == (toc, 0)
    assert strip_debug.elf_section_names(text) == [] and not (tmp_path / "cache").exists()


# --------------------------------------------------------------------------- smoke-test helpers


def test_meridian_arc_against_a_geodesic() -> None:
    import pyproj

    # Karney's geodesic along the 105°E meridian on the CGCS2000 ellipsoid: an independent algorithm
    geod = pyproj.Geod(a=support.CGCS2000_A, rf=support.CGCS2000_INV_F)
    for lat in (0.5, 23.0, 30.0, 45.0, 53.5):
        _, _, dist = geod.inv(105.0, 0.0, 105.0, lat)
        assert support.meridian_arc_m(lat) == pytest.approx(dist, abs=1e-4)
    assert round(support.meridian_arc_m(30.0), 3) == 3320113.398  # GRS 80, the textbook value


def test_first_difference_finds_the_path() -> None:
    a = {"x": [1, 2.0, {"y": "甲"}], "z": 0.1 + 0.2}
    assert smoke.first_difference(a, {"x": [1, 2, {"y": "甲"}], "z": 0.3}) is None
    assert smoke.first_difference(a, {"x": [1, 2.0, {"y": "乙"}], "z": 0.3}) == "$.x[2].y: '甲' vs '乙'"
    assert smoke.first_difference(a, {"x": [1], "z": 0.3}) == "$.x: 3 vs 1 items"
    assert smoke.first_difference({"v": 1.0}, {"v": 1.001}) == "$.v: 1.0 vs 1.001"


def test_bundle_parts_are_sorted_by_size(tmp_path: Path) -> None:
    root = tmp_path / "GreenPlan"
    (root / "_internal" / "big").mkdir(parents=True)
    (root / "_internal" / "big" / "a.bin").write_bytes(b"\0" * 3000)
    (root / "_internal" / "small.bin").write_bytes(b"\0" * 10)
    (root / "greenplan").write_bytes(b"\0" * 500)
    parts = smoke.bundle_parts(smoke.Bundle(root))
    assert parts == [("_internal/big", 3000), ("greenplan", 500), ("_internal/small.bin", 10)]


# --------------------------------------------------------------------------- installer script


def _spec_constants() -> dict[str, str]:
    tree = ast.parse((ROOT / "build.spec").read_text(encoding="utf-8"))
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            out.update({t.id: node.value.value for t in node.targets if isinstance(t, ast.Name)})
    return out


def test_installer_script_agrees_with_the_spec() -> None:
    raw = (ROOT / "installer" / "greenplan.iss").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "ISCC reads UTF-8 (Chinese text) only with a BOM"
    text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    consts = _spec_constants()
    defines = dict(re.findall(r'^#define (\w+) "([^"]*)"', text, re.MULTILINE))
    assert defines["GuiExe"] == consts["GUI_NAME"] + ".exe" == smoke.GUI_NAME + ".exe"
    assert defines["CliExe"] == consts["CLI_NAME"] + ".exe" == smoke.CLI_NAME + ".exe"
    assert consts["BUNDLE"] == smoke.BUNDLE_NAME and "dist\\GreenPlan" in text
    assert re.search(r"^AppId=\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$", text, re.MULTILINE)
    assert "PrivilegesRequired=lowest" in text and "OutputBaseFilename=GreenPlan-Setup-{#AppVersion}" in text
    languages = re.findall(r'^Name: "(\w+)"; MessagesFile: "([^"]+)"', text, re.MULTILINE)
    assert languages == [("zh", "ChineseSimplified.isl"), ("en", "compiler:Default.isl")]
    # every custom message exists in both languages
    messages = re.findall(r"^(zh|en)\.(\w+)=", text, re.MULTILINE)
    assert {m for lang, m in messages if lang == "zh"} == {m for lang, m in messages if lang == "en"}
    used = set(re.findall(r"\{cm:(\w+)", text)) - {"CreateDesktopIcon", "AdditionalIcons", "UninstallProgram", "LaunchProgram"}
    assert used <= {m for _, m in messages}
