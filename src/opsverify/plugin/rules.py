"""pytest layer for alert-rule tests (second ``pytest11`` entry point, ``opsverify_rules``).

- promtool rule-test files are collected as pytest files: every ``--rule-tests PATH``, and those matching ini
  ``opsverify_rule_tests`` (default ``*.rules-test.yml *.rules-test.yaml *_rules_test.yml *_rules_test.yaml``) when
  that ini value is set or opsverify is active (``--inventory``): a project that asks for neither sees no change;
- one item per alert or expression case, id ``FILE::GROUP::ALERTNAME@EVAL_TIME`` (GROUP = the test group's
  ``name`` or its index; expression cases are ``GROUP::expr[N]@EVAL_TIME``), marker ``alerts``;
- a test group is evaluated once, when its first item runs; a failure shows expected vs got alerts as a diff and
  the case's YAML lines; a bad test or rule file is a collection error reading ``file:line: what``;
- the ``rules`` fixture is a :class:`opsverify.rules.RuleSet` of the files matching ini ``opsverify_rule_files``
  (globs relative to the rootdir); ``rules.load("path.yml")`` loads others.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from opsverify.errors import SourceError

if TYPE_CHECKING:  # the rules engine is imported only when a rule-test file is collected
    from opsverify.rules import RuleSet
    from opsverify.rules.runner import CaseResult, GroupResult, TestFileRunner

from . import testfiles

DEFAULT_PATTERNS = ["*.rules-test.yml", "*.rules-test.yaml", "*_rules_test.yml", "*_rules_test.yaml"]
WANTED = pytest.StashKey[testfiles.Wanted]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("opsverify-rules", "opsverify alert-rule tests")
    group.addoption(
        "--rule-tests", action="append", default=[], metavar="PATH", help="a promtool rule-test file to collect"
    )
    parser.addini(
        "opsverify_rule_tests",
        f"glob(s) of promtool rule-test files to collect (with --inventory, default: {' '.join(DEFAULT_PATTERNS)})",
        "args",
        [],
    )
    parser.addini(
        "opsverify_rule_files", "glob(s) of rule files for the `rules` fixture (rootdir-relative)", "args", []
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[WANTED] = testfiles.configure(
        config, "rule_tests", "opsverify_rule_tests", DEFAULT_PATTERNS, "alerts: alert-rule unit tests"
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    wanted = parent.config.stash.get(WANTED, None)
    if wanted is not None and wanted.matches(file_path):
        return RuleTestFile.from_parent(parent, path=file_path)
    return None


class RuleTestFile(pytest.File):
    """A promtool test file; evaluates each of its test groups once and caches the results."""

    runner: TestFileRunner
    results: dict[int, GroupResult | SourceError]

    def collect(self) -> Iterator[pytest.Item]:
        from opsverify.rules.runner import load_runner
        from opsverify.rules.session import eval_time_text

        try:
            self.runner = load_runner(self.path)
        except SourceError as exc:
            raise self.CollectError(str(exc)) from None
        self.results = {}
        seen: dict[str, int] = {}
        for gi, group in enumerate(self.runner.file.tests):
            label = self.runner.file.group_label(gi)
            for ci, case in enumerate(group.alert_rule_test):
                name = _unique(seen, f"{label}::{case.alertname}@{eval_time_text(round(case.eval_time * 1000))}")
                yield RuleCaseItem.from_parent(self, name=name, group=gi, kind="alert", index=ci)
            for ci, expr in enumerate(group.promql_expr_test):
                name = _unique(seen, f"{label}::expr[{ci}]@{eval_time_text(round(expr.eval_time * 1000))}")
                yield RuleCaseItem.from_parent(self, name=name, group=gi, kind="expr", index=ci)

    def group_result(self, index: int) -> GroupResult | SourceError:
        if index not in self.results:
            try:
                self.results[index] = self.runner.run_group(index)
            except SourceError as exc:
                self.results[index] = exc
        return self.results[index]


def _unique(seen: dict[str, int], name: str) -> str:
    seen[name] = seen.get(name, 0) + 1
    return name if seen[name] == 1 else f"{name}#{seen[name]}"


class RuleCaseFailure(Exception):
    """A rule-test case did not hold; ``text`` is the whole report."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class RuleCaseItem(pytest.Item):
    def __init__(self, *, group: int, kind: str, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.group, self.kind, self.index = group, kind, index
        self.add_marker("alerts")

    @property
    def test_file(self) -> RuleTestFile:
        assert isinstance(self.parent, RuleTestFile)
        return self.parent

    def case(self) -> Any:
        tg = self.test_file.runner.file.tests[self.group]
        return (tg.alert_rule_test if self.kind == "alert" else tg.promql_expr_test)[self.index]

    def runtest(self) -> None:
        result = self.test_file.group_result(self.group)
        if isinstance(result, SourceError):
            label = self.test_file.runner.file.group_label(self.group)
            raise RuleCaseFailure(f"Test group {label} could not run: {result}")
        case = next(c for c in result.cases if c.kind == self.kind and c.index == self.index)
        if case.passed is None:
            raise RuleCaseFailure(self._stopped(result))
        if not case.passed:
            raise RuleCaseFailure(self._report(case))

    def _stopped(self, result: GroupResult) -> str:
        head = f"Not evaluated: test group {self.test_file.runner.file.group_label(self.group)} stopped on an error."
        return "\n".join([head, *[e.strip() for e in result.errors], "", *self._yaml_lines()])

    def _report(self, case: CaseResult) -> str:
        from opsverify.rules.session import eval_time_text

        when = eval_time_text(case.eval_ms)
        if self.kind == "alert":
            head = f"Alert {case.name} at {when}: expected {len(case.expected)} firing alert(s), got {len(case.got)}."
        elif case.message and " err: " in case.message.splitlines()[0]:
            head = f"Expression {case.name!r} at {when} failed: {case.message.split(' err: ', 1)[1]}"
        else:
            head = f"Expression {case.name!r} at {when}: expected {len(case.expected)} sample(s), got {len(case.got)}."
        diff = difflib.unified_diff(_lines(case.expected), _lines(case.got), "expected", "got", lineterm="", n=3)
        return "\n".join([head, "", *diff, "", *self._yaml_lines()])

    def _yaml_lines(self) -> list[str]:
        case = self.case()
        lines = self.test_file.runner.file.lines
        out = [f"{self.test_file.runner.file.path}:{case.line}:"]
        for n in range(case.line, min(case.end_line, len(lines)) + 1):
            out.append(f"{n:>5} | {lines[n - 1]}")
        return out

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, RuleCaseFailure):
            return excinfo.value.text
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, max(self.case().line - 1, 0), self.name


def _lines(items: list[Any]) -> list[str]:
    from opsverify.rules.compare import AlertView, SampleView

    out: list[str] = []
    for item in items:
        if isinstance(item, AlertView):
            out.append("- labels: " + ", ".join(f"{k}={v!r}" for k, v in item.labels))
            out.extend(f"    {k}: {v!r}" for k, v in item.annotations)
        elif isinstance(item, SampleView):
            out.append(item.text())
    return out or ["(none)"]


@pytest.fixture(scope="session")
def rules(pytestconfig: pytest.Config) -> RuleSet:
    """A RuleSet of the rule files matching ini ``opsverify_rule_files``; call ``rules.load(path)`` for others."""
    from opsverify.rules import RuleSet

    patterns = pytestconfig.getini("opsverify_rule_files")
    return RuleSet.load(*patterns, base=pytestconfig.rootpath) if patterns else RuleSet()
