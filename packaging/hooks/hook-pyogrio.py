"""PyInstaller hook for pyogrio (none ships with PyInstaller or pyinstaller-hooks-contrib).

The Cython extensions (``pyogrio._io``, ``_ogr``, ``_geometry``, ``_err``, ``_vsi``) import
each other at run time, so all submodules are collected, except the tests (which carry
fixture data). Its private ``gdal_data``/``proj_data`` are *not* collected: the bundle
carries one shared copy (``packaging/bundle_data.py``). On Windows its delvewheel DLL
folder is collected.
"""

from PyInstaller.utils.hooks import collect_delvewheel_libs_directory, collect_submodules

hiddenimports = collect_submodules("pyogrio", filter=lambda name: not name.startswith("pyogrio.tests"))
datas, binaries = collect_delvewheel_libs_directory("pyogrio")
