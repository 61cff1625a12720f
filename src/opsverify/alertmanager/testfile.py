"""The Alertmanager test-file format: a superset of alertmanager PR #5175's ``--test-file`` format.

```yaml
config: alertmanager.yml                # relative to the test file
tests:
  - name: db critical pages at night
    at: "2026-12-24T03:00:00+01:00"      # default: DEFAULT_AT (Monday 2026-01-05 10:00 UTC)
    alerts:                              # fire together; each can inhibit the others
      - labels: {alertname: DBDown, severity: critical, team: db}
        expected_receivers: [db-pager]   # ordered, as amtool prints them
        expected_group_by: [alertname, cluster]
        expected_notification: {telegram: {message: {contains: DBDown}}}
    firing: [{labels: {...}}]           # more alerts present at `at` (inhibition sources), nothing asserted
```
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..promql.regex import RegexError, compile_go
from ..schema import Converter
from ..yamlsrc import LDict, load
from .pipeline import DEFAULT_AT


class TestFileError(SourceError):
    """The Alertmanager test file is invalid."""


@dataclass
class TextAssert:
    equals: str | None = None
    contains: str | None = None
    matches: str | None = None  # RE2, searched anywhere in the text


@dataclass
class AlertCase:
    labels: dict[str, str] = field(default_factory=dict)
    from_rule_test: str | None = None  # RULES_TEST.yml::GROUP::ALERTNAME@EVAL_TIME, instead of labels
    annotations: dict[str, str] = field(default_factory=dict)
    expected_receivers: list[str] | None = None
    expected_group_by: list[str] | None = None
    expected_group_labels: dict[str, str] | None = None  # the group key's labels on the first route reached
    expected_inhibited: bool | None = None
    expected_inhibited_by: bool | str | None = None
    expected_muted_by: list[str] | None = None
    expected_notification: dict[str, dict[str, TextAssert]] | None = None
    receiver: str | None = None  # which routed receiver expected_notification renders (default: the first fitting)
    line: int = field(default=0, init=False)
    unresolved: str = field(default="", init=False)  # from_rule_test fired nothing: why, as a failure

    def title(self) -> str:
        if self.unresolved:
            return self.from_rule_test or ""
        return self.labels.get("alertname") or "{" + ",".join(f"{k}={v}" for k, v in self.labels.items()) + "}"


@dataclass
class FiringAlert:
    labels: dict[str, str] = field(default_factory=dict)
    from_rule_test: str | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    line: int = field(default=0, init=False)


@dataclass
class TestCase:
    name: str
    alerts: list[AlertCase]
    at: str | None = None
    firing: list[FiringAlert] = field(default_factory=list)
    line: int = field(default=0, init=False)
    instant: dt.datetime = field(default=DEFAULT_AT, init=False)
    external_url: str = field(default="", init=False)  # the file's, for .ExternalURL


@dataclass
class TestFile:
    tests: list[TestCase]
    config: str | None = None  # PR #5175's files have none: then --config (--am-config) names it
    external_url: str = ""  # Alertmanager's --web.external-url, for .ExternalURL in templates
    path: str = field(default="", init=False)
    config_line: int = field(default=0, init=False)

    def config_path(self) -> Path | None:
        if self.config is None:
            return None
        p = Path(self.config)
        return p if p.is_absolute() else Path(self.path).parent / p


def load_test_file(path: str | Path) -> TestFile:
    """Parse an Alertmanager test file; any problem is a :class:`TestFileError` with ``file:line``."""
    name = str(path)
    try:
        raw = load(path, go_text=True)
    except SourceError as exc:
        raise TestFileError(exc.file, exc.line, exc.message) from None
    conv = Converter(name, TestFileError)
    tf = conv.dataclass(raw, TestFile, "", 1)
    tf.path = name
    tf.config_line = raw.line_of("config")
    for i, case in enumerate(tf.tests):
        _annotate(conv, raw["tests"], i, case)
        case.external_url = tf.external_url
    return tf


def _annotate(conv: Converter, raw_tests: Any, i: int, case: TestCase) -> None:
    raw = raw_tests[i]
    case.line = raw.line if isinstance(raw, LDict) else 0
    if case.at is not None:
        case.instant = _instant(conv, case.at, raw.line_of("at"), f"tests[{i}].at")
    if not case.alerts:
        raise conv.fail(case.line, f"tests[{i}].alerts", "expected at least one alert")
    for j, alert in enumerate(case.alerts):
        alert.line = raw["alerts"][j].line
        _check_alert(conv, alert, f"tests[{i}].alerts[{j}]")
    for j, firing in enumerate(case.firing):
        firing.line = raw["firing"][j].line
        if bool(firing.labels) == bool(firing.from_rule_test):
            raise conv.fail(firing.line, f"tests[{i}].firing[{j}]", "give labels or from_rule_test (one of them)")


def _instant(conv: Converter, text: str, line: int, where: str) -> dt.datetime:
    try:
        instant = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise conv.fail(
            line, where, f"expected an RFC 3339 time with offset like 2026-12-24T03:00:00+01:00, got {text!r}"
        )
    return instant


def _check_alert(conv: Converter, alert: AlertCase, where: str) -> None:
    if bool(alert.labels) == bool(alert.from_rule_test):
        raise conv.fail(alert.line, where, "give labels or from_rule_test (one of them)")
    both = alert.expected_inhibited is not None and alert.expected_inhibited_by is not None
    if both and bool(alert.expected_inhibited_by) != alert.expected_inhibited:
        raise conv.fail(alert.line, where, "expected_inhibited and expected_inhibited_by contradict each other")
    for kind, fields in (alert.expected_notification or {}).items():
        for fname, check in fields.items():
            if not any(getattr(check, f.name) is not None for f in dataclasses.fields(check)):
                raise conv.fail(
                    alert.line, f"{where}.expected_notification.{kind}.{fname}", "needs equals, contains or matches"
                )
            if check.matches is not None:
                try:
                    compile_go(check.matches)
                except RegexError as exc:
                    raise conv.fail(
                        alert.line, f"{where}.expected_notification.{kind}.{fname}.matches", str(exc)
                    ) from None
