"""What the export dialogs show and draw, without Qt: themes, townships, extra layers, preview.

:func:`render_preview` draws the sheet that ``jobs.export.export_map`` would write, from
the data the dialog loaded once (``jobs.export.load_map_data``): :func:`preview_sheet`
decides it with ``jobs.sheet.township_sheet`` (as the export and the batch workers do) and
``jobs.sheet.draw_sheet`` lays it out at a screen resolution.
"""

from __future__ import annotations

import dataclasses
from typing import Any

PAPERS = ("A4", "A3", "A2", "A1", "A0")
FORMATS = {"pdf": ".pdf", "png": ".png", "svg": ".svg", "tiff": ".tif"}
# width of the preview image in pixels (its dpi follows from the paper width; shown scaled down)
PREVIEW_PX = 1200


def theme_choices(project) -> list[tuple[str, str, str]]:
    """(id, Chinese title, English title) of the shipped themes and the project's own."""
    from greenplan.render.themes import THEME_IDS, get_theme

    ids = list(dict.fromkeys([*THEME_IDS, *(project.themes or {})]))
    out = []
    for tid in ids:
        th = get_theme(tid, project.themes)
        out.append((tid, th.title, th.title_en or th.title))
    return out


def extra_layers(candidates: Any = None, outputs: Any = None) -> dict[str, Any]:
    """Candidates and scenario greening the panels hold, as map layers.

    ``candidates``: the candidates panel's result (``jobs.candidates.compute_candidates``,
    None: not found yet); ``outputs``: the scenario panel's ``ScenarioOutputs`` (None: not
    computed), whose greening and sketched construction become the ``scenario_greening``
    and ``scenario_construction`` layers.
    """
    from greenplan.jobs.export import candidate_layers

    out: dict[str, Any] = {}
    if candidates is not None:
        out.update(candidate_layers(candidates))
    if outputs is not None and len(outputs.greening):
        out["scenario_greening"] = outputs.greening
    construction = getattr(outputs, "construction", None)
    if construction is not None and len(construction):
        out["scenario_construction"] = construction
    return out


def units_of(data) -> list[tuple[str, str, str]]:
    """(key for ``export_map(unit=...)``, name, label) of each township of the loaded admin units."""
    from greenplan.jobs.sheet import unit_label

    admin = data.layers.get("admin_units") if data is not None else None
    if admin is None or not len(admin):
        return []
    codes = [unit_label(v) for v in admin["code"]] if "code" in admin.columns else [None] * len(admin)
    names = [unit_label(v) for v in admin["name"]] if "name" in admin.columns else [None] * len(admin)
    return [(c or n or "", n or c or "", " ".join(v for v in (n, c and f"({c})") if v))
            for c, n in zip(codes, names, strict=True) if c or n]


def preview_sheet(data, extra: dict[str, Any], opts: dict[str, Any]):
    """(data with ``extra`` layers, :class:`~greenplan.jobs.sheet.SheetSpec`) of the preview.

    ``opts``: theme, title, extent, unit (as for ``export_map``).

    Raises
    ------
    MissingLayerError
        A township asked for and no admin units layer.
    SettingError, GeometryTypeError
        As ``jobs.sheet.township_sheet``.
    """
    from greenplan.jobs.sheet import township_sheet
    from greenplan.render.themes import get_theme

    theme = get_theme(opts["theme"], data.project.themes)
    d = dataclasses.replace(data, layers={**data.layers, **extra})
    return d, township_sheet(d, theme, opts.get("unit") or None, title=opts.get("title"), extent=opts.get("extent"))


def render_preview(data, extra: dict[str, Any], opts: dict[str, Any]) -> tuple[bytes, int, int]:
    """The sheet ``export_map`` would draw with ``opts``, as RGBA pixels ``PREVIEW_PX`` wide.

    ``opts``: theme, paper, orientation, title, extent, unit (as for ``export_map``).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from greenplan.jobs.sheet import draw_sheet
    from greenplan.render.layout import paper_size_mm

    w_mm, _h_mm = paper_size_mm(opts["paper"], opts["orientation"])
    dpi = PREVIEW_PX / (w_mm / 25.4)
    d, spec = preview_sheet(data, extra, opts)
    fig = draw_sheet(d, spec, paper=opts["paper"], orientation=opts["orientation"], dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    buf = canvas.buffer_rgba()
    return bytes(buf), int(buf.shape[1]), int(buf.shape[0])
