"""The candidates panel names the reasons with the words the command line and the spreadsheets use.

A township 东街道 (1000 × 1000 m, EPSG:4544) with two arterial roads 800 m long and 20 m
wide: 人民路 inside it, 外环路 2 km outside it. An arterial's belt is 20 m per side, so
the belt of 外环路 lies wholly outside the study area and is no candidate
(``outside_study_area``); its whole band is reported as clipped off:
2 × 20 × 800 + π (30² − 10²) ≈ 34,513 m² (straight band plus the round ends, by hand).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
import shapely
from PySide6.QtCore import Qt

BAND_M2 = 2 * 20 * 800 + math.pi * (30**2 - 10**2)  # the belt band of one 800 m arterial, by hand
#: the reason as ``greenplan candidates`` prints it and the summary spreadsheet says it
OUTSIDE = {"zh": "位于研究范围（行政区或土地利用范围）外", "en": "outside the study area (admin units, else land use)"}


@pytest.fixture
def belt_town(window, build, cn_dir, wait_idle):
    gpkg = cn_dir / "城区 数据.gpkg"
    x0, y0 = build.X0, build.Y0
    build.write(build.frame([build.box(0, 0, 1000, 1000)], name=["东街道"], population=[1000]), gpkg, "admin_units")
    build.write(build.frame([shapely.LineString([(x0 + 100, y0 + 500), (x0 + 900, y0 + 500)]),
                             shapely.LineString([(x0 + 100, y0 + 3000), (x0 + 900, y0 + 3000)])],
                            **{"class": ["arterial", "arterial"], "width_m": [20.0, 20.0], "name": ["人民路", "外环路"]}),
                gpkg, "roads")
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r} for r in ("admin_units", "roads")]
    window.ops.open_project(build.write_project(cn_dir, layers), ask=False)
    wait_idle(window)
    return window


def headers(page) -> list[str]:
    m = page.model
    return [m.headerData(i, Qt.Orientation.Horizontal) for i in range(m.columnCount())]


def column(page, header: str) -> list:
    m = page.model
    c = headers(page).index(header)
    return [m.data(m.index(r, c)) for r in range(m.rowCount())]


def test_a_belt_outside_the_study_area_reads_as_the_cli_says(qtbot, belt_town):
    from greenplan.jobs.candidates import reason_labels

    w = belt_town
    worker = w.show_candidates()
    assert worker is not None
    qtbot.waitUntil(lambda: w.candidates.worker is None, timeout=60_000)
    belts = w.candidates.pages["belt"]
    belts.only.setChecked(False)
    assert column(belts, "名称") == ["人民路", "外环路"]
    assert column(belts, "未入选原因") == ["", OUTSIDE["zh"]]
    assert OUTSIDE["zh"] == reason_labels("belt", "zh")["outside_study_area"]
    outside = [float(v.replace(",", "")) for v in column(belts, "研究范围外扣除（㎡）")]
    assert outside[0] == 0.0 and outside[1] == pytest.approx(BAND_M2, rel=1e-3)
    assert [float(v.replace(",", "")) for v in column(belts, "水域扣除（㎡）")] == [0.0, 0.0]
    w.set_language("en")
    assert column(belts, "Reason") == ["", OUTSIDE["en"]]
    assert OUTSIDE["en"] == reason_labels("belt", "en")["outside_study_area"]
    assert {"Outside the study area (m²)", "On water (m²)"} <= set(headers(belts))


def test_every_reason_has_words_in_both_languages():
    """Each reason code of each kind has its own Chinese and English label (none falls back to the code)."""
    from greenplan.analysis import green_belts, pocket_parks, rooftop
    from greenplan.app.candidate_view import reason_texts
    from greenplan.jobs.candidates import reason_labels

    for kind, mod in (("rooftop", rooftop), ("pocket_park", pocket_parks), ("belt", green_belts)):
        codes = [c for c in mod.REASONS if c]
        zh, en = reason_labels(kind, "zh"), reason_labels(kind, "en")
        assert all(en[c] != c.replace("_", " ") and en[c] != zh[c] for c in codes), kind
        frame = pd.DataFrame({"reason": codes})
        assert reason_texts(frame, kind, "en").tolist() == [en[c] for c in codes]
        assert reason_texts(frame, kind, "zh").tolist() == [mod.REASONS[c] for c in codes]
    assert reason_labels("rooftop", "en")["roof_unknown"] == "without roof type or DSM"
    assert reason_labels("pocket_park", "en")["outside_built_up"] == "outside the built-up area"
