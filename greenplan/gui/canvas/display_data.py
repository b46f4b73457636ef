"""Load a project for display: the loader's layers plus what the canvas needs to draw them.

Runs in the load worker: ``load_project_lenient`` (the same loader the analyses and the
CLI use; a broken layer is reported, not fatal), then per layer the shared style, the
style class of each feature and the prepared coordinates (:mod:`render_cache`). The two
big steps per layer release the interpreter lock inside shapely and numpy, so layers are
prepared two at a time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from greenplan.app.render_cache import PreparedLayer
from greenplan.core.feedback import Feedback, SubFeedback
from greenplan.core.project import LayerSpec, Project
from greenplan.gui.canvas.render_styles import (
    DrawStyle,
    draw_style,
    feature_classes,
    resolve_layer_style,
)

log = logging.getLogger("greenplan.gui")


@dataclass
class LayerDisplay:
    """A loaded layer ready to draw.

    Attributes
    ----------
    spec : LayerSpec
    loaded : greenplan.io.loader.LoadedLayer or None
    prepared : PreparedLayer or None
        Vector layers (None for rasters and layers that failed to load).
    raster : RasterDrawer or None
    style : DrawStyle
    error : str or None
        Why the layer cannot be drawn (bilingual), for the layer panel.
    """

    spec: LayerSpec
    loaded: Any
    prepared: PreparedLayer | None
    raster: Any
    style: DrawStyle
    error: str | None = None
    #: labels: (x, y map coordinates (n, 2), texts, feature sizes in map units, points, halo)
    labels: tuple | None = None

    @property
    def gdf(self):
        return getattr(self.loaded, "gdf", None)


def style_for(spec: LayerSpec, gdf: Any = None, code_system: str = "sandiao") -> tuple[DrawStyle, np.ndarray | None]:
    """Screen style of a layer (from the shared style) and the style class of each feature.

    Raises
    ------
    ProjectFileError
        The layer's style has an unknown key or a bad value.
    """
    shared = resolve_layer_style(spec.role, spec.style, code_system)
    return draw_style(shared), feature_classes(gdf, shared)


def shared_style(spec: LayerSpec, code_system: str = "sandiao") -> Any:
    return resolve_layer_style(spec.role, spec.style, code_system)


def restyle(entry: Any, project: Project) -> None:
    """Bring a loaded layer's screen style up to date after its role, style or class mapping
    changed (the ``restyle`` callback of :class:`~greenplan.app.project_state.ProjectState`).

    Raises whatever :func:`style_for` raises for a bad style value.
    """
    d = entry.display
    if d is None:
        return
    code_system = project.settings.code_system
    style, classes = style_for(entry.spec, entry.gdf, code_system)
    d.style = style
    if d.prepared is not None:
        p = d.prepared
        p.classes = np.zeros(p.n, dtype=np.int32) if classes is None else classes
        if entry.gdf is not None:  # the label field, size or halo may have changed
            d.labels = layer_labels(entry.gdf, shared_style(entry.spec, code_system), p)
    if d.raster is not None:
        d.raster.set_style(shared_style(entry.spec, code_system))


def prepare_layer(spec: LayerSpec, loaded: Any, working_crs: Any, code_system: str = "sandiao") -> LayerDisplay:
    """Everything needed to draw one loaded layer (vector or raster)."""
    from greenplan.core.errors import GreenplanError
    from greenplan.gui.canvas.raster_view import RasterDrawer

    gdf = getattr(loaded, "gdf", None)
    raster = getattr(loaded, "raster", None)
    error = None
    try:
        style, classes = style_for(spec, gdf, code_system)
    except GreenplanError as exc:  # a bad style key: drawn plainly, the panel says why
        style, classes = DrawStyle(), None
        error = exc.bilingual()
    report = getattr(loaded, "report", None)
    if error is None and report is not None and getattr(report, "error", None):
        err = report.error
        error = f"{err.get('message_zh', '')}\n{err.get('message_en', '')}".strip()
    prepared = None
    drawer = None
    labels = None
    if gdf is not None:
        prepared = PreparedLayer(np.asarray(gdf.geometry.array), classes)
        if error is None:
            labels = layer_labels(gdf, shared_style(spec, code_system), prepared)
    elif raster is not None:
        drawer = RasterDrawer(raster, working_crs, shared_style(spec, code_system) if error is None else None)
    elif error is None:
        error = "无法读取该图层 / the layer could not be read"
    return LayerDisplay(spec, loaded, prepared, drawer, style, error, labels)


#: layers with more features than this get no labels on screen (labels are for place names)
MAX_LABELS = 5000


def layer_labels(gdf: Any, style: Any, prepared: PreparedLayer) -> tuple | None:
    """Label points and texts of a layer whose style names a ``label_field`` (as the maps do)."""
    import shapely

    field = getattr(style, "label_field", "")
    if not field or field not in gdf.columns or len(gdf) > MAX_LABELS or len(gdf) == 0:
        return None
    from greenplan.render.draw import label_texts

    texts = label_texts(gdf[field].to_numpy(dtype=object))  # null names: （未命名）, as on the maps
    xy = shapely.get_coordinates(shapely.point_on_surface(np.asarray(gdf.geometry.array)))
    return xy, texts, prepared.size, float(getattr(style, "label_size", 9.0)), bool(getattr(style, "label_halo", True))


@dataclass
class DisplayProject:
    """The loader's result and one :class:`LayerDisplay` per project layer (same order)."""

    loaded: Any
    layers: list[LayerDisplay]

    @property
    def crs(self):
        return self.loaded.crs


def load_for_display(project: Project, feedback: Feedback | None = None, specs: list[LayerSpec] | None = None,
                     crs: str | None = None) -> DisplayProject:
    """Load ``project`` (or only ``specs``, in the CRS ``crs``) and prepare every layer.

    Parameters
    ----------
    project : Project
    feedback : Feedback, optional
        Progress: loading 0-70 %, preparing 70-100 %; cancel is checked per layer.
    specs : list of LayerSpec, optional
        Layers to load (default: all); used when layers are added to an open project.
    crs : str, optional
        Working CRS to load into (the open project's), instead of choosing one.
    """
    from greenplan.io.loader import load_project_lenient

    feedback = feedback or Feedback()
    sub = project
    if specs is not None or crs is not None:
        sub = Project(name=project.name, crs=crs or project.crs, layers=list(specs if specs is not None else project.layers),
                      settings=project.settings, path=project.path)
    loaded = load_project_lenient(sub, feedback=SubFeedback(feedback, 0, 70), scan=False)
    by_spec = {id(lyr.spec): lyr for lyr in loaded.layers}
    todo = [(s, by_spec.get(id(s))) for s in sub.layers]
    feedback.step(70, 100, "准备绘制 / preparing to draw")
    out: list[LayerDisplay | None] = [None] * len(todo)
    done = 0

    def one(i: int) -> int:
        spec, lyr = todo[i]
        feedback.check()
        out[i] = prepare_layer(spec, lyr, loaded.crs, project.settings.code_system)
        return i

    order = sorted(range(len(todo)), key=lambda i: -_weight(todo[i][1]))  # biggest first
    from greenplan.core.parallel import thread_pool

    with thread_pool(2, "gp-prepare") as pool:
        for _ in pool.map(one, order):
            done += 1
            feedback.set_progress(70 + 30 * done / max(len(todo), 1))
    return DisplayProject(loaded, [d for d in out if d is not None])


def _weight(lyr: Any) -> int:
    """Work of preparing a layer, to start the biggest first. A raster's look is decided from a
    decimated read of its whole band (GDAL, without the GIL): it goes first, beside the vectors."""
    if getattr(lyr, "raster", None) is not None:
        return 1 << 40
    gdf = getattr(lyr, "gdf", None)
    return 0 if gdf is None else len(gdf)


@dataclass
class CanvasLoad:
    """What a load worker of the canvas hands back (:func:`load_for_canvas`).

    Attributes
    ----------
    display : DisplayProject or None
        The layers loaded (None: nothing had to be loaded).
    reloaded : bool
        True when the working CRS of the project is no longer the canvas's: every layer
        of the project was loaded again, in ``display.crs``.
    """

    display: DisplayProject | None
    reloaded: bool = False


def crs_text(crs: Any) -> str:
    """``EPSG:4544`` where ``crs`` has an authority code, else its WKT (a project ``crs`` value)."""
    from greenplan.io.crs import crs_label

    return crs_label(crs) if crs.to_authority(min_confidence=90) else crs.to_wkt()


def same_crs(a: Any, b: Any) -> bool:
    """True when ``a`` and ``b`` are the same CRS (None only equals None)."""
    if a is None or b is None:
        return a is b
    return bool(a == b or a.equals(b, ignore_axis_order=True))


def load_for_canvas(project: Project, feedback: Feedback | None = None, specs: list[LayerSpec] | None = None,
                    canvas_crs: Any = None) -> CanvasLoad:
    """Load layers for a canvas in ``canvas_crs``, or every layer again when the working CRS changed.

    The working CRS is the one every command uses
    (:func:`greenplan.io.loader.working_crs`): chosen from the study-area layers, far
    layers left out. Adding, removing or re-roling layers can change it (a project that
    held only a land-cover tile from another continent gets its admin units), so it is
    chosen again here over all the layers of ``project``: when it is still
    ``canvas_crs``, only ``specs`` are loaded into it; otherwise every layer is loaded
    again in the new CRS, so the canvas, the measure tool, identify and the analyses
    never use different CRSs.

    Parameters
    ----------
    project : Project
        The whole open project (a copy whose ``layers`` list the caller will not change).
    feedback : Feedback, optional
    specs : list of LayerSpec, optional
        Layers just added (None: none; every layer when ``canvas_crs`` is None).
    canvas_crs : pyproj.CRS, optional
        The CRS the canvas shows; None for a first load (the loader chooses).

    Raises
    ------
    CRSError
        The project's own CRS is unknown or not metric.
    """
    from greenplan.io.loader import working_crs

    feedback = feedback or Feedback()
    if canvas_crs is None:
        return CanvasLoad(load_for_display(project, feedback, specs=specs))
    feedback.step(0, 100, "工作坐标系 / working CRS")
    chosen = working_crs(project).crs
    if not same_crs(chosen, canvas_crs):
        return CanvasLoad(load_for_display(project, feedback), reloaded=True)
    if not specs:
        return CanvasLoad(None)
    return CanvasLoad(load_for_display(project, feedback, specs=specs, crs=crs_text(canvas_crs)))
