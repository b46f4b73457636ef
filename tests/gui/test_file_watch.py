"""The project file is the truth: changes made on disk by another program reach the app.

A hand edit (a field mapping, the name) is reloaded when the project has no unsaved
changes; with unsaved changes the planner is asked (reload / keep mine / save as). The
app's own saves never trigger a reload, and a save keeps every key the app knows and,
for a file of a newer schema, the keys it does not know.
"""

from __future__ import annotations

import tomllib

import pytest
import tomli_w


def _edit(path, change) -> None:
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")


def _hand_edit(doc) -> None:
    doc["name"] = "手改 项目"
    lu = next(lyr for lyr in doc["layers"] if lyr.get("role") == "land_use")
    lu["fields"] = {"DLBM": "地类编码"}


def _land_use(window):
    return next(e.spec for e in window.model.entries if e.spec.role == "land_use")


def _open(window, path, wait_idle) -> None:
    window.ops.open_project(path, ask=False)
    wait_idle(window)
    assert window.model.project.path == path and not window.model.dirty


def test_external_edit_is_reloaded_when_nothing_is_unsaved(window, town, wait_idle, qtbot, monkeypatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(window.prompt, "file_changed", lambda: asked.append("file_changed") or "keep", raising=False)
    _open(window, town, wait_idle)
    window.canvas.zoom_to_bounds((500_000.0, 4_250_000.0, 501_000.0, 4_251_000.0), margin=0.0)
    extent = window.view_extent()

    _edit(town, _hand_edit)
    qtbot.waitUntil(lambda: window.model.project.name == "手改 项目", timeout=10_000)
    wait_idle(window)
    assert _land_use(window).fields == {"DLBM": "地类编码"}
    assert not window.model.dirty and not asked
    assert "重新加载" in window.statusBar().currentMessage()
    assert "手改 项目" in window.windowTitle()  # the hand-edited name reaches the title
    assert all(e.display is not None and e.error is None for e in window.model.entries)
    assert window.view_extent() == pytest.approx(extent)  # the view stays where the planner was

    # a later change and Ctrl+S keep the hand edits
    window.model.set_visible(window.model.keys[0], False)
    assert window.ops.save()
    saved = tomllib.loads(town.read_text(encoding="utf-8"))
    assert saved["name"] == "手改 项目"
    assert next(lyr for lyr in saved["layers"] if lyr["role"] == "land_use")["fields"] == {"DLBM": "地类编码"}


def test_own_save_does_not_reload(window, town, wait_idle, qtbot, monkeypatch) -> None:
    _open(window, town, wait_idle)
    reloads: list[int] = []
    monkeypatch.setattr(window.ops, "reload_from_disk", lambda: reloads.append(1))
    window.model.rename(window.model.keys[0], "改名 图层")
    assert window.ops.save()
    qtbot.wait(800)
    assert window.file_watcher.check() == "ignore"
    assert not reloads


def test_conflict_reload_takes_the_file(window, town, wait_idle, qtbot, monkeypatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(window.prompt, "file_changed", lambda: asked.append("file_changed") or "reload", raising=False)
    _open(window, town, wait_idle)
    key = window.model.keys[0]
    window.model.rename(key, "我的 图层")
    assert window.model.dirty

    _edit(town, _hand_edit)
    qtbot.waitUntil(lambda: asked == ["file_changed"], timeout=10_000)
    qtbot.waitUntil(lambda: window.model.project.name == "手改 项目", timeout=10_000)
    wait_idle(window)
    assert _land_use(window).fields == {"DLBM": "地类编码"}
    assert "我的 图层" not in [e.spec.name for e in window.model.entries]
    assert not window.model.dirty


def test_conflict_keep_mine_then_save_writes_the_project_in_memory(window, town, wait_idle, qtbot, monkeypatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(window.prompt, "file_changed", lambda: asked.append("file_changed") or "keep", raising=False)
    _open(window, town, wait_idle)
    key = window.model.keys[0]
    window.model.rename(key, "我的 图层")

    _edit(town, _hand_edit)
    qtbot.waitUntil(lambda: asked == ["file_changed"], timeout=10_000)
    qtbot.wait(500)
    assert asked == ["file_changed"]  # asked once for this version of the file
    assert window.model.project.name == "测试 县" and window.model.dirty
    assert window.model.entry(key).spec.name == "我的 图层"
    assert _land_use(window).fields == {}

    assert window.ops.save()
    saved = tomllib.loads(town.read_text(encoding="utf-8"))
    assert saved["name"] == "测试 县"
    assert saved["layers"][0]["name"] == "我的 图层"
    assert "fields" not in next(lyr for lyr in saved["layers"] if lyr["role"] == "land_use")
    qtbot.wait(500)
    assert asked == ["file_changed"] and not window.model.dirty


def test_save_round_trips_every_known_key(window, town, wait_idle, qtbot) -> None:
    def full(doc) -> None:
        doc["crs"] = "EPSG:4544"
        doc["metadata"] = {"organization": "某县自然资源局", "source": "三调 2023"}
        lu = next(lyr for lyr in doc["layers"] if lyr["role"] == "land_use")
        lu.update(fields={"DLBM": "DLBM"}, classes={"0701": "0701"}, where="DLBM IS NOT NULL",
                  source_crs="EPSG:4544", style={"fill": "#88cc88"}, visible=True)
        doc["layers"][0]["encoding"] = "utf-8"

    _open(window, town, wait_idle)  # the app's own form first (relative sources, TOML dates)
    window.model.set_dirty(True)
    assert window.ops.save()
    _edit(town, full)
    before = tomllib.loads(town.read_text(encoding="utf-8"))
    _open(window, town, wait_idle)
    key = window.model.keys[1]
    window.model.set_visible(key, False)
    window.model.set_visible(key, True)
    window.model.rename(key, "临时")
    window.model.undo()
    window.model.set_dirty(True)
    assert window.ops.save()
    after = tomllib.loads(town.read_text(encoding="utf-8"))
    assert after == before


def test_save_keeps_unknown_keys_of_a_newer_schema(window, town, wait_idle) -> None:
    def newer(doc) -> None:
        doc["schema_version"] = 99
        doc["future_table"] = {"x": 1}
        doc["layers"][0]["future_option"] = "保留"

    _edit(town, newer)
    _open(window, town, wait_idle)
    window.model.set_visible(window.model.keys[0], False)
    assert window.ops.save()
    after = tomllib.loads(town.read_text(encoding="utf-8"))
    assert after["schema_version"] == 99
    assert after["future_table"] == {"x": 1}
    assert after["layers"][0]["future_option"] == "保留"
    assert after["layers"][0]["visible"] is False
