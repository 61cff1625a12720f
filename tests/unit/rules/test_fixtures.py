"""The example stack rules in fixtures/rules: our runner and promtool both pass their tests; each alert has
severity, summary, description and runbook_url, and is tested firing and not firing."""

from __future__ import annotations

import io
from pathlib import Path

from rules_peers import run_promtool

from opsverify.rules.cli import main
from opsverify.rules.model import load_rule_file
from opsverify.rules.testfile import load_test_file

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "rules"
TEST_FILE = FIXTURES / "stack.rules-test.yml"
EXPECTED = {
    "APIDown",
    "HighErrorRate",
    "HighLatencyP95",
    "ContainerRestarting",
    "DiskAlmostFull",
    "BackupTooOld",
    "TargetMissing",
}


def test_our_runner_passes_the_example_tests() -> None:
    out = io.StringIO()
    assert main([str(TEST_FILE)], out=out) == 0, out.getvalue()


def test_promtool_passes_the_example_tests() -> None:
    result = run_promtool("test", "rules", str(TEST_FILE))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_is_documented_and_tested_both_ways() -> None:
    alerts = [r for g in load_rule_file(FIXTURES / "stack-alerts.yml") for r in g.rules if r.kind == "alert"]
    assert {r.name for r in alerts} == EXPECTED
    for rule in alerts:
        assert "severity" in rule.labels, rule.name
        assert {"summary", "description", "runbook_url"} <= set(rule.annotations), rule.name
    cases = [c for g in load_test_file(TEST_FILE).tests for c in g.alert_rule_test]
    assert {c.alertname for c in cases if c.exp_alerts} == EXPECTED
    assert {c.alertname for c in cases if not c.exp_alerts} == EXPECTED - {"BackupTooOld"}


def test_backup_not_firing_case_is_covered_by_a_fresh_target() -> None:
    (group,) = [g for g in load_test_file(TEST_FILE).tests if g.name == "backups"]
    (case,) = group.alert_rule_test
    assert [a.exp_labels["target"] for a in case.exp_alerts] == ["db"]  # "files" (1h old) must not fire
    assert any('target="files"' in s.series for s in group.input_series)
