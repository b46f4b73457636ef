"""Per-user folders: logs, recovery copies, app settings (Windows first)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def user_data_dir() -> Path:
    """``%LOCALAPPDATA%\\GreenPlan`` on Windows, ``~/.local/share/greenplan`` elsewhere.

    ``GREENPLAN_HOME`` overrides it (tests point it at a temporary folder).
    """
    env = os.environ.get("GREENPLAN_HOME")
    if env:
        base = Path(env)
    elif sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "GreenPlan"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "greenplan"
    return base


def log_dir() -> Path:
    d = user_data_dir() / "logs"
    d.mkdir(parents=True, exist_ok=True)
    return d
