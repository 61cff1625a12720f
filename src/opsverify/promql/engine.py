"""The evaluator: one handler per promql-parser node class, each evaluating a node over a whole step grid."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import promql_parser

from opsverify.promql import results
from opsverify.promql.aggregations import eval_aggregate
from opsverify.promql.binary import eval_binary
from opsverify.promql.byteescapes import rewrite_byte_escapes
from opsverify.promql.functions import call_function
from opsverify.promql.model import (
    Grid,
    MatrixData,
    ScalarData,
    StringData,
    Value,
    VectorData,
    drop_name,
    finish_names,
)
from opsverify.promql.selectors import matrix_selector, vector_selector
from opsverify.promql.storage import Storage
from opsverify.promql.subquery import eval_subquery
from opsverify.promql.values import InstantVector, PromQLError, RangeResult, Scalar, String

Handler = Callable[["Evaluator", Any, Grid], Value]


def parse(expr: str) -> Any:
    """Parse with promql-parser, mapping its errors onto :class:`PromQLError`."""
    try:
        return promql_parser.parse(rewrite_byte_escapes(expr))
    except (ValueError, RuntimeError, TypeError) as exc:
        raise PromQLError(f"parse error: {exc}") from None


class Evaluator:
    """Evaluates parsed nodes over a grid against one storage."""

    def __init__(self, storage: Storage, lookback_ms: int, subquery_step_ms: int, delayed: bool) -> None:
        self.storage = storage
        self.lookback_ms = lookback_ms
        self.subquery_step_ms = subquery_step_ms
        self.delayed_name_removal = delayed

    def eval(self, node: Any, grid: Grid) -> Value:
        handler = HANDLERS.get(type(node).__name__)
        if handler is None:
            raise PromQLError(f"unsupported expression node {type(node).__name__}")
        value = handler(self, node, grid)
        if self.delayed_name_removal:
            return value
        return drop_names_now(value, grid.n)

    def vector(self, node: Any, grid: Grid) -> VectorData:
        value = self.eval(node, grid)
        if not isinstance(value, VectorData):
            raise PromQLError(f"expected instant vector, got {type(value).__name__}")
        return value

    def scalar(self, node: Any, grid: Grid) -> ScalarData:
        value = self.eval(node, grid)
        if not isinstance(value, ScalarData):
            raise PromQLError(f"expected scalar, got {type(value).__name__}")
        return value

    def matrix(self, node: Any, grid: Grid) -> MatrixData:
        value = self.eval(node, grid)
        if not isinstance(value, MatrixData):
            raise PromQLError(f"expected range vector, got {type(value).__name__}")
        return value


def drop_names_now(value: Value, n: int) -> Value:
    """Without delayed name removal, a node that drops ``__name__`` drops it at once (Prometheus' default)."""
    if isinstance(value, VectorData) and any(r.drop_name for r in value.rows):
        return VectorData(finish_names(value.rows, n))
    if isinstance(value, MatrixData):
        for s in value.series:
            if s.drop_name:
                s.labels, s.drop_name = drop_name(s.labels), False
    return value


def _number(ev: Evaluator, node: Any, grid: Grid) -> Value:
    return ScalarData([float(node.val)] * grid.n)


def _string(ev: Evaluator, node: Any, grid: Grid) -> Value:
    return StringData(str(node.val))


def _paren(ev: Evaluator, node: Any, grid: Grid) -> Value:
    return ev.eval(node.expr, grid)


def _unary(ev: Evaluator, node: Any, grid: Grid) -> Value:
    value = ev.eval(node.expr, grid)
    if isinstance(value, ScalarData):
        return ScalarData([-v for v in value.vals])
    if isinstance(value, VectorData):
        for row in value.rows:
            row.vals = [None if v is None else -v for v in row.vals]
            row.drop_name = True
        return value
    raise PromQLError("unary expression only allowed on expressions of type scalar or instant vector")


def _vector_selector(ev: Evaluator, node: Any, grid: Grid) -> Value:
    return vector_selector(ev.storage, node, grid, ev.lookback_ms)


def _matrix_selector(ev: Evaluator, node: Any, grid: Grid) -> Value:
    return matrix_selector(ev.storage, node, grid)


HANDLERS: dict[str, Handler] = {
    "NumberLiteral": _number,
    "StringLiteral": _string,
    "ParenExpr": _paren,
    "UnaryExpr": _unary,
    "VectorSelector": _vector_selector,
    "MatrixSelector": _matrix_selector,
    "SubqueryExpr": eval_subquery,
    "BinaryExpr": eval_binary,
    "AggregateExpr": eval_aggregate,
    "Call": call_function,
}


class Engine:
    """Instant and range queries with Prometheus 3 semantics over a :class:`Storage`."""

    def __init__(
        self,
        storage: Storage,
        lookback_ms: int = 300_000,
        subquery_step_ms: int = 60_000,
        *,
        delayed_name_removal: bool = False,
    ) -> None:
        """``subquery_step_ms`` is the step of subqueries written without one (``x[5m:]``), Prometheus'
        evaluation interval. ``delayed_name_removal`` is Prometheus 3's feature flag of that name (on in
        promqltest): ``__name__`` is then dropped at the end of the query instead of at each function."""
        self.storage = storage
        self.lookback_ms = lookback_ms
        self._ev = Evaluator(storage, lookback_ms, subquery_step_ms, delayed_name_removal)
        self.annotations: list[tuple[str, str]] = []

    def instant(
        self, expr: str | Any, t_ms: int, *, pin_at_ms: int | None = None
    ) -> InstantVector | Scalar | String | RangeResult:
        """Evaluate ``expr`` at ``t_ms``; a range-vector expression returns its samples as a RangeResult.

        ``pin_at_ms`` reads every selector and subquery written without ``@`` (outside subqueries) as if
        written ``@ pin_at_ms``, the check promqltest adds to each instant eval."""
        node = parse(expr) if isinstance(expr, str) else expr
        grid = Grid([t_ms], t_ms, t_ms, 0, pin_at_ms)
        value = self._ev.eval(node, grid)
        self.annotations = grid.annotations
        return results.instant_result(value, t_ms)

    def range(
        self, expr: str | Any, start_ms: int, end_ms: int, step_ms: int, *, pin_at_ms: int | None = None
    ) -> RangeResult:
        """Evaluate ``expr`` at start, start+step, ... <= end, like a Prometheus range query."""
        if step_ms <= 0:
            raise PromQLError("zero or negative query resolution step widths are not accepted")
        if end_ms < start_ms:
            raise PromQLError("end timestamp must not be before start time")
        node = parse(expr) if isinstance(expr, str) else expr
        steps = list(range(start_ms, end_ms + 1, step_ms))
        grid = Grid(steps, start_ms, end_ms, step_ms if end_ms > start_ms else 0, pin_at_ms)
        value = self._ev.eval(node, grid)
        self.annotations = grid.annotations
        return results.range_result(value, grid.steps)
