"""The frozen smoke test under pytest: build the PyInstaller bundle, run its executables.

Slow (a PyInstaller build: about a minute here, several on a CI runner), so every test is
marked ``frozen`` and the README's test command deselects them (``-m "not frozen"``).
Run them with::

    pytest -m frozen tests/frozen/test_frozen.py

``GREENPLAN_FROZEN_BUNDLE=dist/GreenPlan`` tests an existing bundle instead of building one.
The checks themselves live in ``packaging/smoke_test.py`` (also a command-line tool).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.frozen


def _load_smoke_test():
    # packaging/ is not importable as a package ("packaging" is a PyPI name)
    name = "greenplan_packaging_smoke_test"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging" / "smoke_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


smoke = _load_smoke_test()


@pytest.fixture(scope="session")
def frozen(tmp_path_factory: pytest.TempPathFactory):
    existing = os.environ.get("GREENPLAN_FROZEN_BUNDLE")
    if existing:
        bundle = smoke.Bundle(Path(existing))
    else:
        base = tmp_path_factory.mktemp("pyinstaller")
        took = smoke.build_bundle(base / "dist", base / "work")
        print(f"build time: {took:.0f} s")
        bundle = smoke.Bundle(base / "dist" / smoke.BUNDLE_NAME)
    assert bundle.cli.is_file(), f"no bundle at {bundle.root}"
    return smoke.Context(bundle, tmp_path_factory.mktemp("smoke"))


@pytest.mark.parametrize("check", list(smoke.CHECKS))
def test_frozen_bundle(frozen, check: str) -> None:
    detail = smoke.CHECKS[check](frozen)
    print(f"{check}: {detail}")
