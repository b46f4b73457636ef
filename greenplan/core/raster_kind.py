"""What a vegetation raster holds: NDVI, land-cover classes of a known product, or a cover fraction.

One rule for the analysis, the data check, the maps and the desktop app
(``shared/indicators.md`` v2.2, "Vegetation rasters"). The rule looks at a
:class:`ValueSummary` of pixel values actually read (the analysis: the window of B; the
check, maps and canvas: a decimated read of the whole raster):

- ``ndvi``: floating-point values within [−1, 1] (or, when ``ndvi_scale`` is set, integers
  whose value / ``ndvi_scale`` lies within it and that are no class list);
- ``landcover`` with a product: integer values (the product's no-data codes aside) that all
  belong to one product's class list (:file:`resources/standards/landcover_products.toml`);
  when several products fit, the first of the file's ``preference`` list is taken and the
  others are reported as alternatives;
- ``fraction``: integers within 0–100 that are no class list (percent cover, divided by
  ``fraction_scale``, default 100);
- otherwise the kind cannot be told (``kind`` None): the coverage is not computed and the
  check reports a problem asking for ``vegetation_raster_kind``.

Plain Python and numpy: no rasterio here (the callers read the pixels).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from greenplan.core.resources import load_resource_toml

PRODUCTS_FILE = ("standards", "landcover_products.toml")
KINDS = ("ndvi", "landcover", "fraction")
#: more distinct integer values than this are no class list (kept as a range only)
MAX_DISTINCT = 4096


@dataclass(frozen=True)
class LandcoverClass:
    """One class of a land-cover product: code, names and map colour (``#rrggbb``)."""

    code: int
    en: str
    zh: str
    colour: str


@dataclass(frozen=True)
class LandcoverProduct:
    """A land-cover product's legend (class list, no-data codes, default vegetation classes)."""

    id: str
    name_en: str
    name_zh: str
    source: str
    nodata: tuple[int, ...]
    vegetation: tuple[int, ...]
    classes: tuple[LandcoverClass, ...]

    @property
    def codes(self) -> frozenset[int]:
        """Codes of the classes (no-data codes not included unless listed as a class)."""
        return frozenset(c.code for c in self.classes)

    def class_of(self, code: int) -> LandcoverClass | None:
        return next((c for c in self.classes if c.code == code), None)


@functools.cache
def landcover_products() -> dict[str, LandcoverProduct]:
    """The shipped products by id (``worldcover``, ``lc100``, ``clcd``, ``esacci``).

    Examples
    --------
    >>> p = landcover_products()["worldcover"]
    >>> p.vegetation, p.class_of(95).zh
    ((10, 20, 30, 90, 95, 100), '红树林')
    >>> sorted(landcover_products()["lc100"].vegetation)[:6]
    [20, 30, 90, 100, 111, 112]
    """
    raw = load_resource_toml(*PRODUCTS_FILE)
    out = {}
    for pid, p in raw["products"].items():
        classes = tuple(LandcoverClass(int(c["code"]), str(c["en"]), str(c["zh"]), str(c["colour"]).lower())
                        for c in p["classes"])
        out[pid] = LandcoverProduct(pid, p["name_en"], p["name_zh"], p["source"], tuple(int(v) for v in p.get("nodata", [])),
                                    tuple(int(v) for v in p["vegetation"]), classes)
    return out


def product_preference() -> tuple[str, ...]:
    """Order in which products are tried when several class lists hold the values."""
    return tuple(load_resource_toml(*PRODUCTS_FILE)["preference"])


@dataclass(frozen=True)
class VegetationOptions:
    """The settings that say how to read a vegetation raster (from ``AnalysisSettings``)."""

    kind: str = "auto"
    product: str = "auto"
    fraction_scale: float | None = None
    ndvi_scale: float = 1.0
    ndvi_threshold: float = 0.3
    classes: tuple[int, ...] = ()

    @classmethod
    def from_settings(cls, settings: Any) -> VegetationOptions:
        """Options of an ``AnalysisSettings`` (or any object with the same attributes)."""
        scale = getattr(settings, "fraction_scale", None)
        return cls(
            kind=str(getattr(settings, "vegetation_raster_kind", "auto") or "auto"),
            product=str(getattr(settings, "landcover_product", "auto") or "auto"),
            fraction_scale=None if scale is None else float(scale),
            ndvi_scale=float(getattr(settings, "ndvi_scale", 1.0) or 1.0),
            ndvi_threshold=float(getattr(settings, "ndvi_threshold", 0.3)),
            classes=tuple(int(v) for v in (getattr(settings, "vegetation_classes", None) or ())),
        )


@dataclass(frozen=True)
class ValueSummary:
    """What the valid pixels read hold: type, range and (integers) the distinct values.

    Attributes
    ----------
    floating : bool
        Floating-point data type.
    count : int
        Valid pixels looked at.
    vmin, vmax : float or None
        Range of the valid values (None without any).
    values : frozenset of int or None
        Distinct values of an integer raster; None for floating-point data or when there
        are more than :data:`MAX_DISTINCT`.
    """

    floating: bool
    count: int = 0
    vmin: float | None = None
    vmax: float | None = None
    values: frozenset[int] | None = None

    @classmethod
    def of(cls, data: np.ndarray, valid: np.ndarray | None = None) -> ValueSummary:
        """Summary of ``data[valid]`` (NaN never counts).

        Examples
        --------
        >>> s = ValueSummary.of(np.array([[10, 20], [20, 0]], dtype="uint8"), np.array([[1, 1], [1, 0]], bool))
        >>> s.count, s.vmin, s.vmax, sorted(s.values)
        (3, 10.0, 20.0, [10, 20])
        """
        data = np.asarray(data)
        floating = bool(np.issubdtype(data.dtype, np.floating))
        if floating:  # only the range: no copy of the values
            mask = ~np.isnan(data) if valid is None else (valid & ~np.isnan(data))
            n = int(np.count_nonzero(mask))
            if n == 0:
                return cls(True, 0, None, None, None)
            lo = float(np.min(data, where=mask, initial=np.inf))
            hi = float(np.max(data, where=mask, initial=-np.inf))
            return cls(True, n, lo, hi, None)
        vals = data[valid] if valid is not None else data.ravel()
        if vals.size == 0:
            return cls(floating, 0, None, None, frozenset())
        lo, hi = vals.min(), vals.max()
        distinct: frozenset[int] | None = None
        span = int(hi) - int(lo)
        if vals.dtype in (np.uint8, np.uint16):  # a counting pass, not a sort
            present = np.flatnonzero(np.bincount(vals.ravel()))
            distinct = frozenset(int(v) for v in present) if present.size <= MAX_DISTINCT else None
        elif span < 1 << 16:
            present = np.flatnonzero(np.bincount(np.subtract(vals, lo, dtype=np.int64).ravel(), minlength=span + 1))
            if present.size <= MAX_DISTINCT:
                distinct = frozenset(int(v) + int(lo) for v in present)
        else:
            u = np.unique(vals)
            if u.size <= MAX_DISTINCT:
                distinct = frozenset(int(v) for v in u)
        return cls(False, int(vals.size), float(lo), float(hi), distinct)

    def merged(self, other: ValueSummary) -> ValueSummary:
        """The summary of both samples together."""
        if other.count == 0:
            return self
        if self.count == 0:
            return other
        values = None if self.values is None or other.values is None else self.values | other.values
        if values is not None and len(values) > MAX_DISTINCT:
            values = None
        return ValueSummary(self.floating or other.floating, self.count + other.count, min(self.vmin, other.vmin),  # type: ignore[type-var]
                            max(self.vmax, other.vmax), values)  # type: ignore[type-var]


@dataclass(frozen=True)
class RasterKind:
    """The kind a vegetation raster is read as, and why.

    Attributes
    ----------
    kind : {"ndvi", "landcover", "fraction"} or None
        None: the kind cannot be told from the values (see ``reason_en``/``reason_zh``).
    product : str or None
        Land-cover product id (``landcover`` only; None when the values fit no product and
        the user's ``vegetation_classes`` are used).
    fraction_scale : float or None
        ``fraction`` only: the value of a fully vegetated pixel (100 for percent).
    auto : bool
        Decided from the values (setting ``auto``) rather than set by the user.
    alternatives : tuple of str
        Other readings the values allow (``"landcover:esacci"``, ``"fraction"``).
    unlisted : tuple of int
        Values read that are not classes of the product (an explicitly set product).
    reason_en, reason_zh : str
        Why the kind cannot be told, or an extra remark on the decision.
    """

    kind: str | None
    product: str | None = None
    fraction_scale: float | None = None
    auto: bool = True
    alternatives: tuple[str, ...] = ()
    unlisted: tuple[int, ...] = ()
    reason_en: str = ""
    reason_zh: str = ""

    @property
    def known(self) -> bool:
        return self.kind is not None

    @property
    def landcover(self) -> LandcoverProduct | None:
        return landcover_products().get(self.product or "")

    def title_zh(self) -> str:
        """What the raster is, as a legend title: ``植被指数（NDVI）``, ``土地覆盖（ESA WorldCover）`` ..."""
        if self.kind == "ndvi":
            return "植被指数（NDVI）"
        if self.kind == "fraction":
            return "植被覆盖度（%）"
        if self.kind == "landcover":
            p = self.landcover
            return f"土地覆盖（{p.name_zh}）" if p else "土地覆盖（类别）"
        return "植被栅格（类型未识别）"

    def title_en(self) -> str:
        if self.kind == "ndvi":
            return "NDVI"
        if self.kind == "fraction":
            return "vegetation cover fraction (%)"
        if self.kind == "landcover":
            p = self.landcover
            return f"land cover ({p.name_en})" if p else "land cover (classes)"
        return "vegetation raster of unknown kind"

    def describe(self) -> tuple[str, str]:
        """One line each (en, zh) for the check and the analysis summary."""
        how_en = "detected from the pixel values" if self.auto else "as set"
        how_zh = "按像元值判定" if self.auto else "按设置"
        if self.kind is None:
            return (f"The kind of the vegetation raster cannot be told: {self.reason_en}.",
                    f"无法判定植被栅格的类型：{self.reason_zh}。")
        extra_en = extra_zh = ""
        if self.kind == "fraction":
            extra_en, extra_zh = f", value / {self.fraction_scale:g}", f"，像元值 ÷ {self.fraction_scale:g}"
        if self.alternatives:
            alts = ", ".join(alternative_text(a)[0] for a in self.alternatives)
            alts_zh = "、".join(alternative_text(a)[1] for a in self.alternatives)
            extra_en += f"; the values also fit {alts}: set vegetation_raster_kind / landcover_product if that is what it is"
            extra_zh += f"；这些像元值也符合{alts_zh}：若是，请设置 vegetation_raster_kind / landcover_product"
        if self.reason_en:
            extra_en += f"; {self.reason_en}"
            extra_zh += f"；{self.reason_zh}"
        return (f"Vegetation raster read as {self.title_en()} ({how_en}{extra_en}).",
                f"植被栅格按{self.title_zh()}读取（{how_zh}{extra_zh}）。")

    def extra(self) -> dict[str, Any]:
        """The keys ``indicators.json`` carries on ``green_coverage_raster``."""
        out: dict[str, Any] = {"raster_kind": self.kind, "landcover_product": self.product if self.kind == "landcover" else None,
                               "raster_kind_auto": self.auto}
        if self.kind == "fraction":
            out["fraction_scale"] = self.fraction_scale
        if self.alternatives:
            out["raster_kind_alternatives"] = list(self.alternatives)
        return out


def alternative_text(alt: str) -> tuple[str, str]:
    """(en, zh) of an alternative reading such as ``landcover:esacci`` or ``fraction``."""
    if alt.startswith("landcover:"):
        p = landcover_products().get(alt.split(":", 1)[1])
        return (f"land cover {p.name_en}", f"土地覆盖 {p.name_zh}") if p else (alt, alt)
    if alt == "fraction":
        return "a 0–100 cover fraction", "0–100 的植被覆盖度"
    return alt, alt


def _fits(values: frozenset[int], product: LandcoverProduct) -> bool:
    """All values are classes (or no-data codes) of ``product``, and one at least is a class."""
    allowed = product.codes | set(product.nodata)
    return values <= allowed and bool(values & (product.codes - set(product.nodata)))


def matching_products(summary: ValueSummary, options: VegetationOptions | None = None) -> list[str]:
    """Products whose class list holds every integer value of ``summary``, in preference order."""
    if summary.floating or not summary.values:
        return []
    products = landcover_products()
    wanted = options.product if options is not None and options.product != "auto" else None
    return [pid for pid in product_preference() if (wanted is None or pid == wanted) and _fits(summary.values, products[pid])]


def _in_0_100(s: ValueSummary) -> bool:
    return s.vmin is not None and s.vmax is not None and s.vmin >= 0 and s.vmax <= 100


def _ndvi_like(s: ValueSummary, scale: float) -> bool:
    return s.vmin is not None and s.vmax is not None and s.vmin / scale >= -1.0 and s.vmax / scale <= 1.0


def _range_text(s: ValueSummary) -> str:
    return f"{s.vmin:g}–{s.vmax:g}" if s.vmin is not None else "—"


def _unknown(s: ValueSummary, o: VegetationOptions) -> RasterKind:
    if s.count == 0:
        return RasterKind(None, reason_en="no valid pixel was read", reason_zh="未读到有效像元")
    rng = _range_text(s)
    if s.floating:
        en = (f"floating-point values {rng} are not NDVI (−1…1); set vegetation_raster_kind "
              "(\"ndvi\" with ndvi_scale, or \"fraction\" with fraction_scale)")
        zh = (f"浮点像元值 {rng} 不在 NDVI 的 −1…1 范围内；请设置 vegetation_raster_kind"
              "（\"ndvi\" 并设 ndvi_scale，或 \"fraction\" 并设 fraction_scale）")
    else:
        en = (f"integer values {rng} fit no land-cover class list (ESA WorldCover, Copernicus LC100, CLCD, ESA CCI) "
              "and are no 0–100 fraction; set vegetation_raster_kind (\"ndvi\" with ndvi_scale, e.g. 10000; "
              "\"landcover\" with landcover_product or vegetation_classes; \"fraction\" with fraction_scale)")
        zh = (f"整数像元值 {rng} 不属于任何土地覆盖产品的类别表（ESA WorldCover、Copernicus LC100、CLCD、ESA CCI），"
              "也不是 0–100 的覆盖度；请设置 vegetation_raster_kind（\"ndvi\" 并设 ndvi_scale，如 10000；"
              "\"landcover\" 并设 landcover_product 或 vegetation_classes；\"fraction\" 并设 fraction_scale）")
    return RasterKind(None, reason_en=en, reason_zh=zh)


def decide_kind(summary: ValueSummary, options: VegetationOptions) -> RasterKind:
    """How to read a vegetation raster whose valid pixels are summarised by ``summary``.

    Parameters
    ----------
    summary : ValueSummary
        Of the pixels read (the analysis: the window of B).
    options : VegetationOptions
        From the settings (``vegetation_raster_kind``, ``landcover_product`` ...).

    Returns
    -------
    RasterKind

    Examples
    --------
    >>> o = VegetationOptions()
    >>> decide_kind(ValueSummary.of(np.array([-0.2, 0.8], dtype="float32")), o).kind
    'ndvi'
    >>> k = decide_kind(ValueSummary.of(np.array([10, 20, 50, 95], dtype="uint8")), o)
    >>> k.kind, k.product
    ('landcover', 'worldcover')
    >>> k = decide_kind(ValueSummary.of(np.array([0, 40, 85, 100], dtype="uint8")), o)
    >>> k.kind, k.fraction_scale
    ('fraction', 100.0)
    >>> k = decide_kind(ValueSummary.of(np.array([112, 114, 126], dtype="uint8")), o)
    >>> k.kind, k.product
    ('landcover', 'lc100')
    >>> decide_kind(ValueSummary.of(np.arange(0, 5000, 7, dtype="int16")), o).kind is None
    True
    """
    s, o = summary, options
    products = landcover_products()
    if o.kind == "ndvi":
        k = RasterKind("ndvi", auto=False)
        if s.count and not _ndvi_like(s, o.ndvi_scale):
            k = RasterKind("ndvi", auto=False,
                           reason_en=f"values {_range_text(s)} / ndvi_scale {o.ndvi_scale:g} go beyond −1…1: check ndvi_scale",
                           reason_zh=f"像元值 {_range_text(s)} ÷ ndvi_scale {o.ndvi_scale:g} 超出 −1…1：请检查 ndvi_scale")
        return k
    if o.kind == "fraction":
        scale = o.fraction_scale or (1.0 if s.floating else 100.0)
        return RasterKind("fraction", fraction_scale=float(scale), auto=False)
    if o.kind == "landcover":
        if o.product != "auto":
            p = products[o.product]
            unlisted = tuple(sorted((s.values or frozenset()) - p.codes - set(p.nodata)))
            return RasterKind("landcover", o.product, auto=False, unlisted=unlisted)
        found = matching_products(s, o)
        if found:
            return RasterKind("landcover", found[0], auto=False, alternatives=tuple(f"landcover:{p}" for p in found[1:]))
        if o.classes:
            return RasterKind("landcover", None, auto=False,
                              reason_en="the values fit no shipped product: vegetation_classes are used as given, classes drawn in generic colours",
                              reason_zh="像元值不属于任何内置产品：按 vegetation_classes 计算，类别以通用颜色绘制")
        return RasterKind(None, auto=False,
                          reason_en=f"values {_range_text(s)} fit no land-cover product's class list; set landcover_product or vegetation_classes",
                          reason_zh=f"像元值 {_range_text(s)} 不属于任何土地覆盖产品的类别表；请设置 landcover_product 或 vegetation_classes")
    # auto
    if s.count == 0:
        return _unknown(s, o)
    if s.floating:
        return RasterKind("ndvi") if _ndvi_like(s, o.ndvi_scale) else _unknown(s, o)
    found = matching_products(s, o)
    if found:
        alts = tuple(f"landcover:{p}" for p in found[1:]) + (("fraction",) if _in_0_100(s) else ())
        return RasterKind("landcover", found[0], alternatives=alts)
    if o.product != "auto":  # the product is named: an integer raster is that product's classes
        p = products[o.product]
        return RasterKind("landcover", o.product, unlisted=tuple(sorted((s.values or frozenset()) - p.codes - set(p.nodata))))
    if o.ndvi_scale != 1.0 and _ndvi_like(s, o.ndvi_scale):
        return RasterKind("ndvi")
    if _in_0_100(s):
        return RasterKind("fraction", fraction_scale=float(o.fraction_scale or 100.0))
    return _unknown(s, o)


def vegetation_codes(kind: RasterKind, options: VegetationOptions) -> tuple[int, ...]:
    """Classes counted as vegetation: the user's ``vegetation_classes``, else the product's defaults."""
    if options.classes:
        return tuple(options.classes)
    p = kind.landcover
    return p.vegetation if p is not None else ()


__all__ = ["KINDS", "LandcoverClass", "LandcoverProduct", "RasterKind", "ValueSummary", "VegetationOptions",
           "alternative_text", "decide_kind", "landcover_products", "matching_products", "product_preference",
           "vegetation_codes"]
