"""Aggregation operators over the step grid: groups are computed once per input row, values per step."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from opsverify.promql.kahan import kahan_sum, mean, quantile, variance
from opsverify.promql.model import NAME, Grid, Row, ScalarData, StringData, Value, VectorData, only, with_label, without
from opsverify.promql.topk import eval_k_aggregate
from opsverify.promql.values import Labels, PromQLError, go_g

if TYPE_CHECKING:
    from opsverify.promql.engine import Evaluator


def _max(vs: list[float]) -> float:
    cur = vs[0]
    for f in vs[1:]:
        if cur < f or math.isnan(cur):
            cur = f
    return cur


def _min(vs: list[float]) -> float:
    cur = vs[0]
    for f in vs[1:]:
        if cur > f or math.isnan(cur):
            cur = f
    return cur


def _stdvar(vs: list[float]) -> float:
    return variance(vs)


SIMPLE: dict[str, Callable[[list[float]], float]] = {
    "sum": kahan_sum,
    "avg": mean,
    "min": _min,
    "max": _max,
    "count": lambda vs: float(len(vs)),
    "group": lambda vs: 1.0,
    "stdvar": _stdvar,
    "stddev": lambda vs: math.sqrt(variance(vs)),
}


def group_labels(labels: Labels, mod: Any) -> Labels:
    if mod is None:
        return ()
    names = set(mod.labels)
    if str(mod.type).endswith("Without"):
        return without(labels, names | {NAME})
    return only(labels, names)


def eval_aggregate(ev: Evaluator, node: Any, grid: Grid) -> Value:
    op = str(node.op)
    if op in ("topk", "bottomk", "limitk", "limit_ratio"):
        return eval_k_aggregate(ev, node, grid, op)
    if op == "count_values":
        return _count_values(ev, node, grid)
    vec = ev.vector(node.expr, grid)
    if op == "quantile":
        q = ev.scalar(node.param, grid).vals
        warn_quantiles(grid, q)
        return _aggregate(vec.rows, node.modifier, grid.n, lambda vs, i: quantile(q[i], vs))
    if op not in SIMPLE:
        raise PromQLError(f"unknown aggregation operator {op!r}")
    fn = SIMPLE[op]
    return _aggregate(vec.rows, node.modifier, grid.n, lambda vs, i: fn(vs))


def warn_quantiles(grid: Grid, qs: list[float]) -> None:
    """Prometheus' 'quantile value should be between 0 and 1' warnings (NaN, largest > 1, smallest < 0)."""
    text = "PromQL warning: quantile value should be between 0 and 1, got "
    if any(math.isnan(q) for q in qs):
        grid.warn(text + "NaN")
    real = [q for q in qs if not math.isnan(q)]
    if real and max(real) > 1:
        grid.warn(text + go_g(max(real)))
    if real and min(real) < 0:
        grid.warn(text + go_g(min(real)))


def _groups(rows: list[Row], mod: Any) -> dict[Labels, list[Row]]:
    groups: dict[Labels, list[Row]] = {}
    for row in rows:
        groups.setdefault(group_labels(row.labels, mod), []).append(row)
    return groups


def _aggregate(rows: list[Row], mod: Any, n: int, fn: Callable[[list[float], int], float]) -> VectorData:
    out = []
    for key, members in _groups(rows, mod).items():
        vals: list[float | None] = []
        drop = False
        for i in range(n):
            present = [r for r in members if r.vals[i] is not None]
            if present:
                # Like Prometheus, the group's name-drop flag is that of the last step it has a value at.
                drop = any(r.drop_name for r in present)
            vals.append(fn([r.vals[i] for r in present], i) if present else None)  # type: ignore[misc]
        out.append(Row(key, vals, drop))
    return VectorData(out)


def format_go_float(v: float) -> str:
    """strconv.FormatFloat(v, 'f', -1, 64)."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    text = format(Decimal(repr(v)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _count_values(ev: Evaluator, node: Any, grid: Grid) -> Value:
    param = ev.eval(node.param, grid)
    if not isinstance(param, StringData):
        raise PromQLError("count_values needs a string parameter")
    label = param.val
    if not label or not (label[0].isalpha() or label[0] == "_"):
        raise PromQLError(f'invalid label name "{label}"')
    vec = ev.vector(node.expr, grid)
    mod = node.modifier
    if mod is None:
        mod = _ByPlus([label])
    elif not str(mod.type).endswith("Without") and label not in mod.labels:
        mod = _ByPlus([*mod.labels, label])
    counts: dict[Labels, list[float | None]] = {}
    for row in vec.rows:
        for i, v in enumerate(row.vals):
            if v is None:
                continue
            key = group_labels(with_label(row.labels, label, format_go_float(v)), mod)
            slot = counts.setdefault(key, [None] * grid.n)
            slot[i] = (slot[i] or 0.0) + 1.0
    return VectorData([Row(k, vals) for k, vals in counts.items()])


class _ByPlus:
    def __init__(self, labels: list[str]) -> None:
        self.labels = labels
        self.type = "By"


def scalar_param(ev: Evaluator, node: Any, grid: Grid) -> list[float]:
    value = ev.eval(node, grid)
    if not isinstance(value, ScalarData):
        raise PromQLError("expected scalar parameter")
    return value.vals
