"""What the bundle leaves out, and how: one set of rules for ``build.spec`` and the Windows estimate.

``build.spec`` applies these rules to PyInstaller's TOC (``(destination, source, typecode)``
entries) when it builds the bundle; ``windows_size.py`` applies the same rules to the
contents of the Windows wheels to estimate the Windows bundle without a Windows machine.
A rule looks at the *destination* path inside the bundle's ``_internal`` folder (POSIX
separators), so one rule serves both platforms' layouts (``PySide6/Qt/plugins/...`` on
Linux, ``PySide6/plugins/...`` on Windows).

Left out (docs/packaging.md, "What is in the bundle"):

- Qt: plugins GreenPlan never loads (Wayland, EGLFS, VNC, evdev, GTK3 theme, TLS, network
  information ...), QML/Quick, libraries only those plugins needed, Qt translations other
  than Chinese and English (``bundle_data.is_unused_qt_translation``);
- matplotlib's sample data and any font cache (``fontlist-*.json``);
- the test folders of numpy, pandas, shapely, pyproj (and of the other scientific packages);
- Python modules the application does not import (:data:`EXCLUDED_MODULES`);
- Linux only: shared libraries that no kept binary needs any more (:func:`prune_unreferenced`),
  identical copies of one file (:func:`dedupe_tree`), symbol tables (``strip_debug.py``) and
  ICU locale data other than root/Chinese/English (:func:`trim_icu_common_data`).

Build-time only (imported by ``build.spec``, ``windows_size.py`` and the tests; never bundled).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path, PurePosixPath

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bundle_data, also when loaded by path
import bundle_data  # noqa: E402

#: PyInstaller TOC entry: (destination in the bundle, source file, typecode)
TocEntry = tuple[str, str, str]

# --------------------------------------------------------------------------- Python modules

#: modules left out of the analysis (added to build.spec's ``excludes``)
EXCLUDED_MODULES = (
    # Pillow's AVIF codec (libavif with its AV1 encoders, 5 MB) and Tk bridge: maps are
    # written as PNG/TIFF/PDF/SVG; Pillow registers AVIF only when _avif imports
    "PIL._avif", "PIL.AvifImagePlugin", "PIL._imagingtk", "PIL.ImageTk",
    # TLS and OpenSSL's hashes (libssl + libcrypto, 5.3 MB): GreenPlan makes no network
    # connections (PROJ_NETWORK=OFF); hashlib falls back to CPython's own sha256/md5 modules
    "ssl", "_ssl", "_hashlib",
    # interactive line editing (libreadline, libtinfo)
    "readline",
    # lxml parts nobody imports (python-docx and openpyxl use lxml.etree only)
    "lxml.objectify", "lxml.html", "lxml.isoschematron", "lxml.sax",
    # Python's SQLite (GeoPackages go through GDAL's own SQLite) and Pillow's WebP codec
    "sqlite3", "_sqlite3", "PIL._webp", "PIL.WebPImagePlugin",
)

# --------------------------------------------------------------------------- Qt

#: plugin folders kept whole; every other folder of Qt's ``plugins`` is dropped
QT_PLUGIN_FOLDERS_KEPT = frozenset({
    "platforms",               # chosen below
    "imageformats",            # SVG, ICO (the icons), JPEG/TIFF/GIF for pictures in reports
    "iconengines",             # SVG icons
    "platforminputcontexts",   # input methods (Chinese IMEs: ibus, fcitx via compose)
    "platformthemes",          # chosen below
    "styles",                  # Windows 11 / modern Windows style
    "xcbglintegrations",       # X11: Qt probes them at start
})
#: platform plugins kept (offscreen and minimal run the self-test and headless exports)
QT_PLATFORMS_KEPT = frozenset({"qxcb", "qoffscreen", "qminimal", "qwindows", "qdirect2d"})
#: platform themes kept: the XDG portal (native file dialogs); GTK3's pulls in GTK, cairo, pango
QT_THEMES_KEPT = frozenset({"qxdgdesktopportal"})
#: image formats dropped (Apple icons, TGA, WAP bitmaps, WebP)
QT_IMAGEFORMATS_DROPPED = frozenset({"qicns", "qtga", "qwbmp", "qwebp"})
#: Qt libraries only the dropped plugins use, and the QML/Quick stack
QT_LIBRARIES_DROPPED = (
    "Network", "OpenGL", "WaylandClient", "WlShellIntegration", "EglFSDeviceIntegration",
    "EglFsKmsSupport", "WaylandEglClientHwIntegration", "Qml", "Quick", "Pdf", "VirtualKeyboard",
)


def _stem(name: str) -> str:
    """``libqxcb.so`` / ``qxcb.dll`` / ``libQt6Network.so.6`` -> ``qxcb`` / ``qxcb`` / ``Qt6Network``."""
    stem = name.split(".", 1)[0]
    return stem[3:] if stem.startswith("lib") else stem


def qt_drop_reason(dest: str) -> str | None:
    """Why a Qt file is left out, or None (kept or not Qt).

    Examples
    --------
    >>> qt_drop_reason("PySide6/Qt/plugins/platforms/libqwayland.so")
    'Qt platform plugin'
    >>> qt_drop_reason("PySide6/plugins/platforms/qwindows.dll") is None
    True
    >>> qt_drop_reason("PySide6/Qt6Network.dll"), qt_drop_reason("PySide6/Qt/lib/libQt6Gui.so.6")
    ('Qt library of dropped plugins or QML', None)
    """
    parts = PurePosixPath(dest).parts
    if not parts or parts[0] not in ("PySide6", "shiboken6"):
        return None
    if "qml" in parts or any(p.startswith(("Qt6Quick", "Qt6Qml", "libQt6Quick", "libQt6Qml")) for p in parts):
        return "QML/Quick"
    name = parts[-1]
    if "plugins" in parts:
        i = parts.index("plugins")
        if len(parts) < i + 3:
            return None
        folder, stem = parts[i + 1], _stem(name)
        if folder not in QT_PLUGIN_FOLDERS_KEPT:
            return f"Qt plugins: {folder}"
        if folder == "platforms" and stem not in QT_PLATFORMS_KEPT:
            return "Qt platform plugin"
        if folder == "platformthemes" and stem not in QT_THEMES_KEPT:
            return "Qt platform theme"
        if folder == "imageformats" and stem in QT_IMAGEFORMATS_DROPPED:
            return "Qt image format"
        return None
    stem = _stem(name)
    if stem.startswith("Qt6") and stem[3:] in QT_LIBRARIES_DROPPED:
        return "Qt library of dropped plugins or QML"
    if name.lower() == "opengl32sw.dll":
        # Qt's software OpenGL (Mesa llvmpipe, 20 MB): GreenPlan paints with QPainter's raster engine
        return "Qt software OpenGL"
    return None


# --------------------------------------------------------------------------- data and tests

#: matplotlib fonts GreenPlan never draws with: its text is 文泉驿微米黑 with DejaVu Sans as
#: fallback, mathtext uses DejaVu Sans with Computer Modern as fallback (greenplan.render.fonts),
#: PDFs embed TrueType fonts (the AFM metrics serve only ``pdf.use14corefonts``/``ps.useafm``)
MPL_FONTS_DROPPED = ("DejaVuSerif", "DejaVuSansMono", "STIX")

#: packages whose ``tests`` folders are left out (the issue names the first four)
TEST_PACKAGES = ("numpy", "pandas", "shapely", "pyproj", "matplotlib", "geopandas", "pyogrio",
                 "rasterio", "fiona", "openpyxl", "PIL", "contourpy", "kiwisolver", "lxml")


def data_drop_reason(dest: str) -> str | None:
    """Why a non-Qt file is left out, or None.

    Examples
    --------
    >>> data_drop_reason("matplotlib/mpl-data/sample_data/goog.npz")
    'matplotlib sample data'
    >>> data_drop_reason("numpy/_core/tests/data/umath-validation-set-log.csv")
    'tests of numpy'
    >>> data_drop_reason("numpy/testing/__init__.py") is None
    True
    """
    parts = PurePosixPath(dest).parts
    if not parts:
        return None
    if parts[:3] == ("matplotlib", "mpl-data", "sample_data"):
        return "matplotlib sample data"
    if parts[0] == "matplotlib" and re.fullmatch(r"fontlist(-v\d+)?\.json", parts[-1]):
        return "matplotlib font cache"
    if parts[:3] == ("matplotlib", "mpl-data", "fonts") and len(parts) > 4:
        if parts[3] in ("afm", "pdfcorefonts") or parts[-1].startswith(MPL_FONTS_DROPPED):
            return "matplotlib fonts not used"
    if parts[0] in TEST_PACKAGES and any(p in ("tests", "test") for p in parts[1:-1]):
        return f"tests of {parts[0]}"
    return None


def drop_reason(dest: str) -> str | None:
    """Every file rule of this module (Qt, data, tests, Qt translations) for one destination."""
    dest = dest.replace("\\", "/")
    if bundle_data.is_unused_qt_translation(dest):
        return "Qt translation (not zh_CN/en)"
    if bundle_data.is_vendored_data(dest):
        return "private GDAL/PROJ data copy"
    return qt_drop_reason(dest) or data_drop_reason(dest)


def filter_toc(toc: Iterable[TocEntry]) -> tuple[list[TocEntry], dict[str, int]]:
    """``toc`` without the entries :func:`drop_reason` leaves out; bytes dropped per reason."""
    kept: list[TocEntry] = []
    dropped: dict[str, int] = {}
    for entry in toc:
        reason = drop_reason(entry[0])
        if reason is None:
            kept.append(entry)
            continue
        try:
            size = Path(entry[1]).stat().st_size
        except OSError:
            size = 0
        dropped[reason] = dropped.get(reason, 0) + size
    return kept, dropped


# --------------------------------------------------------------------------- unreferenced libraries


def elf_needed(path: Path) -> list[str]:
    """``DT_NEEDED`` names of an ELF file ([] for anything else), read with ``readelf -d``."""
    proc = subprocess.run(["readelf", "-d", "-W", str(path)], capture_output=True, text=True)
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", proc.stdout)


def is_root_binary(dest: str, typecode: str) -> bool:
    """A binary loaded by name at run time: an extension module, a Qt plugin, libpython."""
    name = PurePosixPath(dest).name
    return typecode == "EXTENSION" or "/plugins/" in "/" + dest or name.startswith("libpython")


def prune_unreferenced(binaries: Sequence[TocEntry], needed: Callable[[Path], list[str]] = elf_needed
                       ) -> tuple[list[TocEntry], list[TocEntry]]:
    """Shared libraries no kept binary needs (directly or through others) are left out.

    PyInstaller collects the dependencies of every binary it finds, including those of the Qt
    plugins this module drops (the GTK3 theme brings GTK, cairo and pango; the TLS and VNC
    plugins QtNetwork and Kerberos). After the drop, only libraries reachable from a root
    (:func:`is_root_binary`) through ``DT_NEEDED`` stay.

    Returns
    -------
    (kept, dropped)
    """
    by_name: dict[str, list[TocEntry]] = {}
    for entry in binaries:
        by_name.setdefault(PurePosixPath(entry[0]).name, []).append(entry)
    reached: set[str] = set()
    todo = [e for e in binaries if is_root_binary(e[0], e[2])]
    while todo:
        entry = todo.pop()
        for lib in needed(Path(entry[1])):
            if lib in by_name and lib not in reached:
                reached.add(lib)
                todo.extend(by_name[lib])
    kept, dropped = [], []
    for entry in binaries:
        name = PurePosixPath(entry[0]).name
        keep = is_root_binary(entry[0], entry[2]) or name in reached or entry[2] not in ("BINARY", "SYMLINK")
        (kept if keep else dropped).append(entry)
    # PyInstaller's links to libraries in sub-folders (``libQt6Core.so.6`` -> ``PySide6/Qt/lib/...``)
    # go with their targets
    dests = {PurePosixPath(e[0]) for e in kept if e[2] != "SYMLINK"}
    linked = [e for e in kept if e[2] == "SYMLINK"]
    for link in linked:
        if PurePosixPath(link[1]) not in dests:
            kept.remove(link)
            dropped.append(link)
    return kept, dropped


# --------------------------------------------------------------------------- identical copies


def file_digest(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def duplicate_groups(files: Iterable[Path], min_size: int = 4096) -> list[list[Path]]:
    """Groups of byte-identical regular files (each group sorted, first = the one kept)."""
    by_size: dict[int, list[Path]] = {}
    for p in files:
        if p.is_file() and not p.is_symlink() and p.stat().st_size >= min_size:
            by_size.setdefault(p.stat().st_size, []).append(p)
    groups: list[list[Path]] = []
    for same in by_size.values():
        if len(same) < 2:
            continue
        by_hash: dict[str, list[Path]] = {}
        for p in same:
            by_hash.setdefault(file_digest(p), []).append(p)
        groups += [sorted(g) for g in by_hash.values() if len(g) > 1]
    return sorted(groups)


def dedupe_tree(root: Path, min_size: int = 4096) -> tuple[int, int]:
    """Replace identical copies below ``root`` by relative symbolic links to the first (Linux).

    The loader follows the link, so a library reached under two names or in two wheels'
    ``.libs`` folders is stored once. Windows bundles are left alone (an installer does not
    carry symbolic links; ``windows_size.py`` reports the duplicates instead).

    Returns
    -------
    (files replaced, bytes saved)
    """
    count = saved = 0
    for first, *copies in duplicate_groups(sorted(root.rglob("*")), min_size):
        for copy in copies:
            size = copy.stat().st_size
            copy.unlink()
            copy.symlink_to(os.path.relpath(first, copy.parent))
            count, saved = count + 1, saved + size
    return count, saved


def remove_dangling_links(root: Path) -> list[Path]:
    """Remove symbolic links below ``root`` whose target is gone; returns them.

    PyInstaller links ``_internal/libQt6Network.so.6`` to ``PySide6/Qt/lib/libQt6Network.so.6``
    for every library it collected into a sub-folder, also for the ones dropped afterwards.
    """
    gone = [p for p in sorted(root.rglob("*")) if p.is_symlink() and not p.exists()]
    for p in gone:
        p.unlink()
    return gone


# --------------------------------------------------------------------------- ICU data (Linux Qt)

#: ICU locale data kept: the root locale and the two languages of the interface
ICU_LANGUAGES = ("root", "en", "zh")
#: converters kept: the alias table and the Chinese code pages (GBK/GB18030 shapefiles)
ICU_CONVERTERS_KEPT = frozenset({"cnvalias.icu", "gb18030.cnv", "windows-936-2000.cnv", "ibm-1386_P100-2001.cnv"})
#: dictionaries of ICU's break iterators (Chinese/Japanese, Thai, Lao, Khmer, Burmese words):
#: Qt finds line and word boundaries with its own Unicode tables, not with ICU's iterators
_ICU_BREAK_DICTS_DROPPED = ("cjdict.dict", "thaidict.dict", "laodict.dict", "khmerdict.dict", "burmesedict.dict")
_LOCALE_STEM = re.compile(r"^([a-z]{2,3}|root)(_[A-Za-z0-9]+)*$")


def icu_item_kept(name: str) -> bool:
    """Whether one item of ICU's common data package stays in the trimmed package.

    ``name`` is the item's name in the package, e.g. ``icudt73l/coll/de.res``. Locale data
    (``*.res`` named after a locale, in every category folder) stays for root, Chinese and
    English; converters stay for Chinese code pages; everything else (properties,
    normalisation, time zones, plural rules, break rules) stays.

    Examples
    --------
    >>> [icu_item_kept(n) for n in ("icudt73l/coll/zh.res", "icudt73l/coll/de.res", "icudt73l/zh_Hans_CN.res")]
    [True, False, True]
    >>> [icu_item_kept(n) for n in ("icudt73l/ibm-1390_P110-2003.cnv", "icudt73l/gb18030.cnv", "icudt73l/zoneinfo64.res")]
    [False, True, True]
    """
    parts = name.split("/")
    leaf = parts[-1]
    if leaf.endswith(".cnv") or leaf == "cnvalias.icu":
        return leaf in ICU_CONVERTERS_KEPT
    if leaf in _ICU_BREAK_DICTS_DROPPED:
        return False
    if parts[1:2] == ["translit"]:
        return False  # transliteration rules: no Qt API reaches them
    if leaf.endswith(".res"):
        stem = leaf[: -len(".res")]
        if _LOCALE_STEM.match(stem) and stem not in ("pool", "res_index"):
            return stem.split("_")[0] in ICU_LANGUAGES
    return True


def _align16(n: int) -> int:
    return (n + 15) & ~15


def trim_icu_common_data(data: bytes, keep: Callable[[str], bool] = icu_item_kept) -> tuple[bytes, int, int]:
    """A copy of ICU's common data package (``CmnD``) with only the items ``keep`` accepts.

    The package is a header, a table of contents (count, then per item the offsets of its
    name and of its data, both from the end of the header), the names, then the items, each
    starting on a 16-byte boundary. Items are self-contained, so dropping some and packing
    the rest again is all there is to it (what ICU's ``icupkg --remove`` does).

    Returns
    -------
    (package, items kept, items dropped)
    """
    (header_size,) = struct.unpack_from("<H", data, 0)
    if data[2:4] != b"\xda\x27" or data[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package (CmnD)")
    (count,) = struct.unpack_from("<I", data, header_size)
    toc = [struct.unpack_from("<II", data, header_size + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_off, data_off) in enumerate(toc):
        name_start = header_size + name_off
        name = data[name_start : data.index(b"\0", name_start)].decode("ascii")
        end = toc[i + 1][1] if i + 1 < count else len(data) - header_size
        items.append((name, data[header_size + data_off : header_size + end]))
    kept = [(n, blob) for n, blob in items if keep(n)]
    names = b"".join(n.encode("ascii") + b"\0" for n, _ in kept)
    toc_size = 4 + 8 * len(kept)
    first_item = _align16(toc_size + len(names))
    out_toc, out_names, out_items = [], b"", b""
    for n, blob in kept:
        out_toc.append((toc_size + len(out_names), first_item + len(out_items)))
        out_names += n.encode("ascii") + b"\0"
        out_items += blob + b"\0" * (_align16(len(blob)) - len(blob))
    body = struct.pack("<I", len(kept)) + b"".join(struct.pack("<II", *t) for t in out_toc) + out_names
    body += b"\0" * (first_item - len(body))
    return data[:header_size] + body + out_items, len(kept), len(items) - len(kept)


def read_icu_data_symbol(lib: Path) -> tuple[str, bytes]:
    """The data symbol (``icudt73_dat``) of an ICU data library and its bytes (``nm -D -S``)."""
    proc = subprocess.run(["nm", "-D", "-S", "--defined-only", str(lib)], capture_output=True, text=True, check=True)
    m = re.search(r"^([0-9a-f]+) ([0-9a-f]+) [RDr] (icudt\d+_dat)$", proc.stdout, re.MULTILINE)
    if not m:
        raise ValueError(f"no icudt*_dat symbol in {lib}")
    addr, size, symbol = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
    # the symbol's address -> file offset through the section that holds it
    sections = subprocess.run(["readelf", "-S", "-W", str(lib)], capture_output=True, text=True, check=True).stdout
    for line in sections.splitlines():
        f = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if f:
            sec_addr, sec_off, sec_size = (int(f.group(k), 16) for k in (2, 3, 4))
            if sec_addr <= addr < sec_addr + sec_size:
                with open(lib, "rb") as fh:
                    fh.seek(sec_off + addr - sec_addr)
                    return symbol, fh.read(size)
    raise ValueError(f"{symbol} of {lib} is in no section")


def soname(lib: Path) -> str:
    proc = subprocess.run(["readelf", "-d", "-W", str(lib)], capture_output=True, text=True, check=True)
    m = re.search(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", proc.stdout)
    return m.group(1) if m else lib.name


def build_icu_data_library(package: bytes, symbol: str, so_name: str, out: Path) -> Path:
    """A shared library named ``so_name`` whose ``symbol`` holds ``package`` (GNU ``as`` + ``ld``)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        dat, asm, obj = Path(tmp) / "icu.dat", Path(tmp) / "icu.s", Path(tmp) / "icu.o"
        dat.write_bytes(package)
        asm.write_text(
            f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n'
            f'{symbol}:\n\t.incbin "{dat}"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n', encoding="ascii")
        subprocess.run(["as", "-o", str(obj), str(asm)], check=True)
        subprocess.run(["ld", "-shared", "-soname", so_name, "-o", str(out), str(obj)], check=True)
    return out


def trim_icu_toc(binaries: Sequence[TocEntry], work: Path) -> tuple[list[TocEntry], int, str]:
    """``binaries`` with Qt's ICU data library replaced by a trimmed copy (Linux; else unchanged).

    Returns
    -------
    (binaries, bytes saved, note)
    """
    out: list[TocEntry] = []
    saved, note = 0, "no ICU data library in the bundle"
    tools = all(shutil.which(t) for t in ("nm", "readelf", "as", "ld"))
    for dest, src, typecode in binaries:
        if not re.fullmatch(r"libicudata\.so\.\d+", PurePosixPath(dest).name):
            out.append((dest, src, typecode))
            continue
        if not tools:
            note = "ICU data kept whole: binutils (nm, readelf, as, ld) not found"
            out.append((dest, src, typecode))
            continue
        symbol, package = read_icu_data_symbol(Path(src))
        trimmed, kept, dropped = trim_icu_common_data(package)
        lib = build_icu_data_library(trimmed, symbol, soname(Path(src)), work / "icu" / PurePosixPath(dest).name)
        saved += Path(src).stat().st_size - lib.stat().st_size
        note = (f"ICU data trimmed to root/zh/en: {kept} items kept, {dropped} dropped, "
                f"{len(package) / 1e6:.1f} -> {len(trimmed) / 1e6:.1f} MB")
        out.append((dest, str(lib), typecode))
    return out, saved, note
