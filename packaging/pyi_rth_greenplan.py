"""GreenPlan's PyInstaller runtime hook: runs before any application code, in both executables.

1. ``GDAL_DATA``, ``PROJ_DATA`` and ``PROJ_LIB`` point at the bundle's own ``share/gdal`` and
   ``share/proj`` (built by ``packaging/bundle_data.py`` so that the GDALs of pyogrio,
   rasterio and fiona and the PROJs of all four libraries accept them). They are *overridden*,
   not defaulted: a PostGIS, QGIS or OSGeo4W installer often sets ``PROJ_LIB``/``GDAL_DATA``
   machine-wide to its own, older ``proj.db``, which breaks every CRS lookup with "proj.db
   lacks DATABASE.LAYOUT.VERSION.MINOR" or "cannot find proj.db".
2. ``PROJ_NETWORK=OFF`` (no grid downloads at run time) and ``GDAL_DRIVER_PATH=disable``
   (never load another installation's GDAL plugin DLLs into the bundled GDALs).
3. ``MPLCONFIGDIR``: a per-user cache folder keyed by the GreenPlan version and the bundle's
   location (``%LOCALAPPDATA%\\GreenPlan\\cache\\matplotlib-<version>-<hash>``). The font cache
   is built once per installed version (not at every start, as PyInstaller's own matplotlib
   hook would do with a throw-away folder; that hook is replaced by a no-op in
   ``packaging/hooks``) and a cache from another version or location is never reused, so no
   stale font list points into a moved or upgraded bundle. A user's own ``matplotlibrc`` is
   not read either (it could name another backend or font). If the folder cannot be
   created, a temporary one is used and removed at exit.

"""

import os
import sys


def _greenplan_rthook() -> None:
    base = sys._MEIPASS  # noqa: SLF001 - the bundle's _internal folder
    gdal_data = os.path.join(base, "share", "gdal")
    proj_data = os.path.join(base, "share", "proj")
    env = {
        "GDAL_DATA": gdal_data,
        "PROJ_DATA": proj_data,
        "PROJ_LIB": proj_data,
        "PROJ_NETWORK": "OFF",
        "GDAL_DRIVER_PATH": "disable",
    }
    if not os.path.isfile(os.path.join(proj_data, "proj.db")) or not os.path.isfile(os.path.join(gdal_data, "gdalvrt.xsd")):
        # a damaged installation: say so once; GDAL/PROJ errors will follow
        if sys.stderr is not None:
            print("GreenPlan 安装不完整：缺少 GDAL/PROJ 数据，请重新安装 / incomplete installation: "
                  f"GDAL/PROJ data missing in {base}; reinstall GreenPlan", file=sys.stderr)
    os.environ.update(env)

    try:
        import hashlib

        from greenplan import __version__
        from greenplan.core.paths import user_data_dir

        key = hashlib.sha256(os.path.normcase(os.path.abspath(base)).encode("utf-8")).hexdigest()[:10]
        mpl_dir = os.path.join(str(user_data_dir()), "cache", f"matplotlib-{__version__}-{key}")
        os.makedirs(mpl_dir, exist_ok=True)
        probe = os.path.join(mpl_dir, ".writable")
        with open(probe, "w", encoding="ascii") as fh:
            fh.write("ok")
    except Exception:  # noqa: BLE001 - read-only profile, odd LOCALAPPDATA: fall back to a temp dir
        import atexit
        import shutil
        import tempfile

        mpl_dir = tempfile.mkdtemp(prefix="greenplan-mpl-")
        atexit.register(shutil.rmtree, mpl_dir, ignore_errors=True)
    os.environ["MPLCONFIGDIR"] = mpl_dir


_greenplan_rthook()
del _greenplan_rthook
