"""One map sheet, decided once: what the export, the desktop preview and the batch workers draw.

:func:`township_sheet` turns the loaded data of a project (:class:`MapData`), a theme and a
township (or none: the county) into a :class:`SheetSpec`: title, extent, highlighted
township and the indicators of its panel (with the current values as ``baseline`` on the
``scenario`` theme). :func:`draw_sheet` lays the spec out with
:func:`greenplan.render.mapsheet.compose_map`. ``jobs.export.export_map``,
``app.export_view.render_preview`` and ``jobs._batch_worker.render_township`` all go
through these two, so a township looks the same in the exported file, the dialog's
preview and the batch folder.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from greenplan.core.errors import GeometryTypeError, MissingLayerError, SettingError

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.figure import Figure

    from greenplan.core.project import Project
    from greenplan.render.themes import Theme

#: ground around a township on its map, as a fraction of its size
UNIT_MARGIN = 0.06
#: a township smaller than this (m²) is a digitising error, not a map
MIN_UNIT_AREA_M2 = 1.0


@dataclass
class MapData:
    """What drawing a project's maps needs, loaded once (``jobs.export.load_map_data``).

    Attributes
    ----------
    project : Project
    crs : pyproj.CRS
        Working CRS (metres).
    layers : dict of key -> GeoDataFrame
        Role layers and analysis-result layers (``jobs.export.RESULT_LAYERS``), working CRS.
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
    #: what the sheet leaves out, bilingual notes (a land-use layer without ``DLBM``: drawn
    #: without class colours, its indicators null), shown under the title
    left_out: list[str] = field(default_factory=list)


@dataclass
class SheetSpec:
    """What one map sheet shows, before it is drawn.

    Attributes
    ----------
    theme : Theme
    title : str
        图名: the one given, else plan name (+ township) + map name.
    extent : (xmin, ymin, xmax, ymax) or None
        Ground to show, metres of the working CRS; None: the county sheet's subject, as
        :func:`~greenplan.render.mapsheet.compose_map` decides it: the theme's ``frame``
        (the built-up area of the greening, opportunities and scenario themes), else the
        whole county (the admin units, else every drawn layer).
    highlight : shapely geometry or None
        The township's boundary (outlined; the rest is veiled); None on a county sheet.
    indicators : dict
        ``{key: indicator}`` of the theme's keys found in the document: the township's row
        on a township sheet (none when the document has no row per township), the county's
        values otherwise; on the ``scenario`` theme the after-values with the current ones
        as ``baseline`` and the change as ``delta`` (when a scenario was computed). An
        indicator that does not apply in the township carries ``not_applicable`` (the
        reason: ``no_built_up`` ...), which the panel prints as ``不适用（本乡镇无建成区）``.
    unit_code, unit_name : str or None
        The township (None on a county sheet).
    unit_pos : int or None
        Its row in the loaded admin units layer and in ``doc["by_unit"]``.
    """

    theme: Theme
    title: str
    extent: tuple[float, float, float, float] | None = None
    highlight: Any = None
    indicators: dict[str, Any] = field(default_factory=dict)
    unit_code: str | None = None
    unit_name: str | None = None
    unit_pos: int | None = None


def with_baseline(after: Mapping[str, Any], before: Mapping[str, Any]) -> dict[str, Any]:
    """Scenario indicators for a map panel: the after-values, the current ones as ``baseline``
    and the change after − baseline as ``delta`` (None unless both are numbers, as in
    ``scenario.json``). An indicator that does not apply before (``not_applicable``: the
    township has no built-up area ...) does not apply after either.

    Examples
    --------
    >>> with_baseline({"green_coverage_vector": {"value": 0.43}}, {"green_coverage_vector": {"value": 0.34}})
    {'green_coverage_vector': {'value': 0.43, 'baseline': 0.34, 'delta': 0.09}}
    """
    out = {}
    for k, v in after.items():
        b = before.get(k) or {}
        base, value = b.get("value"), v.get("value")
        numeric = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (base, value))
        row = {**v, "baseline": base, "delta": round(value - base, 12) if numeric else None}
        if row.get("not_applicable") is None and b.get("not_applicable") is not None:
            row["not_applicable"] = b["not_applicable"]
        out[k] = row
    return out


# ----------------------------------------------------------------------------- townships
def unit_label(value: Any) -> str | None:
    """A township code or name as text (``510123001.0`` read from a number column -> ``510123001``).

    Examples
    --------
    >>> unit_label(510123001.0), unit_label(" 城关街道 "), unit_label(float("nan"))
    ('510123001', '城关街道', None)
    """
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


def unit_level_names(level: str) -> dict[str, str]:
    """What a unit of ``level`` is called (``resources/styles/default_styles.toml`` [unit_levels]):
    ``kind`` (乡镇（街道）), ``boundary`` (its legend line, 乡镇（街道）界) and ``extent``
    (the highlighted unit's legend line, 本乡镇范围).

    Examples
    --------
    >>> unit_level_names("village")["boundary"], unit_level_names("county")["extent"]
    ('村界', '本县范围')
    """
    from greenplan.core.resources import load_resource_toml
    from greenplan.render.styles import STYLE_FILE

    return {k: str(v) for k, v in load_resource_toml(*STYLE_FILE)["unit_levels"][level].items()}


def guess_unit_level(codes: Any) -> str:
    """The unit level told by the length of the codes (统计用区划代码): 6 digits a county, 9 a
    township, 12 a village (12 ending in 000: a township, in 000000: a county, as the
    12-digit statistical codes write them); township when the codes tell nothing.

    Examples
    --------
    >>> guess_unit_level(["510123", "510124"]), guess_unit_level([510123001.0, None])
    ('county', 'township')
    >>> guess_unit_level(["510123001001", "510123001002"]), guess_unit_level(["510123001000"])
    ('village', 'township')
    """
    from collections import Counter

    from greenplan.core.resources import load_resource_toml
    from greenplan.render.styles import STYLE_FILE

    by_digits = {int(v["code_digits"]): k for k, v in load_resource_toml(*STYLE_FILE)["unit_levels"].items()}
    levels: Counter[str] = Counter()
    for value in codes:
        text = unit_label(value)
        if not text or not text.isdigit():
            continue
        if len(text) == 12:
            text = text[:6] if text.endswith("000000") else text[:9] if text.endswith("000") else text
        level = by_digits.get(len(text))
        if level:
            levels[level] += 1
    return levels.most_common(1)[0][0] if levels else "township"


def unit_level(data: MapData) -> str:
    """The level of the units of ``data``'s admin units layer: its ``unit_level`` option, else
    :func:`guess_unit_level` from its codes (township without a layer)."""
    from greenplan.core.project import check_unit_level

    for spec in data.project.layers_with_role("admin_units"):
        if spec.unit_level:
            return check_unit_level(spec.unit_level, data.project.path, "admin_units.unit_level")
    admin = data.layers.get("admin_units")
    if admin is None or "code" not in admin.columns:
        return "township"
    return guess_unit_level(admin["code"].to_numpy(dtype=object))


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


def admin_units(data: MapData) -> gpd.GeoDataFrame:
    """The loaded admin units layer of ``data``.

    Raises
    ------
    MissingLayerError
        The project has no admin units layer (or it is empty): no township map can be drawn.
    """
    admin = data.layers.get("admin_units")
    if admin is None or not len(admin):
        raise MissingLayerError("A township map needs the admin units layer.", "乡镇图需要行政区（乡镇/街道）图层。",
                                layer="admin_units", hint_en="Add the layer with role admin_units.",
                                hint_zh="请添加角色为 admin_units 的图层。")
    return admin


def _unit_position(admin: gpd.GeoDataFrame, unit: str | Mapping[str, Any]) -> int:
    """Row of ``unit``: a code or name (:func:`find_unit`), or a batch unit ``{"fid", "code", "name"}``."""
    if isinstance(unit, str):
        return find_unit(admin, unit)
    fid = unit.get("fid")
    if fid is None or fid not in admin.index:  # the loader dropped it (empty or collapsed boundary)
        raise GeometryTypeError(
            f"Township {unit.get('name') or ''} ({unit.get('code') or '?'}) has no usable boundary in the admin units layer.",
            f"行政区图层中没有乡镇（街道）“{unit.get('name') or ''}”（{unit.get('code') or '?'}）的可用边界。",
            layer="admin_units", hint_en="Check the township's polygon.", hint_zh="请检查该乡镇的边界面。")
    return int(admin.index.get_loc(fid))


def _panel(rows: Mapping[str, Any] | None, theme: Theme, no_built_up: bool = False) -> dict[str, Any]:
    """What the panel tabulates (``render.panels.indicator_rows``): the theme's keys present.

    ``no_built_up``: the township has no built-up area; a built-up indicator without a
    value and without a ``not_applicable`` reason (a document written before the analysis
    gave one) is marked ``not_applicable = "no_built_up"``, so that the panel says why.
    """
    from greenplan.analysis.result import BUILT_UP_KEYS, NA_NO_BUILT_UP

    rows = rows or {}
    out = {k: rows[k] for k in theme.indicators if isinstance(rows.get(k), Mapping)}
    if no_built_up:
        for k in BUILT_UP_KEYS:
            obj = out.get(k)
            if obj is not None and obj.get("value") is None and obj.get("not_applicable") is None:
                out[k] = {**obj, "not_applicable": NA_NO_BUILT_UP}
    return out


def _unit_without_built_up(data: MapData, geom: Any, rows: Mapping[str, Any]) -> bool:
    """The township has no built-up area in the loaded layer (checked only where a
    built-up indicator lacks both a value and a ``not_applicable`` reason)."""
    import shapely

    from greenplan.analysis.result import BUILT_UP_KEYS

    if not any(isinstance(rows.get(k), Mapping) and rows[k].get("value") is None
               and rows[k].get("not_applicable") is None for k in BUILT_UP_KEYS):
        return False
    b = data.layers.get("built_up_area")
    if b is None or not len(b):  # no layer: the indicators were not computed, not inapplicable
        return False
    near = b.geometry.values[shapely.intersects(b.geometry.values, geom)]
    return not len(near) or not float(shapely.area(shapely.intersection(shapely.union_all(near), geom))) > 0


def check_extent(extent: Any) -> tuple[float, float, float, float]:
    """``extent`` as four floats xmin, ymin, xmax, ymax; :class:`SettingError` when it is not one."""
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


def township_sheet(data: MapData, theme: Theme, unit: str | Mapping[str, Any] | None = None, *,
                   title: str | None = None, extent: Any = None, margin: float = UNIT_MARGIN) -> SheetSpec:
    """The sheet of ``theme`` for one township of ``data`` (or, with ``unit`` None, the county).

    Parameters
    ----------
    data : MapData
        Loaded layers (``admin_units`` among them for a township) and the indicators
        documents (``doc``; ``scenario_doc`` for the scenario theme).
    theme : Theme
    unit : str or mapping, optional
        A township code or name, or a batch unit ``{"fid", "code", "name", ...}``
        (``jobs.batch.list_units``; ``fid`` is the feature id, the loaded layer's index).
    title : str, optional
        Default: plan name + township name (or code) + map name; the county's without ``unit``.
    extent : (xmin, ymin, xmax, ymax), optional
        Metres of the working CRS; default the township widened by ``margin`` of its size
        (the county without ``unit``). Must overlap the data.
    margin : float
        Ground around the township, as a fraction of its size.

    Returns
    -------
    SheetSpec

    Raises
    ------
    MissingLayerError
        ``unit`` given and no admin units layer.
    SettingError
        No township ``unit``; a bad extent or one outside the data.
    GeometryTypeError
        The township's boundary was dropped on loading or is degenerate (under 1 m²).
    """
    if extent is not None:
        extent = check_extent(extent)
        _check_extent_overlaps(extent, data)
    doc, after = data.doc or {}, data.scenario_doc or {}
    scenario = theme.id == "scenario"
    if unit is None:
        rows = doc.get("indicators")
        if scenario and after and doc:
            rows = with_baseline(after["indicators"], doc["indicators"])
        return SheetSpec(theme=theme, title=title or f"{data.project.name}{theme.title}", extent=extent,
                         indicators=_panel(rows, theme))
    admin = admin_units(data)
    i = _unit_position(admin, unit)
    row = admin.iloc[i]
    code, name = unit_label(row.get("code")), unit_label(row.get("name"))
    geom = row.geometry
    check_unit_geometry(geom, code, name)
    # a row per township only when the document was computed with this admin layer:
    # a township sheet never shows the county's values under the township's name
    by_unit, by_unit_after = doc.get("by_unit", []), after.get("by_unit", [])
    rows = by_unit[i].get("indicators") if len(by_unit) == len(admin) else None
    if scenario and rows is not None and len(by_unit_after) == len(admin):
        rows = with_baseline(by_unit_after[i].get("indicators") or {}, rows)
    no_b = rows is not None and _unit_without_built_up(data, geom, rows)
    return SheetSpec(theme=theme, title=title or unit_title(data.project, name or code or "", theme),
                     extent=extent or unit_extent(geom, margin), highlight=geom, indicators=_panel(rows, theme, no_b),
                     unit_code=code, unit_name=name, unit_pos=i)


def project_styles(project: Project) -> dict[str, dict[str, Any]]:
    """``{role: style}`` of the project's layers (the first layer of a role wins)."""
    styles: dict[str, dict[str, Any]] = {}
    for spec in project.layers:
        if spec.role and spec.style:
            styles.setdefault(spec.role, dict(spec.style))
    return styles


def draw_sheet(data: MapData, spec: SheetSpec, *, paper: str | tuple[float, float] = "A3",
               orientation: str = "landscape", dpi: float = 300, subtitle: str | None = None) -> Figure:
    """Lay out ``spec`` over ``data``: project styles, metadata, CRS, county locator (among the
    ``region_units`` when the project has them), rasters. The theme decides the map frames
    (the scenario theme: 现状 | 方案 side by side) and, on a county sheet, what the map frames
    (the built-up area of the greening themes).

    Parameters
    ----------
    paper, orientation, dpi, subtitle
        As :func:`~greenplan.render.mapsheet.compose_map`.
    """
    from greenplan.io.crs import crs_label
    from greenplan.render.mapsheet import compose_map

    project = data.project
    styles = project_styles(project)
    names = unit_level_names(unit_level(data))  # the legend names the boundaries by what they are
    styles["admin_units"] = {"label": names["boundary"], **styles.get("admin_units", {})}
    styles["highlight"] = {"label": names["extent"], **styles.get("highlight", {})}
    if data.left_out:
        note = "注：" + "；".join(n.split(" / ")[0] for n in data.left_out)
        subtitle = f"{subtitle or spec.theme.subtitle or ''}  {note}".strip()
    return compose_map(
        data.layers, spec.theme, extent=spec.extent, paper=paper, orientation=orientation, dpi=dpi,
        title=spec.title, subtitle=subtitle, metadata={**project.metadata, "project_name": project.name},
        crs_label=crs_label(data.crs), indicators={"indicators": spec.indicators}, highlight=spec.highlight,
        rasters=data.rasters, locator=data.layers.get("admin_units"), styles=styles,
        code_system=project.settings.code_system, region=data.layers.get("region_units"),
        vector_max_features=project.settings.map_vector_max_features,
    )
