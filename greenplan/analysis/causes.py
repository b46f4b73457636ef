"""Names of conflict cause codes and idle-land classes, in Chinese or English (one label table).

Cause codes are written by :mod:`greenplan.analysis.conflicts` (``construction``,
``redline_farmland``, ``nonfarm_water``, ``greening_green_space`` …); their names live in
``resources/standards/causes.toml``. A code the table does not know is shown as it is,
never dropped.
"""

from __future__ import annotations

from functools import cache

from greenplan.core.resources import load_resource_toml
from greenplan.core.roles import ROLES


@cache
def _table() -> dict:
    return load_resource_toml("standards", "causes.toml")


def cause_name(code: object, lang: str = "zh") -> str:
    """The name of cause ``code``.

    Examples
    --------
    >>> cause_name("construction")
    '建设占用'
    >>> cause_name("redline_farmland", "en")
    'red line overlaps permanent farmland'
    >>> cause_name("greening_green_space")
    '绿化占用永久基本农田（绿地）'
    >>> cause_name("something_new")
    'something_new'
    >>> cause_name(None)
    ''
    """
    if code is None or (isinstance(code, float) and code != code):
        return ""
    code = str(code)
    lang = "en" if lang == "en" else "zh"
    data = _table()
    entry = data.get("causes", {}).get(code)
    if entry is not None:
        return str(entry[lang])
    for prefix, names in data.get("prefixes", {}).items():
        if code.startswith(prefix):
            role = code[len(prefix):]
            label = ROLES[role].label(lang) if role in ROLES else role
            return f"{names[lang]}（{label}）" if lang == "zh" else f"{names[lang]} ({label})"
    return code


def idle_class_name(code: object, lang: str = "zh") -> str:
    """The name of idle-land class ``code`` (:data:`greenplan.analysis.idle_land.CLASSES`).

    Examples
    --------
    >>> idle_class_name("fee_20pct")
    '未动工满一年（征收闲置费）'
    >>> idle_class_name("recover", "en")
    'not started for 2+ years (may be recovered)'
    """
    if code is None or (isinstance(code, float) and code != code):
        return ""
    entry = _table().get("idle_classes", {}).get(str(code))
    return str(entry["en" if lang == "en" else "zh"]) if entry is not None else str(code)
