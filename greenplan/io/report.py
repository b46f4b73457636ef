"""What happened while loading a layer: the load report.

Every reader in :mod:`greenplan.io` fills a :class:`LayerReport` instead of printing or
warning: format, encoding and how it was chosen, CRS and whether it was read or
guessed, feature counts, repairs, dropped and salvaged features, and a list of
:class:`Issue` objects (bilingual, with a level and a stable code). The data check
(``greenplan check``) adds its own issues to the same report and serialises it with
:meth:`LayerReport.to_dict` (schema in ``docs/check-json.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: issue levels, worst first. ``error``: the layer is unusable (exit 2); ``problem``:
#: the data has a defect to fix (exit 1); ``warning``: reported, results still valid;
#: ``info``: for the record.
LEVELS = ("error", "problem", "warning", "info")


@dataclass
class Issue:
    """One finding about a layer (or about the project when ``layer`` is None).

    Parameters
    ----------
    level : str
        One of :data:`LEVELS`.
    code : str
        Stable machine-readable id (``invalid_geometry``, ``crs_guessed`` ...), listed in
        ``docs/check-json.md``.
    en, zh : str
        The finding in English and Chinese (one sentence each, what to do included).
    layer : int, optional
        Index of the layer in the project.
    data : dict
        Numbers behind the message (counts, areas in m², feature indexes).
    """

    level: str
    code: str
    en: str
    zh: str
    layer: int | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "code": self.code,
            "layer": self.layer,
            "message_en": self.en,
            "message_zh": self.zh,
            "data": self.data,
        }


@dataclass
class EncodingInfo:
    """How the attribute encoding of a layer was chosen.

    ``how`` is one of ``override`` (project or ``--set ROLE.encoding``), ``cpg`` (the
    shapefile's .cpg), ``ldid`` (the DBF language-driver byte), ``utf8_check`` (the bytes
    decode as UTF-8), ``gb18030_fallback`` (they do not), ``ascii`` (no byte above 127:
    every candidate reads the same) or ``format`` (the format defines it, e.g. GeoPackage
    is always UTF-8).
    """

    encoding: str
    how: str
    uncertain: bool = False
    #: undecodable bytes per candidate encoding (only where the bytes were checked)
    undecodable_bytes: dict[str, int] = field(default_factory=dict)
    non_ascii_bytes: int | None = None
    cpg: str | None = None
    ldid: int | None = None
    #: bytes that could not be decoded while reading and were replaced by U+FFFD
    replaced_bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "encoding": self.encoding,
            "how": self.how,
            "uncertain": self.uncertain,
            "undecodable_bytes": dict(self.undecodable_bytes),
            "non_ascii_bytes": self.non_ascii_bytes,
            "cpg": self.cpg,
            "ldid": self.ldid,
            "replaced_bytes": self.replaced_bytes,
        }


@dataclass
class CRSInfo:
    """The source CRS of a layer and how it was found (``read``, ``guessed``, ``missing``)."""

    crs: str | None
    how: str
    reason_en: str | None = None
    reason_zh: str | None = None
    name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "crs": self.crs,
            "name": self.name,
            "how": self.how,
            "reason_en": self.reason_en,
            "reason_zh": self.reason_zh,
        }


@dataclass
class LayerReport:
    """What happened while opening, reading and preparing one layer.

    Counts are numbers of features. ``feature_count`` is what the source says it holds,
    ``read_count`` what was read (fewer when features were unreadable), ``loaded_count``
    what the analyses get after dropping null/empty geometries and geometries of a type
    the role cannot use. Bounds are ``(minx, miny, maxx, maxy)``: ``bounds`` in the source
    CRS, ``bounds_lonlat`` in degrees, ``bounds_working`` in metres (working CRS).
    """

    index: int
    name: str
    role: str | None
    source: Path
    layer: str | None = None
    kind: str | None = None  # "vector" | "raster"
    opened: bool = False
    format: str | None = None
    layers_in_file: list[str] = field(default_factory=list)
    encoding: EncodingInfo | None = None
    crs: CRSInfo | None = None
    feature_count: int | None = None
    read_count: int | None = None
    loaded_count: int | None = None
    geometry_types: dict[str, int] = field(default_factory=dict)
    null_geometries: int = 0
    empty_geometries: int = 0
    invalid_geometries: int = 0
    repaired: int = 0
    wrong_type: int = 0
    has_z: bool = False
    #: feature indexes (FID) whose geometry could not be parsed (read as null)
    unparseable: list[int] = field(default_factory=list)
    #: feature indexes (FID) that could not be read at all (fiona salvage, truncated .shp)
    unreadable: list[int] = field(default_factory=list)
    salvaged: bool = False
    reprojected_from: str | None = None
    fields: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    missing_required: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    bounds: tuple[float, float, float, float] | None = None
    bounds_lonlat: tuple[float, float, float, float] | None = None
    bounds_working: tuple[float, float, float, float] | None = None
    raster: dict[str, Any] | None = None
    #: extra numbers added by the data check (overlaps ...)
    checks: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    #: the GreenplanError (as a dict) that made the layer unusable
    error: dict[str, Any] | None = None

    # ------------------------------------------------------------------
    def add(self, level: str, code: str, en: str, zh: str, **data: Any) -> Issue:
        """Record an issue about this layer and return it."""
        issue = Issue(level, code, en, zh, layer=self.index, data=data)
        self.issues.append(issue)
        return issue

    @property
    def label(self) -> str:
        """``name (role)`` as messages show it."""
        return f"{self.name} ({self.role})" if self.role else self.name

    @property
    def worst_level(self) -> str | None:
        levels = {i.level for i in self.issues}
        return next((lv for lv in LEVELS if lv in levels), None)

    def to_dict(self) -> dict[str, Any]:
        def box(b: tuple[float, float, float, float] | None) -> list[float] | None:
            return [float(v) for v in b] if b is not None else None

        return {
            "index": self.index,
            "name": self.name,
            "role": self.role,
            "source": str(self.source),
            "layer": self.layer,
            "kind": self.kind,
            "opened": self.opened,
            "format": self.format,
            "layers_in_file": list(self.layers_in_file),
            "encoding": self.encoding.to_dict() if self.encoding else None,
            "crs": self.crs.to_dict() if self.crs else None,
            "feature_count": self.feature_count,
            "read_count": self.read_count,
            "loaded_count": self.loaded_count,
            "geometry_types": dict(self.geometry_types),
            "null_geometries": self.null_geometries,
            "empty_geometries": self.empty_geometries,
            "invalid_geometries": self.invalid_geometries,
            "repaired": self.repaired,
            "wrong_type": self.wrong_type,
            "has_z": self.has_z,
            "unparseable": list(self.unparseable),
            "unreadable": list(self.unreadable),
            "salvaged": self.salvaged,
            "reprojected_from": self.reprojected_from,
            "fields": list(self.fields),
            "renamed": dict(self.renamed),
            "missing_required": list(self.missing_required),
            "missing_optional": list(self.missing_optional),
            "bounds": box(self.bounds),
            "bounds_lonlat": box(self.bounds_lonlat),
            "bounds_working": box(self.bounds_working),
            "raster": self.raster,
            "checks": self.checks,
            "status": self.worst_level or "ok",
            "issues": [i.to_dict() for i in self.issues],
            "error": self.error,
        }
