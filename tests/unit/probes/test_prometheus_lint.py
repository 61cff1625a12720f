"""`lint: true` on a Prometheus entry: the rule linter as a check of its rule files."""

from __future__ import annotations

from pathlib import Path

from opsverify.inventory.prometheus import PrometheusEntry
from opsverify.paths import FIXTURES
from opsverify.probes import prometheus_lint

RULES = FIXTURES / "rules"


def entry(*files: str) -> PrometheusEntry:
    return PrometheusEntry(name="prom", url="http://127.0.0.1:1", rule_files=list(files), lint=True)


def test_clean_rules_pass() -> None:
    e = entry("stack-alerts.yml")
    verdict = prometheus_lint.rules_lint_clean(e, prometheus_lint.gather(e, RULES))
    assert verdict.ok, verdict.message
    assert verdict.message.startswith("prom: rules lint: 1 file(s), no warning or error")


def test_planted_problems_fail_with_the_first_finding_and_all_as_details() -> None:
    e = entry("lint-bad.rules.yml")
    facts = prometheus_lint.gather(e, RULES)
    verdict = prometheus_lint.rules_lint_clean(e, facts)
    assert not verdict.ok
    assert verdict.message.startswith(f"prom: rules lint: {facts.failing} warning/error finding(s) in 1 file(s)")
    assert f"first: {RULES / 'lint-bad.rules.yml'}:" in verdict.message
    assert verdict.details == facts.findings and facts.failing > 0


def test_a_rule_file_that_does_not_load_is_the_reason(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up ==\n")
    e = entry("bad.yml")
    verdict = prometheus_lint.rules_lint_clean(e, prometheus_lint.gather(e, tmp_path))
    assert verdict.message.startswith(f"prom: rule file does not load: {tmp_path / 'bad.yml'}:5:")
