"""A layer's editable properties (the layer properties dialog), applied as one undoable edit.

:class:`LayerProps` holds what the dialog edits of a :class:`~greenplan.core.project.LayerSpec`:
display name, role, field mapping, source CRS, encoding, filter and raster band.
:func:`apply_layer_props` writes them into the spec as ONE command on the project's undo
stack; when anything but the name changed, the layer must be read again, so the layer is
marked loading and ``reload(key)`` is called after the change and after its undo (the GUI
starts the canvas load worker there), and the layer's error state follows the new values.

The file facts the dialog offers choices from (:func:`layer_facts`: the layer's fields with
sample values, its geometry type, raster or vector) and the filter test
(:func:`count_matching`) are read here too, without Qt.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greenplan.core.project import LayerSpec
from greenplan.core.roles import ACCEPTED_GEOM_TYPES, ROLES, get_role

#: encodings offered for shapefiles (None: detected)
ENCODINGS = ("utf-8", "gbk", "gb18030", "big5", "latin-1")
#: source CRS choices offered (free text is accepted too)
SOURCE_CRS_CHOICES = ("EPSG:4326", "EPSG:4490", "GCJ-02", "BD-09")


@dataclass(frozen=True)
class LayerProps:
    """The editable values of one layer entry (see module docstring)."""

    name: str
    role: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    source_crs: str | None = None
    encoding: str | None = None
    where: str | None = None
    band: int | None = None

    @classmethod
    def of(cls, spec: LayerSpec) -> LayerProps:
        return cls(spec.name, spec.role, dict(spec.fields), spec.source_crs, spec.encoding, spec.where, spec.band)

    def clean(self) -> LayerProps:
        """Blank texts as None, field mappings to the same name dropped, the name stripped."""

        def opt(v: str | None) -> str | None:
            return (v or "").strip() or None

        fields = {k: v for k, v in self.fields.items() if v and v != k}
        return dataclasses.replace(self, name=self.name.strip(), fields=fields, source_crs=opt(self.source_crs),
                                   encoding=opt(self.encoding), where=opt(self.where))

    def put(self, spec: LayerSpec) -> None:
        """Write these values into ``spec`` (in place: a loaded layer is found by its spec)."""
        spec.name = self.name or spec.name
        spec.role = self.role
        spec.fields = dict(self.fields)
        spec.source_crs = self.source_crs
        spec.encoding = self.encoding
        spec.where = self.where
        spec.band = self.band

    def needs_reload(self, other: LayerProps) -> bool:
        """True when going from ``other`` to these values changes what is read."""
        return dataclasses.replace(self, name="") != dataclasses.replace(other, name="")


def apply_layer_props(state, key: int, props: LayerProps, reload: Callable[[int], Any] | None = None) -> bool:
    """Set layer ``key``'s properties to ``props`` as one undoable command; False if nothing changed.

    Parameters
    ----------
    state : ProjectState
    reload : callable, optional
        ``reload(key)``: read the layer again (after the change and after undo/redo), when
        anything but the name changed.

    Raises
    ------
    UnknownRoleError
        ``props.role`` is not a role id (nothing changes).

    Examples
    --------
    >>> from greenplan.app.project_state import ProjectState
    >>> state = ProjectState()
    >>> (key,) = state.add_specs([LayerSpec(source=Path("用地.shp"), role="land_use")])
    >>> props = dataclasses.replace(LayerProps.of(state.entry(key).spec), fields={"DLBM": "地类编码"})
    >>> apply_layer_props(state, key, props), state.entry(key).spec.fields
    (True, {'DLBM': '地类编码'})
    >>> state.undo(); state.entry(key).spec.fields
    {}
    """
    e = state.entry(key)
    new = props.clean()
    if new.role is not None:
        get_role(new.role)
    old = LayerProps.of(e.spec)
    if new == old:
        return False
    read_again = new.needs_reload(old)

    def put(value: LayerProps) -> None:
        value.put(e.spec)
        if read_again:
            e.loading = True
        state.events.layers_changed()  # the role (group) or the name may have changed
        if read_again and reload is not None:
            reload(key)

    state.undo_stack.push(_command(lambda: put(new), lambda: put(old)))
    return True


def _command(redo, undo):
    from greenplan.app.undo import Command

    return Command("Layer properties", redo, undo, "图层属性")


# ---------------------------------------------------------------------------- file facts
@dataclass
class LayerFacts:
    """What the dialog offers choices from: raster or not, geometry type, fields with samples."""

    raster: bool
    geometry_type: str | None = None
    fields: list[str] = field(default_factory=list)
    samples: dict[str, list[str]] = field(default_factory=dict)
    band_count: int = 0
    shapefile: bool = False
    error: str | None = None  # bilingual text when the file could not be read


def source_path(spec: LayerSpec, folder: Path | None = None) -> Path:
    p = Path(spec.source)
    return p if p.is_absolute() or folder is None else Path(folder) / p


def is_raster_source(path: Path) -> bool:
    from greenplan.io.raster import RASTER_SUFFIXES

    return path.suffix.lower() in RASTER_SUFFIXES


def layer_facts(spec: LayerSpec, folder: Path | None = None, encoding: str | None = None, samples: int = 3) -> LayerFacts:
    """Read the layer's field list (``pyogrio.read_info``) and ``samples`` values per field from
    its first 50 features; for a raster its band count. Errors land in ``error``, never raise."""
    path = source_path(spec, folder)
    shapefile = path.suffix.lower() in (".shp", ".dbf")
    if is_raster_source(path):
        try:
            import rasterio

            with rasterio.open(path) as ds:
                return LayerFacts(raster=True, band_count=ds.count)
        except Exception as exc:  # noqa: BLE001 - shown to the user, not raised
            return LayerFacts(raster=True, error=f"无法读取栅格：{exc}\nCannot read the raster: {exc}")
    import pyogrio

    enc = encoding if encoding is not None else spec.encoding
    kw: dict[str, Any] = {"layer": spec.layer} if spec.layer else {}
    if shapefile:  # the reader's own choice: the override, else the .cpg, else detected from the values
        from greenplan.io.encoding import detect_shapefile_encoding, normalize_encoding

        try:
            kw["encoding"] = normalize_encoding(detect_shapefile_encoding(path, enc).encoding)
        except Exception:  # noqa: BLE001 - an unknown override: read as GDAL would
            pass
    try:
        info = pyogrio.read_info(path, **kw)
    except Exception as exc:  # noqa: BLE001
        return LayerFacts(raster=False, shapefile=shapefile,
                          error=f"无法读取图层：{exc}\nCannot read the layer: {exc}")
    names = [str(n) for n in info.get("fields", [])]
    facts = LayerFacts(raster=False, geometry_type=info.get("geometry_type"), fields=names, shapefile=shapefile)
    if names and samples:
        try:
            df = pyogrio.read_dataframe(path, read_geometry=False, max_features=50, **kw)
            for n in names:
                if n in df.columns:
                    vals = [str(v) for v in df[n].dropna().unique()[:samples]]
                    facts.samples[n] = vals
        except Exception:  # noqa: BLE001 - samples are a nicety
            pass
    return facts


def roles_for(facts: LayerFacts) -> list[str]:
    """Role ids whose geometry fits the layer: raster roles for rasters, vector roles by geometry type.

    An unknown geometry type (not read, or ``Unknown``) offers every vector role.
    """
    if facts.raster:
        return [r.id for r in ROLES.values() if r.is_raster]
    gt = (facts.geometry_type or "").removesuffix(" Z").removesuffix("Z").strip()
    out = []
    for r in ROLES.values():
        if r.is_raster:
            continue
        accepted = ACCEPTED_GEOM_TYPES.get(r.geometry)
        if not gt or gt == "Unknown" or accepted is None or gt in accepted:
            out.append(r.id)
    return out


def count_matching(spec: LayerSpec, where: str | None, folder: Path | None = None, encoding: str | None = None) -> int:
    """How many features of the layer the filter ``where`` keeps, read by the real reader.

    Raises
    ------
    GreenplanError
        The filter is invalid or the file cannot be read (bilingual message).
    """
    from greenplan.io.report import LayerReport
    from greenplan.io.vector import read_vector

    path = source_path(spec, folder)
    report = LayerReport(index=0, name=spec.name, role=spec.role, source=path, layer=spec.layer)
    gdf = read_vector(path, report, layer=spec.layer, encoding=encoding if encoding is not None else spec.encoding,
                      role=spec.role, columns=[], where=(where or "").strip() or None)
    return len(gdf)
