"""Driving range-vector functions: per series and step, the window's samples go to a small function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from opsverify.promql.model import MatrixData, Row, VectorData
from opsverify.promql.selectors import window


@dataclass(slots=True)
class Window:
    """The samples of one series in one step's window (end - rng, end]; ``t`` is the step time."""

    ts: list[int]
    vs: list[float]
    end: int
    rng: int
    t: int
    i: int
    name: str


RangeFn = Callable[[Window], float | None]


def over_windows(m: MatrixData, steps: list[int], fn: RangeFn, *, keep_name: bool = False) -> VectorData:
    rows = []
    for s in m.series:
        name = dict(s.labels).get("__name__", "")
        vals: list[float | None] = []
        for i, end in enumerate(m.ends):
            lo, hi = window(s.ts, end, m.range_ms)
            val = fn(Window(s.ts[lo:hi], s.vs[lo:hi], end, m.range_ms, steps[i], i, name)) if hi > lo else None
            vals.append(val)
        if any(v is not None for v in vals):
            rows.append(Row(s.labels, vals, s.drop_name or not keep_name))
    return VectorData(rows)
