"""Test-file runs end to end on the PromQL engine: verdicts, messages, evaluation order, fast path = slow path."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from opsverify.rules.cli import main
from opsverify.rules.runner import load_runner

RULES = """groups:
  - name: records
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
  - name: alerts
    rules:
      - alert: Down
        expr: job:up:sum == 0
        for: 2m
        labels: {severity: page}
        annotations: {summary: "{{ $labels.job }} down, value {{ $value }}"}
"""

TESTS = """rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - name: g1
    interval: 1m
    input_series:
      - series: up{job="api", instance="a"}
        values: 1 1 0x10
    alert_rule_test:
      - eval_time: 3m
        alertname: Down
      - eval_time: 4m30s
        alertname: Down
        exp_alerts:
          - exp_labels: {job: api, severity: page}
            exp_annotations: {summary: "api down, value 0"}
    promql_expr_test:
      - expr: job:up:sum
        eval_time: 5m
        exp_samples:
          - labels: 'job:up:sum{job="api"}'
            value: 0
      - expr: count(ALERTS_FOR_STATE)
        eval_time: 5m
        exp_samples:
          - labels: '{}'
            value: 1
"""


def write(tmp_path: Path, rules: str = RULES, tests: str = TESTS) -> Path:
    (tmp_path / "rules.yml").write_text(rules)
    path = tmp_path / "t.yml"
    path.write_text(tests)
    return path


def test_passing_file_prints_success_and_exits_0(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main([str(write(tmp_path))], out=out) == 0
    assert out.getvalue() == f"Unit Testing:  {tmp_path / 't.yml'}\n  SUCCESS\n\n"


def test_failure_names_alert_time_expected_and_got(tmp_path: Path) -> None:
    out = io.StringIO()
    path = write(tmp_path, RULES.replace("for: 2m", "for: 5m"))
    assert main([str(path)], out=out) == 1
    text = out.getvalue()
    assert "  FAILED:\n    name: g1,\n    alertname: Down, time: 4m30s, \n        exp:[\n" in text
    assert 'Labels:{alertname="Down", job="api", severity="page"}' in text
    assert "got:[]" in text


def test_expression_failure_format(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main([str(write(tmp_path, tests=TESTS.replace("value: 1\n", "value: 2\n")))], out=out) == 1
    assert (
        '    expr: "count(ALERTS_FOR_STATE)", time: 5m,\n        exp: {} 2E+00\n        got: {} 1E+00' in out.getvalue()
    )


def test_run_regex_selects_groups_and_junit_is_written(tmp_path: Path) -> None:
    path = write(tmp_path, RULES.replace("for: 2m", "for: 5m"))
    assert main([str(path)], run="^nomatch$", out=io.StringIO()) == 0
    junit = tmp_path / "out" / "junit.xml"
    assert main([str(path)], run="g1", junit=str(junit), out=io.StringIO()) == 1
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    assert suite.find("testcase/failure") is not None


def test_recording_rules_feed_alerts_in_group_eval_order(tmp_path: Path) -> None:
    """With the alert group first, the alert reads the record one evaluation late (as Prometheus would)."""
    early = load_runner(write(tmp_path)).run_group(0)
    late = load_runner(write(tmp_path, tests="group_eval_order: [alerts, records]\n" + TESTS)).run_group(0)
    assert early.passed
    assert early.outcome is not None and early.outcome.range_rules == 2
    assert late.outcome is not None and late.outcome.range_rules == 0  # forward dependency: step by step


SELF_RULES = """groups:
  - name: g
    rules:
      - alert: Flap
        expr: up == 0 unless on(job) ALERTS{alertname="Flap", alertstate="firing"}
        labels: {severity: page}
"""


def test_rule_reading_its_own_alerts_uses_the_step_path(tmp_path: Path) -> None:
    tests = """rule_files: [rules.yml]
tests:
  - input_series:
      - series: up{job="x"}
        values: 0x10
    alert_rule_test:
      - {eval_time: 0m, alertname: Flap, exp_alerts: [{exp_labels: {job: x, severity: page}}]}
      - {eval_time: 1m, alertname: Flap}
      - {eval_time: 2m, alertname: Flap, exp_alerts: [{exp_labels: {job: x, severity: page}}]}
"""
    result = load_runner(write(tmp_path, SELF_RULES, tests)).run_group(0)
    assert result.outcome is not None and result.outcome.range_rules == 0
    assert result.passed, result.failures


def test_evaluation_error_stops_the_group(tmp_path: Path) -> None:
    rules = "groups:\n  - name: g\n    limit: 1\n    rules:\n      - record: r\n        expr: up\n"
    tests = """rule_files: [rules.yml]
tests:
  - input_series:
      - {series: 'up{i="1"}', values: 1x5}
      - {series: 'up{i="2"}', values: _ _ 1x5}
    promql_expr_test:
      - {expr: r, eval_time: 4m}
"""
    result = load_runner(write(tmp_path, rules, tests)).run_group(0)
    assert result.errors == ["    rule: r, time: 2m0s, err: exceeded limit of 1 with 2 series"]
    assert [c.passed for c in result.cases] == [None]


def test_keep_firing_for_and_query_offset(tmp_path: Path) -> None:
    rules = """groups:
  - name: g
    query_offset: 1m
    rules:
      - alert: Blip
        expr: up == 0
        keep_firing_for: 3m
"""
    tests = """rule_files: [rules.yml]
tests:
  - input_series:
      - {series: 'up{job="x"}', values: 1 1 0 1 1 1 1 1 1}
    alert_rule_test:
      - {eval_time: 2m, alertname: Blip}
      - {eval_time: 3m, alertname: Blip, exp_alerts: [{exp_labels: {job: x}}]}
      - {eval_time: 6m, alertname: Blip, exp_alerts: [{exp_labels: {job: x}}]}
      - {eval_time: 7m, alertname: Blip}
"""
    result = load_runner(write(tmp_path, rules, tests)).run_group(0)
    assert result.passed, result.failures


@pytest.mark.parametrize("bad", ["values: 1 x", "series: 'up{'"])
def test_bad_input_series_names_the_line(tmp_path: Path, bad: str) -> None:
    tests = (
        TESTS.replace("values: 1 1 0x10", bad)
        if bad.startswith("values")
        else TESTS.replace('series: up{job="api", instance="a"}', bad)
    )
    out = io.StringIO()
    assert main([str(write(tmp_path, tests=tests))], out=out) == 1
    assert f"{tmp_path / 't.yml'}:7: input series" in out.getvalue()


def test_bad_rule_file_fails_that_file_and_the_others_run(tmp_path: Path) -> None:
    """As promtool: a bad file fails (file:line: what under its FAILED:), the others still run; exit 4 (bad input)."""
    (tmp_path / "bad").mkdir()
    (tmp_path / "good").mkdir()
    bad = write(tmp_path / "bad", RULES.replace("expr: job:up:sum == 0", "expr: job:up:sum =="))
    out = io.StringIO()
    assert main([str(bad), str(write(tmp_path / "good"))], out=out) == 4
    text = out.getvalue()
    assert f"  FAILED:\n{tmp_path / 'bad' / 'rules.yml'}:9: groups[1].rules[0].expr: could not parse" in text
    assert text.endswith(f"Unit Testing:  {tmp_path / 'good' / 't.yml'}\n  SUCCESS\n\n")


def test_stop_on_bad_file_runs_nothing(tmp_path: Path, capsys: Any) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "good").mkdir()
    bad = write(tmp_path / "bad", RULES.replace("expr: job:up:sum == 0", "expr: job:up:sum =="))
    out = io.StringIO()
    assert main([str(bad), str(write(tmp_path / "good"))], out=out, stop_on_bad_file=True) == 4
    assert out.getvalue() == ""  # nothing ran
    err = capsys.readouterr().err
    assert err.startswith(f"{tmp_path / 'bad' / 'rules.yml'}:9: groups[1].rules[0].expr: could not parse")


def test_interval_defaults_to_evaluation_interval(tmp_path: Path) -> None:
    tests = """rule_files: [rules.yml]
evaluation_interval: 30s
tests:
  - input_series:
      - {series: 'up{job="api"}', values: '1 1 0 0'}
    promql_expr_test:
      - {expr: up, eval_time: 1m, exp_samples: [{labels: 'up{job="api"}', value: 0}]}
"""
    result = load_runner(write(tmp_path, tests=tests)).run_group(0)
    assert result.passed, result.failures  # samples every 30s (Prometheus >= 2.48), not all at 0 (promtool 2.42)


def test_fuzzy_compare_allows_one_ulp_and_never_nan() -> None:
    from opsverify.rules.compare import floats_equal

    x = 0.1 + 0.2
    assert not floats_equal(x, 0.3, fuzzy=False)
    assert floats_equal(x, 0.3, fuzzy=True)  # 0.30000000000000004 is the next float after 0.3
    assert not floats_equal(0.3000000000000001, 0.3, fuzzy=True)
    assert not floats_equal(float("nan"), float("nan"), fuzzy=True)
