"""The table of PromQL functions: name -> handler evaluating a Call node over the step grid."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from opsverify.promql.functions import elementwise as el
from opsverify.promql.functions import histograms, labelfuncs, rates
from opsverify.promql.functions.over_time import OVER_TIME, quantile_fn
from opsverify.promql.functions.windows import RangeFn, over_windows
from opsverify.promql.model import NAME, Grid, Row, ScalarData, StringData, Value, VectorData, get_label
from opsverify.promql.values import PromQLError, UnsupportedError, go_g

if TYPE_CHECKING:
    from opsverify.promql.engine import Evaluator

Handler = Callable[["Evaluator", Any, Grid], Value]


def call_function(ev: Evaluator, node: Any, grid: Grid) -> Value:
    name = node.func.name
    handler = FUNCTIONS.get(name)
    if handler is None:
        raise UnsupportedError(f"function {name}() is not supported")
    return handler(ev, node, grid)


def scalar_arg(ev: Evaluator, node: Any, grid: Grid) -> list[float]:
    value = ev.eval(node, grid)
    if not isinstance(value, ScalarData):
        raise PromQLError("expected a scalar argument")
    return value.vals


def string_arg(ev: Evaluator, node: Any, grid: Grid) -> str:
    value = ev.eval(node, grid)
    if not isinstance(value, StringData):
        raise PromQLError("expected a string argument")
    return value.val


def _range(fn: RangeFn, keep_name: bool = False) -> Handler:
    def handler(ev: Evaluator, node: Any, grid: Grid) -> Value:
        return over_windows(ev.matrix(node.args[0], grid), grid.steps, fn, keep_name=keep_name)

    return handler


def _quantile_over_time(ev: Evaluator, node: Any, grid: Grid) -> Value:
    qs = scalar_arg(ev, node.args[0], grid)
    out = over_windows(ev.matrix(node.args[1], grid), grid.steps, quantile_fn(qs))
    for row in out.rows:
        for i, v in enumerate(row.vals):
            q = qs[i]
            if v is not None and (math.isnan(q) or q < 0 or q > 1):
                grid.warn(f"PromQL warning: quantile value should be between 0 and 1, got {go_g(q)}")
    return out


_COUNTER_SUFFIXES = ("_total", "_sum", "_count", "_bucket")


def _counter_fn(fn: RangeFn) -> Handler:
    """rate/increase: Prometheus' info annotation for a metric name that does not look like a counter."""

    def handler(ev: Evaluator, node: Any, grid: Grid) -> Value:
        m = ev.matrix(node.args[0], grid)
        out = over_windows(m, grid.steps, fn)
        for row in out.rows:
            name = get_label(row.labels, NAME)
            if name and not name.endswith(_COUNTER_SUFFIXES):
                grid.info(
                    "PromQL info: metric might not be a counter, name does not end in "
                    f'_total/_sum/_count/_bucket: "{name}"'
                )
        return out

    return handler


def _predict_linear(ev: Evaluator, node: Any, grid: Grid) -> Value:
    m = ev.matrix(node.args[0], grid)
    return over_windows(m, grid.steps, rates.predict_linear_fn(scalar_arg(ev, node.args[1], grid)))


def _smoothing(ev: Evaluator, node: Any, grid: Grid) -> Value:
    m = ev.matrix(node.args[0], grid)
    sf, tf = scalar_arg(ev, node.args[1], grid), scalar_arg(ev, node.args[2], grid)
    return over_windows(m, grid.steps, rates.smoothing_fn(sf, tf))


def map_rows(vec: VectorData, fn: Callable[[float, int], float | None], drop: bool = True) -> VectorData:
    rows = []
    for row in vec.rows:
        vals = [None if v is None else fn(v, i) for i, v in enumerate(row.vals)]
        if any(v is not None for v in vals):
            rows.append(Row(row.labels, vals, row.drop_name or drop))
    return VectorData(rows)


def _math(fn: el.Float1) -> Handler:
    return lambda ev, node, grid: map_rows(ev.vector(node.args[0], grid), lambda v, i: fn(v))


def _date(fn: el.Float1) -> Handler:
    def handler(ev: Evaluator, node: Any, grid: Grid) -> Value:
        if not node.args:
            return VectorData([Row((), [fn(t / 1000) for t in grid.steps])])
        return map_rows(ev.vector(node.args[0], grid), lambda v, i: fn(v))

    return handler


def _clamp(ev: Evaluator, node: Any, grid: Grid) -> Value:
    vec = ev.vector(node.args[0], grid)
    lo, hi = scalar_arg(ev, node.args[1], grid), scalar_arg(ev, node.args[2], grid)
    return map_rows(vec, lambda v, i: None if hi[i] < lo[i] else el.go_max(lo[i], el.go_min(hi[i], v)))


def _clamp_min(ev: Evaluator, node: Any, grid: Grid) -> Value:
    lo = scalar_arg(ev, node.args[1], grid)
    return map_rows(ev.vector(node.args[0], grid), lambda v, i: el.go_max(lo[i], v))


def _clamp_max(ev: Evaluator, node: Any, grid: Grid) -> Value:
    hi = scalar_arg(ev, node.args[1], grid)
    return map_rows(ev.vector(node.args[0], grid), lambda v, i: el.go_min(hi[i], v))


def _round(ev: Evaluator, node: Any, grid: Grid) -> Value:
    to = scalar_arg(ev, node.args[1], grid) if len(node.args) > 1 else [1.0] * grid.n
    return map_rows(ev.vector(node.args[0], grid), lambda v, i: el.round_to(v, to[i]))


def _unsupported(what: str) -> Handler:
    def handler(ev: Evaluator, node: Any, grid: Grid) -> Value:
        raise UnsupportedError(what)

    return handler


def _native_only(ev: Evaluator, node: Any, grid: Grid) -> Value:
    ev.vector(node.args[0], grid)
    return VectorData([])


FUNCTIONS: dict[str, Handler] = {
    **{name: _range(fn, keep_name=name in ("last_over_time", "first_over_time")) for name, fn in OVER_TIME.items()},
    "rate": _counter_fn(rates.rate),
    "increase": _counter_fn(rates.increase),
    "delta": _range(rates.delta),
    "irate": _range(rates.irate),
    "idelta": _range(rates.idelta),
    "deriv": _range(rates.deriv),
    "changes": _range(rates.changes),
    "resets": _range(rates.resets),
    "quantile_over_time": _quantile_over_time,
    "predict_linear": _predict_linear,
    "double_exponential_smoothing": _smoothing,
    **{name: _math(fn) for name, fn in el.MATH.items()},
    **{name: _date(fn) for name, fn in el.DATES.items()},
    "clamp": _clamp,
    "clamp_min": _clamp_min,
    "clamp_max": _clamp_max,
    "round": _round,
    **labelfuncs.FUNCTIONS,
    "histogram_quantile": histograms.histogram_quantile,
    "histogram_fraction": histograms.histogram_fraction,
    "histogram_quantiles": histograms.histogram_quantiles,
    **{
        name: _native_only
        for name in ("histogram_count", "histogram_sum", "histogram_avg", "histogram_stddev", "histogram_stdvar")
    },
    "info": _unsupported("info() is not supported"),
}
