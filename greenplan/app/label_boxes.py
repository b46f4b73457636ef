"""Greedy label placement without overlaps on a pixel grid (Qt-free; the canvas measures
the text, this decides which labels fit).

Labels are taken in priority order (the largest features first, as the exported maps
place place names first); a label is kept when its box, grown by a small gap, meets no
box kept before it. Boxes are found through a uniform grid of cells, so each label looks
only at its neighbours (n log n for the sort, about n for the rest).
"""

from __future__ import annotations

import numpy as np


def place_boxes(x: np.ndarray, y: np.ndarray, w: np.ndarray, h: np.ndarray,
                priority: np.ndarray | None = None, gap: float = 2.0) -> np.ndarray:
    """Which labels to draw: boxes centred on ``(x, y)`` of ``w`` x ``h`` pixels, none overlapping.

    Parameters
    ----------
    x, y : array
        Label centres in pixels.
    w, h : array
        Box widths and heights in pixels.
    priority : array, optional
        Higher first (default: input order).
    gap : float
        Pixels kept free between two labels.

    Returns
    -------
    numpy.ndarray of bool
        True for the labels kept.

    Examples
    --------
    >>> keep = place_boxes(np.array([10., 14., 60.]), np.array([10., 10., 10.]), np.full(3, 20.), np.full(3, 10.),
    ...                    priority=np.array([1., 2., 0.]))
    >>> keep.tolist()   # the second (higher priority) wins over the first, which it overlaps
    [False, True, True]
    """
    x, y, w, h = (np.asarray(a, dtype=float) for a in (x, y, w, h))
    n = len(x)
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return keep
    order = np.arange(n) if priority is None else np.argsort(-np.asarray(priority, dtype=float), kind="stable")
    x0, x1 = x - w / 2 - gap / 2, x + w / 2 + gap / 2
    y0, y1 = y - h / 2 - gap / 2, y + h / 2 + gap / 2
    cell = max(float(np.median(w)) + gap, float(np.max(h)) + gap, 1.0)
    grid: dict[tuple[int, int], list[int]] = {}
    for i in order.tolist():
        cx0, cx1 = int(x0[i] // cell), int(x1[i] // cell)
        cy0, cy1 = int(y0[i] // cell), int(y1[i] // cell)
        cells = [(cx, cy) for cx in range(cx0, cx1 + 1) for cy in range(cy0, cy1 + 1)]
        hit = False
        for c in cells:
            for j in grid.get(c, ()):
                if x0[i] < x1[j] and x0[j] < x1[i] and y0[i] < y1[j] and y0[j] < y1[i]:
                    hit = True
                    break
            if hit:
                break
        if not hit:
            keep[i] = True
            for c in cells:
                grid.setdefault(c, []).append(i)
    return keep
