"""Overlaps within a layer, control-line conflicts with the sliver tolerance, odd extents."""

from __future__ import annotations

import math

import numpy as np
import shapely

from greenplan.io.quality import (
    control_line_overlap,
    far_extents,
    intersection_pieces,
    polygon_overlaps,
)


def test_overlaps_count_pairs_and_shared_area() -> None:
    geoms = np.array([
        shapely.box(0, 0, 10, 10),
        shapely.box(5, 0, 15, 10),  # overlaps the first by 5 × 10 = 50 m²
        shapely.box(15, 0, 20, 10),  # touches the second along an edge: not an overlap
        shapely.box(30, 0, 40, 10),
        shapely.box(30, 0, 40, 10),  # identical to the fourth: 100 m², a duplicate
        shapely.box(39.9, 9.95, 50, 20),  # shares 0.1 × 0.05 = 0.005 m² with each duplicate: slivers
    ])
    r = polygon_overlaps(geoms, ids=[101, 102, 103, 104, 105, 107])
    assert r["pairs"] == 2 and r["duplicates"] == 1
    assert math.isclose(r["area_m2"], 150.0)
    assert r["sliver_pairs"] == 2 and math.isclose(r["sliver_area_m2"], 0.01, rel_tol=1e-6)
    assert r["examples"] == [[104, 105, 100.0], [101, 102, 50.0]]


def test_overlaps_of_a_clean_tessellation_are_zero() -> None:
    x, y = np.meshgrid(np.arange(30.0), np.arange(30.0))
    grid = shapely.box(x.ravel(), y.ravel(), x.ravel() + 1, y.ravel() + 1)
    r = polygon_overlaps(grid)
    assert (r["pairs"], r["area_m2"], r["sliver_pairs"]) == (0, 0.0, 0)


def test_intersection_pieces_merge_overlapping_features() -> None:
    a = np.array([shapely.box(0, 0, 10, 10), shapely.box(5, 0, 15, 10)])  # overlapping features in one layer
    b = np.array([shapely.box(8, 0, 20, 10), shapely.box(100, 0, 101, 1)])
    # (∪a) ∩ (∪b) = [8, 15] × [0, 10] = 70 m², one piece even though two pairs produce it
    assert intersection_pieces(a, b).tolist() == [70.0]
    assert intersection_pieces(a, np.array([], dtype=object)).tolist() == []


def test_control_line_overlap_with_sliver_tolerance() -> None:
    e = np.array([shapely.box(0, 0, 100, 100)])
    f = np.array([shapely.box(90, 0, 200, 100), shapely.box(-0.5, 50, 0.5, 50.5)])  # 1,000 m² + 0.25 m² sliver
    r = control_line_overlap(e, f, sliver_m2=1.0)
    assert r == {"area_m2": 1000.0, "pieces": 1, "slivers": 1, "sliver_m2": 0.25, "noise_pieces": 0, "pass": False}
    only_sliver = control_line_overlap(e, f[1:], sliver_m2=1.0)
    assert only_sliver["pass"] and only_sliver["area_m2"] == 0.0 and only_sliver["slivers"] == 1
    touching = control_line_overlap(e, np.array([shapely.box(100, 0, 200, 100)]))
    assert touching == {"area_m2": 0.0, "pieces": 0, "slivers": 0, "sliver_m2": 0.0, "noise_pieces": 0, "pass": True}
    # a 1e-4 × 1e-4 m overlap (1e-8 m²) is rounding noise of coinciding edges, not a sliver
    noise = control_line_overlap(e, np.array([shapely.box(100 - 1e-4, 0, 200, 1e-4)]))
    assert (noise["slivers"], noise["noise_pieces"], noise["pass"]) == (0, 1, True)


def test_far_extents() -> None:
    county = (500_000.0, 4_250_000.0, 560_000.0, 4_300_000.0)
    near = (520_000.0, 4_260_000.0, 530_000.0, 4_270_000.0)
    wrong_zone = (1_020_000.0, 4_250_000.0, 1_080_000.0, 4_300_000.0)  # 460 km east
    r = far_extents({0: county, 1: near, 2: wrong_zone, 3: None})
    assert set(r) == {2, 3} and r[2] == 460_000.0 and r[3] == math.inf
    assert far_extents({0: county}) == {}
    assert far_extents({0: county, 1: (565_000.0, 4_250_000.0, 570_000.0, 4_260_000.0)}) == {}
