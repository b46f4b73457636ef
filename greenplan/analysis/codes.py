"""Land-use code → category matching (``shared/indicators.md``, "Code systems").

The tables ship in ``resources/standards/code_tables.toml`` (三调 ``sandiao`` and 用地用海
``yongdi2023``); a project overrides single categories through the setting
``code_tables``. Matching rules:

1. A trailing suffix letter is stripped (``0301K`` → ``0301``) unless the suffixed code
   itself is listed somewhere in the table (``0810A``).
2. ``NNxx`` covers every code starting with ``NN`` (``05xx`` covers ``0508``, ``05H1``
   and a bare ``05``); a listed 4-digit code, and an ``except`` entry, covers its 6-digit
   sub-codes (``0701`` covers ``070101``; ``081001`` is not construction).
3. A code in no category is ``unknown``: reported once per code, never guessed. A pure
   three-digit code (``031``, ``087``) is never matched by ``NNxx``: neither code system has
   three-digit codes, and such a code is a second-survey (二调) one whose first two digits
   mean something else (二调 ``087`` is park green, 三调 ``08xx`` public buildings).
4. ``ignore`` (the target of a class mapping for features that are no land use, such as a
   nature-reserve designation) is in no category and is not unknown.

Codes are classified once per distinct value (a few dozen), then mapped back to the
parcels, so the cost does not grow with the parcel count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from greenplan.core.errors import SettingError
from greenplan.core.resources import load_resource_toml

#: the categories that decide whether a code is known (a code in none of them is unknown)
BASE_CATEGORIES = ("farmland", "vegetation", "park_green", "green_space", "construction", "residential", "water", "other")
#: subsets of vegetation read only by forest_coverage / forest_grass_coverage (estimates from
#: codes, ``shared/domain.md`` §7.5); they never make a code known nor show as what it counts as
SUB_CATEGORIES = ("forest", "woodland", "grassland")
CATEGORIES = (*BASE_CATEGORIES, *SUB_CATEGORIES)
_SUFFIX = re.compile(r"[A-Z]+$")
#: the normalised code of a parcel a class mapping marked ``ignore``
IGNORED = "IGNORE"
_PREFIX = re.compile(r"^(\d\d)XX$")


def _covers(entries: frozenset[str], code: str) -> bool:
    return code in entries or (len(code) == 6 and code.isdigit() and code[:4] in entries)


@dataclass(frozen=True)
class CodeRule:
    """The members of one category: listed codes, ``NNxx`` prefixes, exceptions."""

    exact: frozenset[str]
    prefixes: frozenset[str]
    excepts: frozenset[str]

    @classmethod
    def parse(cls, codes: Iterable[Any], excepts: Iterable[Any] = ()) -> CodeRule:
        exact, prefixes = set(), set()
        for raw in codes:
            c = str(raw).strip().upper()
            m = _PREFIX.match(c)
            if m:
                prefixes.add(m.group(1))
            elif c:
                exact.add(c)
        return cls(frozenset(exact), frozenset(prefixes), frozenset(str(e).strip().upper() for e in excepts))

    def matches(self, code: str) -> bool:
        """True if ``code`` (already normalized and suffix-stripped) is a member.

        Examples
        --------
        >>> rule = CodeRule.parse(["08xx", "1001"], ["0810", "0810A"])
        >>> [rule.matches(c) for c in ("0809", "08H1", "0810", "081001", "08", "100101", "087")]
        [True, True, False, False, True, True, False]
        """
        if _covers(self.excepts, code):
            return False
        if len(code) == 3 and code.isdigit():  # a 二调 code: its first two digits mean something else
            return code in self.exact
        return _covers(self.exact, code) or (len(code) >= 2 and code[:2] in self.prefixes)


@dataclass(frozen=True)
class CodeTable:
    """One code system: category rules in the order of :data:`CATEGORIES`."""

    system: str
    name: str
    rules: dict[str, CodeRule]

    @property
    def listed(self) -> frozenset[str]:
        out: set[str] = set()
        for r in self.rules.values():
            out |= r.exact | r.excepts
        return frozenset(out)

    def base_code(self, code: str) -> str:
        """``code`` with a trailing suffix letter stripped, unless the suffixed code is listed."""
        if code in self.listed:
            return code
        return _SUFFIX.sub("", code)

    def categories_of(self, code: str, *, sub: bool = False) -> tuple[str, ...]:
        """Categories of one normalized code (empty: unknown); with ``sub``, the subsets
        (``forest``, ``woodland``, ``grassland``) too, for codes in a base category.

        Examples
        --------
        >>> t = load_code_table("sandiao")
        >>> t.categories_of("0301K"), t.categories_of("070101"), t.categories_of("081001")
        (('vegetation',), ('construction', 'residential'), ('vegetation', 'park_green', 'green_space'))
        >>> t.categories_of("0810A"), t.categories_of("09"), t.categories_of("9999")
        (('green_space',), ('construction',), ())
        >>> t.categories_of("0301", sub=True), t.categories_of("0305", sub=True)
        (('vegetation', 'forest', 'woodland'), ('vegetation', 'woodland'))
        """
        base = self.base_code(code)
        if not base:
            return ()
        cats = tuple(cat for cat in BASE_CATEGORIES if self.rules[cat].matches(base))
        if not sub or not cats:  # a subset never makes an unknown code known
            return cats
        return cats + tuple(cat for cat in SUB_CATEGORIES if self.rules[cat].matches(base))

    def classify(self, values: Iterable[Any] | pd.Series) -> CodeClasses:
        """Categories of every parcel code (see :class:`CodeClasses`)."""
        series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
        numeric = pd.api.types.is_numeric_dtype(series.dtype)
        inv, uniq = pd.factorize(series, use_na_sentinel=True)
        norm = [normalize_code(v, numeric=numeric) for v in uniq]
        if numeric and any(len(c) == 2 and c.isdigit() and c >= "10" for c in norm):
            # two-digit numbers (11, 31, 87) are second-survey codes that lost their leading
            # zero (011, 031, 087): the column is 二调, so its three-digit numbers (101, 122)
            # are 二调 codes too, not 三调 codes without their zero
            norm = [_erdiao_text(v) for v in uniq]
        member = np.zeros((len(uniq) + 1, len(CATEGORIES)), dtype=bool)  # last row: missing code
        for i, c in enumerate(norm):
            cats = self.categories_of(c, sub=True)
            for cat in cats:
                member[i, CATEGORIES.index(cat)] = True
        idx = np.where(inv < 0, len(uniq), inv)
        codes = np.array([*norm, ""], dtype=object)[idx]
        # a number cannot carry a leading zero: any there was added by normalize_code
        padded = numeric and any(c.startswith("0") for c in norm)
        return CodeClasses(codes=codes, member=member[idx], padded=bool(padded))


def normalize_code(value: Any, *, numeric: bool = False) -> str:
    """A code as text: stripped, upper case; numbers that lost their leading zero padded.

    Examples
    --------
    >>> normalize_code(" 0301k "), normalize_code(101.0, numeric=True), normalize_code(None)
    ('0301K', '0101', '')
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if numeric or isinstance(value, (int, np.integer, float, np.floating)):
        f = float(value)
        text = str(int(f)) if f.is_integer() else str(value)
        if text.isdigit() and len(text) % 2 == 1:
            text = "0" + text  # a DBF/Excel number lost the leading zero: 101 -> 0101
        return text
    return str(value).strip().upper()


def _erdiao_text(value: Any) -> str:
    """A numeric second-survey code as text: 11 → "011", 101 → "101"."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    f = float(value)
    return str(int(f)).zfill(3) if f.is_integer() else str(value)


@dataclass
class CodeClasses:
    """Per-parcel categories.

    Attributes
    ----------
    codes : ndarray of str
        Normalized code of each parcel ("" when missing).
    member : ndarray of bool, shape (n, len(CATEGORIES))
    padded : bool
        Numeric codes were zero-padded (noted in the output).
    """

    codes: np.ndarray
    member: np.ndarray
    padded: bool = False

    def has(self, category: str) -> np.ndarray:
        return self.member[:, CATEGORIES.index(category)]

    def __post_init__(self) -> None:
        # asked for by several indicators on 100,000 parcels: computed once
        self._ignored = np.asarray(self.codes == IGNORED, dtype=bool)
        self._unknown = ~self.member[:, : len(BASE_CATEGORIES)].any(axis=1) & ~self._ignored

    @property
    def ignored(self) -> np.ndarray:
        """Parcels a class mapping marked ``ignore`` (no land use: in no category, not unknown)."""
        return self._ignored

    @property
    def unknown(self) -> np.ndarray:
        return self._unknown

    def bucket(self, order: tuple[str, ...] = ("vegetation", "construction", "water")) -> np.ndarray:
        """First category of ``order`` each parcel is in, else ``other`` (known) / ``unknown``
        (``ignored`` for parcels a class mapping marked ``ignore``)."""
        out = np.where(self.unknown, "unknown", "other").astype(object)
        out[self.ignored] = "ignored"
        for cat in reversed(order):
            out[self.has(cat)] = cat
        return out


def _bad_table(system: str, what: str) -> SettingError:
    return SettingError(
        f"Code table '{system}': {what}.",
        f"地类代码表“{system}”：{what}。",
        key=f"code_tables.{system}",
        hint_en=f"Valid code systems: sandiao, yongdi2023; categories: {', '.join(CATEGORIES)}.",
        hint_zh=f"可用代码体系：sandiao、yongdi2023；类别：{'、'.join(CATEGORIES)}。",
    )


def load_code_table(system: str, overrides: Mapping[str, Any] | None = None) -> CodeTable:
    """The shipped table of ``system``, with per-category ``overrides``.

    Parameters
    ----------
    system : str
        ``sandiao`` or ``yongdi2023`` (setting ``code_system``).
    overrides : mapping, optional
        The setting ``code_tables``: ``{system: {category: [codes] | {codes, except}}}``;
        a category given replaces the shipped one.

    Raises
    ------
    SettingError
        Unknown system or category, or a malformed override.
    """
    data = load_resource_toml("standards", "code_tables.toml")
    if system not in data or not isinstance(data[system], dict):
        raise _bad_table(system, "unknown code system / 未知代码体系")
    table = data[system]
    custom = dict((overrides or {}).get(system, {}) or {})
    rules: dict[str, CodeRule] = {}
    for cat in CATEGORIES:
        spec = custom.pop(cat, table.get(cat, {}))
        if isinstance(spec, (list, tuple)):
            spec = {"codes": spec}
        if not isinstance(spec, dict) or not isinstance(spec.get("codes", []), (list, tuple)):
            raise _bad_table(system, f"category '{cat}' must be a list of codes or {{codes, except}}")
        rules[cat] = CodeRule.parse(spec.get("codes", []), spec.get("except", []))
    if custom:
        raise _bad_table(system, f"unknown categories {sorted(custom)}")
    return CodeTable(system=system, name=str(table.get("name", system)), rules=rules)
