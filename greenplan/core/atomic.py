"""Atomic file output: write a temporary file beside the target, then rename.

A crash, a cancel or an exception while writing leaves the old file (or no file)
in place, never a half-written one. ``os.replace`` is atomic on the same volume on
Windows and POSIX, which is why the temporary file lives in the target's folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from greenplan.core.errors import OutputError


def _tmp_path(target: Path, suffix: str | None = None) -> Path:
    # keep the real suffix last so drivers that look at it (GPKG, PNG) pick the right format
    suffix = target.suffix if suffix is None else suffix
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{suffix}", dir=target.parent)
    os.close(fd)
    os.unlink(name)
    return Path(name)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it replaces ``target``.

    Parameters
    ----------
    target : path-like
        Final file name. Its folder must exist.
    suffix : str, optional
        Suffix of the temporary file (default: the target's).

    Raises
    ------
    OutputError
        The folder does not exist or the file cannot be replaced (e.g. open in Excel).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("hello")
    >>> (d / "a.txt").read_text()
    'hello'
    """
    target = Path(target)
    if not target.parent.is_dir():
        raise OutputError(
            "The output folder does not exist.",
            "输出文件夹不存在。",
            path=target.parent,
            hint_en="Create the folder or choose another one.",
            hint_zh="请先创建该文件夹或另选输出位置。",
        )
    tmp = _tmp_path(target, suffix)
    try:
        yield tmp
        if not tmp.exists():
            raise OutputError("Nothing was written.", "没有写出任何内容。", path=target)
        try:
            os.replace(tmp, target)
        except PermissionError as exc:
            raise OutputError(
                "The file cannot be replaced; it may be open in another program.",
                "无法覆盖该文件，可能正被其他程序打开。",
                path=target,
                hint_en="Close it (e.g. in Excel or QGIS) and try again.",
                hint_zh="请在其他程序（如 Excel、QGIS）中关闭该文件后重试。",
            ) from exc
    finally:
        _remove(tmp)


def ensure_output_folder(folder: str | os.PathLike) -> Path:
    """Create ``folder`` (and its parents) for outputs; a clear error if that is impossible.

    Raises
    ------
    OutputError
        The folder cannot be created (no permission, a file of that name, a missing drive).
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"The output folder cannot be created ({exc.strerror}).",
            f"无法创建输出文件夹（{exc.strerror}）。",
            path=folder,
            hint_en="Choose a folder you can write to.",
            hint_zh="请选择有写入权限的文件夹。",
        ) from None
    return folder


def _remove(p: Path) -> None:
    if p.is_dir():
        shutil.rmtree(p, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def write_text_atomic(target: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``target`` atomically (``\\n`` line ends kept as given)."""
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
