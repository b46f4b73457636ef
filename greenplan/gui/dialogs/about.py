"""The about box: what GreenPlan is and the versions of everything it runs on."""

from __future__ import annotations

import platform
import sys

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from greenplan import __version__
from greenplan.gui.icons import icon


def versions() -> dict[str, str]:
    """Name -> version of GreenPlan, Python, Qt and the geospatial libraries."""
    import PySide6
    from PySide6.QtCore import qVersion

    out = {"GreenPlan": __version__, "Python": platform.python_version(), "Qt": qVersion(),
           "PySide6": PySide6.__version__}
    for name, attr in (("numpy", "__version__"), ("pandas", "__version__"), ("shapely", "__version__"),
                       ("geopandas", "__version__"), ("pyogrio", "__version__"), ("pyproj", "__version__"),
                       ("rasterio", "__version__"), ("matplotlib", "__version__")):
        mod = sys.modules.get(name)
        if mod is None:
            try:
                mod = __import__(name)
            except ImportError:
                continue
        out[name] = str(getattr(mod, attr, "?"))
    try:
        import shapely

        out["GEOS"] = shapely.geos_version_string
    except (ImportError, AttributeError):
        pass
    try:
        import pyogrio

        out["GDAL"] = pyogrio.__gdal_version_string__
    except (ImportError, AttributeError):
        pass
    try:
        import pyproj

        out["PROJ"] = pyproj.proj_version_str
    except (ImportError, AttributeError):
        pass
    out["OS"] = f"{platform.system()} {platform.release()} ({platform.machine()})"
    return out


class AboutDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.logo = QLabel()
        self.logo.setPixmap(icon("app").pixmap(64, 64))
        self.text = QLabel(objectName="aboutText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.table = QTreeWidget(objectName="versionsTable")
        self.table.setColumnCount(2)
        self.table.setRootIsDecorated(False)
        for name, ver in versions().items():
            self.table.addTopLevelItem(QTreeWidgetItem([name, ver]))
        self.table.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.logo, alignment=Qt.AlignmentFlag.AlignHCenter)
        lay.addWidget(self.text)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.resize(460, 480)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("About GreenPlan"))
        self.table.setHeaderLabels([self.tr("Component"), self.tr("Version")])
        self.text.setText("<h3>GreenPlan " + __version__ + "</h3><p>" + self.tr(
            "Greening and land-use planning for county planners: green coverage, the ecological red line "
            "and the three control lines, planning maps.") + "</p>")

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
