"""Where the shipped resources (fonts, styles, standards, translations) are.

Three layouts, looked up in this order:

1. ``GREENPLAN_RESOURCES`` environment variable (tests, special deployments);
2. a frozen PyInstaller bundle: ``<bundle>/resources``;
3. a source checkout or editable install: ``<repo>/resources`` beside the package;
4. a regular install: the ``greenplan._resources`` package that ``pyproject.toml`` maps.
"""

from __future__ import annotations

import functools
import os
import sys
import tomllib
from pathlib import Path
from typing import Any


@functools.cache
def resources_dir() -> Path:
    """The folder holding ``fonts/``, ``styles/``, ``standards/`` ..."""
    env = os.environ.get("GREENPLAN_RESOURCES")
    if env:
        return Path(env)
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        return Path(meipass) / "resources"
    here = Path(__file__).resolve().parent.parent  # greenplan/
    repo = here.parent / "resources"
    if (repo / "standards").is_dir():
        return repo
    return here / "_resources"


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource, e.g. ``resource_path("standards", "thresholds.toml")``."""
    return resources_dir().joinpath(*parts)


@functools.cache
def load_resource_toml(*parts: str) -> dict[str, Any]:
    """Parsed TOML resource (cached; treat the result as read-only)."""
    with open(resource_path(*parts), "rb") as fh:
        return tomllib.load(fh)


def sample_dir() -> Path:
    """The bundled demo county (``sample_layers/``)."""
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        return Path(meipass) / "sample_layers"
    return Path(__file__).resolve().parent.parent.parent / "sample_layers"
