"""The style editor: fill, edge, width, opacity, hatch and line style of one layer.

Each control writes the key it edits into the layer's project style
(``model.set_style``), which the canvas draws at once and the project saves; the keys
are those of the shared style definition (``greenplan.render.styles``), so exported maps
look the same. Only keys the planner touched are written, so the role's defaults still
apply to the rest; "Default" removes the layer's own style.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
)

from greenplan.gui.project_model import ProjectModel

#: project-style keys written by this editor (those of render.styles.LayerStyle)
KEY_FILL, KEY_EDGE, KEY_WIDTH, KEY_ALPHA, KEY_HATCH, KEY_DASH = "fill", "edge", "width", "alpha", "hatch", "linestyle"
HATCHES = ["", "/", "\\", "|", "-", "+", "x", "."]
DASHES = ["solid", "--", ":", "-."]


def _hex(rgba) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgba[:3]) if rgba else ""


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
        self.color = color or ""
        pm = QPixmap(36, 16)
        pm.fill(QColor(self.color) if self.color else QColor(0, 0, 0, 0))
        self.setIcon(QIcon(pm))
        self.setText(self.color or self.tr("none"))
        if emit:
            self.color_changed.emit(self.color)

    def _pick(self) -> None:
        self._dialog = QColorDialog(QColor(self.color or "#ffffff"), self)
        self._dialog.colorSelected.connect(lambda c: self.set_color(c.name()))
        self._dialog.open()


class StyleDialog(QDialog):
    """Edits the style of layer ``key`` of ``model`` (changes apply at once)."""

    def __init__(self, model: ProjectModel, key: int, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("styleDialog")
        self.model = model
        self.key = key
        entry = model.entry(key)
        self.original = dict(entry.spec.style)
        self.touched: dict[str, object] = {}
        st = entry.display.style if entry.display is not None else None
        current = entry.spec.style
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
        # the patterns offered, plus the layer's own when it is another one (a map style's "||",
        # a denser "////"): shown as it is, never an error
        self.hatches = list(HATCHES)
        hatch = str(current.get(KEY_HATCH, (st.hatch if st else "")) or "")
        if hatch not in self.hatches:
            self.hatches.append(hatch)
        self.hatch_combo.addItems([h * 4 if h else "—" for h in self.hatches])  # "||" (denser) shows as 8 bars
        self.hatch_combo.setCurrentIndex(self.hatches.index(hatch))
        self.dash_combo.addItems(["———", "— — —", "· · · ·", "— · —"])
        dash = current.get(KEY_DASH, "solid")
        self.dash_combo.setCurrentIndex(DASHES.index(dash) if dash in DASHES else 0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.form = QFormLayout()
        self.labels = [QLabel() for _ in range(6)]
        # each control in its own row, with what belongs to it beside it: "No fill" by the
        # fill colour, the percentage by the opacity slider (not in rows of their own)
        fill_row, alpha_row = QHBoxLayout(), QHBoxLayout()
        fill_row.addWidget(self.fill_button, 1)
        fill_row.addWidget(self.no_fill)
        alpha_row.addWidget(self.alpha_slider, 1)
        self.alpha_label.setMinimumWidth(self.alpha_label.fontMetrics().horizontalAdvance("100%") + 4)
        self.alpha_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        alpha_row.addWidget(self.alpha_label)
        for label, field in zip(self.labels, (fill_row, self.edge_button, self.width_spin, alpha_row,
                                              self.hatch_combo, self.dash_combo), strict=True):
            self.form.addRow(label, field)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.buttons)
        # widget -> model
        self.fill_button.color_changed.connect(lambda c: self._set(KEY_FILL, c or "none"))
        self.edge_button.color_changed.connect(lambda c: self._set(KEY_EDGE, c or "none"))
        self.no_fill.clicked.connect(lambda: self.fill_button.set_color(""))
        self.width_spin.valueChanged.connect(lambda v: self._set(KEY_WIDTH, round(float(v), 2)))
        self.alpha_slider.valueChanged.connect(lambda v: self._set(KEY_ALPHA, round(v / 100.0, 2)))
        self.hatch_combo.currentIndexChanged.connect(lambda i: self._set(KEY_HATCH, self.hatches[i] or None))
        self.dash_combo.currentIndexChanged.connect(lambda i: self._set(KEY_DASH, DASHES[i] if i else None))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        self.retranslate()

    def retranslate(self) -> None:
        name = self.model.entry(self.key).spec.name
        self.setWindowTitle(self.tr("Style: {0}").format(name))
        for label, text in zip(self.labels, (self.tr("Fill colour"), self.tr("Edge colour"), self.tr("Edge width (pt)"),
                                             self.tr("Opacity"), self.tr("Hatch"), self.tr("Line style")), strict=True):
            label.setText(text)
        self.no_fill.setText(self.tr("No fill"))
        self.alpha_label.setText(f"{self.alpha_slider.value()}%")

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _set(self, key: str, value) -> None:
        self.touched[key] = value
        self.alpha_label.setText(f"{self.alpha_slider.value()}%")
        style = {**self.model.entry(self.key).spec.style, **self.touched}
        if value is None:
            style.pop(key, None)
        self.model.set_style(self.key, style)

    def restore_defaults(self) -> None:
        self.touched.clear()
        self.model.set_style(self.key, {})

    def reject(self) -> None:
        """Cancel puts the style back as it was when the editor opened."""
        self.model.set_style(self.key, self.original)
        super().reject()
