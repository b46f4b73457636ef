"""Frozen entry point of ``greenplan-gui`` (windowed): the desktop application."""

import multiprocessing

# first: a worker process of a batch export (spawn pool) re-runs this executable;
# freeze_support turns it into the worker instead of a second window
multiprocessing.freeze_support()

from greenplan.gui.launch import main  # noqa: E402

raise SystemExit(main())
