"""The identify panel: the attributes of the feature clicked with the identify tool, and the
values of the visible rasters (NDVI, DSM ...) at that point."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from greenplan.app.map_tools import Hit, format_area, format_length, format_number, format_value
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
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.tree)
        self.hit: Hit | None = None
        self._layer = ""
        self._role = None
        self._rasters: list = []
        self.retranslate()

    def retranslate(self) -> None:
        self.tree.setHeaderLabels([self.tr("Field"), self.tr("Value")])
        if self.hit is not None:
            self.show_hit(self._layer, self._role, self.hit, self._rasters)
        elif self._rasters:
            self.show_rasters(self._rasters)
        else:
            self.title.setText(self.tr("Click a feature on the map with the identify tool."))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def clear(self) -> None:
        self.hit = None
        self._rasters = []
        self.tree.clear()
        self.retranslate()

    def _raster_items(self, rasters: list) -> list[QTreeWidgetItem]:
        items = []
        for name, sample in rasters:
            for band, value in enumerate(sample.values, start=1):
                label = name if len(sample.values) == 1 else self.tr("{0}, band {1}").format(name, band)
                items.append(QTreeWidgetItem([label, self.tr("(no data)") if value is None else format_number(value)]))
        return items

    def show_rasters(self, rasters: list) -> None:
        """Only raster values (no feature under the point): ``[(layer name, RasterSample)]``."""
        self.hit, self._rasters = None, list(rasters)
        self.title.setText("<b>" + self.tr("Raster values at this point") + "</b>")
        self.tree.clear()
        self.tree.addTopLevelItems(self._raster_items(self._rasters))
        self.tree.resizeColumnToContents(0)

    def show_hit(self, layer_name: str, role, hit: Hit, rasters: list = ()) -> None:
        """Show ``hit`` (from :func:`greenplan.app.map_tools.identify`), then the values of
        ``rasters`` (``[(layer name, RasterSample)]``) at the same point."""
        self.hit, self._layer, self._role, self._rasters = hit, layer_name, role, list(rasters)
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
        items += self._raster_items(self._rasters)
        self.tree.addTopLevelItems(items)
        self.tree.resizeColumnToContents(0)

    def values(self) -> dict[str, str]:
        """Field -> shown value (for tests and copying)."""
        out = {}
        for i in range(self.tree.topLevelItemCount()):
            it = self.tree.topLevelItem(i)
            out[it.text(0)] = it.text(1)
        return out
