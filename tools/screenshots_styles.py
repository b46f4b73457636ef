"""Screenshots of layer styles: the categorised land use and a township choropleth.

Usage (offscreen, no display needed)::

    QT_QPA_PLATFORM=offscreen python tools/screenshots_styles.py [OUT_DIR]

Opens the demo county in Chinese; ``style-categorized.png``: the land use categorised by
``DLBM`` with the 三调 classes (rows in the layer panel, the style editor beside the map);
``choropleth.png``: the indicators computed, then the townships graduated by 森林覆盖率
(natural breaks, 4 classes) with their names as labels. Same pattern as ``tools/screenshots.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import demo_session  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main(out: Path) -> int:
    app, w, settle = demo_session(out)
    from PySide6.QtGui import QPainter

    from greenplan.core.resources import sample_dir
    from greenplan.gui.dialogs.style_dialog import METHODS, RENDERERS

    def shot_with(dialog, name: str) -> None:
        """The window with ``dialog`` drawn over its right side (a grab shows one window)."""
        settle()
        img = w.grab().toImage()
        if dialog is not None:
            d = dialog.grab().toImage()
            p = QPainter(img)
            p.drawImage(img.width() - d.width() - 8, 90, d)
            p.end()
        img.save(str(out / name))
        print("saved", out / name)

    w.ops.open_project(sample_dir() / "demo_county.greenplan.toml", ask=False)
    settle()
    m = w.model
    role_key = {e.spec.role: e.key for e in m.entries}

    # categorised land use: the code table's classes, rows in the layer panel
    lu = role_key["land_use"]
    w.layer_panel.select_layer(lu)
    dialog = w.show_style_editor(lu)
    dialog.resize(520, 640)
    dialog.renderer_combo.setCurrentIndex(RENDERERS.index("categorized"))
    dialog.classify()
    dialog.apply()
    for key in (role_key.get("roads"), role_key.get("rivers"), role_key.get("green_space")):
        item = w.layer_panel.item_for(key) if key else None
        if item is not None:
            item.setExpanded(False)
    w.layer_panel.scrollToItem(w.layer_panel.item_for(lu))
    town = m.layer_bounds(role_key["built_up_area"])
    w.canvas.zoom_to_bounds(town, margin=0.6)
    shot_with(dialog, "style-categorized.png")
    dialog.reject()

    # township choropleth of an indicator, labelled by name
    w.indicators.run()
    settle()
    au = role_key["admin_units"]
    for key in (role_key["land_use"], role_key.get("buildings"), role_key.get("green_space")):
        if key:
            m.set_visible(key, False)
    w.layer_panel.select_layer(au)
    dialog = w.show_style_editor(au)
    dialog.resize(520, 640)
    dialog.method_combo.setCurrentIndex(METHODS.index("natural"))
    dialog.count_spin.setValue(4)
    dialog.renderer_combo.setCurrentIndex(RENDERERS.index("graduated"))
    idx = dialog.field_combo.findData("indicator:forest_coverage")
    dialog.field_combo.setCurrentIndex(idx)
    dialog.label_field_combo.setCurrentIndex(dialog.label_field_combo.findData("name"))
    dialog.apply()
    w.zoom_full()
    shot_with(dialog, "choropleth.png")
    dialog.reject()
    w.prompt.save_changes = lambda: "discard"
    w.wait_workers()
    w.canvas.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
