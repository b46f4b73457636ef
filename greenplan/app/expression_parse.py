"""The expression language's tokenizer and parser (see :mod:`greenplan.app.expression`).

A hand-written tokenizer and recursive-descent parser turn the text into a small tree of
:class:`Node`; nothing here evaluates anything. Every error is an
:class:`ExpressionError` naming the 1-based character where it is.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from greenplan.core.errors import GreenplanError

#: the functions an expression may call: name -> (fewest, most arguments); their
#: implementations are in :data:`greenplan.app.expression.FUNCTIONS`
FUNCTION_ARGS: dict[str, tuple[int, int]] = {
    "upper": (1, 1), "lower": (1, 1), "trim": (1, 1), "length": (1, 1), "substr": (2, 3),
    "starts_with": (2, 2), "abs": (1, 1), "round": (1, 2), "coalesce": (2, 99), "to_real": (1, 1),
    "area": (1, 1),
}


class ExpressionError(GreenplanError):
    """An expression that cannot be parsed or evaluated; ``position`` is the 1-based
    character where the problem is (0 when it concerns the whole expression)."""

    def __init__(self, en: str, zh: str, *, position: int, expression: str, **kw: Any) -> None:
        self.position = position
        self.expression = expression
        if position:
            en = f"Expression, character {position}: {en}"
            zh = f"表达式第 {position} 个字符处：{zh}"
        else:
            en, zh = f"Expression: {en}", f"表达式：{zh}"
        super().__init__(en, zh, **kw)


# ---------------------------------------------------------------------------- tokens
@dataclass(frozen=True)
class Token:
    kind: str  # num, str, name, qname, op, kw, var, end
    text: str
    value: Any
    pos: int  # 0-based offset


KEYWORDS = {"AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "IS", "NULL", "TRUE", "FALSE", "BETWEEN"}
_OPS = ("<=", ">=", "<>", "!=", "==", "||", "=", "<", ">", "+", "-", "*", "/", "%", "(", ")", ",")
_NUM = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# a name: letters (any script, Chinese included), digits and "_", not starting with a digit
_NAME = re.compile(r"[^\W\d]\w*")
_VARS = {"$area", "$length", "$geometry"}


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` (raises :class:`ExpressionError` at the first stray character)."""
    out: list[Token] = []
    i, n = 0, len(text)

    def fail(at: int, en: str, zh: str) -> ExpressionError:
        return ExpressionError(en, zh, position=at + 1, expression=text)

    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c == "'":
            j, buf = i + 1, []
            while True:
                if j >= n:
                    raise fail(i, "the text in quotes is not closed (')", "引号中的文本没有结束（缺少 '）")
                if text[j] == "'":
                    if j + 1 < n and text[j + 1] == "'":  # '' inside quotes is one '
                        buf.append("'")
                        j += 2
                        continue
                    break
                buf.append(text[j])
                j += 1
            out.append(Token("str", text[i:j + 1], "".join(buf), i))
            i = j + 1
            continue
        if c == '"':
            j = text.find('"', i + 1)
            if j < 0:
                raise fail(i, 'the quoted field name is not closed (")', '带引号的字段名没有结束（缺少 "）')
            out.append(Token("qname", text[i:j + 1], text[i + 1:j], i))
            i = j + 1
            continue
        m = _NUM.match(text, i)
        if m and (c.isdigit() or c == "."):
            s = m.group(0)
            out.append(Token("num", s, float(s), i))
            i = m.end()
            continue
        if c == "$":
            m = _NAME.match(text, i + 1)
            word = "$" + (m.group(0).lower() if m else "")
            if word not in _VARS:
                raise fail(i, f"unknown variable {word!r} (use $area or $length)",
                           f"未知变量 {word!r}（可用 $area、$length）")
            out.append(Token("var", word, word, i))
            i += len(word)
            continue
        m = _NAME.match(text, i)
        if m:
            word = m.group(0)
            if word.startswith("__"):
                raise fail(i, f"names starting with '__' are not allowed ({word})",
                           f"不允许以 '__' 开头的名称（{word}）")
            up = word.upper()
            out.append(Token("kw", up, up, i) if up in KEYWORDS else Token("name", word, word, i))
            i = m.end()
            if i < n and text[i] == ".":
                raise fail(i, "'.' after a name: attribute access is not part of the language",
                           "名称后不能跟 '.'：表达式不支持属性访问")
            continue
        for op in _OPS:
            if text.startswith(op, i):
                out.append(Token("op", op, op, i))
                i += len(op)
                break
        else:
            raise fail(i, f"unexpected character {c!r}", f"无法识别的字符 {c!r}")
    out.append(Token("end", "", None, n))
    return out


# ---------------------------------------------------------------------------- tree
@dataclass(frozen=True)
class Node:
    op: str  # lit, field, var, call, neg, not, and, or, cmp, arith, concat, isnull, in, like, between
    pos: int
    args: tuple = ()
    value: Any = None


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = tokenize(text)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def fail(self, tok: Token, en: str, zh: str) -> ExpressionError:
        return ExpressionError(en, zh, position=tok.pos + 1, expression=self.text)

    def take(self, kind: str, text: str | None = None) -> Token | None:
        t = self.tok
        if t.kind == kind and (text is None or t.text == text):
            self.i += 1
            return t
        return None

    def expect(self, kind: str, text: str, what_zh: str) -> Token:
        t = self.take(kind, text)
        if t is None:
            got = self.tok.text or "end"
            raise self.fail(self.tok, f"expected {text!r}, found {got!r}", f"此处应为 {what_zh}，实际为 {got!r}")
        return t

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise ExpressionError("the expression is empty", "表达式为空", position=0, expression=self.text)
        node = self.or_()
        if self.tok.kind != "end":
            raise self.fail(self.tok, f"unexpected {self.tok.text!r} (an operator or AND/OR missing?)",
                            f"多余的 {self.tok.text!r}（是否缺少运算符或 AND/OR？）")
        return node

    def or_(self) -> Node:
        node = self.and_()
        while (t := self.take("kw", "OR")) is not None:
            node = Node("or", t.pos, (node, self.and_()))
        return node

    def and_(self) -> Node:
        node = self.not_()
        while (t := self.take("kw", "AND")) is not None:
            node = Node("and", t.pos, (node, self.not_()))
        return node

    def not_(self) -> Node:
        t = self.take("kw", "NOT")
        if t is not None:
            return Node("not", t.pos, (self.not_(),))
        return self.comparison()

    def comparison(self) -> Node:
        left = self.sum_()
        t = self.tok
        if t.kind == "op" and t.text in ("=", "==", "!=", "<>", "<", "<=", ">", ">="):
            self.i += 1
            op = {"==": "=", "<>": "!="}.get(t.text, t.text)
            return Node("cmp", t.pos, (left, self.sum_()), op)
        if self.take("kw", "IS"):
            negate = self.take("kw", "NOT") is not None
            self.expect("kw", "NULL", "NULL")
            node = Node("isnull", t.pos, (left,))
            return Node("not", t.pos, (node,)) if negate else node
        negate = False
        if t.kind == "kw" and t.text == "NOT" and self.toks[self.i + 1].text in ("IN", "LIKE", "ILIKE", "BETWEEN"):
            self.i += 1
            negate = True
        t = self.tok
        node = None
        if self.take("kw", "IN"):
            self.expect("op", "(", "'('")
            items = [self.literal()]
            while self.take("op", ","):
                items.append(self.literal())
            self.expect("op", ")", "')'")
            node = Node("in", t.pos, (left,), tuple(items))
        elif t.kind == "kw" and t.text in ("LIKE", "ILIKE"):
            self.i += 1
            pat = self.tok
            if pat.kind != "str":
                raise self.fail(pat, f"{t.text} needs a text in quotes, e.g. '01%'",
                                f"{t.text} 后应为引号中的文本，例如 '01%'")
            self.i += 1
            node = Node("like", t.pos, (left,), (pat.value, t.text == "ILIKE"))
        elif self.take("kw", "BETWEEN"):
            lo = self.sum_()
            self.expect("kw", "AND", "AND")
            node = Node("between", t.pos, (left, lo, self.sum_()))
        if node is None:
            return left
        return Node("not", t.pos, (node,)) if negate else node

    def literal(self) -> Any:
        t = self.tok
        sign = 1.0
        if t.kind == "op" and t.text == "-" and self.toks[self.i + 1].kind == "num":
            self.i += 1
            sign, t = -1.0, self.tok
        if t.kind in ("num", "str"):
            self.i += 1
            return sign * t.value if t.kind == "num" else t.value
        raise self.fail(t, "IN (...) takes numbers or texts in quotes only", "IN (...) 中只能是数字或引号中的文本")

    def sum_(self) -> Node:
        node = self.product()
        while self.tok.kind == "op" and self.tok.text in ("+", "-", "||"):
            t = self.tok
            self.i += 1
            node = Node("concat" if t.text == "||" else "arith", t.pos, (node, self.product()), t.text)
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/", "%"):
            t = self.tok
            self.i += 1
            node = Node("arith", t.pos, (node, self.unary()), t.text)
        return node

    def unary(self) -> Node:
        t = self.tok
        if t.kind == "op" and t.text in ("-", "+"):
            self.i += 1
            inner = self.unary()
            return Node("neg", t.pos, (inner,)) if t.text == "-" else inner
        return self.primary()

    def primary(self) -> Node:
        t = self.tok
        if t.kind in ("num", "str"):
            self.i += 1
            return Node("lit", t.pos, (), t.value)
        if t.kind == "kw" and t.text in ("TRUE", "FALSE", "NULL"):
            self.i += 1
            return Node("lit", t.pos, (), {"TRUE": True, "FALSE": False, "NULL": None}[t.text])
        if t.kind == "var":
            self.i += 1
            return Node("var", t.pos, (), t.value)
        if t.kind == "qname":
            self.i += 1
            return Node("field", t.pos, (), t.value)
        if t.kind == "name":
            self.i += 1
            if self.take("op", "("):
                args: list[Node] = []
                if not self.take("op", ")"):
                    args.append(self.or_())
                    while self.take("op", ","):
                        args.append(self.or_())
                    self.expect("op", ")", "')'")
                return self._call(t, args)
            return Node("field", t.pos, (), t.value)
        if self.take("op", "("):
            node = self.or_()
            self.expect("op", ")", "')'")
            return node
        got = t.text or "end"
        raise self.fail(t, f"expected a field, a value or '(', found {got!r}",
                        f"此处应为字段、数值或 '('，实际为 {got!r}" if t.kind != "end" else "表达式不完整")

    def _call(self, t: Token, args: list[Node]) -> Node:
        name = t.value.lower()
        spec = FUNCTION_ARGS.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, FUNCTION_ARGS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise self.fail(t, f"unknown function {t.value!r}{hint}; functions: {', '.join(FUNCTION_ARGS)}",
                            f"未知函数 {t.value!r}；可用函数：{'、'.join(FUNCTION_ARGS)}")
        lo, hi = spec[0], spec[1]
        if not lo <= len(args) <= hi:
            want = str(lo) if lo == hi else (f"{lo}–{hi}" if hi < 99 else f"≥ {lo}")
            raise self.fail(t, f"{name}() takes {want} argument(s), got {len(args)}",
                            f"{name}() 需要 {want} 个参数，实际 {len(args)} 个")
        return Node("call", t.pos, tuple(args), name)


def parse(text: str) -> Node:
    """The tree of ``text``.

    Raises
    ------
    ExpressionError
        With the 1-based position of the first problem.

    Examples
    --------
    >>> parse("a = 1 AND b IS NULL").op
    'and'
    """
    return _Parser(text).parse()
