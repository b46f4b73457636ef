"""Add a layer: file, layer inside it, name, role (guessed from the name) and encoding.

For a shapefile with Chinese text the detected encoding is shown (``io.encoding``, the
loader's own ladder: .cpg, DBF language byte, UTF-8 check, GB18030). When the detection
is uncertain, the first rows decoded as UTF-8, GBK and GB18030 are shown side by side
and the planner picks the readable one; the choice is stored as the layer's encoding.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from greenplan.app.dbf_preview import CANDIDATES, decode_preview
from greenplan.app.role_guess import layer_specs_for, non_spatial_reason
from greenplan.core.project import LayerSpec
from greenplan.core.roles import ROLES
from greenplan.gui.i18n import current_language
from greenplan.io.raster import RASTER_SUFFIXES

VECTOR_FILTER = "*.shp *.gpkg *.geojson *.json *.kml *.gml *.tab *.mif *.dxf *.zip"
RASTER_FILTER = " ".join(f"*{s}" for s in RASTER_SUFFIXES)


class EncodingPreview(QWidget):
    """Three tables (UTF-8, GBK, GB18030) of the same rows, one radio button each."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        self.tables: dict[str, QTableWidget] = {}
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for enc in CANDIDATES:
            col = QVBoxLayout()
            radio = QRadioButton(enc)
            radio.setObjectName(f"enc_{enc}")
            table = QTableWidget(objectName=f"preview_{enc}")
            table.setMinimumWidth(180)
            table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
            self.group.addButton(radio)
            self.radios[enc], self.tables[enc] = radio, table
            col.addWidget(radio)
            col.addWidget(table)
            lay.addLayout(col)

    def load(self, path: Path, selected: str) -> dict[str, int]:
        """Fill the tables from ``path``; returns the undecodable value count per encoding."""
        bad = {}
        for enc in CANDIDATES:
            names, rows, nbad = decode_preview(path, enc, 20)
            bad[enc] = nbad
            t = self.tables[enc]
            t.clear()
            t.setColumnCount(len(names))
            t.setRowCount(len(rows))
            t.setHorizontalHeaderLabels(names)
            for r, row in enumerate(rows):  # 20 rows at most
                for c, v in enumerate(row):
                    t.setItem(r, c, QTableWidgetItem(v))
            self.radios[enc].setText(enc + (f"  (✗ {nbad})" if nbad else "  ✓"))
        if selected in self.radios:
            self.radios[selected].setChecked(True)
        return bad

    def selected(self) -> str | None:
        for enc, radio in self.radios.items():
            if radio.isChecked():
                return enc
        return None


class AddLayerDialog(QDialog):
    """Choose a file and say what it is; :meth:`specs` gives the layers to add."""

    def __init__(self, start_dir: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("addLayerDialog")
        self.start_dir = start_dir
        self.path: Path | None = None
        self.candidates: list[LayerSpec] = []
        self.encoding_info = None
        self.path_edit = QLineEdit(objectName="pathEdit")
        self.browse = QPushButton()
        self.layer_combo = QComboBox(objectName="layerCombo")
        self.name_edit = QLineEdit(objectName="nameEdit")
        self.role_combo = QComboBox(objectName="roleCombo")
        self.encoding_label = QLabel(objectName="encodingLabel")
        self.encoding_label.setWordWrap(True)
        self.preview = EncodingPreview()
        self.encoding_box = QGroupBox()
        box_lay = QVBoxLayout(self.encoding_box)
        box_lay.addWidget(self.encoding_label)
        box_lay.addWidget(self.preview)
        self.encoding_box.hide()
        self.refusal_label = QLabel(objectName="refusalLabel")  # a file without geometry
        self.refusal_label.setWordWrap(True)
        self.refusal_label.setStyleSheet("color: #b00020;")
        self.refusal_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse)
        self.form = QFormLayout()
        self.form_labels = [QLabel() for _ in range(4)]
        for label, field in zip(self.form_labels, (row, self.layer_combo, self.name_edit, self.role_combo), strict=True):
            self.form.addRow(label, field)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.refusal_label)
        lay.addWidget(self.encoding_box)
        lay.addWidget(self.buttons)
        self.browse.clicked.connect(self._browse)
        self.path_edit.editingFinished.connect(lambda: self.set_path(self.path_edit.text()))
        self.layer_combo.currentIndexChanged.connect(self._layer_chosen)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Add layer"))
        self.browse.setText(self.tr("Browse…"))
        for label, text in zip(self.form_labels, (self.tr("File"), self.tr("Layer in file"), self.tr("Name"),
                                                  self.tr("Role")), strict=True):
            label.setText(text)
        self.encoding_box.setTitle(self.tr("Attribute encoding"))
        self._fill_roles(self.role_combo.currentData())

    def _fill_roles(self, current: str | None) -> None:
        """The roles offered: only those whose geometry fits the chosen layer (all before one is read)."""
        allowed = getattr(self, "allowed_roles", None)
        self.role_combo.clear()
        self.role_combo.addItem(self.tr("(reference layer, no role)"), None)
        zh = current_language() == "zh"
        for role in ROLES.values():
            if allowed is None or role.id in allowed:
                self.role_combo.addItem(role.zh if zh else role.en, role.id)
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(current)))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a layer file"), self.start_dir,
            self.tr("GIS data") + f" ({VECTOR_FILTER} {RASTER_FILTER});;" + self.tr("All files") + " (*)")
        if path:
            self.set_path(path)

    def set_path(self, path: str | Path) -> None:
        """Inspect ``path``: its layers, the guessed role and (shapefiles) the encoding."""
        path = Path(path)
        self.path = path
        self.path_edit.setText(str(path))
        reason = non_spatial_reason(path)
        self.refusal_label.setText("" if reason is None else reason[1] if current_language() == "zh" else reason[0])
        self.refusal_label.setVisible(reason is not None)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(reason is None)
        self.candidates = layer_specs_for(path) if path.exists() and reason is None else []
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        for spec in self.candidates:
            self.layer_combo.addItem(spec.layer or path.name, spec.layer)
        self.layer_combo.setEnabled(len(self.candidates) > 1)
        self.layer_combo.blockSignals(False)
        self._layer_chosen(0)
        self._inspect_encoding(path)

    def _layer_chosen(self, index: int) -> None:
        if not 0 <= index < len(self.candidates):
            return
        spec = self.candidates[index]
        self.name_edit.setText(spec.name)
        from greenplan.app.layer_props import layer_facts, roles_for

        try:  # the file's header and a few rows: raster roles for rasters, vector roles by geometry
            facts = layer_facts(spec, samples=0)
            self.allowed_roles = None if facts.error else set(roles_for(facts))
        except Exception:  # noqa: BLE001 - unreadable here: every role stays offered, loading reports why
            self.allowed_roles = None
        self._fill_roles(spec.role)

    def _inspect_encoding(self, path: Path) -> None:
        self.encoding_info = None
        if path.suffix.lower() not in (".shp", ".dbf") or not path.exists():
            self.encoding_box.hide()
            return
        from greenplan.io.encoding import detect_shapefile_encoding

        info = detect_shapefile_encoding(path)
        self.encoding_info = info
        if not info.non_ascii_bytes:
            self.encoding_box.hide()
            return
        chosen = info.encoding if info.encoding in CANDIDATES else "GB18030"
        self.preview.load(path, chosen)
        if info.uncertain:
            self.encoding_label.setText(self.tr("The encoding of this file is uncertain (detected {0}). "
                                                "Choose the column where the Chinese text reads correctly.")
                                        .format(info.encoding))
        else:
            self.encoding_label.setText(self.tr("Detected encoding: {0}.").format(info.encoding))
        self.encoding_box.show()

    def specs(self) -> list[LayerSpec]:
        """The layer to add, as chosen in the dialog."""
        if self.path is None or not self.candidates:
            return []
        i = max(0, self.layer_combo.currentIndex())
        base = self.candidates[i]
        encoding = None
        info = self.encoding_info
        if info is not None and info.non_ascii_bytes:
            chosen = self.preview.selected()
            if chosen and (info.uncertain or chosen != info.encoding):
                encoding = chosen.lower()
        return [LayerSpec(source=base.source.absolute(), layer=base.layer, name=self.name_edit.text().strip() or base.name,
                          role=self.role_combo.currentData(), encoding=encoding)]
