"""``export``: one planning map of a project (PDF, PNG, SVG or TIFF), county-wide or of one township.

:func:`export_map` loads the project once, computes the indicators its theme's panel lists
(and the analysis-result layers it draws: red line occupation, control-line overlaps,
farmland conflicts), lays out the sheet with :func:`greenplan.render.mapsheet.compose_map`
and writes it atomically with :func:`greenplan.render.export.save_map` (plus a world file
for PNG and TIFF). The pieces are public because the batch job
(:mod:`greenplan.jobs.batch`) draws every township with them.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenplan.core.errors import GeometryTypeError, MissingLayerError, OutputError, SettingError
from greenplan.core.feedback import Feedback, SubFeedback
from greenplan.core.project import Project, read_project
from greenplan.core.roles import ROLES

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.figure import Figure

    from greenplan.render.themes import Theme

#: map layer key -> the ``compute_indicators`` feature layer it shows (pieces under the
#: sliver tolerance, which the indicators do not count, are left out)
RESULT_LAYERS: dict[str, str] = {
    "redline_occupation": "redline_occupation",
    "control_line_overlaps": "control_line_overlaps",
    "farmland_conflicts": "farmland_greening_conflict",
}

#: theme layer key -> CandidateSet attribute (only the candidates are drawn)
CANDIDATE_LAYERS: dict[str, str] = {
    "rooftop_candidates": "rooftops",
    "pocket_parks": "pocket_parks",
    "green_belts": "belts",
}
#: theme layer key of a scenario's greening
SCENARIO_LAYER = "scenario_greening"

#: ground around a township on its map, as a fraction of its size
UNIT_MARGIN = 0.06
#: a township smaller than this (m²) is a digitising error, not a map
MIN_UNIT_AREA_M2 = 1.0


@dataclass
class MapData:
    """What drawing a project's maps needs, loaded once.

    Attributes
    ----------
    project : Project
    crs : pyproj.CRS
        Working CRS (metres).
    layers : dict of key -> GeoDataFrame
        Role layers and analysis-result layers (:data:`RESULT_LAYERS`), working CRS.
    rasters : dict of role -> RasterSource
    doc : dict or None
        The ``indicators.json`` document, when computed or given.
    """

    project: Project
    crs: Any
    layers: dict[str, Any]
    rasters: dict[str, Any] = field(default_factory=dict)
    doc: dict[str, Any] | None = None
    #: indicators with the scenario's greening (``scenario`` theme), same structure as ``doc``
    scenario_doc: dict[str, Any] | None = None


def as_project(project: Project | str | os.PathLike) -> Project:
    """``project`` itself, or the project read from that file."""
    if isinstance(project, Project):
        return project
    return read_project(project)[0]


def theme_inputs(themes: Iterable[Theme]) -> tuple[set[str], set[str]]:
    """(roles, result keys) that ``themes`` draw; ``admin_units`` is always wanted (locator).

    Examples
    --------
    >>> from greenplan.render.themes import get_theme
    >>> roles, results = theme_inputs([get_theme("conflicts")])
    >>> sorted(results)
    ['control_line_overlaps', 'farmland_conflicts', 'redline_occupation']
    """
    roles, results = {"admin_units"}, set()
    for theme in themes:
        for key in theme.layer_keys:
            if key in ROLES:
                roles.add(key)
            elif key in RESULT_LAYERS or key in CANDIDATE_LAYERS or key == SCENARIO_LAYER:
                results.add(key)
    return roles, results


def candidate_layers(cands: Any) -> dict[str, Any]:
    """Map layers of a :class:`~greenplan.jobs.candidates.CandidateSet`: its candidates only."""
    out = {}
    for key, attr in CANDIDATE_LAYERS.items():
        frame = getattr(cands, attr, None)
        if frame is not None and len(frame):
            out[key] = frame[frame["candidate"].to_numpy(dtype=bool)]
    return out


def with_baseline(after: Mapping[str, Any], before: Mapping[str, Any]) -> dict[str, Any]:
    """Scenario indicators for a map panel: the after-values, the current ones as ``baseline``.

    Examples
    --------
    >>> with_baseline({"green_coverage_vector": {"value": 0.43}}, {"green_coverage_vector": {"value": 0.34}})
    {'green_coverage_vector': {'value': 0.43, 'baseline': 0.34}}
    """
    return {k: {**v, "baseline": (before.get(k) or {}).get("value")} for k, v in after.items()}


def scenario_document(project: Project, loaded: Any = None, *, feedback: Feedback | None = None) -> dict[str, Any] | None:
    """The indicators document with the project's first scenario's greening, or None without one."""
    from greenplan.io.loader import load_project
    from greenplan.jobs.analyze import compute_project_indicators

    if loaded is None:
        loaded = load_project(project, feedback=feedback)
    greening = opportunity_layers(project, loaded, {SCENARIO_LAYER}).get(SCENARIO_LAYER)
    if greening is None:
        return None
    doc, _, _ = compute_project_indicators(project, loaded=loaded, scenario_greening=greening, feedback=feedback)
    return doc


def opportunity_layers(project: Project, loaded: Any, results: set[str], *,
                       scenario: str | None = None, feedback: Feedback | None = None) -> dict[str, Any]:
    """Candidate layers and a scenario's greening that a theme draws, computed from ``loaded``.

    The scenario is ``scenario`` or else the project's first one; without any, no
    scenario layer is drawn.
    """
    from greenplan.core.scenario import get_scenario, scenarios_from_project
    from greenplan.jobs.candidates import compute_candidates
    from greenplan.jobs.scenario import scenario_greening

    wanted = results & (set(CANDIDATE_LAYERS) | {SCENARIO_LAYER})
    if not wanted:
        return {}
    vec = {r: loaded.vector(r) for r, role in ROLES.items() if not role.is_raster}
    ras = {r: loaded.raster(r) for r, role in ROLES.items() if role.is_raster}
    cands = compute_candidates(vec, ras, project.settings, feedback=feedback)
    out = {k: v for k, v in candidate_layers(cands).items() if k in wanted}
    if SCENARIO_LAYER in wanted:
        chosen = get_scenario(project, scenario) if scenario else next(iter(scenarios_from_project(project)), None)
        if chosen is not None:
            greening, _ = scenario_greening(chosen, cands, project.settings)
            if len(greening):
                out[SCENARIO_LAYER] = greening
    return out


def result_layers(features: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """The map layers ``keys`` from ``compute_indicators`` features (slivers left out)."""
    out = {}
    for key in keys:
        gdf = features.get(RESULT_LAYERS[key])
        if gdf is None or "geometry" not in getattr(gdf, "columns", ()):
            continue
        if "is_sliver" in gdf.columns:
            gdf = gdf[~gdf["is_sliver"].fillna(False).astype(bool)]
        out[key] = gdf
    return out


def load_map_data(project: Project, themes: Iterable[Theme], *, compute: bool = True,
                  doc: dict[str, Any] | None = None, features: Mapping[str, Any] | None = None,
                  feedback: Feedback | None = None) -> MapData:
    """Load what ``themes`` draw (one :func:`~greenplan.io.loader.load_project` call).

    Parameters
    ----------
    project : Project
    themes : iterable of Theme
    compute : bool
        Also compute the indicators (loading their layers in the same call), giving
        ``doc`` and the result layers; ignored when ``doc`` is given.
    doc : dict, optional
        An ``indicators.json`` document already computed.
    features : mapping, optional
        ``compute_indicators`` features already computed (or read back from a file).
    feedback : Feedback, optional

    Raises
    ------
    LayerSourceError, CRSError, GeometryTypeError
        From loading (a layer cannot be read or placed).
    """
    from greenplan.io.loader import load_project
    from greenplan.jobs.analyze import INDICATOR_ROLES

    feedback = feedback or Feedback()
    themes = list(themes)
    roles, results = theme_inputs(themes)
    compute = compute and doc is None
    wanted = roles | set(INDICATOR_ROLES) if compute else roles
    if results & (set(CANDIDATE_LAYERS) | {SCENARIO_LAYER}):
        wanted = set(ROLES)  # candidates read buildings, roads, rivers, idle land and the DSM
    loaded = load_project(project, feedback=SubFeedback(feedback, 0, 40 if compute else 100), roles=wanted)
    features = dict(features or {})
    if compute:
        from greenplan.jobs.analyze import compute_project_indicators

        doc, computed, _ = compute_project_indicators(project, feedback=SubFeedback(feedback, 40, 100), loaded=loaded)
        features = dict(computed)
    layers: dict[str, Any] = {}
    rasters: dict[str, Any] = {}
    for role in sorted(roles):
        if ROLES[role].is_raster:
            src = loaded.raster(role)
            if src is not None:
                rasters[role] = src  # the band, and how to read a vegetation raster, travel with it
        else:
            gdf = loaded.vector(role)
            if gdf is not None:
                layers[role] = gdf
    layers.update(result_layers(features, results & set(RESULT_LAYERS)))
    layers.update(opportunity_layers(project, loaded, results))
    scenario_doc = None
    if doc is not None and SCENARIO_LAYER in layers:
        from greenplan.jobs.analyze import compute_project_indicators

        scenario_doc, _, _ = compute_project_indicators(project, loaded=loaded, scenario_greening=layers[SCENARIO_LAYER])
    return MapData(project=project, crs=loaded.crs, layers=layers, rasters=rasters, doc=doc, scenario_doc=scenario_doc)


def project_styles(project: Project) -> dict[str, dict[str, Any]]:
    """``{role: style}`` of the project's layers (the first layer of a role wins)."""
    styles: dict[str, dict[str, Any]] = {}
    for spec in project.layers:
        if spec.role and spec.style:
            styles.setdefault(spec.role, dict(spec.style))
    return styles


def compose_project_map(data: MapData, theme: Theme, *, paper: str | tuple[float, float] = "A3",
                        orientation: str = "landscape", dpi: float = 300, title: str | None = None,
                        subtitle: str | None = None, extent: tuple[float, float, float, float] | None = None,
                        highlight: Any = None, indicators: Mapping[str, Any] | None = None) -> Figure:
    """The sheet of ``theme`` for ``data``: project styles, metadata, CRS, locator, rasters.

    ``indicators`` defaults to ``data.doc`` (the county's values); pass
    ``{"indicators": unit_row}`` for a township.
    """
    from greenplan.jobs.analyze import crs_label
    from greenplan.render.mapsheet import compose_map

    project = data.project
    if indicators is None and theme.id == "scenario" and data.scenario_doc and data.doc:
        indicators = {"indicators": with_baseline(data.scenario_doc["indicators"], data.doc["indicators"])}
    return compose_map(
        data.layers, theme, extent=extent, paper=paper, orientation=orientation, dpi=dpi, title=title,
        subtitle=subtitle, metadata={**project.metadata, "project_name": project.name},
        crs_label=crs_label(data.crs), indicators=indicators if indicators is not None else data.doc,
        highlight=highlight, rasters=data.rasters, locator=data.layers.get("admin_units"),
        styles=project_styles(project), code_system=project.settings.code_system,
    )


# ----------------------------------------------------------------------------- townships
def unit_label(value: Any) -> str | None:
    """A township code or name as text (``510123001.0`` read from a number column -> ``510123001``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def unit_extent(geom: Any, margin: float = UNIT_MARGIN) -> tuple[float, float, float, float]:
    """A township's bounds widened by ``margin`` of its size on every side (metres)."""
    x0, y0, x1, y1 = geom.bounds
    mx, my = (x1 - x0) * margin, (y1 - y0) * margin
    return (x0 - mx, y0 - my, x1 + mx, y1 + my)


def check_unit_geometry(geom: Any, code: str | None, name: str | None) -> None:
    """Raise :class:`GeometryTypeError` for a township that cannot be mapped (empty, or under 1 m²)."""
    import shapely

    if geom is not None and not shapely.is_empty(geom) and shapely.area(geom) >= MIN_UNIT_AREA_M2:
        return
    area = 0.0 if geom is None or shapely.is_empty(geom) else float(shapely.area(geom))
    raise GeometryTypeError(
        f"Township {name or ''} ({code or '?'}) has a degenerate boundary (area {area:.3g} m²) and cannot be mapped.",
        f"乡镇（街道）“{name or ''}”（{code or '?'}）的边界几何退化（面积 {area:.3g} ㎡），无法制图。",
        layer="admin_units", hint_en="Fix the township's polygon in the admin units layer (e.g. in QGIS).",
        hint_zh="请在行政区图层中修正该乡镇的边界面（如在 QGIS 中）。")


def unit_title(project: Project, unit_name: str, theme: Theme) -> str:
    """图名 of a township map: plan name, township, map name (``示范县城关街道三条控制线图``)."""
    return f"{project.name}{unit_name}{theme.title}"


def find_unit(admin: gpd.GeoDataFrame, key: str) -> int:
    """Row position of the township whose code or name is ``key``.

    Raises
    ------
    SettingError
        No such township (the message lists the codes and names).
    """
    n = len(admin)
    codes = [unit_label(v) for v in admin["code"]] if "code" in admin.columns else [None] * n
    names = [unit_label(v) for v in admin["name"]] if "name" in admin.columns else [None] * n
    for values in (codes, names):
        if key in values:
            return values.index(key)
    known = [f"{c or '?'} {m or ''}".strip() for c, m in zip(codes, names, strict=True)]
    raise SettingError(
        f"No township with code or name '{key}'. Known: {', '.join(known[:30])}.",
        f"没有代码或名称为“{key}”的乡镇（街道）。现有：{'、'.join(known[:30])}。",
        key="--unit", hint_en="Give a code or name from the admin units layer.",
        hint_zh="请填写行政区图层中的乡镇代码或名称。")


def _check_extent(extent: Any) -> tuple[float, float, float, float]:
    try:
        values = tuple(float(v) for v in extent)
    except (TypeError, ValueError):
        values = ()
    if len(values) != 4 or not all(map(math.isfinite, values)) or values[0] >= values[2] or values[1] >= values[3]:
        raise SettingError(
            f"The extent must be four numbers xmin,ymin,xmax,ymax with xmin < xmax and ymin < ymax, not {extent!r}.",
            f"范围应为四个数 xmin,ymin,xmax,ymax，且 xmin < xmax、ymin < ymax，而不是 {extent!r}。",
            key="--extent", hint_en="Give metres in the project's working CRS.", hint_zh="请按项目工作坐标系填写（单位：米）。")
    return values  # type: ignore[return-value]


def _check_extent_overlaps(extent: tuple[float, float, float, float], data: MapData) -> None:
    import numpy as np

    b = np.array([g.total_bounds for g in data.layers.values() if g is not None and len(g)])
    if not len(b):
        return
    x0, y0, x1, y1 = np.nanmin(b[:, 0]), np.nanmin(b[:, 1]), np.nanmax(b[:, 2]), np.nanmax(b[:, 3])
    if extent[2] < x0 or extent[0] > x1 or extent[3] < y0 or extent[1] > y1:
        raise SettingError(
            f"The extent {extent} lies outside the data ({x0:.0f}, {y0:.0f} … {x1:.0f}, {y1:.0f}, metres of the working CRS).",
            f"范围 {extent} 在数据范围（{x0:.0f}, {y0:.0f} … {x1:.0f}, {y1:.0f}，工作坐标系，米）之外。",
            key="--extent", hint_en="Coordinates are metres of the working CRS, not degrees.",
            hint_zh="坐标应为工作坐标系下的米，而不是经纬度。")


def export_map(project: Project | str | os.PathLike, out: str | os.PathLike, *, theme: str = "control_lines",
               paper: str | tuple[float, float] = "A3", orientation: str = "landscape", dpi: float = 300,
               title: str | None = None, extent: tuple[float, float, float, float] | None = None,
               unit: str | None = None, fmt: str | None = None, doc: dict[str, Any] | None = None,
               extra_layers: Mapping[str, gpd.GeoDataFrame] | None = None,
               feedback: Feedback | None = None) -> Path:
    """Write one map of ``project`` to ``out``.

    Parameters
    ----------
    project : Project or path-like
        A project, or its ``*.greenplan.toml`` file.
    out : path-like
        ``.pdf``, ``.png`` (+ ``.pgw``), ``.svg`` or ``.tif`` (+ ``.tfw``); its folder must exist.
    theme : str
        A theme id (:data:`greenplan.render.themes.THEME_IDS` or the project's own).
    paper, orientation, dpi
        As :func:`~greenplan.render.mapsheet.compose_map` (A4-A0; landscape/portrait; dots per inch).
    title : str, optional
        Default: project name + theme title (+ the township's name with ``unit``).
    extent : (xmin, ymin, xmax, ymax), optional
        Ground to show, metres of the working CRS; default: the county (or the township).
    unit : str, optional
        A township code or name: the map zooms to it, highlights it, mutes its neighbours
        and lists its own indicators.
    fmt : str, optional
        Format, default from the suffix.
    doc : dict, optional
        An ``indicators.json`` document to show instead of computing one.
    extra_layers : mapping, optional
        Further layers by key (candidates, scenario results: ``pocket_parks``,
        ``scenario_greening`` ...) for themes that draw them.
    feedback : Feedback, optional

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    SettingError
        Unknown theme, paper, orientation, township, or a bad extent.
    OutputError
        Unknown format, missing folder, or the file is locked.
    LayerSourceError, CRSError
        A layer cannot be read or placed.
    """
    from greenplan.render.export import FORMATS, save_map
    from greenplan.render.layout import paper_size_mm
    from greenplan.render.themes import get_theme

    feedback = feedback or Feedback()
    out = Path(out)
    kind = (fmt or FORMATS.get(out.suffix.lower(), "")).lower()
    if {"tif": "tiff"}.get(kind, kind) not in ("pdf", "png", "svg", "tiff"):
        raise OutputError(f"Unknown map format '{out.suffix or fmt}'; use .pdf, .png, .svg or .tif.",
                          f"不支持的地图格式“{out.suffix or fmt}”，请使用 .pdf、.png、.svg 或 .tif。", path=out)
    if not out.parent.is_dir():
        raise OutputError("The output folder does not exist.", "输出文件夹不存在。", path=out.parent,
                          hint_en="Create the folder or choose another one.", hint_zh="请先创建该文件夹或另选输出位置。")
    if extent is not None:
        extent = _check_extent(extent)
    project = as_project(project)
    th = get_theme(theme, project.themes)
    paper_size_mm(paper, orientation)  # bad paper or orientation: fail before loading
    extra = dict(extra_layers or {})
    _, results = theme_inputs([th])
    compute = doc is None and (bool(th.indicators) or bool(results - set(extra)) or unit is not None)
    data = load_map_data(project, [th], compute=compute, doc=doc, feedback=SubFeedback(feedback, 0, 60))
    data.layers.update(extra)
    highlight, indicators = None, None
    if unit is not None:
        admin = data.layers.get("admin_units")
        if admin is None or not len(admin):
            raise MissingLayerError("A township map needs the admin units layer.", "乡镇图需要行政区（乡镇/街道）图层。",
                                    layer="admin_units", hint_en="Add the layer with role admin_units.",
                                    hint_zh="请添加角色为 admin_units 的图层。")
        i = find_unit(admin, unit)
        row = admin.iloc[i]
        code, name = unit_label(row.get("code")), unit_label(row.get("name"))
        highlight = row.geometry
        check_unit_geometry(highlight, code, name)
        extent = extent or unit_extent(highlight)
        by_unit = (data.doc or {}).get("by_unit", [])
        if len(by_unit) == len(admin):
            indicators = {"indicators": by_unit[i]["indicators"]}
            after = (data.scenario_doc or {}).get("by_unit", [])
            if th.id == "scenario" and len(after) == len(admin):
                indicators = {"indicators": with_baseline(after[i]["indicators"], by_unit[i]["indicators"])}
        title = title or unit_title(project, name or code or "", th)
    if extent is not None:
        _check_extent_overlaps(extent, data)
    feedback.step(60, 100, "制图 / composing")
    fig = compose_project_map(data, th, paper=paper, orientation=orientation, dpi=dpi, title=title,
                              extent=extent, highlight=highlight, indicators=indicators)
    feedback.step(80, 100, "写出 / writing")
    path = save_map(fig, out, fmt=fmt)
    feedback.step(100, 100, "完成 / done")
    return path
