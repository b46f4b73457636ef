"""Map furniture: coordinate grid, scale bar, north arrow, border, title and footer.

The grid, scale bar and north arrow are drawn in the map Axes' data coordinates (metres):
the frame is at an exact scale 1:N, so ``mm * N / 1000`` converts paper millimetres to
ground metres and the scale bar's length in data units *is* the length on its label.
Sheet items (border, title, footer) are drawn in paper millimetres.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from greenplan.render.fonts import cjk_font_name
from greenplan.render.layout import PT_MM, SheetLayout, nice_step, scale_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

DECOR_Z = 50.0


def text_width_mm(text: str, size_pt: float) -> float:
    """Printed width of ``text`` in the bundled font at ``size_pt``, in mm."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(family=cjk_font_name(), size=size_pt)
    return text_to_path.get_text_width_height_descent(text, prop, ismath=False)[0] * PT_MM


def fit_size(text: str, size_pt: float, width_mm: float, min_pt: float = 4.0) -> float:
    """``size_pt`` reduced so that ``text`` fits in ``width_mm`` (not below ``min_pt``)."""
    w = text_width_mm(text, size_pt)
    return size_pt if w <= width_mm else max(min_pt, size_pt * width_mm / w)


def text(ax: Axes, x: float, y: float, s: str, size: float, gid: str, **kw: Any):
    """A text artist in the bundled CJK font, tagged ``gid`` (tests and tools find it by it)."""
    t = ax.text(x, y, s, fontsize=size, family=cjk_font_name(), **kw)
    t.set_gid(gid)
    return t


def outlined_text(ax: Axes, x: float, y: float, s: str, size: float, gid: str, *, stroke: str,
                  stroke_width: float, **kw: Any):
    """Text with an outline (a halo, or a heavier look: the font has no bold face).

    The outline is a second, path-only copy drawn underneath (``gid + "-outline"``), so the
    text itself stays real text: selectable and searchable in the PDF (a path effect on the
    text would turn it into outlines).
    """
    import matplotlib.patheffects as pe

    z = kw.pop("zorder", None)
    kw_under = {k: v for k, v in kw.items() if k != "color"}
    under = ax.text(x, y, s, fontsize=size, family=cjk_font_name(), color=stroke,
                    zorder=(z - 1e-3) if z is not None else None, **kw_under)
    under.set_path_effects([pe.Stroke(linewidth=stroke_width, foreground=stroke)])
    under.set_gid(f"{gid}-outline")
    return text(ax, x, y, s, size, gid, zorder=z, **kw)



def draw_grid(ax: Axes, extent: tuple[float, float, float, float], f: float) -> Axes:
    """Coordinate grid of the working CRS with labels in metres (left and bottom edges).

    The interval is a 1/2/5 x 10^k metres giving about three to six lines across the
    shorter side; labels are whole metres (``3330000``), the usual Gauss-Kruger notation.
    """
    x0, y0, x1, y1 = extent
    step = nice_step(min(x1 - x0, y1 - y0) / 3.0)
    xs = np.arange(np.ceil(x0 / step) * step, x1, step)
    ys = np.arange(np.ceil(y0 / step) * step, y1, step)
    # keep labels away from the corners, where they would meet the other edge's labels
    xs = xs[(xs - x0 > 0.04 * (x1 - x0)) & (x1 - xs > 0.04 * (x1 - x0))]
    ys = ys[(ys - y0 > 0.06 * (y1 - y0)) & (y1 - ys > 0.06 * (y1 - y0))]
    ax.set_xticks(xs, [f"{v:.0f}" for v in xs])
    ax.set_yticks(ys, [f"{v:.0f}" for v in ys])
    family = cjk_font_name()
    ax.tick_params(axis="both", which="both", direction="in", length=3.0 * f, width=0.5 * f,
                   labelsize=6.5 * f, labelfontfamily=family, pad=1.5 * f, top=True, right=True,
                   labeltop=False, labelright=False, colors="#222222")
    ax.tick_params(axis="y", labelrotation=90)
    for lbl in ax.get_yticklabels():
        lbl.set_verticalalignment("center")
    ax.grid(True, color="#555555", linewidth=0.3 * f, alpha=0.45, linestyle=(0, (6, 4)))
    ax.set_axisbelow(False)
    for sp in ax.spines.values():
        sp.set_linewidth(0.9 * f)
        sp.set_zorder(DECOR_Z + 5)
    return ax


def _segments(length: float) -> int:
    return 5 if round(length / 10 ** np.floor(np.log10(length)), 6) in (1.0, 5.0) else 4


def _scale_bar_geometry(extent: tuple[float, float, float, float], scale: int, f: float):
    """Bar length (m), unit, the bar's lower-left corner and its white box (metres)."""
    x0, y0, x1, _ = extent
    mm = scale / 1000.0
    length = nice_step(0.2 * (x1 - x0), (1.0, 2.0, 2.5, 5.0))
    unit = "千米" if length >= 1000 else "米"
    bar_h, pad = 1.6 * f * mm, 3.0 * f * mm
    bx, by = x0 + 5.0 * f * mm, y0 + 5.0 * f * mm + 3.5 * f * mm
    text_h = 7.0 * f * PT_MM * mm
    unit_w = text_width_mm(f"0 {unit}", 7.0 * f) * mm
    box = (bx - pad, by - pad - text_h - 1.0 * f * mm, bx - pad + length + 2 * pad + unit_w,
           by - pad - text_h - 1.0 * f * mm + bar_h + 2 * pad + 2 * text_h + 3.0 * f * mm)
    return length, unit, (bx, by), box


def _north_arrow_box(extent: tuple[float, float, float, float], scale: int, f: float) -> tuple[float, float, float, float]:
    _, _, x1, y1 = extent
    mm = scale / 1000.0
    h, w = 13.0 * f * mm, 6.0 * f * mm
    cx, base = x1 - 9.0 * f * mm, y1 - 9.5 * f * mm - h
    return (cx - w, base - 2.0 * f * mm, cx + w, base - 2.0 * f * mm + h + 10.0 * f * mm)


def furniture_boxes(extent: tuple[float, float, float, float], scale: int, f: float
                    ) -> list[tuple[float, float, float, float]]:
    """Boxes (metres, xmin, ymin, xmax, ymax) of the scale bar and the north arrow in the map
    frame, as :func:`draw_scale_bar` and :func:`draw_north_arrow` draw them: labels keep
    clear of them (:func:`greenplan.render.labels.place_labels`)."""
    return [_scale_bar_geometry(extent, scale, f)[3], _north_arrow_box(extent, scale, f)]


def draw_scale_bar(ax: Axes, extent: tuple[float, float, float, float], scale: int, f: float) -> Axes:
    """Graphic scale bar with round-number labels and the numeric scale, lower left.

    The bar is about a fifth of the frame width, rounded down to 1, 2, 2.5 or 5 x 10^k
    metres; labels are in 米 below 1 km, else 千米.
    """
    from matplotlib.patches import FancyBboxPatch, Rectangle

    mm = scale / 1000.0  # metres of ground per mm of paper
    length, unit, (bx, by), (bx0, by0, bx1, by1) = _scale_bar_geometry(extent, scale, f)
    nseg = _segments(length)
    div = 1000.0 if unit == "千米" else 1.0
    bar_h = 1.6 * f * mm
    size = 7.0 * f
    box = FancyBboxPatch((bx0, by0), bx1 - bx0, by1 - by0, boxstyle=f"round,pad=0,rounding_size={1.2 * f * mm}",
                         facecolor="white", edgecolor="#666666", linewidth=0.4 * f, alpha=0.9, zorder=DECOR_Z)
    box.set_gid("scalebar-box")
    ax.add_patch(box)
    seg = length / nseg
    for i in range(nseg):
        r = Rectangle((bx + i * seg, by), seg, bar_h, facecolor="black" if i % 2 == 0 else "white",
                      edgecolor="black", linewidth=0.5 * f, zorder=DECOR_Z + 1)
        r.set_gid("scalebar-seg")
        ax.add_patch(r)

    def fmt(v: float) -> str:
        s = f"{v / div:.3f}".rstrip("0").rstrip(".")
        return s

    for v, label in ((0.0, "0"), (length / 2, fmt(length / 2))):
        text(ax, bx + v, by - 0.8 * f * mm, label, size, "scalebar-label", ha="center", va="top",
              zorder=DECOR_Z + 2)
    # the last number centred on the bar's end, the unit after it
    half = text_width_mm(fmt(length), size) / 2 * mm
    text(ax, bx + length - half, by - 0.8 * f * mm, f"{fmt(length)} {unit}", size, "scalebar-label",
          ha="left", va="top", zorder=DECOR_Z + 2)
    text(ax, bx, by + bar_h + 1.2 * f * mm, f"比例尺 {scale_label(scale)}", size, "scale-numeric",
          ha="left", va="bottom", zorder=DECOR_Z + 2)
    return ax


def draw_north_arrow(ax: Axes, extent: tuple[float, float, float, float], scale: int, f: float) -> Axes:
    """North arrow (half black, half white, 北 above), upper right of the frame.

    Grid north of the projected CRS; in a Gauss-Kruger zone it differs from true north
    by the meridian convergence (under 1.5 degrees within a 3-degree zone).
    """
    from matplotlib.patches import FancyBboxPatch, Polygon

    _, _, x1, y1 = extent
    mm = scale / 1000.0
    h, w = 13.0 * f * mm, 6.0 * f * mm
    cx = x1 - 9.0 * f * mm
    top = y1 - 9.5 * f * mm
    base = top - h
    notch = base + 0.28 * h
    bx0, by0, bx1, by1 = _north_arrow_box(extent, scale, f)
    bg = FancyBboxPatch((bx0, by0), bx1 - bx0, by1 - by0,
                        boxstyle=f"round,pad=0,rounding_size={1.2 * f * mm}", facecolor="white",
                        edgecolor="#666666", linewidth=0.4 * f, alpha=0.9, zorder=DECOR_Z)
    bg.set_gid("north-arrow-box")
    ax.add_patch(bg)
    left = Polygon([(cx, top), (cx - w / 2, base), (cx, notch)], closed=True, facecolor="black",
                   edgecolor="black", linewidth=0.6 * f, zorder=DECOR_Z + 1)
    right = Polygon([(cx, top), (cx + w / 2, base), (cx, notch)], closed=True, facecolor="white",
                    edgecolor="black", linewidth=0.6 * f, zorder=DECOR_Z + 1)
    for p in (left, right):
        p.set_gid("north-arrow")
        ax.add_patch(p)
    text(ax, cx, top + 1.0 * f * mm, "北", 10.0 * f, "north-label", ha="center", va="bottom", zorder=DECOR_Z + 2)
    return ax


def draw_border(sheet: Axes, lay: SheetLayout) -> Axes:
    """Outer (thick) and inner (thin) border of the sheet (图廓)."""
    from matplotlib.patches import Rectangle

    b = lay.border
    outer = Rectangle((b.x, b.y), b.w, b.h, fill=False, linewidth=1.8 * lay.f, edgecolor="black")
    inset = 1.4 * lay.f
    inner = Rectangle((b.x + inset, b.y + inset), b.w - 2 * inset, b.h - 2 * inset, fill=False,
                      linewidth=0.4 * lay.f, edgecolor="black")
    for p, gid in ((outer, "border-outer"), (inner, "border-inner")):
        p.set_gid(gid)
        sheet.add_patch(p)
    return sheet


def draw_title(sheet: Axes, lay: SheetLayout, title: str, subtitle: str | None) -> Axes:
    """Title (图名) centred above the map, subtitle below it."""
    avail = lay.border.w - 20 * lay.f
    size = fit_size(title, 22.0 * lay.f, avail)
    outlined_text(sheet, lay.width / 2, lay.title_y, title, size, "title", stroke="black",
                  stroke_width=0.5 * lay.f, ha="center", va="center")
    if subtitle:
        text(sheet, lay.width / 2, lay.subtitle_y, subtitle, fit_size(subtitle, 12.0 * lay.f, avail),
              "subtitle", ha="center", va="center", color="#333333")
    return sheet


def _date_zh(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year}年{value.month}月"
    return str(value)


def footer_texts(metadata: Mapping[str, Any], crs_text: str) -> dict[str, str]:
    """The footer's fields: organisation, coordinate system, date, data source, review no."""
    src = metadata.get("data_source") or "—"
    if isinstance(src, (list, tuple)):
        src = "；".join(str(s) for s in src)
    out = {
        "org": f"编制单位：{metadata.get('organisation') or '—'}",
        "crs": f"坐标系：{crs_text}",
        "date": f"编制日期：{_date_zh(metadata.get('date') or dt.date.today())}",
        "source": f"数据来源：{src}",
    }
    if metadata.get("map_review_no"):
        out["review"] = f"审图号：{metadata['map_review_no']}"
    return out


def draw_footer(sheet: Axes, lay: SheetLayout, metadata: Mapping[str, Any], crs_text: str) -> Axes:
    """Two footer lines: organisation | coordinate system | date; data source | review number."""
    fb = lay.footer
    texts = footer_texts(metadata, crs_text)
    size = 7.5 * lay.f
    y1, y2 = fb.y + 0.72 * fb.h, fb.y + 0.22 * fb.h
    third = fb.w / 3
    text(sheet, fb.x, y1, texts["org"], fit_size(texts["org"], size, third - 4 * lay.f), "footer-org", va="center")
    text(sheet, fb.x1, y1, texts["date"], fit_size(texts["date"], size, third - 4 * lay.f), "footer-date",
          ha="right", va="center")
    text(sheet, fb.x + fb.w / 2, y1, texts["crs"], fit_size(texts["crs"], size, third * 1.3),
          "footer-crs", ha="center", va="center")
    right = texts.get("review", "")
    src_w = fb.w - (text_width_mm(right, size) + 8 * lay.f if right else 0)
    text(sheet, fb.x, y2, texts["source"], fit_size(texts["source"], size, src_w), "footer-source", va="center")
    if right:
        text(sheet, fb.x1, y2, right, size, "footer-review", ha="right", va="center")
    return sheet
