"""The layer panel: the project's layers grouped by role, top layer first.

Each layer has a visibility check box and a colour swatch; a layer that failed to load
shows a warning and its reason as tooltip. Dragging reorders (a layer inside its group,
a group as a whole). The panel computes nothing: a check box calls
``model.set_visible``, a drop calls ``model.set_order``; model signals rebuild the tree.
The context menu and double-click use the actions declared in :mod:`actions`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QMenu, QStyle, QTreeWidget, QTreeWidgetItem

from greenplan.app.layer_order import flatten, group_layers, move_group, move_layer
from greenplan.core.roles import ROLES
from greenplan.gui.i18n import current_language
from greenplan.gui.project_model import LayerEntry, ProjectModel

KEY_ROLE = Qt.ItemDataRole.UserRole
GROUP_ROLE = Qt.ItemDataRole.UserRole + 1
# a class row under a categorised / graduated layer: the class index (0 = features of no class)
CLASS_ROLE = Qt.ItemDataRole.UserRole + 2


def group_label(group: str) -> str:
    """Role name in the interface language; the no-role group is the reference layers."""
    if not group:
        return QCoreApplication.translate("LayerPanel", "Reference layers")
    role = ROLES[group]
    return role.zh if current_language() == "zh" else role.en


def _paint_style(p: QPainter, st, size: int) -> None:
    if st.line:
        p.fillRect(0, size // 2 - 2, size, 4, QColor(*(st.edge or (0, 0, 0, 255))))
    else:
        if st.fill is not None:
            p.fillRect(1, 1, size - 2, size - 2, QColor(*st.fill))
        if st.edge is not None:
            p.setPen(QColor(*st.edge))
            p.drawRect(1, 1, size - 3, size - 3)


def swatch(entry: LayerEntry, size: int = 14) -> QIcon:
    """A small square in the layer's fill (or edge) colour."""
    pm = QPixmap(size, size)
    pm.fill(QColor(0, 0, 0, 0))
    d = entry.display
    if d is not None:
        p = QPainter(pm)
        if d.raster is not None:  # the raster's own colours (land-cover classes, or its ramp)
            for i, c in enumerate(d.raster.swatch_colours()):
                p.fillRect(0, i * size // 3, size, size // 3 + 1, QColor(*c))
        else:
            _paint_style(p, d.style.swatch, size)
        p.end()
    return QIcon(pm)


def class_swatch(style, size: int = 14) -> QIcon:
    """A small square in one class's fill (a line for line layers)."""
    pm = QPixmap(size, size)
    pm.fill(QColor(0, 0, 0, 0))
    p = QPainter(pm)
    _paint_style(p, style, size)
    p.end()
    return QIcon(pm)


def class_rows(entry: LayerEntry) -> list[tuple[int, str, int]]:
    """``(class index, label, features)`` of each class of a categorised or graduated layer
    that has features (classes of the style first, 其他 last); [] for other layers."""
    d = entry.display
    if d is None or d.prepared is None or len(d.style.classes) < 2:
        return []
    counts = np.bincount(np.asarray(d.prepared.classes, dtype=np.int64).clip(0),
                         minlength=len(d.style.classes))
    labels = d.style.class_labels_en if current_language() == "en" and d.style.class_labels_en else d.style.class_labels
    rows = [(i, labels[i] if i < len(labels) else str(i), int(counts[i]))
            for i in range(1, len(d.style.classes)) if counts[i]]
    if counts[0]:
        rows.append((0, labels[0] if labels else "", int(counts[0])))
    return rows


class LayerPanel(QTreeWidget):
    """Tree of role groups and layers bound to a :class:`ProjectModel`.

    Signals
    -------
    current_layer_changed(int)
        Key of the selected layer (0: none).
    activated_layer(int)
        A layer was double-clicked (the window opens its style editor).
    """

    current_layer_changed = Signal(int)
    activated_layer = Signal(int)

    def __init__(self, model: ProjectModel, parent=None) -> None:
        super().__init__(parent)
        self.project_model = model
        self.setObjectName("layerPanel")
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.context_actions: list = []  # filled by the main window from the action registry
        self._building = False
        self.itemChanged.connect(self._on_item_changed)
        self.currentItemChanged.connect(self._on_current_item)
        self.itemDoubleClicked.connect(self._on_double_click)
        self.customContextMenuRequested.connect(self._context_menu)
        model.project_replaced.connect(self.rebuild)
        model.layers_changed.connect(self.rebuild)
        model.layer_changed.connect(self._update_layer)
        self.rebuild()

    # ------------------------------------------------------------------ model -> widget
    def rebuild(self) -> None:
        current = self.current_key()
        collapsed = {self.topLevelItem(i).data(0, GROUP_ROLE) for i in range(self.topLevelItemCount())
                     if not self.topLevelItem(i).isExpanded()}
        folded = {self.key_of(g.child(j)) for g in (self.topLevelItem(i) for i in range(self.topLevelItemCount()))
                  for j in range(g.childCount()) if g.child(j).childCount() and not g.child(j).isExpanded()}
        self._building = True
        try:
            self.clear()
            for group, keys in group_layers([(e.key, e.spec.role) for e in self.project_model.entries]):
                gi = QTreeWidgetItem([f"{group_label(group)}"])
                gi.setData(0, GROUP_ROLE, group)
                font = gi.font(0)
                font.setBold(True)
                gi.setFont(0, font)
                gi.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
                self.addTopLevelItem(gi)
                for key in keys:
                    li = QTreeWidgetItem()
                    li.setData(0, KEY_ROLE, key)
                    li.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                                | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsDragEnabled)
                    gi.addChild(li)
                    self._fill(li, self.project_model.entry(key))
                    li.setExpanded(key not in folded)
                gi.setExpanded(group not in collapsed)
            if current:
                item = self.item_for(current)
                if item is not None:
                    self.setCurrentItem(item)
        finally:
            self._building = False

    def _fill(self, item: QTreeWidgetItem, e: LayerEntry) -> None:
        text = e.spec.name
        if e.loading:
            text += " " + QCoreApplication.translate("LayerPanel", "(loading…)")
        item.setText(0, text)
        item.setCheckState(0, Qt.CheckState.Checked if e.spec.visible else Qt.CheckState.Unchecked)
        if e.error:
            item.setIcon(0, self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
            item.setToolTip(0, e.error)
            item.setForeground(0, QBrush(QColor(160, 0, 0)))
        else:
            item.setIcon(0, swatch(e))
            raster = e.display.raster if e.display is not None else None
            # a raster's legend (what it is, its classes or ramp values) shows as the tooltip
            item.setToolTip(0, raster.legend_html(e.spec.label) if raster is not None else f"{e.spec.label}")
            item.setForeground(0, QBrush())
        self._fill_classes(item, e)

    def _fill_classes(self, item: QTreeWidgetItem, e: LayerEntry) -> None:
        """Child rows of the layer's classes: swatch, label and number of features."""
        had = item.childCount()
        for i in reversed(range(had)):
            item.removeChild(item.child(i))
        rows = [] if e.error else class_rows(e)
        for cls, label, n in rows:
            ci = QTreeWidgetItem([f"{label} ({n:,})"])
            ci.setData(0, CLASS_ROLE, cls)
            ci.setIcon(0, class_swatch(e.display.style.for_class(cls)))
            ci.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.addChild(ci)
        if rows and not had and item.treeWidget() is not None:
            item.setExpanded(True)  # a layer just classified shows its classes

    def class_items(self, key: int) -> list[QTreeWidgetItem]:
        """The class rows under layer ``key`` (empty when it has one symbol)."""
        item = self.item_for(key)
        return [] if item is None else [item.child(i) for i in range(item.childCount())]

    def _update_layer(self, key: int) -> None:
        item = self.item_for(key)
        if item is None:
            self.rebuild()
            return
        self._building = True
        try:
            self._fill(item, self.project_model.entry(key))
        finally:
            self._building = False

    # ------------------------------------------------------------------ lookups
    @staticmethod
    def key_of(item: QTreeWidgetItem | None) -> int:
        if item is None:
            return 0
        key = item.data(0, KEY_ROLE)
        return int(key) if key else 0

    def _on_current_item(self, cur, _prev) -> None:
        key = self.key_of(cur)
        if key in self.project_model.keys or not key:
            self.project_model.set_current(key)  # the model's current layer follows the panel's row
        self.current_layer_changed.emit(key)

    def current_key(self) -> int:
        return self.key_of(self.currentItem())

    def item_for(self, key: int) -> QTreeWidgetItem | None:
        for i in range(self.topLevelItemCount()):
            g = self.topLevelItem(i)
            for j in range(g.childCount()):
                if self.key_of(g.child(j)) == key:
                    return g.child(j)
        return None

    def displayed_groups(self) -> list[tuple[str, list[int]]]:
        """The grouping as shown: ``[(role, keys top first), ...]``."""
        out = []
        for i in range(self.topLevelItemCount()):
            g = self.topLevelItem(i)
            out.append((g.data(0, GROUP_ROLE), [self.key_of(g.child(j)) for j in range(g.childCount())]))
        return out

    def select_layer(self, key: int) -> None:
        item = self.item_for(key)
        if item is not None:
            self.setCurrentItem(item)

    # ------------------------------------------------------------------ widget -> model
    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._building:
            return
        key = self.key_of(item)
        if key:
            self.project_model.set_visible(key, item.checkState(0) == Qt.CheckState.Checked)

    def _on_double_click(self, item: QTreeWidgetItem, column: int) -> None:
        key = self.key_of(item)
        if key:
            self.activated_layer.emit(key)

    def drop_on(self, dragged: QTreeWidgetItem, target: QTreeWidgetItem | None, below: bool) -> bool:
        """Apply a drop of ``dragged`` next to ``target`` to the model; False if not allowed."""
        if target is None or dragged is target:
            return False
        groups = self.displayed_groups()
        dkey, tkey = self.key_of(dragged), self.key_of(target)
        if dkey:
            new = move_layer(groups, dkey, tkey, below) if tkey else None
        else:
            dgroup = dragged.data(0, GROUP_ROLE)
            tgroup = target.data(0, GROUP_ROLE) if not tkey else target.parent().data(0, GROUP_ROLE)
            new = move_group(groups, dgroup, tgroup, below)
        if new is None:
            return False
        self.project_model.set_order(flatten(new))
        if dkey:
            self.select_layer(dkey)
        return True

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt
        dragged = self.currentItem()
        target = self.itemAt(event.position().toPoint())
        pos = self.dropIndicatorPosition()
        # dropped on an item: take its place (drawn just above it); below its lower edge: under it
        below = pos == QAbstractItemView.DropIndicatorPosition.BelowItem
        self.drop_on(dragged, target, below)
        # the tree is rebuilt from the model; Qt must not move the items itself
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()

    def _context_menu(self, pos) -> None:
        item = self.itemAt(pos)
        if item is not None:
            self.setCurrentItem(item)
        if not self.key_of(item):
            return
        self.context_menu(self.key_of(item)).popup(self.viewport().mapToGlobal(pos))

    def context_menu(self, key: int) -> QMenu:
        """The layer's context menu: the declared actions, the layer properties, and the class
        mapping of a land-use or green-space layer."""
        from greenplan.gui.dialogs.class_mapping_dialog import can_map

        menu = QMenu(self)
        for action in self.context_actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.addSeparator()
        props = menu.addAction(QCoreApplication.translate("LayerPanel", "Layer properties…"))
        props.setObjectName("layerPropertiesAction")
        props.triggered.connect(lambda _c=False, k=key: self.open_layer_properties(k))
        if can_map(self.project_model.entry(key)):
            act = menu.addAction(QCoreApplication.translate("LayerPanel", "Class mapping…"))
            act.setObjectName("classMappingAction")
            act.triggered.connect(lambda _c=False, k=key: self.open_class_mapping(k))
        return menu

    def open_layer_properties(self, key: int):
        """Open the layer properties dialog of layer ``key``; on OK the window reloads the layer."""
        from greenplan.gui.dialogs.layer_properties_dialog import open_layer_properties

        window = self.window()
        ops = getattr(window, "ops", None)
        self.layer_properties_dialog = open_layer_properties(self.project_model, key, window,
                                                             getattr(ops, "reload_layer", None),
                                                             getattr(window, "start_worker", None))
        return self.layer_properties_dialog

    def open_class_mapping(self, key: int):
        """Open the class-mapping dialog of layer ``key`` (its values read in a worker of the window)."""
        from greenplan.gui.dialogs.class_mapping_dialog import open_class_mapping

        window = self.window()
        self.class_mapping_dialog = open_class_mapping(self.project_model, key, window,
                                                       getattr(window, "start_worker", None))
        return self.class_mapping_dialog

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.rebuild()
        super().changeEvent(event)
