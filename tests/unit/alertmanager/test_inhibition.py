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
