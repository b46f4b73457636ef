"""A feature whose label field is empty is labelled "（未命名）" on maps, never "nan" or "None"."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import shapely

from greenplan.render.draw import UNNAMED, label_texts, prepare_layer
from greenplan.render.styles import resolve_style

X0, Y0 = 520_000.0, 3_330_000.0


def test_null_township_names_print_as_unnamed() -> None:
    names = ["城关镇", None, np.nan, "  ", "西街道"]
    units = gpd.GeoDataFrame({"name": names},
                             geometry=[shapely.box(X0 + 2000 * i, Y0, X0 + 2000 * i + 1800, Y0 + 1800) for i in range(5)],
                             crs="EPSG:4544")
    style = dataclasses.replace(resolve_style("admin_units"), label_field="name", label_size=9.0)
    drawing = prepare_layer(units, style, extent=(X0 - 100, Y0 - 100, X0 + 10_100, Y0 + 2_000), pixel_size=10.0)
    texts = [t for _, _, t, _ in drawing.labels]
    assert texts == ["城关镇", UNNAMED, UNNAMED, UNNAMED, "西街道"] and UNNAMED == "（未命名）"
    assert not {"nan", "None", ""} & set(texts)


def test_label_texts_of_a_number_column() -> None:
    assert label_texts(np.array([1.5, np.nan])).tolist() == ["1.5", UNNAMED]
