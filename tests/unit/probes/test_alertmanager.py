"""Alertmanager routing-tree walk, silence judgement (pure, canned API answers)."""

from __future__ import annotations

import httpx
import pytest
import yaml

from opsverify.inventory.alertmanager import AlertmanagerEntry, AlertRoundTrip
from opsverify.probes import alertmanager, alertmanager_routing

CONFIG = """
route:
  receiver: default
  routes:
    - receiver: test-hook
      matchers: ['alertname="OpsverifyTestAlert"']
    - receiver: pager
      match: {severity: critical}
      continue: true
    - receiver: audit
      match_re: {severity: "crit.*"}
    - receiver: chat
      matchers: ['severity=~"warning|info"', 'team!="db"']
    - receiver: nobody
      matchers: [severity="warning"]
receivers:
  - name: default
    email_configs: [{to: ops@example.invalid, from: am@example.invalid, smarthost: "127.0.0.1:25"}]
  - name: pager
    webhook_configs: [{url: "http://127.0.0.1:9/p"}]
  - name: audit
    telegram_configs: [{chat_id: 1, bot_token: "123:abc"}]
  - name: chat
    slack_configs: [{channel: "#ops", api_url: "http://127.0.0.1:9/slack"}]
  - name: nobody
  - name: test-hook
    webhook_configs: [{url: "http://127.0.0.1:19095/"}]
"""


def tree() -> alertmanager_routing.Route:
    return alertmanager_routing.parse_route(yaml.safe_load(CONFIG)["route"])


@pytest.mark.parametrize(
    ("labels", "receivers"),
    [
        ({"severity": "critical"}, ["pager", "audit"]),
        ({"severity": "warning"}, ["chat"]),
        ({"severity": "warning", "team": "db"}, ["nobody"]),
        ({"severity": "page"}, ["default"]),
        ({"alertname": "OpsverifyTestAlert", "severity": "critical"}, ["test-hook"]),
    ],
)
def test_receivers_for(labels, receivers):
    assert alertmanager_routing.receivers_for(tree(), labels) == receivers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('severity="critical"', ("severity", "=", "critical")),
        ("team != db", ("team", "!=", "db")),
        ('{job=~"a|b"}', ("job", "=~", "a|b")),
        ('msg="say \\"hi\\""', ("msg", "=", 'say "hi"')),
    ],
)
def test_parse_matcher(text, expected):
    m = alertmanager_routing.parse_matcher(text)
    assert (m.label, m.op, m.value) == expected


def test_parse_matcher_rejects_garbage():
    with pytest.raises(ValueError, match="bad matcher"):
        alertmanager_routing.parse_matcher("severity")


def test_integrations():
    kinds = alertmanager_routing.integrations(yaml.safe_load(CONFIG))
    assert kinds["nobody"] == [] and kinds["audit"] == ["telegram"]


def answers(silences: list[dict], config: str = CONFIG):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v2/silences":
            return httpx.Response(200, json=silences)
        if request.url.path == "/api/v2/status":
            return httpx.Response(200, json={"config": {"original": config}, "versionInfo": {"version": "0.25.0"}})
        return httpx.Response(200, text="OK")

    return httpx.MockTransport(handler)


def silence(matchers, starts="2026-01-01T00:00:00Z", ends="2026-01-01T02:00:00Z", state="active"):
    return {
        "id": "abcdef1234",
        "status": {"state": state},
        "matchers": [{"name": n, "value": v, "isRegex": r, "isEqual": e} for n, v, r, e in matchers],
        "startsAt": starts,
        "endsAt": ends,
        "createdBy": "bob",
        "comment": "deploy",
    }


def test_routing_names_the_silent_severity():
    entry = AlertmanagerEntry(name="am", url="http://127.0.0.1:1", severities=["critical", "warning", "info"])
    facts = alertmanager.gather(entry, 2.0, transport=answers([]))
    assert alertmanager.routing(entry, facts).ok
    bad = yaml.safe_load(CONFIG)
    bad["route"]["routes"][4]["matchers"] = ['severity="info"']
    bad["route"]["routes"][3]["matchers"] = ['severity="warning"', 'team="db"']
    facts = alertmanager.gather(entry, 2.0, transport=answers([], yaml.safe_dump(bad)))
    verdict = alertmanager.routing(entry, facts)
    assert verdict.message == (
        'am: severity="info" goes to receiver nobody with no integration, expected a receiver that notifies someone'
    )


@pytest.mark.parametrize(
    ("matchers", "catch_all"),
    [
        ([("alertname", ".+", True, True)], True),
        ([("alertname", ".*", True, True)], True),
        ([("severity", ".*", True, True), ("alertname", ".+", True, True)], True),
        ([("alertname", "", False, False)], True),  # alertname!=""
        ([("severity", ".+", True, True)], False),  # alerts without a severity label are not muted
        ([("alertname", "Watchdog", False, True)], False),
        ([("alertname", "Watch.*", True, True)], False),
        ([("alertname", "(", True, True)], False),  # a broken regex matches nothing
    ],
)
def test_matches_everything(matchers, catch_all):
    assert alertmanager.matches_everything(silence(matchers)) is catch_all


def test_silences_catch_all_and_too_long():
    long = silence([("alertname", "Slow", False, True)], ends="2026-03-01T00:00:00Z")
    expired = silence([("alertname", ".+", True, True)], state="expired")
    entry = AlertmanagerEntry(name="am", url="http://127.0.0.1:1")
    facts = alertmanager.gather(
        entry, 2.0, transport=answers([silence([("alertname", ".+", True, True)]), long, expired])
    )
    verdict = alertmanager.silences(entry, facts)
    assert verdict.details == [
        'silence abcdef12 {alertname=~".+"} (by bob: "deploy", until 2026-01-01 02:00) matches every alert',
        'silence abcdef12 {alertname="Slow"} (by bob: "deploy", until 2026-03-01 00:00) lasts 59.0d, expected <= 7d',
    ]


def test_test_alert_listen_is_loopback_only():
    with pytest.raises(ValueError, match="loopback only"):
        AlertRoundTrip(listen="0.0.0.0:19095")


@pytest.mark.parametrize("tool", ["amtool", None])
def test_config_validation(tmp_path, monkeypatch, tool):
    import shutil

    from opsverify.probes import alertmanager_amtool, prometheus_promtool

    if tool is not None and shutil.which(tool) is None:
        pytest.skip("amtool not installed")
    if tool is None:
        monkeypatch.setattr(shutil, "which", lambda name: None)
    (tmp_path / "am.yml").write_text(CONFIG)
    (tmp_path / "bad.yml").write_text(CONFIG.replace("receiver: audit", "receiver: audti"))
    good = AlertmanagerEntry(name="am", url="http://127.0.0.1:1", config_file="am.yml")
    assert prometheus_promtool.files_valid(good, alertmanager_amtool.gather(good, tmp_path, 10.0)).ok
    bad = AlertmanagerEntry(name="am", url="http://127.0.0.1:1", config_file="bad.yml")
    verdict = prometheus_promtool.files_valid(bad, alertmanager_amtool.gather(bad, tmp_path, 10.0))
    assert verdict.message.endswith('check failed: config bad.yml: undefined receiver "audti" used in route')
    assert verdict.message.startswith("am: amtool " if tool else "am: built-in (amtool not installed) ")


def test_severities_in_use_come_from_the_prometheus_rules():
    from opsverify.inventory.prometheus import PrometheusEntry

    rules = {
        "status": "success",
        "data": {
            "groups": [
                {
                    "rules": [
                        {"name": "A", "labels": {"severity": "warning"}},
                        {"name": "B", "labels": {"severity": "page"}},
                    ]
                }
            ]
        },
    }

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "127.0.0.2":
            return httpx.Response(200, json=rules)
        return answers([]).handle_request(request)

    prom = PrometheusEntry(name="prom", url="http://127.0.0.2:9090")
    entry = AlertmanagerEntry(name="am", url="http://127.0.0.1:1")
    facts = alertmanager.gather(entry, 2.0, transport=httpx.MockTransport(handler), sources=[prom, prom])
    assert facts.in_use == {"warning": ["A"], "page": ["B"]}
    verdict = alertmanager.routing(entry, facts)
    assert verdict.ok
    assert verdict.message.startswith(
        "am: every severity in use (rules in prom) reaches a receiver: page -> default (email)"
    )
    alone = alertmanager.gather(entry, 2.0, transport=answers([]))
    assert alertmanager.severities_to_route(entry, alone) == (
        ["critical", "warning"],
        "(default: no Prometheus in the inventory)",
    )
