"""topk, bottomk and limitk: per step and group, keep k of the input series (labels unchanged)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from opsverify.promql.model import Grid, Row, ScalarData, Value, VectorData
from opsverify.promql.values import Labels, PromQLError, go_g
from opsverify.promql.xxhash import sample_offset

if TYPE_CHECKING:
    from opsverify.promql.engine import Evaluator

_MAX_INT64 = 9.223372036854775807e18


def _k_values(ev: Evaluator, node: Any, grid: Grid) -> list[float]:
    param = ev.eval(node.param, grid)
    if not isinstance(param, ScalarData):
        raise PromQLError("expected scalar parameter")
    if not any(math.isnan(k) for k in param.vals) and max(param.vals) < 1:
        return [0.0] * grid.n
    for k in param.vals:
        if math.isnan(k):
            raise PromQLError("Parameter value is NaN")
        if k <= -_MAX_INT64:
            raise PromQLError(f"Scalar value {k:g} underflows int64")
        if k >= _MAX_INT64:
            raise PromQLError(f"Scalar value {k:g} overflows int64")
    return param.vals


def _sort_key(op: str, v: float) -> tuple[int, float]:
    """Sort key putting the preferred sample first; NaN always last."""
    if math.isnan(v):
        return (1, 0.0)
    return (0, -v if op == "topk" else v)


def eval_k_aggregate(ev: Evaluator, node: Any, grid: Grid, op: str) -> Value:
    """topk/bottomk/limitk per step and group; an instant query keeps the order Prometheus returns."""
    from opsverify.promql.aggregations import group_labels

    if op == "limit_ratio":
        return _limit_ratio(ev, node, grid)
    ks = _k_values(ev, node, grid)
    rows = ev.vector(node.expr, grid).rows
    groups: dict[Labels, list[int]] = {}
    for idx, row in enumerate(rows):
        groups.setdefault(group_labels(row.labels, node.modifier), []).append(idx)
    out_vals: list[list[float | None]] = [[None] * grid.n for _ in rows]
    order: list[int] = []
    for i in range(grid.n):
        k = int(min(ks[i], len(rows)))
        for members in groups.values() if k >= 1 else ():
            for m in _pick(op, rows, members, i, k):
                out_vals[m][i] = rows[m].vals[i]
                order.append(m)
    if grid.n != 1:
        order = list(range(len(rows)))
    kept = [m for m in order if any(v is not None for v in out_vals[m])]
    return VectorData([Row(rows[m].labels, out_vals[m], rows[m].drop_name) for m in kept])


def _pick(op: str, rows: list[Row], members: list[int], i: int, k: int) -> list[int]:
    present = [m for m in members if rows[m].vals[i] is not None]
    if op != "limitk":
        present.sort(key=lambda m: _sort_key(op, rows[m].vals[i] or 0.0))
    return present[:k]


def _limit_ratio(ev: Evaluator, node: Any, grid: Grid) -> Value:
    """Keep a deterministic share of series, chosen by Prometheus' label-set hash."""
    param = ev.eval(node.param, grid)
    if not isinstance(param, ScalarData):
        raise PromQLError("expected scalar parameter")
    ratios = param.vals
    if all(r == 0 for r in ratios):
        return VectorData([])
    if any(math.isnan(r) for r in ratios):
        raise PromQLError("Ratio value is NaN")
    if max(ratios) > 1:
        grid.warn(f"PromQL warning: ratio value should be between -1 and 1, got {go_g(max(ratios))}, capping to 1")
    if min(ratios) < -1:
        grid.warn(f"PromQL warning: ratio value should be between -1 and 1, got {go_g(min(ratios))}, capping to -1")
    rows = []
    for row in ev.vector(node.expr, grid).rows:
        offset = sample_offset(row.labels)
        vals = [
            v if v is not None and _keep(max(-1.0, min(1.0, r)), offset) else None
            for v, r in zip(row.vals, ratios, strict=True)
        ]
        if any(v is not None for v in vals):
            rows.append(Row(row.labels, vals, row.drop_name))
    return VectorData(rows)


def _keep(ratio: float, offset: float) -> bool:
    return (ratio >= 0 and offset < ratio) or (ratio < 0 and offset >= 1.0 + ratio)
