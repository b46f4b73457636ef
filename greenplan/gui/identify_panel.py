"""The identify panel: the attributes of the feature clicked with the identify tool."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from greenplan.gui.i18n import current_language
from greenplan.gui.map_tools import Hit, format_area, format_length


def format_value(value) -> str:
    """Attribute value as text (empty for null)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        import pandas as pd

        if value is pd.NaT or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


class IdentifyPanel(QWidget):
    """Layer name, role and one row per attribute (role fields labelled in Chinese)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("identifyPanel")
        self.title = QLabel(objectName="identifyTitle")
        self.title.setWordWrap(True)
        self.tree = QTreeWidget(objectName="identifyTree")
        self.tree.setColumnCount(2)
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.tree)
        self.hit: Hit | None = None
        self._layer = ""
        self._role = None
        self.retranslate()

    def retranslate(self) -> None:
        self.tree.setHeaderLabels([self.tr("Field"), self.tr("Value")])
        if self.hit is None:
            self.title.setText(self.tr("Click a feature on the map with the identify tool."))
        else:
            self.show_hit(self._layer, self._role, self.hit)

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def clear(self) -> None:
        self.hit = None
        self.tree.clear()
        self.retranslate()

    def show_hit(self, layer_name: str, role, hit: Hit) -> None:
        """Show ``hit`` (from :func:`greenplan.gui.map_tools.identify`)."""
        self.hit, self._layer, self._role = hit, layer_name, role
        zh = current_language() == "zh"
        role_text = (role.zh if zh else role.en) if role is not None else self.tr("reference layer")
        self.title.setText(f"<b>{layer_name}</b> ({role_text}) — " + self.tr("feature {0}").format(hit.row + 1))
        labels = {f.name: f.zh for f in role.fields} if (role is not None and zh) else {}
        self.tree.clear()
        items = []
        for name, value in hit.attributes.items():
            label = f"{name}（{labels[name]}）" if name in labels else name
            items.append(QTreeWidgetItem([label, format_value(value)]))
        geom = hit.geometry
        if geom is not None and geom.geom_type.endswith("Polygon"):
            items.append(QTreeWidgetItem([self.tr("(area)"), format_area(geom.area)]))
        elif geom is not None and "Line" in geom.geom_type:
            items.append(QTreeWidgetItem([self.tr("(length)"), format_length(geom.length)]))
        self.tree.addTopLevelItems(items)
        self.tree.resizeColumnToContents(0)

    def values(self) -> dict[str, str]:
        """Field -> shown value (for tests and copying)."""
        out = {}
        for i in range(self.tree.topLevelItemCount()):
            it = self.tree.topLevelItem(i)
            out[it.text(0)] = it.text(1)
        return out
