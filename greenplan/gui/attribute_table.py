"""Old import path of the shared table helpers (now :mod:`greenplan.gui.tables`), kept while
``indicators_dock``, ``scenario_results`` and ``batch_dialog`` (edited by other changes) still
import them from here; the attribute table is now :mod:`greenplan.gui.panels.attribute_table`."""

from greenplan.gui.tables import FrameTableModel, compact_rows

__all__ = ["FrameTableModel", "compact_rows"]
