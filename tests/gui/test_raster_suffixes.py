"""The desktop app treats the same file endings as rasters as the loader does (io.raster.RASTER_SUFFIXES)."""

from __future__ import annotations

import pytest

from greenplan.app.role_guess import guess_role, layer_specs_for
from greenplan.gui.dialogs.add_layer_dialog import RASTER_FILTER
from greenplan.io.loader import layer_kind
from greenplan.io.raster import RASTER_SUFFIXES


@pytest.mark.parametrize("suffix", [".jp2", ".img", ".asc", ".vrt", ".JP2", ".nc"])
def test_every_loader_raster_suffix_is_a_raster_in_the_app(tmp_path, suffix):
    path = tmp_path / f"植被 ndvi_2024{suffix}"
    [spec] = layer_specs_for(path)  # the file need not exist for a single-file raster
    assert spec.role == "vegetation_raster"  # a raster role, not a vector one
    assert layer_kind(spec) == "raster"


def test_role_guess_and_file_filter_use_the_loader_list():
    assert guess_role("dsm_town.jp2") == "dsm_raster"
    assert guess_role("dsm_town.jp2", raster=None) == "dsm_raster"
    for s in RASTER_SUFFIXES:
        assert f"*{s}" in RASTER_FILTER.split()
