"""Estimate the Windows bundle's size from the Windows wheels, without a Windows machine.

    python packaging/windows_size.py                 # download (once) and estimate
    python packaging/windows_size.py --offline       # estimate from the wheels already downloaded

Downloads the ``win_amd64`` wheels of ``packaging/requirements-bundle.txt`` for CPython 3.11
(``pip download --only-binary=:all: --platform win_amd64 --python-version 3.11``, hashes
checked) into ``packaging/.cache/wheels-win_amd64``, applies ``build.spec``'s rules to their
contents (``trim.py``: Qt plugins/libraries/translations, QML, tests, matplotlib sample data,
private GDAL/PROJ data; ``trim.EXCLUDED_MODULES``; one shared ``share/gdal`` + ``share/proj``
as ``bundle_data.py`` makes it) and prints the estimated size of ``dist/GreenPlan`` with its
ten largest parts. What no wheel holds (CPython's DLLs and extension modules, the VC++
runtime) is added from :data:`PYTHON_RUNTIME`; the bootloader is read from PyInstaller's
own Windows wheel. docs/packaging.md says how close the estimate should be and why.

Build-time tool (never bundled); needs the network (PyPI) only to download.
"""

from __future__ import annotations

import argparse
import marshal
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

sys.path.insert(0, str(Path(__file__).resolve().parent))  # sibling modules, also when loaded by path

import bundle_data  # noqa: E402
import lock_bundle  # noqa: E402
import trim  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "packaging" / ".cache" / "wheels-win_amd64"
#: the issue's budget for the unpacked Windows bundle (MB)
BUDGET_MB = 420.0

#: distributions that build the bundle but are not in it (PyInstaller's wheel gives the bootloader)
BUILD_ONLY = frozenset({"pyinstaller", "pyinstaller-hooks-contrib", "altgraph", "pefile", "pywin32-ctypes",
                        "setuptools", "macholib"})
#: PyInstaller's Windows bootloaders inside its wheel: console and windowed
BOOTLOADERS = {"greenplan.exe": "PyInstaller/bootloader/Windows-64bit-intel/run.exe",
               "greenplan-gui.exe": "PyInstaller/bootloader/Windows-64bit-intel/runw.exe"}

#: CPython 3.11 for Windows x64: the files PyInstaller copies from the interpreter, in bytes.
#: No wheel holds them and python.org cannot be reached from the machine this was written on,
#: so these are approximate sizes of the python.org 3.11.9 amd64 files (``DLLs\\``,
#: ``python311.dll``, ``python3.dll``, ``vcruntime140*.dll``), rounded up to 10 kB, given from
#: what that distribution is known to hold: not measured, nor checked against the files, here. Only what GreenPlan's analysis pulls in is listed (no _ssl,
#: _hashlib, libssl/libcrypto: trim.EXCLUDED_MODULES; no tkinter). Their total, 10.4 MB,
#: is 3 % of the estimate: a 20 % error in them moves it by less than 1 %.
PYTHON_RUNTIME = {
    "python311.dll": 5_910_000, "python3.dll": 70_000, "vcruntime140.dll": 120_000,
    "vcruntime140_1.dll": 50_000, "unicodedata.pyd": 1_130_000, "sqlite3.dll": 1_650_000,
    "_sqlite3.pyd": 100_000, "_decimal.pyd": 270_000, "pyexpat.pyd": 200_000, "_lzma.pyd": 160_000,
    "_bz2.pyd": 90_000, "_ctypes.pyd": 130_000, "libffi-8.dll": 40_000, "_elementtree.pyd": 60_000,
    "_socket.pyd": 80_000, "select.pyd": 30_000, "_overlapped.pyd": 50_000, "_asyncio.pyd": 70_000,
    "_multiprocessing.pyd": 30_000, "_queue.pyd": 30_000, "_uuid.pyd": 20_000, "_wmi.pyd": 40_000,
    "_zoneinfo.pyd": 40_000,
}
#: PyInstaller's base_library.zip (the stdlib modules needed to start: encodings, codecs, io ...),
#: pure Python, the same on every platform: measured in the Linux build (PyInstaller 6.22, 3.11)
BASE_LIBRARY_ZIP = 1_100_000

#: file kinds PyInstaller never collects from a wheel
_NEVER = (".pyi", ".pxd", ".pyx", ".pxi", ".h", ".hpp", ".c", ".cpp", ".lib", ".a", ".exe", ".cmake",
          ".pc", ".typed", ".md", ".rst", ".txt", ".in")
#: packages whose data files are collected (by their PyInstaller hooks or build.spec)
DATA_PACKAGES = ("matplotlib", "docx", "tzdata", "certifi", "PySide6", "pandas")
#: folders of the PySide6 wheel PyInstaller leaves alone (tools, headers, type systems, examples)
_PYSIDE_SKIPPED = ("include", "typesystems", "glue", "scripts", "examples", "doc", "metatypes", "lib", "resources")
#: Qt modules GreenPlan imports (build.spec excludes the others); their Qt6*.dll and .pyd stay
QT_MODULES_USED = ("Core", "Gui", "Widgets", "Svg")


@dataclass
class Estimate:
    """Sizes (bytes) by part of the bundle, plus what was left out and why."""

    parts: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    pyz: int = 0

    def add(self, part: str, size: int) -> None:
        self.parts[part] = self.parts.get(part, 0) + size

    def drop(self, reason: str, size: int) -> None:
        self.dropped[reason] = self.dropped.get(reason, 0) + size

    @property
    def total(self) -> int:
        return sum(self.parts.values())

    def largest(self, n: int = 10) -> list[tuple[str, int]]:
        return sorted(self.parts.items(), key=lambda kv: kv[1], reverse=True)[:n]


def part_of(dest: str) -> str:
    """The bundle part a destination belongs to: ``_internal/<first folder or file>``."""
    return "_internal/" + PurePosixPath(dest).parts[0]


def module_of(dest: str) -> str | None:
    """Dotted module name of a ``.py``/``.pyd`` destination, or None."""
    path = PurePosixPath(dest)
    if path.suffix == ".py":
        parts = list(path.with_suffix("").parts)
    elif path.suffix == ".pyd":
        parts = [*path.parts[:-1], path.name.split(".")[0]]
    else:
        return None
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) if parts and all(p.isidentifier() for p in parts) else None


def excluded_module(module: str, excluded: Iterable[str]) -> bool:
    return any(module == m or module.startswith(m + ".") for m in excluded)


def pyside_drop_reason(dest: str) -> str | None:
    """The PySide6 wheel's files PyInstaller's Qt hooks would not collect for QtCore/Gui/Widgets/Svg."""
    parts = PurePosixPath(dest).parts
    if parts[0] not in ("PySide6", "shiboken6"):
        return None
    if len(parts) > 2 and parts[1] in _PYSIDE_SKIPPED:
        return "PySide6 tools, headers, type systems"
    name = parts[-1]
    if len(parts) == 2 and name.startswith("Qt") and name.endswith(".pyd"):
        return None if name.split(".")[0][2:] in QT_MODULES_USED else "Qt modules not imported"
    if len(parts) == 2 and name.startswith("Qt6") and name.endswith(".dll"):
        return None if name[3:-4] in QT_MODULES_USED else "Qt libraries of modules not imported"
    if len(parts) == 2 and name.endswith(".dll") and name.lower().startswith(("avcodec", "avformat", "avutil", "swresample", "swscale")):
        return "FFmpeg (QtMultimedia)"
    return None


def pyz_size(source: bytes, name: str) -> int:
    """What one module adds to PyInstaller's PYZ archive: its code object, marshalled, zlib'd."""
    try:
        code = compile(source, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return 0
    return len(zlib.compress(marshal.dumps(code), 9))


def estimate_wheels(wheels: Iterable[Path], excluded: Iterable[str]) -> tuple[Estimate, dict[str, dict[str, int]]]:
    """Apply build.spec's rules to the wheels' contents.

    Returns
    -------
    (estimate, data_folders)
        ``data_folders`` maps package -> {relative name: size} of its private GDAL/PROJ data
        (for :func:`add_shared_data`).
    """
    excluded = tuple(excluded)
    est = Estimate()
    data_folders: dict[str, dict[str, int]] = {}
    vendored = {(pkg, rel) for pkg, g, p in bundle_data.VENDORED for rel in (g, p) if rel}
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as zf:
            for info in zf.infolist():
                dest = info.filename
                if info.is_dir() or ".dist-info/" in dest or ".data/" in dest:
                    continue
                for pkg, rel in vendored:
                    prefix = f"{pkg}/{rel}/"
                    if dest.startswith(prefix):
                        data_folders.setdefault(f"{pkg}/{rel}", {})[dest[len(prefix):]] = info.file_size
                reason = trim.drop_reason(dest) or pyside_drop_reason(dest)
                module = module_of(dest)
                if reason is None and module and excluded_module(module, excluded):
                    reason = "modules build.spec excludes"
                if reason is None and dest.endswith(_NEVER):
                    reason = "sources, headers, tools (never collected)"
                suffix = PurePosixPath(dest).suffix.lower()
                if reason is None and suffix not in (".py", ".pyd", ".dll") and PurePosixPath(dest).parts[0] not in DATA_PACKAGES \
                        and not PurePosixPath(dest).parts[0].endswith(".libs"):
                    reason = "package data no hook collects"
                if reason:
                    est.drop(reason, info.file_size)
                elif suffix == ".py":
                    est.pyz += pyz_size(zf.read(info), dest)
                else:
                    est.add(part_of(dest), info.file_size)
    return est, data_folders


def add_shared_data(est: Estimate, data_folders: dict[str, dict[str, int]]) -> None:
    """``share/gdal`` and ``share/proj``: the union of the packages' copies (bundle_data's rule)."""
    for dest, kind in (("share", 1), ("share", 2)):
        seen: set[str] = set()
        for pkg, *rels in bundle_data.VENDORED:  # newest GDAL/PROJ first, as bundle_data orders them
            rel = rels[kind - 1]
            for name, size in sorted(data_folders.get(f"{pkg}/{rel}", {}).items()):
                leaf = PurePosixPath(name).name
                if name.lower() in seen or leaf in bundle_data._JUNK_NAMES or leaf.endswith(bundle_data._JUNK_SUFFIXES):
                    continue
                seen.add(name.lower())
                est.add(f"_internal/{dest}", size)


def add_project_files(est: Estimate, root: Path = ROOT) -> None:
    """resources/ (without .ts/.py) and sample_layers/ of this checkout, as build.spec collects them."""
    for folder in ("resources", "sample_layers"):
        for p in (root / folder).rglob("*"):
            if p.is_file() and p.suffix not in (".ts", ".py", ".pyc") and "__pycache__" not in p.parts:
                est.add(f"_internal/{folder}", p.stat().st_size)


def stdlib_pyz_size(excluded: Iterable[str]) -> int:
    """The standard library's share of the PYZ: this interpreter's 3.11 sources, compiled.

    An upper bound like the packages' share: PyInstaller keeps only what the import graph
    reaches, this counts every module except tests, IDLE, tkinter, ensurepip and lib2to3.
    """
    import sysconfig

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    skip = ("test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "site-packages", "venv",
            "distutils", "pydoc_data", "unittest", "config-")
    total = 0
    for p in stdlib.rglob("*.py"):
        rel = p.relative_to(stdlib)
        if rel.parts[0].startswith(skip) or excluded_module(".".join(rel.with_suffix("").parts), excluded):
            continue
        total += pyz_size(p.read_bytes(), str(rel))
    return total


def download(pins: list[lock_bundle.Pin], dest: Path = CACHE) -> list[Path]:
    """The win_amd64 / py3-none-any wheels of ``pins`` (for Windows), hashes checked by pip."""
    dest.mkdir(parents=True, exist_ok=True)
    wanted = [p for p in pins if p.applies("win32")]
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "requirements-win.txt"
        req.write_text(lock_bundle.render([lock_bundle.Pin(p.name, p.version, "", p.hashes) for p in wanted]), encoding="utf-8")
        cmd = [sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--platform", "win_amd64",
               "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311", "--abi", "abi3", "--abi", "none",
               "--no-deps", "--require-hashes", "-r", str(req), "-d", str(dest), "-q"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"pip download failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return wheels_for(wanted, dest)


def wheels_for(pins: list[lock_bundle.Pin], folder: Path = CACHE) -> list[Path]:
    """The wheel file of each pin in ``folder`` (raises FileNotFoundError naming the missing ones)."""
    found, missing = [], []
    for pin in pins:
        stem = pin.name.replace("-", "_").lower() + "-" + pin.version + "-"
        hits = [w for w in folder.glob("*.whl") if w.name.lower().startswith(stem)
                and ("win_amd64" in w.name or "-none-any" in w.name)]
        (found.append(hits[0]) if hits else missing.append(f"{pin.name}=={pin.version}"))
    if missing:
        raise FileNotFoundError(f"no Windows wheel in {folder} for: {', '.join(missing)} (run without --offline)")
    return found


def estimate(offline: bool = False, lock: Path = lock_bundle.LOCK_FILE) -> Estimate:
    """The Windows bundle: wheels (downloaded unless ``offline``) + project files + Python runtime."""
    pins = [p for p in lock_bundle.read_lock(lock) if p.applies("win32")]
    wheels = wheels_for(pins) if offline else download(pins)
    by_name = {lock_bundle.normalise(w.name.split("-")[0]): w for w in wheels}
    excluded = spec_excludes()
    est, data_folders = estimate_wheels((w for n, w in by_name.items() if n not in BUILD_ONLY), excluded)
    add_shared_data(est, data_folders)
    add_project_files(est)
    for name, size in PYTHON_RUNTIME.items():
        est.add("_internal/python311.dll" if name == "python311.dll" else "_internal/(CPython DLLs and .pyd)", size)
    est.add("_internal/base_library.zip", BASE_LIBRARY_ZIP)
    est.pyz += stdlib_pyz_size(excluded)
    with zipfile.ZipFile(by_name["pyinstaller"]) as zf:
        for exe, member in BOOTLOADERS.items():
            # each executable = bootloader + the PYZ (GreenPlan's and the libraries' Python code)
            est.add(exe, zf.getinfo(member).file_size + est.pyz)
    return est


def spec_excludes() -> list[str]:
    """build.spec's ``excludes`` list (its Qt modules, test packages, trim.EXCLUDED_MODULES)."""
    import ast

    tree = ast.parse((ROOT / "build.spec").read_text(encoding="utf-8"))
    names: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id in ("QT_UNUSED", "EXCLUDES"):
            found = [n.value for n in ast.walk(node.value) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
            names[node.targets[0].id] = found
    qt = [f"PySide6.{m}" for m in names.get("QT_UNUSED", [])]
    return sorted(set(qt + [n for n in names.get("EXCLUDES", []) if not n.startswith("PySide6.")] + list(trim.EXCLUDED_MODULES)))


def report(est: Estimate, budget_mb: float = BUDGET_MB) -> str:
    lines = [f"Windows bundle (estimated from the win_amd64 wheels): {est.total / 1e6:.1f} MB; budget {budget_mb:.0f} MB. "
             "Ten largest parts:"]
    lines += [f"  {size / 1e6:9.1f} MB  {name}" for name, size in est.largest()]
    lines.append(f"  (each executable embeds the Python code: PYZ {est.pyz / 1e6:.1f} MB)")
    lines.append("  left out: " + ", ".join(f"{r} {s / 1e6:.1f} MB" for r, s in sorted(est.dropped.items(), key=lambda kv: -kv[1])[:8]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--offline", action="store_true", help="use the wheels already in packaging/.cache")
    p.add_argument("--budget", type=float, default=BUDGET_MB, help="fail above this many MB (default 420)")
    args = p.parse_args(argv)
    est = estimate(offline=args.offline)
    print(report(est, args.budget))
    return 0 if est.total / 1e6 <= args.budget else 1


if __name__ == "__main__":
    raise SystemExit(main())
