"""PyInstaller hook for fiona, replacing pyinstaller-hooks-contrib's.

The contrib hook collects fiona's private ``gdal_data``/``proj_data`` (the bundle carries one
shared copy instead, ``packaging/bundle_data.py``) and lists only some of the Cython
modules; this one collects every submodule except the ``fio`` command line and the
tests. fiona is imported lazily by GreenPlan (only the salvage path of
``greenplan.io.vector`` and the demo writer need it), so its GDAL loads only then.
On Windows its delvewheel DLL folder is collected.
"""

from PyInstaller.utils.hooks import collect_delvewheel_libs_directory, collect_submodules

hiddenimports = collect_submodules("fiona", filter=lambda name: not name.startswith(("fiona.fio", "fiona.tests")))
hiddenimports += ["json"]
excludedimports = ["fiona.fio"]
datas, binaries = collect_delvewheel_libs_directory("fiona")
