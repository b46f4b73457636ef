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
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.raw import read as raw_read

from greenplan.core.errors import GreenplanError, LayerSourceError
from greenplan.core.feedback import Feedback
from greenplan.io.encoding import (
    count_undecodable,
    detect_shapefile_encoding,
    display_name,
    normalize_encoding,
)
from greenplan.io.report import EncodingInfo, LayerReport

_HAS_ARROW = importlib.util.find_spec("pyarrow") is not None
#: formats whose text is UTF-8 by definition: an encoding override does not apply
_UTF8_FORMATS = {"GPKG", "GeoJSON", "GeoJSONSeq", "OpenFileGDB", "FlatGeobuf", "SQLite", "Parquet"}
_SHAPEFILE = "ESRI Shapefile"


def unreadable_error(path: Path, layer: str | None, detail: str) -> LayerSourceError:
    """The error for a file GDAL cannot open or read (``detail``: GDAL's message)."""
    return LayerSourceError(
        f"The file cannot be read ({detail.strip()}).",
        f"无法读取该文件（{detail.strip()}）。",
        path=path,
        layer=layer,
        hint_en="Check that the file is complete (all parts of a shapefile: .shp, .shx, .dbf) "
        "and opens in QGIS; copy it again from the original source if it is damaged.",
        hint_zh="请检查文件是否完整（Shapefile 需 .shp、.shx、.dbf 齐全）并能在 QGIS 中打开；"
        "如已损坏，请从原始数据重新拷贝。",
    )


def missing_error(path: Path, layer: str | None) -> LayerSourceError:
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


def _fids(fids: list[int], limit: int = 10) -> str:
    """``3, 4, 9 ...`` for messages."""
    text = ", ".join(map(str, fids[:limit]))
    return text + (" ..." if len(fids) > limit else "") if fids else "-"


def _part(path: Path, ext: str) -> Path:
    return path.with_suffix(ext) if path.with_suffix(ext).is_file() else path.with_suffix(ext.upper())


def _shx_unreadable(path: Path) -> list[int]:
    """Records of a shapefile that lie (partly) beyond the end of a truncated .shp."""
    try:
        index = np.fromfile(_part(path, ".shx"), dtype=">i4", offset=100).reshape(-1, 2)
        size = path.stat().st_size
    except (OSError, ValueError):
        return []
    ends = index[:, 0].astype(np.int64) * 2 + 8 + index[:, 1].astype(np.int64) * 2
    return np.flatnonzero(ends > size).tolist()


def _dbf_unreadable(path: Path) -> list[int]:
    """Records the DBF header promises that lie beyond the end of a truncated .dbf."""
    dbf = _part(path, ".dbf")
    try:
        with dbf.open("rb") as fh:
            head = fh.read(12)
        size = dbf.stat().st_size
    except OSError:
        return []
    if len(head) < 12:
        return []
    nrec = int.from_bytes(head[4:8], "little")
    header_len = int.from_bytes(head[8:10], "little")
    rec_len = int.from_bytes(head[10:12], "little")
    complete = max(0, size - header_len) // rec_len if rec_len else nrec
    return list(range(complete, nrec))


def _drop_truncated(path: Path, gdf: gpd.GeoDataFrame, report: LayerReport) -> gpd.GeoDataFrame:
    """Drop (and report by FID) shapefile records cut off by a truncated .shp or .dbf."""
    for part, beyond in ((".shp", _shx_unreadable(path)), (".dbf", _dbf_unreadable(path))):
        if not beyond:
            continue
        report.unreadable = sorted(set(report.unreadable) | set(beyond))
        report.add(
            "problem",
            "truncated",
            f"The {part} file is truncated: {len(beyond)} features lie beyond its end and were not read (FID {_fids(beyond)}).",
            f"{part} 文件不完整：{len(beyond)} 个要素超出文件末尾，无法读取（FID {_fids(beyond)}）。",
            part=part,
            unreadable=beyond[:100],
        )
    return gdf.drop(index=report.unreadable, errors="ignore") if report.unreadable else gdf


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


def _salvage(path: Path, layer: str | None, codec: str | None, report: LayerReport, feedback: Feedback) -> gpd.GeoDataFrame:
    """Read feature by feature with fiona, keeping what can be read."""
    import fiona
    import shapely.geometry

    kwargs: dict[str, Any] = {"layer": layer} if layer else {}
    if codec:
        kwargs["encoding"] = codec
    records, geoms, fids, bad = [], [], [], []
    with fiona.open(path, **kwargs) as src:
        n = len(src)
        start = 0 if src.driver == _SHAPEFILE else 1
        crs = src.crs.to_wkt() if src.crs else None
        for k, fid in enumerate(range(start, start + n)):
            if k % 1000 == 0:
                feedback.check()
            try:
                feat = src[fid]
            except Exception:  # noqa: BLE001 - a damaged record is what we are here for
                feat = None
            if feat is None:
                bad.append(fid)
                continue
            fids.append(fid)
            records.append(dict(feat.properties))
            geoms.append(shapely.geometry.shape(feat.geometry) if feat.geometry is not None else None)
    report.salvaged = True
    report.unreadable = bad
    frame = pd.DataFrame.from_records(records, index=pd.Index(fids, name="fid")) if records else pd.DataFrame(index=pd.Index(fids, name="fid"))
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, index=frame.index, crs=crs), crs=crs)


def _read(path: Path, layer: str | None, codec: str | None, driver: str, report: LayerReport,
          columns: list[str] | None = None) -> gpd.GeoDataFrame:
    kwargs: dict[str, Any] = {"layer": layer}
    if columns is not None:
        kwargs["columns"] = columns  # names not in the file are ignored by pyogrio
    if codec:
        kwargs["encoding"] = codec
    arrow = _HAS_ARROW and driver != _SHAPEFILE
    try:
        return pyogrio.read_dataframe(path, use_arrow=arrow, fid_as_index=True, **kwargs)
    except shapely.errors.GEOSException:
        # geometries GEOS cannot parse (a TIN, a PolyhedralSurface): find them, read them as null
        _, fids, wkb, _ = raw_read(path, return_fids=True, **{**kwargs, "columns": []})
        parsed = shapely.from_wkb(wkb, on_invalid="ignore")
        wkb_present = np.array([w is not None for w in wkb], dtype=bool)
        report.unparseable = np.asarray(fids)[wkb_present & shapely.is_missing(parsed)].tolist()
        report.add(
            "problem",
            "unparseable_geometry",
            f"{len(report.unparseable)} geometries are of a type GreenPlan cannot use (e.g. TIN) and were read as empty.",
            f"{len(report.unparseable)} 个几何为无法使用的类型（如 TIN），已按空几何读取。",
            indexes=report.unparseable[:100],
        )
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
        Read only these attribute fields (those missing from the file are skipped);
        default: all. The salvage path always reads all.

    Returns
    -------
    geopandas.GeoDataFrame
        Rows in file order; the index is the feature id (FID: 0-based for shapefiles,
        the ``fid`` column of a GeoPackage).

    Raises
    ------
    LayerSourceError
        Missing file, unknown layer, or unreadable even feature by feature.
    """
    feedback = feedback or Feedback()
    if not path.exists():
        raise missing_error(path, layer)
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
    report.encoding = enc
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            try:
                gdf = _read(path, layer, codec, driver, report, columns)
            except UnicodeDecodeError:
                gdf = _read(path, layer, "ISO-8859-1", driver, report, columns)
                gdf, enc.replaced_bytes = _redecode(gdf, codec or "utf-8")
        except Exception as exc:  # noqa: BLE001 - any GDAL failure: try to salvage
            damage = str(exc).strip()
            try:
                gdf = _salvage(path, layer, codec, report, feedback)
            except Exception as exc2:  # noqa: BLE001
                if isinstance(exc2, GreenplanError):
                    raise
                raise unreadable_error(path, layer, damage) from None
    _capture(report, caught)
    encoding_issues(report, enc)
    if driver == _SHAPEFILE:
        gdf = _drop_truncated(path, gdf, report)
    if report.salvaged:
        report.add(
            "problem",
            "salvaged",
            f"The file is damaged ({damage}); read feature by feature: {len(gdf)} features kept, "
            f"{len(report.unreadable)} unreadable (FID {_fids(report.unreadable)}).",
            f"文件已损坏（{damage}），已逐个要素读取：保留 {len(gdf)} 个要素，"
            f"{len(report.unreadable)} 个无法读取（FID {_fids(report.unreadable)}）。",
            unreadable=report.unreadable[:100],
        )
    if not isinstance(gdf, gpd.GeoDataFrame):  # a table without geometry (e.g. a FileGDB table)
        gdf = gpd.GeoDataFrame(gdf, geometry=gpd.GeoSeries([None] * len(gdf), index=gdf.index))
        report.add("problem", "no_geometry", "The layer is a table without geometry.", "该图层是没有几何的属性表。")
    report.read_count = len(gdf)
    report.fields = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    return gdf
