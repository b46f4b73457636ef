"""How a raster layer looks: one definition for the exported maps and the desktop canvas.

:func:`raster_look` turns a raster (with what it holds, see
:mod:`greenplan.core.raster_kind`) and its shared :class:`~greenplan.render.styles.LayerStyle`
into a :class:`RasterLook`:

- NDVI: the style's colour ramp from ``vmin`` to ``vmax`` (NDVI units; ``ndvi_scale`` applied),
  legend "植被指数（NDVI）" with tick values;
- cover fraction: a ramp from 0 to 100 %, legend "植被覆盖度（%）";
- land cover: the product's palette (``resources/standards/landcover_products.toml``), legend
  "土地覆盖（ESA WorldCover）" listing each class present with its colour and name; values
  that are no class of the product are drawn grey and listed as "未识别类别";
- a vegetation raster whose kind cannot be told: a grey ramp, legend "植被栅格（类型未识别）";
- other rasters (DSM): the style's ramp, values from the data's 2nd–98th percentiles.

:meth:`RasterLook.colour` gives the RGBA pixels both renderers show. Plain numpy; matplotlib
is imported only for its colour maps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from greenplan.core.raster_kind import LandcoverClass, RasterKind

#: colour of land-cover values that are no class of the product
UNKNOWN_CLASS_COLOUR = "#9e9e9e"
UNKNOWN_CLASS_LABEL = "未识别类别"
#: the ramp of cover fractions (0-100 %)
FRACTION_CMAP = "YlGn"
#: generic colours for classes of no shipped product (user's vegetation_classes)
_GENERIC = "tab20"


@dataclass(frozen=True)
class RasterLook:
    """The look of one raster layer.

    Attributes
    ----------
    kind : {"ndvi", "fraction", "landcover", "unknown", "ramp"}
    title : str
        The legend's name for the layer (what the raster is).
    cmap : str
        Matplotlib colour map of a ramp.
    vmin, vmax : float or None
        Ramp range in the file's values (None: the 2nd/98th percentile of the data drawn).
    unit_scale : float
        File value per shown unit (``ndvi_scale``; fraction_scale / 100 for percent).
    tick_format : {"ndvi", "percent", "number"}
    classes : tuple of LandcoverClass
        Land cover: the product's classes (in legend order).
    nodata_codes : tuple of int
        Land cover: codes drawn transparent.
    alpha : float
    """

    kind: str
    title: str
    cmap: str = "viridis"
    vmin: float | None = None
    vmax: float | None = None
    unit_scale: float = 1.0
    tick_format: str = "number"
    classes: tuple[LandcoverClass, ...] = ()
    nodata_codes: tuple[int, ...] = ()
    alpha: float = 1.0

    @property
    def categorical(self) -> bool:
        return self.kind == "landcover"

    # ------------------------------------------------------------------ ramps
    def value_range(self, data: np.ndarray, valid: np.ndarray) -> tuple[float, float]:
        """(lo, hi) of the ramp: ``vmin``/``vmax``, else the 2nd/98th percentile of the valid data."""
        lo, hi = self.vmin, self.vmax
        if lo is None or hi is None:
            vals = data[valid]
            if vals.size:
                p_lo, p_hi = np.percentile(vals, [2, 98])
                lo = float(p_lo) if lo is None else lo
                hi = float(p_hi) if hi is None else hi
        lo = 0.0 if lo is None else float(lo)
        hi = lo + 1.0 if hi is None or hi <= lo else float(hi)
        return lo, hi

    def ticks(self, lo: float, hi: float) -> list[tuple[float, str]]:
        """Tick values (file units) and their labels for a colour bar from ``lo`` to ``hi``.

        Examples
        --------
        >>> RasterLook("ndvi", "植被指数（NDVI）").ticks(-0.2, 0.9)
        [(0.0, '0'), (0.25, '0.25'), (0.5, '0.5'), (0.75, '0.75')]
        >>> RasterLook("fraction", "植被覆盖度（%）", unit_scale=1.0, tick_format="percent").ticks(0, 100)
        [(0.0, '0%'), (25.0, '25%'), (50.0, '50%'), (75.0, '75%'), (100.0, '100%')]
        """
        s = self.unit_scale or 1.0
        out = []
        for v in nice_ticks(lo / s, hi / s):
            if self.tick_format == "percent":
                text = f"{v:g}%"
            elif self.tick_format == "ndvi":
                text = f"{v:.2f}".rstrip("0").rstrip(".") if v else "0"
            else:
                text = f"{v:,.6g}"
            out.append((v * s, text))
        return out

    def _lut(self) -> np.ndarray:
        from matplotlib import colormaps

        try:
            cmap = colormaps[self.cmap]
        except KeyError:
            cmap = colormaps["viridis"]
        return np.round(cmap(np.linspace(0.0, 1.0, 256)) * 255).astype(np.uint8)

    # ------------------------------------------------------------------ colours
    def colour(self, data: np.ndarray, valid: np.ndarray, value_range: tuple[float, float] | None = None) -> np.ndarray:
        """RGBA (uint8, straight alpha) of ``data``; invalid pixels transparent.

        Ramps follow matplotlib's rule (index ``floor(t * 256)``, the top value included),
        so the canvas shows the colours of the exported maps.

        Examples
        --------
        >>> look = RasterLook("ndvi", "NDVI", cmap="gray", vmin=0.0, vmax=1.0)
        >>> look.colour(np.array([[0.0, 1.0, 0.5]]), np.array([[True, True, False]]))[0].tolist()
        [[0, 0, 0, 255], [255, 255, 255, 255], [0, 0, 0, 0]]
        """
        a = int(round(255 * max(0.0, min(1.0, float(self.alpha)))))
        if self.categorical:
            codes, table = self._class_table()
            flat = np.asarray(data).ravel()
            idx = np.clip(np.searchsorted(codes, flat), 0, len(codes) - 1)
            hit = codes[idx] == flat
            rgba = np.where(hit[:, None], table[idx], np.array(_rgb(UNKNOWN_CLASS_COLOUR) + (255,), dtype=np.uint8))
            rgba = rgba.reshape(*np.shape(data), 4).astype(np.uint8)
            keep = valid & ~np.isin(data, np.asarray(self.nodata_codes, dtype=np.int64)) if self.nodata_codes else valid
        else:
            lo, hi = value_range or self.value_range(data, valid)
            with np.errstate(invalid="ignore"):
                t = (np.where(valid, data, lo).astype("float64") - lo) / max(hi - lo, 1e-12)
            idx = np.clip(np.floor(t * 256.0), 0, 255).astype(np.uint8)
            rgba = self._lut()[idx]
            keep = valid
        rgba[..., 3] = a
        rgba[~keep] = 0
        return rgba

    def _class_table(self) -> tuple[np.ndarray, np.ndarray]:
        codes = np.array([c.code for c in self.classes] or [np.iinfo(np.int64).min], dtype=np.int64)
        colours = [(*_rgb(c.colour), 255) for c in self.classes] or [(*_rgb(UNKNOWN_CLASS_COLOUR), 255)]
        order = np.argsort(codes)
        return codes[order], np.array(colours, dtype=np.uint8)[order]

    def classes_present(self, data: np.ndarray, valid: np.ndarray) -> list[LandcoverClass]:
        """Land cover: the classes found among the valid pixels (in legend order), and a
        "未识别类别" entry when values that are no class appear."""
        if not self.categorical:
            return []
        vals = np.asarray(data)[valid]
        if self.nodata_codes:
            vals = vals[~np.isin(vals, np.asarray(self.nodata_codes, dtype=np.int64))]
        found = {int(v) for v in np.unique(vals)} if vals.size else set()
        out = [c for c in self.classes if c.code in found]
        strange = sorted(found - {c.code for c in self.classes})
        if strange:
            shown = "、".join(str(v) for v in strange[:4]) + ("…" if len(strange) > 4 else "")
            out.append(LandcoverClass(-1, "unknown classes", f"{UNKNOWN_CLASS_LABEL}（{shown}）", UNKNOWN_CLASS_COLOUR))
        return out


def _rgb(colour: str) -> tuple[int, int, int]:
    from greenplan.render.styles import rgb255

    return rgb255(colour)


def nice_ticks(lo: float, hi: float, most: int = 5) -> list[float]:
    """Round tick values within [lo, hi] (steps of 1, 2, 2.5 or 5 × 10ⁿ), at most ``most``.

    Examples
    --------
    >>> nice_ticks(0, 100)
    [0.0, 25.0, 50.0, 75.0, 100.0]
    >>> nice_ticks(312.4, 498.0)
    [350.0, 400.0, 450.0]
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [float(lo)] if math.isfinite(lo) else []
    span = hi - lo
    base = 10.0 ** math.floor(math.log10(span))
    for m in (0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0):
        step = m * base
        first = math.ceil(lo / step - 1e-9) * step
        n = int(math.floor((hi - first) / step + 1e-9)) + 1
        if n <= most:
            return [round(first + i * step, 10) + 0.0 for i in range(n)]
    return [float(lo), float(hi)]


def default_label(role: str) -> str:
    """The shipped legend label of ``role`` (a project's own label overrides the kind's title)."""
    from greenplan.render.styles import resolve_style

    return resolve_style(role).label


def look_for_kind(kind: RasterKind | None, style: Any, *, ndvi_scale: float = 1.0,
                  classes: tuple[int, ...] = ()) -> RasterLook:
    """The look of a vegetation raster read as ``kind`` (None: not a vegetation raster).

    Parameters
    ----------
    kind : RasterKind or None
    style : LayerStyle
        The layer's shared style (``cmap``, ``vmin``, ``vmax`` in NDVI units, ``alpha``, ``label``).
    ndvi_scale : float
        NDVI stored as integers: file value per NDVI unit.
    classes : tuple of int
        Distinct values, for land cover of no shipped product (generic colours).

    Examples
    --------
    >>> from greenplan.core.raster_kind import RasterKind
    >>> from greenplan.render.styles import resolve_style
    >>> look = look_for_kind(RasterKind("landcover", "worldcover"), resolve_style("vegetation_raster"))
    >>> look.title, look.classes[0].zh, look.classes[0].colour
    ('土地覆盖（ESA WorldCover）', '乔木林', '#006400')
    >>> look_for_kind(RasterKind("fraction", fraction_scale=100.0), resolve_style("vegetation_raster")).title
    '植被覆盖度（%）'
    """
    role = getattr(style, "id", "") or ""
    label = getattr(style, "label", "") or ""
    own = bool(label) and role and label != default_label(role)  # the project named the layer's legend itself
    alpha = float(getattr(style, "alpha", 1.0))
    cmap = getattr(style, "cmap", None) or "viridis"
    if kind is None:
        return RasterLook("ramp", label or role, cmap, getattr(style, "vmin", None), getattr(style, "vmax", None), alpha=alpha)
    title = label if own else kind.title_zh()
    if kind.kind == "ndvi":
        vmin, vmax = getattr(style, "vmin", None), getattr(style, "vmax", None)
        return RasterLook("ndvi", title, cmap, None if vmin is None else vmin * ndvi_scale,
                          None if vmax is None else vmax * ndvi_scale, unit_scale=ndvi_scale, tick_format="ndvi", alpha=alpha)
    if kind.kind == "fraction":
        scale = float(kind.fraction_scale or 100.0)
        # the style's cmap/vmin/vmax are for NDVI (a diverging ramp): a fraction always spans
        # 0-100 % on a sequential ramp
        return RasterLook("fraction", title, FRACTION_CMAP, 0.0, scale,
                          unit_scale=scale / 100.0, tick_format="percent", alpha=alpha)
    if kind.kind == "landcover":
        p = kind.landcover
        if p is not None:
            return RasterLook("landcover", title, classes=p.classes, nodata_codes=p.nodata, alpha=alpha)
        return RasterLook("landcover", title, classes=_generic_classes(classes), alpha=alpha)
    return RasterLook("unknown", title, "Greys_r", alpha=alpha)


def _generic_classes(values: tuple[int, ...]) -> tuple[LandcoverClass, ...]:
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps[_GENERIC]
    return tuple(LandcoverClass(int(v), f"class {v}", f"类别 {v}", to_hex(cmap(i % 20)))
                 for i, v in enumerate(sorted(values)))


def raster_look(source: Any, style: Any) -> RasterLook:
    """The look of a raster layer: a vegetation raster by its kind (decided once per source
    from a decimated read of the whole band), any other raster by its style's ramp.

    Parameters
    ----------
    source : RasterSource
        With ``vegetation`` options for a ``vegetation_raster`` layer.
    style : LayerStyle
    """
    if getattr(style, "id", "") != "vegetation_raster":
        return look_for_kind(None, style)
    from greenplan.core.raster_kind import VegetationOptions
    from greenplan.io.raster import raster_summary, vegetation_kind

    opts = getattr(source, "vegetation", None) or VegetationOptions()
    kind = vegetation_kind(source, opts)
    values = tuple(sorted(raster_summary(source).values or ())) if kind.kind == "landcover" and kind.product is None else ()
    return look_for_kind(kind, style, ndvi_scale=opts.ndvi_scale, classes=values)


__all__ = ["RasterLook", "UNKNOWN_CLASS_LABEL", "look_for_kind", "nice_ticks", "raster_look"]
