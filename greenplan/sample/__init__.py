"""The synthetic demo county (``greenplan sample``): :func:`greenplan.sample.county.generate_county`.

Deterministic layers, rasters and a project file for the demo (``sample_layers/``), the
tests and the benchmarks. Imports :mod:`greenplan.core` and :mod:`greenplan.io`; sits beside ``jobs`` in the
import layers.
"""
