"""HTTP in depth against httpx.MockTransport: JSON paths, body, headers, redirects, metrics, eventually."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest

from opsverify.inventory.http import Eventually, HttpEntry, HttpExpect
from opsverify.probes import http, http_facts, http_jsonpath, http_judges, http_tls
from opsverify.schema import Duration

METRICS = """\
# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{code="200",handler="/health"} 12
# TYPE up_since gauge
up_since 5
"""


def entry(url: str = "http://127.0.0.1:1/x", **expect: object) -> HttpEntry:
    return HttpEntry(name="api", url=url, expect=HttpExpect(**expect))  # type: ignore[arg-type]


def facts_for(e: HttpEntry, handler) -> http_facts.HttpFacts:
    return http.gather(e, 2.0, 10_000, transport=httpx.MockTransport(handler), sleep=lambda s: None)


def reply(status: int = 200, body: str = "", **headers: str):
    return lambda request: httpx.Response(status, text=body, headers=headers)


@pytest.mark.parametrize(
    ("path", "found", "value"),
    [
        ("$.data.result[0].value[1]", True, "1"),
        ("data.result.0.value.1", True, "1"),
        ("$.data.result[-1].metric.job", True, "api"),
        ("$['data'].status", False, None),
        ('$["a.b"]', True, 3),
        ("$.data.result[5]", False, None),
    ],
)
def test_jsonpath_lookup(path, found, value):
    doc = {"data": {"result": [{"metric": {"job": "api"}, "value": [1, "1"]}]}, "a.b": 3}
    assert http_jsonpath.lookup(doc, path) == (found, value)


def test_jsonpath_rejects_garbage():
    with pytest.raises(ValueError, match="bad JSON path"):
        http_jsonpath.split("$.a[x]")


def test_json_dollar_path_in_expectation():
    e = entry(json={"$.data.result[0].value[1]": "2"})
    f = facts_for(e, reply(body='{"data": {"result": [{"value": [0, "1"]}]}}'))
    v = http_judges.json_fields(e, f)
    assert not v.ok
    assert v.message == 'api: $.data.result[0].value[1] is "1", expected "2"'


def test_body_regex_pass_and_fail():
    e = entry(body_regex=[r"^status: ok$", "version=\\d+"])
    assert http_judges.body_regex(e, facts_for(e, reply(body="x\nstatus: ok\nversion=3"))).ok
    v = http_judges.body_regex(e, facts_for(e, reply(body="status: degraded")))
    assert not v.ok
    assert v.message.startswith("api: body has no match for /^status: ok$/, /version=\\d+/; body: ")


def test_headers_missing_and_wrong():
    e = entry(headers={"Content-Type": "^application/json", "X-Frame-Options": "DENY"})
    v = http_judges.headers(e, facts_for(e, reply(body="{}", **{"content-type": "text/html"})))
    assert v.message == (
        'api: header Content-Type is "text/html", expected a match for /^application/json/; '
        "header X-Frame-Options is missing, expected a match for /DENY/"
    )
    ok = facts_for(e, reply(body="{}", **{"content-type": "application/json", "x-frame-options": "DENY"}))
    assert http_judges.headers(e, ok).ok


def test_redirect_expected_with_location():
    e = entry(redirect=r"^https://127\.0\.0\.1/login")
    good = facts_for(e, reply(302, location="https://127.0.0.1/login?next=/"))
    assert http_judges.redirect(e, good).message == 'api: redirects (302) to "https://127.0.0.1/login?next=/"'
    bad = facts_for(e, reply(302, location="/elsewhere"))
    assert http_judges.redirect(e, bad).message == (
        'api: redirects (302) to "/elsewhere", expected /^https://127\\.0\\.0\\.1/login/'
    )
    assert http_judges.redirect(e, facts_for(e, reply(200))).message.startswith(
        "api: status is 200, expected a redirect"
    )


def test_follow_redirects_records_history():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/x":
            return httpx.Response(301, headers={"location": "/final"})
        return httpx.Response(200, text="ok")

    e = HttpEntry(name="api", url="http://127.0.0.1:1/x", follow_redirects=True)
    f = facts_for(e, handler)
    assert (f.status, f.history) == (200, [301])


def test_redirect_and_follow_are_exclusive():
    with pytest.raises(ValueError, match="follow_redirects: false"):
        HttpEntry(name="a", url="http://127.0.0.1/", follow_redirects=True, expect=HttpExpect(redirect="x"))


def test_metrics_exposed_names_and_labels():
    e = entry(metrics=['http_requests_total{code="200"}', "up_since", 'http_requests_total{code="500"}', "nope"])
    v = http_judges.metrics_exposed(e, facts_for(e, reply(body=METRICS)))
    assert v.message == (
        'api: http_requests_total{code="500"}: http_requests_total is exposed but no sample has those labels '
        '(seen: {code="200",handler="/health"}); nope: metric nope is not exposed'
    )
    e2 = entry(metrics=['http_requests_total{handler=~"/he.*"}', "http_requests"])
    assert http_judges.metrics_exposed(e2, facts_for(e2, reply(body=METRICS))).ok


def test_metrics_not_text_format():
    e = entry(metrics=["up"])
    v = http_judges.metrics_exposed(e, facts_for(e, reply(body="<html>{{oops")))
    assert not v.ok
    assert "not the Prometheus text format" in v.message


def test_bad_metric_selector_is_an_inventory_error():
    with pytest.raises(ValueError, match="bad metric selector"):
        HttpExpect(metrics=["rate(x[5m])"])


def test_eventually_counts_attempts_until_pass():
    answers = iter([503, 503, 200])
    e = HttpEntry(
        name="api", url="http://127.0.0.1:1/", eventually=Eventually(within=Duration(60), interval=Duration(1))
    )
    f = facts_for(e, lambda request: httpx.Response(next(answers)))
    v = http_judges.status(e, f)
    assert v.ok and v.attempts == 3 and f.attempts == 3
    assert v.message.startswith("api: HTTP 200 (eventually: passed on attempt 3,")


def test_eventually_gives_up_at_the_deadline():
    e = HttpEntry(
        name="api", url="http://127.0.0.1:1/", eventually=Eventually(within=Duration(0.3), interval=Duration(0.1))
    )
    f = http.gather(e, 1.0, 1000, transport=httpx.MockTransport(reply(503)))
    v = http_judges.status(e, f)
    assert not v.ok and 2 <= v.attempts <= 4
    assert f"still failing after {v.attempts} attempts" in v.message


def test_cert_expiry_judgement():
    e = entry(url="https://127.0.0.1:1/", cert_days=30)
    f = http_facts.HttpFacts(url=e.url, status=200)
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=10)
    f.cert = http_tls.CertInfo(subject="CN=lab", not_after=soon)
    v = http_judges.cert_expiry(e, f)
    assert not v.ok and "expires in " in v.message and "expected >= 30 days left" in v.message
    f.cert = http_tls.CertInfo(subject="CN=lab", not_after=soon + dt.timedelta(days=60))
    assert http_judges.cert_expiry(e, f).ok
    f.cert = None
    assert http_judges.cert_expiry(e, f).message == "api: no TLS certificate seen, expected one valid for >= 30 days"


def test_cert_days_needs_https():
    with pytest.raises(ValueError, match="https"):
        entry(cert_days=3)


def test_connection_error_is_one_line():
    e = entry(body_regex=["x"])

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused")

    v = http_judges.body_regex(e, facts_for(e, refuse))
    assert v.message == "api: GET http://127.0.0.1:1/x: cannot connect: connection refused"


def test_response_time_is_the_exchange_when_the_socket_could_tell():
    e = entry(max_time=Duration(2.0))
    busy = http_facts.HttpFacts(url=e.url, status=200, elapsed=2.39, exchange=0.004)
    assert http_judges.response_time(e, busy).message == "api: responded in 0.00s"
    unknown = http_facts.HttpFacts(url=e.url, status=200, elapsed=2.39)
    assert http_judges.response_time(e, unknown).message == "api: responded in 2.39s, expected within 2s"


def test_a_mock_transport_has_no_kernel_clock_and_falls_back_to_the_wall_clock():
    f = facts_for(entry(), reply(body="ok"))
    assert f.exchange is None
    assert f.response_time == f.elapsed


def test_a_read_only_post_sends_its_body_without_allow_write():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.content))
        return httpx.Response(200, json={"status": "success"})

    e = HttpEntry(name="loki-query", url="http://127.0.0.1:1/q", method="post", read_only=True, body='{"query": "up"}')
    assert http_judges.status(e, facts_for(e, handler)).ok
    assert seen == [("POST", b'{"query": "up"}')]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"method": "POST"}, "method POST can change the target: checks only read unless allow_write: true"),
        ({"method": "DELETE", "read_only": True}, "read_only: true is for POST query APIs; DELETE needs allow_write"),
    ],
)
def test_write_methods_need_an_explicit_opt_in(fields, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        HttpEntry(name="x", url="http://127.0.0.1:1/", **fields)
