"""Load a project's layers into the working CRS, with a report of everything done.

``load_project`` is what the analyses call: every vector layer comes back as a
GeoDataFrame in the working CRS (metres), repaired in memory, empty and null geometries
dropped, role fields under their canonical names; every raster as a lazily opened
:class:`RasterSource`. A layer that cannot be read raises :class:`LayerSourceError`.
``load_project_lenient`` does the same but records per-layer failures in the layer's
report instead of raising, so the data check can show all layers at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from greenplan.core.errors import CRSError, GeometryTypeError, GreenplanError, LayerSourceError
from greenplan.core.feedback import Feedback
from greenplan.core.geo import VALID_ATTR
from greenplan.core.project import LayerSpec, Project
from greenplan.core.roles import ROLES, Role
from greenplan.io.crs import (
    choose_working_crs,
    crs_label,
    guess_crs,
    parse_crs,
    to_lonlat,
    transform_bounds,
)
from greenplan.io.fields import map_fields
from greenplan.io.geometry import left_out_text, prepare_geometries, repair_after_reprojection
from greenplan.io.raster import RASTER_SUFFIXES, RasterSource, corner_bounds, open_raster
from greenplan.io.report import CRSInfo, LayerReport
from greenplan.io.usable import refuse_special_source
from greenplan.io.vector import read_vector

#: ``fields_only`` of :func:`load_project`: all declared fields (True), all fields (False),
#: or per role the declared fields to read
FieldsOnly = bool | Mapping[str, Collection[str]]

__all__ = ["LoadedLayer", "LoadedProject", "RasterSource", "load_project", "load_project_lenient"]


@dataclass
class LoadedLayer:
    """One layer of a project after loading (``gdf`` or ``raster`` is None when it failed).

    ``gdf`` is in the working CRS, repaired, without null/empty/wrong-type geometries, role
    fields under their canonical names; its index is the source's feature id (FID), so
    messages can name the feature a user finds in QGIS.
    """

    spec: LayerSpec
    gdf: gpd.GeoDataFrame | None
    raster: RasterSource | None
    report: LayerReport


@dataclass
class LoadedProject:
    """All loaded layers, the working CRS (metric) and notes on what was done."""

    project: Project
    crs: pyproj.CRS
    layers: list[LoadedLayer]
    notes: list[str] = field(default_factory=list)
    #: where the working CRS came from: ``project``, ``settings`` or ``auto``
    crs_how: str = "auto"

    def vector(self, role: str) -> gpd.GeoDataFrame | None:
        """All vector layers with ``role`` concatenated (working CRS); None if there are none.

        The frame may be shared with the layer: copy it before changing it.
        """
        frames = [lyr.gdf for lyr in self.layers if lyr.spec.role == role and lyr.gdf is not None]
        if not frames:
            return None
        if len(frames) == 1:
            return frames[0]
        out = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=self.crs)
        out.attrs[VALID_ATTR] = all(f.attrs.get(VALID_ATTR, False) for f in frames)
        return out

    def raster(self, role: str) -> RasterSource | None:
        """The (first) raster layer with ``role``, or None."""
        return next((lyr.raster for lyr in self.layers if lyr.spec.role == role and lyr.raster is not None), None)

    def has(self, role: str) -> bool:
        """True when a layer with ``role`` was loaded."""
        return any(lyr.spec.role == role and (lyr.gdf is not None or lyr.raster is not None) for lyr in self.layers)


def layer_kind(spec: LayerSpec) -> str:
    """``raster`` or ``vector``: from the role, else from the file name."""
    role = ROLES.get(spec.role or "")
    if role is not None:
        return "raster" if role.is_raster else "vector"
    return "raster" if spec.source.suffix.lower() in RASTER_SUFFIXES else "vector"


def _wrong_kind(spec: LayerSpec, kind: str) -> LayerSourceError | None:
    """A clear message when a raster is given for a vector role or the other way round."""
    try:
        if kind == "vector":
            import rasterio

            with rasterio.open(spec.source):
                pass
        else:
            import pyogrio

            pyogrio.read_info(spec.source, layer=spec.layer)
    except Exception:  # noqa: BLE001 - not the other kind either
        return None
    other = "raster" if kind == "vector" else "vector"
    err = LayerSourceError(
        f"This is {other} data, but role '{spec.role}' needs {kind} data.",
        f"这是{'栅格' if other == 'raster' else '矢量'}数据，而角色“{spec.role}”需要{'矢量' if kind == 'vector' else '栅格'}数据。",
        path=spec.source,
        layer=spec.layer,
        hint_en="Give this file another role, or choose the right file.",
        hint_zh="请为该文件指定其他角色，或选择正确的文件。",
    )
    err.check_code = "wrong_kind"  # type: ignore[attr-defined]
    return err


def _role_columns(spec: LayerSpec, fields_only: FieldsOnly = True) -> list[str] | None:
    """The file fields holding the role's fields (mapped names), or None for all fields.

    ``fields_only`` may name, per role, the subset of the role's fields to read.
    """
    role = ROLES.get(spec.role or "")
    if role is None:
        return None
    wanted = fields_only.get(role.id) if isinstance(fields_only, Mapping) else None
    return [spec.source_field(f.name) for f in role.fields if wanted is None or f.name in wanted]


def _open(index: int, spec: LayerSpec, feedback: Feedback, scan: bool, strict: bool,
          fields_only: FieldsOnly = False, settings: object | None = None) -> tuple[LayerReport, gpd.GeoDataFrame | None, RasterSource | None]:
    report = LayerReport(index=index, name=spec.name, role=spec.role, source=spec.source, layer=spec.layer)
    kind = layer_kind(spec)
    report.kind = kind
    refuse_special_source(spec.source, spec.layer)  # a pipe or device: refused before anything opens it
    try:
        if kind == "raster":
            from greenplan.core.raster_kind import VegetationOptions

            veg = VegetationOptions.from_settings(settings) if spec.role == "vegetation_raster" else None
            raster = open_raster(spec.source, report, feedback=feedback, scan_nodata=scan, band=spec.band, vegetation=veg)
            gdf = None
        else:
            columns = _role_columns(spec, fields_only) if fields_only else None
            gdf = read_vector(spec.source, report, layer=spec.layer, encoding=spec.encoding, role=spec.role,
                              feedback=feedback, columns=columns, where=spec.where)
            raster = None
    except LayerSourceError as exc:
        better = _wrong_kind(spec, kind) if spec.source.exists() else None
        raise (better or exc) from None
    report.opened = True
    crs = gdf.crs if gdf is not None else raster.crs  # type: ignore[union-attr]
    if gdf is not None and gdf.geometry.notna().any():
        report.bounds = tuple(float(v) for v in gdf.geometry.dropna().total_bounds)  # type: ignore[assignment]
    if crs is not None:
        report.crs = CRSInfo(crs=crs_label(crs), how="read", name=crs.name)
        if report.bounds is not None and to_lonlat(report.bounds, crs) is None:
            err = _mismatch(spec, crs, report.bounds)
            if strict:
                raise err
            report.error = err.to_dict()
            report.add("problem", "crs_mismatch", err.message("en"), err.message("zh"), bounds=list(report.bounds))
            return report, None, None  # readable, but cannot be placed
    return report, gdf, raster


def _mismatch(spec: LayerSpec, crs: pyproj.CRS, bounds: tuple[float, float, float, float]) -> CRSError:
    """The declared CRS cannot hold these coordinates (GK metres labelled as lon/lat ...)."""
    guess = guess_crs(bounds)
    label = crs_label(crs)
    like_en = f" They look like {crs_label(guess.crs)} ({guess.crs.name})." if guess else ""
    like_zh = f"坐标看起来属于 {crs_label(guess.crs)}（{guess.crs.name}）。" if guess else ""
    err = CRSError(
        f"The coordinates ({bounds[0]:.1f}, {bounds[1]:.1f} … {bounds[2]:.1f}, {bounds[3]:.1f}) do not fit the "
        f"layer's CRS {label}.{like_en}",
        f"坐标（{bounds[0]:.1f}, {bounds[1]:.1f} … {bounds[2]:.1f}, {bounds[3]:.1f}）与图层声明的坐标系 {label} 不符。{like_zh}",
        path=spec.source,
        layer=spec.layer or spec.role,
        hint_en="Fix the .prj (in QGIS: Assign projection, not Reproject).",
        hint_zh="请更正 .prj 文件（在 QGIS 中使用“指定投影”，而不是“重投影”）。",
    )
    return err


def _fail(report: LayerReport, exc: GreenplanError) -> None:
    code = "file_missing" if not report.source.exists() else getattr(exc, "check_code", "unreadable")
    report.error = exc.to_dict()
    report.add("error", code, exc.message("en"), exc.message("zh"))


def _geometry_issues(report: LayerReport, role: Role | None) -> None:
    if report.null_geometries > 0:
        report.add("problem", "null_geometry", f"{report.null_geometries} features have no geometry (dropped).",
                   f"{report.null_geometries} 个要素没有几何（已剔除）。", count=report.null_geometries)
    if report.empty_geometries:
        report.add("problem", "empty_geometry", f"{report.empty_geometries} features have an empty geometry (dropped).",
                   f"{report.empty_geometries} 个要素的几何为空（已剔除）。", count=report.empty_geometries)
    if report.invalid_geometries:
        gone = report.checks.get("collapsed_by_repair", 0)
        report.add("problem", "invalid_geometry",
                   f"{report.invalid_geometries} invalid geometries (self-intersections, bow-ties ...) were repaired in memory"
                   + (f", {gone} of them collapsed to nothing and were dropped" if gone else "") + "; the file is unchanged.",
                   f"{report.invalid_geometries} 个无效几何（自相交、蝴蝶结形等）已在内存中修复"
                   + (f"，其中 {gone} 个修复后为空，已剔除" if gone else "") + "，源文件未改动。",
                   count=report.invalid_geometries, collapsed=gone)
    if report.wrong_type and role is not None:
        types = left_out_text(report)  # only what was left out
        report.add("problem", "geometry_type",
                   f"{report.wrong_type} features are not {role.geometry.replace('_', ' ')}s as role '{role.id}' needs ({types}); they were left out.",
                   f"{report.wrong_type} 个要素的几何类型不符合角色“{role.zh}”的要求（{role.geometry}；实际：{types}），已排除。",
                   count=report.wrong_type, geometry_types=dict(report.geometry_types))
    if report.has_z:
        report.add("info", "z_dropped", "Z/M values were dropped (areas are planar).", "已去除 Z/M 值（面积按平面计算）。")
    if report.loaded_count == 0:
        report.add("problem", "empty_layer", "The layer has no usable features.", "该图层没有可用的要素。")


def _quick_lonlat(spec: LayerSpec) -> tuple[float, float, float, float] | None:
    """Extent in lon/lat from the file header only (for layers not being loaded)."""
    try:
        if layer_kind(spec) == "raster":
            import rasterio

            with rasterio.open(spec.source) as ds:
                if ds.crs is None:
                    return None
                return to_lonlat(corner_bounds(ds.transform, ds.width, ds.height), pyproj.CRS.from_wkt(ds.crs.to_wkt()))
        import pyogrio

        info = pyogrio.read_info(spec.source, layer=spec.layer)
        if info["crs"] is None or info.get("total_bounds") is None:
            return None
        return to_lonlat(tuple(info["total_bounds"]), pyproj.CRS.from_user_input(info["crs"]))
    except Exception:  # noqa: BLE001 - only a hint for the working CRS
        return None


def _load(project: Project, feedback: Feedback | None, roles: Iterable[str] | None, strict: bool, scan: bool,
          fields_only: FieldsOnly = False) -> LoadedProject:
    feedback = feedback or Feedback()
    wanted = set(roles) if roles is not None else None
    chosen = [(i, s) for i, s in enumerate(project.layers) if wanted is None or s.role in wanted]
    hint_crs = None
    if project.crs or project.settings.crs:
        hint_crs = parse_crs(project.crs, key="crs") if project.crs else parse_crs(project.settings.crs or "", key="settings.crs")
    opened: list[tuple[LayerSpec, LayerReport, gpd.GeoDataFrame | None, RasterSource | None]] = []
    for k, (i, spec) in enumerate(chosen):
        feedback.step(k, len(chosen) * 2, f"{spec.name}")
        try:
            report, gdf, raster = _open(i, spec, feedback, scan, strict, fields_only, settings=project.settings)
        except LayerSourceError as exc:
            if strict:
                raise
            report = LayerReport(index=i, name=spec.name, role=spec.role, source=spec.source, layer=spec.layer, kind=layer_kind(spec))
            _fail(report, exc)
            gdf, raster = None, None
        opened.append((spec, report, gdf, raster))
    notes: list[str] = []
    # guess missing CRSs from coordinates, other layers and the project CRS
    companions = [(g.crs if g is not None else ras.crs, r.bounds)  # type: ignore[union-attr]
                  for _, r, g, ras in opened if r.crs is not None and r.bounds is not None and (g is not None or ras is not None)]
    for n, (spec, report, gdf, raster) in enumerate(opened):
        if not report.opened or report.crs is not None:
            continue
        guess = guess_crs(report.bounds, companions=companions, project_crs=hint_crs) if report.bounds else None
        if guess is None:
            report.crs = CRSInfo(crs=None, how="missing")
            if report.bounds is None:
                continue  # nothing to place: an empty layer
            err = CRSError(
                "The layer has no CRS (.prj) and its coordinates fit no known system.",
                "该图层没有坐标系（.prj），且无法根据坐标推测。",
                path=spec.source, layer=spec.layer or spec.role,
                hint_en="Add the .prj (e.g. in QGIS: Assign projection), or give the project a CRS.",
                hint_zh="请补充 .prj 文件（如在 QGIS 中指定投影），或为项目设置坐标系。",
            )
            if strict:
                raise err
            report.add("problem", "crs_unknown", err.message("en"), err.message("zh"), bounds=list(report.bounds))
            continue
        report.crs = CRSInfo(crs=crs_label(guess.crs), how="guessed", reason_en=guess.en, reason_zh=guess.zh, name=guess.crs.name)
        report.add("warning", "crs_guessed", f"No CRS in the file; {guess.en}. Check it, and add a .prj.",
                   f"文件未带坐标系；{guess.zh}。请核对并补充 .prj 文件。", crs=report.crs.crs)
        notes.append(f"{spec.name}: CRS guessed {report.crs.crs} / {spec.name}：坐标系推测为 {report.crs.crs}")
        if gdf is not None:
            opened[n] = (spec, report, gdf.set_crs(guess.crs, allow_override=True), raster)
        elif raster is not None:
            opened[n] = (spec, report, gdf, dataclasses.replace(raster, crs=guess.crs))
    lonlat = []
    for _, report, gdf, raster in opened:
        crs = gdf.crs if gdf is not None else (raster.crs if raster is not None else None)
        if crs is not None and report.bounds is not None:
            report.bounds_lonlat = to_lonlat(report.bounds, crs)
            lonlat.append(report.bounds_lonlat)
    if wanted is not None and not (project.crs or project.settings.crs):
        lonlat += [_quick_lonlat(s) for i, s in enumerate(project.layers) if s.role not in wanted]
    working, how, note = choose_working_crs(project.crs, project.settings.crs, [b for b in lonlat if b is not None])
    notes.insert(0, note)
    layers: list[LoadedLayer] = []
    for k, (spec, report, gdf, raster) in enumerate(opened):
        feedback.step(len(chosen) + k, len(chosen) * 2, f"{spec.name}")
        role = ROLES.get(spec.role or "")
        if gdf is not None:
            gdf = _prepare(spec, role, report, gdf, working, notes, strict)
        elif raster is not None and raster.crs is not None:
            report.bounds_working = transform_bounds(raster.bounds, raster.crs, working)
        layers.append(LoadedLayer(spec=spec, gdf=gdf, raster=raster, report=report))
    feedback.set_progress(100.0)
    return LoadedProject(project=project, crs=working, layers=layers, notes=notes, crs_how=how)


def _prepare(spec: LayerSpec, role: Role | None, report: LayerReport, gdf: gpd.GeoDataFrame, working: pyproj.CRS,
             notes: list[str], strict: bool) -> gpd.GeoDataFrame | None:
    gdf = prepare_geometries(gdf, role.geometry if role else None, report)
    report.loaded_count = len(gdf)
    _geometry_issues(report, role)
    if role is not None and report.loaded_count == 0 and report.wrong_type:
        err = GeometryTypeError(
            f"No feature has the geometry role '{role.id}' needs ({role.geometry}); found {report.geometry_types}.",
            f"没有任何要素符合角色“{role.zh}”要求的几何类型（{role.geometry}）；实际为 {report.geometry_types}。",
            path=spec.source, layer=spec.layer or spec.role,
            hint_en="Check that the right file was given this role.", hint_zh="请检查是否为该角色选择了正确的文件。",
        )
        if strict:
            raise err
    if report.invalid_geometries:
        notes.append(f"{spec.name}: {report.repaired} invalid geometries repaired in memory / "
                     f"{spec.name}：已在内存中修复 {report.repaired} 个无效几何")
    if gdf.crs is None:
        # coordinates in an unknown system cannot be placed (reported as crs_unknown)
        return gdf.set_crs(working) if len(gdf) == 0 else None
    if not gdf.crs.equals(working):
        report.reprojected_from = crs_label(gdf.crs)
        gdf = gdf.to_crs(working)
        with np.errstate(all="ignore"):  # inf coordinates are found and reported just below
            gdf, fixed, lost = repair_after_reprojection(gdf, role.geometry if role else None)
        if lost:
            report.add("problem", "unprojectable", f"{lost} features could not be transformed to {crs_label(working)} "
                       "(coordinates outside the source CRS's range) and were dropped.",
                       f"{lost} 个要素无法转换到 {crs_label(working)}（坐标超出源坐标系范围），已剔除。", count=lost)
        if fixed:
            report.repaired += fixed
            report.add("info", "repaired_after_reprojection", f"{fixed} geometries became invalid through reprojection and were repaired.",
                       f"{fixed} 个几何在投影变换后无效，已修复。", count=fixed)
        report.loaded_count = len(gdf)
        report.add("info", "reprojected", f"Reprojected from {report.reprojected_from} to {crs_label(working)}.",
                   f"已从 {report.reprojected_from} 投影到 {crs_label(working)}。")
        notes.append(f"{spec.name}: reprojected {report.reprojected_from} → {crs_label(working)} / "
                     f"{spec.name}：已从 {report.reprojected_from} 投影到 {crs_label(working)}")
    if len(gdf):
        report.bounds_working = tuple(float(v) for v in gdf.total_bounds)  # type: ignore[assignment]
    if role is not None:
        gdf = map_fields(gdf, spec, role, report)
    gdf.attrs[VALID_ATTR] = True  # repaired above: analyses need not check again
    return gdf


def load_project(project: Project, *, feedback: Feedback | None = None, roles: Iterable[str] | None = None,
                 fields_only: FieldsOnly = False) -> LoadedProject:
    """Load the layers of ``project`` (all, or those with one of ``roles``).

    Parameters
    ----------
    project : Project
    feedback : Feedback, optional
        Progress per layer; cancel is checked between layers and while salvaging.
    roles : iterable of str, optional
        Load only the layers with these roles (the working CRS is still chosen from all
        layers' extents, so it does not depend on this).
    fields_only : bool or mapping of role to field names
        Read only the fields each layer's role declares (after the field mapping), not
        every attribute: what batch analyses need, and much faster for wide survey tables.
        A mapping narrows the roles it names to those of their fields (canonical names,
        e.g. ``{"land_use": ("DLBM", "BSM")}``); the other roles read all declared fields.

    Returns
    -------
    LoadedProject
        Vector layers in the working CRS: ``project.crs``, else ``settings.crs``, else the
        CGCS2000 3-degree GK zone (EPSG:4534-4554) nearest the data centre.

    Raises
    ------
    LayerSourceError
        A layer's file is missing, not readable, or the named layer is not in it.
    CRSError
        A layer has no CRS that can be read or guessed, or coordinates that cannot be in
        its declared CRS; or the project CRS is bad (not metric, unknown).
    GeometryTypeError
        No feature of a layer has the geometry its role needs (points for a polygon role).
    """
    return _load(project, feedback, roles, strict=True, scan=False, fields_only=fields_only)


def load_project_lenient(
    project: Project, *, feedback: Feedback | None = None, roles: Iterable[str] | None = None, scan: bool = True
) -> LoadedProject:
    """Like :func:`load_project`, but per-layer failures are recorded, not raised.

    A layer that cannot be read has ``gdf`` and ``raster`` None and an ``error`` issue in
    its report. ``scan`` also looks for rasters without any valid pixel. Only a bad
    project CRS still raises (:class:`CRSError`).
    """
    return _load(project, feedback, roles, strict=False, scan=scan)
