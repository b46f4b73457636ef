"""Scenario model: rules, validation, and the round trip through the project file."""

from __future__ import annotations

import pytest

from greenplan.core.errors import ProjectFileError
from greenplan.core.project import Project, read_project, save_project
from greenplan.core.scenario import (
    Condition,
    Scenario,
    Selection,
    get_scenario,
    parse_rule,
    scenario_from_dict,
    scenarios_from_project,
    set_scenario,
)


def test_parse_rule_values_and_all() -> None:
    assert parse_rule("score >= 60 AND floors<=6 and roof_source == 'dsm' and underserved == true") == (
        Condition("score", ">=", 60.0),
        Condition("floors", "<=", 6.0),
        Condition("roof_source", "==", "dsm"),
        Condition("underserved", "==", True),
    )
    assert parse_rule(" ALL ") == () and parse_rule("area_m2 > 1e3")[0].value == 1000.0
    assert parse_rule('class != "railway"')[0].text() == "class != 'railway'"


@pytest.mark.parametrize("rule", ["score >", "score => 5", "score >= 5 or floors < 3", "import os", "score >= abc"])
def test_bad_rules_name_the_key(rule: str) -> None:
    with pytest.raises(ProjectFileError) as err:
        parse_rule(rule, key="scenarios[0].selections[1].rule")
    assert err.value.key == "scenarios[0].selections[1].rule"
    assert "筛选规则" in err.value.message("zh") and "FIELD OP VALUE" in err.value.message("en")


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"description": "x"}, "scenarios[0].name"),
        ({"name": "a", "selections": [{"kind": "roof", "rule": "all"}]}, "scenarios[0].selections[0].kind"),
        ({"name": "a", "selections": [{"kind": "belt"}]}, "scenarios[0].selections[0]"),
        ({"name": "a", "selections": [{"kind": "belt", "ids": "G0001"}]}, "scenarios[0].selections[0].ids"),
        ({"name": "a", "selections": [{"kind": "belt", "rule": "all", "top": 0}]}, "scenarios[0].selections[0].top"),
        ({"name": "a", "selections": {"kind": "belt"}}, "scenarios[0].selections"),
    ],
)
def test_invalid_scenarios_name_the_key(raw: dict, key: str) -> None:
    with pytest.raises(ProjectFileError) as err:
        scenario_from_dict(raw)
    assert err.value.key == key


def test_round_trip_through_the_project_file(tmp_path) -> None:
    p = Project(name="示范县")
    sc = Scenario(
        "方案 A",
        "屋顶绿化（评分≥60）+ 口袋公园",
        [Selection("rooftop", rule="score >= 60", top=100), Selection("pocket_park", ids=["P0001", "P0007"]),
         Selection("belt", rule="class == 'arterial'")],
    )
    set_scenario(p, sc)
    set_scenario(p, Scenario("b", selections=[Selection("belt", rule="all")]))
    path = save_project(p, tmp_path / "县 项目.greenplan.toml")
    text = path.read_text(encoding="utf-8")
    assert "[[scenarios]]" in text and "[[scenarios.selections]]" in text
    back, warnings = read_project(path)
    assert warnings == []
    assert scenarios_from_project(back) == [sc, Scenario("b", selections=[Selection("belt", rule="all")])]
    # replacing keeps the position; the other scenario is untouched
    set_scenario(back, Scenario("方案 A", selections=[Selection("belt", ids=["G0002"])]))
    assert [s.name for s in scenarios_from_project(back)] == ["方案 A", "b"]
    assert get_scenario(back, "方案 A").selections == [Selection("belt", ids=["G0002"])]


def test_unknown_name_lists_the_scenarios_and_duplicates_are_refused(tmp_path) -> None:
    p = Project(scenarios=[{"name": "a", "selections": [{"kind": "belt", "rule": "all"}]}], path=tmp_path / "x.greenplan.toml")
    with pytest.raises(ProjectFileError, match="Scenarios: a") as err:
        get_scenario(p, "demo")
    assert "demo" in err.value.message("zh")
    p.scenarios.append({"name": "a", "selections": []})
    with pytest.raises(ProjectFileError, match="Two scenarios") as err:
        scenarios_from_project(p)
    assert err.value.key == "scenarios[1].name" and err.value.path == tmp_path / "x.greenplan.toml"


def test_set_scenario_validates() -> None:
    with pytest.raises(ProjectFileError):
        set_scenario(Project(), Scenario("x", selections=[Selection("rooftop", rule="score >>= 3")]))
