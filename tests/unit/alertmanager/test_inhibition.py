from __future__ import annotations

from opsverify.alertmanager.config import config_from_text
from opsverify.alertmanager.pipeline import evaluate

RULES = """
route: {receiver: default}
receivers: [{name: default}]
inhibit_rules:
  - name: crit-over-warn
    source_matchers: [severity=critical]
    target_matchers: [severity=warning]
    equal: [cluster]
  - source_match: {alertname: NodeDown}
    target_match_re: {alertname: "Node.*"}
    equal: [node]
"""


def inhibited(*alerts: dict[str, str]) -> list[list[str]]:
    return [o.inhibited_by for o in evaluate(config_from_text(RULES, "am.yml"), list(alerts))]


def test_equal_labels_must_match_and_missing_equals_empty() -> None:
    assert inhibited({"severity": "critical", "cluster": "a"}, {"severity": "warning", "cluster": "a"}) == [
        [],
        ["crit-over-warn"],
    ]
    assert inhibited({"severity": "critical", "cluster": "a"}, {"severity": "warning", "cluster": "b"}) == [[], []]
    assert inhibited({"severity": "critical"}, {"severity": "warning"}) == [[], ["crit-over-warn"]]
    assert inhibited({"severity": "critical", "cluster": ""}, {"severity": "warning"}) == [[], ["crit-over-warn"]]


def test_unnamed_rules_go_by_their_index() -> None:
    assert inhibited({"alertname": "NodeDown", "node": "n1"}, {"alertname": "NodeLoad", "node": "n1"}) == [
        [],
        ["inhibit_rules[1]"],
    ]


def test_an_alert_matching_both_sides_is_not_inhibited_by_alerts_that_also_do() -> None:
    down1 = {"alertname": "NodeDown", "node": "n1", "x": "1"}
    down2 = {"alertname": "NodeDown", "node": "n1", "x": "2"}
    load = {"alertname": "NodeLoad", "node": "n1"}
    assert inhibited(down1, down2, load) == [[], [], ["inhibit_rules[1]"]]


def test_a_source_must_be_firing() -> None:
    assert inhibited({"severity": "warning", "cluster": "a"}) == [[]]


def test_outcome_names_the_source() -> None:
    crit = {"severity": "critical", "cluster": "a", "alertname": "DBDown"}
    _, warn = evaluate(config_from_text(RULES, "am.yml"), [crit, {"severity": "warning", "cluster": "a"}])
    assert warn.inhibit_sources == [("crit-over-warn", crit)]
    assert warn.notified == []


def test_a_two_sided_target_is_inhibited_by_a_source_only_alert_whatever_the_order() -> None:
    """The documented rule (PR #1764), as 0.25 and 0.34.1+ do; 0.30-0.34.0's equal-label index kept one source
    per equal-label set and could let the target through when that source was two-sided (fixed by #5449)."""
    config = config_from_text(
        "route: {receiver: d}\nreceivers: [{name: d}]\ninhibit_rules:\n"
        "  - {source_matchers: [tier=core], target_matchers: ['alertname=~\"Core.*\"'], equal: [site]}\n",
        "am.yml",
    )
    core_a = {"alertname": "CoreDown", "tier": "core", "site": "s1"}
    core_b = {"alertname": "CoreSlow", "tier": "core", "site": "s1"}
    edge = {"alertname": "EdgeDown", "tier": "core", "site": "s1"}
    for alerts in ([core_a, core_b, edge], [edge, core_b, core_a]):
        outcomes = {o.labels["alertname"]: o.inhibit_sources for o in evaluate(config, alerts)}
        assert outcomes == {
            "CoreDown": [("inhibit_rules[0]", edge)],
            "CoreSlow": [("inhibit_rules[0]", edge)],
            "EdgeDown": [],
        }
