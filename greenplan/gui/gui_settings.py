"""Settings kept between runs of the desktop application (one typed object).

Stored with ``QSettings`` in an INI file in the user's data folder
(``greenplan.core.paths.user_data_dir()``, which ``GREENPLAN_HOME`` redirects; tests point
it at a temporary folder). ``schema_version`` is bumped when a key changes meaning; a
file from a newer version is read for the keys this version knows and otherwise left
alone, an older one is migrated key by key (none yet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from greenplan.core.paths import user_data_dir

SCHEMA_VERSION = 1
MAX_RECENT = 10


def settings_path() -> Path:
    return user_data_dir() / "greenplan-gui.ini"


def _qsettings() -> QSettings:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


@dataclass
class GuiSettings:
    """What the application remembers.

    Attributes
    ----------
    language : str
        ``zh`` (default) or ``en``.
    recent_projects : list of str
        Most recent first, at most :data:`MAX_RECENT`.
    last_dir : str
        Folder of the last file dialog.
    autosave_s : int
        Seconds between recovery copies of an unsaved project (0: never).
    geometry, window_state : bytes
        Main window geometry and dock layout (``QMainWindow.saveState``).
    """

    language: str = "zh"
    recent_projects: list[str] = field(default_factory=list)
    last_dir: str = ""
    autosave_s: int = 60
    geometry: bytes = b""
    window_state: bytes = b""
    schema_version: int = SCHEMA_VERSION

    @classmethod
    def load(cls) -> GuiSettings:
        q = _qsettings()
        s = cls()
        version = _int(q.value("schema_version"), SCHEMA_VERSION)
        s.schema_version = SCHEMA_VERSION
        lang = str(q.value("language", s.language))
        s.language = lang if lang in ("zh", "en") else "zh"
        recent = q.value("recent_projects", [])
        if isinstance(recent, str):  # QSettings returns a lone item as a string
            recent = [recent]
        s.recent_projects = [str(r) for r in (recent or []) if str(r)][:MAX_RECENT]
        s.last_dir = str(q.value("last_dir", "") or "")
        s.autosave_s = max(0, _int(q.value("autosave_s"), s.autosave_s))
        if version <= SCHEMA_VERSION:
            s.geometry = _bytes(q.value("window/geometry"))
            s.window_state = _bytes(q.value("window/state"))
        return s

    def save(self) -> None:
        q = _qsettings()
        q.setValue("schema_version", SCHEMA_VERSION)
        q.setValue("language", self.language)
        q.setValue("recent_projects", list(self.recent_projects))
        q.setValue("last_dir", self.last_dir)
        q.setValue("autosave_s", int(self.autosave_s))
        q.setValue("window/geometry", QByteArray(self.geometry))
        q.setValue("window/state", QByteArray(self.window_state))
        q.sync()

    def add_recent(self, path: str | Path) -> None:
        """Put ``path`` first in the recent projects (no duplicates)."""
        p = str(Path(path))
        self.recent_projects = [p] + [r for r in self.recent_projects if r != p]
        del self.recent_projects[MAX_RECENT:]


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _bytes(value) -> bytes:
    if isinstance(value, QByteArray):
        return bytes(value.data())
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return b""
