"""Rule files and test files: validation errors name file and line, as Prometheus/promtool would refuse them."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsverify.errors import SourceError
from opsverify.rules.model import load_rule_file
from opsverify.rules.testfile import load_test_file

GOOD_RULE = """groups:
  - name: g
    rules:
      - alert: Down
        expr: up == 0
        for: 1m
        labels: {severity: page}
        annotations: {summary: "{{ $labels.job }} down"}
      - record: job:up:sum
        expr: sum by (job) (up)
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_good_rule_file_loads(tmp_path: Path) -> None:
    (group,) = load_rule_file(write(tmp_path, "r.yml", GOOD_RULE))
    assert [(r.kind, r.name, r.for_ms) for r in group.rules] == [("alert", "Down", 60_000), ("record", "job:up:sum", 0)]


@pytest.mark.parametrize(
    ("rule", "line", "message"),
    [
        ("      - alert: A\n        record: b\n        expr: up\n", 4, "only one of 'record' and 'alert'"),
        ("      - expr: up\n", 4, "one of 'record' or 'alert' must be set"),
        ("      - alert: A\n", 4, "field 'expr' must be set"),
        ("      - alert: A\n        expr: up ==\n", 5, "could not parse expression"),
        ("      - alert: A\n        expr: up\n        for: 5 minutes\n", 6, "for: bad duration"),
        ("      - alert: A\n        expr: up\n        for: 5\n", 6, 'for: not a valid duration string: "5"'),
        ("      - record: job:up\n        expr: up\n        labels: {'': x}\n", 6, "invalid label name: "),
        ("      - record: a\n        expr: up\n        for: 1m\n", 6, "invalid field 'for' in recording rule"),
        ("      - alert: A\n        expr: up\n        labels: {__name__: x}\n", 6, "invalid label name: __name__"),
        ("      - alert: A\n        expr: up\n        annotations: {s: '{{ $labels'}\n", 6, "unclosed action"),
        ("      - alert: A\n        expr: up\n        expresion: up\n", 6, "did you mean 'expr'"),
    ],
)
def test_bad_rules_name_file_and_line(tmp_path: Path, rule: str, line: int, message: str) -> None:
    path = write(tmp_path, "r.yml", "groups:\n  - name: g\n    rules:\n" + rule)
    with pytest.raises(SourceError) as info:
        load_rule_file(path)
    assert (info.value.line, message in info.value.message) == (line, True), str(info.value)


def test_repeated_group_name_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "r.yml", "groups:\n  - name: g\n    rules: []\n  - name: g\n    rules:\n")
    with pytest.raises(SourceError, match=r'r.yml:4: groups\[1\]: groupname: "g" is repeated'):
        load_rule_file(path)


TEST_FILE = """rule_files: [r.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    name: api
    input_series:
      - series: up{job="api"}
        values: 1 0x5
    alert_rule_test:
      - eval_time: 3m
        alertname: Down
        exp_alerts:
          - exp_labels: {job: api, severity: page}
      - eval_time: 1m
        alertname: Down
        exp_alerts:
"""


def test_test_file_loads_with_lines_and_globbed_rule_files(tmp_path: Path) -> None:
    write(tmp_path, "r.yml", GOOD_RULE)
    tf = load_test_file(write(tmp_path, "t.yml", TEST_FILE))
    assert tf.resolved_rule_files == [str(tmp_path / "r.yml")]
    cases = tf.tests[0].alert_rule_test
    assert [(c.line, c.end_line, len(c.exp_alerts)) for c in cases] == [(10, 13, 1), (14, 16, 0)]


@pytest.mark.parametrize(
    ("bad", "good", "line", "message"),
    [
        ("eval_time: 3 minutes", "eval_time: 3m", 10, "tests[0].alert_rule_test[0].eval_time: bad duration"),
        ("alertname: Down", "alertnme: Down", 11, "did you mean 'alertname'"),
        ("name: api", "nmae: api", 5, "unknown key 'nmae'"),
    ],
)
def test_bad_test_files_name_file_and_line(tmp_path: Path, bad: str, good: str, line: int, message: str) -> None:
    text = TEST_FILE.replace(good, bad) if bad.startswith("eval_time") else TEST_FILE.replace(bad, good)
    with pytest.raises(SourceError) as info:
        load_test_file(write(tmp_path, "t.yml", text))
    assert info.value.line == line and message in info.value.message, str(info.value)


def test_missing_rule_file_glob_is_a_warning(tmp_path: Path) -> None:
    tf = load_test_file(write(tmp_path, "t.yml", "rule_files: [nope*.yml]\ntests: []\n"))
    assert tf.resolved_rule_files == [] and "no file match pattern" in tf.warnings[0]
