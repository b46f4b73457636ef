"""A complete planning map sheet: map frame, legend, indicators, locator, title and footer.

:func:`compose_map` builds a :class:`matplotlib.figure.Figure` (no pyplot, no Qt) laid out
on A4-A0 paper at a round scale; :func:`greenplan.render.export.save_map` writes it.
:func:`draw_map` draws only the layers of a theme into an Axes (the benchmark and any
caller that lays out its own figure use it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from greenplan.core.errors import CRSError
from greenplan.render import decorations as deco
from greenplan.render import panels
from greenplan.render.draw import add_drawing, legend_entries, prepare_layer
from greenplan.render.fonts import cjk_font_name, ensure_cjk_font, font_rc
from greenplan.render.layout import SheetInfo, fit_extent, register_sheet, sheet_layout
from greenplan.render.raster import RasterDrawing, add_raster, prepare_raster
from greenplan.render.styles import scaled
from greenplan.render.themes import FRAME_KINDS, Theme, indicator_labels

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_LAYER_Z0, _LAYER_DZ = 1.0, 0.05
_MASK_Z = 2.3
#: ground around a county sheet's framed subject (the built-up area), as a fraction of its size
FRAME_MARGIN = 0.10


def draw_map(ax: Axes, layers: Mapping[str, gpd.GeoDataFrame], theme: Theme, *,
             extent: tuple[float, float, float, float], pixel_size: float,
             rasters: Mapping[str, Any] | None = None, styles: Mapping[str, Mapping[str, Any]] | None = None,
             code_system: str = "sandiao", width_scale: float = 1.0, rasterize_dense: bool = True,
             crs: Any = None, vector_max_features: int | None = None,
             reserved: Sequence[tuple[float, float, float, float]] = (), label_focus: Any = None) -> Axes:
    """Draw the layers of ``theme`` (bottom to top) that ``layers`` / ``rasters`` provide.

    Parameters
    ----------
    ax : Axes
        Data coordinates in the working CRS (metres); limits are not changed.
    layers : mapping of layer key -> GeoDataFrame
        Keys are roles or analysis-result ids; all in one projected CRS.
    theme : Theme
    extent : (xmin, ymin, xmax, ymax)
        The view, metres.
    pixel_size : float
        Ground size of one output pixel, metres.
    rasters : mapping of key -> path or RasterSource, optional
        Raster files for raster keys of the theme (``vegetation_raster`` ...); a
        ``RasterSource`` gives the band and how to read a vegetation raster.
    styles : mapping of key -> dict, optional
        Project style overrides per layer key (the theme's own overrides win).
    code_system : {"sandiao", "yongdi2023"}
    width_scale : float
        Line widths and label sizes are multiplied by this (paper size factor).
    rasterize_dense : bool
        In vector output (PDF, SVG), draw each dense layer (more than ``vector_max_features``
        features in view, or :data:`~greenplan.render.draw.DENSE_VERTICES` vertices) as an
        image at the save DPI; every other layer and every label stays vector.
    vector_max_features : int, optional
        Default :data:`~greenplan.render.draw.VECTOR_MAX_FEATURES` (the project setting
        ``map_vector_max_features``).
    reserved : sequence of (xmin, ymin, xmax, ymax)
        Boxes (metres) that labels keep clear of: the north arrow and scale bar.
    label_focus : shapely geometry, optional
        A township sheet's township: only its features get labels (place names excepted).

    Returns
    -------
    Axes
        :func:`greenplan.render.labels.placement_report` tells which labels were dropped.
    """
    from greenplan.core.parallel import cores, thread_pool
    from greenplan.render.draw import label_request
    from greenplan.render.labels import add_labels, place_labels

    rasters = rasters or {}
    styles = styles or {}
    dpi = ax.figure.dpi if ax.figure is not None else 100.0
    jobs = []
    for i, tl in enumerate(theme.layers):
        key = tl.key
        is_raster = rasters.get(key) is not None
        if not is_raster and (layers.get(key) is None or len(layers[key]) == 0):
            continue
        style = theme.style_for(key, styles.get(key), code_system=code_system)
        style = _with_z(scaled(style, width_scale), _LAYER_Z0 + i * _LAYER_DZ)
        if is_raster:
            jobs.append((prepare_raster, (rasters[key], extent),
                         {"pixel_size": pixel_size, "style": style, "crs": crs, "key": key}))
        else:
            jobs.append((prepare_layer, (layers[key], style),
                         {"extent": extent, "pixel_size": pixel_size, "rasterize_dense": rasterize_dense,
                          "key": key, "dpi": dpi, "max_features": vector_max_features}))
    # preparing (reading rasters, building paths) releases the GIL in GDAL, shapely and
    # numpy, so layers are prepared side by side; artists are added in drawing order
    drawings = []
    with thread_pool(min(cores(), len(jobs)), "greenplan-map") as pool:
        futures = [pool.submit(fn, *args, **kw) for fn, args, kw in jobs]
        for fut in futures:
            d = fut.result()
            if isinstance(d, RasterDrawing):
                add_raster(ax, d)
            else:
                add_drawing(ax, d, labels=False)
                drawings.append(d)
    # the labels of all layers are placed together: place names first, then the top-most
    # layer's labels (conflict patches), none over another
    requests = [label_request(d, rank=-i) for i, d in enumerate(drawings) if d.labels]
    if requests:
        m_per_mm = pixel_size * dpi / 25.4
        add_labels(ax, place_labels(requests, extent=extent, m_per_mm=m_per_mm, reserved=reserved,
                                    focus=label_focus, focus_zorder=_MASK_Z + 0.1), m_per_mm=m_per_mm)
    return ax


def _with_z(style, z: float):
    import dataclasses

    return dataclasses.replace(style, zorder=z, categories=tuple(dataclasses.replace(c, zorder=z) for c in style.categories))


def proj_text(crs: Any) -> str:
    """A custom CRS as its PROJ string (what a planner can compare with another program's)."""
    import warnings

    with warnings.catch_warnings():  # "you will likely lose information": it is only shown
        warnings.simplefilter("ignore", UserWarning)
        return crs.to_proj4() or crs.to_wkt()[:60]


def describe_crs(crs: Any) -> str:
    """Chinese description of a CRS for the footer, e.g. ``2000国家大地坐标系 高斯-克吕格投影 3度带
    中央经线105°E（EPSG:4544）``; other CRSs by their name and code."""
    from pyproj import CRS

    if crs is None:
        return "未定义坐标系"
    c = CRS.from_user_input(crs)
    epsg = c.to_epsg()
    code = f"EPSG:{epsg}" if epsg else ""
    datum = (c.datum.name if c.datum else "") or ""
    if "2000" in datum and "China" in datum:
        text = "2000国家大地坐标系"
        params = {p.name: p.value for p in (c.coordinate_operation.params if c.coordinate_operation else [])}
        lon0 = params.get("Longitude of natural origin")
        if "Gauss-Kruger" in c.name and lon0 is not None:
            band = "3度带" if "3-degree" in c.name else "6度带"  # EPSG names 6° zones without "6-degree"
            text += f" 高斯-克吕格投影 {band} 中央经线{lon0:g}°E"
        return f"{text}（{code}）" if code else text
    if c.name in ("", "unknown"):  # a PROJ string or a .prj without a name: say it is custom
        if epsg:
            return f"自定义坐标系（等同 {code} {CRS.from_epsg(epsg).name}）"
        return f"自定义坐标系（{proj_text(c)}）"
    return f"{c.name}（{code}）" if code else c.name


def _working_crs(layers: Mapping[str, gpd.GeoDataFrame]) -> Any:
    for gdf in layers.values():
        if gdf is not None and gdf.crs is not None:
            return gdf.crs
    return None


def _extent(layers: Mapping[str, gpd.GeoDataFrame], theme: Theme, highlight: Any) -> tuple[float, float, float, float]:
    """Ground a sheet shows by default: the township; on a county sheet the theme's ``frame``
    (its first layer with features, widened by :data:`FRAME_MARGIN`), else the county."""
    if highlight is not None:
        return tuple(highlight.bounds)  # type: ignore[return-value]
    for key in theme.frame:
        gdf = layers.get(key)
        if gdf is None or not len(gdf):
            continue
        x0, y0, x1, y1 = (float(v) for v in gdf.total_bounds)
        if np.isfinite([x0, y0, x1, y1]).all():
            mx, my = (x1 - x0) * FRAME_MARGIN, (y1 - y0) * FRAME_MARGIN
            return (x0 - mx, y0 - my, x1 + mx, y1 + my)
    keys = [k for k in ("admin_units",) if k in layers and layers[k] is not None and len(layers[k])]
    keys = keys or [k for k in theme.layer_keys if k in layers and layers[k] is not None and len(layers[k])]
    if not keys:
        raise CRSError("Nothing to draw: none of the theme's layers was given.", "没有可绘制的内容：未提供该专题的任何图层。",
                       hint_en="Check the project's layers and roles.", hint_zh="请检查项目中的图层及其角色设置。")
    b = np.array([layers[k].total_bounds for k in keys])
    return (float(np.nanmin(b[:, 0])), float(np.nanmin(b[:, 1])), float(np.nanmax(b[:, 2])), float(np.nanmax(b[:, 3])))


def _align(layers: Mapping[str, gpd.GeoDataFrame], crs: Any) -> dict[str, gpd.GeoDataFrame]:
    out = {}
    for k, gdf in layers.items():
        if gdf is not None and crs is not None and gdf.crs is not None and gdf.crs != crs:
            gdf = gdf.to_crs(crs)
        out[k] = gdf
    return out


def compose_map(layers: Mapping[str, gpd.GeoDataFrame], theme: Theme, *,
                extent: tuple[float, float, float, float] | None = None, paper: str | tuple[float, float] = "A3",
                orientation: str = "landscape", dpi: float = 300, title: str | None = None,
                subtitle: str | None = None, metadata: Mapping[str, Any] | None = None,
                crs_label: str | None = None, indicators: Mapping[str, Any] | None = None,
                highlight: Any = None, rasters: Mapping[str, Any] | None = None,
                locator: gpd.GeoDataFrame | None = None, styles: Mapping[str, Mapping[str, Any]] | None = None,
                code_system: str = "sandiao", rasterize_dense: bool = True,
                frames: Sequence[str] | None = None, region: gpd.GeoDataFrame | None = None,
                vector_max_features: int | None = None) -> Figure:
    """Lay out a planning map sheet (图名, map at a round scale, 图例, 指标, 区位图, 图廓, footer).

    Parameters
    ----------
    layers : mapping of layer key -> GeoDataFrame
        Role or analysis-result layers, in one projected CRS (others are reprojected to
        the first one's); the keys the theme lists are drawn.
    theme : Theme
        From :func:`greenplan.render.themes.get_theme`.
    extent : (xmin, ymin, xmax, ymax), optional
        Ground to show (metres); default: ``highlight``'s bounds, else the theme's
        ``frame`` (the built-up area of the greening themes, plus 10 %), else the admin
        units, else every drawn layer. It is widened to fill the frame at a round scale 1:N.
    paper : "A4" | "A3" | "A2" | "A1" | "A0" or (width_mm, height_mm)
    orientation : "landscape" | "portrait"
    dpi : float
        Output resolution; geometry is simplified to half an output pixel.
    title, subtitle : str, optional
        Default title: ``metadata["project_name"]`` + the theme title; subtitle: the theme's.
    metadata : mapping
        ``organisation``, ``date``, ``data_source``, ``coordinate_system``,
        ``height_datum``, ``map_review_no`` (审图号), ``project_name`` (all optional).
    crs_label : str, optional
        Added to the footer's coordinate system text (e.g. ``EPSG:4544``) if not in it.
    indicators : mapping, optional
        ``indicators.json`` content (or its ``indicators`` table): ``{key: {value, unit,
        grade, pass, baseline?}}``; the theme's keys present are tabulated.
    highlight : shapely geometry, optional
        A township (in the layers' CRS): outlined, everything else behind a white veil.
    rasters : mapping of key -> path, optional
    locator : GeoDataFrame, optional
        The county's townships (admin units) for the locator inset.
    styles : mapping of key -> dict, optional
        Project style overrides per layer key.
    code_system : {"sandiao", "yongdi2023"}
    frames : sequence of {"current", "scenario"}, optional
        Map frames side by side at one scale and extent (default: the theme's
        ``frames``; none: one frame). A ``current`` frame (现状) leaves out the scenario
        layers, a ``scenario`` frame (方案) draws them; one legend lists both.
    region : GeoDataFrame, optional
        The administrative units around the county (role ``region_units``): the locator of
        a sheet showing the whole county shows it among them.
    rasterize_dense, vector_max_features
        As :func:`draw_map`: in PDF/SVG a layer with more features in view than
        ``vector_max_features`` is an image, all else is vector.

    Returns
    -------
    matplotlib.figure.Figure
        With a canvas attached (Agg); :func:`~greenplan.render.layout.sheet_info` gives
        its scale, extent and CRS; :func:`~greenplan.render.layout.frame_axes` its map
        frames (the first is labelled ``map``).

    Raises
    ------
    CRSError
        The layers are in a geographic CRS (degrees) or nothing can be drawn.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    ensure_cjk_font()
    metadata = dict(metadata or {})
    crs = _working_crs(layers)
    if crs is not None and not crs.is_projected:
        raise CRSError("The map layers are in a geographic CRS (degrees); maps need metres.",
                       "图层为地理坐标系（单位为度），制图需要投影坐标系（米）。", hint_en="Set the project's working CRS, e.g. EPSG:4544.",
                       hint_zh="请设置项目工作坐标系，例如 EPSG:4544。")
    layers = _align(layers, crs)
    locator, region = (_align({"k": g}, crs)["k"] if g is not None else None for g in (locator, region))
    kinds = tuple(theme.frames if frames is None else frames) or ("",)
    subtitle = subtitle if subtitle is not None else (theme.subtitle or None)
    title = title or f"{metadata.get('project_name', '')}{theme.title}"
    lay = sheet_layout(paper, orientation, subtitle=bool(subtitle), frames=len(kinds))
    ext, scale = fit_extent(extent or _extent(layers, theme, highlight), lay.frame.w, lay.frame.h)
    pixel_size = scale / 1000.0 * 25.4 / dpi
    with matplotlib.rc_context(font_rc()):
        fig = Figure(figsize=(lay.width / 25.4, lay.height / 25.4), dpi=dpi, facecolor="white")
        FigureCanvasAgg(fig)
        sheet = fig.add_axes((0, 0, 1, 1), label="sheet", zorder=0)
        sheet.set_xlim(0, lay.width)
        sheet.set_ylim(0, lay.height)
        sheet.set_axis_off()
        axes = []
        for i, (kind, fr) in enumerate(zip(kinds, lay.frames, strict=True)):
            # the first frame is "map" (the world file's frame), the others "map:<kind>"
            ax = fig.add_axes((fr.x / lay.width, fr.y / lay.height, fr.w / lay.width, fr.h / lay.height),
                              label="map" if i == 0 else f"map:{kind}", zorder=1)
            ax.set_xlim(ext[0], ext[2])
            ax.set_ylim(ext[1], ext[3])
            ax.set_autoscale_on(False)
            drawn = dataclasses.replace(theme, layers=theme.frame_layers(kind)) if kind else theme
            draw_map(ax, layers, drawn, extent=ext, pixel_size=pixel_size, rasters=rasters, styles=styles,
                     code_system=code_system, width_scale=lay.f, rasterize_dense=rasterize_dense, crs=crs,
                     vector_max_features=vector_max_features, reserved=deco.furniture_boxes(ext, scale, lay.f),
                     label_focus=highlight)
            if highlight is not None:
                _draw_highlight(ax, highlight, ext, lay.f, (styles or {}).get("highlight"))
            deco.draw_grid(ax, ext, lay.f)
            if kind:
                _draw_frame_title(ax, FRAME_KINDS.get(kind, kind), lay.f)
            axes.append(ax)
        ax = axes[0]  # one scale bar and north arrow: the frames share scale and extent
        deco.draw_scale_bar(ax, ext, scale, lay.f)
        deco.draw_north_arrow(axes[-1], ext, scale, lay.f)
        deco.draw_border(sheet, lay)
        deco.draw_title(sheet, lay, title, subtitle)
        crs_text = metadata.get("coordinate_system") or describe_crs(crs)
        if crs_label and crs_label not in crs_text:
            crs_text += f"（{crs_label}）"
        if metadata.get("height_datum") and metadata["height_datum"] not in crs_text:
            crs_text += f"，{metadata['height_datum']}"
        deco.draw_footer(sheet, lay, metadata, crs_text)
        _draw_panel(fig, sheet, lay, axes, theme, indicators, locator, ext, highlight, region)
    register_sheet(fig, SheetInfo(ext, scale, crs.to_wkt() if crs is not None else None, float(dpi), title,
                                  str(metadata.get("organisation", "")), tuple(k for k in kinds if k)))
    return fig


def _draw_frame_title(ax: Axes, text: str, f: float) -> None:
    """The small title of a map frame (现状 / 方案), in a box at its upper left corner."""
    t = ax.text(0.012, 0.988, text, transform=ax.transAxes, ha="left", va="top", fontsize=11.0 * f,
                family=cjk_font_name(), zorder=deco.DECOR_Z + 2,
                bbox={"boxstyle": f"square,pad={0.35}", "facecolor": "white", "edgecolor": "#333333",
                      "linewidth": 0.6 * f})
    t.set_gid("frame-title")


def _frame_entries(axes: Sequence[Axes], theme: Theme) -> list:
    """The legend entries of all map frames, once each, in the theme's drawing order."""
    seen: dict[tuple[str, str], Any] = {}
    for a in axes:
        for e in legend_entries(a):
            seen.setdefault((e.key, e.style.id), e)
    order = {k: i for i, k in enumerate(theme.layer_keys)}
    return sorted(seen.values(), key=lambda e: order.get(e.key, len(order)))


def _draw_highlight(ax: Axes, highlight: Any, ext, f: float, style: Mapping[str, Any] | None = None) -> None:
    """Veil everything but ``highlight`` and outline it in the ``highlight`` style (a colour no
    other layer uses); the outline is in the legend as 本乡镇范围 (the label by unit level
    comes in ``style``, from ``jobs.sheet.draw_sheet``)."""
    import shapely
    from matplotlib.patches import PathPatch

    from greenplan.render.draw import LegendEntry, record_entry
    from greenplan.render.geometry import polygon_path
    from greenplan.render.styles import resolve_style

    s = scaled(resolve_style("highlight", style), f)
    veil = shapely.difference(shapely.box(*ext), highlight)
    for geom, kw in ((veil, {"facecolor": (1, 1, 1, 0.6), "edgecolor": "none"}),
                     (highlight, {"facecolor": "none", "edgecolor": s.edge, "linewidth": s.width,
                                  "linestyle": s.linestyle})):
        path = polygon_path(np.asarray(shapely.get_parts([geom]), dtype=object))
        if path is not None:
            p = PathPatch(path, zorder=_MASK_Z, **kw)
            p.set_gid("highlight")
            ax.add_artist(p)
    record_entry(ax, LegendEntry("highlight", s, "polygon"))


def _draw_panel(fig: Figure, sheet: Axes, lay, axes: Sequence[Axes], theme: Theme, indicators, locator, ext, highlight,
                region=None) -> None:
    from greenplan.render.layout import Box

    f, box = lay.f, lay.panel
    gap = 3.0 * f
    rows = panels.indicator_rows(indicators, theme.indicators)
    entries = _frame_entries(axes, theme)
    has_loc = locator is not None and len(locator) > 0
    if lay.landscape:
        h_tab = min(panels.table_height(len(rows), f), box.h * 0.4)
        free = box.h - h_tab - gap * (has_loc + (h_tab > 0))
        # the legend is as tall as its lines (in columns when they are many), leaving the
        # locator at least a wide box; the locator takes the rest
        min_loc = min(box.w * 0.6, free * 0.35) if has_loc else 0.0
        h_leg = panels.legend_height(entries, f, box.w, free - min_loc)
        h_loc = free - h_leg if has_loc else 0.0
        y = box.y1 - h_leg
        panels.draw_legend(sheet, Box(box.x, y, box.w, h_leg), entries, f)
        if h_tab:
            y -= gap + h_tab
            panels.draw_indicator_table(sheet, Box(box.x, y, box.w, h_tab), rows, indicator_labels(), f)
        if has_loc:
            panels.draw_locator(fig, sheet, Box(box.x, box.y, box.w, h_loc), lay, locator, ext, highlight, region)
        return
    shares = [0.38, 0.40 if rows else 0.0, 0.22 if has_loc else 0.0]  # the table has up to 5 columns
    total = sum(shares)
    widths = [(box.w - gap * (sum(s > 0 for s in shares) - 1)) * s / total for s in shares]
    x = box.x
    panels.draw_legend(sheet, Box(x, box.y, widths[0], box.h), entries, f)
    x += widths[0] + gap
    if rows:  # full height, like its neighbours; rows from the top
        panels.draw_indicator_table(sheet, Box(x, box.y, widths[1], box.h), rows, indicator_labels(), f)
        x += widths[1] + gap
    if has_loc:
        panels.draw_locator(fig, sheet, Box(x, box.y, widths[2], box.h), lay, locator, ext, highlight, region)
