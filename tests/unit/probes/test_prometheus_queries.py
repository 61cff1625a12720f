"""Live PromQL assertions, alert rules by name and the scrape interval, over canned API answers."""

from __future__ import annotations

import httpx
import pytest

from opsverify.inventory.prometheus import PrometheusEntry, PromQuery
from opsverify.probes import prometheus, prometheus_queries
from opsverify.schema import Duration

RULES = [{"name": "g", "rules": [{"type": "alerting", "name": "Hot"}, {"type": "alerting", "name": "Bad"}]}]
API = {"/api/v1/rules": {"groups": RULES}, "/api/v1/status/config": {"yaml": "global:\n  scrape_interval: 30s\n"}}


def handler(request: httpx.Request) -> httpx.Response:
    if request.url.path in API:
        return httpx.Response(200, json={"status": "success", "data": API[request.url.path]})
    return httpx.Response(200, text="Prometheus Server is Healthy.\n")


VECTORS = {
    'up{job="api"}': [
        {"metric": {"__name__": "up", "job": "api", "instance": "a:1"}, "value": [1, "1"]},
        {"metric": {"__name__": "up", "job": "api", "instance": "b:1"}, "value": [1, "0"]},
    ],
    "sum(up)": [{"metric": {}, "value": [1, "3"]}],
    "absent_thing": [],
}


def query_handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/api/v1/query":
        expr = request.url.params["query"]
        if expr == "bad(":
            return httpx.Response(400, json={"status": "error", "error": "parse error: unexpected end of input"})
        if expr == "scalar(sum(up))":
            return httpx.Response(200, json={"status": "success", "data": {"resultType": "scalar", "result": [1, "1"]}})
        data = {"resultType": "vector", "result": VECTORS.get(expr, [])}
        return httpx.Response(200, json={"status": "success", "data": data})
    return handler(request)


def check(*queries: PromQuery):
    entry = PrometheusEntry(name="prom", url="http://127.0.0.1:1", queries=list(queries))
    facts = prometheus_queries.gather(entry, 2.0, transport=httpx.MockTransport(query_handler))
    return prometheus_queries.queries_hold(entry, facts)


def test_every_series_must_hold_with_for_each_series():
    verdict = check(PromQuery(expr='up{job="api"}', expect="== 1", for_each_series=True))
    assert verdict.message == ('prom: `up{job="api"}`: 1 of 2 series not == 1: up{instance="b:1", job="api"} = 0')


def test_one_value_expected_without_for_each_series():
    assert check(PromQuery(expr="sum(up)", expect=">= 3"), PromQuery(expr="scalar(sum(up))", expect="== 1")).ok
    assert check(PromQuery(expr='up{job="api"}', expect="== 1")).message == (
        'prom: `up{job="api"}` returned 2 series, expected one (aggregate it, or set for_each_series: true)'
    )
    assert check(PromQuery(expr="absent_thing", expect="> 0")).message == (
        "prom: `absent_thing` returned no series, expected a value > 0"
    )


@pytest.mark.parametrize(("expect", "message"), [("about 1", "must be a comparison"), ("== x", "must be a comparison")])
def test_query_expectations_are_validated(expect, message):
    with pytest.raises(ValueError, match=message):
        PromQuery(expr="up", expect=expect)
    with pytest.raises(ValueError, match="bad PromQL"):
        PromQuery(expr="sum(", expect="== 1")


def judge(fn, **fields):
    entry = PrometheusEntry(name="prom", url="http://127.0.0.1:1", **fields)
    return fn(entry, prometheus.gather(entry, 2.0, transport=httpx.MockTransport(handler)))


def test_alert_rules_loaded_by_name():
    assert judge(prometheus_queries.alert_rules_loaded, alerts=["Hot", "Bad"]).ok
    assert judge(prometheus_queries.alert_rules_loaded, alerts=["Hot", "DiskFull"]).message == (
        "prom: alerting rule(s) DiskFull not loaded (2 loaded), expected Hot, DiskFull"
    )


def test_scrape_interval():
    assert judge(prometheus_queries.scrape_interval, scrape_interval=Duration(30)).ok
    assert judge(prometheus_queries.scrape_interval, scrape_interval=Duration(15)).message == (
        "prom: global scrape_interval is 30s, expected 15s"
    )
