"""The style editor of one layer: symbol (单一符号 / 分类 / 分级) and labels (标注).

The dialog edits a copy of the layer's project style (the keys of the shared style
definition, ``greenplan.render.styles``, so exported maps look the same). Each change shows
on the map at once (``model.preview_style``, no undo step); Apply and OK write it with one
``model.set_style``: one undo step each; Cancel shows the style as last applied again. The classes of a categorised
or graduated style are made by :mod:`greenplan.app.symbology` (the 分类 button); a township
choropleth grades the admin units by an indicator the indicators dock computed. Only keys
the planner touched are written, so the role's defaults still apply to the rest; "Default"
removes the layer's own style.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from greenplan.app import symbology
from greenplan.gui.project_model import ProjectModel

#: project-style keys written by this editor (those of render.styles.LayerStyle)
KEY_FILL, KEY_EDGE, KEY_WIDTH, KEY_ALPHA, KEY_HATCH, KEY_DASH = "fill", "edge", "width", "alpha", "hatch", "linestyle"
HATCHES = ["", "/", "\\", "|", "-", "+", "x", "."]
DASHES = ["solid", "--", ":", "-."]
RENDERERS = ["single", "categorized", "graduated"]
METHODS = list(symbology.METHOD_NAMES)
RAMPS = ["YlGn", "Greens", "YlOrRd", "Blues", "RdYlGn", "viridis"]


def _hex(rgba) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgba[:3]) if rgba else ""


def _icon(colour: str, w: int = 36, h: int = 16) -> QIcon:
    pm = QPixmap(w, h)
    pm.fill(QColor(colour) if colour else QColor(0, 0, 0, 0))
    return QIcon(pm)


class ColorButton(QPushButton):
    """A button showing a colour; clicking opens a colour dialog (not blocking)."""

    color_changed = Signal(str)

    def __init__(self, color: str = "", parent=None) -> None:
        super().__init__(parent)
        self.color = ""
        self.set_color(color, emit=False)
        self.clicked.connect(self._pick)
        self._dialog: QColorDialog | None = None

    def set_color(self, color: str, emit: bool = True) -> None:
        self.color = "" if (color or "").lower() == "none" else (color or "")
        self.setIcon(_icon(self.color))
        self.setText(self.color or self.tr("none"))
        if emit:
            self.color_changed.emit(self.color)

    def _pick(self) -> None:
        self._dialog = QColorDialog(QColor(self.color or "#ffffff"), self)
        self._dialog.colorSelected.connect(lambda c: self.set_color(c.name()))
        self._dialog.open()


class StyleDialog(QDialog):
    """Edits the style of layer ``key`` of ``model``; Apply / OK write it (one undo step).

    ``indicators``: the indicators dock's ``indicators.json`` document (None: not computed),
    whose township indicators the admin units can be graduated by.
    """

    def __init__(self, model: ProjectModel, key: int, parent=None, indicators: dict | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("styleDialog")
        self.model = model
        self.key = key
        self.indicators = indicators
        entry = model.entry(key)
        self.pending: dict[str, object] = dict(entry.spec.style)
        self.applied: dict[str, object] = dict(entry.spec.style)  # what undo of the next Apply returns to
        self.classes: list[dict] = list(self.pending.get("classes") or [])
        st = entry.display.style if entry.display is not None else None
        current = entry.spec.style
        shared = self._shared()
        if not self.classes and shared is not None and shared.categorized:
            # the role's own classes (land use by the code table): shown, written once edited
            self.classes = [{"values": list(c.values), "fill": c.fill or "", "label": c.label}
                            if c.bounds is None else {"min": c.bounds[0], "max": c.bounds[1], "fill": c.fill or "",
                                                      "label": c.label} for c in shared.categories]
        self.tabs = QTabWidget()
        symbol_page, label_page = QWidget(), QWidget()
        self.tabs.addTab(symbol_page, "")
        self.tabs.addTab(label_page, "")

        # -- single symbol (for classified layers: outline, opacity and the fill of 其他)
        self.renderer_combo = QComboBox()
        self.renderer_combo.addItems(["", "", ""])
        renderer = str(current.get("renderer") or ("categorized" if shared is not None and shared.categorized else "single"))
        self.renderer_combo.setCurrentIndex(RENDERERS.index(renderer) if renderer in RENDERERS else 0)
        self.fill_button = ColorButton(str(current.get(KEY_FILL) or _hex(st.fill if st else None)))
        self.edge_button = ColorButton(str(current.get(KEY_EDGE) or _hex(st.edge if st else None)))
        self.no_fill = QPushButton()
        self.width_spin = QDoubleSpinBox(decimals=2, minimum=0.0, maximum=20.0, singleStep=0.1)
        self.width_spin.setValue(float(current.get(KEY_WIDTH, (st.width_px / (96 / 72)) if st else 0.5)))
        self.alpha_slider = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=100)
        alpha = current.get(KEY_ALPHA)
        if alpha is None and st is not None:
            a = (st.fill or st.edge or (0, 0, 0, 255))[3]
            alpha = a / 255.0
        self.alpha_slider.setValue(int(round(100 * float(alpha if alpha is not None else 1.0))))
        self.alpha_label = QLabel()
        self.hatch_combo = QComboBox()
        self.dash_combo = QComboBox()
        # the patterns offered, plus the layer's own when it is another one (a map style's "||")
        self.hatches = list(HATCHES)
        hatch = str(current.get(KEY_HATCH, (st.hatch if st else "")) or "")
        if hatch not in self.hatches:
            self.hatches.append(hatch)
        self.hatch_combo.addItems([h * 4 if h else "—" for h in self.hatches])
        self.hatch_combo.setCurrentIndex(self.hatches.index(hatch))
        self.dash_combo.addItems(["———", "— — —", "· · · ·", "— · —"])
        dash = current.get(KEY_DASH, "solid")
        self.dash_combo.setCurrentIndex(DASHES.index(dash) if dash in DASHES else 0)

        # -- classes (categorised / graduated)
        self.field_combo = QComboBox()
        self.method_combo = QComboBox()
        self.method_combo.addItems(["", "", "", ""])
        self.method_combo.setCurrentIndex(METHODS.index(str(current.get("method", "natural"))))
        self.count_spin = QSpinBox(minimum=2, maximum=12, value=max(2, len(self.classes) or 5))
        self.breaks_edit = QLineEdit()
        self.breaks_edit.setPlaceholderText("10, 20, 30")
        if current.get("method") == "manual" and current.get("breaks"):
            self.breaks_edit.setText(", ".join(f"{b:g}" for b in list(current["breaks"])[1:-1]))
        self.ramp_combo = QComboBox()
        self.ramp_combo.addItems(RAMPS)
        ramp = str(current.get("cmap", symbology.DEFAULT_RAMP))
        self.ramp_combo.setCurrentIndex(RAMPS.index(ramp) if ramp in RAMPS else 0)
        self.classify_button = QPushButton()
        self.class_table = QTableWidget(0, 4)
        self.class_table.setObjectName("styleClasses")  # the legend's class labels: map text, as in the layer panel
        self.class_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.class_table.verticalHeader().setVisible(False)
        self.class_table.horizontalHeader().setStretchLastSection(True)
        self._fill_fields()

        self.renderer_form = QFormLayout()
        self.renderer_label = QLabel()
        self.renderer_form.addRow(self.renderer_label, self.renderer_combo)
        self.form = QFormLayout()
        self.labels = [QLabel() for _ in range(10)]
        fill_row, alpha_row = QHBoxLayout(), QHBoxLayout()
        fill_row.addWidget(self.fill_button, 1)
        fill_row.addWidget(self.no_fill)
        alpha_row.addWidget(self.alpha_slider, 1)
        self.alpha_label.setMinimumWidth(self.alpha_label.fontMetrics().horizontalAdvance("100%") + 4)
        self.alpha_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        alpha_row.addWidget(self.alpha_label)
        method_row = QHBoxLayout()
        method_row.addWidget(self.method_combo, 1)
        method_row.addWidget(self.count_spin)
        method_row.addWidget(self.classify_button)
        self.rows = (fill_row, self.edge_button, self.width_spin, alpha_row, self.hatch_combo,
                     self.dash_combo, self.field_combo, method_row, self.breaks_edit, self.ramp_combo)
        for label, field in zip(self.labels, self.rows, strict=False):
            self.form.addRow(label, field)
        sym = QVBoxLayout(symbol_page)
        sym.addLayout(self.renderer_form)
        sym.addLayout(self.form)
        sym.addWidget(self.class_table, 1)

        # -- labels
        self.label_field_combo = QComboBox()
        self.label_field_combo.addItem("—", "")
        for name in self._columns():
            self.label_field_combo.addItem(name, name)
        lf = str(current.get("label_field", shared.label_field if shared is not None else ""))
        self.label_field_combo.setCurrentIndex(max(0, self.label_field_combo.findData(lf)))
        self.label_size_spin = QDoubleSpinBox(decimals=1, minimum=4.0, maximum=48.0, singleStep=0.5)
        self.label_size_spin.setValue(float(current.get("label_size", shared.label_size if shared is not None else 9.0)))
        self.halo_check = QCheckBox()
        self.halo_check.setChecked(bool(current.get("label_halo", True)))
        self.label_form = QFormLayout(label_page)
        self.label_labels = [QLabel() for _ in range(3)]
        for label, field in zip(self.label_labels, (self.label_field_combo, self.label_size_spin, self.halo_check),
                                strict=True):
            self.label_form.addRow(label, field)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Apply
                                        | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        lay.addWidget(self.buttons)

        # widget -> pending style
        self.fill_button.color_changed.connect(lambda c: self._set(KEY_FILL, c or "none"))
        self.edge_button.color_changed.connect(lambda c: self._set(KEY_EDGE, c or "none"))
        self.no_fill.clicked.connect(lambda: self.fill_button.set_color(""))
        self.width_spin.valueChanged.connect(lambda v: self._set(KEY_WIDTH, round(float(v), 2)))
        self.alpha_slider.valueChanged.connect(lambda v: self._set(KEY_ALPHA, round(v / 100.0, 2)))
        self.hatch_combo.currentIndexChanged.connect(lambda i: self._set(KEY_HATCH, self.hatches[i] or None))
        self.dash_combo.currentIndexChanged.connect(lambda i: self._set(KEY_DASH, DASHES[i] if i else None))
        self.renderer_combo.currentIndexChanged.connect(self._renderer_changed)
        self.field_combo.currentIndexChanged.connect(lambda _i: self.classify())
        self.method_combo.currentIndexChanged.connect(lambda _i: self._update_rows())
        self.classify_button.clicked.connect(self.classify)
        self.class_table.cellDoubleClicked.connect(self._pick_class_colour)
        self.class_table.itemChanged.connect(self._class_label_edited)
        self.label_field_combo.currentIndexChanged.connect(
            lambda _i: self._set("label_field", self.label_field_combo.currentData() or ""))
        self.label_size_spin.valueChanged.connect(lambda v: self._set("label_size", round(float(v), 1)))
        self.halo_check.toggled.connect(lambda on: self._set("label_halo", bool(on)))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        self.retranslate()
        self._show_counts()
        self._update_rows()

    # ------------------------------------------------------------------ helpers
    def _entry(self):
        return self.model.entry(self.key)

    def _shared(self, style: dict | None = None):
        from greenplan.core.errors import GreenplanError
        from greenplan.render.styles import resolve_style

        e = self._entry()
        try:
            return resolve_style(e.spec.role or "reference", dict(self.pending if style is None else style),
                                 code_system=self.model.project.settings.code_system)
        except GreenplanError:
            return None

    def _columns(self, numeric: bool = False) -> list[str]:
        gdf = self._entry().gdf
        if gdf is None:
            return []
        import pandas as pd

        return [str(c) for c in gdf.columns if c != gdf.geometry.name
                and (not numeric or pd.api.types.is_numeric_dtype(gdf[c]))]

    def renderer(self) -> str:
        return RENDERERS[self.renderer_combo.currentIndex()]

    def _fill_fields(self) -> None:
        """The fields to classify by: every field (categorised), numeric fields and the
        computed township indicators of the admin units (graduated)."""
        self.field_combo.blockSignals(True)
        self.field_combo.clear()
        graduated = self.renderer() == "graduated"
        for name in self._columns(numeric=graduated):
            self.field_combo.addItem(name, f"field:{name}")
        if graduated and self._entry().spec.role == "admin_units" and self.indicators:
            from greenplan.analysis.wording import indicator_name

            for key in symbology.indicator_keys(self.indicators):
                self.field_combo.addItem(self.tr("Indicator: {0}").format(indicator_name(key)), f"indicator:{key}")
        want = f"indicator:{self.pending['indicator']}" if self.pending.get("indicator") else \
            f"field:{self.pending.get('field') or getattr(self._shared(), 'field', '')}"
        idx = self.field_combo.findData(want)
        self.field_combo.setCurrentIndex(idx if idx >= 0 else 0)
        self.field_combo.blockSignals(False)

    def _update_rows(self) -> None:
        """Rows of the chosen renderer only: field for classes, method and ramp for graduated."""
        r = self.renderer()
        graduated = r == "graduated"
        manual = graduated and METHODS[self.method_combo.currentIndex()] == "manual"
        for i, visible in ((6, r != "single"), (7, graduated), (8, manual), (9, graduated)):
            self.form.setRowVisible(i, visible)
        self.class_table.setVisible(r != "single")

    def _set(self, key: str, value) -> None:
        self.alpha_label.setText(f"{self.alpha_slider.value()}%")
        if value is None:
            self.pending.pop(key, None)
        else:
            self.pending[key] = value
        self.preview()

    def preview(self) -> None:
        """Show the edited style on the map now (no undo step; a bad value is not shown)."""
        from greenplan.core.errors import GreenplanError

        try:
            self.model.preview_style(self.key, dict(self.pending))
        except GreenplanError:
            pass  # Apply / OK say why

    # ------------------------------------------------------------------ classes
    def _renderer_changed(self, _i: int) -> None:
        self._fill_fields()
        self._update_rows()
        if self.renderer() == "single":
            self.classes = []
            self.pending = symbology.with_renderer(self.pending, {"renderer": "single"})
            self._show_counts()
            self.preview()
        else:
            self.classify()

    def classify(self) -> None:
        """Make the classes of the chosen field (or indicator) and method (the 分类 button)."""
        from greenplan.core.errors import GreenplanError
        from greenplan.gui.errors import show_error

        data = self.field_combo.currentData()
        r = self.renderer()
        if r == "single" or not data:
            return
        kind, name = str(data).split(":", 1)
        e = self._entry()
        method = METHODS[self.method_combo.currentIndex()]
        manual = None
        try:
            if method == "manual":
                manual = [float(t) for t in self.breaks_edit.text().replace("，", ",").split(",") if t.strip()]
            if r == "categorized":
                values = e.gdf[name].to_numpy() if e.gdf is not None else []
                keys = {"renderer": "categorized", "field": name,
                        "classes": symbology.categorized_classes(values, e.spec.role, name,
                                                                  self.model.project.settings.code_system)}
            elif kind == "indicator":
                keys = symbology.choropleth_style(self.indicators or {}, name, method, self.count_spin.value(),
                                                  self.ramp_combo.currentText(), manual)
            else:
                keys = symbology.graduated_style(e.gdf[name].to_numpy(), name, method, self.count_spin.value(),
                                                 self.ramp_combo.currentText(), manual)
        except ValueError:
            self.breaks_edit.setFocus()
            return
        except GreenplanError as exc:
            show_error(self, exc)
            return
        self.pending = symbology.with_renderer(self.pending, keys)
        self.classes = list(keys["classes"])
        self._show_counts()
        self.preview()

    def _show_counts(self) -> None:
        """The class list: swatch, value or range, label, number of features."""
        e = self._entry()
        style = self.pending if self.pending.get("classes") else {k: v for k, v in self.pending.items()
                                                                   if k not in ("renderer", "classes")}
        counts = symbology.class_counts(style, e.spec.role, e.gdf, self.model.project.settings.code_system) \
            if self.classes else []
        self.class_table.blockSignals(True)
        self.class_table.setRowCount(len(self.classes))
        for i, c in enumerate(self.classes):
            if "min" in c:
                value = " – ".join(symbology.number_text(float(c[k]), float(c["max"]) - float(c["min"]))
                                   for k in ("min", "max"))
            else:
                vals = c.get("values") or [c.get("value", "")]
                value = ", ".join(str(v) for v in vals[:4]) + ("…" if len(vals) > 4 else "")
            swatch = QTableWidgetItem()
            swatch.setIcon(_icon(str(c.get("fill") or "")))
            swatch.setFlags(Qt.ItemFlag.ItemIsEnabled)
            val = QTableWidgetItem(value)
            val.setFlags(Qt.ItemFlag.ItemIsEnabled)
            lab = QTableWidgetItem(str(c.get("label", "")))
            n = QTableWidgetItem(f"{counts[i]:,}" if i < len(counts) else "")
            n.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for col, item in enumerate((swatch, val, lab, n)):
                self.class_table.setItem(i, col, item)
        self.class_table.blockSignals(False)
        self.class_table.resizeColumnsToContents()

    def _pick_class_colour(self, row: int, col: int) -> None:
        if col != 0 or row >= len(self.classes):
            return
        self._colour_dialog = QColorDialog(QColor(str(self.classes[row].get("fill") or "#ffffff")), self)
        self._colour_dialog.colorSelected.connect(lambda c, r=row: self.set_class_colour(r, c.name()))
        self._colour_dialog.open()

    def set_class_colour(self, row: int, colour: str) -> None:
        self.classes[row] = {**self.classes[row], "fill": colour}
        self._classes_edited()
        self._show_counts()
        self.preview()

    def _class_label_edited(self, item: QTableWidgetItem) -> None:
        if item.column() == 2 and item.row() < len(self.classes):
            self.classes[item.row()] = {**self.classes[item.row()], "label": item.text()}
            self._classes_edited()
            self.preview()

    def _classes_edited(self) -> None:
        """A class's colour or label changed: the style holds its own class list from now on."""
        self.pending["classes"] = list(self.classes)
        if "renderer" not in self.pending:
            data = str(self.field_combo.currentData() or "")
            self.pending["renderer"] = self.renderer()
            if data.startswith("field:"):
                self.pending["field"] = data[6:]

    # ------------------------------------------------------------------ apply
    def apply(self) -> bool:
        """Write the edited style (one undo step); False when it has a bad value (shown)."""
        from greenplan.core.errors import GreenplanError
        from greenplan.gui.errors import show_error

        try:
            self.model.set_style(self.key, dict(self.pending), before=self.applied)
        except GreenplanError as exc:
            show_error(self, exc)
            return False
        self.applied = dict(self.model.entry(self.key).spec.style)
        return True

    def accept(self) -> None:
        if self.apply():
            super().accept()

    def restore_defaults(self) -> None:
        """The role's default style (one undo step); the editor closes."""
        self.pending = {}
        self.classes = []
        self.model.set_style(self.key, {}, before=self.applied)
        self.applied = {}
        self.done(QDialog.DialogCode.Accepted)

    def reject(self) -> None:
        """Cancel shows the style as it was last applied (as the editor opened, if never)."""
        from greenplan.core.errors import GreenplanError

        try:
            self.model.preview_style(self.key, dict(self.applied))
        except GreenplanError:
            pass
        super().reject()

    # ------------------------------------------------------------------ language
    def retranslate(self) -> None:
        name = self._entry().spec.name
        self.setWindowTitle(self.tr("Style: {0}").format(name))
        self.tabs.setTabText(0, self.tr("Symbology"))
        self.tabs.setTabText(1, self.tr("Labels"))
        for i, text in enumerate((self.tr("Single symbol"), self.tr("Categorized"), self.tr("Graduated"))):
            self.renderer_combo.setItemText(i, text)
        for i, text in enumerate((self.tr("Equal interval"), self.tr("Quantile"), self.tr("Natural breaks (Jenks)"),
                                  self.tr("Manual"))):
            self.method_combo.setItemText(i, text)
        self.renderer_label.setText(self.tr("Symbol"))
        for label, text in zip(self.labels, (
                self.tr("Fill colour"), self.tr("Edge colour"), self.tr("Edge width (pt)"),
                self.tr("Opacity"), self.tr("Hatch"), self.tr("Line style"), self.tr("Field"), self.tr("Method, classes"),
                self.tr("Breaks"), self.tr("Colour ramp")), strict=False):
            label.setText(text)
        for label, text in zip(self.label_labels, (self.tr("Label field"), self.tr("Size (pt)"),
                                                   self.tr("Halo")), strict=True):
            label.setText(text)
        self.halo_check.setText(self.tr("White halo around the text"))
        self.classify_button.setText(self.tr("Classify"))
        self.class_table.setHorizontalHeaderLabels([self.tr("Symbol"), self.tr("Value"), self.tr("Label"),
                                                    self.tr("Count")])
        self.no_fill.setText(self.tr("No fill"))
        self.alpha_label.setText(f"{self.alpha_slider.value()}%")
        # the renderer row lines up with the form under it (its own layout, above the symbol rows)
        self.renderer_label.setMinimumWidth(max(lb.sizeHint().width() for lb in self.labels))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
