"""What the bundle leaves out and the Windows estimate, fast (no build, no network, no Wine).

``packaging/trim.py`` (the rules shared by build.spec and windows_size.py), the symbol
stripping's safety check, the one-executable dispatch and the wheel arithmetic of
``packaging/windows_size.py`` on small trees and wheels written by the tests.
"""

from __future__ import annotations

import marshal
import shutil
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.frozen.packaging_modules import load

trim = load("trim")
strip_debug = load("strip_debug")
dispatch = load("entry_dispatch")
windows_size = load("windows_size")

LINUX = sys.platform.startswith("linux")

# --------------------------------------------------------------------------- Qt, data, tests


@pytest.mark.parametrize(("dest", "dropped"), [
    # Linux wheel layout
    ("PySide6/Qt/plugins/platforms/libqxcb.so", False), ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", True), ("PySide6/Qt/plugins/platforms/libqvnc.so", True),
    ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", True),
    ("PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-egldevice-integration.so", True),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True), ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", False),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", False), ("PySide6/Qt/plugins/imageformats/libqwebp.so", True),
    ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", False), ("PySide6/Qt/plugins/tls/libqopensslbackend.so", True),
    ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", False),
    ("PySide6/Qt/lib/libQt6Network.so.6", True), ("PySide6/Qt/lib/libQt6Gui.so.6", False),
    ("PySide6/Qt/lib/libQt6QuickWidgets.so.6", True), ("PySide6/Qt/qml/QtQuick/Controls/qmldir", True),
    # Windows wheel layout
    ("PySide6/plugins/platforms/qwindows.dll", False), ("PySide6/plugins/styles/qmodernwindowsstyle.dll", False),
    ("PySide6/plugins/platforms/qminimal.dll", False), ("PySide6/plugins/networkinformation/qnetworklistmanager.dll", True),
    ("PySide6/Qt6Network.dll", True), ("PySide6/Qt6Qml.dll", True), ("PySide6/Qt6Widgets.dll", False),
    ("PySide6/opengl32sw.dll", True), ("numpy/_core/_multiarray_umath.pyd", False),
])
def test_qt_rules_on_both_layouts(dest: str, dropped: bool) -> None:
    assert (trim.qt_drop_reason(dest) is not None) is dropped


@pytest.mark.parametrize(("dest", "reason"), [
    ("matplotlib/mpl-data/sample_data/Minduka_Present_Blue_Pack.png", "matplotlib sample data"),
    ("matplotlib/fontlist-v390.json", "matplotlib font cache"),
    ("matplotlib/mpl-data/fonts/ttf/STIXGeneral.ttf", "matplotlib fonts not used"),
    ("matplotlib/mpl-data/fonts/afm/pagd8a.afm", "matplotlib fonts not used"),
    ("matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf", None), ("matplotlib/mpl-data/fonts/ttf/cmr10.ttf", None),
    ("numpy/_core/tests/test_umath.py", "tests of numpy"), ("pandas/tests/io/data/legacy.h5", "tests of pandas"),
    ("shapely/tests/geometry/test_point.py", "tests of shapely"), ("pyproj/tests/conftest.py", None),  # not in the wheel
    ("numpy/testing/_private/utils.py", None), ("greenplan/io/vector.py", None),
    ("PySide6/translations/qtbase_de.qm", "Qt translation (not zh_CN/en)"),
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", None),
    ("rasterio/proj_data/proj.db", "private GDAL/PROJ data copy"), ("share/proj/proj.db", None),
])
def test_file_rules(dest: str, reason: str | None) -> None:
    got = trim.drop_reason(dest)
    if dest.startswith("pyproj/tests"):
        assert got == "tests of pyproj"
    else:
        assert got == reason


def test_filter_toc_sums_the_bytes_dropped_per_reason(tmp_path: Path) -> None:
    files = {"a.qm": 700, "b.png": 300, "c.so": 50}
    for name, size in files.items():
        (tmp_path / name).write_bytes(b"x" * size)
    toc = [("PySide6/Qt/translations/qt_fr.qm", str(tmp_path / "a.qm"), "DATA"),
           ("matplotlib/mpl-data/sample_data/x.png", str(tmp_path / "b.png"), "DATA"),
           ("PySide6/Qt/lib/libQt6Core.so.6", str(tmp_path / "c.so"), "BINARY")]
    kept, dropped = trim.filter_toc(toc)
    assert kept == toc[2:]
    assert dropped == {"Qt translation (not zh_CN/en)": 700, "matplotlib sample data": 300}


# --------------------------------------------------------------------------- unreferenced libraries


def test_libraries_only_dropped_plugins_needed_are_pruned() -> None:
    graph = {  # file -> DT_NEEDED, a small Qt: the GTK theme plugin was dropped before
        "/s/QtGui.so": ["libQt6Gui.so.6"], "/s/libQt6Gui.so.6": ["libQt6Core.so.6", "libglib.so"],
        "/s/libQt6Core.so.6": ["libicuuc.so.73"], "/s/libicuuc.so.73": ["libicudata.so.73"],
        "/s/libicudata.so.73": [], "/s/libglib.so": [], "/s/libgtk-3.so.0": ["libcairo.so.2", "libglib.so"],
        "/s/libcairo.so.2": [], "/s/libqxcb.so": ["libQt6Gui.so.6"],
    }
    toc = [("PySide6/QtGui.abi3.so", "/s/QtGui.so", "EXTENSION"),
           ("PySide6/Qt/plugins/platforms/libqxcb.so", "/s/libqxcb.so", "BINARY")]
    toc += [(f"PySide6/Qt/lib/{n}", f"/s/{n}", "BINARY") for n in ("libQt6Gui.so.6", "libQt6Core.so.6", "libicuuc.so.73", "libicudata.so.73")]
    toc += [(n, f"/s/{n}", "BINARY") for n in ("libglib.so", "libgtk-3.so.0", "libcairo.so.2")]
    toc += [("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"), ("libgtk-3.so.0", "x/libgtk-3.so.0", "SYMLINK")]
    kept, dropped = trim.prune_unreferenced(toc, needed=lambda p: graph.get(str(p), []))
    assert sorted(Path(e[0]).name for e in dropped) == ["libcairo.so.2", "libgtk-3.so.0", "libgtk-3.so.0"]
    assert ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK") in kept
    assert len(kept) + len(dropped) == len(toc)


@pytest.mark.skipif(not LINUX, reason="symbolic links of a Linux bundle")
def test_identical_copies_become_links_and_dangling_links_go(tmp_path: Path) -> None:
    root = tmp_path / "GreenPlan" / "_internal"
    (root / "a.libs").mkdir(parents=True)
    (root / "b.libs").mkdir()
    payload = bytes(range(256)) * 64  # 16 kB
    (root / "a.libs" / "libz.so.1").write_bytes(payload)
    (root / "b.libs" / "libz-copy.so.1").write_bytes(payload)
    (root / "b.libs" / "other.so").write_bytes(payload[::-1])
    (root / "gone.so").symlink_to("a.libs/missing.so")
    count, saved = trim.dedupe_tree(root.parent)
    assert (count, saved) == (1, len(payload))
    link = root / "b.libs" / "libz-copy.so.1"
    assert link.is_symlink() and link.read_bytes() == payload and link.resolve() == (root / "a.libs" / "libz.so.1").resolve()
    assert not (root / "b.libs" / "other.so").is_symlink()
    assert trim.remove_dangling_links(root.parent) == [root / "gone.so"]
    assert not (root / "gone.so").is_symlink()


# --------------------------------------------------------------------------- ICU data


def _icu_package(items: list[tuple[str, bytes]]) -> bytes:
    """A CmnD package as ICU's pkgdata writes it (icu4c common/ucmndata.h, udata.h)."""
    info = struct.pack("<HHBBBB4s4s4s", 20, 0, 0, 0, 2, 0, b"CmnD", bytes([1, 0, 0, 0]), bytes(4))
    header = struct.pack("<HBB", 32, 0xDA, 0x27) + info
    header += b"\0" * (32 - len(header))
    names = b"".join(n.encode() + b"\0" for n, _ in items)
    toc_size = 4 + 8 * len(items)
    first = (toc_size + len(names) + 15) & ~15
    entries, blobs, name_pos = [], b"", toc_size
    for n, data in items:
        entries.append(struct.pack("<II", name_pos, first + len(blobs)))
        name_pos += len(n) + 1
        blobs += data + b"\0" * (-len(data) % 16)
    body = struct.pack("<I", len(items)) + b"".join(entries) + names
    return header + body + b"\0" * (first - len(body)) + blobs


def _icu_items(package: bytes) -> dict[str, bytes]:
    (hsize,) = struct.unpack_from("<H", package)
    (count,) = struct.unpack_from("<I", package, hsize)
    toc = [struct.unpack_from("<II", package, hsize + 4 + 8 * i) for i in range(count)]
    out = {}
    for i, (no, do) in enumerate(toc):
        assert (hsize + do) % 16 == 0, "every item starts on a 16-byte boundary"
        name = package[hsize + no: package.index(b"\0", hsize + no)].decode()
        end = toc[i + 1][1] if i + 1 < count else len(package) - hsize
        out[name] = package[hsize + do: hsize + end].rstrip(b"\0")
    return out


def test_icu_package_keeps_root_chinese_english_and_chinese_code_pages() -> None:
    items = [(f"icudt73l/{n}", f"<{n}>".encode() * (i + 1)) for i, n in enumerate(sorted([
        "coll/de.res", "coll/root.res", "coll/zh.res", "coll/ucadata.icu", "en_GB.res", "fr.res", "root.res",
        "zh_Hans_CN.res", "gb18030.cnv", "ibm-1390_P110-2003.cnv", "cnvalias.icu", "brkitr/cjdict.dict",
        "brkitr/line.brk", "translit/root.res", "zoneinfo64.res", "pool.res", "lang/ja.res", "lang/zh.res",
    ]))]
    package = _icu_package(items)
    trimmed, kept, dropped = trim.trim_icu_common_data(package)
    got = _icu_items(trimmed)
    want = {n: d for n, d in items if n.split("/", 1)[1] in {
        "coll/root.res", "coll/zh.res", "coll/ucadata.icu", "en_GB.res", "root.res", "zh_Hans_CN.res", "gb18030.cnv",
        "cnvalias.icu", "brkitr/line.brk", "zoneinfo64.res", "pool.res", "lang/zh.res"}}
    assert got == want and (kept, dropped) == (12, 6)
    assert trimmed[:32] == package[:32]  # same header: ICU still recognises it
    with pytest.raises(ValueError, match="CmnD"):
        trim.trim_icu_common_data(b"\x20\x00\xda\x27" + b"\0" * 60)


# --------------------------------------------------------------------------- stripping


@pytest.mark.skipif(not LINUX, reason="ELF files")
def test_a_misaligned_segment_is_refused(tmp_path: Path) -> None:
    lib = Path(zlib.__file__) if getattr(zlib, "__file__", None) else Path(sys.executable).resolve()
    original = tmp_path / "orig"
    shutil.copy(lib, original)
    segments = strip_debug.load_segments(original)
    assert segments and all(off % align == vaddr % align for off, vaddr, *_, align in segments)
    assert strip_debug.same_loadable_image(original, original)
    # move the second PT_LOAD's file offset by 8 bytes: what broke numpy's OpenBLAS
    data = bytearray(original.read_bytes())
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    loads = [i for i in range(phnum) if struct.unpack_from("<I", data, phoff + i * phentsize)[0] == 1]
    at = phoff + loads[1] * phentsize + 8
    struct.pack_into("<Q", data, at, struct.unpack_from("<Q", data, at)[0] + 8)
    moved = tmp_path / "moved"
    moved.write_bytes(bytes(data))
    assert not strip_debug.same_loadable_image(original, moved)


# --------------------------------------------------------------------------- one executable


@pytest.mark.parametrize(("argv0", "program"), [
    ("/opt/GreenPlan/greenplan-gui", "greenplan-gui"), (r"C:\Program Files\GreenPlan\greenplan-gui.exe", "greenplan-gui"),
    ("GREENPLAN-GUI.EXE", "greenplan-gui"), ("/opt/GreenPlan/greenplan", "greenplan"), ("greenplan.exe", "greenplan"),
    (r"D:\安装 测试\GreenPlan\greenplan.exe", "greenplan"),
])
def test_program_is_chosen_by_name(argv0: str, program: str) -> None:
    assert dispatch.program_name(argv0) == program


# --------------------------------------------------------------------------- Windows estimate


def _wheel(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def test_estimate_applies_the_bundle_rules_to_wheels(tmp_path: Path) -> None:
    source = b"def f(x):\n    return x + 1\n"
    qt = _wheel(tmp_path / "pyside6_essentials-6.11.3-cp310-abi3-win_amd64.whl", {
        "PySide6/Qt6Core.dll": b"c" * 1000, "PySide6/Qt6Quick.dll": b"q" * 5000, "PySide6/Qt6Network.dll": b"n" * 700,
        "PySide6/QtCore.pyd": b"p" * 300, "PySide6/QtQuick.pyd": b"p" * 400, "PySide6/opengl32sw.dll": b"o" * 2000,
        "PySide6/plugins/platforms/qwindows.dll": b"w" * 200, "PySide6/plugins/tls/qschannelbackend.dll": b"t" * 90,
        "PySide6/translations/qtbase_zh_CN.qm": b"z" * 30, "PySide6/translations/qtbase_ru.qm": b"r" * 40,
        "PySide6/include/QtCore/qobject.h": b"h" * 80, "PySide6/designer.exe": b"e" * 600,
        "PySide6/__init__.py": source, "pyside6_essentials-6.11.3.dist-info/RECORD": b"x" * 50,
    })
    np = _wheel(tmp_path / "numpy-2.4.6-cp311-cp311-win_amd64.whl", {
        "numpy/_core/_multiarray_umath.cp311-win_amd64.pyd": b"m" * 800, "numpy.libs/libscipy_openblas.dll": b"b" * 3000,
        "numpy/_core/tests/test_a.py": source, "numpy/_core/tests/data/big.csv": b"d" * 9000,
        "numpy/_core/include/numpy/ndarraytypes.h": b"h" * 100, "numpy/__init__.pyi": b"i" * 10,
    })
    gdal = _wheel(tmp_path / "pyogrio-0.13.0-cp311-abi3-win_amd64.whl", {
        "pyogrio/gdal_data/gdalvrt.xsd": b"g" * 60, "pyogrio/proj_data/proj.db": b"p" * 500,
    })
    ras = _wheel(tmp_path / "rasterio-1.4.4-cp311-cp311-win_amd64.whl", {
        "rasterio/gdal_data/gdalvrt.xsd": b"G" * 55, "rasterio/gdal_data/netcdf_config.xsd": b"n" * 25,
        "rasterio/proj_data/proj.db": b"P" * 450,
    })
    est, data = windows_size.estimate_wheels([qt, np, gdal, ras], excluded=["PySide6.QtQuick"])
    windows_size.add_shared_data(est, data)
    code = len(zlib.compress(marshal.dumps(compile(source, "PySide6/__init__.py", "exec", dont_inherit=True)), 9))
    assert est.parts == {
        "_internal/PySide6": 1000 + 300 + 200 + 30,         # Core, its .pyd, qwindows, Chinese Qt strings
        "_internal/numpy": 800, "_internal/numpy.libs": 3000,
        "_internal/share": 60 + 25 + 500,                    # pyogrio's (newest) copies + rasterio's extra file
    }
    assert est.pyz == code  # the test module is left out, PySide6/__init__.py is compiled into the PYZ
    assert est.dropped["QML/Quick"] == 5000 and est.dropped["Qt software OpenGL"] == 2000
    assert est.dropped["tests of numpy"] == 9000 + len(source)
    assert est.total == 1530 + 800 + 3000 + 585
    assert est.largest(2) == [("_internal/numpy.libs", 3000), ("_internal/PySide6", 1530)]


@pytest.mark.parametrize(("dest", "module"), [
    ("pandas/core/frame.py", "pandas.core.frame"), ("pandas/__init__.py", "pandas"),
    ("PIL/_avif.cp311-win_amd64.pyd", "PIL._avif"), ("matplotlib/mpl-data/matplotlibrc", None),
    ("numpy/_core/lib-dynload/x.py", None),
])
def test_module_names_of_wheel_files(dest: str, module: str | None) -> None:
    assert windows_size.module_of(dest) == module


def test_spec_excludes_reach_the_estimate() -> None:
    excluded = windows_size.spec_excludes()
    for name in ("PySide6.QtNetwork", "PySide6.QtQuick", "pytest", "PIL._avif", "_ssl", "sqlite3", "dask"):
        assert name in excluded
    assert windows_size.excluded_module("PySide6.QtQuick.Controls", excluded)
    assert not windows_size.excluded_module("PySide6.QtCore", excluded)


def test_python_runtime_constants_are_stated_and_small() -> None:
    """Not in any wheel: their total is what docs/packaging.md says (10.4 MB), 2.5 % of 420 MB."""
    total = sum(windows_size.PYTHON_RUNTIME.values()) / 1e6
    assert total == pytest.approx(10.4, abs=0.05)
    assert "_ssl.pyd" not in windows_size.PYTHON_RUNTIME and "libcrypto-3.dll" not in windows_size.PYTHON_RUNTIME
    assert set(windows_size.BOOTLOADERS) == {"greenplan.exe", "greenplan-gui.exe"}
