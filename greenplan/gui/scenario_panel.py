"""Old import path of :func:`greenplan.app.scenario_paths.folder_name`, kept while
``gui/export_dialog.py`` (edited by another change) still imports it from here; the panel is
now :mod:`greenplan.gui.panels.scenario_panel`."""

from greenplan.app.scenario_paths import default_output_base, folder_name

__all__ = ["default_output_base", "folder_name"]
