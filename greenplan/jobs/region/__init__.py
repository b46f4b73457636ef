"""Region scale: many counties at once on Dask distributed (``greenplan region``).

:func:`~greenplan.jobs.region.run.run_region` checks, analyzes and maps every county of a
region (:mod:`~greenplan.jobs.region.regionfile`) on an engine
(:mod:`~greenplan.jobs.region.engine`: a Dask LocalCluster by default, a running Dask
scheduler when given, or this process), one plain task per county
(:mod:`~greenplan.jobs.region.tasks`) and per township map
(:func:`greenplan.jobs._batch_worker.render_township`), and writes the region's summary
(:mod:`~greenplan.jobs.region.outputs`) and overview map (:mod:`~greenplan.jobs.region.overview`).
Dask is imported only inside :mod:`~greenplan.jobs.region.engine`.
"""
