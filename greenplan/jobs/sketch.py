"""Hand-drawn scenario features (a *sketch*): reading, writing, and what they add to a scenario.

A scenario's sketch lives in the project's own GeoPackage next to the project file
(``<project>.sketch.gpkg``), one layer per scenario, named in the project file by
``sketch = { source = "…gpkg", layer = "…" }`` (:class:`greenplan.core.scenario.SketchRef`).
Source data is never edited. Every feature has

``kind``
    ``pocket_park``, ``green_belt``, ``green_space``, ``rooftop`` or ``construction``;
``class``
    the green-space class (CJJ/T 85-2017: ``G1``, ``G2``, … or ``XG`` for rooftops; empty for
    construction);
``gs_share``
    the share counted toward the green space ratio (``indicators.md``);
``name``, ``note``
    free text; belts also keep ``centre_wkt`` (the drawn centre line) and ``width_m`` (the
    stored polygon is that line buffered by ``width_m / 2``, flat ends).

In a scenario (``indicators.md``, *Candidates and scenarios*) every feature but
``construction`` is *scenario greening* with its ``class`` and ``gs_share``; a rooftop sketch is
drawn as its planted part. ``construction`` features are *scenario construction*.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from greenplan.core.errors import LayerSourceError, ProjectFileError
from greenplan.core.scenario import Scenario, SketchRef

SKETCH_KINDS: dict[str, str] = {
    "pocket_park": "口袋公园",
    "green_belt": "绿带",
    "green_space": "绿地",
    "rooftop": "屋顶绿化",
    "construction": "新增建设",
}
#: default ``class`` per kind (CJJ/T 85-2017; XG rooftop greening; construction none)
DEFAULT_CLASS: dict[str, str] = {"pocket_park": "G1", "green_belt": "G2", "green_space": "G1", "rooftop": "XG",
                                 "construction": ""}
#: default ``gs_share``: 1 for parks, belts and green space; rooftops the ≤ 3 floors band (0.5)
DEFAULT_GS_SHARE: dict[str, float] = {"pocket_park": 1.0, "green_belt": 1.0, "green_space": 1.0, "rooftop": 0.5,
                                      "construction": 0.0}
COLUMNS = ("kind", "class", "gs_share", "name", "note", "centre_wkt", "width_m")


def empty_sketch(crs: Any = None) -> gpd.GeoDataFrame:
    """A sketch without features (every column, the right dtypes)."""
    return gpd.GeoDataFrame({"kind": pd.Series([], dtype=object), "class": pd.Series([], dtype=object),
                             "gs_share": pd.Series([], dtype=float), "name": pd.Series([], dtype=object),
                             "note": pd.Series([], dtype=object), "centre_wkt": pd.Series([], dtype=object),
                             "width_m": pd.Series([], dtype=float)},
                            geometry=gpd.GeoSeries([], crs=crs), crs=crs)


def belt_polygon(centre: shapely.LineString, width_m: float) -> shapely.Geometry:
    """The belt drawn along ``centre``: the line buffered by ``width_m / 2`` with flat ends.

    Examples
    --------
    >>> belt_polygon(shapely.LineString([(0, 0), (100, 0)]), 20).area
    2000.0
    """
    return shapely.buffer(centre, float(width_m) / 2.0, cap_style="flat", join_style="mitre")


def normalize_sketch(frame: gpd.GeoDataFrame, *, path: Path | None = None, layer: str | None = None) -> gpd.GeoDataFrame:
    """``frame`` with every sketch column, defaults filled in, kinds checked.

    Raises
    ------
    ProjectFileError
        A feature of an unknown ``kind``.
    """
    out = frame.copy()
    for col in COLUMNS:
        if col not in out.columns:
            out[col] = np.nan if col in ("gs_share", "width_m") else None
    kinds = out["kind"].astype(object).to_numpy()
    bad = sorted({str(k) for k in kinds if k not in SKETCH_KINDS})
    if bad:
        raise ProjectFileError(
            f"The sketch has features of unknown kind {', '.join(bad)}; valid: {', '.join(SKETCH_KINDS)}.",
            f"草图中有未知类型的要素：{'、'.join(bad)}；可用：{'、'.join(SKETCH_KINDS)}。",
            path=path, layer=layer, field="kind",
            hint_en="Correct the kind of those features.", hint_zh="请修改这些要素的类型（kind）。",
        )
    cls = out["class"].astype(object).to_numpy()
    missing = pd.isna(cls) | (cls == "")
    out["class"] = np.where(missing, [DEFAULT_CLASS[k] for k in kinds], cls).astype(object)
    gs = pd.to_numeric(out["gs_share"], errors="coerce").to_numpy(dtype=float)
    out["gs_share"] = np.where(np.isnan(gs), [DEFAULT_GS_SHARE[k] for k in kinds], gs) if len(out) else gs
    for col in ("name", "note", "centre_wkt"):
        out[col] = out[col].astype(object).where(pd.notna(out[col]), "")
    out["width_m"] = pd.to_numeric(out["width_m"], errors="coerce").astype(float)
    return out[[*COLUMNS, out.geometry.name]].rename_geometry("geometry") if out.geometry.name != "geometry" \
        else out[[*COLUMNS, "geometry"]]


def sketch_path(project: Any, ref: SketchRef) -> Path:
    """The GeoPackage of ``ref``: relative to the project file's folder (or absolute)."""
    p = Path(ref.source)
    return p if p.is_absolute() else Path(project.folder) / p


def default_sketch_ref(project: Any, scenario_name: str) -> SketchRef:
    """Where a scenario's new sketch goes: ``<project>.sketch.gpkg``, layer = scenario name.

    Examples
    --------
    >>> from greenplan.core.project import Project
    >>> default_sketch_ref(Project(path=Path("d/县 规划.greenplan.toml")), "近期").source
    '县 规划.sketch.gpkg'
    """
    path = getattr(project, "path", None)
    stem = Path(path).name.removesuffix(".toml").removesuffix(".greenplan") if path else project.name
    return SketchRef(source=f"{stem}.sketch.gpkg", layer=scenario_name)


def read_sketch(project: Any, ref: SketchRef, crs: Any = None) -> gpd.GeoDataFrame:
    """The features of ``ref`` (normalized), reprojected to ``crs`` when given.

    Raises
    ------
    LayerSourceError
        The GeoPackage or its layer is missing or cannot be read.
    ProjectFileError
        A feature of an unknown kind.
    """
    import pyogrio

    path = sketch_path(project, ref)
    hint = ("Restore the sketch GeoPackage next to the project file, or remove the scenario's sketch key.",
            "请将草图 GeoPackage 放回项目文件旁，或删除该情景的 sketch 键。")
    if not path.is_file():
        raise LayerSourceError(f"The sketch file {path.name} does not exist.", f"草图文件 {path.name} 不存在。",
                               path=path, layer=ref.layer, hint_en=hint[0], hint_zh=hint[1])
    try:
        names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
        if ref.layer not in names:
            raise LayerSourceError(f"The sketch file {path.name} has no layer '{ref.layer}'. Layers: {', '.join(names)}.",
                                   f"草图文件 {path.name} 中没有图层“{ref.layer}”。现有图层：{'、'.join(names)}。",
                                   path=path, layer=ref.layer, hint_en=hint[0], hint_zh=hint[1])
        frame = gpd.read_file(path, layer=ref.layer, engine="pyogrio")
    except LayerSourceError:
        raise
    except Exception as exc:  # pyogrio / GDAL errors of a damaged file
        raise LayerSourceError(f"Cannot read the sketch file {path.name}: {exc}.",
                               f"无法读取草图文件 {path.name}：{exc}。",
                               path=path, layer=ref.layer, hint_en=hint[0], hint_zh=hint[1]) from exc
    frame = normalize_sketch(frame, path=path, layer=ref.layer)
    if crs is not None and frame.crs is not None and len(frame):
        frame = frame.to_crs(crs)
    elif crs is not None and frame.crs is None:
        frame = frame.set_crs(crs)
    return frame


def write_sketch(project: Any, ref: SketchRef, frame: gpd.GeoDataFrame, crs: Any = None) -> Path:
    """Write ``frame`` as layer ``ref.layer`` of the sketch GeoPackage, atomically.

    The file's other layers (other scenarios' sketches) are kept: the GeoPackage is
    written to a temporary file and then replaces the old one.

    Raises
    ------
    OutputError
        The file cannot be written or replaced.
    """
    from greenplan.io.writers import write_gpkg_layers

    frame = normalize_sketch(frame)
    return write_gpkg_layers(sketch_path(project, ref), {ref.layer: frame}, append=True, crs=crs or frame.crs)


def scenario_sketch(project: Any, scenario: Scenario, crs: Any = None) -> gpd.GeoDataFrame | None:
    """The sketch of ``scenario`` (None when it has none); see :func:`read_sketch`."""
    return None if scenario.sketch is None else read_sketch(project, scenario.sketch, crs)


def sketch_layers(sketch: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(scenario greening, scenario construction) of a sketch, by ``indicators.md``.

    Greening: every feature but ``construction``, with ``kind`` (``sketch_<kind>``),
    ``candidate_id`` (``S0001``… by row), ``class``, ``gs_share`` and ``area_m2``, the columns
    of :func:`greenplan.jobs.scenario.scenario_greening`. Construction: the ``construction``
    features (``activity_type`` from their ``name``).

    Examples
    --------
    >>> s = normalize_sketch(gpd.GeoDataFrame({"kind": ["pocket_park", "construction"]},
    ...                      geometry=[shapely.box(0, 0, 20, 30), shapely.box(50, 0, 60, 10)]))
    >>> g, c = sketch_layers(s)
    >>> g[["kind", "candidate_id", "class", "gs_share", "area_m2"]].values.tolist(), len(c)
    ([['sketch_pocket_park', 'S0001', 'G1', 1.0, 600.0]], 1)
    """
    crs = sketch.crs
    kinds = sketch["kind"].astype(object).to_numpy()
    geoms = shapely.make_valid(np.asarray(sketch.geometry.values, dtype=object))
    ids = np.array([f"S{i + 1:04d}" for i in range(len(sketch))], dtype=object)
    green = kinds != "construction"
    g = gpd.GeoDataFrame({"kind": np.array([f"sketch_{k}" for k in kinds[green]], dtype=object),
                          "candidate_id": ids[green], "class": sketch["class"].to_numpy(dtype=object)[green],
                          "gs_share": sketch["gs_share"].to_numpy(dtype=float)[green]},
                         geometry=gpd.GeoSeries(geoms[green], crs=crs), crs=crs)
    g["area_m2"] = g.geometry.area
    c = gpd.GeoDataFrame({"activity_type": sketch["name"].to_numpy(dtype=object)[~green]},
                         geometry=gpd.GeoSeries(geoms[~green], crs=crs), crs=crs)
    return g, c
