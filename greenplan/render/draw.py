"""Fast drawing of vector layers into a matplotlib Axes (STYLE rule 8).

Drawing is split in two steps so that the expensive one can run in worker threads (the
map export prepares all layers at once; the desktop canvas can prepare in a worker):

1. :func:`prepare_layer` (thread-safe, no matplotlib state): cull to the view, classify,
   simplify vertex-dense geometry to half a pixel, build one compound path per style class,
   bin very many sub-pixel features into an RGBA image;
2. :func:`add_drawing` adds the artists to an Axes and records the legend entries
   (:func:`legend_entries`), so the legend lists exactly what was drawn.

:func:`draw_layer` does both. In vector output (PDF, SVG) every layer stays vector (paths
that Illustrator or CorelDRAW can edit) except a layer with more than ``max_features``
features in view (default :data:`VECTOR_MAX_FEATURES`, the project setting
``map_vector_max_features``) or, as a guard for viewers, more than :data:`DENSE_VERTICES`
vertices after simplification: that layer alone is marked ``rasterized`` and embedded as
one image at the save DPI (matplotlib's mixed-mode renderer); the layers above and below
it, and every label, stay vector. Labels are placed without overlaps by
:mod:`greenplan.render.labels`.
"""

from __future__ import annotations

import dataclasses
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from greenplan.render import geometry as geo
from greenplan.render.styles import LayerStyle, rgba

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.path import Path

#: a layer with more features than this in view is drawn as an image inside vector output
#: (PDF, SVG); the project setting ``map_vector_max_features`` overrides it per sheet
VECTOR_MAX_FEATURES = 20_000
#: ... and so is a layer with more vertices than this after simplification to half a pixel
#: (a guard: about 6 MB of path data, where PDF viewers and Illustrator slow down)
DENSE_VERTICES = 300_000
#: features smaller than this many pixels (bounding box) are binned, not drawn as paths ...
TINY_PX = 1.0
#: ... when a layer has at least this many of them (below it, paths are cheaper than an
#: image the size of the map: Agg draws 50,000 small polygons in a few hundredths of a second)
TINY_BIN_MIN = 100_000


@dataclass(frozen=True)
class LegendEntry:
    """One legend line: the layer key, the (category) style, how to draw the swatch."""

    key: str
    style: LayerStyle
    kind: str  # polygon | line | raster
    edges: bool = True
    #: label of the whole layer (a categorized layer's classes are listed under it)
    group: str = ""
    #: a raster ramp's colour bar: ``(cmap, ((position 0-1, tick label), ...))``
    ramp: tuple[str, tuple[tuple[float, str], ...]] | None = None
    #: a layer listed in one line (a base layer when the legend is short of room): the
    #: styles of its classes drawn, shown side by side in the swatch
    parts: tuple[LayerStyle, ...] = ()


@dataclass
class PathItem:
    """One compound path and how to paint it (colours as RGBA tuples or ``"none"``)."""

    path: Path
    face: Any
    edge: Any
    width: float
    style: LayerStyle
    line: bool = False
    hatch: bool = True
    #: a road casing: drawn just under the lines of every class of the layer
    under: bool = False


@dataclass
class LayerDrawing:
    """Everything :func:`add_drawing` needs to put one layer on an Axes."""

    key: str
    zorder: float
    rasterize: bool = False
    items: list[PathItem] = field(default_factory=list)
    images: list[tuple[np.ndarray, tuple[float, float, float, float], str]] = field(default_factory=list)
    #: (x, y, text, font size in points) of each label: its anchor, before placement
    labels: list[tuple[float, float, str, float]] = field(default_factory=list)
    entries: list[LegendEntry] = field(default_factory=list)
    #: the labelled features (the parts in view), one per label
    label_geoms: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    #: the view and ground metres per paper millimetre, for placing the labels
    view: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    m_per_mm: float = 1.0
    #: labels on a white halo (the style's ``label_halo``)
    label_halo: bool = True


_ENTRIES: weakref.WeakKeyDictionary[Any, list[LegendEntry]] = weakref.WeakKeyDictionary()


def legend_entries(ax: Axes) -> list[LegendEntry]:
    """What was drawn into ``ax`` by this module, in drawing order (no duplicates)."""
    return list(_ENTRIES.get(ax, []))


def record_entry(ax: Axes, entry: LegendEntry) -> None:
    """Note ``entry`` as drawn in ``ax`` (once per layer key and style class).

    A style with ``legend = false`` is not noted: a project may hide a layer from the
    legend; the shipped themes list everything they draw (issue #14).
    """
    lst = _ENTRIES.setdefault(ax, [])
    if entry.style.legend and all((e.key, e.style.id) != (entry.key, entry.style.id) for e in lst):
        lst.append(entry)


def _classes(gdf: gpd.GeoDataFrame, style: LayerStyle, rows: np.ndarray) -> tuple[list[LayerStyle], np.ndarray]:
    """The style classes of a layer and the class of each row in ``rows``."""
    if style.categorized and style.field in gdf.columns:
        idx = style.classify(gdf[style.field].to_numpy()[rows])
        classes = [*style.categories, style.other()]
        return classes, np.where(idx < 0, len(classes) - 1, idx)
    return [dataclasses.replace(style, categories=())], np.zeros(len(rows), dtype=np.int64)


def prepare_layer(gdf: gpd.GeoDataFrame, style: LayerStyle, *, extent: tuple[float, float, float, float],
                  pixel_size: float, rasterize_dense: bool = True, key: str | None = None,
                  dpi: float = 100.0, max_features: int | None = None) -> LayerDrawing:
    """The paths, images and labels of a vector layer (no matplotlib state; thread-safe).

    Parameters are those of :func:`draw_layer`; ``dpi`` only converts ``pixel_size`` to paper
    millimetres for the labels (which features are large enough for one).
    """
    key = key or style.id
    out = LayerDrawing(key, style.zorder, view=tuple(extent), m_per_mm=pixel_size * dpi / 25.4)
    geoms_all = np.asarray(gdf.geometry.values, dtype=object)
    sindex = gdf.sindex if len(gdf) > 5000 and gdf.has_sindex else None
    rows = geo.in_view(geoms_all, extent, sindex)
    if len(rows) == 0:
        return out
    geoms = geo.explode_collections(geoms_all[rows])
    is_poly, is_line = geo.kinds(geoms)
    classes, cls = _classes(gdf, style, rows)
    sizes = geo.size_px(geoms, pixel_size)
    live = is_poly | is_line
    edges = (float(np.median(sizes[live])) if live.any() else 0.0) >= style.edge_min_px
    tiny = is_poly & (sizes < TINY_PX)
    if tiny.sum() < TINY_BIN_MIN:
        tiny[:] = False
    draw_mask = (is_poly & ~tiny) | is_line
    simple = geoms.copy()
    simple[draw_mask] = geo.simplify_for_output(geoms[draw_mask], pixel_size)
    collapsed = draw_mask & shapely.is_empty(simple)
    simple[collapsed] = geoms[collapsed]  # a collapsed feature is drawn as it is (a speck)
    n_vertices = int(shapely.get_num_coordinates(simple[draw_mask]).sum())
    limit = VECTOR_MAX_FEATURES if max_features is None else max_features
    out.rasterize = rasterize_dense and (len(rows) > limit or n_vertices > DENSE_VERTICES)
    poly_sel = is_poly & ~tiny
    poly_paths = geo.polygon_paths(simple[poly_sel], cls[poly_sel])
    line_paths = geo.line_paths(simple[is_line], cls[is_line])
    has_tiny, has_line, has_poly = (np.bincount(cls[m], minlength=len(classes)) > 0 for m in (tiny, is_line, is_poly))
    in_frame = _in_frame(geoms, cls, len(classes), extent)
    for ci, cs in enumerate(classes):
        drawn = bool(has_tiny[ci])
        line_style = cs.kind == "line"
        fill = cs.edge if line_style else cs.fill
        face = rgba(fill, cs.alpha) if fill else "none"
        edge = rgba(cs.edge, cs.edge_alpha) if (cs.edge and edges and not line_style) else "none"
        if face != "none" or edge != "none" or cs.hatch:
            for path in poly_paths.get(ci, []):
                out.items.append(PathItem(path, face, edge, cs.width, cs))
                drawn = True
        for path in line_paths.get(ci, []) if cs.edge else []:
            if cs.casing and cs.casing_width > 0:
                out.items.append(PathItem(path, "none", rgba(cs.casing, cs.alpha), cs.width + 2 * cs.casing_width,
                                          dataclasses.replace(cs, linestyle="-"), line=True, hatch=False, under=True))
            out.items.append(PathItem(path, "none", rgba(cs.edge, cs.alpha if line_style else cs.edge_alpha),
                                      cs.width, cs, line=True, hatch=False))
            drawn = True
        if drawn and in_frame[ci]:
            only_lines = has_line[ci] and not has_poly[ci]
            out.entries.append(LegendEntry(key, cs, "line" if (line_style or only_lines) else "polygon", edges,
                                           style.label if style.categorized else ""))
    if tiny.any():
        res = _tiny_image(geoms[tiny], classes, cls[tiny], extent, pixel_size)
        if res is not None:
            out.images.append((*res, f"{style.id}:subpixel"))
    if style.label_field and style.label_field in gdf.columns:
        out.labels, out.label_geoms = _labels(gdf, style, rows[live], geoms[live], extent, out.m_per_mm, key)
        out.label_halo = style.label_halo
    return out


def _in_frame(geoms: np.ndarray, cls: np.ndarray, n_classes: int, extent: tuple[float, float, float, float]) -> np.ndarray:
    """Which classes have a feature that meets the view itself, not only by its bounding box
    (the legend lists only those: a bent parcel beside a township's frame is not in view)."""
    b = shapely.bounds(geoms)
    x0, y0, x1, y1 = extent
    inside = (b[:, 0] >= x0) & (b[:, 1] >= y0) & (b[:, 2] <= x1) & (b[:, 3] <= y1)
    meets = inside.copy()
    rest = np.flatnonzero(~inside & ~np.isnan(b[:, 0]))
    if len(rest):
        view = shapely.box(x0, y0, x1, y1)
        shapely.prepare(view)
        meets[rest] = shapely.intersects(view, geoms[rest])
    return np.bincount(cls[meets], minlength=n_classes) > 0


def _tiny_image(geoms, classes, cls, extent, pixel_size):
    colours = np.array([rgba(c.fill or c.edge or "#000000")[:3] for c in classes])
    alphas = np.array([c.alpha if (c.fill or c.edge) else 0.0 for c in classes])
    return geo.coverage_image(geoms, colours[cls], alphas[cls], extent, pixel_size)


#: the label of a feature whose label field is empty (a township without a name)
UNNAMED = "（未命名）"


def label_texts(values: Any) -> np.ndarray:
    """The label of each value: null, NaN and blank text print as :data:`UNNAMED`, never "nan".

    Examples
    --------
    >>> label_texts(["甲镇", None, float("nan"), "  ", 7]).tolist()
    ['甲镇', '（未命名）', '（未命名）', '（未命名）', '7']
    """
    import pandas as pd

    s = pd.Series(np.asarray(values, dtype=object), dtype=object)
    text = s.astype(str).str.strip()
    blank = s.isna().to_numpy() | (text == "").to_numpy()
    return np.where(blank, UNNAMED, text.to_numpy(dtype=object))


def _labels(gdf, style: LayerStyle, rows: np.ndarray, geoms: np.ndarray, extent, m_per_mm: float, key: str):
    """Label anchors (a point on the part of each feature in view) and those parts.

    A place name is left out when its feature is narrower than two characters of its
    label; any other label (a patch number) when its feature covers less than
    :data:`~greenplan.render.labels.LABEL_MIN_MM2` of paper.
    """
    from greenplan.render.labels import LABEL_MIN_MM2, PLACE_NAME_LAYERS

    parts = shapely.clip_by_rect(geoms, *extent)
    if key in PLACE_NAME_LAYERS or not geo.kinds(parts)[0].any():
        big = geo.size_px(parts, m_per_mm) >= 2 * style.label_size * 25.4 / 72
    else:
        big = shapely.area(parts) / m_per_mm**2 >= LABEL_MIN_MM2
    big &= ~shapely.is_empty(parts)
    parts = parts[big]
    xy = shapely.get_coordinates(shapely.point_on_surface(parts))
    names = label_texts(gdf[style.label_field].to_numpy(dtype=object)[rows])[big]
    labels = [(float(x), float(y), str(n), style.label_size) for (x, y), n in zip(xy, names, strict=True)]
    return labels, parts


def add_drawing(ax: Axes, d: LayerDrawing, *, labels: bool = True) -> Axes:
    """Add a prepared layer's artists to ``ax`` (at ``d.zorder``) and record its legend entries.

    With ``labels`` False the layer's labels are left to the caller, which places the
    labels of every layer together (:func:`label_request`, :mod:`greenplan.render.labels`).
    """
    from matplotlib.patches import PathPatch

    from greenplan.render.images import add_image

    for it in d.items:
        s = it.style
        hatch = it.hatch and bool(s.hatch)
        kw: dict[str, Any] = {"hatch": s.hatch, "hatchcolor": s.hatch_color or s.edge or "#000000"} if hatch else {}
        z = d.zorder - (0.001 if it.under else 0.0)
        p = PathPatch(it.path, facecolor=it.face, edgecolor=it.edge, linewidth=it.width, linestyle=s.linestyle,
                      zorder=z, fill=it.face != "none", capstyle="round" if it.line else "butt",
                      joinstyle="round", **kw)
        if hatch:
            p.set_hatch_linewidth(max(0.3, 0.6 * min(s.width, 1.0)))
        # a dense layer alone becomes an image in PDF/SVG (consecutive rasterized artists
        # share one image); everything else stays vector
        p.set_rasterized(d.rasterize)
        p.set_gid(s.id)
        ax.add_artist(p)  # not add_patch: its data-limit update walks every vertex in Python
    for img, ext, gid in d.images:
        add_image(ax, img, ext, zorder=d.zorder, gid=gid).set_rasterized(d.rasterize)
    if labels and d.labels:
        from greenplan.render.labels import add_labels, place_labels

        placement = place_labels([label_request(d)], extent=d.view, m_per_mm=d.m_per_mm)
        add_labels(ax, placement, m_per_mm=d.m_per_mm)
    for e in d.entries:
        record_entry(ax, e)
    return ax


def label_request(d: LayerDrawing, rank: int = 0):
    """The labels of a prepared layer for :func:`greenplan.render.labels.place_labels`."""
    from greenplan.render.labels import LabelRequest

    xy = np.array([(x, y) for x, y, _, _ in d.labels], dtype=float).reshape(-1, 2)
    size = d.labels[0][3] if d.labels else 9.0
    return LabelRequest(d.key, xy, [t for _, _, t, _ in d.labels], size, d.label_geoms, zorder=d.zorder + 0.5,
                        rank=rank, halo=d.label_halo)


def draw_layer(ax: Axes, gdf: gpd.GeoDataFrame, style: LayerStyle, *,
               extent: tuple[float, float, float, float], pixel_size: float,
               rasterize_dense: bool = True, key: str | None = None, max_features: int | None = None) -> Axes:
    """Draw a vector layer with ``style`` into ``ax``.

    Parameters
    ----------
    ax : matplotlib Axes
        Data coordinates are the layer's CRS (metres).
    gdf : GeoDataFrame
        Polygons and/or lines (points are not drawn); the categorizing field of ``style``
        when it has one (missing: every feature gets the layer's own fill).
    style : LayerStyle
        Resolved style (:func:`greenplan.render.styles.resolve_style`), widths in points.
    extent : (xmin, ymin, xmax, ymax)
        The view; features outside it are not drawn (the layer's cached spatial index is
        used when it has one).
    pixel_size : float
        Output pixel size in metres: geometry is simplified to half of it, and very many
        features smaller than a pixel are binned into an image.
    rasterize_dense : bool
        Mark the layer ``rasterized`` (an image in PDF/SVG) when it has more than
        ``max_features`` features in view or more than :data:`DENSE_VERTICES` vertices.
    key : str, optional
        Layer key recorded for the legend (default ``style.id``).
    max_features : int, optional
        Default :data:`VECTOR_MAX_FEATURES`; 0 draws any layer as an image in PDF/SVG.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from matplotlib.figure import Figure
    >>> from greenplan.render.styles import resolve_style
    >>> ax = Figure().add_subplot()
    >>> gdf = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 100, 100)], crs="EPSG:4544")
    >>> ax = draw_layer(ax, gdf, resolve_style("ecological_redline"), extent=(0, 0, 100, 100), pixel_size=1.0)
    >>> [e.style.label for e in legend_entries(ax)]
    ['生态保护红线']
    """
    dpi = ax.figure.dpi if ax.figure is not None else 100.0
    return add_drawing(ax, prepare_layer(gdf, style, extent=extent, pixel_size=pixel_size,
                                         rasterize_dense=rasterize_dense, key=key, dpi=dpi,
                                         max_features=max_features))
