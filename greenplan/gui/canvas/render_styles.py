"""From the shared style definition (``greenplan.render.styles``) to what the canvas draws.

The canvas and the exported maps use one style definition: ``resolve_style(role,
project_style)`` gives a layer's fill, edge, width, opacity, hatch and per-code colours.
This module only converts it to screen units (points to pixels, colour + opacity to
RGBA) and gives each feature its style class (e.g. the land-use code's colour), column-
wise. Nothing here draws.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

RGBA = tuple[int, int, int, int]

#: screen pixels per point at the usual 96 dpi
PX_PER_PT = 96.0 / 72.0

@dataclass(frozen=True)
class DrawStyle:
    """A layer's look on screen (colours as 0-255 RGBA with the opacity applied)."""

    fill: RGBA | None = None
    edge: RGBA | None = (60, 60, 60, 255)
    width_px: float = 1.0
    dash: tuple[float, ...] | None = None
    hatch: str | None = None
    hatch_color: RGBA | None = None
    #: outlines are left out when the median feature is smaller than this many pixels
    edge_min_px: float = 0.0
    casing: RGBA | None = None
    casing_px: float = 0.0
    line: bool = False
    #: style of each class: 0 = features of no category, i = the style's category i - 1
    classes: tuple[DrawStyle, ...] = ()
    #: legend label of each class (as ``classes``: 0 = features of no category)
    class_labels: tuple[str, ...] = ()
    #: the same in the English interface
    class_labels_en: tuple[str, ...] = ()

    def for_class(self, cls: int) -> DrawStyle:
        if self.classes and 0 <= cls < len(self.classes):
            return self.classes[cls]
        return self

    @property
    def filled(self) -> bool:
        """Whether any feature is drawn with a fill or hatch (else only outlines are seen)."""
        return any(c.fill is not None or c.hatch for c in (self, *self.classes))

    @property
    def swatch(self) -> DrawStyle:
        """The style that represents the layer in the layer panel (its first category)."""
        return self.classes[1] if len(self.classes) > 1 else self


def to_rgba(color: Any, alpha: float | None = None) -> RGBA | None:
    """``"#00b050"``, ``"#00b05080"``, ``"red"``, (r, g, b[, a]) in 0-1 or 0-255 -> RGBA (0-255).

    Read by the shared :func:`greenplan.render.styles.parse_colour` (which raises a
    ``ProjectFileError`` for a value that is no colour). ``None``, ``"none"`` and ``""``
    mean no colour. ``alpha`` (0-1) multiplies the alpha.

    Examples
    --------
    >>> to_rgba("#00b050", 0.5)
    (0, 176, 80, 128)
    >>> to_rgba((1.0, 0.0, 0.0))
    (255, 0, 0, 255)
    """
    from greenplan.render.styles import parse_colour

    c = parse_colour(color)
    if c is None:
        return None
    r, g, b, a = (round(v * 255) for v in c)
    if alpha is not None:
        a = int(round(a * max(0.0, min(1.0, float(alpha)))))
    return (r, g, b, a)


def resolve_layer_style(role: str | None, project_style: Mapping[str, Any], code_system: str = "sandiao") -> Any:
    """The shared :class:`~greenplan.render.styles.LayerStyle` of a layer."""
    from greenplan.render.styles import resolve_style

    return resolve_style(role or "reference", dict(project_style or {}), code_system=code_system)


def _one(style: Any) -> DrawStyle:
    line = getattr(style, "kind", "polygon") == "line"
    alpha = float(getattr(style, "alpha", 1.0))
    edge_alpha = float(getattr(style, "edge_alpha", 1.0))
    edge = to_rgba(style.edge, alpha * edge_alpha if line else edge_alpha)
    width = float(style.width or 0.0)
    hatch = style.hatch or None
    casing = to_rgba(getattr(style, "casing", None), alpha if line else 1.0)
    return DrawStyle(
        fill=None if line else to_rgba(style.fill, alpha),
        edge=edge,
        width_px=width * PX_PER_PT,
        dash=_dash_pattern(style.linestyle),
        hatch=hatch,
        hatch_color=to_rgba(getattr(style, "hatch_color", None) or style.edge, max(alpha, 0.8)) if hatch else None,
        edge_min_px=float(getattr(style, "edge_min_px", 0.0) or 0.0),
        casing=casing,
        casing_px=(width + 2 * float(getattr(style, "casing_width", 0.0) or 0.0)) * PX_PER_PT if casing else 0.0,
        line=line,
    )


def draw_style(style: Any) -> DrawStyle:
    """Screen style of a shared ``LayerStyle``, with one sub-style per category."""
    from greenplan.render.styles import display_label

    base = _one(style)
    if not getattr(style, "categorized", False):
        return base
    classes = (_one(style.other()),) + tuple(_one(c) for c in style.categories)
    labels = (style.other_label,) + tuple(c.label for c in style.categories)
    labels_en = (display_label(style.other(), "en"),) + tuple(display_label(c, "en") for c in style.categories)
    return dataclasses.replace(base, classes=classes, class_labels=labels, class_labels_en=labels_en)


def feature_classes(gdf: Any, style: Any) -> np.ndarray | None:
    """Style class of each feature: 0 for no category, ``i + 1`` for category ``i``.

    Uses the shared ``LayerStyle.classify`` (vectorized over the distinct values).
    """
    if gdf is None or not getattr(style, "categorized", False) or style.field not in gdf.columns:
        return None
    return (np.asarray(style.classify(gdf[style.field].to_numpy()), dtype=np.int64) + 1).astype(np.int32)


def _dash_pattern(value: Any) -> tuple[float, ...] | None:
    if value in (None, "", "solid", "-"):
        return None
    if value in ("--", "dashed"):
        return (5.0, 3.0)
    if value in (":", "dotted"):
        return (1.0, 2.0)
    if value in ("-.", "dashdot"):
        return (6.0, 2.5, 1.0, 2.5)
    return None
