"""What to do when the open project's file changes on disk (Qt-free).

The project file is the truth: a planner may edit it by hand (field mappings, the name,
the CRS) while the project is open. The GUI watches the file (``QFileSystemWatcher``)
and asks :class:`ProjectFileWatch` what a change means:

- ``"ignore"``: the file holds what the app itself last read or saved (its own save
  fired the watcher), or it is gone for a moment (an editor replacing it by rename);
- ``"reload"``: someone else changed it and the project has no unsaved changes;
- ``"ask"``: someone else changed it and the project has unsaved changes (reload /
  keep mine / save as).

A change is recognised by the file's content (a hash), not only its time stamp, so a
save that writes the same bytes, or a ``touch``, is not a change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

IGNORE, RELOAD, ASK = "ignore", "reload", "ask"


@dataclass(frozen=True)
class FileStamp:
    """The state of a file at one moment: modification time, size and content hash."""

    mtime_ns: int
    size: int
    digest: str


def file_stamp(path: str | Path | None) -> FileStamp | None:
    """The file's :class:`FileStamp`, or None when it does not exist (or cannot be read)."""
    if path is None:
        return None
    p = Path(path)
    try:
        st = p.stat()
        data = p.read_bytes()
    except OSError:
        return None
    return FileStamp(st.st_mtime_ns, st.st_size, hashlib.sha256(data).hexdigest())


def decide(current: FileStamp | None, known: FileStamp | None, dirty: bool) -> str:
    """``"ignore"``, ``"reload"`` or ``"ask"`` for a file now at ``current``.

    ``known`` is the stamp of what the app last read or wrote; ``dirty`` whether the
    project has unsaved changes.

    Examples
    --------
    >>> a, b = FileStamp(1, 3, "aaa"), FileStamp(2, 3, "bbb")
    >>> decide(a, a, dirty=True), decide(FileStamp(5, 3, "aaa"), a, dirty=False)
    ('ignore', 'ignore')
    >>> decide(b, a, dirty=False), decide(b, a, dirty=True)
    ('reload', 'ask')
    >>> decide(None, a, dirty=False)  # being replaced: wait for the new file
    'ignore'
    """
    if current is None:
        return IGNORE
    if known is not None and current.digest == known.digest:
        return IGNORE
    return ASK if dirty else RELOAD


class ProjectFileWatch:
    """The stamp of the open project's file as the app last read or wrote it.

    Examples
    --------
    >>> import tempfile, os
    >>> p = Path(tempfile.mkdtemp()) / "x.greenplan.toml"
    >>> _ = p.write_text("name = 'a'")
    >>> w = ProjectFileWatch()
    >>> w.remember(p)
    >>> w.check(dirty=False)
    'ignore'
    >>> _ = p.write_text("name = 'b'")
    >>> w.check(dirty=False), w.check(dirty=True)
    ('reload', 'ask')
    >>> w.remember(p); w.check(dirty=True)
    'ignore'
    """

    def __init__(self) -> None:
        self.path: Path | None = None
        self.known: FileStamp | None = None

    def remember(self, path: str | Path | None) -> None:
        """The app just read or wrote ``path`` (None: the project has no file)."""
        self.path = Path(path) if path is not None else None
        self.known = file_stamp(self.path)

    def check(self, dirty: bool) -> str:
        """What the file's current state means (see :func:`decide`)."""
        if self.path is None:
            return IGNORE
        return decide(file_stamp(self.path), self.known, dirty)
