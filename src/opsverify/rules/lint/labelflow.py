"""Which labels a PromQL expression's result can carry, followed through aggregations (``by``/``without``), vector
matching (``on``/``ignoring``, ``group_left``/``group_right``) and label functions, as Prometheus computes them.

A :class:`LabelSet` is either closed (exactly these names can appear) or open (any name but the ``removed`` ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import promql_parser


@dataclass(frozen=True)
class LabelSet:
    closed: bool
    names: frozenset[str] = field(default_factory=frozenset)  # closed: the possible names
    removed: frozenset[str] = field(default_factory=frozenset)  # open: names that cannot appear

    def can_have(self, name: str) -> bool:
        return name in self.names if self.closed else name not in self.removed

    def keep(self, names: set[str]) -> LabelSet:
        return LabelSet(True, frozenset(names if not self.closed else self.names & names))

    def drop(self, names: set[str]) -> LabelSet:
        if self.closed:
            return LabelSet(True, self.names - names)
        return LabelSet(False, removed=self.removed | names)

    def add(self, names: set[str]) -> LabelSet:
        if self.closed:
            return LabelSet(True, self.names | names)
        return LabelSet(False, removed=self.removed - names)

    def union(self, other: LabelSet) -> LabelSet:
        if self.closed and other.closed:
            return LabelSet(True, self.names | other.names)
        removed = (self.removed if not self.closed else frozenset()) | (
            other.removed if not other.closed else frozenset()
        )
        known = (self.names if self.closed else frozenset()) | (other.names if other.closed else frozenset())
        return LabelSet(False, removed=removed - known)


ANY = LabelSet(False)
NONE = LabelSet(True)
_KEEP_INPUT_ARG = {"label_replace": 0, "label_join": 0, "histogram_quantile": 1, "sort_by_label": 0}
_NO_LABELS = {"vector", "time", "scalar", "pi", "minute", "hour", "day_of_month", "day_of_week", "day_of_year"}
_NO_LABELS |= {"days_in_month", "month", "year"}


def _kind(value: Any) -> str:
    return str(value).rsplit(".", 1)[-1]


def result_labels(node: Any) -> LabelSet:
    """The labels the result of ``node`` can carry (``__name__`` is not tracked)."""
    if isinstance(node, promql_parser.VectorSelector):
        return ANY
    if isinstance(node, promql_parser.MatrixSelector):
        return ANY
    if isinstance(node, promql_parser.NumberLiteral | promql_parser.StringLiteral):
        return NONE
    if isinstance(node, promql_parser.AggregateExpr):
        return _aggregate(node)
    if isinstance(node, promql_parser.BinaryExpr):
        return _binary(node)
    if isinstance(node, promql_parser.Call):
        return _call(node)
    inner = getattr(node, "expr", None)  # parens, unary minus, subqueries
    return result_labels(inner) if inner is not None else ANY


def _aggregate(node: Any) -> LabelSet:
    inner = result_labels(node.expr)
    op = str(node.op)
    if op in ("topk", "bottomk", "limitk", "limit_ratio"):
        return inner
    mod = node.modifier
    labels = set(mod.labels) if mod is not None else set()
    without = mod is not None and _kind(mod.type) == "Without"
    out = inner.drop(labels) if without else inner.keep(labels)
    if op == "count_values" and isinstance(node.param, promql_parser.StringLiteral):
        out = out.add({node.param.val})
    return out


def _binary(node: Any) -> LabelSet:
    lhs, rhs = result_labels(node.lhs), result_labels(node.rhs)
    lhs_scalar, rhs_scalar = _is_scalar(node.lhs), _is_scalar(node.rhs)
    if lhs_scalar or rhs_scalar:
        return NONE if lhs_scalar and rhs_scalar else (rhs if lhs_scalar else lhs)
    op, mod = str(node.op), node.modifier
    if op == "or":
        return lhs.union(rhs)
    if op in ("and", "unless"):
        return lhs
    card = _kind(mod.card) if mod is not None and mod.card is not None else "OneToOne"
    matching = mod.matching if mod is not None else None
    names = set(matching.labels) if matching is not None else set()
    on = matching is not None and _kind(matching.type) == "Include"
    extra = set(mod.group_labels or []) if mod is not None else set()
    if card == "ManyToOne":
        return lhs.add(extra) if extra else lhs
    if card == "OneToMany":
        return rhs.add(extra) if extra else rhs
    return lhs.keep(names) if on else lhs.drop(names)


def _is_scalar(node: Any) -> bool:
    if isinstance(node, promql_parser.NumberLiteral):
        return True
    if isinstance(node, promql_parser.Call):
        return str(node.func.name) in ("scalar", "time", "pi")
    inner = getattr(node, "expr", None)
    if isinstance(node, promql_parser.ParenExpr | promql_parser.UnaryExpr) and inner is not None:
        return _is_scalar(inner)
    if isinstance(node, promql_parser.BinaryExpr):
        return _is_scalar(node.lhs) and _is_scalar(node.rhs)
    return False


def _call(node: Any) -> LabelSet:
    name = str(node.func.name)
    args = list(node.args)
    if name in _NO_LABELS:
        return NONE
    if name in ("absent", "absent_over_time"):
        return _absent_labels(args[0] if args else None)
    if name in ("label_replace", "label_join") and len(args) > 1:
        dst = args[1]
        base = result_labels(args[0])
        return base.add({dst.val}) if isinstance(dst, promql_parser.StringLiteral) else ANY
    if name == "histogram_quantile" and len(args) > 1:
        return result_labels(args[1]).drop({"le"})
    if name in ("info",):
        return ANY
    vectors = [a for a in args if not isinstance(a, promql_parser.NumberLiteral | promql_parser.StringLiteral)]
    return result_labels(vectors[0]) if vectors else NONE


def _absent_labels(arg: Any) -> LabelSet:
    """absent() carries the equality matchers of its selector (not regex ones, not ``__name__``)."""
    sel = arg.vector_selector if isinstance(arg, promql_parser.MatrixSelector) else arg
    if not isinstance(sel, promql_parser.VectorSelector):
        return NONE
    names = {m.name for m in sel.matchers.matchers if _kind(m.op) == "Equal" and m.name != "__name__"}
    return LabelSet(True, frozenset(names))
