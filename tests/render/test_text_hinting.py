"""Titles are drawn twice (an outline path under real text); both must line up at low DPI."""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from greenplan.render.fonts import cjk_font_name, ensure_cjk_font, font_rc

TITLE = "示范县（演示数据）城关街道绿化现状与覆盖率分析图"


def _ink_columns(as_path: bool, dpi: int) -> np.ndarray:
    import matplotlib.patheffects as pe

    ensure_cjk_font()
    with matplotlib.rc_context(font_rc()):
        fig = Figure(figsize=(8, 0.8), dpi=dpi)
        FigureCanvasAgg(fig)
        t = fig.text(0.02, 0.5, TITLE, fontsize=22, family=cjk_font_name(), va="center")
        if as_path:  # how the outline copy is drawn
            t.set_path_effects([pe.Normal()])
        fig.canvas.draw()
        rgba = np.asarray(fig.canvas.buffer_rgba())
    dark = rgba[..., :3].min(axis=2) < 128
    return np.flatnonzero(dark.any(axis=0))


def test_outline_copy_and_text_end_in_the_same_column_at_low_dpi() -> None:
    for dpi in (60, 110):
        text_cols, path_cols = _ink_columns(False, dpi), _ink_columns(True, dpi)
        # with FreeType hinting the text copy ran several pixels ahead of the path copy
        assert abs(int(text_cols[0]) - int(path_cols[0])) <= 1, dpi
        assert abs(int(text_cols[-1]) - int(path_cols[-1])) <= 1, dpi
