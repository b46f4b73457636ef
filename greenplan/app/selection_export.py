"""Export the selected features of a layer to a GeoPackage or a shapefile.

The features keep their fields and geometry in the working CRS. A shapefile is written in
UTF-8 (a ``.cpg`` says so), or in GBK for older software (ArcGIS 9/10.0, 南方 CASS and
other programs that read a ``.dbf`` as the Chinese Windows code page); the ``.cpg`` then
says ``GBK``. Writing is atomic (:func:`greenplan.io.writers.write_vector`: a temporary
file or folder beside the target, then replaced): a locked or unwritable target leaves
the old file and raises a bilingual :class:`~greenplan.core.errors.OutputError`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from greenplan.core.errors import OutputError

#: encodings offered for a shapefile: id -> (Chinese, English)
SHP_ENCODINGS = {"UTF-8": ("UTF-8（推荐）", "UTF-8 (recommended)"), "GBK": ("GBK（旧版软件）", "GBK (older software)")}
FORMATS = {".gpkg": "GeoPackage", ".shp": "ESRI Shapefile"}


def _check_gbk(frame, path: Path) -> None:
    """Every field name and text value must exist in GBK; name the first that does not.

    The distinct texts of a column are joined and encoded in one call; the failing
    position names the value."""
    for name in [str(c) for c in frame.columns if c != frame.geometry.name]:
        col = frame[name]
        texts = [name]
        if pd.api.types.is_object_dtype(col.dtype) or pd.api.types.is_string_dtype(col.dtype):
            texts += [str(v) for v in col.dropna().unique()]
        joined = "\x00".join(texts)
        try:
            joined.encode("gbk")
        except UnicodeEncodeError as exc:
            value = joined[: exc.start].count("\x00")
            what = texts[value]
            raise OutputError(f"{'the field name' if value == 0 else 'the value'} {what!r} cannot be written in GBK",
                              f"{'字段名' if value == 0 else '值'} {what!r} 含有 GBK 无法表示的字符", path=path,
                              field=name, hint_en="Use UTF-8 for this export.", hint_zh="请改用 UTF-8 导出。") from None


def shapefile_field_names(names: list[str], encoding: str) -> dict[str, str]:
    """Field names a .dbf can hold: at most 10 bytes in ``encoding``, cut at a character
    (GDAL would cut "地类名称" in the middle of a UTF-8 character), made unique with a number.

    Examples
    --------
    >>> shapefile_field_names(["地类名称", "地类名称2", "DLBM"], "UTF-8")
    {'地类名称': '地类名', '地类名称2': '地类名1', 'DLBM': 'DLBM'}
    >>> shapefile_field_names(["地类名称"], "GBK")
    {'地类名称': '地类名称'}
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        short = name
        while len(short.encode(encoding, errors="replace")) > 10:
            short = short[:-1]
        i = 1
        base = short
        while short.upper() in used:
            suffix = str(i)
            base_cut = base
            while len((base_cut + suffix).encode(encoding, errors="replace")) > 10:
                base_cut = base_cut[:-1]
            short = base_cut + suffix
            i += 1
        used.add(short.upper())
        out[name] = short
    return out


def export_selection(
    frame,
    ids: np.ndarray | None,
    path: str | os.PathLike,
    *,
    layer: str | None = None,
    shp_encoding: str = "UTF-8",
) -> Path:
    """Write rows ``ids`` of ``frame`` (all rows if None) to ``path``.

    Parameters
    ----------
    frame : GeoDataFrame
        The loaded layer (working CRS; written with it).
    ids : ndarray of int or None
        Row numbers (positions) of the selected features.
    path : path-like
        ``.gpkg`` (the layer ``layer``, default the file stem, is added or replaced) or
        ``.shp`` (field names cut to the 10 bytes a .dbf holds, see
        :func:`shapefile_field_names`).
    shp_encoding : {"UTF-8", "GBK"}
        Text encoding of a shapefile's ``.dbf`` (named in its ``.cpg``).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OutputError
        Another suffix, nothing selected, a text GBK cannot hold, a missing folder, or a
        target that is locked or cannot be written.
    """
    from greenplan.io.writers import write_vector

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise OutputError(f"cannot export to '{target.suffix}'", f"无法导出为“{target.suffix}”格式",
                          path=target, hint_en="Choose .gpkg or .shp.", hint_zh="请选择 .gpkg 或 .shp。")
    if shp_encoding not in SHP_ENCODINGS:
        raise OutputError(f"unknown encoding {shp_encoding!r}", f"未知的编码 {shp_encoding!r}", path=target,
                          hint_en="Use UTF-8 or GBK.", hint_zh="请使用 UTF-8 或 GBK。")
    rows = frame if ids is None else frame.iloc[np.unique(np.asarray(ids, dtype=np.int64))]
    if len(rows) == 0:
        raise OutputError("no feature is selected", "没有选中任何要素", path=target,
                          hint_en="Select features first (Select menu).", hint_zh="请先选择要素（“选择”菜单）。")
    rows = rows.reset_index(drop=True)
    if suffix == ".shp":
        if shp_encoding == "GBK":
            _check_gbk(rows, target)
        names = [str(c) for c in rows.columns if c != rows.geometry.name]
        rows = rows.rename(columns=shapefile_field_names(names, shp_encoding))
    try:
        return write_vector(rows, target, layer=layer, shp_encoding=shp_encoding)
    except OutputError:
        raise
    except OSError as exc:  # a read-only folder, a locked file on Windows
        raise OutputError(
            f"the file cannot be written ({exc.strerror or exc}); it may be open in another program",
            f"无法写出该文件（{exc.strerror or exc}），可能正被其他程序打开或文件夹不可写",
            path=target, hint_en="Close it in QGIS/ArcGIS or choose another folder.",
            hint_zh="请在 QGIS/ArcGIS 等程序中关闭该文件，或另选文件夹。") from None
