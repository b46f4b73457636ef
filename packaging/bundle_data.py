"""One GDAL_DATA and one PROJ_DATA folder for the four libraries that vendor their own.

pyogrio, rasterio and fiona each ship a private GDAL (and PROJ) in their wheels, pyproj a
private PROJ; each wheel carries its own ``gdal_data``/``proj_data`` copy. At run time
``GDAL_DATA``/``PROJ_DATA`` are process-wide environment variables, so the bundle carries
one folder of each that every copy of the libraries can use, and the runtime hook
(``pyi_rth_greenplan.py``) points the variables at it, overriding whatever the user's
machine has set (a PostGIS or QGIS installer often sets ``PROJ_LIB`` system-wide).

Which copy works for all of them:

- ``proj.db`` is read by every PROJ; PROJ refuses a database whose layout *major* version
  differs from its own or whose *minor* version is older than it expects ("proj.db lacks
  DATABASE.LAYOUT.VERSION.MINOR ... it comes from another PROJ installation"), and accepts
  a newer minor. So the newest ``proj.db`` serves all, provided every layout major is equal;
  :func:`check_proj_databases` verifies that at build time.
- GDAL data files are looked up by name, version-independently; a newer GDAL adds files and
  an older one needs some the newer build dropped (rasterio's ``netcdf_config.xsd``). The
  bundle gets the union, the newest copy winning where names collide.

Build-time only (imported by ``build.spec`` and the tests, never bundled).
"""

from __future__ import annotations

import importlib.util
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: (package, GDAL data folder, PROJ data folder) inside the installed package
VENDORED = (
    ("pyogrio", "gdal_data", "proj_data"),
    ("rasterio", "gdal_data", "proj_data"),
    ("fiona", "gdal_data", "proj_data"),
    ("pyproj", None, "proj_dir/share/proj"),
)

#: bundle folders (relative to the bundle's ``_internal``) the runtime hook points at
GDAL_DEST = "share/gdal"
PROJ_DEST = "share/proj"

#: build-system leftovers in the wheels' data folders: not data, never read at run time
_JUNK_SUFFIXES = (".cmake",)
_JUNK_NAMES = frozenset({"usage", "vcpkg.spdx.json", "vcpkg_abi_info.txt"})


class BundleDataError(RuntimeError):
    """The vendored data folders cannot be combined safely (the build must stop)."""


@dataclass(frozen=True)
class DataDir:
    """One package's data folder and the library version it belongs to."""

    package: str
    path: Path
    version: tuple[int, ...]
    layout: tuple[int, int] | None = None  # proj.db DATABASE.LAYOUT.VERSION (major, minor)


def version_tuple(text: str) -> tuple[int, ...]:
    """``"3.12.4"`` -> ``(3, 12, 4)``; non-numeric tails are dropped.

    Examples
    --------
    >>> version_tuple("3.10.3dev")
    (3, 10, 3)
    """
    out = []
    for part in text.strip().split("."):
        digits = ""
        for ch in part:
            if not ch.isdigit():
                break
            digits += ch
        if not digits:
            break
        out.append(int(digits))
        if len(digits) < len(part):
            break
    return tuple(out)


def proj_db_metadata(proj_dir: Path) -> dict[str, str]:
    """The ``metadata`` table of ``proj_dir/proj.db`` (read-only)."""
    uri = (proj_dir / "proj.db").resolve().as_uri() + "?mode=ro"
    con = sqlite3.connect(uri, uri=True)
    try:
        return dict(con.execute("SELECT key, value FROM metadata").fetchall())
    finally:
        con.close()


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _gdal_version(package: str) -> tuple[int, ...]:
    # read from the package's own GDAL (importing it is fine at build time)
    mod = __import__(package)
    text = getattr(mod, "__gdal_version__", None) or getattr(mod, "__gdal_version_string__", "")
    if isinstance(text, tuple):
        return tuple(int(v) for v in text)
    return version_tuple(str(text))


def find_vendored(vendored: Sequence[tuple[str, str | None, str | None]] = VENDORED) -> tuple[list[DataDir], list[DataDir]]:
    """The installed packages' GDAL and PROJ data folders, newest library first.

    Returns
    -------
    (gdal_dirs, proj_dirs)
        GDAL folders ordered by the package's GDAL version, PROJ folders by the
        ``PROJ.VERSION`` recorded in their ``proj.db``; packages not installed are skipped.
    """
    gdal: list[DataDir] = []
    proj: list[DataDir] = []
    for package, gdal_rel, proj_rel in vendored:
        root = _package_dir(package)
        if root is None:
            continue
        if gdal_rel and (root / gdal_rel).is_dir():
            gdal.append(DataDir(package, root / gdal_rel, _gdal_version(package)))
        if proj_rel and (root / proj_rel / "proj.db").is_file():
            proj.append(proj_data_dir(package, root / proj_rel))
    gdal.sort(key=lambda d: d.version, reverse=True)
    proj.sort(key=lambda d: (d.layout, d.version), reverse=True)
    return gdal, proj


def proj_data_dir(package: str, path: Path) -> DataDir:
    """A PROJ data folder with its PROJ version and database layout read from ``proj.db``."""
    meta = proj_db_metadata(path)
    layout = (int(meta["DATABASE.LAYOUT.VERSION.MAJOR"]), int(meta.get("DATABASE.LAYOUT.VERSION.MINOR", "0")))
    return DataDir(package, path, version_tuple(meta.get("PROJ.VERSION", "0")), layout)


def check_proj_databases(proj_dirs: Sequence[DataDir]) -> DataDir:
    """The ``proj.db`` every vendored PROJ accepts (the first of ``proj_dirs``, newest first).

    Raises
    ------
    BundleDataError
        The layouts' major versions differ (no single database serves all), or the chosen
        one is older than another (``proj_dirs`` not ordered newest first).
    """
    if not proj_dirs:
        raise BundleDataError("no PROJ data folder found in pyogrio, rasterio, fiona or pyproj")
    best = proj_dirs[0]
    for other in proj_dirs[1:]:
        assert best.layout is not None and other.layout is not None
        if other.layout[0] != best.layout[0]:
            raise BundleDataError(
                f"proj.db layout {best.layout} ({best.package}) and {other.layout} ({other.package}) have "
                "different major versions: no single PROJ_DATA serves both; pin versions whose PROJ agree"
            )
        if other.layout[1] > best.layout[1]:
            raise BundleDataError(f"proj.db of {other.package} {other.layout} is newer than the chosen {best.package} {best.layout}")
    return best


def _files(folder: Path) -> Iterable[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name not in _JUNK_NAMES and not path.name.endswith(_JUNK_SUFFIXES):
            yield path


def union_datas(folders: Sequence[Path], dest: str) -> list[tuple[str, str]]:
    """PyInstaller ``datas`` entries ``(source file, destination folder)`` for the union.

    The first folder wins where a relative file name occurs in several (give the newest
    first); build leftovers (``*.cmake``, vcpkg files) are left out.
    """
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for folder in folders:
        for path in _files(folder):
            rel = path.relative_to(folder)
            key = rel.as_posix().lower()  # Windows file names are case-insensitive
            if key in seen:
                continue
            seen.add(key)
            out.append((str(path), str(Path(dest) / rel.parent)))
    return out


def bundle_datas() -> tuple[list[tuple[str, str]], str]:
    """``datas`` for ``share/gdal`` and ``share/proj``, and a one-paragraph build log note.

    Raises
    ------
    BundleDataError
        No data found, or the vendored ``proj.db`` files are incompatible.
    """
    gdal, proj = find_vendored()
    if not gdal:
        raise BundleDataError("no GDAL data folder found in pyogrio, rasterio or fiona")
    best = check_proj_databases(proj)
    # proj.db and the grids: newest first, so its proj.db is the one taken
    datas = union_datas([d.path for d in gdal], GDAL_DEST) + union_datas([d.path for d in proj], PROJ_DEST)
    note = (
        "GDAL_DATA: union of " + ", ".join(f"{d.package} (GDAL {'.'.join(map(str, d.version))})" for d in gdal)
        + f"; PROJ_DATA: proj.db of {best.package} (PROJ {'.'.join(map(str, best.version))}, layout {best.layout}) "
        "serves " + ", ".join(f"{d.package} (PROJ {'.'.join(map(str, d.version))}, layout {d.layout})" for d in proj)
    )
    return datas, note


def is_vendored_data(dest: str) -> bool:
    """True for a ``datas`` destination inside a package's private data copy (dropped).

    Examples
    --------
    >>> is_vendored_data("fiona/proj_data/proj.db"), is_vendored_data("pyproj/proj_dir/share/proj/proj.db")
    (True, True)
    >>> is_vendored_data("matplotlib/mpl-data/matplotlibrc")
    False
    """
    parts = Path(dest).as_posix().split("/")
    for package, gdal_rel, proj_rel in VENDORED:
        for rel in (gdal_rel, proj_rel):
            if rel and parts[: 1 + len(rel.split("/"))] == [package, *rel.split("/")]:
                return True
    return parts[:2] == ["pyproj", "proj_dir"]


#: Qt translation catalogues kept (GreenPlan's interface is Chinese or English)
QT_LANGUAGES = ("zh_CN", "en")


def is_unused_qt_translation(dest: str) -> bool:
    """True for a Qt translation catalogue of a language GreenPlan does not offer.

    Examples
    --------
    >>> is_unused_qt_translation("PySide6/Qt/translations/qtbase_de.qm")
    True
    >>> is_unused_qt_translation("PySide6/Qt/translations/qtbase_zh_CN.qm")
    False
    >>> is_unused_qt_translation("PySide6/translations/qtbase_ja.qm")  # the Windows wheels' layout
    True
    >>> is_unused_qt_translation("resources/translations/greenplan_zh_CN.qm")
    False
    """
    path = Path(dest).as_posix()
    in_qt = "/Qt/translations/" in "/" + path or path.startswith("PySide6/translations/")
    if not in_qt or not path.endswith(".qm"):
        return False
    stem = path.rsplit("/", 1)[-1][: -len(".qm")]
    return not any(stem.endswith("_" + lang) for lang in QT_LANGUAGES)
