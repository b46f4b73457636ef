"""``export``: one planning map of a project (PDF, PNG, SVG or TIFF), county-wide or of one township.

:func:`export_map` loads the project once, computes the indicators its theme's panel lists
(and the analysis-result layers it draws: red line occupation, control-line overlaps,
farmland conflicts), decides the sheet with :func:`greenplan.jobs.sheet.township_sheet`, lays
it out with :func:`greenplan.jobs.sheet.draw_sheet` and writes it atomically with
:func:`greenplan.render.export.save_map` (plus a world file for PNG and TIFF). The pieces
are public because the batch job (:mod:`greenplan.jobs.batch`) and the desktop preview
draw with them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenplan.core.errors import OutputError
from greenplan.core.feedback import Feedback, SubFeedback
from greenplan.core.project import Project, read_project
from greenplan.core.roles import ROLES
from greenplan.jobs.sheet import MapData, SheetSpec, check_extent, draw_sheet, township_sheet

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
#: theme layer key of a scenario's greening (candidates chosen + sketched greening)
SCENARIO_LAYER = "scenario_greening"
#: theme layer key of a scenario's sketched construction
SCENARIO_CONSTRUCTION = "scenario_construction"

def as_project(project: Project | str | os.PathLike) -> Project:
    """``project`` itself, or the project read from that file."""
    if isinstance(project, Project):
        return project
    return read_project(project)[0]


def theme_inputs(themes: Iterable[Theme]) -> tuple[set[str], set[str]]:
    """(roles, result keys) that ``themes`` draw; ``admin_units`` and ``region_units`` are
    always wanted (the locator).

    Examples
    --------
    >>> from greenplan.render.themes import get_theme
    >>> roles, results = theme_inputs([get_theme("conflicts")])
    >>> sorted(results)
    ['control_line_overlaps', 'farmland_conflicts', 'redline_occupation']
    """
    roles, results = {"admin_units", "region_units"}, set()
    for theme in themes:
        for key in theme.layer_keys:
            if key in ROLES:
                roles.add(key)
            elif key in RESULT_LAYERS or key in CANDIDATE_LAYERS or key in (SCENARIO_LAYER, SCENARIO_CONSTRUCTION):
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


def scenario_document(project: Project, loaded: Any = None, *, feedback: Feedback | None = None) -> dict[str, Any] | None:
    """The indicators document with the project's first scenario's greening, or None without one."""
    from greenplan.io.loader import load_project
    from greenplan.jobs.analyze import compute_project_indicators

    if loaded is None:
        loaded = load_project(project, feedback=feedback)
    drawn = opportunity_layers(project, loaded, {SCENARIO_LAYER, SCENARIO_CONSTRUCTION})
    greening, construction = drawn.get(SCENARIO_LAYER), drawn.get(SCENARIO_CONSTRUCTION)
    if greening is None and construction is None:
        return None
    doc, _, _ = compute_project_indicators(project, loaded=loaded, scenario_greening=greening,
                                           scenario_construction=construction, feedback=feedback, partial=True)
    return doc


def opportunity_layers(project: Project, loaded: Any, results: set[str], *,
                       scenario: str | None = None, feedback: Feedback | None = None) -> dict[str, Any]:
    """Candidate layers and a scenario's greening and construction that a theme draws,
    computed from ``loaded``.

    The scenario is ``scenario`` or else the project's first one; without any, no
    scenario layer is drawn. Its greening is the candidates it selects plus its sketched
    greening, its construction the sketched construction (:func:`~greenplan.jobs.scenario.add_sketch`,
    as ``greenplan scenario`` counts them).

    Raises
    ------
    ProjectFileError
        The scenario names a sketch GeoPackage or layer that cannot be read.
    """
    from greenplan.core.scenario import get_scenario, scenarios_from_project
    from greenplan.jobs.candidates import compute_candidates
    from greenplan.jobs.scenario import add_sketch, scenario_greening

    wanted = results & (set(CANDIDATE_LAYERS) | {SCENARIO_LAYER, SCENARIO_CONSTRUCTION})
    if not wanted:
        return {}
    vec = {r: loaded.vector(r) for r, role in ROLES.items() if not role.is_raster}
    ras = {r: loaded.raster(r) for r, role in ROLES.items() if role.is_raster}
    cands = compute_candidates(vec, ras, project.settings, feedback=feedback)
    out = {k: v for k, v in candidate_layers(cands).items() if k in wanted}
    if wanted & {SCENARIO_LAYER, SCENARIO_CONSTRUCTION}:
        chosen = get_scenario(project, scenario) if scenario else next(iter(scenarios_from_project(project)), None)
        if chosen is not None:
            greening, _ = scenario_greening(chosen, cands, project.settings)
            greening, construction = add_sketch(project, chosen, greening, loaded.crs)
            if len(greening):
                out[SCENARIO_LAYER] = greening
            if construction is not None and len(construction):
                out[SCENARIO_CONSTRUCTION] = construction
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
    if results & (set(CANDIDATE_LAYERS) | {SCENARIO_LAYER, SCENARIO_CONSTRUCTION}):
        wanted = set(ROLES)  # candidates read buildings, roads, rivers, idle land and the DSM
    loaded = load_project(project, feedback=SubFeedback(feedback, 0, 40 if compute else 100), roles=wanted)
    features = dict(features or {})
    if compute:
        from greenplan.jobs.analyze import compute_project_indicators

        doc, computed, _ = compute_project_indicators(project, feedback=SubFeedback(feedback, 40, 100), loaded=loaded,
                                                      partial=True)
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
    if doc is not None and (SCENARIO_LAYER in layers or SCENARIO_CONSTRUCTION in layers):
        from greenplan.jobs.analyze import compute_project_indicators

        scenario_doc, _, _ = compute_project_indicators(project, loaded=loaded, scenario_greening=layers.get(SCENARIO_LAYER),
                                                        scenario_construction=layers.get(SCENARIO_CONSTRUCTION),
                                                        partial=True)
    return MapData(project=project, crs=loaded.crs, layers=layers, rasters=rasters, doc=doc, scenario_doc=scenario_doc,
                   left_out=left_out_notes(loaded, roles, list(themes), doc))


def left_out_notes(loaded: Any, roles: set[str], themes: Iterable[Theme], doc: dict[str, Any] | None) -> list[str]:
    """Notes on the layers of ``loaded`` without a field the indicators need, for the maps of ``themes``:
    those the maps draw (plainly, without the class colours) or whose missing field leaves
    an indicator of their panels uncomputed."""
    from greenplan.jobs.analyze import field_gaps

    out = panel_gap_notes(doc, themes)
    for gap in field_gaps(loaded):
        if gap.role in roles and gap.note() not in out:
            out.append(gap.note())
    return out


def panel_gap_notes(doc: dict[str, Any] | None, themes: Iterable[Theme]) -> list[str]:
    """The :class:`~greenplan.jobs.analyze.FieldGap` notes on the indicators the panels of ``themes`` list."""
    from greenplan.jobs.analyze import GAP_MARK

    rows = (doc or {}).get("indicators") or {}
    out: list[str] = []
    for key in (k for th in themes for k in th.indicators):
        for note in (rows.get(key) or {}).get("notes") or ():
            if GAP_MARK in str(note) and note not in out:
                out.append(note)
    return out


def compose_project_map(data: MapData, theme: Theme, *, paper: str | tuple[float, float] = "A3",
                        orientation: str = "landscape", dpi: float = 300, title: str | None = None,
                        subtitle: str | None = None, extent: tuple[float, float, float, float] | None = None,
                        unit: str | Mapping[str, Any] | None = None) -> Figure:
    """The sheet of ``theme`` for ``data``, the county's or the township ``unit``'s
    (:func:`~greenplan.jobs.sheet.township_sheet`, then :func:`~greenplan.jobs.sheet.draw_sheet`)."""
    spec = township_sheet(data, theme, unit, title=title, extent=extent)
    return draw_sheet(data, spec, paper=paper, orientation=orientation, dpi=dpi, subtitle=subtitle)


def export_sheet(project: Project, theme: Theme, *, title: str | None = None,
                 extent: tuple[float, float, float, float] | None = None, unit: str | None = None,
                 doc: dict[str, Any] | None = None, extra_layers: Mapping[str, gpd.GeoDataFrame] | None = None,
                 feedback: Feedback | None = None) -> tuple[MapData, SheetSpec]:
    """Load what :func:`export_map` draws and decide its sheet (parameters as there)."""
    _, results = theme_inputs([theme])
    extra = dict(extra_layers or {})
    compute = doc is None and (bool(theme.indicators) or bool(results - set(extra)) or unit is not None)
    data = load_map_data(project, [theme], compute=compute, doc=doc, feedback=feedback)
    data.layers.update(extra)
    return data, township_sheet(data, theme, unit, title=title, extent=extent)


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
    MissingLayerError
        ``unit`` given and the project has no admin units layer.
    GeometryTypeError
        The township's boundary is degenerate.
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
        extent = check_extent(extent)  # before loading
    project = as_project(project)
    th = get_theme(theme, project.themes)
    paper_size_mm(paper, orientation)  # bad paper or orientation: fail before loading
    data, spec = export_sheet(project, th, title=title, extent=extent, unit=unit, doc=doc, extra_layers=extra_layers,
                              feedback=SubFeedback(feedback, 0, 60))
    for note in data.left_out:  # the CLI prints them; the desktop shows them with the result
        feedback.push_warning(note)
    feedback.step(60, 100, "制图 / composing")
    fig = draw_sheet(data, spec, paper=paper, orientation=orientation, dpi=dpi)
    feedback.step(80, 100, "写出 / writing")
    path = save_map(fig, out, fmt=fmt)
    feedback.step(100, 100, "完成 / done")
    return path
