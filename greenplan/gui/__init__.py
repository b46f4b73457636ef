"""greenplan.gui: the PySide6 desktop application (the only layer that imports Qt).

Importing this package first protects the interpreter from a PySide6 bug (see
:func:`_protect_singletons`), so it must stay the first thing any ``greenplan.gui``
module runs.
"""

from __future__ import annotations

import sys


def _protect_singletons() -> bool:
    """Keep ``None``, ``True`` and ``False`` alive whatever PySide6 does to their refcounts.

    PySide6 6.12.0 returns ``None`` from every void method without taking a reference
    (it assumes the immortal ``None`` of Python 3.12+). On Python 3.11 each call then
    decrements ``None``'s reference count, and after a few thousand calls (a few minutes
    of painting, or one tight ``processEvents`` loop) the interpreter aborts with
    "none_dealloc: deallocating None". Adding a huge number of references makes the
    three singletons effectively immortal, as they are on 3.12+. Harmless where the bug
    is absent; does nothing on Python 3.12+ and on other interpreters.

    ``pyproject.toml`` excludes 6.12.0, so this only guards an environment where that
    release was installed anyway (checked by version, so no other release is touched).
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    from importlib.metadata import PackageNotFoundError, version

    try:
        qt = version("PySide6-Essentials")
    except PackageNotFoundError:
        try:
            qt = version("PySide6")
        except PackageNotFoundError:
            return False
    if not qt.startswith("6.12.0"):
        return False
    import ctypes

    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40
    return True


_PROTECTED = _protect_singletons()
