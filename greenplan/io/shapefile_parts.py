"""The parts of a shapefile: which are there, and which records a cut-off part lost.

A shapefile is three files that travel separately (``.shp`` geometry, ``.shx`` index,
``.dbf`` attributes), so one of them is often missing or cut short after a copy. GDAL
reads what it can; these helpers say which part is at fault, by record (FID), without
changing anything on disk.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np

from greenplan.io.report import LayerReport

#: suffixes GDAL's shapefile driver opens (a lone .dbf is read as a table)
SHAPEFILE_SUFFIXES = (".shp", ".shx", ".dbf")


def part(path: Path, ext: str) -> Path:
    """The sibling ``ext`` of ``path`` (lower case, else upper case: ``.SHX``)."""
    return path.with_suffix(ext) if path.with_suffix(ext).is_file() else path.with_suffix(ext.upper())


def has_part(path: Path, ext: str) -> bool:
    return path.with_suffix(ext.lower()).is_file() or path.with_suffix(ext.upper()).is_file()


def lone_dbf(path: Path) -> bool:
    """True for a ``.dbf`` (or ``.shx``) given without its ``.shp``: the geometry is missing."""
    return path.suffix.lower() in (".dbf", ".shx") and not has_part(path, ".shp")


def fids_text(fids: list[int], limit: int = 10) -> str:
    """``3, 4, 9 ...`` for messages."""
    text = ", ".join(map(str, fids[:limit]))
    return text + (" ..." if len(fids) > limit else "") if fids else "-"


def shx_unreadable(path: Path) -> list[int]:
    """Records of a shapefile that lie (partly) beyond the end of a truncated .shp."""
    shp = part(path, ".shp")
    if not shp.is_file():
        return []  # no .shp at all: not truncated, missing (see lone_dbf)
    try:
        index = np.fromfile(part(path, ".shx"), dtype=">i4", offset=100).reshape(-1, 2)
        size = shp.stat().st_size
    except (OSError, ValueError):
        return []
    ends = index[:, 0].astype(np.int64) * 2 + 8 + index[:, 1].astype(np.int64) * 2
    return np.flatnonzero(ends > size).tolist()


def dbf_unreadable(path: Path) -> list[int]:
    """Records the DBF header promises that lie beyond the end of a truncated .dbf."""
    dbf = part(path, ".dbf")
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


def drop_truncated(path: Path, gdf: gpd.GeoDataFrame, report: LayerReport) -> gpd.GeoDataFrame:
    """Drop (and report by FID) shapefile records cut off by a truncated .shp or .dbf."""
    for ext, beyond in ((".shp", shx_unreadable(path)), (".dbf", dbf_unreadable(path))):
        if not beyond:
            continue
        report.unreadable = sorted(set(report.unreadable) | set(beyond))
        report.add(
            "problem",
            "truncated",
            f"The {ext} file is truncated: {len(beyond)} features lie beyond its end and were not read (FID {fids_text(beyond)}).",
            f"{ext} 文件不完整：{len(beyond)} 个要素超出文件末尾，无法读取（FID {fids_text(beyond)}）。",
            part=ext,
            unreadable=beyond[:100],
        )
    return gdf.drop(index=report.unreadable, errors="ignore") if report.unreadable else gdf


def report_missing_shp(path: Path, report: LayerReport) -> None:
    """The ``.dbf`` was read without its ``.shp``: say that the geometry file is missing."""
    shp = path.with_suffix(".shp")
    report.add(
        "problem",
        "shp_missing",
        f"The .shp file is missing ({shp.name} is not next to {path.name}): only the attribute table could be "
        "read, the layer has no geometry.",
        f"缺少 .shp 文件（{path.name} 旁没有 {shp.name}）：只能读取属性表，该图层没有几何。",
        missing=shp.name,
    )
