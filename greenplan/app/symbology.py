"""Categorised and graduated layer styles, and township choropleths (Qt-free).

The style dialog calls these to fill its class list; what they return is the layer's
project style (``[layers.style]`` of the project file), which
:func:`greenplan.render.styles.resolve_style` turns into categories for the exported maps
(so their legends list the classes) and the desktop canvas (so it draws the same classes):

- :func:`categorized_classes`: one class per distinct value of a field; on a land-use or
  green-space layer the values are grouped by the code table's classes (三调 colours);
- :func:`class_breaks`: equal interval, quantile, natural breaks (Fisher-Jenks, by the
  maintained ``jenkspy`` library) or manual breaks of a numeric column;
- :func:`graduated_classes`: the classes of those breaks, coloured from a matplotlib ramp;
- :func:`indicator_values`: a township indicator of ``indicators.json`` by unit code, for a
  choropleth of ``admin_units`` (graduated by the unit code, values joined by code).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from greenplan.core.errors import GreenplanError

#: the graduated methods offered, with their Chinese names (the dialog's 分级方法)
METHOD_NAMES = {"equal": "等间距", "quantile": "分位数", "natural": "自然断点（Jenks）", "manual": "手动"}
#: more distinct values than this are not listed one class each (the rest draw as 其他)
MAX_CATEGORIES = 60
#: the colour ramp of graduated styles unless one is chosen (light to dark green)
DEFAULT_RAMP = "YlGn"
#: the colours of categories of a field no code table knows
QUALITATIVE = "tab20"


class SymbologyError(GreenplanError):
    """Classes cannot be made: no numbers in the field, bad manual breaks, no such indicator."""


def _err(en: str, zh: str, hint_en: str = "", hint_zh: str = "") -> SymbologyError:
    return SymbologyError(en, zh, hint_en=hint_en, hint_zh=hint_zh)


def numeric(values: Sequence[Any] | np.ndarray) -> np.ndarray:
    """The finite numbers of ``values`` (text numbers read, the rest left out).

    Examples
    --------
    >>> numeric([1, "2.5", None, "x", float("nan")]).tolist()
    [1.0, 2.5]
    """
    import pandas as pd

    v = pd.to_numeric(pd.Series(np.asarray(values, dtype=object)), errors="coerce").to_numpy(dtype=float)
    return v[np.isfinite(v)]


def class_breaks(values: Sequence[Any] | np.ndarray, method: str = "equal", k: int = 5,
                 manual: Sequence[float] | None = None) -> list[float]:
    """The class edges ``[min, b1, ..., max]`` of ``values`` (``k`` classes, fewer when the
    values do not allow as many distinct edges).

    Parameters
    ----------
    values : sequence
        Numbers (missing and non-numeric values are left out).
    method : {"equal", "quantile", "natural", "manual"}
        Equal intervals between min and max; quantiles (the ``k``-quantiles of the values,
        numpy's linear interpolation); natural breaks (Fisher-Jenks, ``jenkspy``); or the
        ``manual`` inner breaks between min and max.
    k : int
        Number of classes (2-12).

    Raises
    ------
    SymbologyError
        No number in ``values``, an unknown method, manual breaks missing.

    Examples
    --------
    >>> class_breaks([0, 5, 10, 20], "equal", 4)
    [0.0, 5.0, 10.0, 15.0, 20.0]
    >>> class_breaks([1, 2, 3, 4, 5], "quantile", 2)
    [1.0, 3.0, 5.0]
    >>> class_breaks([1, 2, 3, 10, 11, 12], "natural", 2)
    [1.0, 3.0, 12.0]
    >>> class_breaks([0, 100], "manual", manual=[50, 25])
    [0.0, 25.0, 50.0, 100.0]
    """
    v = numeric(values)
    if len(v) == 0:
        raise _err("The field has no numbers to classify.", "该字段没有可分级的数值。",
                   "Choose a numeric field.", "请选择数值字段。")
    lo, hi = float(v.min()), float(v.max())
    k = max(1, min(int(k), 12))
    if method == "equal":
        edges = np.linspace(lo, hi, k + 1).tolist()
    elif method == "quantile":
        edges = np.quantile(v, np.linspace(0.0, 1.0, k + 1)).tolist()
    elif method == "natural":
        import jenkspy

        n_unique = len(np.unique(v))
        if n_unique <= k:  # as many classes as values: each value its own class
            u = np.unique(v)
            edges = [lo, *(((u[:-1] + u[1:]) / 2).tolist()), hi] if n_unique > 1 else [lo, hi]
        else:
            edges = [float(b) for b in jenkspy.jenks_breaks(v, n_classes=k)]
    elif method == "manual":
        inner = sorted({float(b) for b in (manual or []) if lo < float(b) < hi})
        if not inner and not manual:
            raise _err("Manual classes need breaks.", "手动分级需要输入分级断点。",
                       "Type the breaks, separated by commas.", "请输入断点，用逗号分隔。")
        edges = [lo, *inner, hi]
    else:
        raise _err(f"Unknown classification method {method!r}.", f"未知的分级方法“{method}”。",
                   "Use equal, quantile, natural or manual.", "请使用 equal、quantile、natural 或 manual。")
    out: list[float] = []
    for e in edges:  # equal edges (a constant column, repeated quantiles) give one class
        if not out or float(e) > out[-1]:
            out.append(float(e))
    if len(out) == 1:
        out.append(out[0])
    return out


def ramp_colours(cmap: str, n: int) -> list[str]:
    """``n`` colours ``"#rrggbb"`` evenly along the matplotlib colour map ``cmap``, light
    to dark for the sequential ramps (the ends left out: white and black say nothing).

    Examples
    --------
    >>> ramp_colours("Greens", 3)
    ['#dff3da', '#73c476', '#077331']
    """
    import matplotlib

    from greenplan.render.styles import normalize_colour

    try:
        cm = matplotlib.colormaps[cmap]
    except KeyError:
        raise _err(f"Unknown colour ramp {cmap!r}.", f"未知的色带“{cmap}”。") from None
    pos = [0.5] if n == 1 else np.linspace(0.15, 0.85, n).tolist()
    if cmap in ("tab10", "tab20", "Set1", "Set2", "Set3", "Paired", "Pastel1", "Accent"):
        pos = [(i % cm.N) / cm.N + 0.5 / cm.N for i in range(n)]
    return [str(normalize_colour(tuple(cm(p)[:3]))) for p in pos]


def number_text(value: float, step: float) -> str:
    """A class edge with as many decimals as the class width needs (``step``: the smallest
    class width).

    Examples
    --------
    >>> number_text(12.3456, 5.0), number_text(0.12345, 0.05), number_text(1500.0, 500.0)
    ('12.3', '0.123', '1,500')
    """
    if step <= 0 or not math.isfinite(step):
        step = abs(value) or 1.0
    decimals = max(0, min(4, 1 - math.floor(math.log10(step))))
    if step >= 10:
        decimals = 0
    return f"{value:,.{decimals}f}"


def range_labels(edges: Sequence[float], unit: str | None = None, key: str | None = None) -> list[str]:
    """Legend labels ``"lo – hi"`` of the classes between ``edges``; an indicator's values
    (``unit``) in its own format (:func:`greenplan.analysis.wording.format_value`).

    Examples
    --------
    >>> range_labels([0, 10, 25])
    ['0 – 10', '10 – 25']
    >>> range_labels([0.2, 0.35, 0.5], "ratio")
    ['20.00% – 35.00%', '35.00% – 50.00%']
    """
    if unit:
        from greenplan.analysis.wording import format_value

        def text(x: float) -> str:
            return format_value(float(x), unit, key=key)
    else:
        widths = np.diff(np.asarray(edges, dtype=float))
        step = float(widths[widths > 0].min()) if (widths > 0).any() else 0.0

        def text(x: float) -> str:
            return number_text(float(x), step)
    return [f"{text(a)} – {text(b)}" for a, b in zip(edges[:-1], edges[1:], strict=True)]


def graduated_classes(edges: Sequence[float], cmap: str = DEFAULT_RAMP, unit: str | None = None,
                      key: str | None = None) -> list[dict[str, Any]]:
    """The ``classes`` of a graduated style: ``{min, max, fill, label}`` per pair of edges.

    Examples
    --------
    >>> [(c["min"], c["max"], c["label"]) for c in graduated_classes([0, 10, 20], "Greens")]
    [(0.0, 10.0, '0 – 10'), (10.0, 20.0, '10 – 20')]
    """
    n = max(1, len(edges) - 1)
    colours = ramp_colours(cmap, n)
    labels = range_labels(edges, unit, key)
    return [{"min": float(a), "max": float(b), "fill": c, "label": lab}
            for a, b, c, lab in zip(edges[:-1], edges[1:], colours, labels, strict=True)]


def categorized_classes(values: Sequence[Any] | np.ndarray, role: str | None = None, field: str = "",
                        code_system: str = "sandiao", cmap: str = QUALITATIVE) -> list[dict[str, Any]]:
    """The ``classes`` of a categorized style: one per distinct value, most frequent first.

    On a layer whose role's shipped style classifies ``field`` (land use by ``DLBM`` with
    the 三调 or 用地用海 code table, green space by class), the values are grouped by the
    table's classes, in the table's order, with its colours and names; values the table
    does not know each get their own class after them. Other fields get the colours of
    ``cmap``. At most :data:`MAX_CATEGORIES` classes (the rarest values draw as 其他).

    Examples
    --------
    >>> cls = categorized_classes(["0101", "0103", "0301", "0101"], "land_use", "DLBM")
    >>> [(c["label"], c["values"], c["fill"]) for c in cls]
    [('耕地', ['0101', '0103'], '#f5f8dc'), ('林地', ['0301'], '#68b167')]
    >>> [c["label"] for c in categorized_classes(["b", "a", "b"], None, "kind")]
    ['b', 'a']
    """
    import pandas as pd

    s = pd.Series(np.asarray(values, dtype=object)).dropna().astype(str).str.strip()
    s = s[s != ""]
    counts = s.value_counts(sort=True)
    distinct = [str(v) for v in counts.index]
    out: list[dict[str, Any]] = []
    rest = distinct
    table = _code_table_style(role, field, code_system)
    if table is not None:
        idx = table.classify(distinct)
        for ci, cat in enumerate(table.categories):
            vals = sorted(v for v, i in zip(distinct, idx, strict=True) if i == ci)
            if vals:
                out.append({"values": vals, "fill": cat.fill or "#cccccc", "label": cat.label})
        rest = [v for v, i in zip(distinct, idx, strict=True) if i < 0]
    room = max(0, MAX_CATEGORIES - len(out))
    colours = ramp_colours(cmap, len(rest[:room])) if rest[:room] else []
    out += [{"values": [v], "fill": c, "label": v} for v, c in zip(rest[:room], colours, strict=True)]
    return out


def _code_table_style(role: str | None, field: str, code_system: str):
    from greenplan.render.styles import resolve_style

    if not role:
        return None
    shipped = resolve_style(role, code_system=code_system)
    return shipped if shipped.categorized and shipped.field == field else None


def class_counts(style: Mapping[str, Any], role: str | None, frame: Any, code_system: str = "sandiao") -> list[int]:
    """Features in each class of the project style ``style`` (classes in its order).

    Examples
    --------
    >>> import pandas as pd
    >>> st = {"renderer": "graduated", "field": "n", "classes": graduated_classes([0, 5, 10])}
    >>> class_counts(st, None, pd.DataFrame({"n": [1, 5, 6, 10, 99]}))
    [2, 2]
    """
    from greenplan.render.styles import resolve_style

    shared = resolve_style(role or "reference", dict(style), code_system=code_system)
    if not shared.categorized or frame is None or shared.field not in frame.columns:
        return [0] * len(shared.categories)
    idx = shared.classify(frame[shared.field].to_numpy())
    return np.bincount(idx[idx >= 0], minlength=len(shared.categories)).tolist()


def indicator_keys(doc: Mapping[str, Any] | None) -> list[str]:
    """Keys of the indicators computed per township in ``doc`` (``indicators.json``), in order."""
    keys: dict[str, None] = {}
    for unit in (doc or {}).get("by_unit") or []:
        for key, ind in (unit.get("indicators") or {}).items():
            if isinstance(ind, Mapping) and isinstance(ind.get("value"), (int, float)):
                keys.setdefault(key, None)
    return list(keys)


def indicator_values(doc: Mapping[str, Any], key: str) -> tuple[dict[str, float], str | None]:
    """``({unit code: value}, unit)`` of township indicator ``key`` in ``doc``; townships
    without a value (not applicable, no data) are left out.

    Raises
    ------
    SymbologyError
        No township has a value of ``key``.

    Examples
    --------
    >>> doc = {"by_unit": [{"code": "1", "indicators": {"g": {"value": 0.3, "unit": "ratio"}}},
    ...                    {"code": "2", "indicators": {"g": {"value": None, "unit": "ratio"}}}]}
    >>> indicator_values(doc, "g")
    ({'1': 0.3}, 'ratio')
    """
    out: dict[str, float] = {}
    unit = None
    for u in doc.get("by_unit") or []:
        ind = (u.get("indicators") or {}).get(key)
        if isinstance(ind, Mapping):
            v = ind.get("value")
            unit = unit or ind.get("unit")
            if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
                out[str(u.get("code", "")).strip()] = float(v)
    if not out:
        from greenplan.analysis.wording import indicator_name

        raise _err(f"No township has a value of {key}.", f"没有乡镇有“{indicator_name(key)}”的数值。",
                   "Compute the indicators first.", "请先计算指标。")
    return out, unit


def choropleth_style(doc: Mapping[str, Any], key: str, method: str = "natural", k: int = 5,
                     cmap: str = DEFAULT_RAMP, manual: Sequence[float] | None = None,
                     code_field: str = "code") -> dict[str, Any]:
    """The project style of a township choropleth of indicator ``key`` on ``admin_units``.

    The indicator values are stored in the style (``indicator_values``, by unit code), so
    exported maps and the reopened project draw the same classes; classify again after the
    indicators are computed anew.

    Examples
    --------
    >>> doc = {"by_unit": [{"code": c, "indicators": {"g": {"value": v, "unit": "ratio"}}}
    ...                    for c, v in (("1", 0.1), ("2", 0.2), ("3", 0.4))]}
    >>> st = choropleth_style(doc, "g", "equal", 3)
    >>> st["renderer"], st["field"], [c["label"] for c in st["classes"]]
    ('graduated', 'code', ['10.00% – 20.00%', '20.00% – 30.00%', '30.00% – 40.00%'])
    """
    from greenplan.analysis.wording import indicator_name

    values, unit = indicator_values(doc, key)
    edges = class_breaks(list(values.values()), method, k, manual)
    return {"renderer": "graduated", "field": code_field, "indicator": key, "indicator_values": values,
            "method": method, "breaks": edges, "cmap": cmap, "label": indicator_name(key),
            "classes": graduated_classes(edges, cmap, unit, key)}


def graduated_style(values: Sequence[Any] | np.ndarray, field: str, method: str = "natural", k: int = 5,
                    cmap: str = DEFAULT_RAMP, manual: Sequence[float] | None = None) -> dict[str, Any]:
    """The project style keys of a layer graduated by the numeric ``field``."""
    edges = class_breaks(values, method, k, manual)
    return {"renderer": "graduated", "field": field, "method": method, "breaks": edges, "cmap": cmap,
            "classes": graduated_classes(edges, cmap)}


#: keys of a project style that belong to one renderer (dropped when another is chosen)
RENDERER_KEYS = ("renderer", "field", "classes", "method", "breaks", "cmap", "indicator", "indicator_values",
                 "categories", "match")


def with_renderer(style: Mapping[str, Any], renderer_keys: Mapping[str, Any]) -> dict[str, Any]:
    """``style`` with its renderer keys replaced by ``renderer_keys`` (the other keys kept).

    Examples
    --------
    >>> with_renderer({"fill": "#ff0000", "renderer": "graduated", "breaks": [0, 1]}, {"renderer": "single"})
    {'fill': '#ff0000', 'renderer': 'single'}
    """
    out = {k: v for k, v in style.items() if k not in RENDERER_KEYS}
    out.update({k: v for k, v in renderer_keys.items() if v is not None})
    return out
