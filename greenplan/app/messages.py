"""Bilingual progress texts shown in one language.

The analysis and jobs layers report progress as ``"中文 / English"`` (the CLI prints both,
since it does not know the reader's language). The desktop app shows the half of the
interface language: :func:`in_language`.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")


def in_language(text: str, lang: str) -> str:
    """The ``lang`` half of a ``"中文 / English"`` text; other texts unchanged.

    The split is at the last ``" / "`` with Chinese before it and none after it, so a
    path or a name containing a slash stays whole.

    Examples
    --------
    >>> in_language("完成 / done", "en")
    'done'
    >>> in_language("绿带：扣除建筑、水域与现状绿地 / belts: minus buildings, water, green", "zh")
    '绿带：扣除建筑、水域与现状绿地'
    >>> in_language("城关街道 · control_lines", "en")
    '城关街道 · control_lines'
    >>> in_language("a / b", "zh")
    'a / b'
    """
    i = text.rfind(" / ")
    while i > 0:
        left, right = text[:i], text[i + 3:]
        if _CJK.search(left) and not _CJK.search(right):
            return left.strip() if lang == "zh" else right.strip()
        i = text.rfind(" / ", 0, i)
    return text
