"""histogram_quantile and histogram_fraction over classic ``_bucket`` series (``le`` label)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from opsverify.promql.model import (
    NAME,
    Grid,
    Row,
    ScalarData,
    StringData,
    Value,
    VectorData,
    get_label,
    merge_rows,
    with_label,
    without,
)
from opsverify.promql.values import Labels, PromQLError, go_g

if TYPE_CHECKING:
    from opsverify.promql.engine import Evaluator

Buckets = list[tuple[float, float]]
_TOLERANCE = 1e-12


def _almost_equal(a: float, b: float, eps: float) -> bool:
    if math.isnan(a) and math.isnan(b):
        return True
    if a == b:
        return True
    abs_sum = abs(a) + abs(b)
    diff = abs(a - b)
    min_normal = 2.2250738585072014e-308
    if a == 0 or b == 0 or abs_sum < min_normal:
        return diff < eps * min_normal
    return diff / min(abs_sum, 1.7976931348623157e308) < eps


def _coalesce(buckets: Buckets) -> Buckets:
    out: Buckets = []
    for ub, count in buckets:
        if out and out[-1][0] == ub:
            out[-1] = (ub, out[-1][1] + count)
        else:
            out.append((ub, count))
    return out


def _monotonic(buckets: Buckets) -> tuple[Buckets, bool]:
    forced = False
    out = [buckets[0]]
    prev = buckets[0][1]
    for ub, cur in buckets[1:]:
        if cur == prev:
            out.append((ub, cur))
        elif _almost_equal(prev, cur, _TOLERANCE):
            out.append((ub, prev))
        elif cur < prev:
            out.append((ub, prev))
            forced = True
        else:
            out.append((ub, cur))
            prev = cur
    return out, forced


def bucket_quantile(q: float, raw: Buckets) -> tuple[float, bool]:
    """Prometheus' classic-bucket quantile; the flag says monotonicity had to be forced."""
    if math.isnan(q):
        return math.nan, False
    if q < 0:
        return -math.inf, False
    if q > 1:
        return math.inf, False
    buckets = sorted(raw, key=lambda b: b[0])
    if not math.isinf(buckets[-1][0]) or buckets[-1][0] < 0:
        return math.nan, False
    buckets, forced = _monotonic(_coalesce(buckets))
    if len(buckets) < 2 or buckets[-1][1] == 0:
        return math.nan, forced
    rank = q * buckets[-1][1]
    b = next((i for i in range(len(buckets) - 1) if buckets[i][1] >= rank), len(buckets) - 1)
    if b == len(buckets) - 1:
        return buckets[-2][0], forced
    if b == 0 and buckets[0][0] <= 0:
        return buckets[0][0], forced
    start, end, count = 0.0, buckets[b][0], buckets[b][1]
    if b > 0:
        start = buckets[b - 1][0]
        count -= buckets[b - 1][1]
        rank -= buckets[b - 1][1]
    return start + (end - start) * (rank / count), forced


def bucket_fraction(lower: float, upper: float, raw: Buckets) -> float:
    buckets = sorted(raw, key=lambda b: b[0])
    if not math.isinf(buckets[-1][0]) or buckets[-1][0] < 0:
        return math.nan
    buckets = _coalesce(buckets)
    count = buckets[-1][1]
    if count == 0 or math.isnan(lower) or math.isnan(upper):
        return math.nan
    if lower >= upper:
        return 0.0
    rank = 0.0
    lower_rank = upper_rank = count
    lower_set = upper_set = False
    lower_bound = -math.inf if buckets[0][0] <= 0 else 0.0
    for i, (ub, bcount) in enumerate(buckets):
        if i > 0:
            lower_bound = buckets[i - 1][0]

        def interp(v: float, lb: float = lower_bound, ub: float = ub, bc: float = bcount, r: float = rank) -> float:
            return bc if lb == -math.inf else r + (bc - r) * (v - lb) / (ub - lb)

        if not lower_set and lower_bound >= lower:
            lower_rank, lower_set = rank, True
        if not upper_set and lower_bound >= upper:
            upper_rank, upper_set = rank, True
        if lower_set and upper_set:
            break
        if not lower_set and lower_bound < lower < ub:
            lower_rank, lower_set = interp(lower), True
        if not upper_set and lower_bound < upper < ub:
            upper_rank, upper_set = interp(upper), True
        if lower_set and upper_set:
            break
        rank = bcount
    lower_rank = min(lower_rank, count) if lower_set else count
    upper_rank = min(upper_rank, count) if upper_set else count
    return (upper_rank - lower_rank) / count


def _parse_le(text: str) -> float | None:
    try:
        return float(text.replace("Inf", "inf"))
    except ValueError:
        return None


def _for_name(labels: Labels, named: bool) -> str:
    """Prometheus names the metric in these annotations only with delayed name removal."""
    name = get_label(labels, NAME) if named else ""
    return f' for metric name "{name}"' if name else ""


def _bucket_groups(vec: VectorData, grid: Grid, named: bool) -> dict[Labels, list[tuple[float, Row]]]:
    groups: dict[Labels, list[tuple[float, Row]]] = {}
    for row in vec.rows:
        le = _parse_le(get_label(row.labels, "le"))
        if le is None:
            grid.warn(
                f'PromQL warning: bucket label "le" is missing or has a malformed value of '
                f'"{get_label(row.labels, "le")}"{_for_name(row.labels, named)}'
            )
            continue
        groups.setdefault(without(row.labels, {"le"}), []).append((le, row))
    return groups


def _per_group(vec: VectorData, grid: Grid, fn: Any, named: bool) -> VectorData:
    out = []
    for labels, members in _bucket_groups(vec, grid, named).items():
        vals: list[float | None] = []
        for i in range(grid.n):
            buckets = [(le, v) for le, r in members if (v := r.vals[i]) is not None]
            vals.append(fn(buckets, i, labels) if buckets else None)
        if any(v is not None for v in vals):
            out.append(Row(labels, vals, True))
    return VectorData(out)


def _scalar(ev: Evaluator, node: Any, grid: Grid) -> list[float]:
    value = ev.eval(node, grid)
    if not isinstance(value, ScalarData):
        raise PromQLError("expected a scalar argument")
    return value.vals


def _quantile_fn(grid: Grid, qs: list[float], named: bool) -> Any:
    for q in qs:
        if math.isnan(q) or q < 0 or q > 1:
            grid.warn(f"PromQL warning: quantile value should be between 0 and 1, got {go_g(q)}")

    def fn(buckets: Buckets, i: int, labels: Labels) -> float:
        value, forced = bucket_quantile(qs[i], buckets)
        if forced:
            grid.info(
                "PromQL info: input to histogram_quantile needed to be fixed for monotonicity "
                "(see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)"
                + _for_name(labels, named)
            )
        return value

    return fn


def histogram_quantile(ev: Evaluator, node: Any, grid: Grid) -> Value:
    named = ev.delayed_name_removal
    fn = _quantile_fn(grid, _scalar(ev, node.args[0], grid), named)
    return _per_group(ev.vector(node.args[1], grid), grid, fn, named)


def histogram_fraction(ev: Evaluator, node: Any, grid: Grid) -> Value:
    lo, hi = _scalar(ev, node.args[0], grid), _scalar(ev, node.args[1], grid)
    vec = ev.vector(node.args[2], grid)
    fn = lambda buckets, i, labels: bucket_fraction(lo[i], hi[i], buckets)  # noqa: E731
    return _per_group(vec, grid, fn, ev.delayed_name_removal)


def openmetrics_float(q: float) -> str:
    """labels.FormatOpenMetricsFloat: integers keep a ``.0``."""
    return go_g(q) if math.isnan(q) or math.isinf(q) else repr(q)


def histogram_quantiles(ev: Evaluator, node: Any, grid: Grid) -> Value:
    vec = ev.vector(node.args[0], grid)
    label = _string(ev, node.args[1], grid)
    qss = [_scalar(ev, arg, grid) for arg in node.args[2:]]
    rows: list[Row] = []
    for qs in qss:
        named = ev.delayed_name_removal
        part = _per_group(vec, grid, _quantile_fn(grid, qs, named), named)
        for row in part.rows:
            row.labels = with_label(row.labels, label, openmetrics_float(qs[0]))
        rows += part.rows
    return VectorData(merge_rows(rows, grid.n))


def _string(ev: Evaluator, node: Any, grid: Grid) -> str:
    value = ev.eval(node, grid)
    if not isinstance(value, StringData):
        raise PromQLError("expected a string argument")
    return value.val
