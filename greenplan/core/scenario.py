"""Scenarios: named, saved selections of greening candidates.

A scenario lives in the project file as one ``[[scenarios]]`` table::

    [[scenarios]]
    name = "demo"
    description = "屋顶绿化（评分前 200）+ 口袋公园 + 防护绿带"

    [[scenarios.selections]]
    kind = "rooftop"              # rooftop | pocket_park | belt
    rule = "score >= 60"          # or "all"; conditions joined by "and"
    top = 200                     # optional: only the best N by score (rooftops) or area

    [[scenarios.selections]]
    kind = "pocket_park"
    ids = ["P0003", "P0017"]      # candidate ids as written by ``greenplan candidates``

    [scenarios.sketch]                # optional: features drawn by hand (desktop app)
    source = "项目.sketch.gpkg"       # the project's own GeoPackage, relative to the project file
    layer = "demo"

A selection takes the candidates of its kind that match ``ids`` **or** ``rule`` (either may
be left out); only features that are candidates are ever selected. ``top`` then keeps the
best N. A rule is a tiny, safe language: ``FIELD OP VALUE`` conditions joined by ``and``,
``OP`` one of ``>= <= > < == !=``, ``VALUE`` a number, ``true``/``false`` or a quoted text;
it is parsed here and applied to the candidate tables by :mod:`greenplan.jobs.scenario`.

The ``sketch`` table names the layer of hand-drawn features (:mod:`greenplan.jobs.sketch`
reads and writes it); a scenario may have a sketch and no selections.

This module knows nothing of geometry (core layer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from greenplan.core.errors import ProjectFileError

KINDS: dict[str, str] = {"rooftop": "屋顶绿化", "pocket_park": "口袋公园", "belt": "防护绿带"}
OPS = (">=", "<=", "==", "!=", ">", "<")

_COND = re.compile(
    r"""^\s*(?P<field>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>>=|<=|==|!=|>|<)\s*
        (?P<value>-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|true|false|'[^']*'|"[^"]*")\s*$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Condition:
    """``field op value`` (value: float, bool or str)."""

    field: str
    op: str
    value: float | bool | str

    def text(self) -> str:
        v = self.value
        if isinstance(v, bool):
            vs = "true" if v else "false"
        elif isinstance(v, str):
            vs = f"'{v}'"
        else:
            vs = f"{v:g}"
        return f"{self.field} {self.op} {vs}"


def parse_rule(text: str, *, key: str = "rule") -> tuple[Condition, ...]:
    """Parse a selection rule; ``"all"`` gives no conditions (everything).

    Raises
    ------
    ProjectFileError
        The rule does not follow ``FIELD OP VALUE [and ...]``; names ``key``.

    Examples
    --------
    >>> [c.text() for c in parse_rule("score >= 60 and floors <= 6")]
    ['score >= 60', 'floors <= 6']
    >>> parse_rule("all")
    ()
    """
    s = str(text).strip()
    if s.lower() in ("all", "*", ""):
        return ()
    conds = []
    for part in re.split(r"\s+and\s+", s, flags=re.IGNORECASE):
        m = _COND.match(part)
        if not m:
            raise ProjectFileError(
                f"Cannot read the selection rule '{text}' (at '{part.strip()}').",
                f"无法解析筛选规则“{text}”（出错位置：“{part.strip()}”）。",
                key=key,
                hint_en="Write conditions as FIELD OP VALUE joined by 'and', e.g. \"score >= 60 and floors <= 6\", or \"all\".",
                hint_zh="请写成“字段 运算符 值”，多个条件用 and 连接，例如 \"score >= 60 and floors <= 6\"，或写 \"all\"。",
            )
        raw = m.group("value")
        value: float | bool | str
        if raw in ("true", "false"):
            value = raw == "true"
        elif raw[0] in "'\"":
            value = raw[1:-1]
        else:
            value = float(raw)
        conds.append(Condition(m.group("field"), m.group("op"), value))
    return tuple(conds)


@dataclass
class Selection:
    """Candidates of one kind chosen by id and/or rule, optionally the best ``top``."""

    kind: str
    ids: list[str] = field(default_factory=list)
    rule: str | None = None
    top: int | None = None

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return parse_rule(self.rule) if self.rule is not None else ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind}
        if self.ids:
            d["ids"] = list(self.ids)
        if self.rule is not None:
            d["rule"] = self.rule
        if self.top is not None:
            d["top"] = int(self.top)
        return d


@dataclass(frozen=True)
class SketchRef:
    """Where a scenario's hand-drawn features live: ``source`` (a GeoPackage, as written in
    the project file: relative to its folder, or absolute) and ``layer``."""

    source: str
    layer: str

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "layer": self.layer}


@dataclass
class Scenario:
    """A named selection of greening candidates (see the module docstring)."""

    name: str
    description: str = ""
    selections: list[Selection] = field(default_factory=list)
    sketch: SketchRef | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name}
        if self.description:
            d["description"] = self.description
        d["selections"] = [s.to_dict() for s in self.selections]
        if self.sketch is not None:
            d["sketch"] = self.sketch.to_dict()
        return d


def sketch_from_dict(raw: Any, *, key: str = "sketch") -> SketchRef:
    """Validate a ``sketch = { source = "…gpkg", layer = "…" }`` table.

    Raises
    ------
    ProjectFileError
        Not a table, a ``source`` that is not a ``.gpkg`` path, or a missing ``layer``.

    Examples
    --------
    >>> sketch_from_dict({"source": "县.sketch.gpkg", "layer": "近期"})
    SketchRef(source='县.sketch.gpkg', layer='近期')
    """
    if not isinstance(raw, dict):
        raise _err(key, "sketch must be a table: sketch = { source = \"….gpkg\", layer = \"…\" }.",
                   "sketch 应为一个表：sketch = { source = \"….gpkg\", layer = \"…\" }。")
    unknown = sorted(set(raw) - {"source", "layer"})
    if unknown:
        raise _err(f"{key}.{unknown[0]}", f"Unknown key '{unknown[0]}' in sketch; valid: source, layer.",
                   f"sketch 中有未知的键“{unknown[0]}”；可用：source、layer。")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip().lower().endswith(".gpkg"):
        raise _err(f"{key}.source", f"sketch.source must name a GeoPackage (.gpkg), not {source!r}.",
                   f"sketch.source 应为 GeoPackage（.gpkg）文件，而不是 {source!r}。")
    layer = raw.get("layer")
    if not isinstance(layer, str) or not layer.strip():
        raise _err(f"{key}.layer", "sketch.layer must name the layer in the GeoPackage.",
                   "sketch.layer 应为 GeoPackage 中的图层名。")
    return SketchRef(source=source.strip(), layer=layer.strip())


def _err(key: str, en: str, zh: str) -> ProjectFileError:
    return ProjectFileError(en, zh, key=key, hint_en="Edit the scenario in the project file.", hint_zh="请在项目文件中修改该情景。")


def scenario_from_dict(raw: Any, *, key: str = "scenarios[0]") -> Scenario:
    """Validate one ``[[scenarios]]`` table.

    Raises
    ------
    ProjectFileError
        A missing name, an unknown kind, ids that are not a list of texts, a bad rule, a
        ``top`` that is not a positive integer, or a selection with neither ids nor rule.
    """
    if not isinstance(raw, dict):
        raise _err(key, "A scenario must be a table.", "情景应为一个表。")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _err(f"{key}.name", "The scenario has no name.", "情景缺少名称（name）。")
    desc = raw.get("description", "")
    if not isinstance(desc, str):
        raise _err(f"{key}.description", "The description must be text.", "说明（description）应为文本。")
    sels_raw = raw.get("selections", [])
    if not isinstance(sels_raw, list):
        raise _err(f"{key}.selections", "selections must be an array of tables.", "selections 应为表数组。")
    sels = []
    for i, s in enumerate(sels_raw):
        k = f"{key}.selections[{i}]"
        if not isinstance(s, dict):
            raise _err(k, "A selection must be a table.", "筛选项应为一个表。")
        kind = s.get("kind")
        if kind not in KINDS:
            raise _err(f"{k}.kind", f"Unknown candidate kind {kind!r}; valid: {', '.join(KINDS)}.",
                       f"未知的候选类型 {kind!r}；可用：{'、'.join(KINDS)}。")
        ids = s.get("ids", [])
        if not isinstance(ids, list) or not all(isinstance(x, (str, int)) for x in ids):
            raise _err(f"{k}.ids", "ids must be a list of candidate ids.", "ids 应为候选编号列表。")
        rule = s.get("rule")
        if rule is not None:
            if not isinstance(rule, str):
                raise _err(f"{k}.rule", "rule must be text.", "rule 应为文本。")
            parse_rule(rule, key=f"{k}.rule")
        top = s.get("top")
        if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
            raise _err(f"{k}.top", f"top must be a positive integer, not {top!r}.", f"top 应为正整数，而不是 {top!r}。")
        if not ids and rule is None:
            raise _err(k, "The selection has neither ids nor a rule.", "该筛选项既没有 ids 也没有 rule。")
        sels.append(Selection(kind=kind, ids=[str(x) for x in ids], rule=rule, top=top))
    sketch = sketch_from_dict(raw["sketch"], key=f"{key}.sketch") if raw.get("sketch") is not None else None
    return Scenario(name=name.strip(), description=desc, selections=sels, sketch=sketch)


def scenarios_from_project(project: Any) -> list[Scenario]:
    """Every scenario of ``project`` (its ``scenarios`` list of tables), validated.

    Raises
    ------
    ProjectFileError
        As :func:`scenario_from_dict`, naming the project file; or two scenarios with the
        same name.
    """
    out: list[Scenario] = []
    seen: set[str] = set()
    for i, raw in enumerate(getattr(project, "scenarios", None) or []):
        try:
            sc = scenario_from_dict(raw, key=f"scenarios[{i}]")
        except ProjectFileError as exc:
            exc.path = getattr(project, "path", None)
            raise
        if sc.name in seen:
            raise ProjectFileError(
                f"Two scenarios are named '{sc.name}'.",
                f"存在两个同名情景“{sc.name}”。",
                path=getattr(project, "path", None),
                key=f"scenarios[{i}].name",
                hint_en="Rename one of them.",
                hint_zh="请修改其中一个的名称。",
            )
        seen.add(sc.name)
        out.append(sc)
    return out


def get_scenario(project: Any, name: str) -> Scenario:
    """The scenario called ``name``.

    Raises
    ------
    ProjectFileError
        No such scenario; the message lists those the project has.
    """
    scenarios = scenarios_from_project(project)
    for sc in scenarios:
        if sc.name == name:
            return sc
    names = ", ".join(s.name for s in scenarios) or "(none)"
    raise ProjectFileError(
        f"The project has no scenario named '{name}'. Scenarios: {names}.",
        f"项目中没有名为“{name}”的情景。现有情景：{names.replace('(none)', '（无）')}。",
        path=getattr(project, "path", None),
        key="scenarios",
        hint_en="Check the name, or add the scenario to the project file.",
        hint_zh="请检查名称，或在项目文件中添加该情景。",
    )


def set_scenario(project: Any, scenario: Scenario) -> None:
    """Add ``scenario`` to ``project.scenarios``, replacing one with the same name (in place).

    Examples
    --------
    >>> from greenplan.core.project import Project
    >>> p = Project()
    >>> set_scenario(p, Scenario("a", selections=[Selection("belt", rule="all")]))
    >>> set_scenario(p, Scenario("a", selections=[Selection("rooftop", rule="score >= 50")]))
    >>> [s["selections"][0]["kind"] for s in p.scenarios]
    ['rooftop']
    """
    scenario_from_dict(scenario.to_dict(), key=f"scenario {scenario.name}")  # validate
    doc = scenario.to_dict()
    for i, raw in enumerate(project.scenarios):
        if isinstance(raw, dict) and raw.get("name") == scenario.name:
            project.scenarios[i] = doc
            return
    project.scenarios.append(doc)
