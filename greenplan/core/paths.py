"""Per-user folders (logs, recovery copies, app settings; Windows first) and safe file names."""

from __future__ import annotations

import os
import re
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


#: characters Windows does not allow in a file name (and control characters)
_BAD_NAME_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
#: device names Windows reserves, with or without an extension (``CON``, ``nul.txt``, ``COM1``)
_RESERVED_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                             *(f"LPT{i}" for i in range(1, 10))})


def safe_file_name(text: str, fallback: str = "_") -> str:
    """``text`` usable as a file or folder name on Windows (and so everywhere).

    Each of ``<>:"/\\|?*`` and control characters becomes ``_``; spaces and dots are stripped
    from both ends (Windows drops trailing ones, a leading dot hides the file elsewhere); a
    reserved device name (``CON``, ``NUL``, ``COM1`` … also before an extension) gets a ``_``
    after its stem. Chinese and other letters are kept. An empty result gives ``fallback``.

    Examples
    --------
    >>> safe_file_name('510123001_城关/街道?. ')
    '510123001_城关_街道_'
    >>> safe_file_name('近期/方案: "A"')
    '近期_方案_ _A_'
    >>> safe_file_name("nul.txt"), safe_file_name(" .. ", fallback="scenario")
    ('nul_.txt', 'scenario')
    """
    name = _BAD_NAME_CHARS.sub("_", text).strip(" .")
    stem, dot, rest = name.partition(".")
    if stem.rstrip(" ").upper() in _RESERVED_NAMES:
        name = stem.rstrip(" ") + "_" + dot + rest
    return name or fallback
