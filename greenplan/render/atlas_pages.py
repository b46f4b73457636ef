"""The atlas's front matter: a cover page and the contents page(s) of the combined PDF.

Both are drawn with matplotlib (a :class:`~matplotlib.figure.Figure`, no pyplot) on the
sheets' paper size and orientation, in the bundled CJK font embedded as TrueType, so the
Chinese text extracts from the PDF (pdftotext, search, copy).

The contents list one line per sheet: township, theme title, dotted leader, page number in
the combined PDF (cover = 1, contents = 2 …, the sheets after).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from greenplan.render.decorations import fit_size, footer_texts, text, text_width_mm
from greenplan.render.layout import paper_size_mm

ATLAS_SUFFIX = "乡镇专题图集"

#: contents layout (mm, A3 = 1; scaled with the paper like the sheets' fonts)
_TOP, _BOTTOM, _ROW = 48.0, 22.0, 8.0


@dataclass(frozen=True)
class AtlasFront:
    """What the cover shows; built by :func:`atlas_front`."""

    project: str
    metadata: Mapping[str, Any]
    crs_text: str
    paper: str | tuple[float, float] = "A3"
    orientation: str = "landscape"

    @property
    def title(self) -> str:
        return f"{self.project}{ATLAS_SUFFIX}"


def crs_text(metadata: Mapping[str, Any], crs: Any) -> str:
    """The coordinate-system text as on the sheets' footer (``坐标系：`` without the prefix).

    ``metadata["coordinate_system"]`` when given, else a description of ``crs``; the EPSG
    label and the height datum are added as :func:`greenplan.render.mapsheet.compose_map` does.
    Empty when neither is known.
    """
    from greenplan.render.mapsheet import describe_crs

    label = None
    if crs is not None:
        from pyproj import CRS

        from greenplan.io.crs import crs_label

        label = crs_label(CRS.from_user_input(crs))
    out = metadata.get("coordinate_system") or (describe_crs(crs) if crs is not None else "")
    if out and label and label not in out:
        out += f"（{label}）"
    if out and metadata.get("height_datum") and metadata["height_datum"] not in out:
        out += f"，{metadata['height_datum']}"
    return str(out)


def atlas_front(project: Any, paper: str | tuple[float, float] = "A3", orientation: str = "landscape") -> AtlasFront:
    """The cover's content from a :class:`greenplan.core.project.Project`."""
    metadata = dict(project.metadata or {})
    try:
        crs = crs_text(metadata, project.crs)
    except Exception:  # noqa: BLE001 - an unreadable CRS string: the project check reports it
        crs = str(metadata.get("coordinate_system") or project.crs or "")
    return AtlasFront(str(project.name), metadata, crs, paper, orientation)


def contents_rows_per_page(paper: str | tuple[float, float] = "A3", orientation: str = "landscape") -> int:
    w, h = paper_size_mm(paper, orientation)
    f = min(w, h) / 297.0
    return max(1, int((h - (_TOP + _BOTTOM) * f) // (_ROW * f)))


def contents_page_count(n_sheets: int, paper: str | tuple[float, float] = "A3", orientation: str = "landscape") -> int:
    """How many contents pages ``n_sheets`` lines need (at least one)."""
    return max(1, math.ceil(n_sheets / contents_rows_per_page(paper, orientation)))


def _page(w: float, h: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w / 25.4, h / 25.4))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    ax.set_axis_off()
    return fig, ax


def _border(ax, w: float, h: float, f: float) -> None:
    from matplotlib.patches import Rectangle

    m = 10.0 * f
    ax.add_patch(Rectangle((m, m), w - 2 * m, h - 2 * m, fill=False, lw=1.6 * f, ec="#222222"))
    m2 = m + 2.0 * f
    ax.add_patch(Rectangle((m2, m2), w - 2 * m2, h - 2 * m2, fill=False, lw=0.5 * f, ec="#222222"))


def draw_cover(front: AtlasFront):
    """The cover page as a Figure (paper millimetres)."""
    w, h = paper_size_mm(front.paper, front.orientation)
    f = min(w, h) / 297.0
    fig, ax = _page(w, h)
    _border(ax, w, h, f)
    avail = w - 60 * f
    ft = footer_texts(front.metadata, front.crs_text)
    title = front.title
    text(ax, w / 2, h * 0.62, title, fit_size(title, 40 * f, avail), "cover-title", ha="center", va="center")
    ax.plot([w / 2 - avail * 0.35, w / 2 + avail * 0.35], [h * 0.54] * 2, color="#2e7d32", lw=1.8 * f)
    county = f"县域：{front.project}"
    text(ax, w / 2, h * 0.46, county, fit_size(county, 20 * f, avail), "cover-county", ha="center", va="center")
    lines = [ft["org"], ft["date"]] + ([f"坐标系：{front.crs_text}"] if front.crs_text else [])
    y = h * 0.30
    for i, line in enumerate(lines):
        text(ax, w / 2, y - i * 11 * f, line, fit_size(line, 15 * f, avail), f"cover-line{i}", ha="center", va="center",
             color="#222222")
    return fig


def draw_contents(front: AtlasFront, entries: Sequence[tuple[str, str, int]], page_index: int, n_pages: int):
    """Contents page ``page_index`` (0-based) of ``n_pages``: ``entries`` are (township, theme title,
    page number), all of them; this page draws its share."""
    w, h = paper_size_mm(front.paper, front.orientation)
    f = min(w, h) / 297.0
    per = contents_rows_per_page(front.paper, front.orientation)
    rows = entries[page_index * per:(page_index + 1) * per]
    fig, ax = _page(w, h)
    _border(ax, w, h, f)
    head = "目  录" + (f"（{page_index + 1}/{n_pages}）" if n_pages > 1 else "")
    text(ax, w / 2, h - 26 * f, head, 26 * f, "contents-title", ha="center", va="center")
    x0, x1 = 40 * f, w - 40 * f
    unit_w = max([text_width_mm(u, 12 * f) for u, _, _ in entries] + [30 * f]) + 10 * f
    unit_w = min(unit_w, (x1 - x0) * 0.4)
    x_theme = x0 + unit_w
    y_head = h - _TOP * f + 4 * f
    for x, s, ha in ((x0, "乡镇", "left"), (x_theme, "专题", "left"), (x1, "页码", "right")):
        text(ax, x, y_head, s, 12 * f, "contents-head", ha=ha, va="center", color="#555555")
    ax.plot([x0, x1], [y_head - 4 * f] * 2, color="#555555", lw=0.6 * f)
    y = h - _TOP * f - _ROW * f / 2
    prev_unit = rows[0][0] if rows else None
    for i, (unit, theme, page) in enumerate(rows):
        if i and unit != prev_unit:
            ax.plot([x0, x1], [y + _ROW * f / 2] * 2, color="#bbbbbb", lw=0.4 * f)
        prev_unit = unit
        size_u = fit_size(unit, 12 * f, unit_w - 4 * f)
        text(ax, x0, y, unit, size_u, "contents-unit", ha="left", va="center")
        num = str(page)
        num_w = text_width_mm(num, 12 * f)
        theme_room = x1 - x_theme - num_w - 12 * f
        size_t = fit_size(theme, 12 * f, theme_room)
        text(ax, x_theme, y, theme, size_t, "contents-theme", ha="left", va="center")
        text(ax, x1, y, num, 12 * f, "contents-page", ha="right", va="center")
        lx0 = x_theme + text_width_mm(theme, size_t) + 3 * f
        lx1 = x1 - num_w - 3 * f
        if lx1 > lx0:
            ax.plot([lx0, lx1], [y - 1.2 * f] * 2, color="#777777", lw=0.8 * f, linestyle=(0, (0.6, 2.4)),
                    dash_capstyle="round")
        y -= _ROW * f
    return fig


def front_matter_pdf(front: AtlasFront, sheets: Sequence[tuple[str, str]]) -> tuple[bytes, int]:
    """Cover and contents as one PDF (bytes) and the number of contents pages.

    ``sheets`` are (township, theme title) in atlas order; sheet ``i`` is on page
    ``2 + n_contents + i`` (1-based) of the combined PDF.
    """
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    from greenplan.render.fonts import font_rc

    n = contents_page_count(len(sheets), front.paper, front.orientation)
    entries = [(u, t, 2 + n + i) for i, (u, t) in enumerate(sheets)]
    buf = io.BytesIO()
    with matplotlib.rc_context(font_rc()):
        with PdfPages(buf, metadata={"Title": front.title, "Creator": "GreenPlan"}) as pdf:
            pdf.savefig(draw_cover(front))
            for k in range(n):
                pdf.savefig(draw_contents(front, entries, k, n))
    return buf.getvalue(), n
