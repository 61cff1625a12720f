"""rate, increase, delta, irate, idelta, deriv, predict_linear, changes, resets, smoothing."""

from __future__ import annotations

import itertools
import math

from opsverify.promql.functions.windows import RangeFn, Window
from opsverify.promql.kahan import kahan_sum
from opsverify.promql.values import PromQLError


def _extrapolated(w: Window, is_counter: bool, is_rate: bool) -> float | None:
    ts, vs = w.ts, w.vs
    if len(vs) < 2:
        return None
    result = vs[-1] - vs[0]
    if is_counter:
        for prev, cur in itertools.pairwise(vs):
            if cur < prev:
                result += prev
    range_start, range_end = w.end - w.rng, w.end
    to_start = (ts[0] - range_start) / 1000
    to_end = (range_end - ts[-1]) / 1000
    sampled = (ts[-1] - ts[0]) / 1000
    avg_gap = sampled / (len(vs) - 1)
    threshold = avg_gap * 1.1
    if to_start >= threshold:
        to_start = avg_gap / 2
    if is_counter:
        to_zero = to_start
        if result > 0 and vs[0] >= 0:
            to_zero = sampled * (vs[0] / result)
        to_start = min(to_start, to_zero)
    if to_end >= threshold:
        to_end = avg_gap / 2
    factor = (sampled + to_start + to_end) / sampled if sampled else 1.0
    if is_rate:
        factor /= w.rng / 1000
    return result * factor


def rate(w: Window) -> float | None:
    return _extrapolated(w, True, True)


def increase(w: Window) -> float | None:
    return _extrapolated(w, True, False)


def delta(w: Window) -> float | None:
    return _extrapolated(w, False, False)


def _instant(w: Window, is_rate: bool) -> float | None:
    if len(w.vs) < 2:
        return None
    (t0, t1), (v0, v1) = w.ts[-2:], w.vs[-2:]
    if t1 == t0:
        return None
    result = v1 if is_rate and v1 < v0 else v1 - v0
    return result / ((t1 - t0) / 1000) if is_rate else result


def irate(w: Window) -> float | None:
    return _instant(w, True)


def idelta(w: Window) -> float | None:
    return _instant(w, False)


def linear_regression(ts: list[int], vs: list[float], intercept_t: int) -> tuple[float, float]:
    """Least squares with compensated sums, as Prometheus' linearRegression."""
    n = float(len(vs))
    if all(v == vs[0] for v in vs[1:]):
        if math.isinf(vs[0]):
            return math.nan, math.nan
        return 0.0, vs[0]
    xs = [(t - intercept_t) / 1e3 for t in ts]
    sx = kahan_sum(xs)
    sy = kahan_sum(vs)
    sxy = kahan_sum([x * v for x, v in zip(xs, vs, strict=True)])
    sx2 = kahan_sum([x * x for x in xs])
    cov = sxy - sx * sy / n
    var = sx2 - sx * sx / n
    slope = cov / var if var != 0 else (math.nan if cov == 0 else math.copysign(math.inf, cov))
    return slope, sy / n - slope * sx / n


def deriv(w: Window) -> float | None:
    if len(w.vs) < 2:
        return None
    return linear_regression(w.ts, w.vs, w.ts[0])[0]


def predict_linear_fn(durations: list[float]) -> RangeFn:
    def fn(w: Window) -> float | None:
        if len(w.vs) < 2:
            return None
        slope, intercept = linear_regression(w.ts, w.vs, w.t)
        return slope * durations[w.i] + intercept

    return fn


def changes(w: Window) -> float | None:
    n = 0
    for prev, cur in zip(w.vs, w.vs[1:], strict=False):
        if cur != prev and not (math.isnan(cur) and math.isnan(prev)):
            n += 1
    return float(n)


def resets(w: Window) -> float | None:
    return float(sum(1 for prev, cur in zip(w.vs, w.vs[1:], strict=False) if cur < prev))


def smoothing_fn(sfs: list[float], tfs: list[float]) -> RangeFn:
    def fn(w: Window) -> float | None:
        sf, tf = sfs[w.i], tfs[w.i]
        if sf <= 0 or sf >= 1:
            raise PromQLError(f"invalid smoothing factor. Expected: 0 < sf < 1, got: {sf:f}")
        if tf <= 0 or tf >= 1:
            raise PromQLError(f"invalid trend factor. Expected: 0 < tf < 1, got: {tf:f}")
        vs = w.vs
        if len(vs) < 2:
            return None
        s0, s1, b = 0.0, vs[0], vs[1] - vs[0]
        for i in range(1, len(vs)):
            x = sf * vs[i]
            if i > 1:
                b = tf * (s1 - s0) + (1 - tf) * b
            y = (1 - sf) * (s1 + b)
            s0, s1 = s1, x + y
        return s1

    return fn
