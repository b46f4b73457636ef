"""What a change of the project file on disk means (Qt-free): our own save, reload, or ask."""

from __future__ import annotations

import os

from greenplan.app.file_watch import ASK, IGNORE, RELOAD, ProjectFileWatch, decide, file_stamp


def test_decisions(tmp_path) -> None:
    p = tmp_path / "项目 文件.greenplan.toml"
    p.write_text('name = "a"\n', encoding="utf-8")
    watch = ProjectFileWatch()
    watch.remember(p)
    assert watch.check(dirty=False) == IGNORE and watch.check(dirty=True) == IGNORE
    os.utime(p, ns=(1, 1))  # touched, same bytes: not a change
    assert watch.check(dirty=False) == IGNORE
    p.write_text('name = "b"\n', encoding="utf-8")
    assert watch.check(dirty=False) == RELOAD and watch.check(dirty=True) == ASK
    tmp = p.with_suffix(".tmp")  # an editor replacing the file by rename
    tmp.write_text('name = "c"\n', encoding="utf-8")
    p.unlink()
    assert watch.check(dirty=False) == IGNORE  # gone for a moment: wait for the new file
    tmp.rename(p)
    assert watch.check(dirty=False) == RELOAD
    watch.remember(p)  # our own save / the reload
    assert watch.check(dirty=True) == IGNORE


def test_no_file() -> None:
    watch = ProjectFileWatch()
    watch.remember(None)
    assert watch.check(dirty=True) == IGNORE
    assert file_stamp(None) is None and decide(None, None, True) == IGNORE
