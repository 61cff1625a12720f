"""Turning internal grid values into the public result objects."""

from __future__ import annotations

from opsverify.promql.model import MatrixData, ScalarData, StringData, Value, VectorData, drop_name, finish_names
from opsverify.promql.selectors import window
from opsverify.promql.values import (
    InstantVector,
    PromQLError,
    RangeResult,
    Sample,
    Scalar,
    Series,
    String,
)


def instant_result(value: Value, t: int) -> InstantVector | Scalar | String | RangeResult:
    if isinstance(value, ScalarData):
        return Scalar(value.vals[0], t)
    if isinstance(value, StringData):
        return String(value.val, t)
    if isinstance(value, MatrixData):
        return matrix_result(value)
    rows = finish_names(value.rows, 1)
    samples = [Sample(dict(r.labels), v, t) for r in rows if (v := r.vals[0]) is not None]
    return InstantVector(samples, t)


def matrix_result(value: MatrixData) -> RangeResult:
    end = value.ends[0]
    out = []
    for s in value.series:
        lo, hi = window(s.ts, end, value.range_ms)
        if hi > lo:
            labels = drop_name(s.labels) if s.drop_name else s.labels
            out.append(Series(dict(labels), list(zip(s.ts[lo:hi], s.vs[lo:hi], strict=True))))
    out.sort(key=lambda s: sorted(s.labels.items()))
    return RangeResult(out)


def range_result(value: Value, steps: list[int]) -> RangeResult:
    if isinstance(value, ScalarData):
        return RangeResult([Series({}, list(zip(steps, value.vals, strict=True)))])
    if not isinstance(value, VectorData):
        kind = "string" if isinstance(value, StringData) else "range vector"
        raise PromQLError(f'invalid expression type "{kind}" for range query, must be Scalar or instant Vector')
    rows = finish_names(value.rows, len(steps))
    out = []
    for r in sorted(rows, key=lambda r: r.labels):
        points = [(t, v) for t, v in zip(steps, r.vals, strict=True) if v is not None]
        if points:
            out.append(Series(dict(r.labels), points))
    return RangeResult(out)
