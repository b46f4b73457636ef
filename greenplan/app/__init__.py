"""The Qt-free application layer between ``jobs`` and the front ends (``gui``, ``cli``).

Evented models of the open project (:mod:`greenplan.app.project_state`,
:mod:`greenplan.app.scenario_state`) with an undo stack (:mod:`greenplan.app.undo`), and the
command-line / GUI project overrides (:mod:`greenplan.app.overrides`). Nothing here imports
Qt (an import-linter contract checks it): the desktop app binds its widgets to these models,
and they are tested without a display.
"""
