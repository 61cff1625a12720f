"""The pytest layer: collection, ids, markers, failure reports, collection errors, the `rules` fixture."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest

RULES = """groups:
  - name: g
    rules:
      - alert: APIDown
        expr: up{job="api"} == 0
        for: 1m
        labels: {severity: critical}
        annotations: {summary: "{{ $labels.job }} is down"}
"""

TESTS = """rule_files: [alerts.yml]
tests:
  - name: api
    input_series:
      - series: up{job="api"}
        values: 1 1 0x10
    alert_rule_test:
      - eval_time: 2m
        alertname: APIDown
      - eval_time: 3m
        alertname: APIDown
        exp_alerts:
          - exp_labels: {job: api, severity: critical}
            exp_annotations: {summary: "api is down"}
    promql_expr_test:
      - expr: up
        eval_time: 1m
        exp_samples:
          - {labels: 'up{job="api"}', value: 1}
  - input_series: []
    alert_rule_test:
      - {eval_time: 1m, alertname: APIDown}
"""


def plugin_args() -> list[str]:
    installed = any(ep.value == "opsverify.plugin.rules" for ep in entry_points(group="pytest11"))
    return [] if installed else ["-p", "opsverify.plugin.rules"]


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    (pytester.path / "alerts.yml").write_text(RULES)
    (pytester.path / "api.rules-test.yml").write_text(TESTS)
    pytester.makeini("[pytest]\nopsverify_rule_tests = *.rules-test.yml\n")
    return pytester


def test_rule_test_files_are_not_collected_unless_asked_for(pytester: pytest.Pytester) -> None:
    """Installed in a project that asks for nothing, the plugin collects nothing of its own."""
    (pytester.path / "alerts.yml").write_text(RULES)
    (pytester.path / "api.rules-test.yml").write_text(TESTS)
    result = pytester.runpytest(*plugin_args(), "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result = pytester.runpytest(*plugin_args(), "--collect-only", "-q", "--rule-tests", "api.rules-test.yml")
    result.stdout.fnmatch_lines(["api.rules-test.yml::api::APIDown@2m"])


def test_items_ids_and_marker(suite: pytest.Pytester) -> None:
    result = suite.runpytest(*plugin_args(), "--collect-only", "-q", "-m", "alerts")
    result.stdout.fnmatch_lines(
        [
            "api.rules-test.yml::api::APIDown@2m",
            "api.rules-test.yml::api::APIDown@3m",
            "api.rules-test.yml::api::expr[0]@1m",
            "api.rules-test.yml::1::APIDown@1m",
        ]
    )


def test_passing_cases_pass(suite: pytest.Pytester) -> None:
    suite.runpytest(*plugin_args()).assert_outcomes(passed=4)


def test_failure_shows_sentence_diff_and_yaml_lines(suite: pytest.Pytester) -> None:
    (suite.path / "api.rules-test.yml").write_text(TESTS.replace("eval_time: 3m", "eval_time: 1m30s"))
    result = suite.runpytest(*plugin_args())
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "Alert APIDown at 1m30s: expected 1 firing alert(s), got 0.",
            "--- expected",
            "+++ got",
            "-- labels: alertname='APIDown', job='api', severity='critical'",
            "+(none)",
            "*api.rules-test.yml:10:",
            "*10 |*- eval_time: 1m30s",
            '*14 |*exp_annotations: {summary: "api is down"}',
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_bad_file_is_a_collection_error_with_file_and_line(suite: pytest.Pytester) -> None:
    (suite.path / "api.rules-test.yml").write_text(TESTS.replace("eval_time: 2m", "eval_time: soon"))
    result = suite.runpytest(*plugin_args())
    assert "api.rules-test.yml:8: tests[0].alert_rule_test[0].eval_time: bad duration 'soon'" in result.stdout.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED


def test_rule_tests_option_collects_files_elsewhere(suite: pytest.Pytester, tmp_path: Path) -> None:
    other = suite.path / "elsewhere"
    other.mkdir()
    (other / "alerts.yml").write_text(RULES)
    (other / "checks.yml").write_text(TESTS)
    (suite.path / "test_dummy.py").write_text("def test_x():\n    pass\n")
    result = suite.runpytest(*plugin_args(), "test_dummy.py", "--rule-tests", str(other / "checks.yml"))
    result.assert_outcomes(passed=5)


def test_rules_fixture_and_python_api(suite: pytest.Pytester) -> None:
    suite.makeini("[pytest]\nopsverify_rule_files = alerts.yml\n")
    suite.makepyfile(
        """
        def test_api_down_fires_after_one_minute(rules):
            run = rules.evaluate(series={'up{job="api"}': "1 1 0x10"}, until="10m")
            assert run.firing("APIDown", at="2m") == []
            assert run.firing("APIDown", at="3m") == [{"alertname": "APIDown", "job": "api", "severity": "critical"}]
            assert run.alerts("APIDown", at="3m")[0].annotations == {"summary": "api is down"}

        def test_load_other_files(rules):
            assert rules.load("alerts.yml").alert_names() == ["APIDown"]
        """
    )
    suite.runpytest(*plugin_args(), "-p", "no:cacheprovider", "test_rules_fixture_and_python_api.py").assert_outcomes(
        passed=2
    )


def test_expression_failure_and_evaluation_error_reports(suite: pytest.Pytester) -> None:
    text = TESTS.replace("value: 1}", "value: 2}").replace(
        "  - input_series: []\n", "  - name: broken\n    input_series: [{series: 'up{a=\"1\"}', values: 'oops'}]\n"
    )
    (suite.path / "api.rules-test.yml").write_text(text)
    result = suite.runpytest(*plugin_args())
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "Expression 'up' at 1m: expected 1 sample(s), got 1.",
            '-{__name__="up", job="api"} 2E+00',
            '+{__name__="up", job="api"} 1E+00',
        ]
    )
    assert "Test group broken could not run: " in result.stdout.str()
    assert "api.rules-test.yml:21: input series 'up{a=\"1\"}': bad series term 'oops'" in result.stdout.str()
