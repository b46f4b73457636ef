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

from greenplan.render.decorations import fit_size, outlined_text, text_width_mm
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
_LEG_ROW_MM, _LEG_HEAD_MM, _LEG_PAD_MM = 6.2, 9.0, 3.0
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
    they can, and avoid leaving one class of a layer alone at a column's foot or head.
    """
    pad, head = _LEG_PAD_MM * f, _LEG_HEAD_MM * f
    avail_w = width - 2 * pad
    max_cols = max(1, int(avail_w // (_MIN_COL_MM * f))) if math.isfinite(width) else 1
    keys = dict.fromkeys(e.key for e in entries)
    classes = {(e.key, e.style.id) for e in entries}  # two map frames draw the same classes
    counts = {k: sum(1 for key, _ in classes if key == k) for k in keys}
    base = LEGEND_SECTIONS[2][1]
    # the base layers made compact one after the other, the one of most classes first
    order = sorted((k for k in keys if k in base and counts[k] > _COLLAPSIBLE_CLASSES), key=lambda k: -counts[k])
    stages = [tuple(order[:i]) for i in range(len(order) + 1)]
    compact = stages[-1]

    def layout(rows: list, n: int, k: float, limit: float = math.inf) -> LegendLayout:
        row_h = _LEG_ROW_MM * f * k
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
    k = max(0.05, (max_height - head - pad) / (lines * _LEG_ROW_MM * f))
    return LegendLayout(lay.columns, _LEG_ROW_MM * f * k, 8.0 * f * k, head + lines * _LEG_ROW_MM * f * k + pad)


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
    pad = _LEG_PAD_MM * f
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


#: row height and font size of the indicator table at f = 1 (A3), mm and pt
_ROW_MM, _FONT_PT = 6.0, 7.5
#: smallest font (pt) a cell shrinks to
_MIN_PT = 4.0
#: column shares: name | value | evaluation, and name | 现状 | 方案 | 变化 | 评价 (scenario maps)
_COLUMNS = ((("指标", 0.48), ("数值", 0.30), ("评价", 0.22)),
            (("指标", 0.32), ("现状", 0.16), ("方案", 0.16), ("变化", 0.21), ("评价", 0.15)))


def table_height(n_rows: int, f: float) -> float:
    """Height (mm) the indicator table needs for ``n_rows`` rows: header, column heads, rows."""
    return 9.0 * f + (n_rows + 1) * _ROW_MM * f + 3.0 * f if n_rows else 0.0


def _cell(s: str, size: float, width: float, height: float) -> tuple[str, float]:
    """``s`` and its font size (pt) in a cell ``width`` × ``height`` mm: shrunk to the width;
    where that would make it much smaller, broken into two lines (before a bracket or at the
    last space: ``+2.30`` / ``个百分点``) when two lines fit the row."""
    from greenplan.render.decorations import text_width_mm
    from greenplan.render.layout import PT_MM

    one = fit_size(s, size, width, min_pt=0.1)
    cut = max(s.find("（"), s.rfind(" ") + 1 if " " in s.strip() else -1)
    if one >= 0.8 * size or cut <= 0:
        return s, min(size, max(one, _MIN_PT))
    lines = [s[:cut].rstrip(), s[cut:].lstrip()]
    two = min(size * width / max(text_width_mm(t, size) for t in lines), size, height / (2.3 * PT_MM))
    if two <= one:
        return s, min(size, max(one, _MIN_PT))
    return "\n".join(lines), two


def _column_widths(lines: Sequence[Sequence[tuple[str, str, int, int]]], shares: Sequence[float], avail: float,
                   size: float, f: float) -> list[float]:
    """Column widths (mm): each column its share of ``avail`` or, where wider, what its texts
    need at ``size`` (on one line, or two where a bracket starts a qualifier: ``建成区绿化覆盖率`` /
    ``（矢量法）``); all scaled down together when that is more than ``avail``
    (so a long value, e.g. one marked as measured on unknown codes, widens its column
    instead of shrinking alone)."""
    from greenplan.render.decorations import text_width_mm

    need = [0.0] * len(shares)
    for cells in lines:
        for s, _, c0, c1 in cells:
            if c0 == c1:  # a bracketed qualifier may go onto a second line (_cell)
                cut = s.find("（")
                parts = [s[:cut], s[cut:]] if cut > 0 else [s]
                need[c0] = max(need[c0], *(text_width_mm(t, size) + (2.3 if c0 == 0 else 1.5) * f for t in parts))
    widths = [max(n, share * avail) for n, share in zip(need, shares, strict=True)]
    return [w * avail / sum(widths) for w in widths]


def draw_indicator_table(sheet: Axes, box: Box, rows: Sequence[tuple[str, Mapping[str, Any]]],
                         labels: Mapping[str, str], f: float) -> Axes:
    """Indicator table: name | value | evaluation; on a scenario map (any row carries a
    ``baseline``) name | 现状 | 方案 | 变化 | 评价, the change in percentage points for
    percentages (:func:`greenplan.analysis.wording.delta_text`).

    A row whose indicator does not apply in the township (``not_applicable``: no built-up
    area ...) says why in one cell across the value columns (``不适用（本乡镇无建成区）``).
    Texts are shrunk (or broken into two lines) to stay inside their cells; rows shrink
    when the box is too short for all of them.
    """
    from matplotlib.patches import Rectangle

    from greenplan.analysis.wording import IndicatorView, delta_text, value_text

    top = _section(sheet, box, "主要指标", f)
    pad = 2.5 * f
    with_base = any("baseline" in obj for _, obj in rows)
    columns = _COLUMNS[with_base]
    black = "#000000"
    # each line: cells (text, colour, first column, last column)
    lines: list[list[tuple[str, str, int, int]]] = [[(h, black, c, c) for c, (h, _) in enumerate(columns)]]
    for key, obj in rows:
        ind = IndicatorView.from_dict(key, obj)
        value, ev, colour = format_indicator(obj, key)
        cells = [(labels.get(key, key), black, 0, 0)]
        if ind.is_not_applicable:
            cells.append((value, _GREY, 1, len(columns) - 1))
        elif with_base:
            cells += [(value_text(ind, "zh", "baseline"), black, 1, 1), (value, black, 2, 2),
                      (delta_text(ind, "zh"), black, 3, 3), (ev, colour, 4, 4)]
        else:
            cells += [(value, black, 1, 1), (ev, colour, 2, 2)]
        lines.append(cells)
    row_h = min(_ROW_MM * f, (top - box.y - pad) / len(lines))
    size = _FONT_PT * f * row_h / (_ROW_MM * f)
    widths = _column_widths(lines, [share for _, share in columns], box.w - 2 * pad, size, f)
    xs = np.cumsum([box.x + pad, *widths[:-1]])
    fitted = [[(*_cell(s, size, float(sum(widths[c0:c1 + 1])) - 1.5 * f, row_h), colour, c0, c1)
               for s, colour, c0, c1 in cells] for cells in lines]
    # one size per column (the smallest its rows need, not under the smallest font), so that
    # a column reads evenly; a text that needs less keeps its own
    col_pt: dict[tuple[int, int], float] = {}
    for cells in fitted[1:]:
        for _, pt, _, c0, c1 in cells:
            floor = min(size, max(pt, _MIN_PT))
            col_pt[c0, c1] = min(floor, col_pt.get((c0, c1), floor))
    for r, cells in enumerate(fitted):
        y = top - (r + 1) * row_h
        if r == 0 or r % 2 == 0:
            bg = Rectangle((box.x + pad, y), box.w - 2 * pad, row_h, facecolor="#e8eef4" if r == 0 else "#f5f5f5",
                           edgecolor="none", zorder=1)
            sheet.add_patch(bg)
        for text, pt, colour, c0, c1 in cells:
            left = c0 == 0
            x = xs[c0] + (0.8 * f if left else float(sum(widths[c0:c1 + 1])) / 2)
            _text(sheet, x, y + row_h / 2, text, pt if r == 0 else min(pt, col_pt[c0, c1]),
                  "indicator-head" if r == 0 else f"indicator-{c0}", ha="left" if left else "center", va="center",
                  color=colour, zorder=2, linespacing=1.0)
    return sheet


# ----------------------------------------------------------------------------- locator
#: the locator's view around the county in a region layer: at most this many county sizes
#: across (a province layer would otherwise shrink the county to a dot)
LOCATOR_REGION_SPAN = 4.0
_LOC_RED = (0.85, 0.1, 0.1, 0.55)


def draw_locator(fig: Figure, sheet: Axes, box: Box, lay: SheetLayout, locator: gpd.GeoDataFrame,
                 extent: tuple[float, float, float, float], highlight: Any = None,
                 region: gpd.GeoDataFrame | None = None) -> Axes:
    """Locator inset (区位图): where the map lies.

    - A township sheet (``highlight``): the county's townships, the township in red.
    - A county sheet framing part of the county (the built-up area): the townships, named,
      and the map's extent as a red rectangle.
    - A county sheet showing the whole county: with ``region`` (the administrative units
      around it, role ``region_units``) the county in red among them, named; without, the
      townships named.

    Parameters
    ----------
    locator : GeoDataFrame
        The county's townships (admin units), a ``name`` column labels them.
    extent : (xmin, ymin, xmax, ymax)
        The map frame's extent, metres.
    region : GeoDataFrame, optional
        Administrative units of the level above (the prefecture's counties, or its outline).

    Returns the inset Axes (label ``locator``); its artists carry gids ``locator-units``,
    ``locator-region``, ``locator-county``, ``locator-extent`` and texts ``locator-label``.
    """
    import shapely
    from matplotlib.patches import Rectangle

    top = _section(sheet, box, "区位图", lay.f)
    pad = 3.0 * lay.f
    rect = [(box.x + pad) / lay.width, (box.y + pad) / lay.height, (box.w - 2 * pad) / lay.width,
            (top - box.y - 2 * pad) / lay.height]
    ax = fig.add_axes(rect, label="locator", zorder=2)
    ax.set_axis_off()
    box_w_mm, box_h_mm = rect[2] * lay.width, rect[3] * lay.height
    x0, y0, x1, y1 = extent
    lb = locator.total_bounds
    whole = x0 <= lb[0] and y0 <= lb[1] and x1 >= lb[2] and y1 >= lb[3]
    regional = highlight is None and whole and region is not None and len(region) > 0
    if regional:
        cw, ch = lb[2] - lb[0], lb[3] - lb[1]
        half = LOCATOR_REGION_SPAN / 2 * max(cw, ch)
        cx, cy = (lb[0] + lb[2]) / 2, (lb[1] + lb[3]) / 2
        rb = region.total_bounds
        gx0, gy0 = max(min(rb[0], lb[0]), cx - half), max(min(rb[1], lb[1]), cy - half)
        gx1, gy1 = min(max(rb[2], lb[2]), cx + half), min(max(rb[3], lb[3]), cy + half)
    elif whole:  # the map shows all of it: the inset shows the shape, no extent box
        gx0, gy0, gx1, gy1 = lb
    else:
        gx0, gy0 = min(lb[0], x0), min(lb[1], y0)
        gx1, gy1 = max(lb[2], x1), max(lb[3], y1)
    m = 0.04 * max(gx1 - gx0, gy1 - gy0)
    gx0, gy0, gx1, gy1 = gx0 - m, gy0 - m, gx1 + m, gy1 + m
    # widen the shorter side so that one metre is as long across as up (box aspect)
    box_aspect = box_w_mm / box_h_mm
    cx, cy = (gx0 + gx1) / 2, (gy0 + gy1) / 2
    hw, hh = (gx1 - gx0) / 2, (gy1 - gy0) / 2
    if hw / hh < box_aspect:
        hw = hh * box_aspect
    else:
        hh = hw / box_aspect
    view = (cx - hw, cy - hh, cx + hw, cy + hh)
    ax.set_xlim(view[0], view[2])
    ax.set_ylim(view[1], view[3])
    mm = 2 * hw / box_w_mm  # metres per mm of paper in the inset
    units = _locator_geoms(locator, view, mm)
    if regional:
        assert region is not None
        around = _locator_geoms(region, view, mm)
        _add_polys(ax, around, "locator-region", facecolor="#f2f2f2", edgecolor="#777777", linewidth=0.4 * lay.f)
        county = shapely.union_all(shapely.buffer(units, 0.5 * mm))  # one outline, no township edges
        _add_polys(ax, np.asarray([county], dtype=object), "locator-county", facecolor=_LOC_RED, edgecolor="#c00000",
                   linewidth=0.8 * lay.f)
        _locator_labels(ax, region.iloc[_in_view(region, view)], mm, lay.f, skip=county)
        return ax
    _add_polys(ax, units, "locator-units", facecolor="#eeeeee", edgecolor="#444444", linewidth=0.5 * lay.f)
    if highlight is not None:
        _add_polys(ax, np.asarray(shapely.get_parts([highlight]), dtype=object), "locator-highlight",
                   facecolor=_LOC_RED, edgecolor="#c00000", linewidth=0.8 * lay.f)
    else:  # a county sheet names the townships
        _locator_labels(ax, locator, mm, lay.f)
    frame = Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="#e00000", linewidth=1.0 * lay.f, zorder=5)
    frame.set_gid("locator-extent")
    frame.set_visible(not whole)
    ax.add_artist(frame)
    return ax


def _in_view(gdf: gpd.GeoDataFrame, view: tuple[float, float, float, float]) -> np.ndarray:
    import shapely

    geoms = np.asarray(gdf.geometry.values, dtype=object)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return np.flatnonzero(ok & shapely.intersects(geoms, shapely.box(*view)))


def _locator_geoms(gdf: gpd.GeoDataFrame, view: tuple[float, float, float, float], mm: float) -> np.ndarray:
    """Polygons of ``gdf`` in ``view``, simplified to a tenth of a millimetre of the inset."""
    import shapely

    geoms = np.asarray(gdf.geometry.values, dtype=object)[_in_view(gdf, view)]
    return shapely.simplify(geoms, 0.1 * mm, preserve_topology=True)


def _add_polys(ax: Axes, geoms: np.ndarray, gid: str, **kw: Any) -> None:
    from matplotlib.patches import PathPatch

    from greenplan.render.geometry import polygon_path

    path = polygon_path(geoms) if len(geoms) else None
    if path is not None:
        p = PathPatch(path, **kw)
        p.set_gid(gid)
        ax.add_artist(p)


def _locator_labels(ax: Axes, gdf: gpd.GeoDataFrame, mm: float, f: float, skip: Any = None) -> None:
    """Names (``name`` column) of the polygons wide enough for them, at a point inside each;
    a polygon inside ``skip`` (the county itself, drawn in red) is named in dark red."""
    import shapely

    from greenplan.render.draw import label_texts

    if "name" not in gdf.columns or not len(gdf):
        return
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    geoms, names = geoms[ok], label_texts(gdf["name"].to_numpy(dtype=object)[ok])
    pts = shapely.point_on_surface(geoms)
    b = shapely.bounds(geoms)
    width_mm = (b[:, 2] - b[:, 0]) / mm
    size = 5.5 * f
    lim = ax.get_xlim(), ax.get_ylim()
    for pt, name, w in zip(pts, names, width_mm, strict=True):
        x, y = pt.x, pt.y
        if not (lim[0][0] < x < lim[0][1] and lim[1][0] < y < lim[1][1]):
            continue
        s = fit_size(str(name), size, 0.9 * w, min_pt=3.5 * f)
        if text_width_mm(str(name), s) > w:
            continue  # too narrow even for the smallest text
        inside = skip is not None and shapely.contains(skip, pt)
        t = ax.text(x, y, str(name), fontsize=s, ha="center", va="center", color="#8b0000" if inside else "#333333",
                    family=_font(), zorder=6, clip_on=True)
        t.set_gid("locator-label")


def _font() -> str:
    from greenplan.render.fonts import cjk_font_name

    return cjk_font_name()
