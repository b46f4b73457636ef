"""Style resolution (shared with the desktop canvas) and map themes."""

from __future__ import annotations

import numpy as np
import pytest

from greenplan.core.errors import ProjectFileError, SettingError
from greenplan.render.styles import normalize_colour, resolve_style, rgba, style_ids
from greenplan.render.themes import THEME_IDS, get_theme, indicator_labels


def test_control_lines_follow_the_planning_conventions() -> None:
    red = resolve_style("ecological_redline")
    assert (red.label, red.fill, red.edge) == ("生态保护红线", "#00b050", "#006400")
    assert 0 < red.alpha < 1 and red.edge_alpha == 1.0  # semi-transparent fill, solid outline
    farm = resolve_style("permanent_farmland")
    assert farm.label == "永久基本农田" and farm.hatch == "+" and farm.fill == "#f6e682"
    ub = resolve_style("urban_boundary")
    assert ub.label == "城镇开发边界" and ub.fill is None and ub.linestyle == "--" and ub.edge == "#ff00ff"


def test_project_style_overrides_and_validation() -> None:
    s = resolve_style("ecological_redline", {"fill": [0, 255, 0], "alpha": 0.2, "linestyle": "dashed", "label": "红线"})
    assert (s.fill, s.alpha, s.linestyle, s.label, s.edge) == ("#00ff00", 0.2, "--", "红线", "#006400")
    with pytest.raises(ProjectFileError) as info:
        resolve_style("ecological_redline", {"fill": "#12345"})
    assert info.value.key == "style.fill" and "颜色" in info.value.message("zh")
    with pytest.raises(ProjectFileError) as info:
        resolve_style("roads", {"colour": "red"})
    assert info.value.key == "style.colour" and "edge" in info.value.message("en")
    with pytest.raises(ProjectFileError):
        resolve_style("roads", {"alpha": 1.5})


def test_categories_inherit_layer_keys_and_take_project_overrides() -> None:
    s = resolve_style("green_space", {"width": 2.0, "categories": {"G1": {"fill": "red"}, "X9": {"label": "试验绿地"}}})
    g1 = next(c for c in s.categories if c.id == "green_space:G1")
    assert (g1.fill, g1.width, g1.label) == ("#ff0000", 2.0, "公园绿地")
    assert s.categories[-1].label == "试验绿地" and s.categories[-1].values == ("X9",)


@pytest.mark.parametrize(("system", "codes", "labels"), [
    ("sandiao", ["0101", "0301K", "0810", "0810A", "05H1", "0508", "1006", "1109", "1401", "XX"],
     ["耕地", "林地", "公园绿地", "广场用地", "商业服务业用地", "仓储用地", "农业设施建设用地", "公用设施用地", "公园绿地", None]),
    ("yongdi2023", ["0101", "0601", "070101", "1003", "1402", "1701", "2301"],
     ["耕地", "农业设施建设用地", "居住用地", "工矿用地", "防护绿地", "陆地水域", "其他土地"]),
])
def test_land_use_codes_by_longest_prefix(system: str, codes: list[str], labels: list[str | None]) -> None:
    s = resolve_style("land_use", code_system=system)
    idx = s.classify(np.array(codes, dtype=object))
    assert [s.categories[i].label if i >= 0 else None for i in idx] == labels


def test_land_use_palette_uses_domain_colours() -> None:
    cats = {c.label: c.fill for c in resolve_style("land_use", code_system="yongdi2023").categories}
    assert cats["耕地"] == "#f5f8dc" and cats["林地"] == "#68b167" and cats["居住用地"] == "#ffff2d"
    assert cats["工矿用地"] == "#bb9674" and cats["仓储用地"] == "#8761d3" and cats["留白用地"] == "#ffffff"


def test_colour_helpers() -> None:
    assert normalize_colour("Red") == "#ff0000" and normalize_colour("none") is None
    assert rgba("#336699", 0.5) == (0x33 / 255, 0x66 / 255, 0x99 / 255, 0.5)
    assert {"ecological_redline", "redline_occupation", "rooftop_candidates"} <= set(style_ids())


def test_every_shipped_theme_resolves_with_chinese_titles_and_labels() -> None:
    labels = indicator_labels()
    assert set(THEME_IDS) == {"control_lines", "greening", "opportunities", "scenario", "conflicts"}
    for tid in THEME_IDS:
        t = get_theme(tid)
        assert t.title and all("\u4e00" <= ch <= "\u9fff" for ch in t.title[:2])
        assert t.indicators and set(t.indicators) <= set(labels)
        for key in t.layer_keys:
            assert t.style_for(key).label  # every layer of every theme has a style
    assert get_theme("control_lines").layer_keys.index("ecological_redline") > get_theme("control_lines").layer_keys.index("land_use")


def test_project_themes_override_and_extend() -> None:
    project = {
        "control_lines": {"title": "三线划定成果图", "styles": {"land_use": {"alpha": 0.1}}},
        "mine": {"title": "自定义图", "layers": ["land_use", {"key": "ecological_redline", "style": {"alpha": 0.9}}]},
    }
    t = get_theme("control_lines", project)
    assert t.title == "三线划定成果图" and t.style_for("land_use").alpha == 0.1
    assert t.indicators == get_theme("control_lines").indicators
    m = get_theme("mine", project)
    assert m.layer_keys == ("land_use", "ecological_redline") and m.style_for("ecological_redline").alpha == 0.9
    with pytest.raises(SettingError) as info:
        get_theme("nope", project)
    assert "mine" in info.value.message("en") and "control_lines" in info.value.message("zh")
    with pytest.raises(ProjectFileError) as info:
        get_theme("bad", {"bad": {"title": "x"}})
    assert info.value.key == "themes.bad.layers"
    with pytest.raises(ProjectFileError):
        get_theme("control_lines", {"control_lines": {"colour": "red"}})


def test_numeric_codes_that_lost_their_leading_zero_still_match() -> None:
    s = resolve_style("land_use")
    idx = s.classify(np.array([101, 301, 1101, "0701"], dtype=object))
    assert [s.categories[i].label for i in idx] == ["耕地", "林地", "陆地水域", "居住用地"]
