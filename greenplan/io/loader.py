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
import threading
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
from greenplan.io.china_datums import DATUMS
from greenplan.io.class_mapping import map_classes
from greenplan.io.crs import (
    CHINA_LONLAT,
    Bounds,
    SourceCRS,
    choose_working_crs,
    crs_label,
    group_extents,
    guess_crs,
    parse_source_crs,
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

__all__ = ["LoadedLayer", "LoadedProject", "RasterSource", "WorkingCRS", "load_project", "load_project_lenient",
           "working_crs"]

#: the roles that make the study area (admin units, else land use): where they lie decides
#: the automatic working CRS; other layers only have to lie near them
STUDY_ROLES = ("admin_units", "land_use")


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
    #: the choice in full: basis layers, layers left out as far away, the note
    crs_choice: WorkingCRS | None = None

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
    declared = _declared_crs(index, spec)
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
    if declared is not None:
        gdf, raster = _apply_declared(index, spec, report, declared, crs, gdf, raster)
        crs = declared.crs
    elif crs is not None:
        report.crs = CRSInfo(crs=crs_label(crs), how="read", name=crs.name)
    if crs is not None:
        if report.bounds is not None and to_lonlat(report.bounds, crs) is None:
            err = _mismatch(spec, crs, report.bounds, declared)
            if strict:
                raise err
            report.error = err.to_dict()
            report.add("problem", "crs_mismatch", err.message("en"), err.message("zh"), bounds=list(report.bounds))
            return report, None, None  # readable, but cannot be placed
    return report, gdf, raster


def _source_crs_key(index: int, spec: LayerSpec) -> str:
    return f"{spec.role}.source_crs" if spec.role else f"layers[{index}].source_crs"


def _declared_crs(index: int, spec: LayerSpec) -> SourceCRS | None:
    """The layer's ``source_crs``, parsed (CRSError naming the layer and the key when bad)."""
    if not spec.source_crs:
        return None
    try:
        return parse_source_crs(spec.source_crs, key=_source_crs_key(index, spec), path=spec.source,
                                layer=spec.layer or spec.name)
    except CRSError as exc:
        exc.check_code = "bad_source_crs"  # type: ignore[attr-defined]
        raise


def _apply_declared(index: int, spec: LayerSpec, report: LayerReport, declared: SourceCRS, file_crs: pyproj.CRS | None,
                    gdf: gpd.GeoDataFrame | None, raster: RasterSource | None
                    ) -> tuple[gpd.GeoDataFrame | None, RasterSource | None]:
    """Put the declared CRS on the layer; GCJ-02/BD-09 coordinates are converted to WGS 84 here."""
    key = _source_crs_key(index, spec)
    file_label = crs_label(file_crs) if file_crs is not None else None
    if declared.datum and raster is not None:
        err = CRSError(
            f"{key} = \"{declared.text}\": a raster in {declared.datum} cannot be placed exactly (the shift varies "
            "across the image; GreenPlan converts only vector layers from it).",
            f"{key} = \"{declared.text}\"：{declared.datum} 栅格无法精确定位（偏移量随位置变化；GreenPlan 仅对矢量图层做此转换）。",
            path=spec.source, layer=spec.layer or spec.name, key=key,
            hint_en="Use the raster's own CRS (remove source_crs), or rectify it to WGS 84 in GIS software first.",
            hint_zh="请使用栅格自身的坐标系（删除 source_crs），或先在 GIS 软件中将其纠正到 WGS 84。",
        )
        err.check_code = "bad_source_crs"  # type: ignore[attr-defined]
        raise err
    shift_en = shift_zh = ""
    if declared.datum and gdf is not None:
        if report.bounds is not None and to_lonlat(report.bounds, declared.crs) is not None:
            from greenplan.io.china_datums import geometries_to_wgs84

            geoms = geometries_to_wgs84(gdf.geometry.values, declared.datum)
            gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=declared.crs), crs=declared.crs)
            shift_en = f"; coordinates converted from {declared.datum} to WGS 84"
            shift_zh = f"；坐标已由 {declared.datum} 转换为 WGS 84"
        else:
            gdf = gdf.set_crs(declared.crs, allow_override=True)  # reported as a mismatch just after
    elif gdf is not None:
        gdf = gdf.set_crs(declared.crs, allow_override=True)
    elif raster is not None:
        raster = dataclasses.replace(raster, crs=declared.crs)
    file_en = f"the file says {file_label}" if file_label else "the file has no CRS"
    file_zh = f"文件自带 {file_label}" if file_label else "文件未带坐标系"
    report.crs = CRSInfo(
        crs=declared.label, how="declared", name=declared.name,
        reason_en=f"{key} = \"{declared.text}\" ({file_en})", reason_zh=f"{key} = \"{declared.text}\"（{file_zh}）",
    )
    report.add("info", "crs_declared",
               f"The layer's source CRS is set to {declared.label} ({declared.name}; {key}); {file_en}, overridden{shift_en}.",
               f"该图层的源坐标系已指定为 {declared.label}（{declared.name}；{key}）；{file_zh}，已按指定处理{shift_zh}。",
               crs=declared.label, file_crs=file_label, datum=declared.datum)
    return gdf, raster


def _mismatch(spec: LayerSpec, crs: pyproj.CRS, bounds: tuple[float, float, float, float],
              declared: SourceCRS | None = None) -> CRSError:
    """The declared CRS cannot hold these coordinates (GK metres labelled as lon/lat ...)."""
    guess = guess_crs(bounds)
    label = declared.label if declared is not None else crs_label(crs)
    like_en = f" They look like {crs_label(guess.crs)} ({guess.crs.name})." if guess else ""
    like_zh = f"坐标看起来属于 {crs_label(guess.crs)}（{guess.crs.name}）。" if guess else ""
    err = CRSError(
        f"The coordinates ({bounds[0]:.1f}, {bounds[1]:.1f} … {bounds[2]:.1f}, {bounds[3]:.1f}) do not fit the "
        f"layer's CRS {label}.{like_en}",
        f"坐标（{bounds[0]:.1f}, {bounds[1]:.1f} … {bounds[2]:.1f}, {bounds[3]:.1f}）与图层声明的坐标系 {label} 不符。{like_zh}",
        path=spec.source,
        layer=spec.layer or spec.role,
        key=f"{spec.role or 'layer'}.source_crs" if declared is not None else None,
        hint_en=(f'Fix source_crs = "{declared.text}" of this layer in the project (or --set).' if declared is not None
                 else "Fix the .prj (in QGIS: Assign projection, not Reproject)."),
        hint_zh=(f"请更正项目中该图层的 source_crs = \"{declared.text}\"（或 --set）。" if declared is not None
                 else "请更正 .prj 文件（在 QGIS 中使用“指定投影”，而不是“重投影”）。"),
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


def _header_extent(spec: LayerSpec) -> tuple[pyproj.CRS | None, Bounds | None]:
    """(CRS, extent in it) from the file header only; ``source_crs`` applied; (None, None) on failure.

    For GCJ-02/BD-09 the extent comes back converted to WGS 84 lon/lat (corners converted).
    """
    if not (spec.source.is_file() or spec.source.is_dir()):
        return None, None  # missing, or a pipe or device that could block: the loader reports it
    try:
        declared = parse_source_crs(spec.source_crs) if spec.source_crs else None
    except CRSError:
        return None, None  # reported when the layer is loaded
    import warnings

    try:
        with warnings.catch_warnings():  # the loader reports what matters about the file
            warnings.simplefilter("ignore")
            crs, bounds = _read_header(spec)
    except Exception:  # noqa: BLE001 - only a hint for the working CRS; loading reports the failure
        return None, None
    if declared is not None:
        crs = declared.crs
        if declared.datum and bounds is not None:
            from greenplan.io.china_datums import to_wgs84_xy

            xy = to_wgs84_xy(declared.datum, np.array([[bounds[0], bounds[1]], [bounds[2], bounds[3]],
                                                       [bounds[0], bounds[3]], [bounds[2], bounds[1]]]))
            bounds = (float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()), float(xy[:, 1].max()))
    if bounds is not None and not all(np.isfinite(bounds)):
        bounds = None
    return crs, bounds


#: file header (CRS, extent) by (path, layer, kind, mtime, size): every command asks twice (the
#: printed header, then the loader), the desktop app after every layer change
_HEADERS: dict[tuple, tuple[pyproj.CRS | None, Bounds | None]] = {}
_HEADERS_LOCK = threading.Lock()


def _read_header(spec: LayerSpec) -> tuple[pyproj.CRS | None, Bounds | None]:
    """(CRS, extent) of a layer from its file header, cached per file version."""
    kind = layer_kind(spec)
    try:
        st = spec.source.stat()
        key = (str(spec.source), spec.layer, kind, st.st_mtime_ns, st.st_size)
    except OSError:
        key = None
    if key is not None:
        with _HEADERS_LOCK:
            hit = _HEADERS.get(key)
        if hit is not None:
            return hit
    out = _read_header_uncached(spec, kind)
    if key is not None:
        with _HEADERS_LOCK:
            _HEADERS[key] = out
    return out


def _read_header_uncached(spec: LayerSpec, kind: str) -> tuple[pyproj.CRS | None, Bounds | None]:
    if kind == "raster":
        import rasterio

        with rasterio.open(spec.source) as ds:
            crs = pyproj.CRS.from_wkt(ds.crs.to_wkt()) if ds.crs else None
            return crs, corner_bounds(ds.transform, ds.width, ds.height)
    import pyogrio

    info = pyogrio.read_info(spec.source, layer=spec.layer)
    crs = pyproj.CRS.from_user_input(info["crs"]) if info["crs"] else None
    tb = info.get("total_bounds")
    return crs, (tuple(float(v) for v in tb) if tb is not None else None)  # type: ignore[return-value]


def _header_extents(project: Project, hint: pyproj.CRS | None) -> dict[int, Bounds | None]:
    """Every layer's lon/lat extent from the file headers (CRS read, declared, or guessed as the loader does)."""
    heads = [_header_extent(spec) for spec in project.layers]
    companions = [(c, b) for c, b in heads if c is not None and b is not None]
    out: dict[int, Bounds | None] = {}
    for i, (crs, bounds) in enumerate(heads):
        if bounds is not None and crs is None:
            guess = guess_crs(bounds, companions=companions, project_crs=hint)
            crs = guess.crs if guess is not None else None
        out[i] = to_lonlat(bounds, crs) if crs is not None and bounds is not None else None
    return out


@dataclass(frozen=True)
class WorkingCRS:
    """The working CRS of a project and how it was chosen (:func:`working_crs`).

    Attributes
    ----------
    crs : pyproj.CRS
        Projected, metres.
    how : str
        ``project`` (the project file's or ``--set crs``), ``settings`` or ``auto``.
    note : str
        One bilingual sentence: what was chosen and why (and which layers were left out).
    basis : tuple of int
        Project layer indexes whose extents placed an automatic choice.
    far : dict
        Project layer index -> distance in metres from the layers that belong together;
        these layers were left out of the choice (and ``check`` reports them).
    """

    crs: pyproj.CRS
    how: str
    note: str
    basis: tuple[int, ...] = ()
    far: dict[int, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return crs_label(self.crs) or ""

    def describe(self, lang: str = "en") -> str:
        """``Working CRS: EPSG:4544 (automatic)`` as the commands print it (``lang``: en, zh, both)."""
        how_en = {"project": "project", "settings": "settings", "auto": "automatic"}.get(self.how, self.how)
        how_zh = {"project": "项目设置", "settings": "设置", "auto": "自动选择"}.get(self.how, self.how)
        en = f"Working CRS: {self.label} ({how_en}; {self.crs.name})"
        zh = f"工作坐标系：{self.label}（{how_zh}；{self.crs.name}）"
        if self.far:
            en += f"; {len(self.far)} layer(s) far from the others left out of the choice"
            zh += f"；{len(self.far)} 个远离其他图层的图层未参与选择"
        return {"en": en, "zh": zh}.get(lang, f"{zh}\n{en}")


def _weights(project: Project) -> dict[int, float]:
    """Study-area layers decide, then vector layers, then rasters."""
    out = {}
    for i, spec in enumerate(project.layers):
        out[i] = 100.0 if spec.role in STUDY_ROLES else (1.0 if layer_kind(spec) == "raster" else 10.0)
    return out


def working_crs(project: Project, extents: Mapping[int, Bounds | None] | None = None) -> WorkingCRS:
    """The working CRS every command and the desktop canvas use for ``project``.

    ``project.crs`` (project file or ``--set crs``), else ``settings.crs``, else chosen
    from the layers that lie together: the layers are grouped by their lon/lat extents
    (:func:`~greenplan.io.crs.group_extents`), the main group is the one holding the study
    area (admin units, land use), and the CGCS2000 3-degree Gauss-Kruger zone nearest the
    centre of the study-area layers in it (else of all its layers) is taken. A layer far
    from that group (a land-cover tile from another continent, a layer with a wrong
    .prj) is left out and listed in ``far``.

    Parameters
    ----------
    project : Project
    extents : mapping of layer index -> lon/lat box, optional
        Default: read from the file headers (a few milliseconds a layer), so the choice
        depends only on the project and its files, not on which layers a command loads.

    Raises
    ------
    CRSError
        ``project.crs`` or ``settings.crs`` is unknown or not metric.
    """
    hint = None
    if project.crs or project.settings.crs:
        crs, how, note = choose_working_crs(project.crs, project.settings.crs, [])
        hint = crs
        if extents is None:
            # a CRS given: no file header is needed to choose it; the loader measures far
            # layers from the extents it reads anyway (working_crs(project, extents))
            return WorkingCRS(hint, how, note, (), {})
    boxes = dict(extents) if extents is not None else _header_extents(project, hint)
    good = {k: b for k, b in boxes.items() if b is not None}
    main, far = group_extents(good, _weights(project))
    names = {i: s.name for i, s in enumerate(project.layers)}
    if hint is not None:
        return WorkingCRS(hint, how, note, (), far)
    study = [i for i in main if i < len(project.layers) and project.layers[i].role in STUDY_ROLES]
    basis = study or main
    crs, how, note = choose_working_crs(None, None, [good[i] for i in basis])
    if far:
        left = ", ".join(f"{names.get(i, i)} ({gap / 1000:,.0f} km)" for i, gap in far.items())
        note += (f"; left out of the choice, far from the other layers: {left} / "
                 f"远离其他图层、未参与选择：{left}")
    return WorkingCRS(crs, how, note, tuple(basis), far)


def _load(project: Project, feedback: Feedback | None, roles: Iterable[str] | None, strict: bool, scan: bool,
          fields_only: FieldsOnly = False) -> LoadedProject:
    feedback = feedback or Feedback()
    wanted = set(roles) if roles is not None else None
    chosen = [(i, s) for i, s in enumerate(project.layers) if wanted is None or s.role in wanted]
    choice = working_crs(project)  # raises CRSError for a bad project CRS, before any layer is read
    hint_crs = choice.crs if choice.how != "auto" else None
    opened: list[tuple[LayerSpec, LayerReport, gpd.GeoDataFrame | None, RasterSource | None]] = []
    for k, (i, spec) in enumerate(chosen):
        feedback.step(k, len(chosen) * 2, f"{spec.name}")
        try:
            report, gdf, raster = _open(i, spec, feedback, scan, strict, fields_only, settings=project.settings)
        except (LayerSourceError, CRSError) as exc:
            if strict or (isinstance(exc, CRSError) and not hasattr(exc, "check_code")):
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
                path=spec.source, layer=spec.name or spec.layer or spec.role,
                hint_en="Declare the layer's CRS: in the desktop app Layer properties → Source CRS, in the project "
                        f"file source_crs = \"EPSG:…\", or --set {spec.role or 'ROLE'}.source_crs=EPSG:…; or add the .prj.",
                hint_zh="请声明该图层的坐标系：桌面版中右键图层 →“图层属性…”→“源坐标系”，或在项目文件中写 "
                        f"source_crs = \"EPSG:…\"，或命令行 --set {spec.role or '角色'}.source_crs=EPSG:…；也可补充 .prj 文件。",
            )
            if strict:
                raise err
            report.add("problem", "crs_unknown", err.message("en"), err.message("zh"), bounds=list(report.bounds))
            continue
        report.crs = CRSInfo(crs=crs_label(guess.crs), how="guessed", reason_en=guess.en, reason_zh=guess.zh, name=guess.crs.name)
        report.add("warning", "crs_guessed", f"No CRS in the file; {guess.en}. Check it, and add a .prj.",
                   f"文件未带坐标系；{guess.zh}。请核对并补充 .prj 文件。", crs=report.crs.crs)
        if guess.crs.is_geographic and _inside_china(report.bounds):
            _china_datum_hint(report.index, spec, report)
        notes.append(f"{spec.name}: CRS guessed {report.crs.crs} / {spec.name}：坐标系推测为 {report.crs.crs}")
        if gdf is not None:
            opened[n] = (spec, report, gdf.set_crs(guess.crs, allow_override=True), raster)
        elif raster is not None:
            opened[n] = (spec, report, gdf, dataclasses.replace(raster, crs=guess.crs))
    lonlat: dict[int, Bounds | None] = {}
    for _, report, gdf, raster in opened:
        crs = gdf.crs if gdf is not None else (raster.crs if raster is not None else None)
        if crs is not None and report.bounds is not None:
            datum = report.crs is not None and report.crs.how == "declared" and report.crs.crs in DATUMS
            box = tuple(float(v) for v in gdf.total_bounds) if datum and gdf is not None and len(gdf) else report.bounds
            report.bounds_lonlat = to_lonlat(box, crs)  # type: ignore[arg-type]
            lonlat[report.index] = report.bounds_lonlat
    if choice.how == "auto" and not choice.basis and any(b is not None for b in lonlat.values()):
        choice = working_crs(project, lonlat)  # no file header gave an extent: the loaded extents decide
    elif choice.how != "auto":
        choice = working_crs(project, lonlat)  # the CRS was given: far layers from the extents just read
    working, how = choice.crs, choice.how
    notes.insert(0, choice.note)
    for _, report, _g, _r in opened:
        gap = choice.far.get(report.index)
        if gap is not None:
            _far_issue(report, gap, choice)
    layers: list[LoadedLayer] = []
    for k, (spec, report, gdf, raster) in enumerate(opened):
        feedback.step(len(chosen) + k, len(chosen) * 2, f"{spec.name}")
        role = ROLES.get(spec.role or "")
        if gdf is not None:
            gdf = _prepare(spec, role, report, gdf, working, notes, strict)
            if gdf is not None and spec.classes:
                gdf = map_classes(spec, report, gdf, project.folder, strict)
        elif raster is not None and raster.crs is not None:
            report.bounds_working = transform_bounds(raster.bounds, raster.crs, working)
        layers.append(LoadedLayer(spec=spec, gdf=gdf, raster=raster, report=report))
    feedback.set_progress(100.0)
    return LoadedProject(project=project, crs=working, layers=layers, notes=notes, crs_how=how, crs_choice=choice)


def _inside_china(bounds: Bounds | None) -> bool:
    return bounds is not None and (CHINA_LONLAT[0] <= bounds[0] and CHINA_LONLAT[1] <= bounds[1]
                                   and bounds[2] <= CHINA_LONLAT[2] and bounds[3] <= CHINA_LONLAT[3])


def _china_datum_hint(index: int, spec: LayerSpec, report: LayerReport) -> None:
    """Lon/lat in China without a .prj: it may be a web map's shifted datum (GCJ-02, BD-09)."""
    role = spec.role or "ROLE"
    report.add(
        "warning", "china_datum_hint",
        "Lon/lat in China without a .prj: if the data come from Amap (高德) or Tencent (腾讯) maps they are GCJ-02, "
        "from Baidu (百度) maps BD-09, shifted by about 100-700 m from CGCS2000/WGS 84. Declare it in the layer's "
        f'[[layers]] block of the project file: source_crs = "GCJ-02" (or "BD-09"), or on the command line: '
        f"--set {role}.source_crs=GCJ-02",
        "无 .prj 的中国范围经纬度数据：若来自高德或腾讯地图，则为 GCJ-02（火星坐标）；若来自百度地图，则为 BD-09。"
        "二者与 CGCS2000/WGS 84 相差约 100–700 米。请在项目文件该图层的 [[layers]] 中写明："
        f'source_crs = "GCJ-02"（或 "BD-09"），或在命令行使用：--set {role}.source_crs=GCJ-02',
        project_line='source_crs = "GCJ-02"', set_option=f"--set {role}.source_crs=GCJ-02", layer_index=index,
    )


def _far_issue(report: LayerReport, gap: float, choice: WorkingCRS) -> None:
    km = f"{gap / 1000:,.0f}"
    report.checks["far_gap_m"] = gap
    report.add(
        "problem", "far_extent",
        f"The layer lies {km} km away from the other layers: most likely a wrong CRS (.prj, source_crs) or zone, or "
        f"data of another place. It was left out of the choice of the working CRS ({choice.label}).",
        f"该图层距其他图层约 {km} 公里：很可能坐标系（.prj、source_crs）或分带有误，或为其他地区的数据。"
        f"选择工作坐标系（{choice.label}）时未考虑该图层。",
        gap_m=gap, working_crs=choice.label,
    )


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
