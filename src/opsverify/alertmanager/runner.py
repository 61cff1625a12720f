"""Run Alertmanager test files: each alert case is one result with one-line failures and a diff under them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import SourceError
from .checks import Failure, check_alert, group_by_of
from .config import load_config
from .model import Config
from .pipeline import Outcome, evaluate
from .ruletest_link import resolve_rule_refs
from .testfile import TestCase, TestFile, TestFileError, load_test_file


@dataclass
class AlertResult:
    file: str
    test: str
    alert: str
    line: int
    failures: list[Failure] = field(default_factory=list)
    observed: dict[str, Any] = field(default_factory=dict)  # what Alertmanager does with the alert (for --json)

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def node_id(self) -> str:
        return f"{self.file}::{self.test}::{self.alert}"

    def message(self) -> str:
        """Each failure's line with its diff under it."""
        return "\n".join(f.text() for f in self.failures)


def run_case(config: Config, test: TestCase, file: str) -> list[AlertResult]:
    """All alerts of the test fire together with ``firing`` at the test's instant; one result per alert case."""
    cases = [a for a in test.alerts if not a.unresolved]
    present = [(a.labels, a.annotations) for a in cases] + [(f.labels, f.annotations) for f in test.firing]
    outcomes = evaluate(config, [labels for labels, _ in present], test.instant)
    for o, (_, ann) in zip(outcomes, present, strict=True):
        o.annotations = ann
    by_case = dict(zip(map(id, cases), outcomes, strict=False))
    results = []
    for case in test.alerts:
        if case.unresolved:
            results.append(AlertResult(file, test.name, case.title(), case.line, [Failure(case.unresolved)]))
            continue
        outcome = by_case[id(case)]
        fails = check_alert(config, case, outcome, outcomes, test)
        results.append(AlertResult(file, test.name, case.title(), case.line, fails, observed(outcome)))
    return results


def observed(outcome: Outcome) -> dict[str, Any]:
    return {
        "labels": outcome.labels,
        "receivers": outcome.receivers,
        "paths": [d.route.path_text() for d in outcome.deliveries],
        "group_by": group_by_of(outcome),
        "inhibited_by": outcome.inhibited_by,
        "muted_by": outcome.muted_by,
        "notified": outcome.notified,
    }


def run_file(tf: TestFile, config: Config | None = None) -> list[AlertResult]:
    config = config or config_of(tf)
    return [r for test in tf.tests for r in run_case(config, test, tf.path)]


def run_paths(paths: list[str], config: str | None = None) -> list[AlertResult]:
    """Load every file (and its config, or ``config`` instead) first, so a malformed one stops the run early."""
    loaded = [load_test_file(p) for p in paths]
    for tf in loaded:
        resolve_rule_refs(tf)
    override = load_config(config) if config else None
    configs = [override or config_of(tf) for tf in loaded]
    return [r for tf, cfg in zip(loaded, configs, strict=True) for r in run_file(tf, cfg)]


def config_of(tf: TestFile) -> Config:
    path = tf.config_path()
    if path is None:
        raise TestFileError(tf.path, 1, "no config: name the Alertmanager config with `config:` or --config")
    if not path.is_file():
        raise TestFileError(tf.path, tf.config_line, f"config: {path}: file not found")
    return load_config(path)


def invalid_files(paths: list[str], config: str | None = None) -> list[str]:
    """``file:line: what`` for every test file (or the config / rule test it names) that cannot be loaded."""
    problems = []
    for path in paths:
        try:
            tf = load_test_file(path)
            resolve_rule_refs(tf)
            load_config(config) if config else config_of(tf)
        except SourceError as exc:
            problems.append(str(exc))
    return problems
