"""The open project as every view sees it, without Qt: layers, order, selection, dirty state.

All changes go through the methods here; each emits an event on :attr:`ProjectState.events`
that the widgets bind to (STYLE rule 5: widget signal -> model method; model event ->
widget setter). The ``Project`` object held is the one that is saved, so what the widgets
show and what is written never disagree.

Every edit of the saved project (add, remove, reorder, visibility, rename, role, style,
class mapping, project name) is a :class:`~greenplan.app.undo.Command` on
:attr:`ProjectState.undo_stack`; the project is *dirty* when the stack is away from the
position last saved, or when a change made outside the stack was reported with
:meth:`ProjectState.set_dirty`.

Layer order is the project's: ``entries[0]`` is drawn first (bottom). Each layer has a
``key`` that stays the same while the project is open, whatever the order.

What a view loaded for a layer (``LayerEntry.display``, the GUI's ``LayerDisplay``) is
opaque here: it is read only through ``gdf``, ``error``, ``loaded``, ``prepared`` and
``raster`` attributes, and restyled by the ``restyle`` callback the view passes in.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from greenplan.app.events import EmitterGroup
from greenplan.app.undo import Command, UndoStack
from greenplan.core.project import LayerSpec, Project
from greenplan.core.roles import get_role

_keys = itertools.count(1)

#: what a highlight shows, each drawn in its own colour (``ProjectState.set_highlight``)
HIGHLIGHT_PURPOSES = ("conflict", "greening", "other")


@dataclass
class LayerEntry:
    """One project layer: its spec (saved) and what a view loaded for it (not saved)."""

    key: int
    spec: LayerSpec
    display: Any = None
    loading: bool = False

    @property
    def gdf(self):
        return getattr(self.display, "gdf", None)

    @property
    def error(self) -> str | None:
        return getattr(self.display, "error", None)


class ProjectState:
    """The open project, its layers' order and selection, and an undo stack of its edits.

    Parameters
    ----------
    restyle : callable, optional
        ``restyle(entry, project)``: bring a loaded layer's drawing style up to date after
        its role, style or class mapping changed (the GUI's screen styles). It may raise
        for a bad style value; :meth:`set_style` then keeps the style that worked.

    Events (``state.events``; each listener gets an ``Event`` with these attributes)
    -------------------------------------------------------------------------------
    project_replaced()
        Another project was opened, created or recovered.
    layers_changed()
        Layers added, removed, reordered, a role changed or a load attached.
    layer_changed(key)
        One layer's visibility, style, name or class mapping changed.
    dirty_changed(dirty)
        The project became changed-since-saved or saved.
    path_changed(path)
        The project's file changed (open, save as).
    name_changed(name)
        The project was renamed.
    selection_changed(key)
        The selected features of layer ``key`` changed (0: every selection cleared).
    current_layer_changed(key)
        Another layer is the current one (0: none).
    highlight_changed()
        Geometries that are not features of a layer are highlighted or cleared.

    Examples
    --------
    >>> state = ProjectState()
    >>> (key,) = state.add_specs([LayerSpec(source=Path("道路.shp"), role="roads")])
    >>> state.rename(key, "道路")
    >>> [e.spec.name for e in state.entries], state.dirty
    (['道路'], True)
    >>> state.undo(); state.undo()
    >>> state.entries, state.dirty
    ([], False)
    """

    def __init__(self, restyle: Callable[[LayerEntry, Project], None] | None = None) -> None:
        self.project = Project()
        self.entries: list[LayerEntry] = []
        self.crs: Any = None  # working CRS (pyproj) once loaded
        self.loaded: Any = None  # the loader's LoadedProject of the last full load
        self.selection: dict[int, np.ndarray] = {}
        self.current_key = 0
        self.highlight: Any = None  # array of geometries (analysis features) or None
        self.highlight_label = ""
        self.highlight_purpose = "other"
        self._restyle_cb = restyle
        self._detached: dict[int, LayerEntry] = {}  # removed layers an undo may bring back
        self._unsaved_outside = False  # a change made outside the undo stack since saving
        self.dirty = False
        self.events = EmitterGroup(
            self,
            project_replaced=(),
            layers_changed=(),
            layer_changed=("key",),
            dirty_changed=("dirty",),
            path_changed=("path",),
            name_changed=("name",),
            selection_changed=("key",),
            current_layer_changed=("key",),
            highlight_changed=(),
        )
        self.undo_stack = UndoStack()
        self.undo_stack.events.changed.connect(self._on_stack_changed)

    # ------------------------------------------------------------------ queries
    def entry(self, key: int) -> LayerEntry:
        for e in self.entries:
            if e.key == key:
                return e
        raise KeyError(key)

    def index_of(self, key: int) -> int:
        return self.keys.index(key)

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
        if getattr(d, "prepared", None) is not None:
            return d.prepared.total_bounds
        if getattr(d, "raster", None) is not None:
            return d.raster.bounds()
        return None

    # ------------------------------------------------------------------ whole project
    def set_project(self, project: Project, display: Any = None, *, dirty: bool = False) -> None:
        """Replace the open project (open, new, recover); the undo stack starts empty.

        ``display``: what a view already loaded for it (``.crs``, ``.loaded``, ``.layers``
        each with a ``.spec``), or None when the layers are still to be loaded.
        """
        self.project = project
        self.entries = [LayerEntry(next(_keys), s, loading=display is None and bool(project.layers))
                        for s in project.layers]
        self._detached.clear()
        self.selection.clear()
        self.current_key = 0
        self.highlight = None
        self.highlight_purpose = "other"
        self.crs = None
        self.loaded = None
        if display is not None:
            self._attach(display, self.keys)
        self._unsaved_outside = dirty
        with self.undo_stack.events.blocker():
            self.undo_stack.clear()
        self.events.project_replaced()
        self.events.path_changed(path=project.path)
        self._update_dirty(force=True)

    def attach_display(self, display: Any, keys: list[int]) -> None:
        """Attach what the load worker produced to the layers ``keys`` (same order as loaded)."""
        self._attach(display, keys)
        self.events.layers_changed()

    def _attach(self, display: Any, keys: list[int]) -> None:
        if self.crs is None:
            self.crs = display.crs
            self.loaded = display.loaded
        by_spec = {id(d.spec): d for d in display.layers}
        for key in keys:
            e = self._find(key)
            if e is None:
                continue  # removed (and not undone) while loading
            e.display = by_spec.get(id(e.spec))
            e.loading = False

    def _find(self, key: int) -> LayerEntry | None:
        try:
            return self.entry(key)
        except KeyError:
            return self._detached.get(key)

    def mark_saved(self, path: Path) -> None:
        """The project was written to ``path``: the current edit position is the clean one."""
        self.project.path = Path(path)
        self.events.path_changed(path=self.project.path)
        self._unsaved_outside = False
        self.undo_stack.set_clean()
        self._update_dirty()

    def set_dirty(self, dirty: bool = True) -> None:
        """Report a change made outside the undo stack (True), or call the project saved (False)."""
        self._unsaved_outside = bool(dirty)
        if not dirty:
            self.undo_stack.set_clean()
        self._update_dirty()

    def _on_stack_changed(self, _event) -> None:
        self._update_dirty()

    def _update_dirty(self, force: bool = False) -> None:
        dirty = self._unsaved_outside or not self.undo_stack.is_clean
        if dirty != self.dirty or force:
            self.dirty = dirty
            self.events.dirty_changed(dirty=dirty)

    # ------------------------------------------------------------------ undo
    def undo(self) -> None:
        self.undo_stack.undo()

    def redo(self) -> None:
        self.undo_stack.redo()

    def _push(self, text: str, text_zh: str, redo: Callable[[], Any], undo: Callable[[], Any]) -> None:
        self.undo_stack.push(Command(text, redo, undo, text_zh))

    # ------------------------------------------------------------------ project edits
    def set_name(self, name: str) -> None:
        """Rename the project (blank or unchanged names are ignored)."""
        name = name.strip()
        old = self.project.name
        if not name or name == old:
            return

        def put(value: str) -> None:
            self.project.name = value
            self.events.name_changed(name=value)

        self._push("Rename project", "重命名项目", lambda: put(name), lambda: put(old))

    # ------------------------------------------------------------------ layer edits
    def add_specs(self, specs: list[LayerSpec]) -> list[int]:
        """Add layers on top (not loaded yet: the caller starts a load worker); their keys."""
        new = [LayerEntry(next(_keys), s, loading=True) for s in specs]
        if not new:
            return []

        def redo() -> None:
            for e in new:
                self._detached.pop(e.key, None)
            self.entries.extend(new)
            self.project.layers.extend(e.spec for e in new)
            self.events.layers_changed()

        def undo() -> None:
            for e in new:
                self._take_out(e.key)
            self.events.layers_changed()

        self._push("Add layers", "添加图层", redo, undo)
        return [e.key for e in new]

    def remove(self, key: int) -> None:
        i = self.index_of(key)
        e = self.entries[i]

        def redo() -> None:
            self._take_out(key)
            self.events.layers_changed()

        def undo() -> None:
            self._detached.pop(key, None)
            self.entries.insert(i, e)
            self.project.layers.insert(i, e.spec)
            self.events.layers_changed()

        self._push("Remove layer", "移除图层", redo, undo)

    def _take_out(self, key: int) -> None:
        i = self.index_of(key)
        self._detached[key] = self.entries.pop(i)
        del self.project.layers[i]
        self.selection.pop(key, None)  # no event: the layer is gone (layers_changed follows)
        if self.current_key == key:
            self.set_current(0)

    def set_order(self, keys: list[int]) -> None:
        """Reorder the layers to ``keys`` (bottom first); every key exactly once."""
        if sorted(keys) != sorted(self.keys):
            raise ValueError("set_order needs every layer key exactly once")
        old = self.keys
        if list(keys) == old:
            return
        new = list(keys)

        def put(order: list[int]) -> None:
            by_key = {e.key: e for e in self.entries}
            self.entries = [by_key[k] for k in order]
            self.project.layers[:] = [e.spec for e in self.entries]
            self.events.layers_changed()

        self._push("Reorder layers", "调整图层顺序", lambda: put(new), lambda: put(old))

    def move(self, key: int, to_index: int) -> None:
        """Move a layer to position ``to_index`` (0 = bottom)."""
        keys = self.keys
        keys.remove(key)
        keys.insert(max(0, min(to_index, len(keys))), key)
        self.set_order(keys)

    def set_visible(self, key: int, visible: bool) -> None:
        e = self.entry(key)
        visible = bool(visible)
        if e.spec.visible == visible:
            return

        def put(value: bool) -> None:
            e.spec.visible = value
            self.events.layer_changed(key=key)

        self._push("Show layer" if visible else "Hide layer", "显示图层" if visible else "隐藏图层",
                   lambda: put(visible), lambda: put(not visible))

    def rename(self, key: int, name: str) -> None:
        e = self.entry(key)
        name = name.strip()
        old = e.spec.name
        if not name or name == old:
            return

        def put(value: str) -> None:
            e.spec.name = value
            self.events.layer_changed(key=key)

        self._push("Rename layer", "重命名图层", lambda: put(name), lambda: put(old))

    def preview_style(self, key: int, style: dict[str, Any]) -> None:
        """Show ``style`` on the layer at once, without an undo step (the style editor's live
        preview; its Apply / OK then calls :meth:`set_style` with ``before``, Cancel previews
        the style it started from).

        Raises
        ------
        Exception
            Whatever ``restyle`` raises for a bad value; the style that worked is kept.
        """
        e = self.entry(key)
        clean = {k: v for k, v in style.items() if v is not None}
        old = e.spec.style
        if clean == old:
            return
        e.spec.style = clean
        try:
            self._restyle(e)
        except Exception:
            e.spec.style = old
            raise
        self.events.layer_changed(key=key)

    def set_style(self, key: int, style: dict[str, Any], before: dict[str, Any] | None = None) -> None:
        """Set the layer's project style (what ``resolve_style`` starts from) and redraw.

        ``before``: the style undo goes back to, when the layer shows a preview
        (:meth:`preview_style`) since then; default: the layer's style now.

        Raises
        ------
        Exception
            Whatever ``restyle`` raises for a bad value; the style that worked is kept
            and no undo step is added.
        """
        e = self.entry(key)
        clean = {k: v for k, v in style.items() if v is not None}
        old = e.spec.style if before is None else {k: v for k, v in before.items() if v is not None}
        if clean == old:
            if e.spec.style != old:  # a preview of no change: show the style again
                self.preview_style(key, old)
            return

        def put(value: dict[str, Any], fallback: dict[str, Any]) -> None:
            e.spec.style = value
            try:
                self._restyle(e)
            except Exception:
                e.spec.style = fallback  # a bad value: keep the style that worked
                raise
            self.events.layer_changed(key=key)

        self._push("Change style", "修改样式", lambda: put(clean, old), lambda: put(old, clean))

    def set_role(self, key: int, role: str | None) -> None:
        """Give a layer another role (None: none).

        Raises
        ------
        UnknownRoleError
            ``role`` is not a role id.
        """
        e = self.entry(key)
        if role is not None:
            get_role(role)
        old = e.spec.role
        if role == old:
            return

        def put(value: str | None) -> None:
            e.spec.role = value
            self._restyle(e)
            self.events.layers_changed()

        self._push("Change role", "修改图层角色", lambda: put(role), lambda: put(old))

    def set_classes(self, key: int, classes: str | dict[str, str] | None) -> None:
        """Set a land-use / green-space layer's class mapping (``LayerSpec.classes``).

        The loaded copy is mapped again at once (a new frame; the loader's is not changed),
        so the map's colours and identify agree with the mapping before the next load.
        Undo maps it back under the mapping it had.

        Raises
        ------
        SettingError
            ``classes`` names an unknown preset or an unreadable CSV (nothing changes).
        """
        e = self.entry(key)
        if classes == e.spec.classes:
            return
        new = dict(classes) if isinstance(classes, dict) else classes
        old = e.spec.classes
        self._push("Map classes", "类别对应", lambda: self._put_classes(e, new), lambda: self._put_classes(e, old))

    def _put_classes(self, e: LayerEntry, classes: str | dict[str, str] | None) -> None:
        import dataclasses

        from greenplan.jobs.class_values import remap_classes

        new_gdf = remap_classes(e.gdf, e.spec.role or "", classes, self.project.folder)  # raises on a bad CSV
        e.spec.classes = dict(classes) if isinstance(classes, dict) else classes
        if e.display is not None and e.gdf is not None:
            e.display.loaded = dataclasses.replace(e.display.loaded, gdf=new_gdf)
            self._restyle(e)
        self.events.layer_changed(key=e.key)

    def _restyle(self, e: LayerEntry) -> None:
        if e.display is not None and self._restyle_cb is not None:
            self._restyle_cb(e, self.project)

    # ------------------------------------------------------------------ selection
    def set_current(self, key: int) -> None:
        """Make layer ``key`` the current one (the layer panel's highlighted row; 0: none)."""
        if key and key not in self.keys:
            raise KeyError(key)
        if key != self.current_key:
            self.current_key = key
            self.events.current_layer_changed(key=key)

    def set_selection(self, key: int, ids) -> None:
        """Select features ``ids`` (row numbers of the loaded layer) of layer ``key``.

        The selection is of one layer at a time: selecting in another layer clears it.
        """
        ids = np.unique(np.asarray(ids, dtype=np.int64))
        if ids.size:
            self.selection = {key: ids}
        else:
            self.selection.pop(key, None)
        self.events.selection_changed(key=key)

    def clear_selection(self) -> None:
        if self.selection:
            self.selection.clear()
            self.events.selection_changed(key=0)

    def selected_geometries(self):
        """Geometries of the selected features (working CRS), or an empty array."""
        out = []
        for key, ids in self.selection.items():
            gdf = self.entry(key).gdf
            if gdf is not None and len(ids):
                out.append(np.asarray(gdf.geometry.array)[ids[ids < len(gdf)]])
        return np.concatenate(out) if out else np.zeros(0, dtype=object)

    def set_highlight(self, geoms, label: str = "", purpose: str = "other") -> None:
        """Highlight geometries that are not features of a layer (analysis results).

        ``purpose`` (one of :data:`HIGHLIGHT_PURPOSES`) decides how the map shows them: a
        conflict in red, proposed greening in hatched green, anything else in orange; the
        selection has its own colour (cyan), so the four never look alike.
        """
        if purpose not in HIGHLIGHT_PURPOSES:
            raise ValueError(f"highlight purpose {purpose!r} not in {HIGHLIGHT_PURPOSES}")
        self.highlight = None if geoms is None else np.asarray(geoms, dtype=object)
        self.highlight_label = label
        self.highlight_purpose = purpose
        self.events.highlight_changed()
