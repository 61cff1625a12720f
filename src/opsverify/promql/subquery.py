"""Subqueries: evaluate the inner expression once over the union step grid, then window it per outer step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opsverify.promql.model import Grid, MatrixData, MSeries, Value
from opsverify.promql.selectors import at_time, ms
from opsverify.promql.values import PromQLError

if TYPE_CHECKING:
    from opsverify.promql.engine import Evaluator


def eval_subquery(ev: Evaluator, node: Any, grid: Grid) -> Value:
    step = ms(node.step) or ev.subquery_step_ms
    if step <= 0:
        raise PromQLError("zero or negative subquery step")
    rng, off = ms(node.range), ms(node.offset)
    fixed = at_time(node, grid)
    ends = [fixed - off] * grid.n if fixed is not None else [t - off for t in grid.steps]
    lo = min(ends) - rng
    start = step * (lo // step)
    if start <= lo:
        start += step
    inner_steps = list(range(start, max(ends) + 1, step))
    inner = Grid(inner_steps, grid.q_start, grid.q_end, grid.q_step, None, grid.annotations)
    value = ev.vector(node.expr, inner) if inner_steps else None
    series = []
    for row in value.rows if value is not None else []:
        ts = [t for t, v in zip(inner_steps, row.vals, strict=True) if v is not None]
        vs = [v for v in row.vals if v is not None]
        series.append(MSeries(row.labels, ts, vs, row.drop_name))
    return MatrixData(series, rng, ends)
