"""Frozen entry point of both executables: the program's name says which one runs.

``greenplan-gui`` (the desktop application, ``greenplan.gui.launch:main``) and ``greenplan``
(the command line, ``greenplan.cli.main:main``) are one program. On Windows they are two
executables built from this script (one windowed, one console: Windows decides that per
``.exe``); on Linux the bundle has one executable, ``greenplan``, and ``greenplan-gui`` is a
symbolic link to it, which saves a second copy of the embedded Python modules (18 MB).
"""

import multiprocessing
import os
import sys

# first: a worker process of ``greenplan batch`` or of the GUI's batch export (spawn pool)
# re-runs this executable; freeze_support (made to work on every platform by PyInstaller's
# runtime hook) turns it into the worker instead of a second command line or window
multiprocessing.freeze_support()


def program_name(argv0: str) -> str:
    """``greenplan-gui`` or ``greenplan`` from how the executable was called.

    >>> program_name("/opt/GreenPlan/greenplan-gui"), program_name(r"C:\\GP\\GreenPlan-GUI.EXE")
    ('greenplan-gui', 'greenplan-gui')
    >>> program_name("./greenplan"), program_name("greenplan.exe")
    ('greenplan', 'greenplan')
    """
    name = os.path.basename(argv0.replace("\\", "/")).lower()
    if name.endswith(".exe"):
        name = name[: -len(".exe")]
    return "greenplan-gui" if name.endswith("-gui") else "greenplan"


if __name__ == "__main__":
    if program_name(sys.argv[0]) == "greenplan-gui":
        from greenplan.gui.launch import main
    else:
        from greenplan.cli.main import main
    raise SystemExit(main())
