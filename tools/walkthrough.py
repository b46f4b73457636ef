"""Walk through a new project built from "own data" with the desktop app, taking screenshots.

Usage (offscreen, no display needed)::

    QT_QPA_PLATFORM=offscreen python tools/walkthrough.py [OUT_DIR]

Writes a small county into a temporary folder with a Chinese name and spaces, the way a
planning bureau's files look: township boundaries as a GBK shapefile without ``.prj`` or
``.cpg`` (EPSG:4544 coordinates, fields ``XZQMC``/``XZQDM``/``RK``), the control lines in a
GeoPackage, an OpenStreetMap-like land use whose codes are ``fclass`` words, green space whose
class field is ``类别`` (G1/G2) and buildings with ``高度`` instead of ``height_m``.

Then, with nothing but the application (the project file is never written by this script):
File → New project → project properties (name 示范县, 编制单位) → add each layer through the
add-layer dialog → layer properties (field mapping, source CRS) → class mapping with the
``osm`` preset → data check → indicators → map export (三条控制线 and 绿地现状) → save.
It checks that the saved file reopens with the same layers, fields and classes.

The screenshots (``new-project-*.png``) go to ``docs/screenshots/`` and illustrate the first
chapter of ``docs/user-guide-zh.md``. ``tests/gui/test_walkthrough.py`` runs the same flow.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
X0, Y0 = 500_000.0, 4_250_000.0  # EPSG:4544 metres (CGCS2000 3° zone, 105°E)

#: the layers as the planner adds them: (file, GeoPackage layer, role the dialog should end with)
LAYER_FILES = [
    ("乡镇 界线.shp", None, "admin_units"),
    ("三条 控制线.gpkg", "生态保护红线", "ecological_redline"),
    ("三条 控制线.gpkg", "永久基本农田", "permanent_farmland"),
    ("三条 控制线.gpkg", "城镇开发边界", "urban_boundary"),
    ("三条 控制线.gpkg", "建成区", "built_up_area"),
    ("osm 用地.gpkg", None, "land_use"),
    ("绿地 现状.gpkg", None, "green_space"),
    ("建筑 jzw.gpkg", None, "buildings"),
]
#: the field mappings made in the layer properties dialog: role → {role field: file field}
FIELD_MAPS = {
    "admin_units": {"name": "XZQMC", "code": "XZQDM", "population": "RK"},
    "land_use": {"DLBM": "fclass"},
    "green_space": {"class": "类别"},
    "buildings": {"height_m": "高度"},
}
#: fclass, x, width of the land-use parcels (1000 m tall) of the county seat, then the hills
PARCELS = [("forest", 0, 300), ("park", 300, 150), ("grass", 450, 80), ("residential", 530, 300),
           ("industrial", 830, 120), ("retail", 950, 50)]


def _box(x: float, y: float, w: float, h: float):
    import shapely

    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


def build_county(folder: Path) -> Path:
    """Write the county's files into ``folder`` (created); returns it."""
    import geopandas as gpd
    import pyogrio

    folder.mkdir(parents=True, exist_ok=True)

    def frame(geoms, **cols):
        return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geoms, crs=4544))

    # township boundaries: GBK shapefile, no .prj, no .cpg, non-standard field names
    shp = folder / "乡镇 界线.shp"
    pyogrio.write_dataframe(frame([_box(-500, -500, 2000, 3000), _box(1500, -500, 2500, 3000)],
                                  XZQMC=["城关镇", "青山乡"], XZQDM=["510123001", "510123002"], RK=[32000, 8600]),
                            shp, encoding="gbk")
    for suffix in (".prj", ".cpg"):
        shp.with_suffix(suffix).unlink(missing_ok=True)
    # the control lines and the built-up area in one GeoPackage
    gpkg = folder / "三条 控制线.gpkg"
    pyogrio.write_dataframe(frame([_box(2200, 0, 1500, 1500)], name=["青山"]), gpkg, layer="生态保护红线")
    pyogrio.write_dataframe(frame([_box(0, 1500, 1400, 700), _box(1600, 1700, 800, 600)]), gpkg, layer="永久基本农田")
    pyogrio.write_dataframe(frame([_box(-100, -100, 1200, 1300)]), gpkg, layer="城镇开发边界")
    pyogrio.write_dataframe(frame([_box(0, 0, 1000, 1000)]), gpkg, layer="建成区")
    # OSM-like land use: fclass words instead of 三调 codes
    lu = [(c, _box(x, 0, w, 1000)) for c, x, w in PARCELS]
    lu += [("forest", _box(2200, 0, 1500, 1500)), ("farmland", _box(0, 1500, 1400, 700)),
           ("farmland", _box(1600, 1700, 800, 600)), ("meadow", _box(1000, 0, 1000, 1000))]
    pyogrio.write_dataframe(frame([g for _, g in lu], fclass=[c for c, _ in lu], osm_id=list(range(1, len(lu) + 1))),
                            folder / "osm 用地.gpkg")
    # green space: the class field is 类别
    pyogrio.write_dataframe(frame([_box(300, 0, 150, 1000), _box(450, 980, 550, 20)],
                                  **{"名称": ["人民公园", "滨河绿带"], "类别": ["G1", "G2"]}),
                            folder / "绿地 现状.gpkg")
    # buildings: the height is 高度
    blds = [_box(560 + 60 * i, 100 + 120 * j, 40, 60) for i in range(4) for j in range(6)]
    pyogrio.write_dataframe(frame(blds, **{"高度": [9.0 + 3 * (i % 6) for i in range(len(blds))],
                                           "层数": [3 + i % 6 for i in range(len(blds))]}),
                            folder / "建筑 jzw.gpkg")
    return folder


class Walk:
    """The walkthrough on a shown ``MainWindow``.

    ``wait(cond, timeout_s)`` processes events until ``cond()``; ``shot(widget, name)`` saves a
    screenshot (or does nothing). Each step is a method so the test can assert in between.
    """

    def __init__(self, window, wait: Callable[..., None], shot: Callable[[object, str], None]) -> None:
        self.w = window
        self.wait = wait
        self.shot = shot
        self.keys: dict[str, int] = {}  # role → layer key
        self.guesses: dict[str, str | None] = {}  # file (and layer) → the role the add dialog guessed

    def settle(self) -> None:
        from PySide6.QtCore import QCoreApplication

        w = self.w
        for _ in range(2):
            self.wait(lambda: not w.busy())
            QCoreApplication.processEvents()
        self.wait(lambda: w.canvas.view is None or w.canvas.is_current())
        for _ in range(5):
            QCoreApplication.processEvents()

    # ------------------------------------------------------------------ steps
    def new_project(self) -> None:
        w = self.w
        self.shot(w, "new-project-0-empty.png")
        w.actions["file.new"].trigger()
        dialog = w.project_dialog
        self.wait(dialog.isVisible)
        dialog.name.setText("示范县")
        dialog.meta["organisation"].setText("示范县自然资源局")
        dialog.meta["data_source"].setText("县自然资源局 2025 年变更调查；OpenStreetMap")
        dialog.meta["date"].setText("2026-06-30")
        dialog.resize(640, dialog.sizeHint().height())
        self.shot(dialog, "new-project-1-properties.png")
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
        assert not dialog.isVisible(), "the project dialog did not close"

    def add_layers(self, folder: Path) -> None:
        from greenplan.gui.dialogs.add_layer_dialog import AddLayerDialog

        w = self.w
        for i, (name, layer, role) in enumerate(LAYER_FILES):
            dialog = AddLayerDialog(str(folder), w)
            dialog.resize(900, 560)
            dialog.set_path(folder / name)
            if layer is not None:
                dialog.layer_combo.setCurrentIndex(dialog.layer_combo.findData(layer))
            dialog.show()
            if i == 0:  # the GBK shapefile: the encoding preview
                self.shot(dialog, "new-project-2-add-layer.png")
            self.guesses[f"{name}:{layer}" if layer else name] = dialog.role_combo.currentData()
            if dialog.role_combo.currentData() != role:  # a wrong or missing guess: the planner picks the role
                print(f"role guess for {name} {layer or ''}: {dialog.role_combo.currentData()!r}, chose {role!r}")
                dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(role))
            if role == "land_use":
                dialog.name_edit.setText("土地利用现状（OSM）")
            specs = dialog.specs()
            dialog.accept()
            w.ops.add_specs(specs)
            self.settle()
        for e in w.model.entries:
            self.keys[e.spec.role] = e.key
        w.zoom_full()
        self.settle()
        self.shot(w, "new-project-3-layers-added.png")

    def layer_properties(self) -> None:
        from PySide6.QtWidgets import QDialogButtonBox

        w = self.w
        for role, mapping in FIELD_MAPS.items():
            key = self.keys[role]
            w.layer_panel.select_layer(key)
            dialog = self._menu(key, "layerPropertiesAction", "layer_properties_dialog")
            self.wait(dialog.isVisible)
            for field, column in mapping.items():
                dialog.map_field(field, column)
            if role == "admin_units":  # no .prj: say what the coordinates are
                dialog.crs_combo.setCurrentText("EPSG:4544")
                dialog.resize(720, dialog.sizeHint().height())
                self.shot(dialog, "new-project-4b-source-crs.png")
            if role == "land_use":
                dialog.resize(720, dialog.sizeHint().height())
                self.shot(dialog, "new-project-4-layer-properties.png")
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
            assert not dialog.isVisible(), f"the layer properties of {role} did not close"
            self.settle()

    def _menu(self, key: int, action: str, attr: str):
        menu = self.w.layer_panel.context_menu(key)
        (act,) = [a for a in menu.actions() if a.objectName() == action]
        act.trigger()
        return getattr(self.w.layer_panel, attr)

    def class_mapping(self) -> None:
        dialog = self._menu(self.keys["land_use"], "classMappingAction", "class_mapping_dialog")
        self.settle()
        self.wait(lambda: dialog.values is not None)
        dialog.resize(900, 620)
        dialog.apply_preset("osm")
        self.shot(dialog, "new-project-5-class-mapping.png")
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
        self.settle()

    def check(self):
        w = self.w
        worker = w.ops.run_check()
        self.wait(lambda: not worker.isRunning())
        self.settle()
        w.check_dialog.resize(1000, 620)
        w.check_dialog.tree.expandAll()
        w.check_dialog.tree.resizeColumnToContents(0)
        self.shot(w.check_dialog, "new-project-6-data-check.png")
        report = w.check_dialog.report if hasattr(w.check_dialog, "report") else None
        w.check_dialog.close()
        return report

    def indicators(self) -> dict:
        w = self.w
        w.zoom_full()
        w.indicators.run()
        self.settle()
        w.indicators_dock.raise_()
        w.indicators.tabs.setCurrentIndex(0)
        self.shot(w, "new-project-7-indicators.png")
        return w.indicators.doc

    def export(self, out_dir: Path, dpi: int = 60) -> list[Path]:
        w = self.w
        written = []
        for theme in ("control_lines", "greening"):
            d = w.show_export_dialog()
            d.theme.setCurrentIndex(d.theme.findData(theme))
            self.wait(lambda d=d: d.data is not None)
            d.fmt.setCurrentIndex(d.fmt.findData("png"))
            d.paper.setCurrentText("A4")
            d.dpi.setValue(dpi)
            d.resize(1100, 640)
            d.path.setText(str(out_dir / Path(d.path.text()).name))  # the dialog's file name, in out_dir
            self.wait(lambda d=d: d.preview_image is not None and not d.busy() and not d._timer.isActive())
            d.export()
            self.wait(lambda d=d: d.export_worker is None)
            self.settle()
            if theme == "control_lines":
                self.shot(d, "new-project-8-export.png")
            if d.written is None:
                print(f"export of {theme} failed: {d.status.text()}")
            else:
                written.append(Path(d.written))
            d.reject()
        return written

    def save(self, target: Path) -> None:
        assert self.w.ops.save_as(target), "save failed"
        self.settle()

    def reopen(self, target: Path) -> dict[str, tuple]:
        """Open ``target`` again; role → the layer entries as the app holds them (see :func:`saved_layers`)."""
        w = self.w
        w.ops.open_project(target, ask=False)
        self.settle()
        return {e.spec.role: (dict(e.spec.fields or {}), e.spec.classes, e.spec.source_crs, e.spec.source.name,
                              e.spec.layer) for e in w.model.entries}


def saved_layers(path: Path) -> dict[str, tuple]:
    """role → (fields, classes, source CRS, file name, layer) of the project file ``path``, as read from disk."""
    from greenplan.core.project import read_project

    project, _ = read_project(path)
    return {s.role: (dict(s.fields or {}), s.classes, s.source_crs, s.source.name, s.layer) for s in project.layers}


def main(out: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("GREENPLAN_HOME", tempfile.mkdtemp(prefix="greenplan-walk-"))
    from greenplan.gui.app import create_application
    from greenplan.gui.gui_settings import GuiSettings
    from greenplan.gui.i18n import install_language
    from greenplan.gui.main_window import MainWindow

    app = create_application()
    install_language("zh")
    out.mkdir(parents=True, exist_ok=True)

    def wait(cond, timeout_s: float = 120.0) -> None:
        end = time.monotonic() + timeout_s
        while not cond():
            if time.monotonic() > end:
                raise TimeoutError("timed out waiting for the application")
            app.processEvents()
            time.sleep(0.01)

    w = MainWindow(GuiSettings())
    w.resize(1440, 900)
    w.show()
    walk = Walk(w, wait, lambda widget, name: None)

    def shot(widget, name: str) -> None:
        walk.settle()
        widget.grab().save(str(out / name))
        print("saved", out / name)

    walk.shot = shot
    base = Path(tempfile.gettempdir()) / "greenplan-walkthrough"  # a fixed path: the screenshots show it
    if base.exists():
        import shutil

        shutil.rmtree(base)
    folder = build_county(base / "示范县 自有数据")
    walk.new_project()
    walk.add_layers(folder)
    walk.layer_properties()
    walk.class_mapping()
    walk.check()
    doc = walk.indicators()
    cov = doc["indicators"].get("green_coverage_vector", {})
    print("green coverage:", cov.get("value"), "pass:", cov.get("pass"), "unknown share:", cov.get("unknown_share"))
    maps = folder / "导出 地图"
    maps.mkdir()
    written = walk.export(maps, dpi=96)
    print("maps:", *written)
    if written:  # the exported map itself, for the user guide
        import shutil

        shutil.copyfile(written[0], out / "new-project-9-map.png")
    target = folder / "示范县.greenplan.toml"
    ok = not list(folder.glob("*.toml"))  # no project file yet: only the app's save writes it
    walk.save(target)
    mtime = target.stat().st_mtime_ns
    before = saved_layers(target)
    after = walk.reopen(target)  # the same layers, fields and classes
    if before != after:
        print("reopened project differs:", before, after, sep="\n")
        ok = False
    for role, mapping in FIELD_MAPS.items():
        if before[role][0] != mapping:
            print(f"fields of {role}: {before[role][0]} != {mapping}")
            ok = False
    if before["land_use"][1] in (None, {}, ""):
        print("land use classes were not saved")
        ok = False
    if target.stat().st_mtime_ns != mtime:
        print("the project file changed after saving")
        ok = False
    print(target.read_text(encoding="utf-8"))
    w.model.set_dirty(False)
    w.close()
    return 0 if ok and len(written) == 2 else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
