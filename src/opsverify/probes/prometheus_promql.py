"""The probes' one place that calls promql-parser: its untyped errors become ValueError with the parser's words."""

from __future__ import annotations

from typing import Any

import promql_parser

from ..verdict import shorten


def parse(text: str) -> Any:
    """The promql-parser AST of ``text``; ValueError (one line) when it does not parse."""
    try:
        return promql_parser.parse(text)
    except Exception as exc:  # promql_parser raises its own untyped error
        raise ValueError(shorten(str(exc), 120)) from None


def kind(node: Any) -> str:
    """The AST node's class name: VectorSelector, MatrixSelector, Call, BinaryExpr, ..."""
    return type(node).__name__
