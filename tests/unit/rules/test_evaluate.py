"""Evaluation planning (range vs step-by-step) and equivalence of both paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsverify.rules import evaluate
from opsverify.rules.alerts import AlertingState
from opsverify.rules.deps import parse_expr
from opsverify.rules.evaluate import _RuleRun, plan
from opsverify.rules.model import Group, Rule
from opsverify.rules.runner import load_runner


def make_runs(*specs: tuple[str, str, str]) -> list[_RuleRun]:
    group = Group("g", "r.yml", [])
    runs = []
    for kind, name, expr in specs:
        rule = Rule(kind, name, expr, {}, {}, 0, 0, "r.yml", 1, parse_expr(expr))
        alerting = AlertingState(rule, lambda *a: "") if kind == "alert" else None
        runs.append(_RuleRun(rule, group, alerting))
    return runs


def test_plan_keeps_independent_rules_on_the_range_path() -> None:
    runs = make_runs(("record", "a", "sum(x)"), ("alert", "A", "a > 1"), ("record", "b", "sum(y)"))
    assert plan(runs) == ([0, 1, 2], [], [])


def test_plan_steps_only_the_cycle_and_ranges_its_readers_afterwards() -> None:
    runs = make_runs(
        ("alert", "A", "later > 1"),  # reads a later rule: A and `later` step together
        ("record", "other", "sum(z)"),  # unrelated: before the loop
        ("record", "later", "sum(y)"),
        ("record", "reader", "sum(ALERTS)"),  # reads A's ALERTS, read by nobody: after the loop
    )
    assert plan(runs) == ([1], [0, 2], [3])


def test_plan_treats_nameless_selectors_as_reading_everything() -> None:
    runs = make_runs(("record", "a", 'sum({job="x"})'), ("record", "b", "sum(y)"))
    assert plan(runs) == ([], [0, 1], [])


RULES = """groups:
  - name: g
    rules:
      - record: job:errors:rate3m
        expr: sum by (job) (rate(errors_total[3m]))
      - alert: Errors
        expr: job:errors:rate3m > 0.5
        for: 2m
        keep_firing_for: 1m
        labels: {severity: "{{ if gt $value 1.2 }}page{{ else }}ticket{{ end }}"}
        annotations: {summary: "{{ $value | humanize }} errors/s"}
"""
TESTS = """rule_files: [rules.yml]
tests:
  - input_series:
      - {series: 'errors_total{job="a"}', values: '0+30x5 150+90x5 600x5 600+60x10'}
      - {series: 'errors_total{job="b"}', values: '0+60x25'}
    alert_rule_test:
""" + "".join(f"      - {{eval_time: {m}m, alertname: Errors}}\n" for m in range(26))


def snapshot(tmp_path: Path) -> list[list[tuple[object, ...]]]:
    (tmp_path / "rules.yml").write_text(RULES)
    (tmp_path / "t.yml").write_text(TESTS)
    result = load_runner(tmp_path / "t.yml").run_group(0)
    return [sorted((c.eval_ms, v.labels, v.annotations) for v in c.got) for c in result.cases]


def test_range_and_step_paths_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = snapshot(tmp_path)
    monkeypatch.setattr(evaluate, "plan", lambda runs: ([], list(range(len(runs))), []))
    slow = snapshot(tmp_path)
    assert fast == slow
    severities = {dict(v[1])["severity"] for case in fast for v in case}
    assert severities == {"page", "ticket"}  # the label template changes the alert identity over time


def test_template_queries_count_as_reads() -> None:
    from opsverify.rules.deps import template_reads

    assert template_reads(['{{ with query "sum(r)" }}{{ . }}{{ end }}', "{{ $value }}"]) == {"r"}
    assert template_reads(['{{ query `ALERTS{alertname="X"}` | first | value }}']) == {"ALERTS"}
    assert template_reads(['{{ printf "up{job=%q}" $labels.job | query }}']) is None
    assert template_reads(["no templates"]) == set()


def test_plan_steps_an_alert_whose_annotation_queries_a_later_rule() -> None:
    runs = make_runs(("alert", "A", "x > 1"), ("record", "later", "sum(x)"))
    runs[0].rule.annotations = {"s": '{{ query "later" | first | value }}'}
    assert plan(runs) == ([], [0, 1], [])


def test_the_word_query_in_plain_text_is_not_a_query() -> None:
    from opsverify.rules.deps import template_reads

    assert template_reads(['failing to handle {{ $value | humanize }}% of "query" requests']) == set()
    assert template_reads(['{{ "up" | query }}']) is None


def test_plan_keeps_alerts_reading_an_earlier_alerts_series_on_the_range_path() -> None:
    runs = make_runs(
        ("alert", "Down", "up == 0"),
        ("alert", "Degraded", 'x > 1 unless on (job) ALERTS{alertname="Down", alertstate="firing"}'),
        ("alert", "Self", 'y > 1 unless ALERTS_FOR_STATE{alertname="Self"}'),  # reads itself: steps
    )
    assert plan(runs) == ([0, 1], [2], [])


def test_plan_matches_alerts_by_their_fixed_labels() -> None:
    runs = make_runs(
        ("alert", "Page", "up == 0"),
        ("alert", "Many", 'count(ALERTS{severity="critical"}) > 3'),  # reads Page only (Many is a warning)
        ("alert", "Later", "z > 1"),
    )
    runs[0].rule.labels = {"severity": "critical"}
    runs[1].rule.labels = {"severity": "warning"}
    runs[2].rule.labels = {"severity": "{{ $labels.s }}"}  # templated: could be critical, so Many reads it
    assert plan(runs) == ([0], [1, 2], [])
    runs[2].rule.labels = {"severity": "info"}
    assert plan(runs) == ([0, 1, 2], [], [])


INHIBIT_RULES = """groups:
  - name: g
    rules:
      - alert: Down
        expr: up == 0
        for: 2m
      - alert: Degraded
        expr: rate(errors_total[3m]) > 0.5 unless on (job) ALERTS{alertname="Down", alertstate="firing"}
        for: 1m
"""
INHIBIT_TESTS = """rule_files: [rules.yml]
tests:
  - input_series:
      - {series: 'up{job="a"}', values: '1x8 0x8 1x9'}
      - {series: 'errors_total{job="a"}', values: '0+60x25'}
    alert_rule_test:
""" + "".join(f"      - {{eval_time: {m}m, alertname: Degraded}}\n" for m in range(26))


def test_inhibition_range_and_step_paths_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "rules.yml").write_text(INHIBIT_RULES)
    (tmp_path / "t.yml").write_text(INHIBIT_TESTS)

    def firing_minutes(range_rules: int) -> list[int]:
        result = load_runner(tmp_path / "t.yml").run_group(0)
        assert result.outcome is not None and result.outcome.range_rules == range_rules
        return [c.eval_ms // 60_000 for c in result.cases if c.got]

    fast = firing_minutes(range_rules=2)  # both rules vectorised
    monkeypatch.setattr(evaluate, "plan", lambda runs: ([], list(range(len(runs))), []))
    assert fast == firing_minutes(range_rules=0)
    assert 5 in fast and 12 not in fast  # fires, then is inhibited while Down fires (from 10m)
