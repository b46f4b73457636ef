"""When pyogrio cannot read a layer whole: salvage feature by feature, or name what GEOS cannot parse.

Both keep what can be read and record the rest by feature id (FID) in the
:class:`~greenplan.io.report.LayerReport`; nothing on disk is changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyogrio.raw import read as raw_read

from greenplan.core.feedback import Feedback
from greenplan.io.report import LayerReport
from greenplan.io.shapefile_parts import fids_text


def salvage(path: Path, layer: str | None, codec: str | None, report: LayerReport, feedback: Feedback) -> gpd.GeoDataFrame:
    """Read feature by feature with fiona, keeping what can be read."""
    import fiona
    import shapely.geometry

    kwargs: dict[str, Any] = {"layer": layer} if layer else {}
    if codec:
        kwargs["encoding"] = codec
    records, geoms, fids, bad = [], [], [], []
    with fiona.open(path, **kwargs) as src:
        n = len(src)
        start = 0 if src.driver == "ESRI Shapefile" else 1
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


#: ISO WKB type ids (mod 1000) of polygonal geometries: a parse failure there is a broken ring
_POLYGONAL_WKB = {3, 6, 10, 12}


def _wkb_type(wkb: bytes) -> int:
    """The geometry type id of an ISO/EWKB blob (Z/M/SRID flags removed)."""
    order = "little" if wkb[:1] == b"\x01" else "big"
    return (int.from_bytes(wkb[1:5], order) & 0x0FFFFFFF) % 1000


def report_unparseable(path: Path, kwargs: dict[str, Any], report: LayerReport) -> None:
    """Find the geometries GEOS cannot parse (read as null) and say what is wrong with them."""
    _, fids, wkb, _ = raw_read(path, return_fids=True, **{**kwargs, "columns": []})
    parsed = shapely.from_wkb(wkb, on_invalid="ignore")
    wkb_present = np.array([w is not None for w in wkb], dtype=bool)
    bad = wkb_present & shapely.is_missing(parsed)
    fids, blobs = np.asarray(fids)[bad], [w for w, b in zip(wkb, bad, strict=True) if b]
    polygonal = np.array([_wkb_type(bytes(w)) in _POLYGONAL_WKB for w in blobs], dtype=bool)
    report.unparseable = fids.tolist()
    rings, others = fids[polygonal].tolist(), fids[~polygonal].tolist()
    if rings:
        report.add(
            "problem",
            "broken_rings",
            f"{len(rings)} polygons have broken rings (a ring with fewer than 4 points, or not closed) and were read "
            f"as empty (FID {fids_text(rings)}). Redraw or delete them in QGIS.",
            f"{len(rings)} 个面的边界环已损坏（环的点数少于 4 个或未闭合），已按空几何读取（FID {fids_text(rings)}）。"
            "请在 QGIS 中重新绘制或删除。",
            indexes=rings[:100],
        )
    if others:
        report.add(
            "problem",
            "unparseable_geometry",
            f"{len(others)} geometries are of a type GreenPlan cannot use (e.g. TIN, polyhedral surface) and were read "
            f"as empty (FID {fids_text(others)}).",
            f"{len(others)} 个几何为无法使用的类型（如 TIN、多面体表面），已按空几何读取（FID {fids_text(others)}）。",
            indexes=others[:100],
        )
