"""Layer styles: one definition, two renderers (map export and the desktop canvas).

A :class:`LayerStyle` says how a layer (by role, or an analysis-result layer such as
``redline_occupation``) is drawn: fill, outline, width, opacity, line style, hatch, drawing
priority and the Chinese legend label; categorized layers (land use by code, green space by
class, roads by class) carry one :class:`LayerStyle` per category. Defaults ship in
``resources/styles/default_styles.toml``; a project overrides any key per layer.

This module is plain Python (no matplotlib at import, no Qt) so that the Qt canvas resolves
styles exactly as the map export does; colours are ``"#rrggbb"`` strings or None.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from greenplan.core.errors import ProjectFileError
from greenplan.core.resources import load_resource_toml

STYLE_FILE = ("styles", "default_styles.toml")
CODE_SYSTEMS = ("sandiao", "yongdi2023")

_LINESTYLES = {"-": "-", "--": "--", "-.": "-.", ":": ":", "solid": "-", "dashed": "--",
               "dashdot": "-.", "dotted": ":"}
_COLOUR_KEYS = ("fill", "edge", "hatch_color", "casing")
_FLOAT_KEYS = ("width", "alpha", "edge_alpha", "zorder", "edge_min_px", "casing_width",
               "label_size")
_STR_KEYS = ("label", "label_en", "hatch", "label_field", "other_label", "other_label_en", "cmap", "field",
             "indicator")
#: how a layer's features get their symbol (the style dialog's 单一符号 / 分类 / 分级)
RENDERERS = ("single", "categorized", "graduated")
#: class breaks of a graduated style: equal interval, quantile, natural breaks (Jenks), manual
METHODS = ("equal", "quantile", "natural", "manual")
#: keys of one class of a categorized (value/values) or graduated (min, max) style
_CLASS_KEYS = ("value", "values", "min", "max", "fill", "edge", "label", "label_en")


@dataclass(frozen=True)
class LayerStyle:
    """How one layer, or one category of a layer, is drawn.

    Widths are in points (1 pt = 0.353 mm) at A3 and grow with the paper; colours are
    ``"#rrggbb"`` or None (not drawn). ``alpha`` is the opacity of the fill (of the line
    for line layers); outlines use ``edge_alpha``.
    """

    id: str
    label: str
    kind: str = "polygon"  # polygon | line | raster
    #: the label in the English interface ("" = the Chinese one); maps keep ``label``
    label_en: str = ""
    fill: str | None = None
    edge: str | None = "#555555"
    width: float = 0.5
    alpha: float = 1.0
    edge_alpha: float = 1.0
    linestyle: str = "-"
    hatch: str = ""
    hatch_color: str | None = None
    zorder: float = 10.0
    legend: bool = True
    edge_min_px: float = 0.0
    casing: str | None = None
    casing_width: float = 0.0
    label_field: str = ""
    label_size: float = 9.0
    other_label: str = "其他"
    other_label_en: str = "Other"
    #: categorized layers: the attribute, the matching rule and the categories
    field: str = ""
    match: str = "exact"
    categories: tuple[LayerStyle, ...] = ()
    #: a category's attribute values (codes, or code prefixes when match == "prefix")
    values: tuple[str, ...] = ()
    #: a graduated class: its value range ``(min, max)`` (``match == "range"``)
    bounds: tuple[float, float] | None = None
    #: labels: drawn on a white halo
    label_halo: bool = True
    #: single | categorized | graduated (what the project file says; "" = the role's default)
    renderer: str = ""
    method: str = ""
    breaks: tuple[float, ...] = ()
    #: a choropleth of a township indicator: its key and the value of each unit code (``field``)
    indicator: str = ""
    indicator_values: tuple[tuple[str, float], ...] = ()
    #: rasters
    cmap: str = "viridis"
    vmin: float | None = None
    vmax: float | None = None

    @property
    def categorized(self) -> bool:
        return bool(self.field and self.categories)

    def other(self) -> LayerStyle:
        """The style of features that match no category (the layer's own fill)."""
        return dataclasses.replace(self, id=f"{self.id}:other", label=self.other_label, label_en=self.other_label_en,
                                   categories=(), values=())

    def classify(self, values: Sequence[Any] | np.ndarray) -> np.ndarray:
        """Category index of each value (``-1``: no category), vectorized over unique values.

        Examples
        --------
        >>> s = resolve_style("land_use")
        >>> [s.categories[i].label for i in s.classify(["0101", "0301K", "0810"])]
        ['耕地', '林地', '公园绿地']
        >>> int(s.classify(["XX"])[0])
        -1
        """
        import pandas as pd

        if self.match == "range":
            return self._range_classes(values)
        codes, uniques = pd.factorize(pd.Series(np.asarray(values, dtype=object)), use_na_sentinel=True)
        lut = np.array([self._category_of(u) for u in uniques] + [-1], dtype=np.int64)
        return lut[codes]  # codes == -1 (missing) picks the trailing -1

    def numbers(self, values: Sequence[Any] | np.ndarray) -> np.ndarray:
        """The numbers a graduated style classifies: the values themselves, or for a township
        choropleth the indicator value of each unit code (NaN: no number)."""
        import pandas as pd

        s = pd.Series(np.asarray(values, dtype=object))
        if self.indicator_values:
            lut = {k: v for k, v in self.indicator_values}
            s = s.map(lambda v: lut.get(str(v).strip()))
        return pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)

    def _range_classes(self, values: Sequence[Any] | np.ndarray) -> np.ndarray:
        """Class of each value by the categories' ``bounds``: the first class whose
        ``min <= v <= max`` (a break value goes to the lower class, as mapclassify counts)."""
        v = self.numbers(values)
        out = np.full(len(v), -1, dtype=np.int64)
        for i, cat in enumerate(self.categories):
            if cat.bounds is None:
                continue
            lo, hi = cat.bounds
            out[(out < 0) & (v >= lo) & (v <= hi)] = i
        return out

    def _category_of(self, value: Any) -> int:
        text = str(value).strip().upper()
        if self.match == "prefix" and text.isdigit() and len(text) % 2:
            text = "0" + text  # a code stored as a number lost its leading zero (101 -> 0101)
        best, best_len = -1, -1
        for i, cat in enumerate(self.categories):
            for v in cat.values:
                v = v.upper()
                if self.match == "prefix":
                    if text.startswith(v) and len(v) > best_len:
                        best, best_len = i, len(v)
                elif text == v:
                    return i
        return best


def parse_colour(value: Any, key: str = "colour") -> tuple[float, float, float, float] | None:
    """``(r, g, b, a)`` in 0-1 of a colour as project files, themes and the app write it.

    The one colour reader of GreenPlan (``matplotlib.colors.to_rgba`` does the parsing).
    Accepted: ``"#rgb"``, ``"#rgba"``, ``"#rrggbb"``, ``"#rrggbbaa"``, a matplotlib colour
    name (``"red"``, ``"darkgreen"``, ``"tab:green"``), ``[r, g, b]`` or ``[r, g, b, a]`` with
    integers 0-255 (or floats when one is above 1), ``(r, g, b[, a])`` floats 0-1. ``None``,
    ``""`` and ``"none"`` mean no colour (None).

    Raises
    ------
    ProjectFileError
        The value is not a colour (the message names the style key ``key``).

    Examples
    --------
    >>> parse_colour("#0B5")
    (0.0, 0.7333333333333333, 0.3333333333333333, 1.0)
    >>> parse_colour([255, 0, 0]), parse_colour((1.0, 0.0, 0.0, 0.5)), parse_colour("none")
    ((1.0, 0.0, 0.0, 1.0), (1.0, 0.0, 0.0, 0.5), None)
    """
    if isinstance(value, str):
        return _parse_text(value, key)
    if value is None:
        return None

    if isinstance(value, (list, tuple)):
        if len(value) not in (3, 4) or not all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                                               for v in value):
            raise _bad(key, value, "expected [r, g, b] with 0-255 integers.", "应为 0-255 的 [红, 绿, 蓝]。")
        if all(isinstance(v, (int, np.integer)) for v in value) or any(v > 1 for v in value):
            if not all(0 <= v <= 255 for v in value):
                raise _bad(key, value, "expected [r, g, b] with 0-255 integers.", "应为 0-255 的 [红, 绿, 蓝]。")
            value = tuple(float(v) / 255 for v in value)
    return _to_rgba(value, key)


@functools.lru_cache(maxsize=4096)
def _parse_text(text: str, key: str) -> tuple[float, float, float, float] | None:
    """:func:`parse_colour` of a string, once per string (styles are resolved per layer and
    category on every canvas preparation); a bad one raises each time (not cached)."""
    text = text.strip()
    if text.lower() in ("", "none"):
        return None
    if len(text) in (7, 9) and text[0] == "#" and text[1:].isalnum():
        # the usual "#rrggbb[aa]" without importing matplotlib: the desktop canvas resolves
        # every style but draws with Qt, and a process holding matplotlib's objects pays for
        # them in each garbage collection (bench_canvas: layer preparation 0.06 -> 0.12 s)
        try:
            rgb = bytes.fromhex(text[1:])
        except ValueError:
            pass  # not hex digits: matplotlib's error below
        else:
            return (rgb[0] / 255, rgb[1] / 255, rgb[2] / 255, rgb[3] / 255 if len(rgb) == 4 else 1.0)
    return _to_rgba(text, key)


def _to_rgba(value: Any, key: str) -> tuple[float, float, float, float]:
    from matplotlib.colors import to_rgba

    try:
        return tuple(float(c) for c in to_rgba(value))  # type: ignore[return-value]
    except (ValueError, TypeError):
        raise _bad(key, value, "expected a colour such as \"#00b050\", \"red\", [0, 176, 80] or \"none\".",
                   "应为颜色，例如 \"#00b050\"、\"red\"、[0, 176, 80] 或 \"none\"。") from None


def rgba(colour: str | None, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """``(r, g, b, alpha)`` in 0-1 of a colour (:func:`parse_colour`); None gives fully transparent.

    Examples
    --------
    >>> rgba("#ff8000", 0.5)
    (1.0, 0.5019607843137255, 0.0, 0.5)
    """
    c = parse_colour(colour)
    if c is None:
        return (0.0, 0.0, 0.0, 0.0)
    return (c[0], c[1], c[2], float(alpha))


def rgb255(colour: Any) -> tuple[int, int, int]:
    """``(r, g, b)`` as 0-255 integers of a colour (:func:`parse_colour`; None: black).

    Examples
    --------
    >>> rgb255("#006400")
    (0, 100, 0)
    """
    c = parse_colour(colour) or (0.0, 0.0, 0.0, 1.0)
    return (round(c[0] * 255), round(c[1] * 255), round(c[2] * 255))


def _bad(key: str, value: Any, en: str, zh: str) -> ProjectFileError:
    return ProjectFileError(
        f"Style key '{key}' has a bad value {value!r}: {en}",
        f"样式项“{key}”的值 {value!r} 无效：{zh}",
        key=f"style.{key}",
        hint_en="Fix the value in the project file's layer style or theme style.",
        hint_zh="请在项目文件的图层样式或专题样式中更正该值。",
    )


def normalize_colour(value: Any, key: str = "colour") -> str | None:
    """``"#rrggbb"`` for a hex string, a matplotlib colour name or ``[r, g, b]`` (0-255);
    None for ``"none"``/``""``.

    Raises
    ------
    ProjectFileError
        The value is not a colour (the message names the style key).

    Examples
    --------
    >>> normalize_colour("#0B5"), normalize_colour([0, 176, 80]), normalize_colour("none")
    ('#00bb55', '#00b050', None)
    """
    c = parse_colour(value, key)
    return None if c is None else "#{:02x}{:02x}{:02x}".format(*(round(v * 255) for v in c[:3]))


def _apply(base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``overrides`` and merge them into the keyword dict ``base``."""
    out = dict(base)
    for key, value in overrides.items():
        if key in ("categories", "values", "id", "kind", "match", "bounds", "classes"):
            out[key] = value  # checked by the caller
        elif key in _COLOUR_KEYS:
            out[key] = normalize_colour(value, key)
        elif key in _FLOAT_KEYS:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise _bad(key, value, "expected a number.", "应为数值。")
            if key in ("alpha", "edge_alpha") and not 0 <= value <= 1:
                raise _bad(key, value, "expected a number from 0 to 1.", "应为 0 到 1 之间的数值。")
            if key != "zorder" and value < 0:
                raise _bad(key, value, "expected a positive number.", "应为非负数。")
            out[key] = float(value)
        elif key in ("vmin", "vmax"):
            out[key] = None if value is None else float(value)
        elif key == "linestyle":
            if str(value) not in _LINESTYLES:
                raise _bad(key, value, "expected one of - -- -. : solid dashed dashdot dotted.",
                           "应为 - -- -. : solid dashed dashdot dotted 之一。")
            out[key] = _LINESTYLES[str(value)]
        elif key in ("legend", "label_halo"):
            if not isinstance(value, bool):
                raise _bad(key, value, "expected true or false.", "应为 true 或 false。")
            out[key] = value
        elif key in _STR_KEYS:
            out[key] = str(value)
        elif key == "renderer":
            if value not in RENDERERS:
                raise _bad(key, value, f"expected one of {', '.join(RENDERERS)}.",
                           "应为 single（单一符号）、categorized（分类）或 graduated（分级）之一。")
            out[key] = value
        elif key == "method":
            if value not in METHODS:
                raise _bad(key, value, f"expected one of {', '.join(METHODS)}.",
                           "应为 equal（等间距）、quantile（分位数）、natural（自然断点）或 manual（手动）之一。")
            out[key] = value
        elif key == "breaks":
            out[key] = _numbers(key, value, ascending=True)
        elif key == "indicator_values":
            if not isinstance(value, Mapping):
                raise _bad(key, value, "expected a table {unit code: number}.", "应为表 {乡镇代码: 数值}。")
            nums = _numbers(key, list(value.values()))
            out[key] = tuple(zip((str(k) for k in value), nums, strict=True))
        else:
            valid = ", ".join(sorted(set(_COLOUR_KEYS + _FLOAT_KEYS + _STR_KEYS) | {
                "linestyle", "legend", "vmin", "vmax", "categories", "renderer", "classes", "method", "breaks",
                "label_halo", "indicator_values"}))
            raise _bad(key, value, f"unknown style key; valid keys: {valid}.", f"未知的样式项；可用的样式项：{valid}。")
    return out


def _numbers(key: str, value: Any, ascending: bool = False) -> tuple[float, ...]:
    if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) for v in value):
        raise _bad(key, value, "expected a list of numbers.", "应为数值列表。")
    nums = tuple(float(v) for v in value)
    if ascending and any(b <= a for a, b in zip(nums, nums[1:], strict=False)):
        raise _bad(key, value, "expected increasing numbers.", "应为递增的数值。")
    return nums


def _class_categories(renderer: str, classes: Any) -> tuple[list[dict[str, Any]], str]:
    """The categories (``resolve_style``'s raw form) and the match rule of a project style's
    ``classes`` list: ``{value|values, fill, label}`` (categorized) or ``{min, max, fill, label}``
    (graduated)."""
    if not isinstance(classes, (list, tuple)) or not all(isinstance(c, Mapping) for c in classes):
        raise _bad("classes", classes, "expected a list of tables such as {value = \"0101\", fill = \"#f0e68c\"}.",
                   "应为表的列表，例如 {value = \"0101\", fill = \"#f0e68c\"}。")
    out = []
    for i, c in enumerate(classes):
        unknown = sorted(set(c) - set(_CLASS_KEYS))
        if unknown:
            raise _bad("classes", dict(c), f"unknown class key {unknown[0]}; valid keys: {', '.join(_CLASS_KEYS)}.",
                       f"未知的类别项 {unknown[0]}；可用的类别项：{'、'.join(_CLASS_KEYS)}。")
        cat: dict[str, Any] = {"id": f"c{i}"}
        if renderer == "graduated":
            if "min" not in c or "max" not in c:
                raise _bad("classes", dict(c), "a graduated class needs min and max.", "分级类别需要 min 和 max。")
            lo, hi = _numbers("classes", [c["min"], c["max"]])
            if hi < lo:
                raise _bad("classes", dict(c), "min is above max.", "min 大于 max。")
            cat["bounds"] = (lo, hi)
            cat["label"] = str(c.get("label", f"{lo:g} – {hi:g}"))
        else:
            if "values" in c:
                vals = c["values"]
                if not isinstance(vals, (list, tuple)):
                    raise _bad("classes", dict(c), "values must be a list.", "values 应为列表。")
                values = [str(v) for v in vals]
            elif "value" in c:
                values = [str(c["value"])]
            else:
                raise _bad("classes", dict(c), "a categorized class needs value or values.", "分类类别需要 value 或 values。")
            cat["values"] = values
            cat["label"] = str(c.get("label", values[0] if values else ""))
        if "label_en" in c:
            cat["label_en"] = str(c["label_en"])
        for k in ("fill", "edge"):
            if k in c:
                cat[k] = c[k]
        out.append(cat)
    return out, ("range" if renderer == "graduated" else "exact")


def _style_table() -> dict[str, Any]:
    return load_resource_toml(*STYLE_FILE)


def _landuse_categories(code_system: str) -> list[dict[str, Any]]:
    table = _style_table()["landuse"]
    if code_system not in table:
        raise _bad("code_system", code_system, f"expected one of {', '.join(CODE_SYSTEMS)}.",
                   f"应为 {'、'.join(CODE_SYSTEMS)} 之一。")
    by_class: dict[str, list[str]] = {}
    for prefix, cls in table[code_system].items():
        by_class.setdefault(cls, []).append(prefix)
    return [{"id": cls, "values": by_class[cls], **table["classes"][cls]}
            for cls in table["order"] if cls in by_class]


def resolve_style(role: str, project_style: Mapping[str, Any] | None = None, *,
                  code_system: str = "sandiao") -> LayerStyle:
    """The style of a layer: shipped default for ``role``, then the project's overrides.

    Parameters
    ----------
    role : str
        A layer role (``ecological_redline`` ...), an analysis-result layer id
        (``redline_occupation`` ...), or any other name (a reference layer: grey outline).
    project_style : mapping, optional
        Overrides from the project file (keys as in ``default_styles.toml``). For a
        categorized layer ``fill`` colours the features of no category; a ``categories``
        table ``{id: {key: value}}`` overrides single categories.
    code_system : {"sandiao", "yongdi2023"}
        Which code table colours ``land_use``.

    Raises
    ------
    ProjectFileError
        An unknown style key or a bad value (the message names the key).

    Examples
    --------
    >>> s = resolve_style("ecological_redline", {"alpha": 0.3})
    >>> s.label, s.fill, s.edge, s.alpha
    ('生态保护红线', '#00b050', '#006400', 0.3)
    >>> resolve_style("land_use", code_system="yongdi2023").categories[0].label
    '耕地'
    """
    table = _style_table()
    defaults = _apply({}, {k: v for k, v in table["defaults"].items()})
    raw = dict(table["styles"].get(role, {"label": role, "edge": "#555555", "width": 0.6}))
    base = _apply(defaults, raw)
    project_style = dict(project_style or {})
    cat_overrides = project_style.pop("categories", None)
    renderer = project_style.get("renderer", "")
    classes = project_style.pop("classes", None)
    merged = _apply(base, project_style)
    raw_cats = merged.pop("categories", None)
    if renderer == "single":
        raw_cats, cat_overrides, merged["field"] = None, None, ""
    elif renderer in ("categorized", "graduated"):
        if not merged.get("field"):
            raise _bad("field", "", "a categorized or graduated style needs a field.", "分类或分级样式需要字段（field）。")
        raw_cats, merged["match"] = _class_categories(renderer, classes if classes is not None else [])
        cat_overrides = None
    elif classes is not None:
        raise _bad("classes", classes, "classes need renderer = categorized or graduated.",
                   "classes 需要 renderer = categorized 或 graduated。")
    if raw_cats == "landuse":
        raw_cats = _landuse_categories(code_system)
    cats: list[LayerStyle] = []
    shared = {k: v for k, v in merged.items() if k not in ("label", "label_en", "fill", "categories", "values", "id")}
    if isinstance(cat_overrides, Mapping):
        extra = {str(k): v for k, v in cat_overrides.items()}
    elif cat_overrides is None:
        extra = {}
    else:
        raise _bad("categories", cat_overrides, "expected a table {category id: {key: value}}.",
                   "应为表 {类别: {样式项: 值}}。")
    for c in raw_cats or []:
        c = dict(c)
        cid = str(c.pop("id"))
        values = tuple(str(v) for v in c.pop("values", (cid,)))
        kw = _apply({**shared, "fill": merged.get("fill"), "bounds": None}, c)
        kw = _apply(kw, extra.pop(cid, {}))
        cats.append(LayerStyle(id=f"{role}:{cid}", values=values, **kw))
    for cid, over in extra.items():  # a project may add categories
        over = dict(over)
        values = tuple(str(v) for v in over.pop("values", (cid,)))
        kw = _apply({**shared, "fill": merged.get("fill"), "label": cid}, over)
        cats.append(LayerStyle(id=f"{role}:{cid}", values=values, **kw))
    if merged.get("match", "exact") not in ("exact", "prefix", "range"):
        raise _bad("match", merged["match"], "expected exact or prefix.", "应为 exact 或 prefix。")
    return LayerStyle(id=role, categories=tuple(cats), **merged)


def style_ids() -> list[str]:
    """Ids of every shipped style (roles and analysis-result layers)."""
    return list(_style_table()["styles"])


def scaled(style: LayerStyle, factor: float) -> LayerStyle:
    """``style`` with widths and label size multiplied by ``factor`` (paper size)."""
    if factor == 1.0:
        return style
    return dataclasses.replace(
        style, width=style.width * factor, casing_width=style.casing_width * factor,
        label_size=style.label_size * factor,
        categories=tuple(scaled(c, factor) for c in style.categories))


__all__ = ["LayerStyle", "resolve_style", "normalize_colour", "rgba", "style_ids", "scaled",
           "CODE_SYSTEMS", "RENDERERS", "METHODS"]


def display_label(style: LayerStyle, lang: str = "zh") -> str:
    """The label of a style or category in the interface language (maps use ``label``).

    Examples
    --------
    >>> s = resolve_style("land_use")
    >>> display_label(s.categories[0], "en"), display_label(s.categories[0]), display_label(s.other(), "en")
    ('Cultivated land', '耕地', 'Unrecognised land-use class')
    """
    return (style.label_en or style.label) if lang == "en" else style.label
