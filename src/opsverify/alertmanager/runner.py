"""Run Alertmanager test files: each alert case is one result with one-line failures and a diff under them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .config import load_config
from .model import Config
from .notify_check import check_notification
from .pipeline import Outcome, evaluate
from .testfile import AlertCase, TestCase, TestFile, TestFileError, load_test_file


@dataclass
class AlertResult:
    file: str
    test: str
    alert: str
    line: int
    failures: list[str] = field(default_factory=list)  # one line each, for people
    diff: list[str] = field(default_factory=list)  # "- expected" / "+ got" lines

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def node_id(self) -> str:
        return f"{self.file}::{self.test}::{self.alert}"

    def message(self) -> str:
        return "\n".join([*self.failures, *self.diff])


def alert_title(labels: dict[str, str]) -> str:
    """``DBDown{severity=warning,team=db}``: the alert name, then its other labels."""
    rest = ",".join(f"{k}={v}" for k, v in sorted(labels.items()) if k != "alertname")
    return labels.get("alertname", "") + "{" + rest + "}"


def _list_diff(expected: list[str], got: list[str]) -> list[str]:
    return [f"  - {x}" for x in expected if x not in got] + [f"  + {x}" for x in got if x not in expected]


def check_alert(
    config: Config, case: AlertCase, outcome: Outcome, everyone: list[Outcome], at: dt.datetime
) -> tuple[list[str], list[str]]:
    """(failures, diff) of one alert case against what Alertmanager does with it."""
    title = alert_title(case.labels)
    fails: list[str] = []
    diff: list[str] = []
    paths = " | ".join(d.route.path_text() for d in outcome.deliveries)
    if case.expected_receivers is not None and outcome.receivers != case.expected_receivers:
        fails.append(
            f"{title}: routed to {_fmt(outcome.receivers)}, expected {_fmt(case.expected_receivers)}; path: {paths}"
        )
        diff += _list_diff(case.expected_receivers, outcome.receivers) or [f"  order: got {_fmt(outcome.receivers)}"]
    if case.expected_group_by is not None:
        got = _group_by(outcome)
        if sorted(got) != sorted(case.expected_group_by):
            fails.append(f"{title}: grouped by {_fmt(got)}, expected {_fmt(case.expected_group_by)}; path: {paths}")
            diff += _list_diff(case.expected_group_by, got)
    fails += _inhibition(title, case, outcome)
    if case.expected_muted_by is not None and outcome.muted_by != sorted(case.expected_muted_by):
        want = sorted(case.expected_muted_by)
        what = f"muted by {_fmt(outcome.muted_by)}" if outcome.muted_by else "not muted"
        fails.append(f"{title}: {what}, expected {'muted by ' + _fmt(want) if want else 'not muted'}; path: {paths}")
        diff += _list_diff(want, outcome.muted_by)
    if case.expected_notification:
        nf, nd = check_notification(config, case, outcome, everyone, at)
        fails += [f"{title}: {f}" for f in nf]
        diff += nd
    return fails, diff


def _fmt(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _group_by(outcome: Outcome) -> list[str]:
    if not outcome.deliveries:
        return []
    route = outcome.deliveries[0].route
    return ["..."] if route.group_by_all else list(route.group_by)


def _inhibition(title: str, case: AlertCase, outcome: Outcome) -> list[str]:
    got = outcome.inhibited_by
    want = case.expected_inhibited_by if case.expected_inhibited_by is not None else case.expected_inhibited
    if want is None:
        return []
    if want is False or want is True:
        if bool(got) == want:
            return []
        return [
            f"{title}: inhibited by {_fmt(got)}, expected not inhibited"
            if got
            else f"{title}: not inhibited, expected inhibited"
        ]
    if want in got:
        return []
    return [f"{title}: inhibited by {_fmt(got) if got else 'no rule'}, expected inhibited by {want}"]


def run_case(config: Config, test: TestCase, file: str) -> list[AlertResult]:
    labels = [a.labels for a in test.alerts] + [f.labels for f in test.firing]
    annotations = [a.annotations for a in test.alerts] + [f.annotations for f in test.firing]
    outcomes = evaluate(config, labels, test.instant)
    for o, ann in zip(outcomes, annotations, strict=True):
        o.annotations = ann
    results = []
    for case, outcome in zip(test.alerts, outcomes, strict=False):
        fails, diff = check_alert(config, case, outcome, outcomes, test.instant)
        results.append(AlertResult(file, test.name, case.title(), case.line, fails, diff))
    return results


def run_file(tf: TestFile, config: Config | None = None) -> list[AlertResult]:
    config = config or load_config(tf.config_path())
    return [r for test in tf.tests for r in run_case(config, test, tf.path)]


def run_paths(paths: list[str]) -> list[AlertResult]:
    """Load every file (and its config) first, so a malformed one stops the run before any test."""
    loaded = [load_test_file(p) for p in paths]
    configs = [_config_of(tf) for tf in loaded]
    return [r for tf, cfg in zip(loaded, configs, strict=True) for r in run_file(tf, cfg)]


def _config_of(tf: TestFile) -> Config:
    path = tf.config_path()
    if not path.is_file():
        raise TestFileError(tf.path, tf.config_line, f"config: {path}: file not found")
    return load_config(path)
