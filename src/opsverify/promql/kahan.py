"""Compensated (Kahan-Neumaier) summation and running means as Prometheus computes them."""

from __future__ import annotations

import math
from collections.abc import Iterable


def kahan_inc(inc: float, total: float, c: float) -> tuple[float, float]:
    t = total + inc
    if math.isinf(t):
        c = 0.0
    elif abs(total) >= abs(inc):
        c += (total - t) + inc
    else:
        c += (inc - t) + total
    return t, c


def kahan_sum(values: Iterable[float]) -> float:
    """Kahan-Neumaier sum (the increment is inlined: this is the hot loop of *_over_time and regressions)."""
    total, c = 0.0, 0.0
    for v in values:
        t = total + v
        if t - t != 0.0:  # inf or nan
            c = 0.0 if math.isinf(t) else c + ((total - t) + v if abs(total) >= abs(v) else (v - t) + total)
        elif abs(total) >= abs(v):
            c += (total - t) + v
        else:
            c += (v - t) + total
        total = t
    if math.isinf(total):
        return total
    return total + c


def mean(values: list[float]) -> float:
    """Average with Kahan summation, switching to an incremental mean when the sum overflows."""
    total, c = values[0], 0.0
    count = 1.0
    incremental = False
    avg = 0.0
    for f in values[1:]:
        count += 1
        if not incremental:
            new_t, new_c = kahan_inc(f, total, c)
            if not math.isinf(new_t):
                total, c = new_t, new_c
                continue
            incremental = True
            avg = total / (count - 1)
            c /= count - 1
        q = (count - 1) / count
        avg, c = kahan_inc(f / count, q * avg, q * c)
    if incremental:
        return avg + c
    return total / count + c / count


def variance(values: list[float]) -> float:
    """Population variance with Welford's method (NaN as soon as a NaN or Inf is involved)."""
    count, avg, m2 = 0.0, 0.0, 0.0
    for f in values:
        count += 1
        delta = f - avg
        avg += delta / count
        m2 += delta * (f - avg)
    return m2 / count


def quantile(q: float, values: list[float]) -> float:
    """Prometheus' quantile: linear interpolation between closest ranks, NaN sorted first."""
    if not values or math.isnan(q):
        return math.nan
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    ordered = sorted(values, key=lambda v: (not math.isnan(v), v if not math.isnan(v) else 0.0))
    n = len(ordered)
    rank = q * (n - 1)
    lower = max(0, math.floor(rank))
    upper = min(n - 1, lower + 1)
    weight = rank - math.floor(rank)
    return ordered[lower] * (1 - weight) + ordered[upper] * weight
