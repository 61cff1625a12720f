"""Rule-evaluation semantics against promtool: a scenario whose every expectation is deliberately wrong, so both
tools print what they got at each step (alert states over time, for, keep_firing_for, label templates, recording
rules feeding alerts, ALERTS/ALERTS_FOR_STATE, absent). Windows avoid the Prometheus 2/3 boundary differences
(a [90s] rate over 1m samples sees the same two samples in both). group_eval_order is given because promtool
orders unlisted groups at random (a Go map walked into an unstable sort); we keep file order."""

from __future__ import annotations

from pathlib import Path

import pytest
from rules_peers import run_promtool

from opsverify.rules import evaluate
from opsverify.rules.runner import load_runner

RULES = """groups:
  - name: records
    rules:
      - record: job:req:rate90s
        expr: sum by (job) (rate(req_total[90s]))
      - record: job:req:rate90s:doubled
        expr: job:req:rate90s * 2
        labels: {tier: x}
  - name: alerts
    rules:
      - alert: HighReq
        expr: job:req:rate90s > 1
        for: 3m
        keep_firing_for: 2m
        labels: {severity: "{{ if gt $value 2.0 }}page{{ else }}ticket{{ end }}"}
        annotations: {summary: "{{ $labels.job }} at {{ $value | humanize }}/s", all: "{{ $labels }}"}
      - alert: Absent
        expr: absent(nope)
        for: 1m
      - alert: Combined
        expr: count(ALERTS{alertname="HighReq", alertstate="firing"}) > 0
        annotations: {value: "{{ $value }}"}
"""
MINUTES = range(0, 31)


def scenario_yaml() -> str:
    cases = "".join(
        f"      - {{eval_time: {m}m, alertname: {name}, exp_alerts: [{{exp_labels: {{wrong: x}}}}]}}\n"
        for m in MINUTES
        for name in ("HighReq", "Absent", "Combined")
    )
    exprs = "".join(
        f"      - {{expr: '{expr}', eval_time: {m}m, exp_samples: [{{labels: '{{wrong=\"x\"}}', value: -1}}]}}\n"
        for m in range(0, 31, 3)
        for expr in ("ALERTS", "ALERTS_FOR_STATE", "job:req:rate90s:doubled")
    )
    return (
        "rule_files: [rules.yml]\nevaluation_interval: 1m\ngroup_eval_order: [records, alerts]\ntests:\n  - name: scenario\n    interval: 1m\n"
        "    input_series:\n"
        "      - {series: 'req_total{job=\"a\"}', values: '0+30x10 300+150x10 1800+30x10'}\n"
        "      - {series: 'req_total{job=\"b\"}', values: '0+90x30'}\n"
        "    alert_rule_test:\n" + cases + "    promql_expr_test:\n" + exprs
    )


@pytest.mark.parametrize("path", ["planned", "all-steps"])
def test_every_step_matches_promtool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    if path == "all-steps":
        monkeypatch.setattr(evaluate, "plan", lambda runs: ([], list(range(len(runs))), []))
    (tmp_path / "rules.yml").write_text(RULES)
    (tmp_path / "t.yml").write_text(scenario_yaml())
    peer = run_promtool("test", "rules", str(tmp_path / "t.yml"))
    assert peer.returncode == 1 and "  FAILED:\n" in peer.stderr, peer.stderr
    theirs = peer.stderr.split("  FAILED:\n", 1)[1]
    result = load_runner(tmp_path / "t.yml").run_group(0)
    assert len(result.failures) == len(MINUTES) * 3 + 11 * 3
    ours = "".join(f + "\n" for f in result.failures)
    assert ours.splitlines() == theirs.splitlines()
    firing = [f for f in result.failures if "alertname: HighReq" in f and "got:[]" not in f]
    assert 'severity="page"' in "".join(firing) and 'severity="ticket"' in "".join(firing)


ERROR_RULES = """groups:
  - name: g
    limit: 1
    rules:
      - record: r
        expr: up
  - name: h
    rules:
      - alert: Dup
        expr: up > 0 or up2 > 0
        for: 1m
"""
ERROR_TESTS = """rule_files: [rules.yml]
group_eval_order: [g, h]
tests:
  - name: lim
    interval: 1m
    input_series:
      - {series: 'up{i="1"}', values: 1x5}
      - {series: 'up{i="2"}', values: _ _ _ 1x5}
    alert_rule_test:
      - {eval_time: 1m, alertname: Dup, exp_alerts: [{exp_labels: {i: "1"}}]}
      - {eval_time: 2m, alertname: Dup, exp_alerts: [{exp_labels: {i: "9"}}]}
      - {eval_time: 5m, alertname: Dup}
  - name: dup
    interval: 1m
    input_series:
      - {series: 'up{i="1"}', values: 1x5}
      - {series: 'up2{i="1"}', values: _ 1x5}
    alert_rule_test:
      - {eval_time: 3m, alertname: Dup}
"""


def test_evaluation_errors_match_promtool(tmp_path: Path) -> None:
    """A limit error stops its test group after the failures found before it, in promtool's words."""
    (tmp_path / "rules.yml").write_text(ERROR_RULES)
    (tmp_path / "t.yml").write_text(ERROR_TESTS)
    peer = run_promtool("test", "rules", str(tmp_path / "t.yml"))
    runner = load_runner(tmp_path / "t.yml")
    ours = [line for i in range(2) for f in runner.run_group(i).failures for line in f.splitlines()]
    assert "    rule: r, time: 3m0s, err: exceeded limit of 1 with 2 series" in ours
    assert ours == peer.stderr.split("  FAILED:\n", 1)[1].splitlines()


STALE_RULES = """groups:
  - name: g
    rules:
      - record: r
        expr: x > 5
      - alert: Gone
        expr: absent(r)
      - alert: Flapping
        expr: changes(ALERTS_FOR_STATE[10m]) > 0 or count_over_time(ALERTS{alertname="Gone"}[10m]) > 2
"""


def test_stale_markers_of_rule_outputs_match_promtool(tmp_path: Path) -> None:
    """A recorded series that disappears is marked stale at once (absent() fires the next evaluation)."""
    cases = "".join(
        f"      - {{eval_time: {m}m, alertname: {a}, exp_alerts: [{{exp_labels: {{w: x}}}}]}}\n"
        for m in range(21)
        for a in ("Gone", "Flapping")
    )
    tests = (
        "rule_files: [rules.yml]\ntests:\n  - interval: 1m\n    input_series:\n"
        "      - {series: 'x{job=\"a\"}', values: 10x5 0x10 10x5}\n    alert_rule_test:\n"
        + cases
        + "    promql_expr_test:\n"
        "      - {expr: 'count_over_time(r[30m])', eval_time: 20m, exp_samples: [{labels: '{}', value: -1}]}\n"
        "      - {expr: 'ALERTS_FOR_STATE', eval_time: 20m, exp_samples: [{labels: '{}', value: -1}]}\n"
    )
    (tmp_path / "rules.yml").write_text(STALE_RULES)
    (tmp_path / "t.yml").write_text(tests)
    peer = run_promtool("test", "rules", str(tmp_path / "t.yml"))
    failures = load_runner(tmp_path / "t.yml").run_group(0).failures
    gone_at_6m = next(f for f in failures if "alertname: Gone, time: 6m," in f)
    assert 'Labels:{alertname="Gone"}' in gone_at_6m
    assert "".join(f + "\n" for f in failures).splitlines() == peer.stderr.split("  FAILED:\n", 1)[1].splitlines()


QUERY_RULES = r"""groups:
  - name: g
    rules:
      - record: r
        expr: sum(x)
      - alert: Q
        expr: x > 1
        for: 2m
        keep_firing_for: 2m
        annotations:
          own: '{{ with query "ALERTS{alertname=\"Q\"}" }}{{ . | first | label "alertstate" }}{{ end }}'
          rec: '{{ with query "r" }}{{ . | first | value }}{{ end }}'
          later: '{{ with query "later" }}{{ . | first | value }}{{ else }}none{{ end }}'
      - record: later
        expr: sum(x) * 10
"""


def test_annotation_queries_see_storage_as_during_evaluation(tmp_path: Path) -> None:
    """Queries in annotations see earlier rules of this step, and their own ALERTS and later rules one step late."""
    cases = "".join(
        f"      - {{eval_time: {m}m, alertname: Q, exp_alerts: [{{exp_labels: {{w: x}}}}]}}\n" for m in range(14)
    )
    tests = (
        "rule_files: [rules.yml]\ntests:\n  - interval: 1m\n    input_series:\n"
        "      - {series: 'x{job=\"a\"}', values: 0 0 2 3 4 5 0 0 0 0 6 7 8 9}\n    alert_rule_test:\n" + cases
    )
    (tmp_path / "rules.yml").write_text(QUERY_RULES)
    (tmp_path / "t.yml").write_text(tests)
    peer = run_promtool("test", "rules", str(tmp_path / "t.yml"))
    failures = load_runner(tmp_path / "t.yml").run_group(0).failures
    assert any('Annotations:{later="30", own="pending", rec="4"}' in f for f in failures)
    assert "".join(f + "\n" for f in failures).splitlines() == peer.stderr.split("  FAILED:\n", 1)[1].splitlines()
