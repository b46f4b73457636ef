"""PyInstaller hook for rasterio (none ships with PyInstaller or pyinstaller-hooks-contrib).

rasterio's Cython extensions import each other at run time (``rasterio._base``,
``rasterio._features``, ``rasterio.vrt`` ...), invisible to PyInstaller's bytecode scan,
so every submodule is collected except the tests and the ``rio`` command line (but
``rasterio.rio.helpers``, which ``rasterio.features`` imports).
Its private ``gdal_data``/``proj_data`` are *not* collected: the bundle carries one shared
copy (``packaging/bundle_data.py``). On Windows its delvewheel DLL folder is collected.
"""

from PyInstaller.utils.hooks import collect_delvewheel_libs_directory, collect_submodules


def _wanted(name: str) -> bool:
    if name.startswith("rasterio.tests"):
        return False
    return not name.startswith("rasterio.rio.") or name == "rasterio.rio.helpers"


hiddenimports = collect_submodules("rasterio", filter=_wanted)
datas, binaries = collect_delvewheel_libs_directory("rasterio")
