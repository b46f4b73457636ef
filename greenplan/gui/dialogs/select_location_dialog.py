"""Select by location (选择 → 按位置选择…): select the features of a layer that intersect,
lie within or are disjoint from the features of another layer, or only its selected
features (:mod:`greenplan.app.select_location`)."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
)

from greenplan.app.select_location import MODES, PREDICATES, combine_selection, select_by_location
from greenplan.core.errors import GreenplanError
from greenplan.gui.i18n import current_language


class SelectLocationDialog(QDialog):
    """See module docstring. ``model``: the ProjectModel."""

    def __init__(self, model, key: int = 0, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("selectLocationDialog")
        self.model = model
        zh = current_language() == "zh"
        self.target_combo = QComboBox(objectName="locTarget")
        self.predicate_combo = QComboBox(objectName="locPredicate")
        self.reference_combo = QComboBox(objectName="locReference")
        self.only_selected = QCheckBox(objectName="locOnlySelected")
        self.mode_combo = QComboBox(objectName="locMode")
        for e in reversed(model.entries):
            if e.gdf is not None:
                self.target_combo.addItem(e.spec.name, e.key)
                self.reference_combo.addItem(e.spec.name, e.key)
        self.target_combo.setCurrentIndex(max(self.target_combo.findData(key or model.current_key), 0))
        # the reference defaults to the layer holding the selection (the red line just picked)
        sel = next(iter(model.selection), 0)
        if sel and sel != self.target_combo.currentData():
            self.reference_combo.setCurrentIndex(max(self.reference_combo.findData(sel), 0))
            self.only_selected.setChecked(True)
        elif self.reference_combo.count() > 1 and self.reference_combo.currentData() == self.target_combo.currentData():
            self.reference_combo.setCurrentIndex(1)
        for pid, (pzh, pen) in PREDICATES.items():
            self.predicate_combo.addItem(pzh if zh else pen, pid)
        for mode, (mzh, men) in MODES.items():
            self.mode_combo.addItem(mzh if zh else men, mode)
        self.message = QLabel(objectName="locMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.select_button = self.buttons.addButton(self.tr("Select"), QDialogButtonBox.ButtonRole.ApplyRole)
        self.select_button.setObjectName("locSelect")
        form = QFormLayout()
        form.addRow(self.tr("Select features of"), self.target_combo)
        form.addRow(self.tr("that"), self.predicate_combo)
        form.addRow(self.tr("the features of"), self.reference_combo)
        form.addRow("", self.only_selected)
        form.addRow(self.tr("Selection"), self.mode_combo)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)
        self.only_selected.setText(self.tr("Only the selected features of that layer"))
        self.setWindowTitle(self.tr("Select by Location"))
        self.buttons.rejected.connect(self.reject)
        self.select_button.clicked.connect(self.apply)
        self.resize(460, 240)

    def apply(self) -> int | None:
        """Select the features; their number (None when nothing could be selected)."""
        key = int(self.target_combo.currentData() or 0)
        ref = int(self.reference_combo.currentData() or 0)
        if not key or not ref:
            return None
        target, reference = self.model.entry(key), self.model.entry(ref)
        geoms = np.asarray(reference.gdf.geometry.array, dtype=object)
        if self.only_selected.isChecked():
            ids = self.model.selection.get(ref)
            if ids is None or not len(ids):
                self.message.setText(self.tr("That layer has no selected features."))
                return None
            geoms = geoms[ids[ids < len(geoms)]]
        prepared = getattr(target.display, "prepared", None)
        tree = prepared.tree if prepared is not None and prepared.n == len(target.gdf) else None
        try:
            found = select_by_location(np.asarray(target.gdf.geometry.array, dtype=object), geoms,
                                       self.predicate_combo.currentData(), tree=tree)
        except GreenplanError as exc:
            self.message.setText(exc.message(current_language()))
            return None
        new = combine_selection(self.model.selection.get(key), found, self.mode_combo.currentData())
        self.model.set_selection(key, new)
        self.message.setText(self.tr("{0} features selected.").format(f"{len(new):,}"))
        return len(new)
