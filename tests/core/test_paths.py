"""One Windows-safe file-name rule (core.paths.safe_file_name), used by batch sheets and scenario folders."""

from __future__ import annotations

import pytest

from greenplan.core.paths import safe_file_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("城关镇", "城关镇"),  # Chinese kept as is
        ("510123001_城关镇 街道", "510123001_城关镇 街道"),  # inner spaces kept
        ('a<b>c:d"e/f\\g|h?i*j', "a_b_c_d_e_f_g_h_i_j"),  # each reserved character -> _
        ("近期方案...", "近期方案"),  # Windows drops trailing dots
        ("近期方案 . ", "近期方案"),  # and trailing spaces
        ("  .隐藏", "隐藏"),  # a leading dot would hide the folder elsewhere
        ("CON", "CON_"),
        ("nul", "nul_"),
        ("NUL.txt", "NUL_.txt"),  # reserved before an extension too
        ("com1.pdf", "com1_.pdf"),
        ("LPT9", "LPT9_"),
        ("CONSOLE", "CONSOLE"),  # only the exact device names
        ("COM10", "COM10"),
        ("tab\there", "tab_here"),
    ],
)
def test_safe_file_name(text, expected):
    assert safe_file_name(text) == expected


def test_empty_result_gives_fallback():
    assert safe_file_name(" . ") == "_"
    assert safe_file_name("", fallback="scenario") == "scenario"


def test_result_is_a_usable_file_name(tmp_path):
    for text in ['近期/方案: "A"', "CON", "城关镇?.", "a*b"]:
        name = safe_file_name(text)
        (tmp_path / name).mkdir()
        assert (tmp_path / name).is_dir()
        assert not set('<>:"/\\|?*') & set(name)


def test_batch_and_scenario_names_use_the_one_rule():
    """Both former copies now give the same name for the same text."""
    pytest.importorskip("PySide6")
    from greenplan.app.scenario_paths import folder_name
    from greenplan.jobs._batch_outputs import safe_name

    for text in ["城关镇. ", " 近期/方案", "nul", '甲:"乙"']:
        assert safe_name(text) == folder_name(text) == safe_file_name(text)
