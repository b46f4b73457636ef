"""Frozen entry point of ``greenplan`` (console): the command line."""

import multiprocessing

# first: a worker process of ``greenplan batch`` (spawn pool) re-runs this executable;
# freeze_support (made to work on every platform by PyInstaller's runtime hook) turns it
# into the worker instead of a second command line
multiprocessing.freeze_support()

from greenplan.cli.main import main  # noqa: E402

raise SystemExit(main())
