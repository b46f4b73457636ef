"""Class breaks against hand computations and an exhaustive search; categorised classes from the
三调 code table; township choropleth values; validation of the style keys; label placement."""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import numpy as np
import pytest

from greenplan.app.label_boxes import place_boxes
from greenplan.app.symbology import (
    SymbologyError,
    categorized_classes,
    choropleth_style,
    class_breaks,
    class_counts,
    graduated_classes,
    indicator_values,
    with_renderer,
)
from greenplan.core.errors import ProjectFileError
from greenplan.render.styles import resolve_style

STYLES = Path(__file__).resolve().parents[2] / "resources" / "styles" / "default_styles.toml"


def test_equal_interval_by_hand() -> None:
    # min 2, max 14, 3 classes of (14 - 2) / 3 = 4
    assert class_breaks([2, 3, 14, 7, None, "x"], "equal", 3) == [2.0, 6.0, 10.0, 14.0]


def test_quantiles_by_hand_and_numpy() -> None:
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    # the median of 1..10 is 5.5; quartiles by linear interpolation: 3.25, 5.5, 7.75
    assert class_breaks(values, "quantile", 2) == [1.0, 5.5, 10.0]
    assert class_breaks(values, "quantile", 4) == [1.0, 3.25, 5.5, 7.75, 10.0]
    rng = np.random.default_rng(3)
    v = rng.lognormal(size=200)
    assert class_breaks(v, "quantile", 5) == pytest.approx(np.quantile(v, [0, 0.2, 0.4, 0.6, 0.8, 1.0]).tolist())


def _best_partition(values: list[float], k: int) -> list[float]:
    """Fisher's optimal grouping by exhaustive search: the contiguous split of the sorted values
    into ``k`` groups with the least sum of squared deviations from the group means."""
    v = sorted(values)
    best, edges = np.inf, None
    for cuts in itertools.combinations(range(1, len(v)), k - 1):
        groups = np.split(np.array(v), cuts)
        cost = sum(float(((g - g.mean()) ** 2).sum()) for g in groups)
        if cost < best - 1e-12:
            best, edges = cost, [v[0], *(float(g.max()) for g in groups)]
    return edges


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_natural_breaks_are_the_optimal_grouping(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = np.round(np.concatenate([rng.normal(10, 2, 5), rng.normal(40, 3, 5), rng.normal(90, 5, 4)]), 2).tolist()
    assert class_breaks(values, "natural", 3) == pytest.approx(_best_partition(values, 3))
    assert class_breaks(values, "natural", 4) == pytest.approx(_best_partition(values, 4))


def test_natural_breaks_with_fewer_values_than_classes() -> None:
    # two distinct values, five classes asked: each value its own class, split halfway
    assert class_breaks([1, 1, 3], "natural", 5) == [1.0, 2.0, 3.0]


def test_manual_breaks_and_a_constant_field() -> None:
    assert class_breaks([0, 100], "manual", manual=[50, 25, 500, -3]) == [0.0, 25.0, 50.0, 100.0]
    assert class_breaks([7, 7, 7], "equal", 4) == [7.0, 7.0]  # one class, not four empty ones
    with pytest.raises(SymbologyError) as exc:
        class_breaks(["a", None], "equal", 3)
    assert "没有可分级的数值" in exc.value.bilingual()
    with pytest.raises(SymbologyError):
        class_breaks([1, 2], "manual")
    with pytest.raises(SymbologyError):
        class_breaks([1, 2], "jenks")


def test_graduated_classes_count_the_features() -> None:
    import pandas as pd

    classes = graduated_classes([0, 10, 20, 30])
    assert [c["label"] for c in classes] == ["0 – 10", "10 – 20", "20 – 30"]
    style = {"renderer": "graduated", "field": "v", "classes": classes}
    # a break value belongs to the class below it; values outside every class are 其他
    frame = pd.DataFrame({"v": [0, 10, 10.5, 20, 25, 30, 31, None]})
    assert class_counts(style, None, frame) == [2, 2, 2]
    assert resolve_style("ref", style).classify(frame["v"]).tolist() == [0, 0, 1, 1, 2, 2, -1, -1]


def test_categorized_land_use_from_the_sandiao_table() -> None:
    table = tomllib.loads(STYLES.read_text(encoding="utf-8"))["landuse"]
    codes = ["0101", "0102", "0103", "0301", "0305", "0701", "0701", "1101", "9999"]
    classes = categorized_classes(codes, "land_use", "DLBM", "sandiao")
    by_label = {c["label"]: c for c in classes}
    farmland = table["classes"][table["sandiao"]["01"]]
    forest = table["classes"][table["sandiao"]["03"]]
    assert by_label[farmland["label"]]["values"] == ["0101", "0102", "0103"]
    assert by_label[farmland["label"]]["fill"] == farmland["fill"]
    assert by_label[forest["label"]]["values"] == ["0301", "0305"] and by_label[forest["label"]]["fill"] == forest["fill"]
    # the code the table does not know is its own class, after the table's classes
    assert classes[-1]["values"] == ["9999"] and classes[-1]["label"] == "9999"
    # the table's order: 耕地 before 林地
    labels = [c["label"] for c in classes]
    assert labels.index(farmland["label"]) < labels.index(forest["label"])


def test_categorized_other_field_most_frequent_first() -> None:
    classes = categorized_classes(["乙", "甲", "乙", None, " ", "丙", "乙", "甲"], "roads", "name")
    assert [c["values"] for c in classes] == [["乙"], ["甲"], ["丙"]]
    assert len({c["fill"] for c in classes}) == 3


def _doc(values: dict[str, float | None]) -> dict:
    return {"by_unit": [{"code": c, "name": c, "indicators": {"green_coverage_vector": {"value": v, "unit": "ratio"}}}
                        for c, v in values.items()]}


def test_choropleth_of_a_township_indicator() -> None:
    doc = _doc({"001": 0.10, "002": None, "003": 0.40, "004": 0.25})
    values, unit = indicator_values(doc, "green_coverage_vector")
    assert values == {"001": 0.10, "003": 0.40, "004": 0.25} and unit == "ratio"  # 不适用 left out
    style = choropleth_style(doc, "green_coverage_vector", "equal", 3)
    assert style["breaks"] == pytest.approx([0.10, 0.20, 0.30, 0.40])
    assert [c["label"] for c in style["classes"]] == ["10.00% – 20.00%", "20.00% – 30.00%", "30.00% – 40.00%"]
    shared = resolve_style("admin_units", style)
    # joined by unit code: 001 -> 10 % (class 0), 004 -> 25 % (1), 003 -> 40 % (2), 002 none
    assert shared.classify(["001", "002", "003", "004", "999"]).tolist() == [0, -1, 2, 1, -1]
    assert shared.label == "建成区绿化覆盖率（矢量法）"  # the legend heading: the indicator's name
    with pytest.raises(SymbologyError):
        indicator_values(doc, "park_service_coverage")


def test_switching_renderer_keeps_the_other_keys() -> None:
    style = {"edge": "#000000", "renderer": "graduated", "field": "v", "classes": [], "breaks": [0, 1],
             "label_field": "name"}
    assert with_renderer(style, {"renderer": "single"}) == {"edge": "#000000", "label_field": "name",
                                                            "renderer": "single"}


@pytest.mark.parametrize(("style", "key", "zh"), [
    ({"renderer": "choropleth"}, "style.renderer", "应为 single（单一符号）"),
    ({"renderer": "graduated", "classes": []}, "style.field", "需要字段"),
    ({"renderer": "graduated", "field": "v", "classes": [{"min": 1}]}, "style.classes", "需要 min 和 max"),
    ({"renderer": "graduated", "field": "v", "classes": [{"min": 5, "max": 1}]}, "style.classes", "min 大于 max"),
    ({"renderer": "categorized", "field": "v", "classes": [{"value": "a", "colour": "red"}]}, "style.classes",
     "未知的类别项 colour"),
    ({"renderer": "categorized", "field": "v", "classes": [{"label": "a"}]}, "style.classes", "需要 value 或 values"),
    ({"renderer": "categorized", "field": "v", "classes": [{"value": "a", "fill": "bluish"}]}, "style.fill", "应为颜色"),
    ({"method": "jenks"}, "style.method", "natural（自然断点）"),
    ({"breaks": [3, 1]}, "style.breaks", "递增"),
    ({"label_halo": "yes"}, "style.label_halo", "true 或 false"),
    ({"indicator_values": {"001": "high"}}, "style.indicator_values", "数值列表"),
    ({"classes": [{"value": "a"}]}, "style.classes", "renderer = categorized"),
    ({"label_colour": "red"}, "style.label_colour", "未知的样式项"),
])
def test_bad_style_keys_are_bilingual_errors(style: dict, key: str, zh: str) -> None:
    with pytest.raises(ProjectFileError) as exc:
        resolve_style("reference", style)
    text = exc.value.bilingual()
    assert key in text and zh in text
    assert "Style key" in text  # and the English half


def test_label_boxes_never_overlap() -> None:
    rng = np.random.default_rng(5)
    x, y = rng.uniform(0, 300, 400), rng.uniform(0, 200, 400)
    w, h = rng.uniform(10, 60, 400), np.full(400, 12.0)
    keep = place_boxes(x, y, w, h, priority=w)
    assert 0 < keep.sum() < 400
    k = np.flatnonzero(keep)
    for i, j in itertools.combinations(k.tolist(), 2):
        apart_x = abs(x[i] - x[j]) >= (w[i] + w[j]) / 2
        apart_y = abs(y[i] - y[j]) >= (h[i] + h[j]) / 2
        assert apart_x or apart_y
    # every label left out meets a kept one of higher priority (greedy: nothing dropped for nothing)
    for i in np.flatnonzero(~keep).tolist():
        hits = [j for j in k.tolist() if abs(x[i] - x[j]) < (w[i] + w[j]) / 2 + 2 and abs(y[i] - y[j]) < (h[i] + h[j]) / 2 + 2]
        assert hits and max(w[j] for j in hits) >= w[i]


def test_previews_add_no_undo_step_and_apply_adds_one() -> None:
    """The style editor's live preview, then Apply: one undo step back to the style before."""
    from types import SimpleNamespace

    from greenplan.app.project_state import ProjectState
    from greenplan.core.project import LayerSpec, Project

    shown: list[dict] = []
    state = ProjectState(restyle=lambda entry, project: shown.append(dict(entry.spec.style)))
    state.set_project(Project(layers=[LayerSpec(source=Path("x.gpkg"), name="用地", role="land_use")]))
    (key,) = state.keys
    state.entry(key).display = SimpleNamespace(spec=state.entry(key).spec, error=None, raster=None, prepared=None)
    before = dict(state.entry(key).spec.style)
    state.preview_style(key, {"renderer": "single"})
    state.preview_style(key, {"renderer": "single", "fill": "#ff0000"})
    assert shown == [{"renderer": "single"}, {"renderer": "single", "fill": "#ff0000"}]  # drawn at once
    assert state.undo_stack.index == 0  # no undo step yet
    state.set_style(key, {"renderer": "single", "fill": "#ff0000"}, before=before)
    assert state.undo_stack.index == 1
    state.undo()
    assert state.entry(key).spec.style == before == {}
    state.redo()
    assert state.entry(key).spec.style == {"renderer": "single", "fill": "#ff0000"}
