"""greenplan.render: planning maps with matplotlib (no pyplot, no Qt).

- :mod:`~greenplan.render.styles`, :mod:`~greenplan.render.themes`: what is drawn and how
  (plain Python, shared with the desktop canvas);
- :mod:`~greenplan.render.draw`, :mod:`~greenplan.render.raster`, :mod:`~greenplan.render.geometry`:
  fast drawing of layers into an Axes;
- :mod:`~greenplan.render.mapsheet` (``compose_map``), :mod:`~greenplan.render.layout`,
  :mod:`~greenplan.render.decorations`, :mod:`~greenplan.render.panels`: the map sheet;
- :mod:`~greenplan.render.export` (``save_map``): PDF, PNG, SVG, TIFF and world files;
- :mod:`~greenplan.render.fonts`: the bundled CJK font.

See ``docs/maps.md``.
"""
