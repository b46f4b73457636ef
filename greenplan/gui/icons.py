"""Icons shipped in ``resources/icons`` (SVG; the Windows ``.ico`` is built from ``app.svg``)."""

from __future__ import annotations

import functools

from PySide6.QtGui import QIcon

from greenplan.core.resources import resource_path


@functools.cache
def icon(name: str) -> QIcon:
    """``resources/icons/<name>.svg`` (or ``.png``); an empty icon if missing."""
    for ext in (".svg", ".png"):
        path = resource_path("icons", name + ext)
        if path.is_file():
            return QIcon(str(path))
    return QIcon()
