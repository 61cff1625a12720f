"""End to end: the alerts a rule test fires (our rule evaluator), as Alertmanager receives them, then routed.

A reference ``rules-test.yml::GROUP::ALERTNAME@EVAL_TIME`` names an ``alert_rule_test`` case of a promtool-format rule
test (GROUP is the test group's name or index; the path is relative to the referring file). The alerts firing there
carry the group's ``external_labels`` as Prometheus attaches them on sending (an alert's own label wins).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..durations import parse_duration
from ..rules.runner import load_runner
from .model import Config
from .pipeline import DEFAULT_AT, Outcome, evaluate
from .testfile import AlertCase, FiringAlert, TestFile, TestFileError

REF = re.compile(r"^(?P<file>.+?)::(?P<group>[^:]*)::(?P<alert>[^@]+)@(?P<time>\S+)$")


class RuleRefError(ValueError):
    """The reference is malformed or names no alert case."""


@dataclass
class FiredAlert:
    labels: dict[str, str]
    annotations: dict[str, str]


def fired_alerts(ref: str, base: Path) -> list[FiredAlert]:
    """Evaluate the referenced rule-test group and return the alerts firing in that case (maybe none)."""
    m = REF.match(ref.strip())
    if not m:
        raise RuleRefError(f"{ref!r}: expected RULE_TEST_FILE::GROUP::ALERTNAME@EVAL_TIME")
    runner = load_runner(base / m["file"])
    index = _group_index([g.name for g in runner.file.tests], m["group"], ref)
    try:
        eval_ms = round(parse_duration(m["time"]) * 1000)
    except ValueError as exc:
        raise RuleRefError(f"{ref!r}: {exc}") from None
    result = runner.run_group(index)
    for case in result.cases:
        if case.kind == "alert" and case.name == m["alert"] and case.eval_ms == eval_ms:
            external = runner.file.tests[index].external_labels
            return [FiredAlert({**external, **dict(v.labels)}, dict(v.annotations)) for v in case.got]
    raise RuleRefError(f"{ref!r}: group {m['group']!r} has no alert_rule_test case {m['alert']} at {m['time']}")


def _group_index(names: list[str], group: str, ref: str) -> int:
    if group in names:
        return names.index(group)
    if group.isdigit() and int(group) < len(names):
        return int(group)
    raise RuleRefError(f"{ref!r}: no test group {group!r} (groups: {', '.join(n or '?' for n in names)})")


def route_rule_case(config: Config, ref: str, base: Path, at: dt.datetime = DEFAULT_AT) -> list[Outcome]:
    """Who is notified of a rule-test case's alerts: routing, inhibition (among them) and time intervals at ``at``.

    The building block for ``exp_receivers`` in rule-test files: compare ``[o.receivers for o in ...]``.
    """
    fired = fired_alerts(ref, base)
    outcomes = evaluate(config, [f.labels for f in fired], at)
    for o, f in zip(outcomes, fired, strict=True):
        o.annotations = f.annotations
    return outcomes


def resolve_rule_refs(tf: TestFile) -> None:
    """Replace every ``from_rule_test`` alert by the alerts that case fires (one copy of the expectations each).

    A malformed reference is a :class:`TestFileError` at the alert's line; a case firing nothing stays as one
    alert whose result fails with the reason.
    """
    base = Path(tf.path).parent
    for test in tf.tests:
        test.alerts = [a for case in test.alerts for a in _expand_case(tf, case, base)]
        test.firing = [f for item in test.firing for f in _expand_firing(tf, item, base)]


def _fired(tf: TestFile, ref: str, base: Path, line: int) -> list[FiredAlert]:
    try:
        return fired_alerts(ref, base)
    except RuleRefError as exc:
        raise TestFileError(tf.path, line, f"from_rule_test: {exc}") from None


def _expand_case(tf: TestFile, case: AlertCase, base: Path) -> list[AlertCase]:
    if not case.from_rule_test:
        return [case]
    fired = _fired(tf, case.from_rule_test, base, case.line)
    if not fired:
        case.unresolved = f"rule test {case.from_rule_test} fires no alert"
        return [case]
    out = []
    for f in fired:
        copy = dataclasses.replace(case, labels=f.labels, annotations={**f.annotations, **case.annotations})
        copy.line = case.line
        out.append(copy)
    return out


def _expand_firing(tf: TestFile, item: FiringAlert, base: Path) -> list[FiringAlert]:
    if not item.from_rule_test:
        return [item]
    return [FiringAlert(f.labels, None, f.annotations) for f in _fired(tf, item.from_rule_test, base, item.line)]
