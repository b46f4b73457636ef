"""The self-test's text services check: Chinese collation and CJK glyphs (frozen bundle's ICU)."""

from __future__ import annotations


def test_chinese_sorts_in_pinyin_order_and_the_font_has_the_glyphs(qtbot) -> None:
    from greenplan.gui.app import PINYIN_ORDER, check_text_services, create_application

    create_application()
    # the expected order is the pinyin of the names (běi jīng, guǎng zhōu, shàng hǎi), not the
    # code points (上 U+4E0A comes first there)
    assert PINYIN_ORDER == ("北京", "广州", "上海") and sorted(PINYIN_ORDER) == ["上海", "北京", "广州"]
    assert check_text_services() is None


def test_a_collation_without_chinese_data_is_reported(qtbot, monkeypatch) -> None:
    from PySide6.QtCore import QLocale

    from greenplan.gui import app

    app.create_application()
    # the C locale's collation is the root one, what ICU falls back to without Chinese data
    class RootLocale(QLocale):
        def __init__(self, *_args) -> None:
            super().__init__(QLocale.Language.C)

    monkeypatch.setattr(app, "QLocale", RootLocale)
    problem = app.check_text_services()
    assert problem is not None and "Chinese collation gives ('上海', '北京', '广州')" in problem
