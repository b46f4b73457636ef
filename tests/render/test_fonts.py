"""The bundled CJK font: registration, glyph coverage, rc settings."""

from __future__ import annotations

from matplotlib import font_manager

from greenplan.render.fonts import (
    cjk_font_name,
    cjk_font_path,
    ensure_cjk_font,
    font_rc,
    missing_glyphs,
)


def test_registration_is_idempotent_and_resolves_to_the_bundled_file() -> None:
    a, b = ensure_cjk_font(), ensure_cjk_font()
    assert a.get_family() == b.get_family() == ["WenQuanYi Micro Hei"] == [cjk_font_name()]
    path = cjk_font_path()
    assert sum(1 for f in font_manager.fontManager.ttflist if f.fname == str(path)) == 1
    assert font_manager.findfont(a, fallback_to_default=False) == str(path)


def test_missing_glyphs_covers_map_vocabulary() -> None:
    vocabulary = ("生态保护红线 永久基本农田 城镇开发边界 图　例 比例尺 1:250 000 北 编制单位：编制日期："
                  "2000国家大地坐标系 中央经线105°E（EPSG:4544） m² ㎡ ≥ ≤ ％ Ⅰ级 Ⅱ级 Ⅲ级 — · 达标 未达标\n")
    assert missing_glyphs(vocabulary) == set()
    assert missing_glyphs("\U00020000 a") == {"\U00020000"}  # CJK extension B: not in the font


def test_rc_embeds_truetype() -> None:
    rc = font_rc()
    assert rc["pdf.fonttype"] == 42 and rc["font.family"] == [cjk_font_name()] and rc["axes.unicode_minus"] is False
