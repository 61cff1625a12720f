"""``rules test --debug``: for each failing alert case, what the rule's expression saw around ``eval_time`` and the
alert's state history (from the ``ALERTS`` series the evaluation wrote), so a person sees *why*."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, TextIO

from ._promql import Engine, PromQLError, RangeResult
from .compare import labels_str
from .deps import referenced_names
from .model import Rule
from .session import eval_time_text

if TYPE_CHECKING:
    from .runner import CaseResult, GroupResult, TestFileRunner

STEPS_BEFORE = 4  # evaluations shown before the rule's `for` window


def debug_group(runner: TestFileRunner, index: int, result: GroupResult, out: TextIO) -> None:
    """Print the view of every failing alert case of one test group, then promtool's dump of all data."""
    for case in result.cases:
        if case.kind == "alert" and case.passed is False:
            for line in alert_view(runner, index, result, case):
                print(f"DEBUG: {line}", file=out)
    if result.session is not None:
        dump_all(runner, index, result.session.engine, out)


def dump_all(runner: TestFileRunner, index: int, engine: Engine, out: TextIO) -> None:
    """promtool --debug: every series (input and rule output) over the test group's span, as promql.Matrix prints."""
    tg = runner.file.tests[index]
    times = [c.eval_time for c in tg.alert_rule_test] + [c.eval_time for c in tg.promql_expr_test]
    seconds = int(max(times, default=0) or 0) + 1  # rounded up to the next whole second, as promtool does
    expr = f'{{__name__=~".+"}}[{seconds}s]'
    try:
        result = engine.instant(expr, tg.start_ms + seconds * 1000)
    except PromQLError as exc:
        print(f"DEBUG: Failed querying, expr: {expr!r}, err: {exc}", file=out)
        return
    print(f"DEBUG: Dump of all data (input_series and rules) at {eval_time_text(seconds * 1000)}:", file=out)
    if isinstance(result, RangeResult):
        blocks = []
        for series in result.series:
            points = "\n".join(f"{_plain(v)} @[{t}]" for t, v in series.points)
            blocks.append(f"{labels_str(tuple(sorted(series.labels.items())))} =>\n{points}")
        print("\n".join(blocks), file=out)


def alert_view(runner: TestFileRunner, index: int, result: GroupResult, case: CaseResult) -> list[str]:
    tg = runner.file.tests[index]
    interval = runner.file.interval_ms
    session = result.session
    rules = [r for g in runner.ordered for r in g.rules if r.kind == "alert" and r.name == case.name]
    head = f"alert {case.name} at {eval_time_text(case.eval_ms)} (test group {tg.name or index}) failed"
    if session is None or not rules:
        return [f"{head}; no alerting rule named {case.name} in {', '.join(runner.file.resolved_rule_files)}"]
    hi = tg.start_ms + (case.eval_ms // interval) * interval
    lines = [head]
    for rule in rules:
        lo = max(tg.start_ms, hi - rule.for_ms - STEPS_BEFORE * interval)
        lines += _rule_view(session.engine, rule, lo, hi, interval, tg.start_ms)
    return lines


def _rule_view(engine: Engine, rule: Rule, lo: int, hi: int, step: int, start: int) -> list[str]:
    for_text = eval_time_text(rule.for_ms)
    lines = [
        f"  rule {rule.file}:{rule.line}: expr: {rule.expr.strip()}, for: {for_text}, evaluated every"
        f" {eval_time_text(step)}"
    ]
    names = sorted(referenced_names(rule.parsed) or [])
    for name in names:
        lines.append(f"  input {name} ({eval_time_text(lo - start)} .. {eval_time_text(hi - start)}):")
        lines += _series_lines(engine, name, lo, hi, step, start, "    ")
    lines.append("  expression result per evaluation:")
    lines += _series_lines(engine, rule.parsed, lo, hi, step, start, "    ")
    lines.append("  alert states (ALERTS: pending, firing):")
    selector = f'ALERTS{{alertname="{rule.name}"}}'
    lines += _series_lines(engine, selector, lo, hi, step, start, "    ", state=True)
    return lines


def _series_lines(
    engine: Engine, expr: object, lo: int, hi: int, step: int, start: int, indent: str, *, state: bool = False
) -> list[str]:
    try:
        result = engine.range(expr, lo, hi, step)
    except PromQLError as exc:
        return [f"{indent}error: {exc}"]
    if not isinstance(result, RangeResult) or not result.series:
        return [f"{indent}(no series)"]
    lines = []
    for series in result.series:
        labels = dict(series.labels)
        shown = labels.pop("alertstate", "") if state else ""
        name = labels.pop("__name__", "")
        points = " ".join(f"{eval_time_text(t - start)}={shown or _value(v)}" for t, v in series.points)
        since = f"  ({shown} since {eval_time_text(series.points[0][0] - start)})" if shown else ""
        lines.append(f"{indent}{name}{labels_str(tuple(sorted(labels.items())))}: {points}{since}")
    return lines


def _plain(v: float) -> str:
    """strconv.FormatFloat(v, 'f', -1, 64)."""
    if math.isnan(v) or math.isinf(v):
        return "NaN" if math.isnan(v) else ("+Inf" if v > 0 else "-Inf")
    return format(Decimal(repr(v)).normalize(), "f")


def _value(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    return f"{v:g}"
