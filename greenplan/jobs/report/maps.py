"""The report's maps: the sheets of ``greenplan export``, drawn at the report's page width.

Each map is :func:`greenplan.jobs.sheet.township_sheet` + :func:`~greenplan.jobs.sheet.draw_sheet`
over the report's :class:`~greenplan.jobs.sheet.MapData`, as the export and the batch draw
them, on a sheet as wide as the template's text (the scale bar is true on the printed page).
The per-township map is a theme built here: the admin units coloured by one indicator's
per-township value (:func:`choropleth_theme`), classes labelled by the shared formatter.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: the report's map themes, in report order (ids of resources/styles/themes.toml)
REPORT_THEMES: tuple[str, ...] = ("greening", "control_lines", "conflicts", "opportunities", "scenario")
#: the per-township map's id (not a theme of themes.toml: built from the indicators)
CHOROPLETH = "township_choropleth"
#: its default indicator: computed for every township, with or without built-up area
CHOROPLETH_INDICATOR = "forest_coverage"
#: class colours, light to dark (ColorBrewer YlGn, 5 classes)
CHOROPLETH_COLOURS = ("#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837")
#: sheet height / width of a report map: a portrait sheet as wide as the text and nearly as
#: high (a map and its caption fill a page; fonts scale with the shorter side, A3 = 1)
ASPECT = 1.3


@dataclass(frozen=True)
class MapImage:
    """One rendered map: its theme id, title (图名) and PNG bytes."""

    theme: str
    title: str
    png: bytes
    width_mm: float


def class_breaks(values: Sequence[float], n: int = len(CHOROPLETH_COLOURS)) -> list[float]:
    """``n + 1`` equal-interval class limits from the smallest to the largest value.

    Examples
    --------
    >>> class_breaks([0.0, 0.5, 1.0], 2)
    [0.0, 0.5, 1.0]
    >>> class_breaks([0.2, 0.2], 3)
    [0.2, 0.2]
    """
    lo, hi = min(values), max(values)
    if hi <= lo:
        return [lo, hi]
    step = (hi - lo) / n
    return [lo + step * i for i in range(n)] + [hi]


def choropleth_layer(data: Any, key: str = CHOROPLETH_INDICATOR, lang: str = "zh") -> tuple[Any, dict[str, Any]] | None:
    """(admin units with a ``klass`` column, the layer's style) for indicator ``key`` per
    township; None without admin units, a row per township or any value."""
    import numpy as np

    from greenplan.analysis.wording import IndicatorView, format_value

    admin = data.layers.get("admin_units")
    units = (data.doc or {}).get("by_unit") or []
    if admin is None or not len(admin) or len(units) != len(admin):
        return None
    views = [IndicatorView.from_dict(key, (u.get("indicators") or {}).get(key)) for u in units]
    values = np.array([np.nan if v.value is None else float(v.value) for v in views])
    if not np.isfinite(values).any():
        return None
    unit = next(v.unit for v in views if v.value is not None)
    breaks = class_breaks(values[np.isfinite(values)].tolist())
    n = len(breaks) - 1
    klass = np.full(len(values), "none", dtype=object)
    finite = np.isfinite(values)
    idx = np.clip(np.searchsorted(breaks, values[finite], side="right") - 1, 0, max(n - 1, 0))
    klass[finite] = [f"c{i}" for i in idx]
    colours = CHOROPLETH_COLOURS if n == len(CHOROPLETH_COLOURS) else CHOROPLETH_COLOURS[-1:]
    categories = {}
    for i in range(max(n, 1)):
        lo, hi = breaks[i], breaks[min(i + 1, len(breaks) - 1)]
        label = f"{format_value(lo, unit, lang, key)} – {format_value(hi, unit, lang, key)}"
        categories[f"c{i}"] = {"values": [f"c{i}"], "fill": colours[i], "label": label}
    layer = admin.copy()
    layer["klass"] = klass
    style = {"label": views[0].name(lang), "field": "klass", "match": "exact", "fill": "#ffffff",
             "other_label": "无数据" if lang == "zh" else "no data", "edge": "#ffffff", "width": 0.3,
             "categories": categories}
    return layer, style


def choropleth_theme(key: str = CHOROPLETH_INDICATOR, style: dict[str, Any] | None = None, lang: str = "zh") -> Any:
    """The per-township map of indicator ``key``: the class layer under the township outlines."""
    from greenplan.analysis.wording import indicator_name
    from greenplan.render.themes import Theme, ThemeLayer

    name = indicator_name(key, lang)
    title = f"分乡镇{name}图" if lang == "zh" else f"{name} by township"
    return Theme(id=CHOROPLETH, title=title, title_en=title, indicators=(key,),
                 layers=(ThemeLayer(CHOROPLETH, dict(style or {})), ThemeLayer("rivers", {"legend": False}),
                         ThemeLayer("admin_units")))


def render_report_map(data: Any, theme: Any, *, width_mm: float, dpi: float) -> MapImage:
    """One county sheet of ``theme`` as PNG bytes, ``width_mm`` wide."""
    from greenplan.jobs.sheet import draw_sheet, township_sheet

    spec = township_sheet(data, theme)
    paper = (float(width_mm), round(float(width_mm) * ASPECT, 1))
    fig = draw_sheet(data, spec, paper=paper, dpi=dpi)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    fig.clear()  # the artists go now, not at the next collection (the CLI pauses the cyclic GC)
    return MapImage(theme=theme.id, title=spec.title, png=buf.getvalue(), width_mm=width_mm)


def render_report_maps(data: Any, theme_ids: Sequence[str], *, width_mm: float, dpi: float, lang: str = "zh",
                       choropleth: str = CHOROPLETH_INDICATOR, feedback: Any = None) -> dict[str, MapImage]:
    """The maps of ``theme_ids`` (:data:`REPORT_THEMES` and :data:`CHOROPLETH`) by id.

    The scenario map is drawn only when ``data`` holds a scenario; the per-township map
    only when the indicators have a row per township.
    """
    from greenplan.core.feedback import Feedback
    from greenplan.render.themes import get_theme

    feedback = feedback or Feedback()
    out: dict[str, MapImage] = {}
    ids = list(theme_ids)
    for k, tid in enumerate(ids):
        feedback.step(k, len(ids), f"绘制地图 / drawing map {tid}")
        if tid == CHOROPLETH:
            made = choropleth_layer(data, choropleth, lang)
            if made is None:
                continue
            layer, style = made
            data.layers[CHOROPLETH] = layer
            try:
                out[tid] = render_report_map(data, choropleth_theme(choropleth, style, lang), width_mm=width_mm, dpi=dpi)
            finally:
                data.layers.pop(CHOROPLETH, None)
            continue
        if tid == "scenario" and data.scenario_doc is None:
            continue
        out[tid] = render_report_map(data, get_theme(tid, data.project.themes), width_mm=width_mm, dpi=dpi)
    feedback.step(len(ids), len(ids))
    return out
