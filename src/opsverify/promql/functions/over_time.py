"""The *_over_time family: aggregate each series' samples in its window."""

from __future__ import annotations

import math

from opsverify.promql.functions.windows import RangeFn, Window
from opsverify.promql.kahan import kahan_inc, kahan_sum, mean, quantile


def _sum(w: Window) -> float:
    return kahan_sum(w.vs)


def _avg(w: Window) -> float:
    return mean(w.vs)


def _compare(w: Window, better: str, want_ts: bool) -> float:
    best, best_t = w.vs[0], w.ts[0]
    for t, v in zip(w.ts, w.vs, strict=True):
        if (v > best if better == "max" else v < best) or math.isnan(best):
            best, best_t = v, t
    return best_t / 1000 if want_ts else best


def _variance(w: Window) -> float:
    count = avg = c_avg = aux = c_aux = 0.0
    for f in w.vs:
        count += 1
        d = f - (avg + c_avg)
        avg, c_avg = kahan_inc(d / count, avg, c_avg)
        aux, c_aux = kahan_inc(d * (f - (avg + c_avg)), aux, c_aux)
    return (aux + c_aux) / count


def _mad(w: Window) -> float:
    if any(math.isnan(v) for v in w.vs):
        return math.nan
    median = quantile(0.5, w.vs)
    return quantile(0.5, [abs(v - median) for v in w.vs])


def quantile_fn(qs: list[float]) -> RangeFn:
    return lambda w: quantile(qs[w.i], w.vs)


OVER_TIME: dict[str, RangeFn] = {
    "sum_over_time": _sum,
    "avg_over_time": _avg,
    "count_over_time": lambda w: float(len(w.vs)),
    "min_over_time": lambda w: _compare(w, "min", False),
    "max_over_time": lambda w: _compare(w, "max", False),
    "ts_of_min_over_time": lambda w: _compare(w, "min", True),
    "ts_of_max_over_time": lambda w: _compare(w, "max", True),
    "last_over_time": lambda w: w.vs[-1],
    "first_over_time": lambda w: w.vs[0],
    "ts_of_last_over_time": lambda w: w.ts[-1] / 1000,
    "ts_of_first_over_time": lambda w: w.ts[0] / 1000,
    "present_over_time": lambda w: 1.0,
    "stdvar_over_time": _variance,
    "stddev_over_time": lambda w: math.sqrt(_variance(w)),
    "mad_over_time": _mad,
}
