"""Which metric names a rule expression reads, to decide whether it can be evaluated over all steps at once."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import promql_parser

_CHILDREN = ("expr", "lhs", "rhs", "param", "vector_selector")


def referenced_names(node: Any) -> set[str] | None:
    """Metric names the expression selects; None when a selector could match any name (``{job="x"}``, regex)."""
    names: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, promql_parser.VectorSelector):
            name = _selector_name(n)
            if name is None:
                return None
            names.add(name)
            continue
        for attr in _CHILDREN:
            child = getattr(n, attr, None)
            if child is not None and not isinstance(child, str | int | float):
                stack.append(child)
        args = getattr(n, "args", None)
        if isinstance(args, list | tuple):
            stack.extend(a for a in args if a is not None)
    return names


def _selector_name(sel: Any) -> str | None:
    if sel.name:
        return str(sel.name)
    if getattr(sel.matchers, "or_matchers", None):
        return None
    for m in sel.matchers.matchers:
        if m.name == "__name__" and str(m.op).endswith("Equal") and "Not" not in str(m.op):
            return str(m.value)
    return None


_QUERY_WORD = re.compile(r"\bquery\b")
_QUERY_LITERAL = re.compile(r'\bquery\s+("(?:[^"\\]|\\.)*"|`[^`]*`)')


def template_reads(texts: Iterable[str]) -> set[str] | None:
    """Metric names that ``query "..."`` calls in label/annotation templates read; None when a query is built
    at run time (``printf ... | query``) and could read anything."""
    from .template.parser import unquote

    names: set[str] = set()
    for text in texts:
        literals = _QUERY_LITERAL.findall(text)
        if len(literals) != len(_QUERY_WORD.findall(text)):
            return None
        for literal in literals:
            try:
                found = referenced_names(promql_parser.parse(unquote(literal)))
            except Exception:  # an unparsable query fails when it runs; it reads nothing
                continue
            if found is None:
                return None
            names |= found
    return names


def parse_expr(text: str) -> Any:
    """Parse PromQL with promql_parser; raise ValueError with the parser's message."""
    try:
        return promql_parser.parse(text)
    except Exception as exc:  # promql_parser raises its own (untyped) error
        raise ValueError(str(exc)) from None
