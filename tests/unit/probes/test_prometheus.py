"""Prometheus judges over canned API answers (httpx.MockTransport), and promtool validation."""

from __future__ import annotations

import shutil

import httpx
import pytest

from opsverify.inventory.prometheus import PrometheusEntry
from opsverify.probes import prometheus, prometheus_promtool
from opsverify.schema import Duration

TARGETS = [
    {"labels": {"job": "api"}, "scrapeUrl": "http://127.0.0.1:1/metrics", "health": "up", "lastError": ""},
    {"labels": {"job": "node"}, "scrapeUrl": "http://127.0.0.1:2/metrics", "health": "down", "lastError": "refused"},
]
RULES = [
    {
        "name": "g",
        "rules": [
            {"type": "alerting", "name": "Bad", "health": "err", "lastError": "many-to-many", "alerts": []},
            {
                "type": "alerting",
                "name": "Hot",
                "health": "ok",
                "alerts": [
                    {"state": "firing", "labels": {"severity": "warning"}, "activeAt": "2026-01-01T00:00:00.123Z"},
                    {"state": "pending", "labels": {"severity": "critical"}},
                ],
            },
        ],
    }
]
API = {
    "/api/v1/targets": {"activeTargets": TARGETS},
    "/api/v1/rules": {"groups": RULES},
    "/api/v1/status/flags": {"storage.tsdb.retention.time": "2d", "storage.tsdb.retention.size": "0B"},
    "/api/v1/status/tsdb": {"headStats": {"numSeries": 1500}, "seriesCountByMetricName": [{"name": "a", "value": 900}]},
    "/api/v1/status/runtimeinfo": {"reloadConfigSuccess": False, "lastConfigTime": "2026-01-01T00:00:00Z"},
    "/api/v1/alertmanagers": {
        "activeAlertmanagers": [{"url": "http://127.0.0.1:9093/api/v2/alerts"}],
        "droppedAlertmanagers": [{"url": "http://127.0.0.1:9094/api/v2/alerts"}],
    },
}


def handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/-/ready":
        return httpx.Response(503, text="Service Unavailable")
    if request.url.path in API:
        return httpx.Response(200, json={"status": "success", "data": API[request.url.path]})
    return httpx.Response(200, text="Prometheus Server is Healthy.\n")


def judge(fn, **fields):
    entry = PrometheusEntry(name="prom", url="http://127.0.0.1:1", **fields)
    return fn(entry, prometheus.gather(entry, 2.0, transport=httpx.MockTransport(handler)))


def test_healthy_and_not_ready():
    assert judge(prometheus.healthy).message == "prom: GET /-/healthy: HTTP 200"
    assert judge(prometheus.ready).message == "prom: GET /-/ready: HTTP 503 Service Unavailable, expected HTTP 200"


def test_targets_down_and_missing_job():
    v = judge(prometheus.targets_up)
    assert v.message == (
        "prom: 1 of 2 targets not up, expected all up: node http://127.0.0.1:2/metrics is down: refused"
    )
    assert judge(prometheus.targets_up, jobs=["api"]).ok
    assert "job blackbox has no active target" in judge(prometheus.targets_up, jobs=["api", "blackbox"]).message


def test_rules_and_firing():
    assert judge(prometheus.rules_healthy).message == (
        "prom: 1 of 2 rules fail to evaluate: Bad (group g): err: many-to-many"
    )
    assert judge(prometheus.no_firing, fail_on_firing="critical").ok
    assert judge(prometheus.no_firing, fail_on_firing="warning").message == (
        "prom: 1 alert(s) firing at warning or above, expected none: Hot (warning, since 2026-01-01T00:00:00)"
    )
    assert "not loaded: other" in judge(prometheus.rules_healthy, groups=["g", "other"]).message


def test_retention_head_series_reload():
    assert judge(prometheus.retention, min_retention=Duration(86400)).ok
    assert judge(prometheus.retention, min_retention=Duration(7 * 86400)).message == (
        "prom: --storage.tsdb.retention.time is 2d, expected >= 7d"
    )
    assert judge(prometheus.head_series, max_head_series=1000).message == (
        "prom: TSDB head has 1500 series, expected <= 1000 (largest: a 900)"
    )
    assert judge(prometheus.config_reloaded).message == (
        "prom: last config reload failed (last good config from 2026-01-01T00:00:00Z), expected it to succeed"
    )


def test_retention_not_set():
    API["/api/v1/status/flags"] = {"storage.tsdb.retention.time": "0s", "storage.tsdb.retention.size": "0B"}
    try:
        assert (
            "--storage.tsdb.retention.time is not set" in judge(prometheus.retention, min_retention=Duration(1)).message
        )
    finally:
        API["/api/v1/status/flags"] = {"storage.tsdb.retention.time": "2d"}


def test_unreachable_is_asked_once():
    calls = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        raise httpx.ConnectTimeout("timed out")

    entry = PrometheusEntry(name="prom", url="http://127.0.0.1:1")
    facts = prometheus.gather(entry, 2.0, transport=httpx.MockTransport(refuse))
    assert calls == ["/-/healthy"]
    assert prometheus.targets_up(entry, facts).message == (
        "prom: http://127.0.0.1:1: no connection within 2s (connect timeout)"
    )


RULE_FILE = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: sum(rate(x[5m])\n"


def test_builtin_validation_without_promtool(tmp_path, monkeypatch):
    (tmp_path / "bad.yml").write_text(RULE_FILE)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    entry = PrometheusEntry(name="prom", url="http://127.0.0.1:1", rule_files=["bad.yml"])
    v = prometheus_promtool.files_valid(entry, prometheus_promtool.gather(entry, tmp_path, 5.0))
    assert v.message.startswith(
        'prom: built-in (promtool not installed) check failed: rules bad.yml: bad.yml: group "g", A:'
    )


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not installed")
def test_promtool_validation(tmp_path):
    (tmp_path / "bad.yml").write_text(RULE_FILE)
    (tmp_path / "good.yml").write_text(RULE_FILE.replace("[5m])", "[5m]))"))
    entry = PrometheusEntry(name="prom", url="http://127.0.0.1:1", rule_files=["bad.yml"])
    v = prometheus_promtool.files_valid(entry, prometheus_promtool.gather(entry, tmp_path, 5.0))
    assert v.message.startswith('prom: promtool check failed: rules bad.yml: bad.yml: 5:11: group "g", rule 1, "A"')
    good = PrometheusEntry(name="prom", url="http://127.0.0.1:1", rule_files=["good.yml"])
    assert (
        prometheus_promtool.files_valid(good, prometheus_promtool.gather(good, tmp_path, 5.0)).message
        == "prom: promtool: valid (rules good.yml)"
    )


def test_rule_file_globs(tmp_path):
    (tmp_path / "rules").mkdir()
    for name in ("b.yml", "a.yml", "c.txt"):
        (tmp_path / "rules" / name).write_text("groups: []\n")
    assert prometheus_promtool.expand(["rules/*.yml", "rules/a.yml", "gone/*.yml", "x.yml"], tmp_path) == [
        "rules/a.yml",
        "rules/b.yml",
        "gone/*.yml",
        "x.yml",
    ]


def test_inventory_rule_files_join_each_prometheus_entry(tmp_path):
    from opsverify.inventory import load_inventory
    from opsverify.kinds import Context
    from opsverify.registry import kind

    path = tmp_path / "inv.yml"
    path.write_text(
        "version: 1\nprometheus:\n  - {name: p, url: 'http://127.0.0.1:1', rule_files: [own.yml]}\n"
        "rules:\n  files: [shared/*.yml]\n"
    )
    ctx = Context(load_inventory(path, environ={}))
    assert [t.rule_files for t in kind("prometheus").entries(ctx)] == [["own.yml", "shared/*.yml"]]
    assert [t.rule_files for t in ctx.inventory.prometheus] == [["own.yml"]]


def test_bearer_token_is_masked_and_not_in_repr():
    from opsverify.masking import mask

    entry = PrometheusEntry(name="prom", url="http://127.0.0.1:1", headers={"Authorization": "Bearer s3cr3t-token"})
    assert "s3cr3t-token" not in repr(entry)
    seen = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(401, json={"status": "error", "error": "bad token s3cr3t-token"})

    facts = prometheus.gather(entry, 2.0, transport=httpx.MockTransport(record))
    assert seen[0] == "Bearer s3cr3t-token"
    assert mask(prometheus.targets_up(entry, facts).message) == ('prom: GET /api/v1/targets: HTTP 401: "bad token ***"')


def test_alertmanagers_connected():
    assert judge(prometheus.alertmanagers, min_alertmanagers=1).message == (
        "prom: sends alerts to 1 Alertmanager(s): http://127.0.0.1:9093/api/v2/alerts"
    )
    assert judge(prometheus.alertmanagers, min_alertmanagers=2).message == (
        "prom: sends alerts to 1 Alertmanager(s) (http://127.0.0.1:9093/api/v2/alerts; 1 dropped), expected >= 2"
    )
