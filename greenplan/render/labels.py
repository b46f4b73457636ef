"""Map labels placed without overlaps: place names first, then patch numbers (#14 item 5).

Every layer with a ``label_field`` hands its labels over as a :class:`LabelRequest` (the
anchor of each feature: ``shapely.point_on_surface`` of the part in view, the text, the
feature itself). :func:`place_labels` then places them greedily on paper:

1. place names (:data:`PLACE_NAME_LAYERS`) before every other label, then the other layers
   in their ``rank`` (the theme's top-most layer first), larger features first;
2. each label tries candidate positions in order: on its anchor when it fits inside the
   feature, then rings of eight positions around it (right side first, as usual for point
   labels), further out ring by ring; a label that does not fit inside its feature starts
   just beside the feature (and goes on the feature only as the last resort);
3. a position is *taken* when the label box (font size x text length, measured once per
   string from the font's glyph advances, plus the white halo) overlaps a placed label, a
   reserved box (north arrow, scale bar) or leaves the map frame. Among the free ones the
   cheapest wins (:data:`RING_COST` per ring outwards, :data:`COVER_COST` when it covers
   another labelled feature: a place name over a conflict patch, a number over a
   neighbouring patch; :data:`LEADER_COST` when it lies on a leader line or its leader
   would cross a label), the first in order among equals. A label with no free position is
   dropped and counted (:attr:`Placement.dropped`), never drawn over another;
4. a label moved away from a feature it does not fit in gets a leader line to its anchor
   when the gap to the feature is more than :data:`LEADER_MIN_MM`.

All distances are paper millimetres (``m_per_mm`` metres of ground per mm at the sheet's
scale), so the result does not depend on the output DPI. Collision tests are numpy
broadcasts over the candidates of one label and the placed boxes, and one STRtree query
per label for the labelled features.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from greenplan.render.layout import PT_MM

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: layers whose labels are place names: placed before every other label
PLACE_NAME_LAYERS = frozenset({"admin_units"})
#: a feature (not a place name) smaller than this on paper, mm², gets no label
LABEL_MIN_MM2 = 1.0
#: white halo around label text (stroke width, points); the label box includes it
HALO_PT = 2.5
#: free space kept between two labels, mm
GAP_MM = 0.6
#: a leader line is drawn when a label lies further than this from its feature, mm
LEADER_MIN_MM = 1.0
#: rings of candidate positions around an anchor
RINGS = 8
#: costs of a free position: per ring outwards, covering another labelled feature, a label
#: on a leader line or a leader across a label; the cheapest free position wins (the first
#: in order of preference among equals)
RING_COST, COVER_COST, LEADER_COST = 0.2, 1.0, 3.0
#: candidate directions, in order of preference: right side, left side, above, below
_DIRS = np.array([(1, 1), (1, 0), (1, -1), (-1, 1), (-1, 0), (-1, -1), (0, 1), (0, -1)], dtype=float)
#: ring of each candidate: the anchor (0) first, rings 1.. around it; beside a feature the
#: rings 0.. first and the feature itself last
_RING_FIT = np.repeat(np.arange(RINGS + 1, dtype=float), [1] + [len(_DIRS)] * RINGS)
_RING_BESIDE = np.r_[np.repeat(np.arange(RINGS, dtype=float), len(_DIRS)), float(RINGS)]


@dataclass
class LabelRequest:
    """The labels of one layer, before placement (metres of the working CRS).

    Attributes
    ----------
    key : str
        Layer key (``admin_units``, ``redline_occupation`` ...).
    xy : (n, 2) float array
        Anchor of each label (a point on the feature, in view).
    texts : sequence of str
    size : float
        Font size, points.
    geoms : (n,) array of shapely geometries
        Each labelled feature (the part in view): tells whether a label fits inside it,
        where "beside it" is, and what other labels should not cover.
    zorder : float
        Drawing order of the labels.
    rank : int
        Order among the layers that are not place names (lower first).
    """

    key: str
    xy: np.ndarray
    texts: Sequence[str]
    size: float
    geoms: np.ndarray
    zorder: float = 2.0
    rank: int = 0
    #: a white halo around the text (a layer style's ``label_halo``)
    halo: bool = True

    @property
    def place_names(self) -> bool:
        return self.key in PLACE_NAME_LAYERS


@dataclass(frozen=True)
class PlacedLabel:
    """A label where it is drawn: centre ``(x, y)`` and ``anchor``, metres."""

    key: str
    text: str
    x: float
    y: float
    size: float
    anchor: tuple[float, float]
    leader: bool
    zorder: float
    halo: bool = True

    @property
    def moved(self) -> bool:
        return (self.x, self.y) != self.anchor


@dataclass
class Placement:
    """What :func:`place_labels` decided: the labels placed and those dropped (key, text)."""

    placed: list[PlacedLabel] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)
    #: label boxes of ``placed`` on paper, mm from the frame's lower-left corner (x0, y0, x1, y1)
    boxes_mm: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))

    @property
    def n_dropped(self) -> int:
        return len(self.dropped)


@functools.lru_cache(maxsize=8192)
def _char_em(ch: str) -> float:
    """Advance of one character in the bundled font, in em (CJK ≈ 1, Latin ≈ 0.6)."""
    from greenplan.render.decorations import text_width_mm

    return text_width_mm(ch, 100.0) / (100.0 * PT_MM)


#: matplotlib's default line spacing (``Text.linespacing``)
LINE_SPACING = 1.2


@functools.lru_cache(maxsize=4096)
def text_box_mm(text: str, size_pt: float) -> tuple[float, float]:
    """Width and height of a label on paper, mm: the sum of its glyph advances in the bundled
    font (each character measured once; no kerning, so never narrower than the text) and one
    em high, plus the white halo on every side.

    Examples
    --------
    >>> w, h = text_box_mm("白马镇", 9.0)
    >>> round(h, 2), 3 * 9.0 * 25.4 / 72 < w < 3.3 * 9.0 * 25.4 / 72 + 1
    (4.06, True)
    >>> w2, h2 = text_box_mm("白马镇" + chr(10) + "1.85%", 9.0)
    >>> w2 == w and h2 > 1.9 * 9.0 * 25.4 / 72
    True
    """
    halo = HALO_PT * PT_MM
    em = size_pt * PT_MM
    lines = text.split("\n")  # a two-line label ("白水县\n34.00%"): its widest line, one em per line
    width = max(sum(_char_em(ch) for ch in line) for line in lines)
    return width * em + halo, em * (1.0 + LINE_SPACING * (len(lines) - 1)) + halo


def _to_mm(xy: np.ndarray, origin: tuple[float, float], m_per_mm: float) -> np.ndarray:
    return (np.asarray(xy, dtype=float).reshape(-1, 2) - np.asarray(origin)) / m_per_mm


def _candidates(ax: float, ay: float, w: float, h: float, fb: np.ndarray, fits: bool
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate label centres (k, 2) around anchor ``(ax, ay)``, the gap of each to the
    feature's box ``fb`` (mm) and its ring (0 nearest); the anchor itself first when the
    label fits, else last."""
    hw, hh = w / 2.0, h / 2.0
    if fits:
        reach = np.zeros((len(_DIRS), 2))  # beside the anchor point
    else:  # beside the feature's box
        right, left, top, bottom = fb[2] - ax, ax - fb[0], fb[3] - ay, ay - fb[1]
        reach = np.stack([np.where(_DIRS[:, 0] > 0, right, left), np.where(_DIRS[:, 1] > 0, top, bottom)], axis=1)
    gap = GAP_MM + np.arange(RINGS, dtype=float)[:, None, None] * h  # (ring, 1, 1)
    off = _DIRS[None, :, :] * (np.array([hw, hh]) + reach[None, :, :] + gap)  # (ring, direction, xy)
    rings = (np.array([ax, ay]) + off).reshape(-1, 2)
    centre = np.array([[ax, ay]])
    cand = np.concatenate([centre, rings] if fits else [rings, centre])
    ring = _RING_FIT if fits else _RING_BESIDE
    # the gap between each candidate box and the feature's box (0 when they touch or overlap)
    dx = np.fmax(0.0, np.fmax(fb[0] - (cand[:, 0] + hw), (cand[:, 0] - hw) - fb[2]))
    dy = np.fmax(0.0, np.fmax(fb[1] - (cand[:, 1] + hh), (cand[:, 1] - hh) - fb[3]))
    return cand, np.hypot(dx, dy), ring


def _overlaps(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For each of ``boxes`` (k, 4): does it overlap any of ``others`` (n, 4)?"""
    if len(others) == 0:
        return np.zeros(len(boxes), dtype=bool)
    b, o = boxes[:, None, :], others[None, :, :]
    hit = (b[..., 0] < o[..., 2]) & (o[..., 0] < b[..., 2]) & (b[..., 1] < o[..., 3]) & (o[..., 1] < b[..., 3])
    return hit.any(axis=1)


def _leader_points(boxes: np.ndarray, anchor: np.ndarray, n: int = 12) -> np.ndarray:
    """Points (k, n, 2) along the leader of each box: from the box edge nearest the anchor
    to the anchor (the end at the box left out)."""
    start = np.column_stack([np.clip(anchor[0], boxes[:, 0], boxes[:, 2]), np.clip(anchor[1], boxes[:, 1], boxes[:, 3])])
    t = np.arange(1, n + 1) / n
    return start[:, None, :] + (anchor[None, None, :] - start[:, None, :]) * t[None, :, None]


def _inside(pts: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Which of ``pts`` (p, 2) lie in ``box`` (x0, y0, x1, y1)."""
    return (pts[:, 0] >= box[0]) & (pts[:, 0] <= box[2]) & (pts[:, 1] >= box[1]) & (pts[:, 1] <= box[3])


def _covers(boxes: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """For each of ``boxes`` (k, 4): does it hold any of ``pts`` (p, 2)?"""
    if len(pts) == 0:
        return np.zeros(len(boxes), dtype=bool)
    x, y = pts[None, :, 0], pts[None, :, 1]
    b = boxes[:, None, :]
    return ((x > b[..., 0]) & (x < b[..., 2]) & (y > b[..., 1]) & (y < b[..., 3])).any(axis=1)


def _covers_any(pts: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """For each point set ``pts[i]`` (k, n, 2): does any of its points lie in one of ``boxes``?"""
    x, y = pts[:, :, None, 0], pts[:, :, None, 1]
    b = boxes[None, None, :, :]
    inside = (x > b[..., 0]) & (x < b[..., 2]) & (y > b[..., 1]) & (y < b[..., 3])
    return inside.any(axis=(1, 2))


def _order(requests: Sequence[LabelRequest]) -> list[tuple[int, int]]:
    """(request, row) pairs in placing order: place names, then by rank, larger features first."""
    out = []
    for ri in sorted(range(len(requests)), key=lambda i: (not requests[i].place_names, requests[i].rank, i)):
        r = requests[ri]
        area = shapely.area(np.asarray(r.geoms, dtype=object)) if len(r.geoms) else np.zeros(0)
        rows = np.argsort(-area, kind="stable") if not r.place_names else np.arange(len(r.texts))
        out.extend((ri, int(j)) for j in rows)
    return out


def place_labels(requests: Sequence[LabelRequest], *, extent: tuple[float, float, float, float], m_per_mm: float,
                 reserved: Sequence[tuple[float, float, float, float]] = (), focus: Any = None,
                 focus_zorder: float | None = None) -> Placement:
    """Place the labels of ``requests`` without overlaps (see the module notes).

    Parameters
    ----------
    requests : sequence of LabelRequest
    extent : (xmin, ymin, xmax, ymax)
        The map frame, metres; labels stay inside it.
    m_per_mm : float
        Ground metres per paper millimetre (the scale denominator / 1000).
    reserved : sequence of (xmin, ymin, xmax, ymax)
        Boxes in metres no label may overlap (north arrow, scale bar).
    focus : shapely geometry, optional
        The township of a township sheet: only its features are labelled, besides the
        place names (the neighbours' patches are numbered on their own sheets).
    focus_zorder : float, optional
        Drawing order of the labels whose anchor lies in ``focus`` (above the veil over the
        neighbours, so a label moved out of the township stays readable).

    Returns
    -------
    Placement

    Examples
    --------
    Two patches side by side, each too small for its number: both numbers are placed, the
    second one beside the first label, neither dropped.

    >>> import numpy as np, shapely
    >>> geoms = np.array([shapely.box(0, 0, 100, 100), shapely.box(150, 0, 250, 100)])
    >>> req = LabelRequest("patches", shapely.get_coordinates(shapely.centroid(geoms)), ["HX-001", "HX-002"],
    ...                    9.0, geoms)
    >>> p = place_labels([req], extent=(-5000, -5000, 5000, 5000), m_per_mm=100.0)
    >>> [lb.text for lb in p.placed], p.n_dropped
    (['HX-001', 'HX-002'], 0)
    """
    x0, y0, x1, y1 = extent
    origin = (x0, y0)
    frame_w, frame_h = (x1 - x0) / m_per_mm, (y1 - y0) / m_per_mm
    margin = 0.5
    res = np.array([[(a - x0) / m_per_mm, (b - y0) / m_per_mm, (c - x0) / m_per_mm, (d - y0) / m_per_mm]
                    for a, b, c, d in reserved], dtype=float).reshape(-1, 4)
    # every labelled feature, on paper: what labels should rather not cover
    geoms_mm, owner = [], []
    for ri, r in enumerate(requests):
        g = np.asarray(r.geoms, dtype=object)
        geoms_mm.append(shapely.transform(g, lambda c: (c - np.asarray(origin)) / m_per_mm))
        owner.extend((ri, j) for j in range(len(g)))
    all_geoms = np.concatenate(geoms_mm) if geoms_mm else np.zeros(0, dtype=object)
    owner_arr = np.array(owner, dtype=np.int64).reshape(-1, 2)
    tree = shapely.STRtree(all_geoms) if len(all_geoms) else None
    fbounds = [shapely.bounds(g) for g in geoms_mm]
    anchors = [_to_mm(r.xy, origin, m_per_mm) for r in requests]
    out = Placement()
    total = sum(len(r.texts) for r in requests)
    placed = np.empty((total, 4))  # padded boxes of the labels placed so far
    n_placed = 0
    leader_pts = np.zeros((0, 2))  # points along the leader lines drawn so far
    if focus is not None:
        shapely.prepare(focus)
        in_focus = [shapely.contains_xy(focus, *np.asarray(r.xy, dtype=float).reshape(-1, 2).T) for r in requests]
    pad = np.array([-GAP_MM, -GAP_MM, GAP_MM, GAP_MM]) / 2
    for ri, j in _order(requests):
        r = requests[ri]
        zorder = r.zorder
        if focus is not None:
            if not in_focus[ri][j] and not r.place_names:
                continue
            if in_focus[ri][j] and focus_zorder is not None:
                zorder = focus_zorder
        text = str(r.texts[j])
        w, h = text_box_mm(text, float(r.size))
        anchor = anchors[ri][j]
        fb = fbounds[ri][j]
        fits = bool(w <= fb[2] - fb[0] and h <= fb[3] - fb[1])
        cand, gap, ring = _candidates(anchor[0], anchor[1], w, h, fb, fits)
        boxes = np.column_stack([cand[:, 0] - w / 2, cand[:, 1] - h / 2, cand[:, 0] + w / 2, cand[:, 1] + h / 2])
        inside = ((boxes[:, 0] >= margin) & (boxes[:, 1] >= margin) & (boxes[:, 2] <= frame_w - margin)
                  & (boxes[:, 3] <= frame_h - margin))
        padded = boxes + pad
        # only what lies near this label's candidates (and leaders) can collide with them
        window = np.array([[padded[:, 0].min(), padded[:, 1].min(), padded[:, 2].max(), padded[:, 3].max()]])
        near = placed[:n_placed][_overlaps(placed[:n_placed], window)]
        free = inside & ~_overlaps(padded, near) & ~_overlaps(boxes, res)
        if not free.any():
            out.dropped.append((r.key, text))
            continue
        cost = ring * RING_COST
        if tree is not None:
            ci, oi = tree.query(shapely.box(boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]), predicate="intersects")
            other = (owner_arr[oi, 0] != ri) | (owner_arr[oi, 1] != j)
            cost[np.unique(ci[other])] += COVER_COST
        leader = ~fits & (gap > LEADER_MIN_MM)
        # a label does not sit on a leader line, nor does its leader cross a label
        if len(leader_pts):
            cost += _covers(boxes, leader_pts[_inside(leader_pts, window[0])]) * LEADER_COST
        if leader.any() and len(near):
            cost += (leader & _covers_any(_leader_points(boxes, anchor), near)) * LEADER_COST
        k = int(np.argmin(np.where(free, cost, np.inf)))
        cx, cy = cand[k]
        placed[n_placed] = padded[k]
        n_placed += 1
        if leader[k]:
            leader_pts = np.concatenate([leader_pts, _leader_points(boxes[k:k + 1], anchor)[0]])
        out.placed.append(PlacedLabel(
            r.key, text, float(x0 + cx * m_per_mm), float(y0 + cy * m_per_mm), float(r.size),
            (float(r.xy[j][0]), float(r.xy[j][1])), bool(leader[k]), zorder, r.halo))
    out.boxes_mm = placed[:n_placed] - pad
    return out


_REPORTS: weakref.WeakKeyDictionary[Any, Placement] = weakref.WeakKeyDictionary()


def placement_report(ax: Axes) -> Placement | None:
    """The label placement drawn into ``ax`` by :func:`add_labels` (None: no labels)."""
    return _REPORTS.get(ax)


def _plain_text(ax: Axes, x: float, y: float, s: str, size: float, gid: str, *, stroke: str, stroke_width: float,
                **kw: Any):
    """A label without a halo (``label_halo = false``)."""
    from greenplan.render.decorations import text

    return text(ax, x, y, s, size, gid, **kw)


def add_labels(ax: Axes, placement: Placement, *, m_per_mm: float) -> Axes:
    """Draw the placed labels (text with a white halo, gid ``<key>:label``) and their leader
    lines (one collection per layer, gid ``<key>:leader``) into ``ax``; the placement is
    kept for :func:`placement_report`."""
    from matplotlib.collections import LineCollection

    from greenplan.render.decorations import outlined_text

    leaders: dict[str, list[np.ndarray]] = {}
    zs: dict[str, float] = {}
    for lb in placement.placed:
        draw = outlined_text if lb.halo else _plain_text
        draw(ax, lb.x, lb.y, lb.text, lb.size, f"{lb.key}:label", stroke="white", stroke_width=HALO_PT,
             ha="center", va="center", color="#222222", zorder=lb.zorder, clip_on=True)
        if lb.leader:
            w, h = text_box_mm(lb.text, lb.size)
            hw, hh = (w - HALO_PT * PT_MM) / 2 * m_per_mm, (h - HALO_PT * PT_MM) / 2 * m_per_mm
            ax_, ay_ = lb.anchor
            start = (np.clip(ax_, lb.x - hw, lb.x + hw), np.clip(ay_, lb.y - hh, lb.y + hh))
            leaders.setdefault(lb.key, []).append(np.array([start, lb.anchor]))
            zs[lb.key] = lb.zorder - 0.01
    for key, segs in leaders.items():
        size = next(lb.size for lb in placement.placed if lb.key == key)
        lc = LineCollection(segs, colors="#222222", linewidths=0.5 * size / 9.0, zorder=zs[key], capstyle="round")
        lc.set_gid(f"{key}:leader")
        ax.add_collection(lc, autolim=False)
    prev = _REPORTS.get(ax)
    if prev is not None:  # a second call (draw_layer per layer) adds to the report
        placement = Placement(prev.placed + placement.placed, prev.dropped + placement.dropped,
                              np.concatenate([prev.boxes_mm, placement.boxes_mm]))
    _REPORTS[ax] = placement
    return ax
