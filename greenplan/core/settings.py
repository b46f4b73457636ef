"""Analysis settings: one typed object, read from ``[settings]`` or ``--set KEY=VALUE``.

Every threshold and parameter of ``shared/indicators.md`` that a project may change is a
field here with its documented default. Defaults of tables (code lists, grade
thresholds, belt widths) ship as data in ``resources/standards/``; the fields below
only select or override them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from greenplan.core.errors import SettingError

SCHEMA_VERSION = 1

#: pieces of an intersection smaller than this (m², one square millimetre) are floating-point
#: noise where two boundaries coincide: neither overlaps nor slivers, and never listed
NOISE_M2 = 1e-6

#: lowest valid value of integer settings (``map_vector_max_features = 0`` draws every vector
#: layer as an image in PDF/SVG)
_MINIMUM: dict[str, int] = {"map_vector_max_features": 0}

_CHOICES: dict[str, tuple[str, ...]] = {
    "code_system": ("sandiao", "yongdi2023"),
    "vegetation_raster_kind": ("auto", "ndvi", "landcover", "fraction"),
    "landcover_product": ("auto", "worldcover", "lc100", "clcd", "esacci"),
    "rooftop_unknown_roof": ("exclude", "flat"),
}


@dataclass
class AnalysisSettings:
    """Parameters of the analyses (units in the names).

    Examples
    --------
    >>> s = AnalysisSettings()
    >>> s.ndvi_threshold
    0.3
    >>> s = s.with_overrides({"ndvi_threshold": "0.25", "as_of": "2026-06-30"})
    >>> s.ndvi_threshold, s.as_of.isoformat()
    (0.25, '2026-06-30')
    """

    #: working CRS ("EPSG:4544"); None: the project's, else the nearest CGCS2000 3° GK zone
    crs: str | None = None
    code_system: str = "sandiao"
    #: threshold scheme id (a file in resources/standards/thresholds.toml)
    scheme: str = "gbt50563"
    ndvi_threshold: float = 0.3
    vegetation_raster_kind: str = "auto"
    #: NDVI stored as integers is divided by this (e.g. 10000)
    ndvi_scale: float = 1.0
    #: land-cover classes counted as vegetation; empty: the default classes of the product
    #: (``landcover_product``)
    vegetation_classes: list[int] = field(default_factory=list)
    #: land-cover product of a ``landcover`` raster (class list and palette); auto: the
    #: product whose class list holds every value of the raster
    landcover_product: str = "auto"
    #: a ``fraction`` raster is divided by this (100 for 0–100 percent); None: 100 for integer
    #: rasters, 1 for floating-point ones
    fraction_scale: float | None = None
    #: indicators whose classes are unknown over more than this area share are not graded
    unknown_code_tolerance: float = 0.01
    #: "as of" date for idle-land classes; None: today
    as_of: dt.date | None = None
    #: population of the built-up area; None: spread unit populations over residential land
    built_up_population: float | None = None
    #: pieces of a "must be zero" overlap smaller than this are slivers
    sliver_m2: float = 1.0
    #: buffer arc segments per quarter circle
    quad_segs: int = 16
    #: add the 400 m² → 300 m tier to the park service radius
    pocket_parks: bool = False
    # rooftop gardens
    rooftop_max_slope_deg: float = 5.0
    rooftop_flat_share: float = 0.7
    rooftop_shrink_px: float = 1.5
    rooftop_min_area_m2: float = 100.0
    rooftop_max_height_m: float = 50.0
    rooftop_max_floors: int = 16
    rooftop_min_year: int = 1990
    rooftop_usable_share: float = 0.7
    #: a roof with neither a DSM over it nor a roof_type: "exclude" it, or take it as "flat"
    rooftop_unknown_roof: str = "exclude"
    # pocket parks on idle land
    pocket_park_min_m2: float = 400.0
    pocket_park_max_m2: float = 10_000.0
    pocket_park_radius_m: float = 300.0
    #: overrides of grade thresholds: {scheme: {indicator: {grade: value}}}
    thresholds: dict[str, Any] = field(default_factory=dict)
    #: overrides of code→category tables: {code_system: {category: [codes]}}
    code_tables: dict[str, Any] = field(default_factory=dict)
    #: overrides of green-belt widths per road/river class, metres per side
    belt_widths_m: dict[str, float] = field(default_factory=dict)
    # maps
    #: a vector layer with more features than this in view on one sheet is drawn as an image
    #: in PDF/SVG (at the save DPI); every other layer stays vector (editable, searchable)
    map_vector_max_features: int = 20_000

    # ------------------------------------------------------------------
    def as_of_date(self) -> dt.date:
        return self.as_of or dt.date.today()

    def with_overrides(self, values: dict[str, Any], *, source: str = "--set") -> AnalysisSettings:
        """A copy with ``values`` applied (strings are converted to the field's type).

        Raises
        ------
        SettingError
            Unknown key or a value of the wrong type; names the key and what is valid.
        """
        new = dataclasses.replace(self)
        for key, raw in values.items():
            setattr(new, key, coerce_setting(key, raw, source=source))
        return new

    def to_dict(self) -> dict[str, Any]:
        """Only the values that differ from the defaults (what a project file stores)."""
        default = AnalysisSettings()
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if v != getattr(default, f.name):
                out[f.name] = v
        return out

    @classmethod
    def from_dict(cls, values: dict[str, Any], *, source: str = "settings") -> tuple[AnalysisSettings, list[str]]:
        """Settings from a project's ``[settings]`` table, plus warnings for unknown keys."""
        known = {f.name for f in dataclasses.fields(cls)}
        warnings = [
            f"{source}.{k}: unknown setting ignored / 未知设置项，已忽略" for k in values if k not in known
        ]
        return cls().with_overrides({k: v for k, v in values.items() if k in known}, source=source), warnings


_HINTS = typing.get_type_hints(AnalysisSettings)
SETTING_NAMES = tuple(f.name for f in dataclasses.fields(AnalysisSettings))


def _bad(key: str, raw: Any, expected: str, source: str) -> SettingError:
    return SettingError(
        f"Setting '{key}' = {raw!r} is not valid: expected {expected}.",
        f"设置项“{key}”的值 {raw!r} 无效：应为{expected}。",
        key=f"{source}.{key}" if source != "--set" else key,
        hint_en="Correct the value.",
        hint_zh="请更正该值。",
    )


def _too_small(key: str, raw: Any, minimum: int, source: str) -> SettingError:
    return SettingError(
        f"Setting '{key}' = {raw!r} is not valid: expected an integer of at least {minimum}.",
        f"设置项“{key}”的值 {raw!r} 无效：应为不小于 {minimum} 的整数。",
        key=f"{source}.{key}" if source != "--set" else key,
        hint_en="Correct the value.",
        hint_zh="请更正该值。",
    )


def coerce_setting(key: str, raw: Any, *, source: str = "--set") -> Any:
    """Convert ``raw`` (often a command-line string) to the type of setting ``key``."""
    if key not in _HINTS:
        raise SettingError(
            f"Unknown setting '{key}'.",
            f"未知的设置项“{key}”。",
            key=key,
            hint_en="Valid settings: " + ", ".join(SETTING_NAMES) + ".",
            hint_zh="可用设置项：" + "、".join(SETTING_NAMES) + "。",
        )
    hint = _HINTS[key]
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    optional = origin in (typing.Union, types.UnionType) and type(None) in args
    if optional:
        hint = next(a for a in args if a is not type(None))
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("", "none", "null")):
            return None
    try:
        if hint is bool:
            if isinstance(raw, bool):
                return raw
            s = str(raw).strip().lower()
            if s in ("1", "true", "yes", "on", "是"):
                return True
            if s in ("0", "false", "no", "off", "否"):
                return False
            raise ValueError
        if hint is int:
            if isinstance(raw, bool):
                raise ValueError
            value = int(raw) if not isinstance(raw, float) or raw.is_integer() else _raise()
            if key in _MINIMUM and value < _MINIMUM[key]:
                raise _too_small(key, raw, _MINIMUM[key], source)
            return value
        if hint is float:
            if isinstance(raw, bool):
                raise ValueError
            return float(raw)
        if hint is dt.date:
            if isinstance(raw, dt.datetime):
                return raw.date()
            if isinstance(raw, dt.date):
                return raw
            return dt.date.fromisoformat(str(raw).strip())
        if hint is str:
            s = str(raw).strip()
            if key in _CHOICES and s not in _CHOICES[key]:
                raise _bad(key, raw, "one of " + ", ".join(_CHOICES[key]), source)
            return s
        if origin is list:
            items = raw if isinstance(raw, list) else [p for p in str(raw).split(",") if p.strip()]
            (inner,) = args
            return [inner(x) for x in items]
        if origin is dict:
            if not isinstance(raw, dict):
                raise ValueError
            return raw
    except SettingError:
        raise
    except (TypeError, ValueError):
        names = {bool: "true/false", int: "an integer", float: "a number", dt.date: "a date YYYY-MM-DD"}
        raise _bad(key, raw, names.get(hint, str(hint)), source) from None
    raise _bad(key, raw, str(hint), source)  # pragma: no cover - all field types handled above


def _raise() -> typing.NoReturn:
    raise ValueError
