"""Typed errors that carry the file, layer, field and a bilingual message.

Every error a user can cause subclasses :class:`GreenplanError`. It says *what* went
wrong, *where* (path, layer, field, project key) and *what to do*, in Chinese and in
English. The GUI shows :meth:`GreenplanError.message`, the CLI prints it and exits with
:attr:`GreenplanError.exit_code`; neither shows a traceback.

Exit codes (documented in ``docs/cli.md``):

====  ==========================================================
0     success, no problems
1     finished, but problems were found (data check) or some outputs failed (batch)
2     input unusable: missing or unreadable file, bad project file, bad option
3     cancelled by the user
4     internal error (a bug: the log has the traceback)
====  ==========================================================
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_INPUT = 2
EXIT_CANCELED = 3
EXIT_INTERNAL = 4


class GreenplanError(Exception):
    """Base of every user-facing error.

    Parameters
    ----------
    en, zh : str
        The problem, in English and Chinese (one sentence each).
    path : path-like, optional
        The file concerned.
    layer : str, optional
        Layer name inside the file, or the layer's role.
    field : str, optional
        Attribute field concerned.
    key : str, optional
        Project-file key (``layers[3].role``) or setting name.
    hint_en, hint_zh : str, optional
        What the user should do about it.
    """

    exit_code = EXIT_INPUT

    def __init__(
        self,
        en: str,
        zh: str,
        *,
        path: str | Path | None = None,
        layer: str | None = None,
        field: str | None = None,
        key: str | None = None,
        hint_en: str | None = None,
        hint_zh: str | None = None,
    ) -> None:
        self.en = en
        self.zh = zh
        self.path = Path(path) if path is not None else None
        self.layer = layer
        self.field = field
        self.key = key
        self.hint_en = hint_en
        self.hint_zh = hint_zh
        super().__init__(self.message("en"))

    def _where(self, lang: str) -> str:
        parts = []
        if self.path is not None:
            parts.append(("文件 " if lang == "zh" else "file ") + str(self.path))
        if self.layer:
            parts.append(("图层 " if lang == "zh" else "layer ") + str(self.layer))
        if self.field:
            parts.append(("字段 " if lang == "zh" else "field ") + str(self.field))
        if self.key:
            parts.append(("配置项 " if lang == "zh" else "key ") + str(self.key))
        return ("，" if lang == "zh" else ", ").join(parts)

    def message(self, lang: str = "en") -> str:
        """One paragraph: where, what, and what to do."""
        where = self._where(lang)
        if lang == "zh":
            text = f"{where}：{self.zh}" if where else self.zh
            if self.hint_zh:
                text += f" 处理办法：{self.hint_zh}"
        else:
            text = f"{where}: {self.en}" if where else self.en
            if self.hint_en:
                text += f" What to do: {self.hint_en}"
        return text

    def bilingual(self) -> str:
        """Chinese line, then English line: what the CLI and the GUI show."""
        return f"{self.message('zh')}\n{self.message('en')}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": type(self).__name__,
            "path": str(self.path) if self.path is not None else None,
            "layer": self.layer,
            "field": self.field,
            "key": self.key,
            "message_en": self.message("en"),
            "message_zh": self.message("zh"),
        }


class ProjectFileError(GreenplanError):
    """The project file is missing, not TOML, or has a bad value."""


class LayerSourceError(GreenplanError):
    """A layer's file is missing, unreadable or damaged beyond salvage."""


class UnknownRoleError(GreenplanError):
    """A role name that is not in the fixed vocabulary."""


class GeometryTypeError(GreenplanError):
    """A layer's geometry does not fit its role (points in a polygon role)."""


class CRSError(GreenplanError):
    """A coordinate reference system is missing, unknown or cannot be guessed."""


class MissingFieldError(GreenplanError):
    """A field an analysis needs is not in the layer (and not mapped)."""


class MissingLayerError(GreenplanError):
    """A requested analysis needs a layer role the project does not have."""


class SettingError(GreenplanError):
    """A setting (``--set KEY=VALUE`` or ``[settings]``) has an unknown key or bad value."""


class OutputError(GreenplanError):
    """An output cannot be written (folder missing, file locked, disk full)."""


class Canceled(GreenplanError):
    """The user cancelled a long operation."""

    exit_code = EXIT_CANCELED

    def __init__(self) -> None:
        super().__init__("Cancelled by the user.", "已由用户取消。")
