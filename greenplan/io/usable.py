"""Can this input carry an indicator at all? Refused sources and layers with nothing usable.

Two checks that turn a silent wrong result (or a hang) into a clear error with exit code 2:

- :func:`refuse_special_source`: a layer source must be a regular file or a folder (a
  FileGDB, a folder of shapefiles). A named pipe would make GDAL wait forever for a
  writer; a device (``/dev/zero``) never ends. Both are refused before anything opens them.
- :func:`require_usable_layers`: a command that reads a role refuses to run when a layer
  with that role is in the project but has no usable feature left (all unreadable, no
  geometry, the wrong type, filtered away ...), instead of computing on nothing.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from greenplan.core.errors import LayerSourceError
from greenplan.io.report import LayerReport

if TYPE_CHECKING:
    from greenplan.io.loader import LoadedProject

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)", "命名管道（FIFO）"),
    (stat.S_ISCHR, "a character device", "字符设备"),
    (stat.S_ISBLK, "a block device", "块设备"),
    (stat.S_ISSOCK, "a socket", "套接字"),
)


def refuse_special_source(path: Path, layer: str | None = None) -> None:
    """Raise if ``path`` exists but is neither a regular file nor a folder.

    Only ``stat`` is called: the source is never opened (opening a FIFO blocks).

    Raises
    ------
    LayerSourceError
        ``check_code`` ``not_a_file``.

    Examples
    --------
    >>> refuse_special_source(Path("/dev/null"))
    Traceback (most recent call last):
    ...
    greenplan.core.errors.LayerSourceError: file /dev/null: The source is a character device, not a data file or folder. What to do: Point the layer at the data file itself (e.g. .gpkg, .shp, .tif) or at a FileGDB folder.
    """
    try:
        mode = Path(path).stat().st_mode  # follows links: a link to a pipe is a pipe
    except (OSError, ValueError):
        return  # missing: reported as such by the reader
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return
    en, zh = next(((e, z) for test, e, z in _KINDS if test(mode)), ("a special file", "特殊文件"))
    err = LayerSourceError(
        f"The source is {en}, not a data file or folder.",
        f"数据源是{zh}，不是数据文件或文件夹。",
        path=path,
        layer=layer,
        hint_en="Point the layer at the data file itself (e.g. .gpkg, .shp, .tif) or at a FileGDB folder.",
        hint_zh="请将图层指向数据文件本身（如 .gpkg、.shp、.tif）或 FileGDB 文件夹。",
    )
    err.check_code = "not_a_file"  # type: ignore[attr-defined]
    raise err


def _why(report: LayerReport) -> tuple[list[str], list[str]]:
    """What became of the layer's features, from its load report (English, Chinese parts)."""
    en: list[str] = []
    zh: list[str] = []
    total = report.feature_count if report.feature_count is not None else report.read_count
    where = report.checks.get("where")
    if where:
        en.append(f"the attribute filter “{where['expr']}” kept {where['kept']} of {where['total'] if where['total'] is not None else '?'}")
        zh.append(f"属性过滤条件“{where['expr']}”仅保留 {where['kept']} 个（共 {where['total'] if where['total'] is not None else '?'} 个）")
    elif total == 0 and not report.unreadable:
        en.append("the file holds no features")
        zh.append("文件中没有任何要素")
    if report.unreadable:
        en.append(f"{len(report.unreadable)} unreadable (damaged file)")
        zh.append(f"{len(report.unreadable)} 个无法读取（文件损坏）")
    counted = {
        "unparseable": (len(report.unparseable), "with a geometry that cannot be parsed", "几何无法解析"),
        "null": (report.null_geometries, "without geometry", "没有几何"),
        "empty": (report.empty_geometries, "with an empty geometry", "几何为空"),
        "wrong": (report.wrong_type, "of a geometry type the role cannot use", "几何类型不符合角色要求"),
        "collapsed": (int(report.checks.get("collapsed_by_repair", 0) or 0), "collapsed to nothing when repaired", "修复后为空"),
        "unprojectable": (sum(int(i.data.get("count", 0)) for i in report.issues if i.code == "unprojectable"),
                          "outside the range of their CRS", "超出坐标系范围"),
    }
    for n, e, z in counted.values():
        if n:
            en.append(f"{n} {e}")
            zh.append(f"{n} 个{z}")
    if report.read_count and not en:
        en.append(f"none of the {report.read_count} features read is usable")
        zh.append(f"已读取的 {report.read_count} 个要素均不可用")
    return en, zh


def no_usable_features_error(report: LayerReport, layer: str | None = None) -> LayerSourceError:
    """The error for a layer a command needs that has no usable feature."""
    en, zh = _why(report)
    role = f" (role {report.role})" if report.role else ""
    return LayerSourceError(
        f"Layer “{report.name}”{role} has no usable feature: {'; '.join(en) or 'nothing was read'}. "
        "No result can be computed from it.",
        f"图层“{report.name}”{f'（角色 {report.role}）' if report.role else ''}没有可用的要素：{'；'.join(zh) or '未读取到任何要素'}。"
        "无法据此计算结果。",
        path=report.source,
        layer=layer or report.layer,
        hint_en="Run 'greenplan check' for details; fix or replace the file, correct its filter (where), "
        "or remove the layer from the project.",
        hint_zh="请运行“greenplan check”查看详情；修复或更换该文件、更正过滤条件（where），或从项目中移除该图层。",
    )


def require_usable_layers(loaded: LoadedProject, roles: Iterable[str] | None = None) -> None:
    """Raise when a vector layer the command reads came out with no usable feature.

    Parameters
    ----------
    loaded : LoadedProject
        As loaded for the command.
    roles : iterable of str, optional
        The roles the command reads; default: every role in ``loaded``.

    Raises
    ------
    LayerSourceError
        For the first such layer (exit code 2), naming it and what became of its features.
    """
    wanted = set(roles) if roles is not None else None
    for lyr in loaded.layers:
        if lyr.spec.role is None or (wanted is not None and lyr.spec.role not in wanted):
            continue
        if lyr.gdf is not None and len(lyr.gdf) == 0:
            raise no_usable_features_error(lyr.report, lyr.spec.layer)
