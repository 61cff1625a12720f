"""Selector extraction for dead alerts, and the judgement over canned /api/v1/series answers."""

from __future__ import annotations

import httpx
import pytest

from opsverify.inventory.prometheus import PrometheusEntry
from opsverify.probes import prometheus_deadalerts


def texts(expr: str) -> list[str]:
    return [s.text for s in prometheus_deadalerts.selectors(expr)]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('up{job="api"} == 0', ['up{job="api"}']),
        ("sum(rate(x_total[5m])) / sum(rate(y_total[5m] offset 1h)) > 0.1", ["x_total", "y_total"]),
        ('absent(up{job="api"})', []),
        ("absent_over_time(heartbeat[10m]) or up == 0", ["up"]),
        ("(sum(rate(jobs_failed_total[5m])) or vector(0)) > 1", []),
        ("sum(rate(jobs_failed_total[5m])) or on() vector(0)", []),
        ("a or b", ["a", "b"]),
        ("histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))", ["h_bucket"]),
        ("max_over_time(x[1h:5m]) > 3", ["x"]),
        ("-x + topk(3, y)", ["x", "y"]),
        ('{__name__=~"node_.*", job="n"}', ['{__name__=~"node_.*",job="n"}']),
        ("x > 1 and x < 5", ["x"]),
        ('count(ALERTS{alertstate="firing"}) > 20 or ALERTS_FOR_STATE > 0', []),
    ],
)
def test_selectors(expr, expected):
    assert texts(expr) == expected


def test_unparsable_expression():
    with pytest.raises(ValueError):
        prometheus_deadalerts.selectors("sum(x")


RULES = {
    "status": "success",
    "data": {
        "groups": [
            {
                "name": "g",
                "rules": [
                    {"type": "alerting", "name": "Down", "query": 'up{job="api"} == 0'},
                    {"type": "alerting", "name": "Backlog", "query": "queue_depth > 5"},
                    {"type": "alerting", "name": "Api503", "query": 'http_total{code="503"} > 0'},
                    {"type": "recording", "name": "r", "query": "nothing_at_all"},
                ],
            },
            {"name": "other", "rules": [{"type": "alerting", "name": "X", "query": "missing_too"}]},
        ]
    },
}
SERIES = {'up{job="api"}': 1, '{__name__="up"}': 2, '{__name__="http_total"}': 4}


def handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/api/v1/rules":
        return httpx.Response(200, json=RULES)
    match = request.url.params["match[]"]
    return httpx.Response(200, json={"status": "success", "data": [{}] * SERIES.get(match, 0)})


def test_dead_alerts_judgement(tmp_path):
    entry = PrometheusEntry(name="prom", url="http://127.0.0.1:1", groups=["g"])
    facts = prometheus_deadalerts.gather(entry, 2.0, tmp_path, transport=httpx.MockTransport(handler))
    verdict = prometheus_deadalerts.no_dead_alerts(entry, facts)
    assert not verdict.ok
    assert verdict.details == [
        "alert Backlog (group g): queue_depth matches nothing: metric queue_depth is absent",
        'alert Api503 (group g): http_total{code="503"} matches nothing: '
        "metric http_total exists but the label filter matches none of its series",
    ]
    assert verdict.message.startswith("prom: 2 selector(s) match no series in the last 3600s")


def test_rule_files_are_checked_too(tmp_path):
    (tmp_path / "r.yml").write_text("groups:\n- name: g\n  rules:\n  - alert: FromFile\n    expr: file_metric > 1\n")
    entry = PrometheusEntry(name="prom", url="http://127.0.0.1:1", groups=["g"], rule_files=["r.yml"])
    facts = prometheus_deadalerts.gather(entry, 2.0, tmp_path, transport=httpx.MockTransport(handler))
    details = prometheus_deadalerts.no_dead_alerts(entry, facts).details
    assert "alert FromFile (group g, r.yml): file_metric matches nothing: metric file_metric is absent" in details


def test_unreachable_prometheus_is_one_line(tmp_path):
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused")

    entry = PrometheusEntry(name="prom", url="http://127.0.0.1:1")
    facts = prometheus_deadalerts.gather(entry, 2.0, tmp_path, transport=httpx.MockTransport(refuse))
    assert prometheus_deadalerts.no_dead_alerts(entry, facts).message == (
        "prom: http://127.0.0.1:1: GET /api/v1/rules: cannot connect: connection refused"
    )
