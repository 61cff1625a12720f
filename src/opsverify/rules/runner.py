"""Running promtool test files: one :class:`GroupResult` per test group, verdicts and messages as promtool's."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import promql_parser

from opsverify.errors import SourceError

from ._promql import PromQLError
from .compare import (
    AlertView,
    SampleView,
    alerts_match,
    alerts_str,
    go_duration,
    indent_lines,
    json_diff,
    samples_equal,
    samples_str,
)
from .evaluate import Outcome
from .model import Group, load_rule_file
from .session import LOOKBACK_MS, Session, eval_time_text, order_groups
from .testfile import AlertCase, ExprCase, TestFile, TestGroup, load_test_file


@dataclass
class CaseResult:
    kind: str  # "alert" or "expr"
    index: int
    name: str  # alert name or expression
    eval_ms: int
    line: int
    end_line: int
    passed: bool | None = None  # None: not evaluated (the group stopped on an evaluation error)
    expected: list[Any] = field(default_factory=list)
    got: list[Any] = field(default_factory=list)
    message: str = ""


@dataclass
class GroupResult:
    index: int
    name: str
    errors: list[str] = field(default_factory=list)  # evaluation errors, promtool text
    cases: list[CaseResult] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # every failure message in promtool's order
    outcome: Outcome | None = None
    session: Session | None = None  # kept for --debug

    @property
    def passed(self) -> bool:
        return not self.failures


class TestFileRunner:
    """Loads a test file and its rule files once; runs its test groups on demand."""

    def __init__(self, path: str | Path, lookback_ms: int = LOOKBACK_MS, ignore_unknown_fields: bool = False) -> None:
        self.lookback_ms = lookback_ms
        self.diff = False  # promtool --diff: failures show a JSON diff instead of exp/got
        self.file: TestFile = load_test_file(path)
        self.groups: list[Group] = []
        for rule_file in self.file.resolved_rule_files:
            self.groups.extend(load_rule_file(rule_file, ignore_unknown_fields=ignore_unknown_fields))
        self.ordered = order_groups(self.groups, self.file.group_eval_order)

    def run_group(self, index: int) -> GroupResult:
        tg = self.file.tests[index]
        result = GroupResult(index, tg.name)
        session = self._session(tg)
        interval = self.file.interval_ms
        start = tg.start_ms
        alert_cases = sorted(enumerate(tg.alert_rule_test), key=lambda c: _ms(c[1].eval_time))
        times = [_ms(c.eval_time) for c in tg.alert_rule_test] + [_ms(c.eval_time) for c in tg.promql_expr_test]
        end = max(times, default=0)
        snapshot_ts = {start + (_ms(c.eval_time) // interval) * interval for c in tg.alert_rule_test}
        outcome = session.evaluate(self.ordered, end, snapshot_ts, start)
        result.outcome, result.session = outcome, session
        for ci, case in alert_cases:
            ts = start + (_ms(case.eval_time) // interval) * interval
            evaluated = outcome.error_ts is None or ts < outcome.error_ts
            result.cases.append(self._alert_case(session, tg, ci, case, outcome, ts, evaluated))
        result.failures = [c.message for c in result.cases if c.passed is False]
        if outcome.error_ts is not None:
            when = go_duration(outcome.error_ts)
            result.errors = [f"    rule: {name}, time: {when}, err: {err}" for name, err in outcome.errors]
            result.failures += result.errors
            result.cases += [_expr_stub(ci, c) for ci, c in enumerate(tg.promql_expr_test)]
        else:
            result.cases += [self._expr_case(session, ci, c, start) for ci, c in enumerate(tg.promql_expr_test)]
            result.failures += [c.message for c in result.cases if c.kind == "expr" and c.passed is False]
        return result

    def _session(self, tg: TestGroup) -> Session:
        session = Session(self.file.interval_ms, tg.external_labels, tg.external_url, self.lookback_ms)
        series_ms = _ms(tg.interval) if tg.interval else self.file.interval_ms
        for i, s in enumerate(tg.input_series):
            line = tg.series_lines[i] if i < len(tg.series_lines) else tg.line
            session.load(s.series, s.values, series_ms, self.file.path, line, tg.start_ms)
        return session

    def _alert_case(
        self, session: Session, tg: TestGroup, ci: int, case: AlertCase, outcome: Outcome, ts: int, evaluated: bool
    ) -> CaseResult:
        res = CaseResult("alert", ci, case.alertname, _ms(case.eval_time), case.line, case.end_line)
        res.expected = sorted(
            AlertView.of({**e.exp_labels, "alertname": case.alertname}, e.exp_annotations) for e in case.exp_alerts
        )
        if not evaluated:
            return res
        firing = outcome.snapshots.get(ts, {}).get(case.alertname, [])
        res.got = sorted(AlertView.of(a.labels, session.annotations(a, rule.annotations)) for a, rule in firing)
        subset = [e.exp_labels_match == "subset" for e in case.exp_alerts]
        if any(subset):
            pairs = [
                (
                    AlertView.of({**e.exp_labels, "alertname": case.alertname}, e.exp_annotations),
                    e.exp_labels_match == "subset",
                )
                for e in case.exp_alerts
            ]
            res.passed = alerts_match(pairs, res.got)
        else:
            res.passed = res.expected == res.got
        if not res.passed:
            name = f"    name: {tg.name},\n" if tg.name else ""
            when = eval_time_text(res.eval_ms)
            head = f"{name}    alertname: {case.alertname}, time: {when}, \n"
            if self.diff:
                res.message = head + "        diff: " + indent_lines(json_diff(res.expected, res.got), " " * 12)
            else:
                exp = indent_lines(alerts_str(res.expected), " " * 12)
                got = indent_lines(alerts_str(res.got), " " * 12)
                res.message = f"{head}        exp:{exp}, \n        got:{got}"
        return res

    def _expr_case(self, session: Session, ci: int, case: ExprCase, start: int = 0) -> CaseResult:
        res = CaseResult("expr", ci, case.expr, _ms(case.eval_time), case.line, case.end_line)
        when = eval_time_text(res.eval_ms)
        try:
            got = session.query(case.expr, start + res.eval_ms)
            res.expected = sorted((SampleView(parse_metric(s.labels), s.value) for s in case.exp_samples), key=_key)
        except (PromQLError, ValueError) as exc:
            res.passed = False
            res.message = f"    expr: {_go_q(case.expr)}, time: {when}, err: {exc}"
            return res
        res.got = sorted((SampleView(tuple(sorted(lb.items())), v) for lb, v in got), key=_key)
        res.passed = samples_equal(res.expected, res.got, self.file.fuzzy_compare)
        if not res.passed:
            exp, got_s = samples_str(res.expected), samples_str(res.got)
            res.message = f"    expr: {_go_q(case.expr)}, time: {when},\n        exp: {exp}\n        got: {got_s}"
        return res


def _key(s: SampleView) -> Any:
    return s.labels


def _expr_stub(ci: int, case: ExprCase) -> CaseResult:
    return CaseResult("expr", ci, case.expr, _ms(case.eval_time), case.line, case.end_line)


def _ms(seconds: float | None) -> int:
    return round((seconds or 0) * 1000)


def _go_q(text: str) -> str:
    from .template.gofmt import go_quote

    return go_quote(text)


def parse_metric(text: str) -> tuple[tuple[str, str], ...]:
    """promql parser.ParseMetric: ``name{a="b"}`` or ``{__name__="x"}``; only equality matchers."""
    if text.strip() in ("", "{}"):
        return ()
    try:
        node = promql_parser.parse(text)
    except Exception as exc:
        raise ValueError(f"labels {_go_q(text)}: {exc}") from None
    if not isinstance(node, promql_parser.VectorSelector):
        raise ValueError(f"labels {_go_q(text)}: not a metric")
    labels: dict[str, str] = {"__name__": node.name} if node.name else {}
    for m in node.matchers.matchers:
        if not str(m.op).endswith("Equal") or "Not" in str(m.op):
            raise ValueError(f"labels {_go_q(text)}: only equality matchers are allowed")
        labels[m.name] = m.value
    return tuple(sorted((k, v) for k, v in labels.items()))


def load_runner(
    path: str | Path, lookback_ms: int = LOOKBACK_MS, ignore_unknown_fields: bool = False
) -> TestFileRunner:
    """Load a test file and its rules; bad files raise :class:`SourceError` with file:line.

    ``ignore_unknown_fields``: unknown keys in the rule files are ignored (promtool's --ignore-unknown-fields).
    """
    try:
        return TestFileRunner(path, lookback_ms, ignore_unknown_fields)
    except RecursionError:  # pragma: no cover - pathological YAML
        raise SourceError(str(path), 0, "file too deeply nested") from None
