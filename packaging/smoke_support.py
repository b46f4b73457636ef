"""Support for the frozen smoke test (``smoke_test.py``): the bundle, runs, reference data.

Build-time tool (never bundled).
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
IS_WIN = sys.platform == "win32"
BUNDLE_NAME = "GreenPlan"
CLI_NAME = "greenplan"
GUI_NAME = "greenplan-gui"
#: environment variables the bundle must not need (its runtime hook sets them)
DATA_VARS = ("GDAL_DATA", "PROJ_DATA", "PROJ_LIB")
#: environment that would let the frozen app use the build machine's files
LEAKY_VARS = (*DATA_VARS, "PYTHONPATH", "PYTHONHOME", "GREENPLAN_RESOURCES", "MPLCONFIGDIR", "GDAL_DRIVER_PATH")
RUN_TIMEOUT_S = 600.0
DEMO_PROJECT = "demo_county.greenplan.toml"
#: the folder and project names of the "Chinese project" check
CN_FOLDER = ("规划 数据 2026", "示范 县")
CN_PROJECT = "示范县 绿化 规划.greenplan.toml"
CN_OUT = "成果 输出"

#: CGCS2000 ellipsoid (EPSG:1024): semi-major axis (m), inverse flattening
CGCS2000_A = 6378137.0
CGCS2000_INV_F = 298.257222101


class SmokeFailure(AssertionError):
    """A check of the frozen bundle failed (the message says what was expected)."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


# --------------------------------------------------------------------------- the bundle


@dataclass
class Bundle:
    """A built one-folder bundle (``dist/GreenPlan``)."""

    root: Path

    @property
    def internal(self) -> Path:
        return self.root / "_internal"

    def exe(self, name: str) -> Path:
        return self.root / (name + ".exe" if IS_WIN else name)

    @property
    def cli(self) -> Path:
        return self.exe(CLI_NAME)

    @property
    def gui(self) -> Path:
        return self.exe(GUI_NAME)

    @property
    def demo_project(self) -> Path:
        return self.internal / "sample_layers" / DEMO_PROJECT


def build_bundle(dist: Path, work: Path, python: str = sys.executable) -> float:
    """Build ``dist/GreenPlan`` with ``build.spec``; returns the build time in seconds."""
    cmd = [python, "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm", "--distpath", str(dist), "--workpath", str(work)]
    print("$ " + " ".join(cmd), flush=True)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True)
    return time.perf_counter() - start


def frozen_env(home: Path, **extra: str) -> dict[str, str]:
    """The frozen executables' environment: the caller's, without the leaky variables."""
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARS}
    env["GREENPLAN_HOME"] = str(home)  # logs and the matplotlib cache go to a fresh folder
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return env


def run(cmd: list[str | Path], *, env: dict[str, str], cwd: Path, timeout: float = RUN_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    """Run ``cmd``; output decoded as UTF-8 (the bundle runs in Python's UTF-8 mode)."""
    return subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=timeout)


def source_cmd(*args: str | Path) -> list[str | Path]:
    """The same command from source (``python -m greenplan``), for comparisons."""
    return [sys.executable, "-m", "greenplan", *args]


def describe(proc: subprocess.CompletedProcess[str]) -> str:
    tail = (proc.stderr or "").strip().splitlines()[-15:]
    return f"exit code {proc.returncode}; stderr:\n  " + "\n  ".join(tail)


# --------------------------------------------------------------------------- helpers


def meridian_arc_m(lat_deg: float, a: float = CGCS2000_A, inv_f: float = CGCS2000_INV_F) -> float:
    """Meridian arc length from the equator to ``lat_deg`` (Helmert's series in n, to n⁴).

    On a transverse Mercator / Gauss-Kruger projection with scale 1 and no false northing
    (EPSG:4534-4554), a point on the central meridian has this northing; its easting is
    the false easting 500 000 m. Accurate to well under a millimetre.
    """
    f = 1.0 / inv_f
    n = f / (2.0 - f)
    phi = math.radians(lat_deg)
    return a / (1.0 + n) * (
        (1.0 + n**2 / 4.0 + n**4 / 64.0) * phi
        - 1.5 * (n - n**3 / 8.0) * math.sin(2.0 * phi)
        + 15.0 / 16.0 * (n**2 - n**4 / 4.0) * math.sin(4.0 * phi)
        - 35.0 / 48.0 * n**3 * math.sin(6.0 * phi)
        + 315.0 / 512.0 * n**4 * math.sin(8.0 * phi)
    )


def first_difference(a: Any, b: Any, path: str = "$", rel: float = 1e-9) -> str | None:
    """Where two JSON documents differ (floats within ``rel``), or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{path}: keys {sorted(set(a) ^ set(b))} differ"
        for key in a:
            diff = first_difference(a[key], b[key], f"{path}.{key}", rel)
            if diff:
                return diff
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            diff = first_difference(x, y, f"{path}[{i}]", rel)
            if diff:
                return diff
        return None
    if isinstance(a, float) and isinstance(b, float | int) or isinstance(b, float) and isinstance(a, float | int):
        return None if math.isclose(a, b, rel_tol=rel, abs_tol=1e-9) else f"{path}: {a!r} vs {b!r}"
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def json_output(proc: subprocess.CompletedProcess[str], what: str) -> dict[str, Any]:
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise SmokeFailure(f"{what}: stdout is not JSON ({describe(proc)}); stdout starts {proc.stdout[:200]!r}") from None


def dir_size(path: Path) -> int:
    if path.is_file() or path.is_symlink():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def bundle_parts(bundle: Bundle) -> list[tuple[str, int]]:
    """Sizes of the bundle's parts: the executables and each entry of ``_internal``, largest first."""
    parts = [(p.name, dir_size(p)) for p in bundle.root.iterdir() if p.name != "_internal"]
    parts += [("_internal/" + p.name, dir_size(p)) for p in bundle.internal.iterdir()]
    return sorted(parts, key=lambda kv: kv[1], reverse=True)


class _CountingSink:
    """A write-only file object that feeds an LZMA compressor and counts its output bytes."""

    def __init__(self, preset: int) -> None:
        import lzma

        self.compressor = lzma.LZMACompressor(format=lzma.FORMAT_XZ, preset=preset)
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(self.compressor.compress(data))
        return len(data)

    def close(self) -> int:
        self.size += len(self.compressor.flush())
        return self.size


def bundle_fingerprint(root: Path) -> str:
    """A hash of the bundle's file names, sizes and modification times (for caching)."""
    import hashlib

    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        st = p.stat() if p.exists() else p.lstat()
        h.update(f"{p.relative_to(root).as_posix()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]


def lzma2_size(root: Path, preset: int = 9, cache: Path | None = None) -> int:
    """Bytes of the bundle packed solid with LZMA2 (xz preset 9: 64 MB dictionary).

    What Inno Setup's ``Compression=lzma2/max`` + ``SolidCompression=yes`` does to the same
    files (one stream). Symbolic links are left out: they exist in Linux bundles only (a
    Windows bundle has every file once), so each file counts once.
    Slow (minutes for 400 MB on one core), so the result is cached in ``cache`` per
    bundle fingerprint.
    """
    import tarfile

    key = f"lzma2-{preset}-{bundle_fingerprint(root)}.txt"
    if cache is not None and (cache / key).is_file():
        return int((cache / key).read_text(encoding="utf-8"))
    sink = _CountingSink(preset)
    with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for p in sorted(root.rglob("*")):
            if p.is_file() and not p.is_symlink():
                tar.add(p, arcname=p.relative_to(root).as_posix(), recursive=False)
    size = sink.close()
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / key).write_text(str(size), encoding="utf-8")
    return size


def write_decoy_data(folder: Path) -> Path:
    """A ``proj.db`` of an old, incompatible layout and an empty GDAL data folder.

    What a PostGIS/QGIS installer leaves in ``PROJ_LIB``: PROJ refuses such a database.
    """
    (folder / "gdal").mkdir(parents=True, exist_ok=True)
    proj = folder / "proj"
    proj.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(proj / "proj.db")
    with con:
        con.execute("CREATE TABLE metadata (key TEXT, value TEXT)")
        con.executemany("INSERT INTO metadata VALUES (?, ?)",
                        [("DATABASE.LAYOUT.VERSION.MAJOR", "1"), ("DATABASE.LAYOUT.VERSION.MINOR", "0")])
    con.close()
    return folder


def write_lonlat_square(path: Path) -> Path:
    """A GeoPackage in EPSG:4490 (CGCS2000 lon/lat): one square 105.00-105.01°E, 30.00-30.01°N."""
    import geopandas as gpd
    import shapely

    gdf = gpd.GeoDataFrame({"name": ["经纬度 测试"]}, geometry=[shapely.box(105.0, 30.0, 105.01, 30.01)], crs="EPSG:4490")
    gdf.to_file(path, layer="admin_units", driver="GPKG", engine="pyogrio")
    return path


def write_truncated_shapefile(path: Path, n: int = 10, keep: int = 7) -> Path:
    """A shapefile of ``n`` 10 m squares whose .dbf is cut after ``keep`` records (+3 bytes)."""
    import geopandas as gpd
    import shapely

    geoms = [shapely.box(500_000 + 20 * i, 4_250_000, 500_010 + 20 * i, 4_250_010) for i in range(n)]
    gdf = gpd.GeoDataFrame({"name": [f"地块{i}" for i in range(n)]}, geometry=geoms, crs="EPSG:4544")
    gdf.to_file(path, driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8")
    dbf = path.with_suffix(".dbf")
    raw = dbf.read_bytes()
    header_len, rec_len = int.from_bytes(raw[8:10], "little"), int.from_bytes(raw[10:12], "little")
    dbf.write_bytes(raw[: header_len + keep * rec_len + 3])
    return path


# --------------------------------------------------------------------------- the checks


@dataclass
class Context:
    bundle: Bundle
    tmp: Path

    def env(self, **extra: str) -> dict[str, str]:
        home = self.tmp / "home"
        home.mkdir(exist_ok=True)
        return frozen_env(home, **extra)

    @property
    def cwd(self) -> Path:
        d = self.tmp / "cwd"
        d.mkdir(exist_ok=True)
        return d

    def cli(self, *args: str | Path, **extra: str) -> subprocess.CompletedProcess[str]:
        return run([self.bundle.cli, *args], env=self.env(**extra), cwd=self.cwd)

    def source(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARS}
        env["GREENPLAN_HOME"] = str(self.tmp / "home-source")
        env["PYTHONUTF8"] = "1"
        return run(source_cmd(*args), env=env, cwd=self.cwd)
