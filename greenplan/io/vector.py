"""Reading vector layers: pyogrio first, fiona feature by feature to salvage damaged files.

Formats are whatever GDAL reads (GeoPackage, Shapefile, GeoJSON, FileGDB as a folder or a
``.gdb.zip``, GML ...); a container with several layers is read one layer at a time.
Nothing here changes the source: no ``.shx`` restore, no ``.cpg`` written, no repair on
disk. Everything that happens goes into the :class:`~greenplan.io.report.LayerReport`.
"""

from __future__ import annotations

import functools
import importlib.util
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from greenplan.core.errors import GreenplanError, LayerSourceError
from greenplan.core.feedback import Feedback
from greenplan.io.encoding import (
    count_undecodable,
    detect_shapefile_encoding,
    display_name,
    normalize_encoding,
)
from greenplan.io.report import EncodingInfo, LayerReport
from greenplan.io.salvage import report_unparseable, salvage
from greenplan.io.shapefile_parts import (
    SHAPEFILE_SUFFIXES,
    drop_truncated,
    fids_text,
    has_part,
    lone_dbf,
    report_missing_shp,
)
from greenplan.io.usable import refuse_special_source
from greenplan.io.where import filter_frame, validate_where, where_sql

_HAS_ARROW = importlib.util.find_spec("pyarrow") is not None
#: formats whose text is UTF-8 by definition: an encoding override does not apply
_UTF8_FORMATS = {"GPKG", "GeoJSON", "GeoJSONSeq", "OpenFileGDB", "FlatGeobuf", "SQLite", "Parquet"}
_SHAPEFILE = "ESRI Shapefile"


def unreadable_error(path: Path, layer: str | None, detail: str, driver: str | None = None) -> LayerSourceError:
    """The error for a file GDAL cannot open or read (``detail``: GDAL's message).

    The hint names the parts of a shapefile only for a shapefile.
    """
    shapefile = driver == _SHAPEFILE or Path(path).suffix.lower() in SHAPEFILE_SUFFIXES
    if shapefile:
        hint_en = ("Check that the file is complete (all parts of a shapefile: .shp, .shx, .dbf) "
                   "and opens in QGIS; copy it again from the original source if it is damaged.")
        hint_zh = "请检查文件是否完整（Shapefile 需 .shp、.shx、.dbf 齐全）并能在 QGIS 中打开；如已损坏，请从原始数据重新拷贝。"
    else:
        hint_en = "Check that the file is complete and opens in QGIS; copy it again from the original source if it is damaged."
        hint_zh = "请检查文件是否完整并能在 QGIS 中打开；如已损坏，请从原始数据重新拷贝。"
    return LayerSourceError(
        f"The file cannot be read ({detail.strip()}).",
        f"无法读取该文件（{detail.strip()}）。",
        path=path,
        layer=layer,
        hint_en=hint_en,
        hint_zh=hint_zh,
    )


def missing_error(path: Path, layer: str | None) -> LayerSourceError:
    """The error for a source that is not there (a ``.shp`` whose ``.dbf`` is: the .shp is missing)."""
    path = Path(path)
    if path.suffix.lower() == ".shp" and (has_part(path, ".dbf") or has_part(path, ".shx")):
        there = ", ".join(p.name for p in sorted(path.parent.glob(path.stem + ".*")))
        return LayerSourceError(
            f"The .shp file is missing (found only {there}): the geometry of the shapefile is not there.",
            f"缺少 .shp 文件（只找到 {there}）：该 Shapefile 的几何数据不存在。",
            path=path,
            layer=layer,
            hint_en="Copy the .shp file (with its .shx and .dbf) from the original source.",
            hint_zh="请从原始数据中拷贝 .shp 文件（连同 .shx、.dbf）。",
        )
    return LayerSourceError(
        "The file does not exist.",
        "文件不存在。",
        path=path,
        layer=layer,
        hint_en="Check the path in the project file or on the command line.",
        hint_zh="请检查项目文件或命令行中的路径。",
    )


def _capture(report: LayerReport, caught: list[warnings.WarningMessage]) -> None:
    seen = {i.en for i in report.issues}
    for w in caught:
        text = str(w.message).strip()
        if "More than one layer found" in text or text in seen:
            continue
        seen.add(text)
        report.add("info", "reader_message", text, f"读取程序提示：{text}")


@functools.lru_cache(maxsize=32)
def _layer_names(path: Path, stamp: tuple[int, int]) -> tuple[tuple[str, ...], tuple[warnings.WarningMessage, ...]]:
    """The file's layer names (and the reader's warnings), once per file version: a project
    reads several layers from one GeoPackage, and each listing opens the file."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        names = tuple(str(n) for n in pyogrio.list_layers(path)[:, 0])
    return names, tuple(caught)


def choose_layer(path: Path, layer: str | None, role: str | None, report: LayerReport) -> str | None:
    """The layer to read from a (possibly multi-layer) file; records the file's layers."""
    st = path.stat()
    found, caught = _layer_names(path, (st.st_mtime_ns, st.st_size))
    names = list(found)
    _capture(report, list(caught))
    report.layers_in_file = names
    if layer is not None:
        if layer in names:
            return layer
        folded = [n for n in names if n.lower() == layer.lower()]
        if len(folded) == 1:
            return folded[0]
        listing = ", ".join(names)
        raise LayerSourceError(
            f"The file has no layer '{layer}'. Its layers: {listing}.",
            f"文件中没有图层“{layer}”。现有图层：{listing}。",
            path=path,
            layer=layer,
            hint_en="Correct the layer name.",
            hint_zh="请更正图层名称。",
        )
    if len(names) <= 1:
        return names[0] if names else None
    if role in names:
        report.add("info", "layer_chosen", f"The file has {len(names)} layers; read layer '{role}' (named as the role).",
                   f"文件含 {len(names)} 个图层，已读取与角色同名的图层“{role}”。", layers=names)
        return role
    report.add(
        "warning",
        "layer_chosen",
        f"The file has {len(names)} layers ({', '.join(names)}); read the first, '{names[0]}'. "
        "Name the layer in the project (layer = ...) or as PATH:LAYER.",
        f"文件含 {len(names)} 个图层（{'、'.join(names)}），已读取第一个“{names[0]}”。"
        "请在项目中指定图层（layer = ...）或使用 路径:图层 的写法。",
        layers=names,
    )
    return names[0]


def _redecode(df: pd.DataFrame, codec: str) -> tuple[pd.DataFrame, int]:
    """Text read as latin-1 (bytes kept 1:1) decoded with ``codec``; bad bytes become U+FFFD."""
    bad = 0

    def fix(value: Any) -> Any:
        nonlocal bad
        if not isinstance(value, str):
            return value
        raw = value.encode("latin-1")
        n = count_undecodable(raw, codec)
        bad += n
        return raw.decode(codec, errors="replace") if n else raw.decode(codec)

    columns = {c: fix(c) for c in df.columns if c != "geometry"}
    df = df.rename(columns=columns)
    for col in df.columns:
        if col != "geometry" and (df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype)):
            df[col] = df[col].map(fix)
    return df, bad


def _read(path: Path, layer: str | None, codec: str | None, driver: str, report: LayerReport,
          columns: list[str] | None = None, where: str | None = None,
          options: dict[str, str] | None = None) -> gpd.GeoDataFrame:
    """Read with pyogrio; ``where`` goes through ``SELECT ... WHERE`` in the OGR SQL dialect."""
    if where and layer is not None:
        kwargs: dict[str, Any] = {"sql": where_sql(layer, where), "sql_dialect": "OGRSQL"}
    else:
        kwargs = {"layer": layer}
    if columns is not None:
        kwargs["columns"] = columns  # names not in the file are ignored by pyogrio
    if codec:
        kwargs["encoding"] = codec
    kwargs.update(options or {})  # dataset open options (OSM: USE_CUSTOM_INDEXING)
    arrow = _HAS_ARROW and driver != _SHAPEFILE
    try:
        return pyogrio.read_dataframe(path, use_arrow=arrow, fid_as_index=True, **kwargs)
    except shapely.errors.GEOSException:
        # geometries GEOS cannot parse (a TIN, a ring of 3 points): find them, read them as null
        report_unparseable(path, kwargs, report)
        return pyogrio.read_dataframe(path, use_arrow=False, on_invalid="ignore", fid_as_index=True, **kwargs)


def encoding_issues(report: LayerReport, enc: EncodingInfo) -> None:
    """Warn about an uncertain or damaging encoding choice."""
    counts = ", ".join(f"{k} {v}" for k, v in enc.undecodable_bytes.items())
    if enc.cpg and enc.how not in ("cpg", "override"):
        report.add("warning", "cpg_unknown", f"The .cpg file names an unknown encoding ('{enc.cpg}'); ignored.",
                   f".cpg 文件中的编码“{enc.cpg}”无法识别，已忽略。")
    if enc.uncertain:
        other = "GB18030" if enc.encoding == "UTF-8" else "UTF-8"
        report.add(
            "warning",
            "encoding_uncertain",
            f"Attribute encoding {enc.encoding} ({enc.how}) is uncertain; undecodable bytes per candidate: {counts}. "
            f"If names look garbled, set the layer's encoding (e.g. {other}).",
            f"属性编码 {enc.encoding}（{enc.how}）不确定；各候选编码无法解码的字节数：{counts}。"
            f"如名称显示为乱码，请为该图层指定编码（如 {other}）。",
            encoding=enc.encoding,
            undecodable_bytes=dict(enc.undecodable_bytes),
        )
    if enc.replaced_bytes:
        report.add(
            "warning",
            "encoding_replaced",
            f"{enc.replaced_bytes} bytes of attribute text could not be decoded as {enc.encoding} and were replaced by '\ufffd'.",
            f"{enc.replaced_bytes} 个属性文本字节无法按 {enc.encoding} 解码，已替换为“\ufffd”。",
            replaced_bytes=enc.replaced_bytes,
        )


def read_vector(
    path: Path,
    report: LayerReport,
    *,
    layer: str | None = None,
    encoding: str | None = None,
    role: str | None = None,
    feedback: Feedback | None = None,
    columns: list[str] | None = None,
    where: str | None = None,
) -> gpd.GeoDataFrame:
    """Read one vector layer as it is in the file (source CRS, geometry unrepaired).

    Parameters
    ----------
    path : Path
        The file (or ``.gdb`` folder, or ``.zip``).
    report : LayerReport
        Filled in: format, layer, encoding, counts, unreadable/unparseable features.
    layer : str, optional
        Layer inside a container; default: the one named like ``role``, else the first.
    encoding : str, optional
        Attribute encoding override (shapefiles and other non-UTF-8 formats).
    role : str, optional
        The layer's role (only used to pick a layer of a multi-layer file).
    feedback : Feedback, optional
        Checked for cancel while salvaging.
    columns : list of str, optional
        Read only these attribute fields (those missing from the file are skipped; a tag
        of an OSM ``other_tags`` column, ``other_tags:height``, reads that column);
        default: all. The salvage path always reads all.
    where : str, optional
        Attribute filter in OGR SQL on the file's own field names
        (``fclass IN ('park','forest')``); see :mod:`greenplan.io.where`.

    Returns
    -------
    geopandas.GeoDataFrame
        Rows in file order; the index is the feature id (FID: 0-based for shapefiles,
        the ``fid`` column of a GeoPackage).

    Raises
    ------
    LayerSourceError
        Missing file, not a regular file or folder, unknown layer, a filter that cannot
        be used (``key`` ``where``), or unreadable even feature by feature.
    """
    feedback = feedback or Feedback()
    if not path.exists():
        raise missing_error(path, layer)
    refuse_special_source(path, layer)
    try:
        layer = choose_layer(path, layer, role, report)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            info = pyogrio.read_info(path, layer=layer)
        _capture(report, caught)
    except pyogrio.errors.DataSourceError as exc:
        raise unreadable_error(path, layer, str(exc)) from None
    report.layer = layer
    driver = str(info["driver"])
    report.format = driver
    report.feature_count = int(info["features"]) if info["features"] >= 0 else None
    if encoding and normalize_encoding(encoding) is None:
        raise LayerSourceError(
            f"Unknown encoding '{encoding}'.",
            f"无法识别的编码“{encoding}”。",
            path=path,
            layer=layer,
            key="encoding",
            hint_en="Use e.g. gbk, gb18030 or utf-8.",
            hint_zh="请使用 gbk、gb18030 或 utf-8 等编码名称。",
        )
    codec: str | None = None
    if driver == _SHAPEFILE:
        enc = detect_shapefile_encoding(path, encoding)
        codec = normalize_encoding(enc.encoding)
    elif encoding and driver not in _UTF8_FORMATS:
        codec = normalize_encoding(encoding)
        enc = EncodingInfo(encoding=display_name(codec or "utf-8"), how="override")
    else:
        enc = EncodingInfo(encoding="UTF-8", how="format")
        if encoding:
            report.add("info", "encoding_ignored", f"{driver} text is always UTF-8; the encoding override '{encoding}' was ignored.",
                       f"{driver} 格式的文本总是 UTF-8，已忽略指定的编码“{encoding}”。")
    if codec and any(not str(f).isascii() for f in info["fields"]):
        # field names in the attribute encoding (GBK without .cpg: 地类编码, not 'µØÀà±àÂë'),
        # so a filter and the field mapping see the names the user sees
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                info = {**info, "fields": pyogrio.read_info(path, layer=layer, encoding=codec)["fields"]}
            except Exception:  # noqa: BLE001 - the names as read first still work for ASCII filters
                pass
    names = [str(f) for f in info["fields"]]
    if where is not None:
        where = validate_where(where, names, [str(d) for d in info["dtypes"]], path=path, layer=layer or role)
    if columns is not None:
        columns = _file_columns(columns, names)
    report.encoding = enc
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gdf, damage, filtered = _read_or_salvage(path, layer, codec, driver, report, columns, where, feedback)
    _capture(report, caught)
    encoding_issues(report, enc)
    if driver == _SHAPEFILE:
        gdf = drop_truncated(path, gdf, report)
    if report.salvaged:
        report.add(
            "problem",
            "salvaged",
            f"The file is damaged ({damage}); read feature by feature: {len(gdf)} features kept, "
            f"{len(report.unreadable)} unreadable (FID {fids_text(report.unreadable)}).",
            f"文件已损坏（{damage}），已逐个要素读取：保留 {len(gdf)} 个要素，"
            f"{len(report.unreadable)} 个无法读取（FID {fids_text(report.unreadable)}）。",
            unreadable=report.unreadable[:100],
        )
    if where is not None and not filtered:
        gdf = filter_frame(gdf, where)
    if not isinstance(gdf, gpd.GeoDataFrame):  # a table without geometry (e.g. a FileGDB table, a lone .dbf)
        gdf = gpd.GeoDataFrame(gdf, geometry=gpd.GeoSeries([None] * len(gdf), index=gdf.index))
        if driver == _SHAPEFILE and lone_dbf(path):
            report_missing_shp(path, report)
        else:
            report.add("problem", "no_geometry", "The layer is a table without geometry.", "该图层是没有几何的属性表。")
    if where is not None:
        _where_issue(report, where, len(gdf))
    report.read_count = len(gdf)
    report.fields = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    return gdf


def _file_columns(columns: list[str], names: list[str]) -> list[str]:
    """The file fields to read for ``columns``: ``other_tags:height`` needs ``other_tags``."""
    folded = {n.lower(): n for n in names}
    out: list[str] = []
    for c in columns:
        if c not in names and ":" in c:
            c = folded.get(c.split(":", 1)[0].lower(), c)
        if c not in out:
            out.append(c)
    return out


def _read_or_salvage(path: Path, layer: str | None, codec: str | None, driver: str, report: LayerReport,
                     columns: list[str] | None, where: str | None,
                     feedback: Feedback) -> tuple[gpd.GeoDataFrame, str, bool]:
    """(frame, the damage that made it salvage or "", whether ``where`` has been applied)."""

    def attempt(options: dict[str, str]) -> gpd.GeoDataFrame:
        try:
            return _read(path, layer, codec, driver, report, columns, where, options)
        except UnicodeDecodeError:
            # text not in ``codec``: read the bytes 1:1, decode here, then filter
            gdf = _read(path, layer, "ISO-8859-1", driver, report, None if where else columns, None, options)
            gdf, report.encoding.replaced_bytes = _redecode(gdf, codec or "utf-8")  # type: ignore[union-attr]
            if where:
                gdf = filter_frame(gdf, where)
                if columns is not None:
                    gdf = gdf[[c for c in gdf.columns if c in columns or c == gdf.geometry.name]]
            return gdf

    try:
        return attempt({}), "", True
    except Exception as exc:  # noqa: BLE001 - any GDAL failure: retry or salvage below
        damage = str(exc).strip()
    if driver == "OSM" and "OSM_USE_CUSTOM_INDEXING" in damage:
        # node ids not sorted (an extract written by a tool other than osmium/osmosis): GDAL
        # asks for this open option, given for this read only (no global setting)
        report.add("info", "osm_custom_indexing",
                   "The OSM file's node ids are not sorted; read with OSM_USE_CUSTOM_INDEXING=NO (slower, same result).",
                   "OSM 文件中的节点编号未排序，已按 OSM_USE_CUSTOM_INDEXING=NO 读取（较慢，结果相同）。")
        try:
            return attempt({"USE_CUSTOM_INDEXING": "NO"}), "", True
        except Exception as exc:  # noqa: BLE001
            damage = str(exc).strip()
    try:
        return salvage(path, layer, codec, report, feedback), damage, False
    except Exception as exc2:  # noqa: BLE001
        if isinstance(exc2, GreenplanError):
            raise
        raise unreadable_error(path, layer, damage, driver) from None


def _where_issue(report: LayerReport, expr: str, kept: int) -> None:
    """Record what the attribute filter kept (a problem when it kept nothing)."""
    total = report.feature_count
    of_en = f" of {total}" if total is not None else ""
    none_en = f"none of the {total} features" if total is not None else "no feature"
    of_zh = f"（共 {total} 个）" if total is not None else ""
    report.checks["where"] = {"expr": expr, "kept": kept, "total": total}
    if kept:
        report.add("info", "where_filter", f"The attribute filter “{expr}” kept {kept}{of_en} features.",
                   f"属性过滤条件“{expr}”保留了 {kept} 个要素{of_zh}。", expr=expr, kept=kept, total=total)
    else:
        report.add("problem", "where_filter", f"The attribute filter “{expr}” kept {none_en}. "
                   "Check the field values (text comparisons are case-sensitive).",
                   f"属性过滤条件“{expr}”未保留任何要素{of_zh}。请检查字段取值（文本比较区分大小写）。",
                   expr=expr, kept=0, total=total)
