"""Which metric names a rule expression reads, to decide whether it can be evaluated over all steps at once."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import promql_parser

from opsverify.promql.byteescapes import rewrite_byte_escapes

_CHILDREN = ("expr", "lhs", "rhs", "param", "vector_selector")


def children(node: Any) -> list[Any]:
    """A parsed PromQL node's sub-expressions (promql_parser's attribute names and call arguments): the one step
    every walk of an expression takes."""
    found = [
        c for c in (getattr(node, a, None) for a in _CHILDREN) if c is not None and not isinstance(c, str | int | float)
    ]
    args = getattr(node, "args", None)
    if isinstance(args, list | tuple):
        found += [a for a in args if a is not None]
    return found


def referenced_names(node: Any) -> set[str] | None:
    """Metric names the expression selects; None when a selector could match any name (``{job="x"}``, regex)."""
    names: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, promql_parser.VectorSelector):
            name = selector_name(n)
            if name is None:
                return None
            names.add(name)
            continue
        stack.extend(children(n))
    return names


def selector_name(sel: Any) -> str | None:
    if sel.name:
        return str(sel.name)
    if getattr(sel.matchers, "or_matchers", None):
        return None
    for m in sel.matchers.matchers:
        if m.name == "__name__" and str(m.op).endswith("Equal") and "Not" not in str(m.op):
            return str(m.value)
    return None


def template_reads(texts: Iterable[str]) -> set[str] | None:
    """Metric names that ``query "..."`` calls in label/annotation templates read; None when a query is built
    at run time (``printf ... | query``) and could read anything."""
    names: set[str] = set()
    for text in texts:
        for literal in query_literals(text) if "{{" in text else []:
            if literal is None:
                return None
            try:
                found = referenced_names(promql_parser.parse(literal))
            except Exception:  # an unparsable query fails when it runs; it reads nothing
                continue
            if found is None:
                return None
            names |= found
    return names


def query_literals(text: str) -> list[str | None]:
    """The argument of every ``query`` call in a template: its text when a literal, None when computed."""
    from .template.errors import TemplateError
    from .template.lexer import Lexer
    from .template.parser import unquote

    try:
        tokens = Lexer(text, "t").run()
    except TemplateError:
        return []
    out: list[str | None] = []
    for tok, nxt in itertools.pairwise(tokens):
        if tok.kind == "ident" and tok.value == "query":
            out.append(unquote(nxt.value) if nxt.kind in ("string", "rawstring") else None)
    return out


def parse_expr(text: str) -> Any:
    """Parse PromQL with promql_parser; raise ValueError with the parser's message."""
    try:
        return promql_parser.parse(rewrite_byte_escapes(text))
    except Exception as exc:  # promql_parser raises its own (untyped) error
        raise ValueError(str(exc)) from None
