"""Dask preload of the LocalCluster's worker processes: Ctrl+C is the client's; imports warm.

The workers share the terminal's process group, so Ctrl+C reaches them too and each would
print a traceback while dying; the client cancels the run and closes the cluster instead.
"""

from __future__ import annotations

from typing import Any


def dask_setup(worker: Any) -> None:
    import signal

    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the process's main thread: nothing to do
        pass
    # the imports of a county task (geopandas, pyogrio, shapely ...: ~1 s) while the cluster
    # starts, not in the first county of each worker
    import greenplan.jobs.analyze  # noqa: F401
    import greenplan.jobs.check  # noqa: F401
    import greenplan.jobs.region.tasks  # noqa: F401
