"""Select by expression: a small, documented expression language over a layer's fields.

A hand-written tokenizer and recursive-descent parser (:mod:`greenplan.app.expression_parse`)
build a tree of a few node types;
the tree is evaluated on whole columns (numpy / pandas, no loop over rows). Why not
``DataFrame.query``/``eval`` or a parsing library: an expression comes from a shared
project file or a colleague's e-mail, so nothing in it may reach Python evaluation
(``DataFrame.query`` evaluates attribute access and calls); the grammar is twenty
lines, and writing it by hand gives exact, bilingual error positions without a new
dependency (``pyparsing`` is present only through matplotlib, with English messages).

What it can name is closed: fields of the layer, literals, the operators below, the
functions of :data:`FUNCTIONS` and ``$area`` / ``$length``. No attribute access
(``a.b``), no subscripts, no dunder names: the tokenizer refuses ``.`` after a name
and every character outside the grammar.

Grammar (keywords case-insensitive)::

    expr       := or
    or         := and ("OR" and)*
    and        := not ("AND" not)*
    not        := "NOT" not | comparison
    comparison := sum [ ("=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=") sum
                      | "IS" ["NOT"] "NULL"
                      | ["NOT"] "IN" "(" literal ("," literal)* ")"
                      | ["NOT"] ("LIKE" | "ILIKE") string
                      | ["NOT"] "BETWEEN" sum "AND" sum ]
    sum        := product (("+" | "-" | "||") product)*
    product    := unary (("*" | "/" | "%") unary)*
    unary      := ("-" | "+") unary | primary
    primary    := number | string | "TRUE" | "FALSE" | "NULL" | "$area" | "$length"
                | name "(" [expr ("," expr)*] ")" | name | "\\"quoted name\\"" | "(" expr ")"

NULL follows SQL: a comparison with NULL is NULL, ``NOT NULL`` is NULL, ``AND``/``OR``
use three-valued logic, and a row whose result is NULL is not selected. Test for it with
``IS NULL`` / ``IS NOT NULL``. A text field compared with a number is read as a number
(text that is not a number is NULL there). Division by zero gives NULL.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"DLBM": ["0101", "0301", None], "面积": [120.0, 80.0, 50.0]})
>>> select_ids(df, "DLBM LIKE '01%' OR 面积 < 60").tolist()
[0, 2]
>>> select_ids(df, "upper(DLBM) IN ('0301') AND NOT 面积 IS NULL").tolist()
[1]
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from greenplan.app.expression_parse import FUNCTION_ARGS, ExpressionError, Node, parse, tokenize

__all__ = ["ExpressionError", "FUNCTIONS", "parse", "tokenize", "evaluate", "select_ids", "select_mask"]


# ---------------------------------------------------------------------------- values
@dataclass
class Val:
    """A column (or a scalar, broadcast later): data, null mask and kind (num/str/bool/geom)."""

    data: Any
    null: Any
    kind: str


def _scalar(v: Any) -> Val:
    if v is None:
        return Val(np.nan, True, "null")
    if isinstance(v, bool):
        return Val(v, False, "bool")
    if isinstance(v, (int, float)):
        return Val(float(v), False, "num")
    return Val(str(v), False, "str")


def _column(s: pd.Series) -> Val:
    null = s.isna().to_numpy()
    if pd.api.types.is_bool_dtype(s.dtype):
        return Val(s.fillna(False).to_numpy(dtype=bool), null, "bool")
    if pd.api.types.is_numeric_dtype(s.dtype):
        return Val(s.to_numpy(dtype=float, na_value=np.nan), null, "num")
    if pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype):
        text = s.to_numpy(dtype=object, na_value="")  # already text: one pass
    else:
        text = s.astype(object).where(~null, "").astype(str).to_numpy(dtype=object)
    return Val(text, null, "str")


def _num(v: Val, ctx: _Ctx, node: Node) -> Val:
    if v.kind in ("num", "null"):
        return v
    if v.kind == "bool":
        return Val(np.asarray(v.data, dtype=float), v.null, "num")
    if v.kind == "str":
        num = pd.to_numeric(pd.Series(v.data, dtype=object) if np.ndim(v.data) else pd.Series([v.data]),
                            errors="coerce").to_numpy(dtype=float)
        if not np.ndim(v.data):
            return Val(num[0], bool(v.null) or bool(np.isnan(num[0])), "num")
        return Val(num, v.null | np.isnan(num), "num")
    raise ctx.fail(node, "a number is needed here", "此处需要数值")


def _text(v: Val) -> Val:
    if v.kind == "str":
        return v
    if v.kind == "null":
        return Val("", True, "str")
    if np.ndim(v.data):
        data = pd.Series(v.data).map(_fmt_num if v.kind == "num" else str).to_numpy(dtype=object)
        return Val(data, v.null, "str")
    return Val(_fmt_num(v.data) if v.kind == "num" else str(v.data), v.null, "str")


def _fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _str_series(v: Val) -> pd.Series:
    return pd.Series(v.data, dtype=object) if np.ndim(v.data) else pd.Series([v.data], dtype=object)


def _from_series(s: pd.Series, like: Val, kind: str) -> Val:
    data = s.to_numpy(dtype=float if kind == "num" else (bool if kind == "bool" else object))
    return Val(data if np.ndim(like.data) else data[0], like.null, kind)


def _truth(v: Val, ctx: _Ctx, node: Node) -> Val:
    if v.kind == "bool":
        return v
    if v.kind == "null":
        return Val(False, True, "bool")
    raise ctx.fail(node, "a condition (true/false) is needed here, e.g. TBMJ > 100",
                   "此处需要条件（真/假），例如 TBMJ > 100")


def _like_regex(pattern: str, ci: bool) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
        i += 1
    return re.compile("".join(out), re.DOTALL | (re.IGNORECASE if ci else 0))


def _like(s: pd.Series, pattern: str, ci: bool) -> np.ndarray:
    """``s LIKE pattern`` as booleans; '01%', '%林地' and '%林%' (no other wildcard) take the
    plain string methods, the rest a regular expression."""
    core = pattern.strip("%")
    if not ci and "_" not in core and "%" not in core and "\\" not in pattern and core:
        head, tail = pattern.startswith("%"), pattern.endswith("%")
        if head and tail:
            out = s.str.contains(core, regex=False)
        elif tail:
            out = s.str.startswith(core)
        elif head:
            out = s.str.endswith(core)
        else:
            out = s == core
        return out.fillna(False).to_numpy(dtype=bool)
    return s.str.fullmatch(_like_regex(pattern, ci)).fillna(False).to_numpy(dtype=bool)


def _round(ctx, node, x: Val, n: Val | None = None) -> Val:
    x = _num(x, ctx, node)
    digits = 0 if n is None else n.data
    if np.ndim(digits) or n is not None and n.kind != "num":
        raise ctx.fail(node, "round(x, n): n must be a number", "round(x, n)：n 必须是数字")
    return Val(np.round(x.data, int(digits)), x.null, "num")


def _substr(ctx, node, s: Val, start: Val, length: Val | None = None) -> Val:
    s = _text(s)
    a = _num(start, ctx, node)
    if np.ndim(a.data) or (length is not None and np.ndim(length.data)):
        raise ctx.fail(node, "substr(text, start, length): start and length must be numbers",
                       "substr(文本, 起点, 长度)：起点和长度必须是数字")
    i0 = max(int(a.data) - 1, 0)  # 1-based, as in QGIS and SQL
    stop = None if length is None else i0 + int(_num(length, ctx, node).data)
    return _from_series(_str_series(s).str.slice(i0, stop), s, "str")


def _coalesce(ctx, node, *vals: Val) -> Val:
    kinds = {v.kind for v in vals} - {"null"}
    if len(kinds) > 1:
        kind = "num" if kinds <= {"num", "bool"} else "str"
        vals = tuple(_num(v, ctx, node) if kind == "num" else _text(v) for v in vals)
    else:
        kind = kinds.pop() if kinds else "null"
    out = vals[-1]
    for v in reversed(vals[:-1]):
        take = ~np.asarray(v.null)
        data = np.where(take, v.data, out.data)
        out = Val(data, np.where(take, False, out.null), kind)
    return out


def _geom_measure(ctx, node, g: Val, which: str) -> Val:
    if g.kind != "geom":
        raise ctx.fail(node, f"{which}() takes $geometry", f"{which}() 的参数应为 $geometry")
    return ctx.measure(which, node)


def _length(ctx, node, v: Val) -> Val:
    if v.kind == "geom":
        return ctx.measure("length", node)
    s = _text(v)
    return _from_series(_str_series(s).str.len().astype(float), s, "num")


def _str_fn(method: Callable[[pd.Series], pd.Series]):
    def fn(ctx, node, v: Val) -> Val:
        s = _text(v)
        return _from_series(method(_str_series(s)), s, "str")
    return fn


def _starts_with(ctx, node, s: Val, prefix: Val) -> Val:
    s, p = _text(s), _text(prefix)
    if np.ndim(p.data):
        raise ctx.fail(node, "starts_with(text, prefix): the prefix must be a text in quotes",
                       "starts_with(文本, 前缀)：前缀应为引号中的文本")
    return Val(_str_series(s).str.startswith(p.data).to_numpy(dtype=bool) if np.ndim(s.data)
               else str(s.data).startswith(p.data), np.asarray(s.null) | p.null, "bool")


#: the functions an expression may call: name -> (min args, max args, implementation)
FUNCTIONS: dict[str, tuple[int, int, Callable[..., Val]]] = {
    "upper": (1, 1, _str_fn(lambda s: s.str.upper())),
    "lower": (1, 1, _str_fn(lambda s: s.str.lower())),
    "trim": (1, 1, _str_fn(lambda s: s.str.strip())),
    "length": (1, 1, _length),
    "substr": (2, 3, _substr),
    "starts_with": (2, 2, _starts_with),
    "abs": (1, 1, lambda ctx, node, x: (lambda v: Val(np.abs(v.data), v.null, "num"))(_num(x, ctx, node))),
    "round": (1, 2, _round),
    "coalesce": (2, 99, _coalesce),
    "to_real": (1, 1, lambda ctx, node, x: _num(x, ctx, node)),
    "area": (1, 1, lambda ctx, node, g: _geom_measure(ctx, node, g, "area")),
}
assert {k: v[:2] for k, v in FUNCTIONS.items()} == FUNCTION_ARGS  # the parser checks calls against the same table


# ---------------------------------------------------------------------------- evaluation
class _Ctx:
    def __init__(self, frame: pd.DataFrame, text: str) -> None:
        self.frame = frame
        self.text = text
        self.n = len(frame)
        geo = getattr(frame, "geometry", None) if hasattr(frame, "_geometry_column_name") else None
        self.geoms = None if geo is None else np.asarray(geo.array, dtype=object)
        self.fields = [str(c) for c in frame.columns if geo is None or c != frame._geometry_column_name]

    def fail(self, node: Node, en: str, zh: str, **kw: Any) -> ExpressionError:
        return ExpressionError(en, zh, position=node.pos + 1, expression=self.text, **kw)

    def measure(self, which: str, node: Node) -> Val:
        import shapely

        if self.geoms is None:
            raise self.fail(node, f"${which}: the layer has no geometry", f"${which}：图层没有几何")
        data = shapely.area(self.geoms) if which == "area" else shapely.length(self.geoms)
        data = np.asarray(data, dtype=float)
        return Val(data, np.isnan(data), "num")

    def field(self, node: Node) -> Val:
        name = node.value
        if name in self.fields:
            return _column(self.frame[name])
        folded = {f.lower(): f for f in self.fields}  # DLBM and dlbm: shapefile fields are case-blind
        if name.lower() in folded:
            return _column(self.frame[folded[name.lower()]])
        close = difflib.get_close_matches(name, self.fields, n=3, cutoff=0.5)
        hint_en = ("Did you mean " + ", ".join(close) + "? " if close else "") + "Fields: " + ", ".join(self.fields[:30])
        hint_zh = ("是否为 " + "、".join(close) + "？" if close else "") + "字段：" + "、".join(self.fields[:30])
        raise self.fail(node, f"no field called {name!r} in this layer (text needs single quotes: 'abc')",
                        f"图层中没有名为 {name!r} 的字段（文本值要加单引号：'abc'）",
                        field=name, hint_en=hint_en, hint_zh=hint_zh)


def _eval(node: Node, ctx: _Ctx) -> Val:
    op = node.op
    if op == "lit":
        return _scalar(node.value)
    if op == "field":
        return ctx.field(node)
    if op == "var":
        if node.value == "$geometry":
            return Val(None, False, "geom")
        return ctx.measure(node.value[1:], node)
    if op == "call":
        args = [_eval(a, ctx) for a in node.args]
        if any(a.kind == "geom" for a in args) and node.value not in ("area", "length"):
            raise ctx.fail(node, "$geometry can only be used in area() and length()",
                           "$geometry 只能用于 area() 和 length()")
        return FUNCTIONS[node.value][2](ctx, node, *args)
    args = [_eval(a, ctx) for a in node.args]
    if any(a.kind == "geom" for a in args):
        raise ctx.fail(node, "$geometry can only be used in area() and length()", "$geometry 只能用于 area() 和 length()")
    if op == "neg":
        v = _num(args[0], ctx, node.args[0])
        return Val(-v.data, v.null, "num")
    if op == "not":
        v = _truth(args[0], ctx, node.args[0])
        return Val(~np.asarray(v.data, dtype=bool), v.null, "bool")
    if op in ("and", "or"):
        a, b = (_truth(v, ctx, n) for v, n in zip(args, node.args, strict=True))
        ad, bd = np.asarray(a.data, dtype=bool), np.asarray(b.data, dtype=bool)
        an, bn = np.asarray(a.null, dtype=bool), np.asarray(b.null, dtype=bool)
        at, bt = ad & ~an, bd & ~bn  # definitely true
        af, bf = ~ad & ~an, ~bd & ~bn  # definitely false
        if op == "and":  # Kleene logic: false wins over NULL
            false = af | bf
            true = at & bt
        else:  # true wins over NULL
            true = at | bt
            false = af & bf
        return Val(true, ~true & ~false, "bool")
    if op == "isnull":
        return Val(np.asarray(args[0].null, dtype=bool) if args[0].kind != "null" else True, False, "bool")
    if op == "arith":
        a, b = (_num(v, ctx, n) for v, n in zip(args, node.args, strict=True))
        with np.errstate(divide="ignore", invalid="ignore"):
            data = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "%": np.fmod}[node.value](
                np.asarray(a.data, dtype=float), np.asarray(b.data, dtype=float))
        null = np.asarray(a.null) | np.asarray(b.null) | ~np.isfinite(data)
        return Val(data, null, "num")
    if op == "concat":
        a, b = _text(args[0]), _text(args[1])
        if np.ndim(a.data) or np.ndim(b.data):  # object arrays broadcast a scalar text
            data = np.asarray(a.data, dtype=object) + np.asarray(b.data, dtype=object)
        else:
            data = a.data + b.data
        return Val(data, np.asarray(a.null) | np.asarray(b.null), "str")
    if op == "cmp":
        return _compare(args[0], args[1], node.value, ctx, node)
    if op == "between":
        lo = _compare(args[0], args[1], ">=", ctx, node)
        hi = _compare(args[0], args[2], "<=", ctx, node)
        return _eval_and(lo, hi)
    if op == "in":
        v = args[0]
        items = list(node.value)
        if v.kind == "str" and all(isinstance(x, str) for x in items):
            hit = np.isin(np.asarray(v.data, dtype=object), np.asarray(items, dtype=object))
        else:
            num = _num(v, ctx, node.args[0])
            vals = [x for x in items if isinstance(x, float)]
            vals += pd.to_numeric(pd.Series([x for x in items if isinstance(x, str)], dtype=object),
                                  errors="coerce").dropna().tolist()
            hit = np.isin(np.asarray(num.data, dtype=float), np.asarray(vals, dtype=float))
            v = num
        return Val(hit, v.null, "bool")
    if op == "like":
        pattern, ci = node.value
        s = _text(args[0])
        hit = _like(_str_series(s), pattern, ci)
        return Val(hit if np.ndim(s.data) else bool(hit[0]), s.null, "bool")
    raise AssertionError(op)  # pragma: no cover - every node type is handled above


def _eval_and(a: Val, b: Val) -> Val:
    at, bt = a.data & ~np.asarray(a.null), b.data & ~np.asarray(b.null)
    af, bf = ~np.asarray(a.data) & ~np.asarray(a.null), ~np.asarray(b.data) & ~np.asarray(b.null)
    true, false = at & bt, af | bf
    return Val(true, ~true & ~false, "bool")


def _compare(a: Val, b: Val, op: str, ctx: _Ctx, node: Node) -> Val:
    if "null" in (a.kind, b.kind):
        return Val(False, True, "bool")
    if a.kind == b.kind == "str":
        x, y = np.asarray(a.data, dtype=object), np.asarray(b.data, dtype=object)
    elif a.kind == b.kind == "bool" and op in ("=", "!="):
        x, y = np.asarray(a.data, dtype=bool), np.asarray(b.data, dtype=bool)
    else:
        a, b = _num(a, ctx, node.args[0]), _num(b, ctx, node.args[1])
        x, y = np.asarray(a.data, dtype=float), np.asarray(b.data, dtype=float)
    fn = {"=": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal, ">": np.greater,
          ">=": np.greater_equal}[op]
    data = np.asarray(fn(x, y), dtype=bool)
    return Val(data, np.asarray(a.null) | np.asarray(b.null), "bool")


def evaluate(frame: pd.DataFrame, expression: str | Node) -> Val:
    """Value of ``expression`` on every row of ``frame`` (a column, or a scalar)."""
    text = expression if isinstance(expression, str) else ""
    node = parse(expression) if isinstance(expression, str) else expression
    return _eval(node, _Ctx(frame, text))


def select_mask(frame: pd.DataFrame, expression: str) -> np.ndarray:
    """True for the rows where ``expression`` is true (NULL and false are not selected).

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        The layer (its geometry column gives ``$area`` and ``$length``, in the working CRS).
    expression : str
        See the module docstring and the user guide (选择 → 按表达式选择).

    Raises
    ------
    ExpressionError
        A syntax error, an unknown field or function, or a result that is not a condition;
        the message names the character where it is.
    """
    ctx = _Ctx(frame, expression)
    node = parse(expression)
    v = _truth(_eval(node, ctx), ctx, node)
    data = np.asarray(v.data, dtype=bool) & ~np.asarray(v.null, dtype=bool)
    return np.broadcast_to(data, (len(frame),)).copy()


def select_ids(frame: pd.DataFrame, expression: str) -> np.ndarray:
    """Row numbers (0-based positions) where ``expression`` is true; see :func:`select_mask`."""
    return np.flatnonzero(select_mask(frame, expression))
