"""ScenarioState: selection per kind, the same validation as the file, undo and dirty state."""

from __future__ import annotations

import pytest

from greenplan.app.project_state import ProjectState
from greenplan.app.scenario_state import ScenarioState
from greenplan.core.errors import ProjectFileError
from greenplan.core.project import Project


def make(scenarios: list | None = None) -> tuple[ProjectState, ScenarioState, list[tuple]]:
    ps = ProjectState()
    sc = ScenarioState(ps)
    seen: list[tuple] = []
    sc.events.changed.connect(lambda e: seen.append(("changed",)))
    sc.events.current_changed.connect(lambda e: seen.append(("current", e.name)))
    ps.set_project(Project(name="示范县", scenarios=scenarios or []))
    seen.clear()
    return ps, sc, seen


def test_ids_per_kind_without_duplicates() -> None:
    ps, sc, seen = make()
    sc.create(" 近期 ", "2026 年")
    assert sc.current_name == "近期" and seen == [("changed",), ("current", "近期")]
    assert sc.add_ids("belt", ["b1", "b2", "b1"]) == 2
    assert sc.add_ids("belt", ["b2", "b3"]) == 1
    assert sc.add_ids("rooftop", [101]) == 1  # ids are stored as text
    assert sc.add_ids("belt", ["b1"]) == 0 and sc.add_ids("belt", []) == 0
    sc.add_rule("rooftop", " score >= 60 ", top=5)
    assert ps.project.scenarios == [{
        "name": "近期", "description": "2026 年",
        "selections": [{"kind": "belt", "ids": ["b1", "b2", "b3"]},
                       {"kind": "rooftop", "ids": ["101"]},
                       {"kind": "rooftop", "rule": "score >= 60", "top": 5}],
    }]
    assert ps.dirty and ps.undo_stack.index == 5


def test_bad_names_and_rules_are_refused_and_change_nothing() -> None:
    ps, sc, _ = make()
    sc.create("近期")
    for name in ("", "  ", "近期"):
        with pytest.raises(ProjectFileError) as info:
            sc.create(name)
        assert "情景名称" in info.value.message("zh")
    with pytest.raises(ProjectFileError):
        sc.add_rule("belt", "score >>= 60")
    assert ps.project.scenarios == [{"name": "近期", "selections": []}] and ps.undo_stack.index == 1
    sc.set_current("没有这个情景")
    assert sc.current_name == ""
    assert sc.add_ids("belt", ["b1"]) == 0  # no current scenario: nothing to add to


def test_remove_undo_and_redo_restore_the_list_and_the_current_one() -> None:
    ps, sc, seen = make([{"name": "近期", "selections": [{"kind": "belt", "ids": ["b1"]}]},
                         {"name": "远期", "selections": [{"kind": "rooftop", "rule": "all"}]}])
    assert not ps.dirty
    sc.set_current("远期")
    seen.clear()
    sc.remove("远期")
    assert sc.names() == ["近期"] and sc.current_name == "近期"
    assert seen == [("changed",), ("current", "近期")] and ps.dirty
    sc.remove("没有")  # unknown: no edit
    assert ps.undo_stack.index == 1
    ps.undo()
    assert sc.names() == ["近期", "远期"] and sc.current_name == "远期" and not ps.dirty
    sc.remove_selection(0)
    assert sc.current().selections == []
    ps.undo()
    assert sc.current().selections[0].rule == "all"
    ps.redo()
    assert sc.current().selections == [] and ps.dirty


def test_a_new_project_makes_its_first_scenario_current_and_reports_invalid_ones() -> None:
    ps, sc, seen = make([{"name": "甲", "selections": []}, {"name": "乙", "selections": []}])
    assert sc.current_name == "甲"
    ps.set_project(Project(scenarios=[{"name": "坏", "selections": [{"kind": "no_such_kind", "rule": "all"}]}]))
    assert sc.names() == [] and sc.current_name == "" and isinstance(sc.error, ProjectFileError)
    assert seen == [("changed",), ("current", "")]
