"""The open project as the widgets see it: the ``Project``, its loaded layers, the selection.

All changes go through the plain methods here (the actions and the widgets' signals call
them); every change emits a signal that the widgets listen to (STYLE rule 5: signal ->
model setter; model event -> widget setter). The ``Project`` object is the one that is
saved, so what the widgets show and what is written never disagree.

Layer order is the project's: ``entries[0]`` is drawn first (bottom). Each layer has a
``key`` that stays the same while the project is open, whatever the order.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from greenplan.core.project import LayerSpec, Project
from greenplan.core.roles import get_role
from greenplan.gui.display_data import DisplayProject, LayerDisplay, shared_style, style_for

_keys = itertools.count(1)


@dataclass
class LayerEntry:
    """One project layer: its spec (saved) and what was loaded for it (not saved)."""

    key: int
    spec: LayerSpec
    display: LayerDisplay | None = None
    loading: bool = False

    @property
    def gdf(self):
        return self.display.gdf if self.display is not None else None

    @property
    def error(self) -> str | None:
        return self.display.error if self.display is not None else None


class ProjectModel(QObject):
    """The open project and everything derived from it that the widgets display."""

    project_replaced = Signal()
    layers_changed = Signal()  # added, removed, reordered, role changed
    layer_changed = Signal(int)  # key: visibility, style, name, loaded data
    dirty_changed = Signal(bool)
    path_changed = Signal()
    selection_changed = Signal(int)  # key of the layer whose selection changed (0: cleared)
    highlight_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.project = Project()
        self.entries: list[LayerEntry] = []
        self.dirty = False
        self.crs = None  # working CRS (pyproj) once loaded
        self.loaded = None  # the loader's LoadedProject of the last full load
        self.selection: dict[int, np.ndarray] = {}
        self.highlight: Any = None  # array of geometries (analysis features) or None
        self.highlight_label = ""

    # ------------------------------------------------------------------ queries
    def entry(self, key: int) -> LayerEntry:
        for e in self.entries:
            if e.key == key:
                return e
        raise KeyError(key)

    def index_of(self, key: int) -> int:
        return [e.key for e in self.entries].index(key)

    @property
    def keys(self) -> list[int]:
        return [e.key for e in self.entries]

    @property
    def path(self) -> Path | None:
        return self.project.path

    def full_bounds(self) -> tuple[float, float, float, float] | None:
        """Extent of every loaded layer in the working CRS."""
        boxes = [b for b in (self.layer_bounds(e.key) for e in self.entries) if b is not None]
        if not boxes:
            return None
        a = np.array(boxes)
        return (a[:, 0].min(), a[:, 1].min(), a[:, 2].max(), a[:, 3].max())

    def layer_bounds(self, key: int) -> tuple[float, float, float, float] | None:
        d = self.entry(key).display
        if d is None:
            return None
        if d.prepared is not None:
            return d.prepared.total_bounds
        if d.raster is not None:
            return d.raster.bounds()
        return None

    # ------------------------------------------------------------------ whole project
    def set_project(self, project: Project, display: DisplayProject | None = None, *, dirty: bool = False) -> None:
        """Replace the open project (open, new, recover)."""
        self.project = project
        self.entries = [LayerEntry(next(_keys), s, loading=display is None and bool(project.layers))
                        for s in project.layers]
        self.selection.clear()
        self.highlight = None
        self.crs = None
        self.loaded = None
        if display is not None:
            self._attach(display, [e.key for e in self.entries])
        self.project_replaced.emit()
        self.path_changed.emit()
        self._set_dirty(dirty, force=True)

    def attach_display(self, display: DisplayProject, keys: list[int]) -> None:
        """Attach what the load worker produced to the layers ``keys`` (same order as loaded)."""
        self._attach(display, keys)
        self.layers_changed.emit()

    def _attach(self, display: DisplayProject, keys: list[int]) -> None:
        if self.crs is None:
            self.crs = display.crs
            self.loaded = display.loaded
        by_spec = {id(d.spec): d for d in display.layers}
        for key in keys:
            try:
                e = self.entry(key)
            except KeyError:
                continue  # removed while loading
            e.display = by_spec.get(id(e.spec))
            e.loading = False

    def mark_saved(self, path: Path) -> None:
        self.project.path = Path(path)
        self.path_changed.emit()
        self._set_dirty(False)

    def set_dirty(self, dirty: bool = True) -> None:
        self._set_dirty(dirty)

    def _set_dirty(self, dirty: bool, force: bool = False) -> None:
        if dirty != self.dirty or force:
            self.dirty = dirty
            self.dirty_changed.emit(dirty)

    # ------------------------------------------------------------------ layer edits
    def add_specs(self, specs: list[LayerSpec]) -> list[int]:
        """Add layers on top (not loaded yet: the caller starts a load worker)."""
        new = [LayerEntry(next(_keys), s, loading=True) for s in specs]
        self.entries.extend(new)
        self.project.layers.extend(specs)
        self.layers_changed.emit()
        self._set_dirty(True)
        return [e.key for e in new]

    def remove(self, key: int) -> None:
        i = self.index_of(key)
        del self.entries[i]
        del self.project.layers[i]
        self.selection.pop(key, None)
        self.layers_changed.emit()
        self._set_dirty(True)

    def set_order(self, keys: list[int]) -> None:
        """Reorder the layers to ``keys`` (bottom first); every key exactly once."""
        if sorted(keys) != sorted(self.keys):
            raise ValueError("set_order needs every layer key exactly once")
        if keys == self.keys:
            return
        by_key = {e.key: e for e in self.entries}
        self.entries = [by_key[k] for k in keys]
        self.project.layers[:] = [e.spec for e in self.entries]
        self.layers_changed.emit()
        self._set_dirty(True)

    def move(self, key: int, to_index: int) -> None:
        """Move a layer to position ``to_index`` (0 = bottom)."""
        keys = self.keys
        keys.remove(key)
        keys.insert(max(0, min(to_index, len(keys))), key)
        self.set_order(keys)

    def set_visible(self, key: int, visible: bool) -> None:
        e = self.entry(key)
        if e.spec.visible != bool(visible):
            e.spec.visible = bool(visible)
            self.layer_changed.emit(key)
            self._set_dirty(True)

    def rename(self, key: int, name: str) -> None:
        e = self.entry(key)
        name = name.strip()
        if name and name != e.spec.name:
            e.spec.name = name
            self.layer_changed.emit(key)
            self._set_dirty(True)

    def set_style(self, key: int, style: dict[str, Any]) -> None:
        """Set the layer's project style (what ``resolve_style`` starts from) and redraw."""
        e = self.entry(key)
        clean = {k: v for k, v in style.items() if v is not None}
        if clean == e.spec.style:
            return
        old, e.spec.style = e.spec.style, clean
        try:
            self._restyle(e)
        except Exception:
            e.spec.style = old  # a bad value: keep the style that worked
            raise
        self.layer_changed.emit(key)
        self._set_dirty(True)

    def set_role(self, key: int, role: str | None) -> None:
        e = self.entry(key)
        if role is not None:
            get_role(role)
        if role == e.spec.role:
            return
        e.spec.role = role
        self._restyle(e)
        self.layers_changed.emit()
        self._set_dirty(True)

    def set_classes(self, key: int, classes: str | dict[str, str] | None) -> None:
        """Set a land-use / green-space layer's class mapping (``LayerSpec.classes``).

        The loaded copy is mapped again at once (a new frame; the loader's is not changed),
        so the map's colours and identify agree with the mapping before the next load.
        """
        import dataclasses

        from greenplan.jobs.class_values import remap_classes

        e = self.entry(key)
        if classes == e.spec.classes:
            return
        new_gdf = remap_classes(e.gdf, e.spec.role or "", classes, self.project.folder)  # raises on a bad CSV
        e.spec.classes = dict(classes) if isinstance(classes, dict) else classes
        if e.display is not None and e.gdf is not None:
            e.display.loaded = dataclasses.replace(e.display.loaded, gdf=new_gdf)
            self._restyle(e)
        self.layer_changed.emit(key)
        self._set_dirty(True)

    def _restyle(self, e: LayerEntry) -> None:
        if e.display is None:
            return
        style, classes = style_for(e.spec, e.gdf, self.project.settings.code_system)
        e.display.style = style
        if e.display.prepared is not None:
            p = e.display.prepared
            p.classes = np.zeros(p.n, dtype=np.int32) if classes is None else classes
        if e.display.raster is not None:
            e.display.raster.set_style(shared_style(e.spec, self.project.settings.code_system))

    # ------------------------------------------------------------------ selection
    def set_selection(self, key: int, ids) -> None:
        """Select features ``ids`` (row numbers of the loaded layer) of layer ``key``."""
        ids = np.unique(np.asarray(ids, dtype=np.int64))
        if ids.size:
            self.selection = {key: ids}
        else:
            self.selection.pop(key, None)
        self.selection_changed.emit(key)

    def clear_selection(self) -> None:
        if self.selection:
            self.selection.clear()
            self.selection_changed.emit(0)

    def selected_geometries(self):
        """Geometries of the selected features (working CRS), or an empty array."""
        out = []
        for key, ids in self.selection.items():
            gdf = self.entry(key).gdf
            if gdf is not None and len(ids):
                out.append(np.asarray(gdf.geometry.array)[ids[ids < len(gdf)]])
        return np.concatenate(out) if out else np.zeros(0, dtype=object)

    def set_highlight(self, geoms, label: str = "") -> None:
        """Highlight geometries that are not features of a layer (analysis results)."""
        self.highlight = None if geoms is None else np.asarray(geoms, dtype=object)
        self.highlight_label = label
        self.highlight_changed.emit()
