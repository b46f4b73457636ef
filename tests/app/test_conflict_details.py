"""The conflict table's details say what a planner reads, never raw ids (``cause=construction``)."""

from __future__ import annotations

import geopandas as gpd
import shapely

from greenplan.analysis.causes import cause_name, idle_class_name
from greenplan.analysis.farmland import BUCKETS
from greenplan.analysis.idle_land import CLASSES
from greenplan.app.indicator_view import conflict_details


def test_details_name_the_township_cause_code_and_parcel():
    gdf = gpd.GeoDataFrame({"patch_id": ["HX-001", "HX-002"], "township": ["城关街道", None],
                            "cause": ["construction", "greening_green_space"], "code": ["0701", None],
                            "source_id": ["5101232023", ""], "rule": ["…", "…"]},
                           geometry=[shapely.box(0, 0, 1, 1)] * 2, crs=4544)
    assert conflict_details(gdf, "zh").tolist() == [
        "城关街道 · 建设占用 · 地类：0701 城镇住宅用地 · 图斑号：5101232023",
        "绿化占用永久基本农田（绿地）",
    ]
    assert conflict_details(gdf, "en").tolist()[0] == (
        "城关街道 · built on (construction) · code: 0701 Urban residential land · parcel: 5101232023")


def test_every_cause_and_idle_class_written_by_the_analysis_has_a_name():
    causes = ["construction", "idle_land", "redline_urban", "redline_farmland", "farmland_urban",
              *(f"nonfarm_{b}" for b in BUCKETS)]
    for code in causes:
        for lang in ("zh", "en"):
            assert cause_name(code, lang) not in ("", code)
    for cls in CLASSES:
        assert idle_class_name(cls) != cls and idle_class_name(cls, "en") != cls
    assert cause_name("new_code") == "new_code"  # unknown: shown as it is, never dropped


def test_belt_classes_are_named_in_the_interface_language_as_on_the_map_legend():
    import pandas as pd

    from greenplan.app.candidate_view import belt_class_names, candidate_rows
    from greenplan.render.styles import resolve_style

    f = pd.DataFrame({"candidate_id": ["B1", "B2"], "candidate": [True, True], "reason": ["", ""],
                      "class": ["expressway", "odd_class"], "source": ["road", "road"]})
    assert candidate_rows(f, "belt", "zh")["等级"].tolist() == ["高速公路", "odd_class"]
    assert candidate_rows(f, "belt", "en")["Class"].tolist() == ["expressway", "odd_class"]
    # one vocabulary: the table's Chinese names are the road legend's labels
    legend = {c.values[0]: c.label for c in resolve_style("roads").categories}
    names = belt_class_names()
    assert all(names[k][0] == label for k, label in legend.items())


def test_an_unnamed_custom_crs_is_called_custom_with_what_it_equals():
    """A PROJ string (or a .prj without a name) is named 'unknown' by pyproj: never shown as such."""
    from greenplan.app.project_props import crs_text

    xian80_zone37 = "+proj=tmerc +lat_0=0 +lon_0=111 +k=1 +x_0=37500000 +y_0=0 +ellps=IAU76 +units=m +no_defs"
    assert crs_text(xian80_zone37, "zh") == "自定义坐标系（等同 EPSG:2361 Xian 1980 / 3-degree Gauss-Kruger zone 37）"
    assert crs_text(xian80_zone37, "en") == (
        "custom CRS (equivalent to EPSG:2361 Xian 1980 / 3-degree Gauss-Kruger zone 37)")
    odd = "+proj=tmerc +lat_0=0 +lon_0=111.3 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs"
    assert crs_text(odd, "zh").startswith("自定义坐标系（+proj=tmerc") and "unknown" not in crs_text(odd, "en")
