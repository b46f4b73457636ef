"""The app layer's models run on a machine without Qt (STYLE rule 1; napari's headless env)."""

from __future__ import annotations

import subprocess
import sys

# A fresh interpreter: the other tests of the session import PySide6 freely.
CODE = r"""
import sys
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

from greenplan.app.overrides import apply_overrides
from greenplan.app.project_state import ProjectState
from greenplan.app.scenario_state import ScenarioState
from greenplan.core.project import LayerSpec

ps = ProjectState()
sc = ScenarioState(ps)
keys = ps.add_specs([LayerSpec(source=Path("三调 地类.gpkg"), role="land_use"),
                     LayerSpec(source=Path("道路.shp"), role="roads")])
ps.move(keys[1], 0)
ps.rename(keys[0], "地类图斑")
ps.set_visible(keys[1], False)
ps.set_style(keys[0], {"facecolor": "#88cc88"})
ps.set_role(keys[1], "admin_units")


class Loaded:
    def __init__(self, gdf):
        self.gdf = gdf


import dataclasses
Loaded = dataclasses.dataclass(Loaded)
gdf = gpd.GeoDataFrame({"DLBM": ["park"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4545")
display = type("D", (), {"gdf": property(lambda self: self.loaded.gdf)})()
display.loaded = Loaded(gdf)
ps.entry(keys[0]).display = display
ps.set_classes(keys[0], {"park": "0810"})
assert list(ps.entry(keys[0]).gdf["DLBM"]) == ["0810"]
ps.set_selection(keys[0], [0])
sc.create("近期")
sc.add_ids("belt", ["b1"])
sc.add_rule("rooftop", "score >= 60")
apply_overrides(ps.project, ["land_use.where=DLBM LIKE '08%'"])
while ps.undo_stack.can_undo:
    ps.undo()
assert not ps.dirty and ps.entries == [] and ps.project.scenarios == []
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
print(bad)
raise SystemExit(1 if bad else 0)
"""


def test_models_import_and_run_without_qt() -> None:
    res = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.strip() == "[]"


def test_the_check_fails_when_qt_is_imported() -> None:
    """The same check with one Qt import fails: the test above can fail."""
    code = CODE.replace("import sys\n", "import sys\nimport PySide6.QtCore\n", 1)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 1 and "PySide6" in res.stdout, res.stdout + res.stderr
