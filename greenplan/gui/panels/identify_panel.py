"""The identify panel: every visible layer's features at the point clicked with the identify
tool, grouped by layer (top first), and the values of the visible rasters (NDVI, DSM ...)
at that point."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from greenplan.app.map_tools import format_area, format_length, format_number, format_value
from greenplan.gui.i18n import current_language


class IdentifyPanel(QWidget):
    """Layer name, role and one row per attribute (role fields labelled in Chinese)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("identifyPanel")
        self.title = QLabel(objectName="identifyTitle")
        self.title.setWordWrap(True)
        self.tree = QTreeWidget(objectName="identifyTree")
        self.tree.setColumnCount(2)
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.tree)
        self.results: list = []  # [(layer name, role or None, LayerHits)]
        self.retranslate()

    def retranslate(self) -> None:
        self.tree.setHeaderLabels([self.tr("Field"), self.tr("Value")])
        if self.results:
            self.show_results(self.results)
        else:
            self.title.setText(self.tr("Click a feature on the map with the identify tool."))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def clear(self) -> None:
        self.results = []
        self.tree.clear()
        self.retranslate()

    def show_results(self, results: list) -> None:
        """Show ``[(layer name, role or None, LayerHits)]`` (from
        :func:`greenplan.app.map_tools.identify_all`): one branch per layer, one per feature."""
        self.results = list(results)
        zh = current_language() == "zh"
        n_features = sum(len(lh.hits) for _n, _r, lh in self.results)
        n_layers = sum(1 for _n, _r, lh in self.results if lh.hits)
        if n_features:
            self.title.setText("<b>" + self.tr("{0} features in {1} layers at this point").format(n_features, n_layers)
                               + "</b>")
        else:
            self.title.setText("<b>" + self.tr("Raster values at this point") + "</b>")
        self.tree.clear()
        for name, role, lh in self.results:
            if lh.raster_values is not None:
                self.tree.addTopLevelItems(self._raster_items(name, lh.raster_values))
                continue
            role_text = (role.zh if zh else role.en) if role is not None else self.tr("reference layer")
            top = QTreeWidgetItem([f"{name}（{role_text}）" if zh else f"{name} ({role_text})", str(len(lh.hits))])
            labels = {f.name: f.zh for f in role.fields} if (role is not None and zh) else {}
            for hit in lh.hits:
                node = QTreeWidgetItem([self.tr("feature {0}").format(hit.row + 1), ""])
                node.addChildren(self._feature_items(hit, labels))
                top.addChild(node)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)

    def _feature_items(self, hit, labels: dict[str, str]) -> list[QTreeWidgetItem]:
        items = []
        for name, value in hit.attributes.items():
            label = f"{name}（{labels[name]}）" if name in labels else name
            items.append(QTreeWidgetItem([label, format_value(value)]))
        geom = hit.geometry
        if geom is not None and geom.geom_type.endswith("Polygon"):
            items.append(QTreeWidgetItem([self.tr("(area)"), format_area(geom.area)]))
        elif geom is not None and "Line" in geom.geom_type:
            items.append(QTreeWidgetItem([self.tr("(length)"), format_length(geom.length)]))
        return items

    def _raster_items(self, name: str, values: tuple) -> list[QTreeWidgetItem]:
        items = []
        for band, value in enumerate(values, start=1):
            label = name if len(values) == 1 else self.tr("{0}, band {1}").format(name, band)
            items.append(QTreeWidgetItem([label, self.tr("(no data)") if value is None else format_number(value)]))
        return items

    def layers(self) -> list[tuple[str, list[dict[str, str]]]]:
        """Per layer shown: its title and, per feature, field -> shown value (tests, copying)."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            feats = []
            for j in range(top.childCount()):
                node = top.child(j)
                feats.append({node.child(k).text(0): node.child(k).text(1) for k in range(node.childCount())})
            out.append((top.text(0), feats))
        return out

    def values(self) -> dict[str, str]:
        """Field -> shown value of the topmost feature of each layer (the first one wins for a
        field shown twice), and each raster's value (for tests and copying)."""
        out: dict[str, str] = {}
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top.childCount() == 0:  # a raster value
                out.setdefault(top.text(0), top.text(1))
                continue
            node = top.child(0)
            for k in range(node.childCount()):
                out.setdefault(node.child(k).text(0), node.child(k).text(1))
        return out
