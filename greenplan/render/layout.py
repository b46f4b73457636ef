"""Sheet geometry: paper sizes, the map frame and panel boxes (in millimetres), round scales.

Everything on the sheet is placed in paper millimetres measured from the lower-left
corner; the map frame is drawn at an exact round scale 1:N, so 1 mm of paper is N/1000
metres of ground, and the scale bar, grid and world file follow from that.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from typing import Any

from greenplan.core.errors import SettingError

#: ISO 216 sizes, portrait (width, height) in mm
PAPER_MM: dict[str, tuple[float, float]] = {
    "A4": (210.0, 297.0),
    "A3": (297.0, 420.0),
    "A2": (420.0, 594.0),
    "A1": (594.0, 841.0),
    "A0": (841.0, 1189.0),
}
ORIENTATIONS = ("landscape", "portrait")
PT_MM = 25.4 / 72.0

#: scale denominators used: these x 10^k (1:50 000, 1:120 000, 1:350 000 ...)
SCALE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0)


def paper_size_mm(paper: str | tuple[float, float], orientation: str = "landscape") -> tuple[float, float]:
    """(width, height) of the sheet in mm.

    Parameters
    ----------
    paper : "A4" | "A3" | "A2" | "A1" | "A0" or (width_mm, height_mm)
        A custom size is taken as given (``orientation`` ignored).
    orientation : "landscape" | "portrait"

    Raises
    ------
    SettingError
        Unknown paper name or orientation.

    Examples
    --------
    >>> paper_size_mm("A3", "landscape")
    (420.0, 297.0)
    """
    if isinstance(paper, (tuple, list)):
        w, h = (float(v) for v in paper)
        if w <= 0 or h <= 0:
            raise SettingError(f"Bad paper size {paper!r}.", f"纸张尺寸 {paper!r} 无效。", key="paper")
        return w, h
    key = str(paper).upper()
    if key not in PAPER_MM:
        raise SettingError(
            f"Unknown paper size '{paper}'. Available: {', '.join(PAPER_MM)}.",
            f"未知的纸张尺寸“{paper}”。可用：{'、'.join(PAPER_MM)}。", key="paper",
            hint_en="Choose A4, A3, A2, A1 or A0.", hint_zh="请选择 A4、A3、A2、A1 或 A0。")
    if orientation not in ORIENTATIONS:
        raise SettingError(
            f"Unknown orientation '{orientation}'; use landscape or portrait.",
            f"未知的纸张方向“{orientation}”，应为 landscape（横向）或 portrait（纵向）。", key="orientation")
    w, h = PAPER_MM[key]
    return (h, w) if orientation == "landscape" else (w, h)


def nice_scale(denominator: float) -> int:
    """The smallest round scale denominator at least ``denominator`` (:data:`SCALE_STEPS` x 10^k).

    Examples
    --------
    >>> nice_scale(176_420), nice_scale(50_000), nice_scale(1234), nice_scale(314_000)
    (200000, 50000, 1500, 350000)
    """
    if denominator <= 0:
        return 1
    k = 10 ** math.floor(math.log10(denominator))
    for s in SCALE_STEPS:
        if s * k >= denominator * (1 - 1e-12):
            return int(round(s * k))
    return int(10 * k)


def nice_step(value: float, steps: tuple[float, ...] = (1.0, 2.0, 5.0)) -> float:
    """The largest 1/2/5 x 10^k (or ``steps``) not above ``value``.

    Examples
    --------
    >>> nice_step(7300), nice_step(0.03), nice_step(2500, (1.0, 2.0, 2.5, 5.0))
    (5000.0, 0.02, 2500.0)
    """
    k = 10 ** math.floor(math.log10(value))
    best = steps[0] * k
    for s in steps:
        if s * k <= value * (1 + 1e-12):
            best = s * k
    return float(round(best, 12))


def fit_extent(extent: tuple[float, float, float, float], frame_w_mm: float, frame_h_mm: float,
               pad: float = 0.03) -> tuple[tuple[float, float, float, float], int]:
    """Extent that fills a frame at a round scale, centred on ``extent``.

    Parameters
    ----------
    extent : (xmin, ymin, xmax, ymax)
        Ground to show, in metres.
    frame_w_mm, frame_h_mm : float
        Map frame on paper.
    pad : float
        Margin added around ``extent`` (fraction of its size) before rounding the scale.

    Returns
    -------
    (extent, scale denominator)
        The frame's extent in metres (same aspect as the frame) and N of 1:N.

    Examples
    --------
    >>> fit_extent((0, 0, 10_000, 5_000), 200, 100, pad=0)
    ((0.0, 0.0, 10000.0, 5000.0), 50000)
    """
    x0, y0, x1, y1 = extent
    w = max(x1 - x0, 1.0) * (1 + 2 * pad)
    h = max(y1 - y0, 1.0) * (1 + 2 * pad)
    n = nice_scale(max(w / frame_w_mm, h / frame_h_mm) * 1000.0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    hw, hh = frame_w_mm * n / 2000.0, frame_h_mm * n / 2000.0
    return (cx - hw, cy - hh, cx + hw, cy + hh), n


@dataclass(frozen=True)
class Box:
    """A rectangle on the sheet, in mm from the lower-left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def x1(self) -> float:
        return self.x + self.w

    @property
    def y1(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class SheetLayout:
    """Where everything goes on the sheet (mm). ``f`` scales fonts and widths (A3 = 1)."""

    width: float
    height: float
    f: float
    landscape: bool
    border: Box
    title_y: float
    subtitle_y: float
    footer: Box
    frame: Box
    panel: Box
    #: the map frames, left to right (two for a 现状 | 方案 sheet); ``frame`` is the first
    frames: tuple[Box, ...] = ()


def sheet_layout(paper: str | tuple[float, float] = "A3", orientation: str = "landscape", *,
                 subtitle: bool = True, panel: bool = True, frames: int = 1) -> SheetLayout:
    """The boxes of a map sheet.

    Landscape sheets put the panel (legend, indicators, locator) right of the map frame;
    portrait sheets put it below. Title and subtitle sit above, the footer below, all inside
    the outer border; the left and bottom frame edges leave room for the grid labels.
    ``frames`` = 2 splits the map area into two frames of the same size side by side, each
    with room for its grid labels.

    Examples
    --------
    >>> lay = sheet_layout("A3", "landscape", frames=2)
    >>> a, b = lay.frames
    >>> (a.w, a.h) == (b.w, b.h) and a.x1 < b.x and a.y == b.y
    True
    """
    w, h = paper_size_mm(paper, orientation)
    f = min(w, h) / 297.0
    landscape = w >= h
    m = 8.0 * f
    pad = 4.0 * f
    border = Box(m, m, w - 2 * m, h - 2 * m)
    title_band = (26.0 if subtitle else 19.0) * f
    footer_h = 12.0 * f
    title_y = border.y1 - 11.0 * f
    subtitle_y = border.y1 - 20.0 * f
    footer = Box(border.x + pad, border.y + 1.5 * f, border.w - 2 * pad, footer_h - 3.0 * f)
    cx0, cy0 = border.x + pad, border.y + footer_h
    cx1, cy1 = border.x1 - pad, border.y1 - title_band
    lab_left, lab_bottom, lab_other = 7.0 * f, 6.0 * f, 2.0 * f
    gap = 5.0 * f
    if not panel:
        frame = Box(cx0 + lab_left, cy0 + lab_bottom, cx1 - cx0 - lab_left - lab_other,
                    cy1 - cy0 - lab_bottom - lab_other)
        pbox = Box(frame.x1, frame.y, 0.0, 0.0)
    elif landscape:
        pw = 0.25 * (cx1 - cx0)
        pbox = Box(cx1 - pw, cy0, pw, cy1 - cy0)
        frame = Box(cx0 + lab_left, cy0 + lab_bottom, pbox.x - gap - cx0 - lab_left,
                    cy1 - cy0 - lab_bottom - lab_other)
    else:
        ph = 0.27 * (cy1 - cy0)
        pbox = Box(cx0, cy0, cx1 - cx0, ph)
        fy = cy0 + ph + gap + lab_bottom
        frame = Box(cx0 + lab_left, fy, cx1 - cx0 - lab_left - lab_other, cy1 - fy - lab_other)
    boxes = (frame,)
    if frames > 1:  # the next frame's grid labels sit in the gap
        fw = (frame.w - (frames - 1) * (gap + lab_left)) / frames
        boxes = tuple(Box(frame.x + i * (fw + gap + lab_left), frame.y, fw, frame.h) for i in range(frames))
    return SheetLayout(w, h, f, landscape, border, title_y, subtitle_y, footer, boxes[0], pbox, boxes)


def scale_label(n: int) -> str:
    """``1:100 000`` (groups of three digits, as printed on Chinese maps).

    Examples
    --------
    >>> scale_label(200000), scale_label(2500)
    ('1:200 000', '1:2 500')
    """
    return "1:" + f"{n:,}".replace(",", " ")


@dataclass(frozen=True)
class SheetInfo:
    """What :func:`~greenplan.render.mapsheet.compose_map` knows about a finished sheet:
    the map frame's extent (metres) and scale, the CRS (WKT), the DPI and the title."""

    extent: tuple[float, float, float, float]
    scale: int
    crs_wkt: str | None
    dpi: float
    title: str
    author: str = ""
    #: the kinds of its map frames, left to right (``("current", "scenario")``); () for one frame
    frames: tuple[str, ...] = ()


_SHEETS: weakref.WeakKeyDictionary[Any, SheetInfo] = weakref.WeakKeyDictionary()


def register_sheet(fig: Any, info: SheetInfo) -> None:
    _SHEETS[fig] = info


def sheet_info(fig: Any) -> SheetInfo | None:
    """The :class:`SheetInfo` of a figure made by ``compose_map`` (None for other figures)."""
    return _SHEETS.get(fig)


def frame_axes(fig: Any) -> list[Any]:
    """The map frames of a sheet made by ``compose_map``, left to right: the Axes labelled
    ``map`` and those labelled ``map:<kind>`` (the 方案 frame of a 现状 | 方案 sheet)."""
    return [ax for ax in fig.axes if ax.get_label() == "map" or ax.get_label().startswith("map:")]
