"""Vector and matrix selectors: matchers (Go RE2 regexes, fully anchored), offset, ``@``, lookback."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from opsverify.promql.model import NAME, Grid, MatrixData, MSeries, Row, VectorData, get_label
from opsverify.promql.regex import GoRegex, RegexError, prometheus_matcher
from opsverify.promql.storage import Storage, StoredSeries
from opsverify.promql.values import Labels, PromQLError, is_stale


def ms(td: timedelta | None) -> int:
    """A parser duration in whole milliseconds (negative offsets included)."""
    if td is None:
        return 0
    return td // timedelta(milliseconds=1)


def compile_regex(pattern: str) -> GoRegex:
    """Compile a Prometheus (Go RE2) regex, fully anchored, ``.`` matching newlines as Prometheus does."""
    try:
        return prometheus_matcher(pattern)
    except RegexError as exc:
        raise PromQLError(str(exc)) from None


def matcher_fn(matchers: list[Any], name: str | None) -> Callable[[Labels], bool]:
    tests: list[Callable[[Labels], bool]] = []
    if name:
        tests.append(lambda ls: get_label(ls, NAME) == name)
    for m in matchers:
        tests.append(_one_matcher(str(m.op).rsplit(".", 1)[-1], m.name, m.value))
    return lambda ls: all(t(ls) for t in tests)


def _one_matcher(op: str, label: str, value: str) -> Callable[[Labels], bool]:
    if op == "Equal":
        return lambda ls: get_label(ls, label) == value
    if op == "NotEqual":
        return lambda ls: get_label(ls, label) != value
    rx = compile_regex(value)
    if op == "Re":
        return lambda ls: rx.fullmatch(get_label(ls, label)) is not None
    return lambda ls: rx.fullmatch(get_label(ls, label)) is None


def select(storage: Storage, vs: Any) -> list[StoredSeries]:
    matchers = list(vs.matchers.matchers)
    ors = list(getattr(vs.matchers, "or_matchers", None) or [])
    if ors:
        fns = [matcher_fn(list(group) + matchers, vs.name) for group in ors]
        return storage.select(lambda ls: any(f(ls) for f in fns))
    return storage.select(matcher_fn(matchers, vs.name), name=vs.name or _equal_name(matchers))


def _equal_name(matchers: list[Any]) -> str | None:
    for m in matchers:
        if m.name == NAME and str(m.op).endswith(".Equal"):
            return str(m.value)
    return None


def at_time(node: Any, grid: Grid) -> int | None:
    """The fixed evaluation time of an ``@`` modifier, or None."""
    at = getattr(node, "at", None)
    if at is None:
        return grid.pin
    kind = str(at.type).rsplit(".", 1)[-1]
    if kind == "Start":
        return grid.q_start
    if kind == "End":
        return grid.q_end
    stamp: float = at.at.timestamp()
    return round(stamp * 1000)


def eval_times(node: Any, grid: Grid) -> list[int]:
    """Per step, the time the selector reads at: the step (or its ``@`` time) minus the offset."""
    off = ms(node.offset)
    fixed = at_time(node, grid)
    if fixed is not None:
        return [fixed - off] * grid.n
    return [t - off for t in grid.steps]


def instant_values(s: StoredSeries, times: list[int], lookback: int) -> list[float | None]:
    ts, vs = s.ts, s.vs
    out: list[float | None] = []
    for t in times:
        i = bisect.bisect_right(ts, t) - 1
        if i >= 0 and ts[i] > t - lookback and not is_stale(vs[i]):
            out.append(vs[i])
        else:
            out.append(None)
    return out


def instant_times(s: StoredSeries, times: list[int], lookback: int) -> list[float | None]:
    """Like :func:`instant_values` but returns the sample timestamps in seconds (for ``timestamp()``)."""
    out: list[float | None] = []
    for t in times:
        i = bisect.bisect_right(s.ts, t) - 1
        ok = i >= 0 and s.ts[i] > t - lookback and not is_stale(s.vs[i])
        out.append(s.ts[i] / 1000 if ok else None)
    return out


def vector_selector(storage: Storage, node: Any, grid: Grid, lookback: int) -> VectorData:
    times = eval_times(node, grid)
    rows = []
    for s in select(storage, node):
        vals = instant_values(s, times, lookback)
        if any(v is not None for v in vals):
            rows.append(Row(s.labels, vals))
    return VectorData(rows)


def matrix_selector(storage: Storage, node: Any, grid: Grid) -> MatrixData:
    """The samples every step's window can see (staleness markers removed), read once per series."""
    vs = node.vector_selector
    ends, rng = eval_times(vs, grid), ms(node.range)
    first, last = min(ends) - rng, max(ends)
    series = []
    for s in select(storage, vs):
        lo, hi = bisect.bisect_right(s.ts, first), bisect.bisect_right(s.ts, last)
        keep = [i for i in range(lo, hi) if not is_stale(s.vs[i])]
        series.append(MSeries(s.labels, [s.ts[i] for i in keep], [s.vs[i] for i in keep]))
    return MatrixData(series, rng, ends)


def window(ts: list[int], end: int, range_ms: int) -> tuple[int, int]:
    """Index bounds [lo, hi) of samples in the left-open, right-closed window (end - range, end]."""
    return bisect.bisect_right(ts, end - range_ms), bisect.bisect_right(ts, end)
