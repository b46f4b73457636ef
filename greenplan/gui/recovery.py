"""Never lose work: a recovery copy of an unsaved project, offered again after a crash.

While a project has unsaved changes, a copy is written every ``autosave_s`` seconds to
``<user data>/recovery/<session>.greenplan.toml`` (atomically, through ``save_project``)
with ``<session>.json`` naming the original file. Hand-drawn sketches edited since the last
save (#15) go into ``<session>.sketch.gpkg`` beside it (one layer per scenario, written in
one atomic step), and are put back, unsaved, when the copy is restored. Each running application holds
``<session>.lock`` (``QLockFile``, which knows when its owner process is gone). On start,
a session whose lock is free was left by a crash: its copy is offered. Saving, or
closing normally, deletes the session's files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QTimer

from greenplan.core.atomic import write_text_atomic
from greenplan.core.paths import user_data_dir
from greenplan.core.project import SUFFIX, save_project

#: the unsaved sketches kept with a recovery copy
SKETCH_SUFFIX = ".sketch.gpkg"

log = logging.getLogger("greenplan.gui")


def recovery_dir() -> Path:
    d = user_data_dir() / "recovery"
    d.mkdir(parents=True, exist_ok=True)
    return d


@dataclasses.dataclass
class Leftover:
    """A recovery copy left by a session that did not close normally."""

    session: str
    copy: Path
    original: Path | None
    name: str
    saved_at: str
    sketches: dict[str, str] = dataclasses.field(default_factory=dict)  # scenario -> layer of the sketch file

    @property
    def sketch_file(self) -> Path:
        return self.copy.parent / f"{self.session}{SKETCH_SUFFIX}"

    def files(self) -> list[Path]:
        d = self.copy.parent
        return [self.copy, d / f"{self.session}.json", d / f"{self.session}.lock", self.sketch_file]

    def read_sketches(self) -> dict[str, list]:
        """The unsaved sketches kept with the copy, by scenario (none readable: empty)."""
        import pyogrio

        from greenplan.app.sketch_feature import frame_features
        from greenplan.jobs.sketch import normalize_sketch

        out = {}
        for scenario, layer in self.sketches.items():
            try:
                out[scenario] = frame_features(normalize_sketch(pyogrio.read_dataframe(self.sketch_file, layer=layer)))
            except Exception as exc:  # noqa: BLE001 - recovery restores what it can
                log.warning("recovered sketch %s not readable: %s", scenario, exc)
        return out

    def remove(self) -> None:
        for f in self.files():
            try:
                f.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.warning("cannot remove recovery file %s: %s", f, exc)


def find_leftovers(own_session: str | None = None) -> list[Leftover]:
    """Recovery copies of sessions that are not running any more, newest first."""
    out = []
    for meta in recovery_dir().glob("*.json"):
        session = meta.stem
        if session == own_session:
            continue
        lock = QLockFile(str(meta.with_suffix(".lock")))
        if not lock.tryLock(0):
            continue  # another GreenPlan window is running with it
        lock.unlock()
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        copy = meta.with_name(session + SUFFIX)
        if not copy.is_file():
            continue
        original = Path(info["original"]) if info.get("original") else None
        out.append(Leftover(session, copy, original, str(info.get("name", "")), str(info.get("saved_at", "")),
                            dict(info.get("sketches") or {})))
    out.sort(key=lambda lo: lo.saved_at, reverse=True)
    return out


class RecoveryManager:
    """Autosaves the window's project while it is dirty; offers leftovers on start."""

    def __init__(self, model, autosave_s: int, ask_recover: Callable[[str], bool],
                 open_copy: Callable[[Path, Path | None], Any], parent=None) -> None:
        """``ask_recover(description)``: the planner's yes/no; ``open_copy(copy, original_path)``:
        open a recovery copy with its changes unsaved (returns the load worker)."""
        self.model = model
        self.ask_recover = ask_recover
        self.open_copy = open_copy
        self.session = f"{dt.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        folder = recovery_dir()
        self.copy_path = folder / f"{self.session}{SUFFIX}"
        self.meta_path = folder / f"{self.session}.json"
        self.sketch_path = folder / f"{self.session}{SKETCH_SUFFIX}"
        self.sketch_state = None  # the window's SketchState (#15), set once it exists
        self.lock = QLockFile(str(folder / f"{self.session}.lock"))
        self.lock.setStaleLockTime(0)
        self.lock.tryLock(0)
        self.timer = QTimer(parent)
        self.timer.timeout.connect(self.autosave)
        self.set_interval(autosave_s)

    def set_interval(self, seconds: int) -> None:
        self.timer.stop()
        if seconds > 0:
            self.timer.start(int(seconds * 1000))

    def autosave(self) -> Path | None:
        """Write the recovery copy if the project has unsaved changes."""
        model = self.model
        if not model.dirty:
            return None
        copy = dataclasses.replace(model.project)  # save_project sets .path on the copy only
        try:
            save_project(copy, self.copy_path)
            meta = {
                "original": str(model.project.path) if model.project.path else None,
                "name": model.project.name,
                "saved_at": dt.datetime.now().isoformat(timespec="seconds"),
                "pid": os.getpid(),
                "sketches": self._write_sketches(),
            }
            write_text_atomic(self.meta_path, json.dumps(meta, ensure_ascii=False))
        except Exception as exc:  # noqa: BLE001 - autosave must never interrupt the planner
            log.warning("recovery copy not written: %s", exc)
            return None
        return self.copy_path

    def _write_sketches(self) -> dict[str, str]:
        """The unsaved sketches into the session's sketch file (atomically); scenario -> layer."""
        unsaved = self.sketch_state.unsaved() if self.sketch_state is not None else {}
        if not unsaved:
            if self.sketch_path.exists():
                self.sketch_path.unlink()
            return {}
        from greenplan.app.sketch_feature import features_frame
        from greenplan.io.writers import write_gpkg_layers

        crs = self.sketch_state.ps.crs
        layers = {f"sketch_{i}": features_frame(feats, crs) for i, feats in enumerate(unsaved.values())}
        write_gpkg_layers(self.sketch_path, layers, crs=crs)
        return dict(zip(unsaved, layers, strict=True))

    def discard(self) -> None:
        """Delete this session's recovery copy (after a save or a normal close)."""
        for f in (self.copy_path, self.meta_path, self.sketch_path):
            try:
                f.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.warning("cannot remove %s: %s", f, exc)

    def release(self) -> None:
        self.discard()
        self.lock.unlock()

    def offer(self):
        """Offer the newest leftover copy; restore it if the planner agrees.

        Returns the load worker of the restored project, or None.
        """
        leftovers = find_leftovers(self.session)
        if not leftovers:
            return None
        newest = leftovers[0]
        where = str(newest.original) if newest.original else newest.name
        worker = None
        if self.ask_recover(f"{where}\n{newest.saved_at}"):
            sketches = newest.read_sketches()
            worker = self.open_copy(newest.copy, newest.original)
            if sketches and self.sketch_state is not None:
                self.sketch_state.restore(sketches)
        for lo in leftovers:
            lo.remove()
        return worker
