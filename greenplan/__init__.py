"""GreenPlan: greening and land-use planning for county and city offices.

Layers (imports flow down only): ``gui | cli`` → ``jobs`` → ``render`` →
``analysis | io`` → ``core``. Only :mod:`greenplan.gui` imports Qt.
"""

__version__ = "0.1.0"
