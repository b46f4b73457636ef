"""The region overview map (``region_overview``): the counties coloured by one indicator.

A choropleth through the same sheet as every other map
(:func:`greenplan.render.mapsheet.compose_map`), with a theme built here: one layer
``region_counties`` (each county's outline, the union of its townships), classified on a
``class`` column whose categories' legend labels state the class breaks. The breaks are
the indicator's grade thresholds where it has them (未达Ⅲ级 / Ⅲ级 / Ⅱ级 / Ⅰ级, as the
standard grades them), else four equal intervals between the smallest and largest county
value. Counties without a value (failed, or the indicator not computed) are grey: 无数值.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

THEME_ID = "region_overview"
#: light to dark green, for 4 classes (ColorBrewer Greens); reversed where less is better
PALETTE = ("#edf8e9", "#bae4b3", "#74c476", "#238b45")
NO_VALUE_FILL = "#d9d9d9"


def class_breaks(key: str, values: Sequence[float], threshold: Any, unit: str) -> list[tuple[float | None, float | None, str]]:
    """Classes as (lower, upper, label): lower ≤ v < upper (None: open); labels state the breaks.

    Examples
    --------
    >>> [c[2] for c in class_breaks("green_coverage_vector", [0.3], {"I": 0.4, "II": 0.36, "III": 0.34}, "ratio")]
    ['< 34.00%（未达Ⅲ级）', '34.00%–36.00%（Ⅲ级）', '36.00%–40.00%（Ⅱ级）', '≥ 40.00%（Ⅰ级）']
    """
    from greenplan.analysis.wording import format_value, grade_word

    def fmt(v: float) -> str:
        return format_value(v, unit, "zh", key)

    graded = isinstance(threshold, Mapping) and all(k in threshold for k in ("I", "II", "III"))
    if graded:
        t3, t2, t1 = (float(threshold[k]) for k in ("III", "II", "I"))
        if t3 <= t2 <= t1:
            return [(None, t3, f"< {fmt(t3)}（未达{grade_word('III')}）"),
                    (t3, t2, f"{fmt(t3)}–{fmt(t2)}（{grade_word('III')}）"),
                    (t2, t1, f"{fmt(t2)}–{fmt(t1)}（{grade_word('II')}）"),
                    (t1, None, f"≥ {fmt(t1)}（{grade_word('I')}）")]
    lo, hi = (min(values), max(values)) if values else (0.0, 0.0)
    if hi <= lo:
        return [(None, None, f"{fmt(lo)}")]
    step = (hi - lo) / 4
    edges = [lo + step * i for i in range(5)]
    out = []
    for i in range(4):
        a, b = edges[i], edges[i + 1]
        label = f"{fmt(a)}–{fmt(b)}"
        out.append((None if i == 0 else a, None if i == 3 else b, label))
    return out


def classify(values: Sequence[float | None], classes: list[tuple[float | None, float | None, str]]) -> list[str]:
    """``c1``… per value (``none`` for a missing one)."""
    out = []
    for v in values:
        if v is None:
            out.append("none")
            continue
        for i, (a, b, _) in enumerate(classes):
            if (a is None or v >= a) and (b is None or v < b):
                out.append(f"c{i + 1}")
                break
        else:
            out.append(f"c{len(classes)}")
    return out


def overview_theme(key: str, classes: list[tuple[float | None, float | None, str]], lower_better: bool) -> Any:
    """The ``region_overview`` :class:`~greenplan.render.themes.Theme` for ``classes``."""
    from greenplan.analysis.wording import indicator_name
    from greenplan.render.themes import Theme, ThemeLayer

    colours = list(PALETTE[::-1] if lower_better else PALETTE)
    if len(classes) < len(colours):
        colours = colours[len(colours) - len(classes):]
    cats = {f"c{i + 1}": {"label": lab, "fill": colours[i], "values": [f"c{i + 1}"]}
            for i, (_, _, lab) in enumerate(classes)}
    style = {"label": indicator_name(key), "field": "class", "fill": NO_VALUE_FILL, "other_label": "无数值",
             "edge": "#404040", "width": 0.8, "alpha": 1.0, "label_field": "label", "label_size": 9.0,
             "categories": cats}
    return Theme(THEME_ID, f"各县{indicator_name(key)}分级图", (ThemeLayer("region_counties", style),),
                 title_en=f"Counties by {indicator_name(key, 'en')}",
                 subtitle=f"分级：{'、'.join(lab for _, _, lab in classes)}")


def county_outlines(counties: Sequence[Mapping[str, Any]]) -> Any:
    """GeoDataFrame of the counties with a document: code, name, geometry (union of the
    townships), in the first county's working CRS."""
    import copy

    import geopandas as gpd
    import shapely

    from greenplan.core.project import parse_project
    from greenplan.io.loader import load_project

    rows, crs = [], None
    for c in counties:
        if not c.get("document") or not c.get("project"):
            continue
        project, _ = parse_project(copy.deepcopy(c["project"]), Path(c["project_file"]))
        admin = load_project(project, roles=["admin_units"]).vector("admin_units")
        if admin is None or not len(admin):
            continue
        crs = crs or admin.crs
        outline = shapely.union_all(admin.to_crs(crs).geometry.values)
        rows.append({"code": c["code"], "name": c["name"], "geometry": outline})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)


def write_overview(region: Any, counties: Sequence[Mapping[str, Any]], out_dir: Path, key: str,
                   formats: Sequence[str] = ("pdf", "png")) -> dict[str, Path]:
    """``region_overview.<fmt>`` for each format; returns {"overview_<fmt>": path}.

    Raises
    ------
    SettingError
        ``key`` is not an indicator of the counties' documents.
    """
    from greenplan.analysis.wording import format_value, indicator_name
    from greenplan.core.errors import SettingError
    from greenplan.jobs._batch_outputs import EXTENSIONS
    from greenplan.jobs.region.outputs import lower_is_better
    from greenplan.render.export import save_map
    from greenplan.render.mapsheet import compose_map

    objs = {c["code"]: (c.get("document") or {}).get("indicators", {}).get(key) for c in counties}
    if not any(objs.values()):
        raise SettingError(f"No county has the indicator '{key}'.", f"没有任何县有指标“{key}”。", key="--indicator")
    gdf = county_outlines(counties)
    first = next(o for o in objs.values() if o)
    values = [(objs.get(code) or {}).get("value") for code in gdf["code"]]
    classes = class_breaks(key, [v for v in values if v is not None], first.get("threshold"), first.get("unit") or "")
    gdf["class"] = classify(values, classes)
    gdf["value"] = [v if v is not None else float("nan") for v in values]
    gdf["label"] = [f"{n}\n{format_value(v, first.get('unit'), 'zh', key)}" for n, v in zip(gdf["name"], values, strict=True)]
    theme = overview_theme(key, classes, lower_is_better(key, first.get("threshold")))
    fig = compose_map({"region_counties": gdf}, theme, paper="A3", orientation="landscape", dpi=150,
                      title=f"{region.name}各县{indicator_name(key)}分级图",
                      metadata={"organisation": region.organisation, "project_name": region.name},
                      crs_label=str(gdf.crs.to_string()) if gdf.crs is not None else None)
    out = {}
    for f in formats:
        if f not in EXTENSIONS:
            continue
        out[f"overview_{f}"] = save_map(fig, out_dir / f"region_overview{EXTENSIONS[f]}", fmt=f)
    return out
