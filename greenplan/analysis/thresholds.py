"""Grades and pass of the indicators, per threshold scheme (``resources/standards/thresholds.toml``).

A scheme lists its grades best first (``gbt50563``: I, II, III; ``eco_garden_city``: the
single grade ``pass``). ``grade`` is the best grade whose threshold the value reaches,
``pass`` is true when any grade is reached. ``park_green_per_capita`` has one threshold
per band of per-capita construction land (< 80, 80–100, > 100 m² per person).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from greenplan.core.errors import SettingError
from greenplan.core.resources import load_resource_toml

#: indicator key → row of the threshold table
THRESHOLD_ROW = {
    "green_coverage_vector": "green_coverage",
    "green_coverage_raster": "green_coverage",
    "green_space_ratio": "green_space_ratio",
    "park_green_per_capita": "park_green_per_capita",
    "park_service_coverage": "park_service_coverage",
}

#: floating-point slack when comparing a value with a threshold (0.4 computed as 0.39999999999999997)
_EPS = 1e-12


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def band_index(per_capita_m2: float | None, edges: list[float]) -> int | None:
    """Band of per-capita construction land: 0 (< 80), 1 (80–100, both included), 2 (> 100).

    Examples
    --------
    >>> [band_index(v, [80.0, 100.0]) for v in (79.9, 80.0, 100.0, 100.1, None)]
    [0, 1, 1, 2, None]
    """
    if per_capita_m2 is None:
        return None
    lo, hi = edges
    if per_capita_m2 < lo:
        return 0
    if per_capita_m2 > hi:
        return 2
    return 1


BAND_LABELS = ("< 80 m²/人", "80–100 m²/人", "> 100 m²/人")


@dataclass(frozen=True)
class Scheme:
    """One threshold scheme (with project overrides applied)."""

    id: str
    name: str
    grades: tuple[str, ...]
    rows: dict[str, Any]

    def is_banded(self, key: str) -> bool:
        row = self.rows.get(THRESHOLD_ROW.get(key, key))
        return bool(row) and any(isinstance(row.get(g), list) for g in self.grades)

    def thresholds(self, key: str, band: int | None = None) -> dict[str, float] | None:
        """``{grade: threshold}`` of indicator ``key`` (None: not graded in this scheme)."""
        row = self.rows.get(THRESHOLD_ROW.get(key, key))
        if not row:
            return None
        out: dict[str, float] = {}
        for g in self.grades:
            v = row.get(g)
            if v is None:
                continue
            if isinstance(v, list):
                if band is None:
                    return None
                v = v[band]
            out[g] = float(v)
        return out or None

    def band_edges(self, key: str) -> list[float]:
        row = self.rows.get(THRESHOLD_ROW.get(key, key)) or {}
        return [float(x) for x in row.get("band_edges_m2", [80.0, 100.0])]

    def grade(self, key: str, value: float | None, band: int | None = None) -> tuple[str | None, bool | None, dict[str, float] | None]:
        """(grade, pass, threshold) of ``value``; (None, None, …) when it cannot be graded.

        Examples
        --------
        >>> s = load_scheme("gbt50563")
        >>> s.grade("green_coverage_vector", 0.37)
        ('II', True, {'I': 0.4, 'II': 0.36, 'III': 0.34})
        >>> s.grade("park_green_per_capita", 7.2, band=1)[:2]
        ('III', True)
        >>> s.grade("green_space_ratio", 0.2)[:2]
        (None, False)
        """
        th = self.thresholds(key, band)
        if th is None or value is None:
            return None, None, th
        for g in self.grades:
            if g in th and value >= th[g] - _EPS:
                return g, True, th
        return None, False, th


def scheme_name(scheme_id: str, lang: str = "zh") -> str:
    """The name of threshold scheme ``scheme_id`` (its id when the table does not know it).

    Examples
    --------
    >>> scheme_name("gbt50563")
    'GB/T 50563-2010 城市园林绿化评价标准'
    >>> scheme_name("eco_garden_city", "en")
    'National eco-garden city'
    """
    raw = load_resource_toml("standards", "thresholds.toml").get("schemes", {}).get(scheme_id, {})
    name = raw.get("name_en" if lang == "en" else "name") or raw.get("name")
    return str(name) if name else scheme_id


def load_scheme(scheme_id: str, overrides: Mapping[str, Any] | None = None) -> Scheme:
    """Scheme ``scheme_id`` with ``overrides`` (the setting ``thresholds``) applied.

    Raises
    ------
    SettingError
        Unknown scheme.
    """
    data = load_resource_toml("standards", "thresholds.toml")
    schemes = data.get("schemes", {})
    over = (overrides or {}).get(scheme_id, {})
    if scheme_id not in schemes and not over:
        raise SettingError(
            f"Unknown threshold scheme '{scheme_id}'.",
            f"未知的评价标准“{scheme_id}”。",
            key="scheme",
            hint_en="Valid schemes: " + ", ".join(schemes) + ".",
            hint_zh="可用标准：" + "、".join(schemes) + "。",
        )
    raw = _merge(schemes.get(scheme_id, {}), over)
    grades = tuple(raw.get("grades", ("pass",)))
    rows = {k: v for k, v in raw.items() if isinstance(v, dict)}
    return Scheme(id=scheme_id, name=str(raw.get("name", scheme_id)), grades=grades, rows=rows)


def load_rules(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Rule parameters (``[rules]`` and ``[service_radius]``) with overrides applied."""
    data = load_resource_toml("standards", "thresholds.toml")
    over = overrides or {}
    rules = _merge(data.get("rules", {}), over.get("rules", {}))
    rules["service_radius"] = _merge(data.get("service_radius", {}), over.get("service_radius", {}))
    return rules


def service_tiers(rules: Mapping[str, Any], pocket_parks: bool) -> list[tuple[float, float]]:
    """(minimum park area m², radius m) tiers, largest first.

    Examples
    --------
    >>> service_tiers(load_rules(), pocket_parks=True)
    [(5000.0, 500.0), (2000.0, 300.0), (400.0, 300.0)]
    """
    sr = rules["service_radius"]
    tiers = [(float(t["min_area_m2"]), float(t["radius_m"])) for t in sr.get("tiers", [])]
    if pocket_parks and sr.get("pocket_park_tier"):
        t = sr["pocket_park_tier"]
        tiers.append((float(t["min_area_m2"]), float(t["radius_m"])))
    return sorted(tiers, reverse=True)
