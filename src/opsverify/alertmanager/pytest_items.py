"""pytest layer for Alertmanager test files (standalone plugin: ``-p opsverify.alertmanager.pytest_items``).

- every ``--am-tests PATH`` is collected, and files matching ini ``opsverify_am_tests`` when it is set, or the default
  ``*.am-test.yml *.am-test.yaml *.alertmanager-test.yml *.alertmanager-test.yaml`` when opsverify is active
  (``--inventory`` / ``$OPSVERIFY_INVENTORY``): a project that asks for neither sees no change (inert);
- one item per alert case, id ``FILE::TEST::ALERTNAME`` (``#2``... when a name repeats), marker ``alerts``;
- a test runs once, when its first item runs; a failure is the one-line reason, its diff, and the case's YAML lines;
- a bad test file, Alertmanager config or referenced rule test is a collection error reading ``file:line: what``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from opsverify.errors import SourceError
from opsverify.plugin import testfiles

if TYPE_CHECKING:  # the Alertmanager engine is imported only when a test file is collected
    from .model import Config
    from .runner import AlertResult
    from .testfile import TestFile

DEFAULT_PATTERNS = ["*.am-test.yml", "*.am-test.yaml", "*.alertmanager-test.yml", "*.alertmanager-test.yaml"]
WANTED = pytest.StashKey[testfiles.Wanted]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("opsverify-alertmanager", "opsverify Alertmanager tests")
    group.addoption("--am-tests", action="append", default=[], metavar="PATH", help="an Alertmanager test file")
    group.addoption("--am-config", metavar="PATH", help="test this Alertmanager config instead of the files' own")
    default = " ".join(DEFAULT_PATTERNS)
    parser.addini("opsverify_am_tests", f"glob(s) of Alertmanager test files (with --inventory: {default})", "args", [])


def pytest_configure(config: pytest.Config) -> None:
    config.stash[WANTED] = testfiles.configure(
        config, "am_tests", "opsverify_am_tests", DEFAULT_PATTERNS, "alerts: alert-rule and Alertmanager tests"
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    wanted = parent.config.stash.get(WANTED, None)
    if wanted is not None and wanted.matches(file_path):
        return AmTestFile.from_parent(parent, path=file_path)
    return None


class AmTestFile(pytest.File):
    """An Alertmanager test file with its config; each test runs once and its results are cached."""

    tf: TestFile
    am_config: Config
    results: dict[int, list[AlertResult]]

    def collect(self) -> Iterator[pytest.Item]:
        try:
            from .config import load_config
            from .ruletest_link import resolve_rule_refs
            from .runner import config_of
            from .testfile import load_test_file

            self.tf = load_test_file(self.path)
            resolve_rule_refs(self.tf)
            override = self.config.getoption("am_config")
            self.am_config = load_config(override) if override else config_of(self.tf)
        except SourceError as exc:
            raise self.CollectError(str(exc)) from None
        self.results = {}
        seen: dict[str, int] = {}
        for ti, test in enumerate(self.tf.tests):
            for ai, case in enumerate(test.alerts):
                name = f"{test.name or ti}::{case.title()}"
                seen[name] = seen.get(name, 0) + 1
                name = name if seen[name] == 1 else f"{name}#{seen[name]}"
                yield AmAlertItem.from_parent(self, name=name, test=ti, index=ai)

    def result(self, test: int, index: int) -> AlertResult:
        if test not in self.results:
            from .runner import run_case

            self.results[test] = run_case(self.am_config, self.tf.tests[test], str(self.path))
        return self.results[test][index]


class AmCaseFailure(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class AmAlertItem(pytest.Item):
    def __init__(self, *, test: int, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.test, self.index = test, index
        self.add_marker("alerts")

    @property
    def test_file(self) -> AmTestFile:
        assert isinstance(self.parent, AmTestFile)
        return self.parent

    def line(self) -> int:
        return self.test_file.tf.tests[self.test].alerts[self.index].line

    def runtest(self) -> None:
        result = self.test_file.result(self.test, self.index)
        if not result.passed:
            raise AmCaseFailure("\n".join([result.message(), "", *yaml_lines(self.path, self.line())]))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, AmCaseFailure):
            return excinfo.value.text
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, max(self.line() - 1, 0), self.name


def yaml_lines(path: Path, line: int, limit: int = 12) -> list[str]:
    """``file:line:`` then the alert case's own lines (up to the next sibling item or ``limit`` lines)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not 0 < line <= len(lines):
        return []
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip(" -"))
    out = [f"{path}:{line}:", f"{line:>5} | {lines[line - 1]}"]
    for n in range(line + 1, min(line + limit, len(lines) + 1)):
        text = lines[n - 1]
        if text.strip() and len(text) - len(text.lstrip(" -")) <= indent and text.lstrip().startswith("-"):
            break
        if text.strip() and len(text) - len(text.lstrip()) < indent - 2:
            break
        out.append(f"{n:>5} | {text}")
    return out
