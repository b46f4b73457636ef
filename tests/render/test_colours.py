"""One colour reader (render.styles.parse_colour, on matplotlib.colors.to_rgba) behind every colour.

Expected values are worked by hand from the hex digits (0x00 = 0, 0xb0 = 176, 0x50 = 80).
"""

from __future__ import annotations

import pytest

from greenplan.core.errors import ProjectFileError
from greenplan.render.raster_style import _rgb
from greenplan.render.styles import normalize_colour, parse_colour, resolve_style, rgb255, rgba


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("#00b050", (0, 176, 80, 255)),
        ("#00B050", (0, 176, 80, 255)),
        ("  #00b050 ", (0, 176, 80, 255)),
        ("#0b5", (0, 187, 85, 255)),  # #rgb doubles each digit
        ("#00b05080", (0, 176, 80, 128)),
        ("red", (255, 0, 0, 255)),
        ("DarkGreen", (0, 100, 0, 255)),  # CSS darkgreen = #006400
        ([0, 176, 80], (0, 176, 80, 255)),  # project-file form: integers 0-255
        ([0, 176, 80, 128], (0, 176, 80, 128)),
        ([1, 1, 1], (1, 1, 1, 255)),  # integers are always 0-255
        ((1.0, 0.0, 0.0), (255, 0, 0, 255)),  # floats 0-1: matplotlib's form
        ([0.0, 176.0, 80.0], (0, 176, 80, 255)),  # floats above 1: 0-255
    ],
)
def test_accepted_colours(value, expected):
    c = parse_colour(value)
    assert tuple(round(v * 255) for v in c) == expected


@pytest.mark.parametrize("value", [None, "", "none", " None "])
def test_no_colour(value):
    assert parse_colour(value) is None
    assert normalize_colour(value) is None
    assert rgba(value) == (0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize("value", ["#00b05", "grenn", "#gg0000", [0, 300, 0], [0, 176], [-1, 0, 0], ["a", 0, 0], 42])
def test_bad_colour_is_a_clear_error_naming_the_key(value):
    with pytest.raises(ProjectFileError) as exc:
        parse_colour(value, key="fill")
    assert exc.value.key == "style.fill"
    assert "fill" in exc.value.en
    assert "样式项“fill”" in exc.value.zh


def test_bad_colour_in_a_project_style_names_the_key():
    with pytest.raises(ProjectFileError) as exc:
        resolve_style("green_space", {"fill": "grenn"})
    assert exc.value.key == "style.fill"


def test_every_reader_agrees():
    """Map (rgba), raster legend (_rgb, rgb255), project file (normalize_colour) and the app (gui to_rgba)."""
    for value in ["#00b050", "#0b5", "darkgreen", [0, 176, 80]]:
        r, g, b, _ = (round(v * 255) for v in parse_colour(value))
        assert rgb255(value) == _rgb(normalize_colour(value)) == (r, g, b)
        assert tuple(round(v * 255) for v in rgba(value, 0.5)[:3]) == (r, g, b)
        assert rgba(value, 0.5)[3] == 0.5
        assert normalize_colour(value) == f"#{r:02x}{g:02x}{b:02x}"
    pytest.importorskip("PySide6")
    from greenplan.gui.canvas.render_styles import to_rgba

    assert to_rgba("#00b050", 0.5) == (0, 176, 80, 128)
    assert to_rgba("#00b05080") == (0, 176, 80, 128)
    assert to_rgba("darkgreen") == (0, 100, 0, 255)
    assert to_rgba("none") is None
    with pytest.raises(ProjectFileError):
        to_rgba("grenn")  # was None: a misspelt colour silently drew nothing


def test_hex_colours_read_without_matplotlib_equal_matplotlibs_reading():
    """``#rrggbb[aa]`` is read with bytes.fromhex (no matplotlib import in the desktop canvas);
    every such colour gives what matplotlib.colors.to_rgba gives, and what is no hex colour
    still goes to matplotlib for its error."""
    import random

    from matplotlib.colors import to_rgba

    rng = random.Random(3)
    for _ in range(500):
        text = "#" + "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(rng.choice((6, 8))))
        assert parse_colour(text) == tuple(float(c) for c in to_rgba(text)), text
    for bad in ("#00 b05", "#00b0 50", "#00b05g", "#xyzxyz"):
        with pytest.raises(ProjectFileError):
            parse_colour(bad)


def test_resolving_styles_does_not_import_matplotlib():
    """The desktop canvas resolves every layer style; with hex colours that needs no matplotlib."""
    import subprocess
    import sys

    code = ("import sys; from greenplan.render.styles import resolve_style; "
            "[resolve_style(r) for r in ('land_use', 'green_space', 'roads', 'admin_units')]; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
