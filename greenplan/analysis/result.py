"""Result objects of the indicators: one :class:`Indicator` per key, overall and per unit.

:meth:`Indicator.to_dict` gives exactly the indicator object of ``shared/indicators.md``::

    {"value", "unit", "numerator_m2", "denominator_m2", "method", "threshold", "grade",
     "pass", "notes": [], <extra keys>}

:meth:`IndicatorsResult.to_dict` gives the whole ``indicators.json`` document.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

SCHEMA = "greenplan.indicators/1"

#: output keys, in the order of the specification
KEYS = (
    "green_coverage_vector",
    "green_coverage_raster",
    "green_space_ratio",
    "park_green_per_capita",
    "park_service_coverage",
    "eco_redline_occupation",
    "urban_boundary_utilization",
    "redline_overlaps",
    "farmland_nonfarm_use",
    "farmland_greening_conflict",
    "idle_land",
    "forest_coverage",
    "forest_grass_coverage",
)

UNIT_RATIO = "ratio"
UNIT_M2 = "m²"
UNIT_PER_CAPITA = "m²/person"
UNIT_COUNT = "count"

#: ``not_applicable`` reasons of a per-unit indicator: the unit has none of the area the
#: indicator is measured on (written as the object's ``not_applicable`` key; the words are
#: ``greenplan.analysis.wording.NOT_APPLICABLE_TEXT``)
NA_NO_BUILT_UP = "no_built_up"
NA_NO_URBAN_BOUNDARY = "no_urban_boundary"
NA_NO_REDLINE = "no_redline"
#: the indicators measured on the built-up area B (not applicable in a unit without B)
BUILT_UP_KEYS = (
    "green_coverage_vector",
    "green_coverage_raster",
    "green_space_ratio",
    "park_green_per_capita",
    "park_service_coverage",
)


# The words shown beside these objects (unknown-codes mark, 未评级 ...) are in
# greenplan.analysis.wording, with every other formatter of the results.


def plain(v: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python, NaN/inf to None, dates to ISO text."""
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


@dataclass
class Indicator:
    """One indicator value with its provenance.

    Attributes
    ----------
    key : str
        Output key (``green_coverage_vector`` ...).
    value : float, int or None
        None when an input is missing or a denominator is zero (see ``notes``).
    unit : str
        ``ratio``, ``m²``, ``m²/person`` or ``count``.
    numerator_m2, denominator_m2 : float or None
        For area ratios; None otherwise.
    method : str
        One line: how the value was computed.
    threshold : dict or None
        ``{grade: value}``; ``{"pass": 0}`` for "must be zero" checks.
    grade : str or None
        Best grade reached.
    passed : bool or None
        Written as ``pass``.
    notes : list of str
    extra : dict
        Further keys of the indicator object (``occupied_m2``, ``by_cause`` ...).
    """

    key: str
    value: float | int | None
    unit: str
    numerator_m2: float | None = None
    denominator_m2: float | None = None
    method: str = ""
    threshold: dict[str, float] | None = None
    grade: str | None = None
    passed: bool | None = None
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def note(self, text: str) -> Indicator:
        if text not in self.notes:
            self.notes.append(text)
        return self

    def to_dict(self) -> dict[str, Any]:
        out = {
            "value": self.value,
            "unit": self.unit,
            "numerator_m2": self.numerator_m2,
            "denominator_m2": self.denominator_m2,
            "method": self.method,
            "threshold": self.threshold,
            "grade": self.grade,
            "pass": self.passed,
            "notes": list(self.notes),
        }
        for k, v in self.extra.items():
            if k not in out:
                out[k] = v
        return plain(out)


def missing(key: str, unit: str, method: str, note: str, **extra: Any) -> Indicator:
    """An indicator that cannot be computed: value null with a note."""
    return Indicator(key, None, unit, method=method, notes=[note], extra=dict(extra))


def not_applicable(key: str, unit: str, method: str, reason: str, note: str, **extra: Any) -> Indicator:
    """A per-unit indicator that does not apply: the unit has no area to measure it on
    (``reason``: :data:`NA_NO_BUILT_UP` ...). Value null, ``not_applicable`` = ``reason``."""
    return missing(key, unit, method, note, **extra, not_applicable=reason)


def ratio(key: str, num: float | None, den: float | None, method: str, **extra: Any) -> Indicator:
    """An area ratio clamped to [0, 1]; null with a note when the denominator is zero."""
    ind = Indicator(key, None, UNIT_RATIO, numerator_m2=num, denominator_m2=den, method=method, extra=dict(extra))
    if num is None or den is None:
        return ind
    if den <= 0:
        return ind.note("分母面积为 0，无法计算比例 / denominator area is 0: no ratio")
    ind.value = min(1.0, max(0.0, num / den))
    return ind


def zero_check(key: str, value: float, slivers: int, sliver_m2: float, method: str, **extra: Any) -> Indicator:
    """A "must be zero" area check (value in m², pieces under the tolerance left out)."""
    ind = Indicator(
        key,
        value,
        UNIT_M2,
        method=method,
        threshold={"pass": 0},
        passed=bool(value == 0),
        extra={**extra, "slivers": int(slivers), "sliver_m2": float(sliver_m2)},
    )
    if slivers:
        ind.note(f"{slivers} 个碎片（< 1 m²，合计 {sliver_m2:.3f} m²）未计入 / {slivers} sliver piece(s) under the tolerance left out")
    return ind


@dataclass
class UnitResult:
    """Indicators of one administrative unit (``by_unit`` entry)."""

    code: str | None
    name: str | None
    indicators: dict[str, Indicator] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": plain(self.code), "name": plain(self.name), "indicators": {k: v.to_dict() for k, v in self.indicators.items()}}


@dataclass
class IndicatorsResult:
    """Everything :func:`~greenplan.analysis.indicators.compute_indicators` produces.

    Attributes
    ----------
    overall : dict of key → Indicator
    by_unit : list of UnitResult
    notes : list of str
        File-level notes (repairs, fallbacks, unknown codes, skipped indicators).
    features : dict of name → GeoDataFrame
        Explaining features for ``results.gpkg`` (working CRS).
    crs : str or None
        Working CRS label (``EPSG:4544``).
    as_of : date
    scheme : str
    unknown_codes : list of dict
        ``{role, code, parcels, area_m2}`` per unknown land-use code or green-space class.
    """

    overall: dict[str, Indicator]
    by_unit: list[UnitResult]
    notes: list[str]
    features: dict[str, Any]
    crs: str | None
    as_of: dt.date
    scheme: str
    unknown_codes: list[dict[str, Any]] = field(default_factory=list)
    #: ``unknown_code_tolerance`` the grades were given under
    unknown_code_tolerance: float = 0.01

    def to_dict(self, project: str | None = None, generator: str | None = None) -> dict[str, Any]:
        """The ``indicators.json`` document.

        Parameters
        ----------
        project : str, optional
            Project name (header ``project``).
        generator : str, optional
            Default ``greenplan <version>``.
        """
        if generator is None:
            from greenplan import __version__

            generator = f"greenplan {__version__}"
        doc = {
            "schema": SCHEMA,
            "generator": generator,
            "project": project,
            "crs": self.crs,
            "as_of": self.as_of.isoformat(),
            "scheme": self.scheme,
            "notes": list(self.notes),
            "indicators": {k: v.to_dict() for k, v in self.overall.items()},
            "by_unit": [u.to_dict() for u in self.by_unit],
        }
        if self.unknown_codes:
            doc["unknown_code_tolerance"] = self.unknown_code_tolerance
            doc["unknown_codes"] = plain(self.unknown_codes)
        return doc


@dataclass
class Computed:
    """What one indicator function returns: overall, per unit (None: no units), features,
    and notes for the whole document (added in key order, whichever thread finished first)."""

    overall: Indicator
    by_unit: list[Indicator] | None = None
    features: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
