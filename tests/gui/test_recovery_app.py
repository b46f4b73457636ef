"""Never lose work: the recovery copy and the offer after a crash; start-up and the self-test."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from greenplan.core.project import read_project


def test_recovery_copy_is_offered_after_a_crash(qtbot, opened, town, wait_idle):
    from greenplan.gui.gui_settings import GuiSettings
    from greenplan.gui.main_window import MainWindow

    crashed = opened
    roads = next(e.key for e in crashed.model.entries if e.spec.role == "roads")
    crashed.model.set_visible(roads, False)  # an unsaved change
    copy = crashed.recovery.autosave()
    assert copy is not None and copy.is_file()
    assert read_project(town)[0].layers[4].visible is True  # the project file itself is untouched
    # the process dies: its lock is gone, its files stay
    crashed.recovery.lock.unlock()
    # (a fresh session for the old window: never autosaving, never offering)
    crashed.recovery = type(crashed.recovery)(crashed.model, 0, lambda _text: False, lambda *_a: None, parent=crashed)

    restarted = MainWindow(GuiSettings())
    qtbot.addWidget(restarted)
    restarted.prompt = type(crashed.prompt)()
    worker = restarted.recovery.offer()
    assert restarted.prompt.asked == ["recover"] and worker is not None
    wait_idle(restarted)
    model = restarted.model
    assert model.dirty and model.project.path == Path(town).absolute()
    assert [e.spec.visible for e in model.entries if e.spec.role == "roads"] == [False]
    assert all(e.display is not None for e in model.entries)
    assert not copy.exists()  # offered once
    restarted.wait_workers()
    restarted.canvas.shutdown()
    restarted.model.set_dirty(False)
    restarted.close()


def test_no_recovery_copy_without_changes_and_none_after_saving(opened):
    w = opened
    assert w.recovery.autosave() is None
    w.model.rename(w.model.keys[0], "改名")
    assert w.recovery.autosave().is_file()
    assert w.ops.save()
    assert not w.recovery.copy_path.exists()


def test_self_test_draws_the_map_and_exits_0(qtbot, town, capsys, monkeypatch):
    from greenplan.gui.app import run_app

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs its own

    assert run_app([str(town), "--self-test", "--lang", "zh"]) == 0
    assert "self-test ok: 8 layers drawn" in capsys.readouterr().out


def test_self_test_fails_plainly_for_a_missing_project(qtbot, tmp_path, capsys, monkeypatch):
    from greenplan.gui.app import run_app

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)

    assert run_app([str(tmp_path / "无.greenplan.toml"), "--self-test"]) == 1
    err = capsys.readouterr().err
    assert "self-test failed: cannot open" in err and "Traceback" not in err


def test_cli_gui_command_passes_its_arguments():
    from greenplan.cli import gui

    parser = argparse.ArgumentParser()
    gui.add_parser(parser.add_subparsers())
    args = parser.parse_args(["gui", "县 项目.greenplan.toml", "--self-test"])
    assert gui.gui_argv(args) == ["县 项目.greenplan.toml", "--self-test"]


def test_unsaved_sketches_are_recovered_after_a_crash(qtbot, opened, town, build, wait_idle):
    """A sketch drawn and never saved survives a crash: the recovery copy keeps it, the
    restart puts it back unsaved, and saving then writes it to the project's own sketch file."""
    import shapely

    from greenplan.app.sketch_feature import SketchFeature
    from greenplan.core.scenario import get_scenario
    from greenplan.gui.gui_settings import GuiSettings
    from greenplan.gui.main_window import MainWindow
    from greenplan.jobs.sketch import read_sketch

    crashed = opened
    park = build.box(400, 300, 300, 300)
    belt = SketchFeature.belt([(build.X0 + 100, build.Y0 + 1200), (build.X0 + 900, build.Y0 + 1200)], 20.0,
                              name="滨河 绿带")
    crashed.sketch.state.add(SketchFeature("pocket_park", park, name="街角 公园", gs_share=0.8))
    crashed.sketch.state.add(belt)
    assert crashed.recovery.autosave() is not None
    assert crashed.recovery.sketch_path.is_file()
    sketch_file = Path(town).parent / f"{Path(town).name.split('.')[0]}.sketch.gpkg"
    assert not sketch_file.exists()  # never saved: only the recovery copy has it
    crashed.recovery.lock.unlock()  # the process dies
    crashed.recovery = type(crashed.recovery)(crashed.model, 0, lambda _text: False, lambda *_a: None, parent=crashed)

    restarted = MainWindow(GuiSettings())
    qtbot.addWidget(restarted)
    restarted.prompt = type(crashed.prompt)()
    worker = restarted.recovery.offer()
    assert worker is not None
    wait_idle(restarted)
    feats = restarted.sketch.state.features
    assert [(f.kind, f.name) for f in feats] == [("pocket_park", "街角 公园"), ("green_belt", "滨河 绿带")]
    assert feats[0].geometry.area == pytest.approx(park.area) and feats[0].gs_share == 0.8
    assert feats[1].geometry.area == pytest.approx(800 * 20) and feats[1].width_m == 20.0
    assert shapely.from_wkt(feats[1].centre_wkt).length == pytest.approx(800)
    assert restarted.model.dirty
    # saving writes the recovered sketch into the project's own sketch GeoPackage
    assert restarted.ops.save()
    project, _ = read_project(restarted.model.project.path)
    back = read_sketch(project, get_scenario(project, "手绘方案").sketch)
    assert back["name"].tolist() == ["街角 公园", "滨河 绿带"]
    assert back.geometry.area.sum() == pytest.approx(park.area + 800 * 20)
    restarted.wait_workers()
    restarted.canvas.shutdown()
    restarted.close()
