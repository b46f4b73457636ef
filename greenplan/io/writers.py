"""Writing vector outputs atomically: GeoPackage 1.2, shapefiles with a UTF-8 .cpg.

A failure while writing leaves the previous file (or no file), never a half-written one:
everything is written to a temporary file or folder beside the target and then moved
into place (:mod:`greenplan.core.atomic`). GreenPlan never writes to its sources; these
functions are for outputs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from greenplan.core.atomic import atomic_path
from greenplan.core.errors import OutputError

#: shapefile parts GreenPlan writes or that would go stale next to a rewritten .shp
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qmd", ".shp.xml")
_DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON",
            ".fgb": "FlatGeobuf", ".gml": "GML", ".kml": "KML", ".csv": "CSV"}


def write_error(path: Path, exc: object, what_en: str = "The file", what_zh: str = "该文件") -> OutputError:
    """The :class:`OutputError` for ``what`` at ``path`` that could not be written (``exc``: why)."""
    return OutputError(
        f"{what_en} cannot be written ({exc}).",
        f"无法写出{what_zh}（{exc}）。",
        path=path,
        hint_en="Check the folder is writable, the disk not full, and the file not open in another program.",
        hint_zh="请检查文件夹是否可写、磁盘空间是否充足、文件是否被其他程序占用。",
    )


def write_table_csv(path: str | os.PathLike, columns: Sequence[tuple[str, str]],
                    rows: Iterable[Mapping[str, Any]]) -> Path:
    """A table for Excel: a Chinese header row, then a key row, then one row per mapping.

    ``columns`` are (key, Chinese header) pairs; a missing or None value is an empty cell.
    UTF-8 with BOM and CRLF line ends, so Excel on Chinese Windows shows the text; atomic.
    """
    import csv
    import io

    from greenplan.core.atomic import write_text_atomic

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([zh for _, zh in columns])
    w.writerow([k for k, _ in columns])
    for row in rows:
        w.writerow(["" if row.get(k) is None else row[k] for k, _ in columns])
    write_text_atomic(Path(path), buf.getvalue(), encoding="utf-8-sig")
    return Path(path)


def landscape_sheets(sheets: Iterable[Any], width: float, columns: str = "ABCDEFGHIJKL") -> None:
    """Workbook sheets printed landscape with ``columns`` ``width`` characters wide."""
    for sheet in sheets:
        for col in columns:
            sheet.column_dimensions[col].width = width
        sheet.page_setup.orientation = "landscape"


def _shared_crs(layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame]) -> Any:
    """The CRS of the first frame that has one (the working CRS of a job's outputs)."""
    return next((f.crs for f in layers.values() if isinstance(f, gpd.GeoDataFrame) and f.crs is not None), None)


def _with_crs(frame: gpd.GeoDataFrame | pd.DataFrame, crs: Any) -> gpd.GeoDataFrame | pd.DataFrame:
    """``frame`` with ``crs`` where it has none (an empty layer built without one)."""
    if isinstance(frame, gpd.GeoDataFrame) and frame.crs is None and crs is not None and "geometry" in frame.columns:
        return frame.set_crs(crs)
    return frame


def _write(frame: gpd.GeoDataFrame | pd.DataFrame, target: Path, **kwargs: Any) -> None:
    """``pyogrio.write_dataframe`` without its "crs was not provided" warning on screen: a
    frame without CRS here has none to give (the callers pass the working CRS when there is one)."""
    import pyogrio

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*'crs' was not provided.*", category=UserWarning)
        pyogrio.write_dataframe(frame, target, **kwargs)


def write_gpkg_layers(path: str | os.PathLike, layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame], *,
                      append: bool = False, crs: Any = None) -> Path:
    """Write several layers into one GeoPackage (version 1.2) in one atomic step.

    Parameters
    ----------
    path : path-like
        The ``.gpkg``; its folder must exist.
    layers : mapping of layer name -> (Geo)DataFrame
        Written in this order; a frame without geometry becomes an attribute table.
    append : bool
        False (default): the file holds exactly ``layers`` afterwards. True: the existing
        file's other layers are kept and same-named ones replaced.
    crs : CRS, optional
        For layers that have no CRS (an empty result built without one); default: the
        CRS of the first layer that has one, so every layer of the file shares it.

    Returns
    -------
    Path

    Raises
    ------
    OutputError
        The folder is missing or the file cannot be written or replaced.

    Examples
    --------
    >>> import tempfile, shapely
    >>> d = Path(tempfile.mkdtemp())
    >>> a = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4544")
    >>> _ = write_gpkg_layers(d / "out.gpkg", {"a": a, "b": a})
    >>> _ = write_gpkg_layers(d / "out.gpkg", {"c": a}, append=True)
    >>> import pyogrio; sorted(pyogrio.list_layers(d / "out.gpkg")[:, 0])
    ['a', 'b', 'c']
    """
    import pyogrio

    target = Path(path)
    with atomic_path(target) as tmp:
        if append and target.exists():
            shutil.copyfile(target, tmp)
        try:
            shared = crs if crs is not None else _shared_crs(layers)
            for name, frame in layers.items():
                options = {"VERSION": "1.2"} if not tmp.exists() else None
                _write(_with_crs(frame, shared), tmp, layer=name, driver="GPKG", dataset_options=options)
            if not layers and not tmp.exists():
                raise ValueError("no layers to write")
        except (pyogrio.errors.DataSourceError, pyogrio.errors.FieldError, ValueError, TypeError, OSError) as exc:
            raise write_error(target, exc) from None
    return target


def _write_shapefile(gdf: gpd.GeoDataFrame, target: Path, encoding: str = "UTF-8") -> None:
    import pyogrio

    folder = target.parent
    if not folder.is_dir():
        with atomic_path(target):  # raises the standard "folder does not exist" OutputError
            pass
    tmpdir = Path(tempfile.mkdtemp(prefix=f".{target.stem}.", suffix=".tmp", dir=folder))
    try:
        tmp = tmpdir / target.name
        try:
            _write(gdf, tmp, driver="ESRI Shapefile", encoding=encoding)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.FieldError, ValueError, TypeError, OSError) as exc:
            raise write_error(target, exc) from None
        cpg = tmp.with_suffix(".cpg")
        if not cpg.exists() or cpg.read_text(encoding="ascii", errors="replace").strip().upper() != encoding.upper():
            cpg.write_text(encoding, encoding="ascii")
        written = {p.name[len(target.stem):].lower(): p for p in tmpdir.iterdir()}
        for ext in SHAPEFILE_PARTS:  # stale parts of an older shapefile of the same name
            old = folder / (target.stem + ext)
            if ext not in written and old.exists():
                old.unlink()
        for ext, part in written.items():
            try:
                os.replace(part, folder / (target.stem + ext))
            except PermissionError as exc:
                raise OutputError(
                    "The file cannot be replaced; it may be open in another program.",
                    "无法覆盖该文件，可能正被其他程序打开。",
                    path=folder / (target.stem + ext),
                    hint_en="Close it (e.g. in QGIS or ArcGIS) and try again.",
                    hint_zh="请在其他程序（如 QGIS、ArcGIS）中关闭该文件后重试。",
                ) from exc
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def write_vector(gdf: gpd.GeoDataFrame, path: str | os.PathLike, layer: str | None = None, *,
                 shp_encoding: str = "UTF-8") -> Path:
    """Write one layer, atomically; the format follows the file name.

    ``.gpkg``: GeoPackage 1.2, layer ``layer`` (default: the file stem) added to the file
    or replaced, other layers kept. ``.shp``: shapefile in UTF-8 with a ``.cpg`` (stale
    ``.qix``/``.sbn`` indexes of an older file of that name are removed; ``shp_encoding``
    "GBK" for older software, written in the ``.cpg``). Others
    (``.geojson``, ``.fgb`` ...): one file.

    Raises
    ------
    OutputError
        Unknown suffix, missing folder, or the file cannot be written.
    """
    import pyogrio

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".gpkg":
        return write_gpkg_layers(target, {layer or target.stem: gdf}, append=True)
    if suffix == ".shp":
        _write_shapefile(gdf, target, shp_encoding)
        return target
    driver = _DRIVERS.get(suffix)
    if driver is None:
        raise OutputError(
            f"Unknown output format '{target.suffix}'.",
            f"无法识别的输出格式“{target.suffix}”。",
            path=target,
            hint_en="Use .gpkg, .shp, .geojson or .fgb.",
            hint_zh="请使用 .gpkg、.shp、.geojson 或 .fgb。",
        )
    with atomic_path(target) as tmp:
        try:
            _write(gdf, tmp, driver=driver, layer=layer)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.FieldError, ValueError, TypeError, OSError) as exc:
            raise write_error(target, exc) from None
    return target
