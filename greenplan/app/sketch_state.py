"""The hand-drawn features of the open project's scenarios, edited with undo, without Qt.

Each scenario may carry a sketch (:mod:`greenplan.jobs.sketch`). :class:`SketchState` holds
the features of the scenario being edited; every edit (add, delete, move, modify) is one
:class:`~greenplan.app.undo.Command` on the project's undo stack, so Ctrl+Z / Ctrl+Y, the
dirty state and the Edit menu treat it like every other edit of the project. The first
feature drawn in a scenario also sets the scenario's ``sketch`` key (and creates the
scenario when the project has none of that name) in the same command.

Every feature is checked at once against permanent farmland and the ecological red line
(:class:`~greenplan.app.sketch_check.SketchChecker`); :meth:`SketchState.conflicts` gives
the result per feature.

The sketch GeoPackage is written when the project is saved (:meth:`SketchState.save`,
called by :meth:`ProjectState.mark_saved`'s ``path_changed`` event, see
:meth:`SketchState._on_path_changed`); the source data is never edited.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from greenplan.app.events import EmitterGroup
from greenplan.app.project_state import ProjectState
from greenplan.app.sketch_check import SketchChecker, SketchConflict
from greenplan.app.sketch_feature import (  # noqa: F401 - the feature API, importable from here too
    SketchFeature,
    features_frame,
    features_from_geometries,
    frame_features,
    polygonal,
)
from greenplan.app.undo import Command
from greenplan.core.errors import GreenplanError
from greenplan.core.scenario import Scenario, get_scenario, scenarios_from_project, set_scenario
from greenplan.jobs.sketch import (
    DEFAULT_CLASS,
    DEFAULT_GS_SHARE,
    SKETCH_KINDS,
    default_sketch_ref,
    read_sketch,
    write_sketch,
)

#: the scenario a sketch goes to when the project has no current scenario
DEFAULT_SCENARIO = "手绘方案"



class SketchState:
    """The sketch of the scenario being edited (see the module docstring).

    Events (``state.events``)
    -------------------------
    changed()
        Features were added, deleted, moved or modified (or an edit undone), or another
        scenario's sketch is shown.
    saved(names, error)
        After the project was saved: the scenarios whose sketch was written, or the
        :class:`~greenplan.core.errors.GreenplanError` that stopped it (else None).
    """

    def __init__(self, project_state: ProjectState, sliver_m2: float | None = None,
                 scenario_state: Any = None) -> None:
        self.ps = project_state
        #: the scenarios' model (``ScenarioState``): told when an edit changes the scenarios
        #: (the sketch key, a new scenario) so the scenario panel lists it and marks results stale
        self.scenario_state = scenario_state
        self.scenario_name = DEFAULT_SCENARIO
        self._sketches: dict[str, list[SketchFeature]] = {}
        self._touched: set[str] = set()  # scenarios whose sketch was edited since loading
        self._failed: set[str] = set()  # scenarios whose sketch file could not be read
        self._checker: SketchChecker | None = None
        self._conflicts: dict[int, tuple[SketchFeature, list[SketchConflict]]] = {}
        self._sliver = sliver_m2
        self._replacing = False
        self._folder = project_state.project.folder  # where the relative sketch files are now
        self.load_errors: list[GreenplanError] = []
        self.events = EmitterGroup(self, changed=(), saved=("names", "error"))
        ev = project_state.events
        ev.project_replaced.connect(self._on_project_replaced)
        ev.layers_changed.connect(self._on_layers_changed)
        ev.path_changed.connect(self._on_path_changed)

    # ------------------------------------------------------------------ queries
    @property
    def features(self) -> list[SketchFeature]:
        return self._features(self.scenario_name)

    def _features(self, name: str) -> list[SketchFeature]:
        if name not in self._sketches:
            self._sketches[name] = self._load(name)
        return self._sketches[name]

    def _load(self, name: str) -> list[SketchFeature]:
        project = self.ps.project
        try:
            sc = get_scenario(project, name)
        except GreenplanError:
            return []
        if sc.sketch is None:
            return []
        try:
            return frame_features(read_sketch(project, sc.sketch, self.ps.crs))
        except GreenplanError as exc:  # the scenario starts with no sketch here; a run reports it
            self.load_errors.append(exc)
            self._failed.add(name)
            return []

    def frame(self, name: str | None = None) -> gpd.GeoDataFrame:
        return features_frame(self._features(name or self.scenario_name), self.ps.crs)

    def edited_frame(self, name: str) -> gpd.GeoDataFrame | None:
        """The sketch of scenario ``name`` as edited here and not saved yet, for a scenario
        run (``run_scenario(..., sketch=...)``); None when it is unchanged since it was read
        (the run reads the GeoPackage, and reports a file that cannot be read)."""
        if name not in self._touched or name in self._failed and not self._sketches.get(name):
            return None
        return self.frame(name)

    @property
    def checker(self) -> SketchChecker:
        """Permanent farmland and red line of the loaded layers (built once per load)."""
        if self._checker is None:
            layers: dict[str, Any] = {}
            for e in self.ps.entries:
                if e.spec.role in ("permanent_farmland", "ecological_redline") and e.gdf is not None:
                    prev = layers.get(e.spec.role)
                    geoms = list(e.gdf.geometry.values)
                    layers[e.spec.role] = geoms if prev is None else prev + geoms
            sliver = self._sliver if self._sliver is not None else self.ps.project.settings.sliver_m2
            self._checker = SketchChecker(layers, sliver)
        return self._checker

    def set_checker(self, checker: SketchChecker | None) -> None:
        """Use ``checker`` (None: build it from the loaded layers when next needed)."""
        self._checker = checker
        self._conflicts.clear()
        self.events.changed()

    def conflicts(self, index: int) -> list[SketchConflict]:
        """The rules feature ``index`` breaks, with the overlap (m²); cached per geometry."""
        f = self.features[index]
        hit = self._conflicts.get(id(f))
        if hit is None or hit[0] is not f:  # (an id may be reused by a later feature)
            hit = self._conflicts[id(f)] = (f, self.checker.check(f.geometry))
        return hit[1]

    def feature_at(self, x: float, y: float, tolerance: float = 0.0) -> int | None:
        """The topmost (last drawn) feature at map point (x, y), within ``tolerance``; or None.

        Examples
        --------
        >>> from greenplan.app.project_state import ProjectState
        >>> sk = SketchState(ProjectState())
        >>> sk.add(SketchFeature("pocket_park", shapely.box(0, 0, 10, 10)))
        0
        >>> sk.feature_at(5, 5), sk.feature_at(10.5, 5, 1.0), sk.feature_at(20, 5, 1.0)
        (0, 0, None)
        """
        geoms = [f.geometry for f in self.features]
        if not geoms:
            return None
        d = shapely.distance(shapely.Point(x, y), geoms)
        hits = [i for i, v in enumerate(d) if v <= tolerance]
        return hits[-1] if hits else None

    def conflict_flags(self) -> list[bool]:
        return [bool(self.conflicts(i)) for i in range(len(self.features))]

    # ------------------------------------------------------------------ scenario
    def set_scenario(self, name: str) -> None:
        """Edit the sketch of scenario ``name`` (``""``: the default scenario)."""
        name = name or DEFAULT_SCENARIO
        if name != self.scenario_name:
            self.scenario_name = name
            self.events.changed()

    # ------------------------------------------------------------------ edits
    def add(self, feature: SketchFeature) -> int:
        """Add ``feature`` (one undo step); returns its index."""
        index = len(self.features)
        self._edit("Add sketch feature", f"添加{SKETCH_KINDS[feature.kind]}草图",
                   lambda fs: fs.append(feature))
        return index

    def add_many(self, features: list[SketchFeature]) -> list[int]:
        """Add several features in one undo step (copied from a layer); returns their indices."""
        if not features:
            return []
        start = len(self.features)
        self._edit(f"Add {len(features)} sketch features", f"添加 {len(features)} 个草图要素",
                   lambda fs: fs.extend(features))
        return list(range(start, start + len(features)))

    def vertex_at(self, index: int, x: float, y: float, tolerance: float) -> tuple[float, float] | None:
        """The vertex of feature ``index`` nearest to (x, y) within ``tolerance``, or None."""
        v = self.features[index].vertices()
        if not len(v):
            return None
        d2 = (v[:, 0] - x) ** 2 + (v[:, 1] - y) ** 2
        i = int(np.argmin(d2))
        return (float(v[i, 0]), float(v[i, 1])) if d2[i] <= tolerance * tolerance else None

    def move_vertex(self, index: int, vx: float, vy: float, x: float, y: float) -> None:
        """Move the vertex (vx, vy) of feature ``index`` to (x, y) (one undo step)."""
        f = self.features[index]
        new = f.with_vertex_moved(vx, vy, x, y)
        self._edit("Move sketch vertex", f"移动{SKETCH_KINDS[f.kind]}草图顶点", lambda fs: fs.__setitem__(index, new))

    def add_vertex(self, index: int, x: float, y: float) -> None:
        """Add a vertex to feature ``index`` on its segment nearest to (x, y) (one undo step)."""
        f = self.features[index]
        new = f.with_vertex_added(x, y)
        self._edit("Add sketch vertex", f"添加{SKETCH_KINDS[f.kind]}草图顶点", lambda fs: fs.__setitem__(index, new))

    def delete_vertex(self, index: int, vx: float, vy: float) -> bool:
        """Delete the vertex (vx, vy) of feature ``index`` (one undo step); False, and no
        change, when the ring would keep fewer than 3 corners (a belt's line fewer than 2)."""
        f = self.features[index]
        new = f.with_vertex_deleted(vx, vy)
        if new is None:
            return False
        self._edit("Delete sketch vertex", f"删除{SKETCH_KINDS[f.kind]}草图顶点", lambda fs: fs.__setitem__(index, new))
        return True

    def split(self, line: Any) -> list[int]:
        """Cut every feature that ``line`` crosses into its pieces (one undo step); returns the
        indices of the features cut (none: nothing changes).

        Examples
        --------
        >>> from greenplan.app.project_state import ProjectState
        >>> sk = SketchState(ProjectState())
        >>> sk.add(SketchFeature("pocket_park", shapely.box(0, 0, 10, 10)))
        0
        >>> sk.split(shapely.LineString([(4, -1), (4, 11)])), [f.geometry.area for f in sk.features]
        ([0], [40.0, 60.0])
        >>> sk.ps.undo_stack.undo(); [f.geometry.area for f in sk.features]
        [100.0]
        """
        cut = {i: f.split_by(line) for i, f in enumerate(self.features)}
        cut = {i: pieces for i, pieces in cut.items() if pieces}
        if not cut:
            return []

        def mutate(fs: list[SketchFeature]) -> None:
            out: list[SketchFeature] = []
            for i, f in enumerate(fs):
                out.extend(cut.get(i, [f]))
            fs[:] = out

        n = len(cut)
        self._edit(f"Split {n} sketch feature(s)", f"分割 {n} 个草图要素", mutate)
        return sorted(cut)

    def merge(self, indices: list[int]) -> int | None:
        """Merge the features at ``indices`` into one (one undo step): their union, with the
        attributes of the first index given (a belt's centre line is dropped, as after a split);
        names and notes of the others are kept after the first's. Returns the merged feature's
        index (the lowest of ``indices``), or None when fewer than two are given. Features of
        different kinds are not merged (``ValueError``): a park and a building site are not one
        plan.

        Examples
        --------
        >>> from greenplan.app.project_state import ProjectState
        >>> sk = SketchState(ProjectState())
        >>> sk.add_many([SketchFeature("pocket_park", shapely.box(0, 0, 10, 10), name="东园"),
        ...              SketchFeature("pocket_park", shapely.box(5, 0, 15, 10), name="西园"),
        ...              SketchFeature("pocket_park", shapely.box(50, 0, 60, 10))])
        [0, 1, 2]
        >>> sk.merge([1, 0]), [(f.name, f.geometry.area) for f in sk.features]
        (0, [('西园、东园', 150.0), ('', 100.0)])
        >>> sk.ps.undo_stack.undo(); len(sk.features)
        3
        """
        order = list(dict.fromkeys(indices))
        if len(order) < 2:
            return None
        feats = self.features
        kinds = {feats[i].kind for i in order}
        if len(kinds) > 1:
            raise ValueError("sketch features of different kinds cannot be merged: "
                             + ", ".join(sorted(kinds)))
        first = feats[order[0]]
        names = list(dict.fromkeys(feats[i].name for i in order if feats[i].name))
        notes = list(dict.fromkeys(feats[i].note for i in order if feats[i].note))
        geom = polygonal(shapely.union_all([feats[i].geometry for i in order]))
        merged = replace(first, geometry=geom, centre_wkt="", width_m=None,
                         name="、".join(names), note="；".join(notes))
        target = min(order)

        def mutate(fs: list[SketchFeature]) -> None:
            fs[target] = merged
            for i in sorted(order, reverse=True):
                if i != target:
                    fs.pop(i)

        n = len(order)
        self._edit(f"Merge {n} sketch features", f"合并 {n} 个{SKETCH_KINDS[first.kind]}草图", mutate)
        return target

    def delete_many(self, indices: list[int]) -> None:
        """Delete the features at ``indices`` (one undo step)."""
        drop = sorted(set(indices), reverse=True)
        if not drop:
            return

        def mutate(fs: list[SketchFeature]) -> None:
            for i in drop:
                fs.pop(i)

        self._edit(f"Delete {len(drop)} sketch features", f"删除 {len(drop)} 个草图要素", mutate)

    def delete(self, index: int) -> None:
        f = self.features[index]
        self._edit("Delete sketch feature", f"删除{SKETCH_KINDS[f.kind]}草图", lambda fs: fs.pop(index))

    def move(self, index: int, dx: float, dy: float) -> None:
        f = self.features[index]
        self._edit("Move sketch feature", f"移动{SKETCH_KINDS[f.kind]}草图",
                   lambda fs: fs.__setitem__(index, f.moved(dx, dy)))

    def modify(self, index: int, **changes: Any) -> None:
        """Change attributes (``kind``, ``cls``, ``gs_share``, ``name``, ``note``) or ``geometry``."""
        new = _modified(self.features[index], changes)
        self._edit("Modify sketch feature", f"修改{SKETCH_KINDS[new.kind]}草图",
                   lambda fs: fs.__setitem__(index, new))

    def modify_many(self, changes: dict[int, dict[str, Any]]) -> None:
        """Change the attributes of several features, ``{index: {attribute: value}}``, in one
        undo step (the attribute table's edit of several selected rows).

        Examples
        --------
        >>> from greenplan.app.project_state import ProjectState
        >>> sk = SketchState(ProjectState())
        >>> sk.add_many([SketchFeature("pocket_park", shapely.box(0, 0, 10, 10)),
        ...              SketchFeature("green_space", shapely.box(20, 0, 30, 10))])
        [0, 1]
        >>> sk.modify_many({0: {"cls": "G13"}, 1: {"cls": "G13"}}); [f.cls for f in sk.features]
        ['G13', 'G13']
        >>> sk.ps.undo_stack.undo(); [f.cls for f in sk.features]
        ['G1', 'G1']
        """
        if not changes:
            return
        feats = self.features
        news = {i: _modified(feats[i], ch) for i, ch in changes.items()}
        if len(news) == 1:
            (i, ch), = changes.items()
            self.modify(i, **ch)
            return

        def mutate(fs: list[SketchFeature]) -> None:
            for i, f in news.items():
                fs[i] = f

        n = len(news)
        self._edit(f"Modify {n} sketch features", f"修改 {n} 个草图要素", mutate)

    def _edit(self, text: str, text_zh: str, mutate: Callable[[list[SketchFeature]], Any]) -> None:
        name = self.scenario_name
        before_feats = list(self._features(name))
        after_feats = list(before_feats)
        mutate(after_feats)
        before_scen = copy.deepcopy(self.ps.project.scenarios)
        after_scen = self._with_ref(name)

        def put(feats: list[SketchFeature], scen: list[dict[str, Any]]) -> None:
            self._sketches[name] = list(feats)
            self.ps.project.scenarios = copy.deepcopy(scen)
            self._touched.add(name)  # an undo after saving changes the file too
            if self.scenario_name != name:
                self.scenario_name = name
            self.events.changed()
            sc = self.scenario_state
            if sc is not None:
                sc.events.changed()
                if not sc.current_name and name in sc.names():
                    sc.set_current(name)

        self.ps.undo_stack.push(Command(text, lambda: put(after_feats, after_scen),
                                        lambda: put(before_feats, before_scen), text_zh))

    def _with_ref(self, name: str) -> list[dict[str, Any]]:
        """``project.scenarios`` with scenario ``name`` present and carrying a ``sketch`` key."""
        project = copy.deepcopy(self.ps.project)
        try:
            sc = get_scenario(project, name)
        except GreenplanError:
            sc = Scenario(name)
        if sc.sketch is None:
            sc = replace(sc, sketch=default_sketch_ref(self.ps.project, name))
            set_scenario(project, sc)
        return project.scenarios

    # ------------------------------------------------------------------ saving
    def save(self) -> list[str]:
        """Write the sketch of every edited scenario into its GeoPackage (atomically).

        When the project was saved into another folder (Save As), the sketches not edited are
        written there too, read from the old folder, so the new project file finds them.
        Returns the scenario names written. Raises OutputError when a file cannot be written.
        """
        written = []
        names = {s.name: s for s in scenarios_from_project(self.ps.project)}
        folder, self._folder = self._folder, self.ps.project.folder
        if folder != self._folder:
            for sc in names.values():
                if sc.sketch is None or sc.name in self._touched or Path(sc.sketch.source).is_absolute():
                    continue
                if sc.name not in self._sketches or sc.name in self._failed:
                    old = SimpleNamespace(folder=folder, path=None)
                    try:
                        self._sketches[sc.name] = frame_features(read_sketch(old, sc.sketch, self.ps.crs))
                    except GreenplanError:
                        continue  # nothing readable to carry over
                    self._failed.discard(sc.name)
                self._touched.add(sc.name)
        for name in sorted(self._touched):
            sc = names.get(name)
            if sc is None or sc.sketch is None:
                continue
            write_sketch(self.ps.project, sc.sketch, self.frame(name), self.ps.crs)
            written.append(name)
        self._touched.clear()
        return written

    # ------------------------------------------------------------------ recovery
    def unsaved(self) -> dict[str, list[SketchFeature]]:
        """The sketches edited since the last save, by scenario (what a recovery copy keeps)."""
        return {name: list(self._sketches.get(name, [])) for name in sorted(self._touched)}

    def restore(self, sketches: dict[str, list[SketchFeature]]) -> None:
        """Put back sketches of a recovery copy: unsaved, so that the next save writes them
        to the project's own sketch GeoPackage (not an undo step: the recovered state is
        where the planner starts again)."""
        for name, feats in sketches.items():
            self._sketches[name] = list(feats)
            self._touched.add(name)
        self._conflicts.clear()
        self.events.changed()

    # ------------------------------------------------------------------ project events
    def _on_project_replaced(self, _event=None) -> None:
        self._sketches.clear()
        self._touched.clear()
        self._failed.clear()
        self._conflicts.clear()
        self._checker = None
        self.load_errors.clear()
        self._folder = self.ps.project.folder
        self.scenario_name = DEFAULT_SCENARIO
        self._replacing = True  # set_project emits path_changed next: not a save
        self.events.changed()

    def _on_layers_changed(self, _event=None) -> None:
        self._checker = None
        self._conflicts.clear()
        if not any(self._touched):  # loaded in the working CRS now that it is known
            self._sketches.clear()
        self.events.changed()

    def _on_path_changed(self, _event=None) -> None:
        # ProjectState.mark_saved emits path_changed after the project file was written:
        # the sketches go to their GeoPackage then (set_project's path_changed is no save)
        if self._replacing:
            self._replacing = False
            return
        if self._touched or self.ps.project.folder != self._folder:
            try:
                names = self.save()
            except GreenplanError as exc:
                self.events.saved(names=[], error=exc)
                return
            self.events.saved(names=names, error=None)


def _modified(f: SketchFeature, changes: dict[str, Any]) -> SketchFeature:
    """``f`` with ``changes``; a new kind without a class takes that kind's class and share."""
    new = replace(f, **changes)
    if "kind" in changes and "cls" not in changes:
        new = replace(new, cls=DEFAULT_CLASS[new.kind], gs_share=DEFAULT_GS_SHARE[new.kind]
                      if "gs_share" not in changes else new.gs_share)
    return new
