"""The sheet's side panel: legend (图例), indicator table (主要指标) and locator inset (区位图).

All placed in paper millimetres on the sheet Axes. The legend lists what
:mod:`greenplan.render.draw` recorded as drawn, so a layer missing from the data, or a
land-use class with no parcel in view, is not listed.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from greenplan.render.decorations import fit_size, outlined_text
from greenplan.render.decorations import text as _text
from greenplan.render.draw import LegendEntry
from greenplan.render.layout import Box, SheetLayout
from greenplan.render.styles import rgba

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_PASS, _FAIL, _GREY, _WARN = "#1a7f37", "#c62828", "#555555", "#b26a00"
#: evaluation text colour by status (greenplan.analysis.wording.status)
_COLOURS = {"pass": _PASS, "fail": _FAIL, "ungraded": _WARN, "none": _GREY}


def _section(sheet: Axes, box: Box, title: str, f: float) -> float:
    """Frame and header of a panel section; returns the y below the header (mm)."""
    from matplotlib.patches import Rectangle

    r = Rectangle((box.x, box.y), box.w, box.h, fill=False, linewidth=0.6 * f, edgecolor="#333333")
    r.set_gid("panel-frame")
    sheet.add_patch(r)
    outlined_text(sheet, box.x + box.w / 2, box.y1 - 4.5 * f, title, 10.5 * f, "panel-title", stroke="black",
                  stroke_width=0.35 * f, ha="center", va="center")
    return box.y1 - 9.0 * f


# ----------------------------------------------------------------------------- legend
#: The order of the legend, decided here and nowhere else (issue #14; 国土空间规划 map
#: practice): the three control lines, always in this order; then analysis results and
#: planning content (every key not named below, top layer first); then the base layers
#: (land use, water, roads, buildings); last the boundaries (the sheet's own unit, then
#: the administrative boundaries).
LEGEND_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("control_lines", ("ecological_redline", "permanent_farmland", "urban_boundary")),
    ("content", ()),
    ("base", ("land_use", "rivers", "roads", "buildings")),
    ("boundaries", ("highlight", "admin_units")),
)
_CONTENT = 1  # index of the section of every key not named in LEGEND_SECTIONS

#: a base layer of more classes than this is the first thing made compact (one line,
#: "土地利用现状（底图）" with a strip of its colours) when the legend does not fit
_COLLAPSIBLE_CLASSES = 4
_ROW_MM, _HEAD_MM, _PAD_MM = 6.2, 9.0, 3.0
#: narrowest legend column (mm at A3); a column must also hold its labels at 3/4 size
_MIN_COL_MM = 30.0


def _swatch(sheet: Axes, e: LegendEntry, x: float, y: float, w: float, h: float, f: float) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    s = e.style
    if e.parts:  # a base layer in one line: a strip of the colours of its classes drawn
        n = len(e.parts)
        for i, part in enumerate(e.parts):
            r = Rectangle((x + i * w / n, y), w / n, h, facecolor=rgba(part.fill or "#e6e6e6", part.alpha),
                          edgecolor="none", zorder=3)
            r.set_gid("legend-swatch")
            sheet.add_patch(r)
        sheet.add_patch(Rectangle((x, y), w, h, fill=False, linewidth=0.3 * f, edgecolor="#b0b0b0", zorder=4))
        return
    if e.kind == "raster":
        grad = np.linspace(0, 1, 64)[None, :]
        im = sheet.imshow(grad, extent=(x, x + w, y, y + h), cmap=s.cmap, aspect="auto", zorder=3,
                          interpolation="bilinear")
        im.set_gid("legend-swatch")
        sheet.add_patch(Rectangle((x, y), w, h, fill=False, linewidth=0.3 * f, edgecolor="#666666", zorder=4))
        return
    if e.kind == "line":
        ym = y + h / 2
        lw = min(max(s.width, 0.6), 3.0 * f)
        if s.casing and s.casing_width > 0:
            sheet.add_line(Line2D([x, x + w], [ym, ym], color=s.casing, linewidth=lw + 2 * min(s.casing_width, 0.8 * f),
                                  solid_capstyle="butt", zorder=3))
        ln = Line2D([x, x + w], [ym, ym], color=rgba(s.edge, s.alpha), linewidth=lw, linestyle=s.linestyle,
                    solid_capstyle="butt", zorder=4)
        ln.set_gid("legend-swatch")
        sheet.add_line(ln)
        return
    face = rgba(s.fill, s.alpha) if s.fill else "none"
    edge = s.edge if (s.edge and (e.edges or not s.fill)) else "none"
    if face == "none" and edge == "none":
        edge = "#999999"
    kw: dict[str, Any] = {}
    if s.hatch:
        kw = {"hatch": s.hatch, "hatchcolor": s.hatch_color or s.edge or "#000000"}
    r = Rectangle((x, y), w, h, facecolor=face, edgecolor=edge, linewidth=min(max(s.width, 0.4), 1.8 * f),
                  linestyle=s.linestyle if edge != "none" else "-", zorder=3, **kw)
    if s.hatch:
        r.set_hatch_linewidth(0.5)
    if face != "none" and edge == "none" and sum(face[:3]) / 3 * face[3] + (1 - face[3]) > 0.9:
        r.set_edgecolor("#b0b0b0")  # a pale fill (耕地, 留白) needs a rim to show on white paper
        r.set_linewidth(0.3 * f)
    r.set_gid("legend-swatch")
    sheet.add_patch(r)


def _colour_bar(sheet: Axes, e: LegendEntry, x: float, y: float, w: float, row_h: float, size: float, f: float) -> None:
    """A raster ramp's colour bar across the column, with tick marks and values under it."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    assert e.ramp is not None
    cmap, ticks = e.ramp
    inset = 2.5 * f  # room for the end labels, centred on their ticks
    x0, x1 = x + inset, x + w - inset
    y0, y1 = y + 0.5 * row_h, y + 0.92 * row_h
    im = sheet.imshow(np.linspace(0, 1, 256)[None, :], extent=(x0, x1, y0, y1), cmap=cmap, vmin=0.0, vmax=1.0,
                      aspect="auto", zorder=3, interpolation="nearest", alpha=e.style.alpha)
    im.set_gid("legend-colorbar")
    sheet.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, linewidth=0.3 * f, edgecolor="#666666", zorder=4))
    tick_size = min(size * 0.8, 6.5 * f)
    for pos, label in ticks:
        if not 0.0 <= pos <= 1.0:
            continue
        tx = x0 + pos * (x1 - x0)
        sheet.add_line(Line2D([tx, tx], [y0 - 0.8 * f, y0], color="#333333", linewidth=0.3 * f, zorder=4))
        _text(sheet, tx, y0 - 1.0 * f, label, tick_size, "legend-tick", ha="center", va="top")


def _section_rank(key: str, order: int) -> tuple[int, int]:
    for i, (_, keys) in enumerate(LEGEND_SECTIONS):
        if key in keys:
            return (i, keys.index(key))
    return (_CONTENT, -order)  # content: the top layer first


def _source(items: Sequence[LegendEntry]) -> str:
    """What a layer is called when a label must say where it comes from (``土地利用现状``)."""
    name = items[0].group or items[0].key
    return name.split("（")[0] or name


def legend_rows(entries: Sequence[LegendEntry], compact: Sequence[str] = ()) -> list[LegendEntry | str]:
    """Legend lines in :data:`LEGEND_SECTIONS` order: a single-symbol layer as one line, a
    categorized layer as its label (a heading, ``str``) followed by its classes in palette order.

    Every symbol is listed once (entries drawn twice, e.g. in two map frames, count once),
    and every label once: a class whose label an earlier line already has is named with its
    source (``公园绿地（土地利用现状）`` after the green-space layer's ``公园绿地``). The
    layers of ``compact`` are one line each: their label over a strip of their classes' colours.

    Examples
    --------
    >>> from greenplan.render.draw import LegendEntry
    >>> from greenplan.render.styles import resolve_style
    >>> rows = legend_rows([LegendEntry(k, resolve_style(k), "polygon") for k in
    ...                     ("admin_units", "urban_boundary", "idle_land", "ecological_redline")])
    >>> [r.style.label for r in rows]
    ['生态保护红线', '城镇开发边界', '闲置土地', '乡镇（街道）界']
    """
    groups: dict[str, list[LegendEntry]] = {}
    seen_ids: set[tuple[str, str]] = set()
    for e in entries:
        if (e.key, e.style.id) not in seen_ids:
            seen_ids.add((e.key, e.style.id))
            groups.setdefault(e.key, []).append(e)
    keys = sorted(groups, key=lambda k: _section_rank(k, list(groups).index(k)))
    rows: list[LegendEntry | str] = []
    labels: set[str] = set()

    def unique(text: str, items: Sequence[LegendEntry]) -> str:
        if text in labels:
            text = f"{text}（{_source(items)}）"
        n = 2
        base = text
        while text in labels:  # the same label twice in one layer (a project's own classes)
            text, n = f"{base}{n}", n + 1
        labels.add(text)
        return text

    for key in keys:
        items = groups[key]
        if key in compact and items[0].group and len(items) > 1 and items[0].ramp is None:
            parts = tuple(e.style for e in items)
            style = dataclasses.replace(items[0].style, id=key, label=unique(items[0].group, items))
            rows.append(LegendEntry(key, style, "polygon", edges=False, group=items[0].group, parts=parts))
            continue
        if items[0].group and (len(items) > 1 or items[0].style.label != items[0].group or items[0].ramp is not None):
            rows.append(unique(items[0].group, items))  # a raster ramp: its title, then the colour bar
        for e in items:
            if e.ramp is not None:
                rows.append(e)
                continue
            label = unique(e.style.label, items)
            rows.append(e if label == e.style.label else dataclasses.replace(e, style=dataclasses.replace(e.style, label=label)))
    return rows


@dataclass(frozen=True)
class LegendLayout:
    """How a legend fills its box: the columns of lines, row height (mm) and text size (pt)."""

    columns: list[list[LegendEntry | str]]
    row_h: float
    size: float
    height: float


@functools.lru_cache(maxsize=2048)
def _width_per_pt(text: str) -> float:
    from greenplan.render.decorations import text_width_mm

    return text_width_mm(text, 10.0) / 10.0


def _fits_width(rows: Sequence[LegendEntry | str], col_w: float, size: float, f: float) -> bool:
    """Every label of ``rows`` fits its column at three quarters of ``size`` or more."""
    sw = size * 1.0  # the swatch is as wide (mm) as the text is tall (pt): 8 mm at 8 pt
    for item in rows:
        if isinstance(item, str):
            room, text = col_w - 2.0 * f, item
        elif item.ramp is not None:
            continue
        else:
            room, text = col_w - sw - 2.5 * f, item.style.label
        if _width_per_pt(text) * size * 0.75 > room:
            return False
    return True


def legend_layout(entries: Sequence[LegendEntry], width: float, max_height: float, f: float) -> LegendLayout:
    """The layout of a legend ``width`` mm wide and at most ``max_height`` mm tall.

    Tried in this order, the first that fits wins: one column, then more (each at least
    :data:`_MIN_COL_MM` wide and wide enough for its labels); the same with rows down to
    80 %; the same with a base layer's classes in one line (``compact``: land use first, then
    the next base layer of most classes); last, rows shrunk until it fits. The height is
    what the lines need, so the box fits its content. Columns break between layers where
    they can, never leaving one class of a layer alone at a column's foot or head.
    """
    pad, head = _PAD_MM * f, _HEAD_MM * f
    avail_w = width - 2 * pad
    max_cols = max(1, int(avail_w // (_MIN_COL_MM * f))) if math.isfinite(width) else 1
    keys = dict.fromkeys(e.key for e in entries)
    counts = {k: sum(1 for e in entries if e.key == k) for k in keys}
    base = LEGEND_SECTIONS[2][1]
    # the base layers made compact one after the other, the one of most classes first
    order = sorted((k for k in keys if k in base and counts[k] > _COLLAPSIBLE_CLASSES), key=lambda k: -counts[k])
    stages = [tuple(order[:i]) for i in range(len(order) + 1)]
    compact = stages[-1]

    def layout(rows: list, n: int, k: float, limit: float = math.inf) -> LegendLayout:
        row_h = _ROW_MM * f * k
        per_col = max(1, math.ceil(len(rows) / n))
        cols = _columns(rows, per_col)
        while len(cols) > n:
            per_col += 1
            cols = _columns(rows, per_col)
        # a column or two longer, if that keeps a layer's classes together
        options = [cols] + [c for c in (_columns(rows, per_col + d) for d in (1, 2, 3)) if len(c) <= n
                            and head + max(map(len, c)) * row_h + pad <= limit]
        cols = min(options, key=_split_cost)
        height = head + max((len(c) for c in cols), default=1) * row_h + pad
        return LegendLayout(cols, row_h, 8.0 * f * k, height)

    for comp in stages:
        rows = legend_rows(entries, comp)
        for k in (1.0, 0.9, 0.8):
            for n in range(1, max_cols + 1):
                if n > 1 and not _fits_width(rows, avail_w / n, 8.0 * f * k, f):
                    break
                lay = layout(rows, n, k, max_height + 1e-9)
                if lay.height <= max_height + 1e-9:
                    return lay
    # nothing fits at 80 %: every column used, rows shrunk to the box (labels shrink with them)
    rows = legend_rows(entries, compact)
    n = max(1, max_cols)
    lay = layout(rows, n, 1.0)
    lines = max(len(c) for c in lay.columns) if lay.columns else 1
    k = max(0.05, (max_height - head - pad) / (lines * _ROW_MM * f))
    return LegendLayout(lay.columns, _ROW_MM * f * k, 8.0 * f * k, head + lines * _ROW_MM * f * k + pad)


def legend_height(entries: Sequence[LegendEntry], f: float, width: float = math.inf,
                  max_height: float = math.inf) -> float:
    """Height (mm) the legend of ``entries`` needs in a box ``width`` mm wide, at most
    ``max_height`` (one column when the width is not given)."""
    return legend_layout(entries, width, max_height, f).height


def draw_legend(sheet: Axes, box: Box, entries: Sequence[LegendEntry], f: float) -> Axes:
    """The legend in ``box``: a swatch and the Chinese label of every drawn style class.

    Lines follow :func:`legend_rows` (:data:`LEGEND_SECTIONS` order); the columns, row
    height and compact base layers are those of :func:`legend_layout` for the box, so
    nothing is drawn outside it. The heading is the plain word 图例 (it extracts as such).
    """
    top = _section(sheet, box, "图例", f)
    if not entries:
        return sheet
    lay = legend_layout(entries, box.w, box.h, f)
    pad = _PAD_MM * f
    col_w = (box.w - 2 * pad) / len(lay.columns)
    row_h, size = lay.row_h, lay.size
    sw = size * 1.0  # as in _fits_width
    for c, col in enumerate(lay.columns):
        x = box.x + pad + c * col_w
        for r, item in enumerate(col):
            y = top - (r + 1) * row_h
            if isinstance(item, str):
                outlined_text(sheet, x, y + 0.42 * row_h, item, fit_size(item, size * 0.95, col_w - 2 * f, 1.0),
                              "legend-group", stroke="#333333", stroke_width=0.25 * f, va="center", color="#333333")
                continue
            if item.ramp is not None:
                _colour_bar(sheet, item, x, y, col_w - 2.0 * f, row_h, size, f)
                continue
            _swatch(sheet, item, x, y + 0.18 * row_h, sw, 0.62 * row_h, f)
            label = item.style.label
            _text(sheet, x + sw + 1.8 * f, y + 0.49 * row_h, label, fit_size(label, size, col_w - sw - 2.5 * f, 1.0),
                  "legend-label", va="center")
    return sheet


def continued(heading: str) -> str:
    """A layer's heading atop the column its classes continue in.

    Examples
    --------
    >>> continued("河流水系"), continued("土地利用现状（底图）")
    ('河流水系（续）', '土地利用现状（底图，续）')
    """
    return f"{heading[:-1]}，续）" if heading.endswith("）") else f"{heading}（续）"


def _split_cost(cols: list[list]) -> int:
    """How badly ``cols`` split layers: 1 per continued layer, 3 when one side has a single class."""
    cost = 0
    for prev, col in itertools.pairwise(cols):
        if not (col and isinstance(col[0], str) and col[0].endswith("续）")):
            continue
        tail = next((i for i, it in enumerate(col[1:]) if isinstance(it, str)), len(col) - 1)
        head = next((i for i, it in enumerate(reversed(prev)) if isinstance(it, str)), len(prev))
        cost += 3 if min(tail, head) <= 1 else 1
    return cost


def _columns(rows: list, per_col: int) -> list[list]:
    """Fill columns top to bottom; a heading never ends a column."""
    cols: list[list] = [[]]
    group = ""  # heading of the layer being listed, repeated as continued atop a new column
    for i, item in enumerate(rows):
        col = cols[-1]
        if isinstance(item, str):
            group = item
        elif item.group != group and not (item.group and group.startswith(item.group)):
            group = ""
        heading_at_end = isinstance(item, str) and len(col) == per_col - 1 and i + 1 < len(rows)
        if len(col) >= per_col or heading_at_end:
            cols.append([continued(group)] if group and not isinstance(item, str) else [])
        cols[-1].append(item)
    return cols


# ----------------------------------------------------------------------------- indicators
def format_indicator(obj: Mapping[str, Any], key: str = "") -> tuple[str, str, str]:
    """(value text, evaluation text, evaluation colour) of one ``indicators.json`` object.

    The words are those of :mod:`greenplan.analysis.wording`, as on every other surface.

    Examples
    --------
    >>> format_indicator({"value": 0.2406, "unit": "ratio", "grade": None, "pass": False})
    ('24.06%', '不达标', '#c62828')
    >>> format_indicator({"value": 35000.0, "unit": "m²", "pass": True})
    ('3.50 公顷', '达标', '#1a7f37')
    >>> format_indicator({"value": 0.175, "unit": "ratio", "grade": None, "pass": None,
    ...                   "ungraded": "unknown_codes", "bound": "lower"})
    ('≥ 17.50%（含未识别地类）', '未评级', '#b26a00')
    """
    from greenplan.analysis.wording import IndicatorView, evaluation, status, value_text

    ind = IndicatorView.from_dict(key, obj)
    return value_text(ind, "zh"), evaluation(ind, "zh"), _COLOURS[status(ind)]


def indicator_rows(indicators: Mapping[str, Any] | None, keys: Sequence[str]) -> list[tuple[str, Mapping[str, Any]]]:
    """(key, object) of each of ``keys`` present in ``indicators`` (an indicators.json dict)."""
    if not indicators:
        return []
    ind = indicators.get("indicators", indicators)
    return [(k, ind[k]) for k in keys if isinstance(ind.get(k), Mapping)]


def table_height(n_rows: int, f: float) -> float:
    return 9.0 * f + (n_rows + 1) * 6.0 * f + 3.0 * f if n_rows else 0.0


def draw_indicator_table(sheet: Axes, box: Box, rows: Sequence[tuple[str, Mapping[str, Any]]],
                         labels: Mapping[str, str], f: float) -> Axes:
    """Indicator table: name | (现状) | value | evaluation; a 现状 column appears when any row
    carries a ``baseline`` value (scenario maps)."""
    from matplotlib.patches import Rectangle

    top = _section(sheet, box, "主要指标", f)
    pad = 2.5 * f
    with_base = any("baseline" in obj for _, obj in rows)
    fr = (0.44, 0.19, 0.19, 0.18) if with_base else (0.52, 0.27, 0.21)
    heads = ("指标", "现状", "方案", "评价") if with_base else ("指标", "数值", "评价")
    widths = [(box.w - 2 * pad) * v for v in fr]
    xs = np.cumsum([box.x + pad, *widths[:-1]])
    lines: list[list[tuple[str, str]]] = [[(h, "#000000") for h in heads]]
    from greenplan.analysis.wording import IndicatorView, value_text

    for key, obj in rows:
        value, ev, colour = format_indicator(obj, key)
        cells = [(labels.get(key, key), "#000000")]
        if with_base:
            cells.append((value_text(IndicatorView.from_dict(key, obj), "zh", "baseline"), "#000000"))
        lines.append([*cells, (value, "#000000"), (ev, colour)])
    # rows shrink (with their text) when the box is too short for all of them
    row_h = min(6.0 * f, (top - box.y - pad) / len(lines))
    size = 7.5 * f * row_h / (6.0 * f)
    for r, cells in enumerate(lines):
        y = top - (r + 1) * row_h
        if r == 0 or r % 2 == 0:
            bg = Rectangle((box.x + pad, y), box.w - 2 * pad, row_h, facecolor="#e8eef4" if r == 0 else "#f5f5f5",
                           edgecolor="none", zorder=1)
            sheet.add_patch(bg)
        for c, (s, colour) in enumerate(cells):
            w = widths[c] - 1.5 * f
            ha = "left" if c == 0 else "center"
            x = xs[c] + (0.8 * f if c == 0 else widths[c] / 2)
            _text(sheet, x, y + row_h / 2, s, fit_size(s, size, w), "indicator-head" if r == 0 else f"indicator-{c}",
                  ha=ha, va="center", color=colour, zorder=2)
    return sheet


# ----------------------------------------------------------------------------- locator
def draw_locator(fig: Figure, sheet: Axes, box: Box, lay: SheetLayout, locator: gpd.GeoDataFrame,
                 extent: tuple[float, float, float, float], highlight: Any = None) -> Axes:
    """Locator inset: the county (``locator``) in grey, the map's extent (or ``highlight``) in red.

    Returns the inset Axes (label ``locator``).
    """
    import shapely
    from matplotlib.patches import PathPatch, Rectangle

    from greenplan.render.geometry import polygon_path

    top = _section(sheet, box, "区位图", lay.f)
    pad = 3.0 * lay.f
    rect = [(box.x + pad) / lay.width, (box.y + pad) / lay.height, (box.w - 2 * pad) / lay.width,
            (top - box.y - 2 * pad) / lay.height]
    ax = fig.add_axes(rect, label="locator", zorder=2)
    ax.set_axis_off()
    geoms = np.asarray(locator.geometry.values, dtype=object)
    path = polygon_path(geoms[~shapely.is_empty(geoms)])
    if path is not None:
        ax.add_artist(PathPatch(path, facecolor="#eeeeee", edgecolor="#444444", linewidth=0.5 * lay.f))
    x0, y0, x1, y1 = extent
    if highlight is not None:
        hp = polygon_path(np.asarray(shapely.get_parts([highlight]), dtype=object))
        if hp is not None:
            ax.add_artist(PathPatch(hp, facecolor=(0.85, 0.1, 0.1, 0.55), edgecolor="#c00000", linewidth=0.8 * lay.f))
    frame = Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="#e00000", linewidth=1.0 * lay.f)
    frame.set_gid("locator-extent")
    ax.add_artist(frame)
    lb = locator.total_bounds
    whole = x0 <= lb[0] and y0 <= lb[1] and x1 >= lb[2] and y1 >= lb[3]
    if whole:  # the map shows all of it: the inset shows the shape, no extent box
        frame.set_visible(False)
        gx0, gy0, gx1, gy1 = lb
    else:
        gx0, gy0 = min(lb[0], x0), min(lb[1], y0)
        gx1, gy1 = max(lb[2], x1), max(lb[3], y1)
    m = 0.04 * max(gx1 - gx0, gy1 - gy0)
    gx0, gy0, gx1, gy1 = gx0 - m, gy0 - m, gx1 + m, gy1 + m
    # widen the shorter side so that one metre is as long across as up (box aspect)
    box_aspect = (rect[2] * lay.width) / (rect[3] * lay.height)
    cx, cy = (gx0 + gx1) / 2, (gy0 + gy1) / 2
    hw, hh = (gx1 - gx0) / 2, (gy1 - gy0) / 2
    if hw / hh < box_aspect:
        hw = hh * box_aspect
    else:
        hh = hw / box_aspect
    ax.set_xlim(cx - hw, cx + hw)
    ax.set_ylim(cy - hh, cy + hh)
    return ax

