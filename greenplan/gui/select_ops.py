"""The Select menu's commands: by expression, by location, by rectangle or polygon on the
map, clear, statistics and export of the selected features.

Each command calls one Qt-free function of ``greenplan.app`` (expression,
select_location, selection_export) and puts the result into the project model's
selection; the canvas draws it (the window binds ``selection_changed``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from greenplan.app.select_location import combine_selection, select_in_polygon
from greenplan.app.selection_export import SHP_ENCODINGS, export_selection
from greenplan.core.errors import GreenplanError
from greenplan.gui.errors import show_error
from greenplan.gui.i18n import current_language


class SelectOps:
    """``model``: the ProjectModel; ``parent``: the widget dialogs belong to;
    ``show_message(text, ms)``: the status bar; ``show_statistics()``: raise the dock."""

    def __init__(self, model, parent: QWidget, show_message: Callable[[str, int], None],
                 show_statistics: Callable[[], None]) -> None:
        self.model = model
        self.parent = parent
        self.show_message = show_message
        self.show_statistics = show_statistics
        self.dialog = None

    # ------------------------------------------------------------------ dialogs
    def by_expression(self):
        from greenplan.gui.dialogs.select_expression_dialog import SelectExpressionDialog

        self.dialog = SelectExpressionDialog(self.model, self.model.current_key, self.parent)
        self.dialog.show()
        return self.dialog

    def by_location(self):
        from greenplan.gui.dialogs.select_location_dialog import SelectLocationDialog

        self.dialog = SelectLocationDialog(self.model, self.model.current_key, self.parent)
        self.dialog.show()
        return self.dialog

    # ------------------------------------------------------------------ map tools
    def target_key(self) -> int:
        """The layer the map tools select in: the current layer if it is a visible vector
        layer, else the topmost visible vector layer (0: none)."""
        key = self.model.current_key
        if key and self.model.entry(key).gdf is not None and self.model.entry(key).spec.visible:
            return key
        for e in reversed(self.model.entries):
            if e.gdf is not None and e.spec.visible:
                return e.key
        return 0

    def select_by_shape(self, points, mode: str = "") -> int:
        """Select the features of :meth:`target_key` that the drawn shape touches; how many."""
        key = self.target_key()
        if not key:
            self.show_message(QCoreApplication.translate("SelectOps", "No visible vector layer to select in."), 5000)
            return 0
        entry = self.model.entry(key)
        polygon = shapely.Polygon(points)
        prepared = getattr(entry.display, "prepared", None)
        tree = prepared.tree if prepared is not None and prepared.n == len(entry.gdf) else None
        found = select_in_polygon(np.asarray(entry.gdf.geometry.array, dtype=object), polygon, tree=tree)
        ids = combine_selection(self.model.selection.get(key), found, mode or "new")
        self.model.set_selection(key, ids)
        self.show_message(QCoreApplication.translate("SelectOps", "{0}: {1} features selected.").format(entry.spec.name, f"{len(ids):,}"), 5000)
        return len(ids)

    def clear(self) -> None:
        self.model.clear_selection()

    # ------------------------------------------------------------------ export
    def export_selected(self, path: str | Path | None = None, encoding: str | None = None) -> Path | None:
        """Write the selected features to ``path`` (asked for when None); the file written."""
        if not self.model.selection:
            self.show_message(QCoreApplication.translate("SelectOps", "Nothing is selected."), 5000)
            return None
        key, ids = next(iter(self.model.selection.items()))
        entry = self.model.entry(key)
        if path is None:
            start = str(Path(self.model.project.folder or Path.home()) / f"{entry.spec.name}_所选.gpkg")
            path, _ = QFileDialog.getSaveFileName(self.parent, QCoreApplication.translate("SelectOps", "Export Selected Features"), start,
                                                  QCoreApplication.translate("SelectOps", "GeoPackage (*.gpkg);;Shapefile (*.shp)"))
            if not path:
                return None
        path = Path(path)
        if path.suffix.lower() not in (".gpkg", ".shp"):
            path = path.with_suffix(".gpkg")
        if path.suffix.lower() == ".shp" and encoding is None:
            zh = current_language() == "zh"
            labels = [v[0] if zh else v[1] for v in SHP_ENCODINGS.values()]
            choice, ok = QInputDialog.getItem(self.parent, QCoreApplication.translate("SelectOps", "Shapefile encoding"),
                                              QCoreApplication.translate("SelectOps", "Text encoding of the .dbf (GBK for older software):"),
                                              labels, 0, False)
            if not ok:
                return None
            encoding = list(SHP_ENCODINGS)[labels.index(choice)]
        try:
            out = export_selection(entry.gdf, ids, path, layer=entry.spec.name, shp_encoding=encoding or "UTF-8")
        except GreenplanError as exc:
            show_error(self.parent, exc, "export selection")
            return None
        self.show_message(QCoreApplication.translate("SelectOps", "{0} features written to {1}").format(f"{len(ids):,}", out), 8000)
        return out
