"""``greenplan candidates`` on OpenStreetMap buildings without a roof type or a DSM (issue 11, item 9).

The buildings are a Geofabrik-style shapefile (``gis_osm_buildings_a_free_1``: ``osm_id``,
``code``, ``fclass``, ``name``, ``type``; lon/lat WGS 84), 1,450 of them: building i is a
20 × 20 m square (400 m²) in EPSG:4544, except every tenth (i = 0, 10, …) which is 9 × 9 m
(81 m², too small). No height, structure or year fields: those tests are not applied.
"""

from __future__ import annotations

import argparse
import json

import geopandas as gpd
import pyogrio
import pytest

import greenplan.cli.candidates as cli_candidates
from greenplan.cli.common import guarded

N = 1450
SMALL = N // 10  # i = 0, 10, …, 1440: 145 squares of 81 m²


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="greenplan")
    sub = parser.add_subparsers(dest="command")
    cli_candidates.add_parser(sub).set_defaults(_run=cli_candidates.run)
    args = parser.parse_args(argv)
    return guarded(args._run, args)


@pytest.fixture
def osm_project(build, cn_dir):
    geoms = [build.box(30 * (i % 50), 30 * (i // 50), 9 if i % 10 == 0 else 20, 9 if i % 10 == 0 else 20) for i in range(N)]
    gdf = gpd.GeoDataFrame(
        {"osm_id": [str(600_000_000 + i) for i in range(N)], "code": [1500] * N, "fclass": ["building"] * N,
         "name": [None] * N, "type": (["house", None, "apartments", "residential", None] * N)[:N]},
        geometry=gpd.GeoSeries(geoms, crs="EPSG:4544"), crs="EPSG:4544").to_crs("EPSG:4326")
    shp = cn_dir / "gis_osm_buildings_a_free_1.shp"
    pyogrio.write_dataframe(gdf, shp, encoding="UTF-8")
    layers = [{"name": "OSM 建筑", "source": shp.name, "role": "buildings"}]
    return build.write_project(cn_dir, layers, crs="EPSG:4544")


def test_unknown_roofs_are_counted_on_screen_and_in_the_summary(osm_project, tmp_path, capsys) -> None:
    out = tmp_path / "候选 输出"
    assert cli(["candidates", str(osm_project), "--out", str(out), "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "0 of 1,450" in text
    assert "1,450 without roof type or DSM (roof_unknown)" in text
    assert "--set rooftop_unknown_roof=flat" in text and "Traceback" not in text
    doc = json.loads((out / "candidates_summary.json").read_text(encoding="utf-8"))
    assert doc["kinds"]["rooftop"]["reasons"] == {"roof_unknown": N}
    assert doc["kinds"]["rooftop"]["candidates"] == 0


def test_unknown_roofs_in_chinese(osm_project, tmp_path, capsys) -> None:
    assert cli(["candidates", str(osm_project), "--out", str(tmp_path / "o"), "--quiet", "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "0 / 1,450" in text and "1,450 个屋顶形式未知（无DSM且无屋顶类型）（roof_unknown）" in text


def test_unknown_roofs_taken_as_flat(osm_project, tmp_path, capsys) -> None:
    out = tmp_path / "平屋顶"
    assert cli(["candidates", str(osm_project), "--out", str(out), "--quiet", "--set", "rooftop_unknown_roof=flat"]) == 0
    text = capsys.readouterr().out
    # by hand: 1,450 - 145 too small = 1,305 candidates of 400 m² each
    assert f"{N - SMALL:,} of 1,450" in text and f"{SMALL} roof too small (too_small)" in text
    assert "1,450 without roof type or DSM taken as flat" in text and "roof_unknown" not in text
    doc = json.loads((out / "candidates_summary.json").read_text(encoding="utf-8"))
    roof = doc["kinds"]["rooftop"]
    assert roof["candidates"] == N - SMALL and roof["reasons"] == {"too_small": SMALL} and roof["assumed_flat"] == N
    # the squares went through WGS 84 and back: areas agree to well below a square millimetre
    assert roof["area_m2"] == pytest.approx((N - SMALL) * 400.0, abs=1e-3)
    assert roof["planted_m2"] == pytest.approx((N - SMALL) * 400.0 * 0.7, abs=1e-3)
