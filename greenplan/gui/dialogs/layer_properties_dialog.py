"""The layer properties dialog: everything a layer entry holds, fixed in place.

Display name; role (only the roles whose geometry fits the layer: raster roles for a
raster, vector roles by geometry type); the field mapping (each field the role reads,
picked from the layer's own fields, each shown with sample values); source CRS (with the
GCJ-02 / BD-09 hint); encoding (shapefiles); attribute filter with a test button that
counts the features it keeps through the real reader; raster band; and a button to the
class-mapping dialog of a land-use / green-space layer.

OK applies everything as ONE command on the project's undo stack
(:func:`greenplan.app.layer_props.apply_layer_props`) and the layer is read again, so its
error state clears or updates. The widgets only bind: the facts of the file and the edit
live in the Qt-free :mod:`greenplan.app.layer_props`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from greenplan.app.layer_props import (
    ENCODINGS,
    SOURCE_CRS_CHOICES,
    LayerFacts,
    LayerProps,
    apply_layer_props,
    count_matching,
    layer_facts,
    roles_for,
    source_path,
)
from greenplan.core.roles import ROLES
from greenplan.gui.i18n import current_language

# files above this size have their filter counted in a worker
_QUICK_BYTES = 20_000_000


class LayerPropertiesDialog(QDialog):
    """Properties of layer ``key`` of ``model`` (see module docstring).

    ``reload(key)`` reads the layer again after the change (the window's
    ``ProjectOps.reload_layer``); ``start_worker`` counts a big file's filter in a worker.
    """

    def __init__(self, model, key: int, parent=None, reload: Callable[[int], Any] | None = None,
                 start_worker: Callable[..., Any] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("layerPropertiesDialog")
        self.model = model
        self.key = key
        self.reload = reload
        self.start_worker = start_worker
        self.spec = model.entry(key).spec
        self.props = LayerProps.of(self.spec)
        self.folder = model.project.folder if model.project.path else None
        self.facts: LayerFacts = layer_facts(self.spec, self.folder)
        self.field_combos: dict[str, QComboBox] = {}
        self.setWindowTitle(self.tr("Layer properties — {0}").format(self.spec.name))
        self.resize(560, 600)

        lay = QVBoxLayout(self)
        form = QFormLayout()
        lay.addLayout(form)
        self.source_label = QLabel(self.spec.label)
        self.source_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.source_label.setToolTip(str(source_path(self.spec, self.folder)))
        form.addRow(self.tr("Source:"), self.source_label)
        self.name_edit = QLineEdit(self.spec.name)
        self.name_edit.setObjectName("nameEdit")
        form.addRow(self.tr("Display name:"), self.name_edit)

        self.role_combo = QComboBox()
        self.role_combo.setObjectName("roleCombo")
        form.addRow(self.tr("Role:"), self.role_combo)
        self.facts_label = QLabel()
        self.facts_label.setWordWrap(True)
        self.facts_label.setStyleSheet("color: #666;")
        form.addRow("", self.facts_label)

        # field mapping
        self.fields_box = QGroupBox(self.tr("Field mapping (fields marked * are required)"))
        self.fields_form = QFormLayout(self.fields_box)
        lay.addWidget(self.fields_box)

        # reading options
        opts = QGroupBox(self.tr("Reading"))
        oform = QFormLayout(opts)
        lay.addWidget(opts)
        self.crs_combo = QComboBox()
        self.crs_combo.setObjectName("sourceCrsCombo")
        self.crs_combo.setEditable(True)
        self.crs_combo.addItem(self.tr("(from the file)"), None)
        for c in SOURCE_CRS_CHOICES:
            self.crs_combo.addItem(c, c)
        if self.spec.source_crs:
            self.crs_combo.setCurrentText(self.spec.source_crs)
        else:
            self.crs_combo.setCurrentIndex(0)
        oform.addRow(self.tr("Source CRS:"), self.crs_combo)
        hint = QLabel(self.tr("Coordinates from 高德 (Amap) or 腾讯 (Tencent) maps are GCJ-02; from 百度 (Baidu) "
                              "maps BD-09. Leave it empty when the file's own CRS (.prj) is right."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        oform.addRow("", hint)
        self.crs_error = QLabel()
        self.crs_error.setObjectName("crsError")
        self.crs_error.setWordWrap(True)
        self.crs_error.setStyleSheet("color: #a00;")
        self.crs_error.hide()
        oform.addRow("", self.crs_error)

        self.encoding_combo = QComboBox()
        self.encoding_combo.setObjectName("encodingCombo")
        self.encoding_combo.addItem(self.tr("automatic"), None)
        for enc in ENCODINGS:
            self.encoding_combo.addItem(enc, enc)
        i = self.encoding_combo.findData(self.spec.encoding)
        if i < 0 and self.spec.encoding:
            self.encoding_combo.addItem(self.spec.encoding, self.spec.encoding)
            i = self.encoding_combo.count() - 1
        self.encoding_combo.setCurrentIndex(max(i, 0))
        self.encoding_combo.currentIndexChanged.connect(self._encoding_changed)
        self.encoding_label = QLabel(self.tr("Encoding:"))
        self.compare_button = QPushButton(self.tr("Compare side by side…"))
        self.compare_button.setObjectName("compareEncodingsButton")
        self.compare_button.setToolTip(self.tr("The first rows read as UTF-8, GBK and GB18030, to pick the one that reads right."))
        self.compare_button.clicked.connect(self.compare_encodings)
        self.encoding_row = QWidget()
        enc_row = QHBoxLayout(self.encoding_row)
        enc_row.setContentsMargins(0, 0, 0, 0)
        enc_row.addWidget(self.encoding_combo, 1)
        enc_row.addWidget(self.compare_button)
        oform.addRow(self.encoding_label, self.encoding_row)

        self.where_edit = QLineEdit(self.spec.where or "")
        self.where_edit.setObjectName("whereEdit")
        self.where_edit.setPlaceholderText("fclass IN ('park','forest')")
        self.test_button = QPushButton(self.tr("Test"))
        self.test_button.setObjectName("testFilterButton")
        self.test_button.clicked.connect(self.test_filter)
        row = QHBoxLayout()
        row.addWidget(self.where_edit, 1)
        row.addWidget(self.test_button)
        self.where_row = QWidget()
        self.where_row.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self.where_label = QLabel(self.tr("Filter:"))
        oform.addRow(self.where_label, self.where_row)
        self.filter_result = QLabel()
        self.filter_result.setObjectName("filterResult")
        self.filter_result.setWordWrap(True)
        oform.addRow("", self.filter_result)

        self.band_spin = QSpinBox()
        self.band_spin.setObjectName("bandSpin")
        self.band_spin.setRange(1, max(1, self.facts.band_count or 1))
        self.band_spin.setValue(self.spec.band or 1)
        self.band_label = QLabel(self.tr("Band:"))
        oform.addRow(self.band_label, self.band_spin)

        self.classes_button = QPushButton(self.tr("Class mapping…"))
        self.classes_button.setObjectName("classMappingButton")
        self.classes_button.clicked.connect(self.open_class_mapping)
        lay.addWidget(self.classes_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)

        self._fill_roles()
        self.role_combo.currentIndexChanged.connect(self._role_changed)
        self._show_kind()
        self._role_changed()

    # ------------------------------------------------------------------ binding
    def _role_label(self, role_id: str) -> str:
        r = ROLES[role_id]
        return r.zh if current_language() == "zh" else r.en

    def _fill_roles(self) -> None:
        self.role_combo.clear()
        self.role_combo.addItem(self.tr("(reference layer, no role)"), None)
        offered = roles_for(self.facts)
        for rid in offered:
            self.role_combo.addItem(self._role_label(rid), rid)
        if self.spec.role and self.spec.role not in offered:  # the present (wrong) role stays choosable
            self.role_combo.addItem(self.tr("{0} (does not fit this layer)").format(self._role_label(self.spec.role)),
                                    self.spec.role)
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(self.spec.role)))

    def _show_kind(self) -> None:
        f = self.facts
        if f.error:
            text = f.error
        elif f.raster:
            text = self.tr("Raster, {0} band(s)").format(f.band_count)
        else:
            text = self.tr("Vector, geometry {0}, {1} field(s)").format(f.geometry_type or "?", len(f.fields))
        self.facts_label.setText(text)
        vector = not f.raster
        for w in (self.encoding_label, self.encoding_row):
            w.setVisible(f.shapefile)
        for w in (self.where_label, self.where_row, self.filter_result):
            w.setVisible(vector)
        for w in (self.band_label, self.band_spin):
            w.setVisible(f.raster)

    def role(self) -> str | None:
        return self.role_combo.currentData()

    def _role_changed(self, *_args) -> None:
        keep = self.mapping() if self.field_combos else dict(self.spec.fields)
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)
        self.field_combos.clear()
        role = ROLES.get(self.role() or "")
        fields = role.fields if role is not None and not role.is_raster else ()
        self.fields_box.setVisible(bool(fields))
        for fs in fields:
            combo = QComboBox()
            combo.setObjectName(f"fieldCombo_{fs.name}")
            default = fs.name if fs.name in self.facts.fields else ""
            combo.addItem(self.tr("(default: {0}, not in the file)").format(fs.name) if not default
                          else self.tr("{0} (default)").format(fs.name), "")
            for name in self.facts.fields:
                if name == default:
                    continue
                samples = self.facts.samples.get(name, [])
                combo.addItem(f"{name}    {'，'.join(samples)}" if samples else name, name)
            mapped = keep.get(fs.name, "")
            combo.setCurrentIndex(max(0, combo.findData(mapped)) if mapped else 0)
            zh = fs.zh if current_language() == "zh" else fs.name
            label = f"{zh} ({fs.name}){' *' if fs.required else ''}"
            self.fields_form.addRow(label, combo)
            self.field_combos[fs.name] = combo
        self.classes_button.setVisible((self.role() or "") in ("land_use", "green_space"))

    def mapping(self) -> dict[str, str]:
        """``{role field: file field}`` as chosen (defaults left out)."""
        return {k: c.currentData() for k, c in self.field_combos.items() if c.currentData()}

    def map_field(self, role_field: str, file_field: str) -> None:
        """Pick ``file_field`` for ``role_field`` (what a click in its combo does)."""
        combo = self.field_combos[role_field]
        combo.setCurrentIndex(combo.findData(file_field))

    def compare_encodings(self, *, accept: bool | None = None) -> QDialog:
        """The side-by-side preview of the add-layer dialog; the encoding picked there is set here.

        ``accept`` (tests): close the preview at once, accepting (True) or not (False).
        """
        from PySide6.QtWidgets import QDialogButtonBox

        from greenplan.gui.dialogs.add_layer_dialog import EncodingPreview

        dialog = QDialog(self)
        dialog.setObjectName("encodingCompareDialog")
        dialog.setWindowTitle(self.tr("Compare encodings"))
        lay = QVBoxLayout(dialog)
        dialog.preview = EncodingPreview(dialog)
        from greenplan.app.layer_props import source_path

        current = (self.encoding_combo.currentData() or "").upper()
        dialog.preview.load(source_path(self.spec, self.folder), current)
        lay.addWidget(dialog.preview)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        lay.addWidget(buttons)
        dialog.resize(820, 420)
        if accept is None:
            ok = dialog.exec() == QDialog.DialogCode.Accepted
        else:
            ok = accept
        chosen = dialog.preview.selected() if ok else None
        if chosen:
            value = chosen.lower()
            i = self.encoding_combo.findData(value)
            if i < 0:
                self.encoding_combo.addItem(value, value)
                i = self.encoding_combo.count() - 1
            self.encoding_combo.setCurrentIndex(i)
        return dialog

    def _encoding_changed(self, *_args) -> None:
        self.facts = layer_facts(self.spec, self.folder, encoding=self.encoding_combo.currentData() or "")
        self._show_kind()
        self._role_changed()

    def source_crs(self) -> str | None:
        text = self.crs_combo.currentText().strip()
        if self.crs_combo.currentIndex() == 0 and text == self.crs_combo.itemText(0):
            return None
        return text or None

    def values(self) -> LayerProps:
        """What the dialog shows, as a :class:`LayerProps`."""
        return dataclasses.replace(
            self.props, name=self.name_edit.text(), role=self.role(), fields=self.mapping(),
            source_crs=self.source_crs(),
            encoding=self.encoding_combo.currentData() if self.facts.shapefile else self.props.encoding,
            where=self.where_edit.text() if not self.facts.raster else self.props.where,
            band=(self.band_spin.value() if (self.band_spin.value() != 1 or self.props.band) else None)
            if self.facts.raster else self.props.band)

    # ------------------------------------------------------------------ actions
    def test_filter(self) -> None:
        """Count the features the filter keeps (a worker for a big file); the count or the error shows."""
        where = self.where_edit.text()
        enc = self.encoding_combo.currentData() if self.facts.shapefile else None
        spec, folder = self.spec, self.folder

        def count(_fb=None) -> int:
            return count_matching(spec, where, folder, encoding=enc)

        try:
            size = source_path(spec, folder).stat().st_size
        except OSError:
            size = 0
        if size > _QUICK_BYTES and self.start_worker is not None:
            self.filter_result.setText(self.tr("Counting…"))
            self.test_button.setEnabled(False)
            self.start_worker(count, "filter", self._show_count, self._show_count_error)
            return
        try:
            n = count()
        except Exception as exc:  # noqa: BLE001 - shown, never raised
            self._show_count_error(exc)
        else:
            self._show_count(n)

    def _show_count(self, n: int) -> None:
        self.test_button.setEnabled(True)
        total = self._total()
        self.filter_result.setStyleSheet("color: #060;")
        self.filter_result.setText(self.tr("{0} of {1} features match.").format(n, total) if total is not None
                                   else self.tr("{0} features match.").format(n))

    def _total(self) -> int | None:
        try:
            import pyogrio

            kw = {"layer": self.spec.layer} if self.spec.layer else {}
            return int(pyogrio.read_info(source_path(self.spec, self.folder), **kw)["features"])
        except Exception:  # noqa: BLE001
            return None

    def _show_count_error(self, exc: BaseException) -> None:
        from greenplan.core.errors import GreenplanError

        self.test_button.setEnabled(True)
        self.filter_result.setStyleSheet("color: #a00;")
        self.filter_result.setText(exc.bilingual() if isinstance(exc, GreenplanError) else f"{type(exc).__name__}: {exc}")

    def open_class_mapping(self):
        from greenplan.gui.dialogs.class_mapping_dialog import open_class_mapping

        self.class_mapping_dialog = open_class_mapping(self.model, self.key, self, self.start_worker)
        return self.class_mapping_dialog

    def apply(self) -> None:
        """Check the source CRS, apply every change as one undoable command, reload, close."""
        from greenplan.core.errors import GreenplanError
        from greenplan.io.crs import parse_source_crs

        props = self.values()
        text = props.source_crs
        if text:
            try:
                parse_source_crs(text, path=self.spec.source, layer=self.spec.layer)
            except GreenplanError as exc:
                self.crs_error.setText(exc.bilingual())
                self.crs_error.show()
                self.crs_combo.setFocus()
                return
        self.crs_error.hide()
        apply_layer_props(getattr(self.model, "state", self.model), self.key, props, reload=self.reload)
        self.accept()


def open_layer_properties(model, key: int, parent=None, reload: Callable[[int], Any] | None = None,
                          start_worker: Callable[..., Any] | None = None) -> LayerPropertiesDialog:
    """Open the dialog for layer ``key`` (not blocking)."""
    dialog = LayerPropertiesDialog(model, key, parent, reload, start_worker)
    dialog.open()
    return dialog
