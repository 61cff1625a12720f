"""Functions about labels and shapes: label_replace/join, sort*, absent*, scalar, vector, time, timestamp."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from opsverify.promql.byteescapes import has_invalid_utf8
from opsverify.promql.functions.elementwise import go_max, go_min
from opsverify.promql.model import NAME, Grid, Row, ScalarData, StringData, Value, VectorData, merge_rows, with_label
from opsverify.promql.regex import GoRegex, expand
from opsverify.promql.selectors import compile_regex, eval_times, instant_times, select
from opsverify.promql.values import Labels, PromQLError

if TYPE_CHECKING:
    from opsverify.promql.engine import Evaluator

Handler = Callable[["Evaluator", Any, Grid], Value]


def _str(ev: Evaluator, node: Any, grid: Grid) -> str:
    value = ev.eval(node, grid)
    if not isinstance(value, StringData):
        raise PromQLError("expected a string argument")
    return value.val


def _valid_label(name: str) -> bool:
    """Prometheus 3 (UTF-8 names): non-empty valid UTF-8."""
    return bool(name) and not has_invalid_utf8(name)


def go_expand(rx: GoRegex, template: str, match: Any) -> str:
    """Go's regexp.Expand: $1, ${1}, $name, ${name}; unknown names expand to ''."""
    return expand(rx, template, match)


def label_replace(ev: Evaluator, node: Any, grid: Grid) -> Value:
    dst, repl, src, regex = (_str(ev, a, grid) for a in node.args[1:5])
    try:
        rx = compile_regex(regex)
    except PromQLError:
        raise PromQLError(f"invalid regular expression in label_replace(): {regex}") from None
    if not _valid_label(dst):
        raise PromQLError(f"invalid destination label name in label_replace(): {dst}")
    vec = ev.vector(node.args[0], grid)
    for row in vec.rows:
        m = rx.fullmatch(dict(row.labels).get(src, ""))
        if m is not None:
            row.labels = with_label(row.labels, dst, go_expand(rx, repl, m))
            row.drop_name = False if dst == NAME else row.drop_name
    return VectorData(merge_rows(vec.rows, grid.n))


def label_join(ev: Evaluator, node: Any, grid: Grid) -> Value:
    dst, sep = _str(ev, node.args[1], grid), _str(ev, node.args[2], grid)
    srcs = [_str(ev, a, grid) for a in node.args[3:]]
    for src in srcs:
        if not _valid_label(src):
            raise PromQLError(f"invalid source label name in label_join(): {src}")
    if not _valid_label(dst):
        raise PromQLError(f"invalid destination label name in label_join(): {dst}")
    vec = ev.vector(node.args[0], grid)
    for row in vec.rows:
        labels = dict(row.labels)
        row.labels = with_label(row.labels, dst, sep.join(labels.get(s, "") for s in srcs))
        row.drop_name = False if dst == NAME else row.drop_name
    return VectorData(merge_rows(vec.rows, grid.n))


def _nat_key(text: str) -> list[tuple[int, int | str]]:
    return [(0, int(p)) if p.isdigit() else (1, p) for p in re.findall(r"\d+|\D+", text)]


def _sorter(kind: str) -> Handler:
    def handler(ev: Evaluator, node: Any, grid: Grid) -> Value:
        vec = ev.vector(node.args[0], grid)
        if grid.n != 1:
            grid.warn(
                "PromQL warning: sort is ineffective for range queries since results are always ordered by labels"
            )
            return vec
        rows = vec.rows
        if kind in ("sort", "sort_desc"):
            nan = [r for r in rows if math.isnan(r.vals[0] or 0.0)]
            num = sorted((r for r in rows if not math.isnan(r.vals[0] or 0.0)), key=lambda r: r.vals[0] or 0.0)
            return VectorData((num if kind == "sort" else num[::-1]) + nan)
        names = [_str(ev, a, grid) for a in node.args[1:]]
        rows = sorted(rows, key=lambda r: ([_nat_key(dict(r.labels).get(n, "")) for n in names], r.labels))
        return VectorData(rows[::-1] if kind.endswith("_desc") else rows)

    return handler


def _absent_labels(node: Any) -> Labels:
    kind = type(node).__name__
    if kind == "MatrixSelector":
        node = node.vector_selector
    elif kind != "VectorSelector":
        return ()
    out: dict[str, str] = {}
    dropped: set[str] = set()
    for m in node.matchers.matchers:
        if m.name == NAME:
            continue
        if str(m.op).endswith(".Equal") and m.name not in out and m.name not in dropped:
            out[m.name] = m.value
        else:
            out.pop(m.name, None)
            dropped.add(m.name)
    return tuple(sorted((k, v) for k, v in out.items() if v))


def absent(ev: Evaluator, node: Any, grid: Grid) -> Value:
    vec = ev.vector(node.args[0], grid)
    vals: list[float | None] = [1.0] * grid.n
    for row in vec.rows:
        for i, v in enumerate(row.vals):
            if v is not None:
                vals[i] = None
    return VectorData([Row(_absent_labels(node.args[0]), vals)] if any(v is not None for v in vals) else [])


def absent_over_time(ev: Evaluator, node: Any, grid: Grid) -> Value:
    from opsverify.promql.functions.windows import over_windows

    present = over_windows(ev.matrix(node.args[0], grid), grid.steps, lambda w: 1.0)
    vals: list[float | None] = [1.0] * grid.n
    for row in present.rows:
        for i, v in enumerate(row.vals):
            if v is not None:
                vals[i] = None
    return VectorData([Row(_absent_labels(node.args[0]), vals)] if any(v is not None for v in vals) else [])


def scalar(ev: Evaluator, node: Any, grid: Grid) -> Value:
    vec = ev.vector(node.args[0], grid)
    out = []
    for i in range(grid.n):
        present = [v for r in vec.rows if (v := r.vals[i]) is not None]
        out.append(present[0] if len(present) == 1 else math.nan)
    return ScalarData(out)


def _scalars2(ev: Evaluator, node: Any, grid: Grid, fn: Callable[[float, float], float]) -> Value:
    a, b = ev.eval(node.args[0], grid), ev.eval(node.args[1], grid)
    if not isinstance(a, ScalarData) or not isinstance(b, ScalarData):
        raise PromQLError(f"{node.func.name}() needs scalar arguments")
    return ScalarData([fn(x, y) for x, y in zip(a.vals, b.vals, strict=True)])


def vector(ev: Evaluator, node: Any, grid: Grid) -> Value:
    value = ev.eval(node.args[0], grid)
    if not isinstance(value, ScalarData):
        raise PromQLError("vector() needs a scalar argument")
    return VectorData([Row((), list(value.vals))])


def timestamp(ev: Evaluator, node: Any, grid: Grid) -> Value:
    arg = node.args[0]
    while type(arg).__name__ == "ParenExpr":
        arg = arg.expr
    if type(arg).__name__ == "VectorSelector":
        times = eval_times(arg, grid)
        rows = [Row(s.labels, instant_times(s, times, ev.lookback_ms), True) for s in select(ev.storage, arg)]
        return VectorData([r for r in rows if any(v is not None for v in r.vals)])
    vec = ev.vector(arg, grid)
    steps = grid.steps
    return VectorData(
        [Row(r.labels, [None if v is None else steps[i] / 1000 for i, v in enumerate(r.vals)], True) for r in vec.rows]
    )


FUNCTIONS: dict[str, Handler] = {
    "label_replace": label_replace,
    "label_join": label_join,
    "sort": _sorter("sort"),
    "sort_desc": _sorter("sort_desc"),
    "sort_by_label": _sorter("sort_by_label"),
    "sort_by_label_desc": _sorter("sort_by_label_desc"),
    "absent": absent,
    "absent_over_time": absent_over_time,
    "scalar": scalar,
    "vector": vector,
    "timestamp": timestamp,
    "time": lambda ev, node, grid: ScalarData([t / 1000 for t in grid.steps]),
    "pi": lambda ev, node, grid: ScalarData([math.pi] * grid.n),
    "start": lambda ev, node, grid: ScalarData([grid.q_start / 1000] * grid.n),
    "end": lambda ev, node, grid: ScalarData([grid.q_end / 1000] * grid.n),
    "range": lambda ev, node, grid: ScalarData([(grid.q_end - grid.q_start) / 1000] * grid.n),
    "step": lambda ev, node, grid: ScalarData([grid.q_step / 1000] * grid.n),
    "max_of": lambda ev, node, grid: _scalars2(ev, node, grid, go_max),
    "min_of": lambda ev, node, grid: _scalars2(ev, node, grid, go_min),
}
