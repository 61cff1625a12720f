"""Runbook: `curl -m 5 /health` answers 200, says healthy, quickly; body, headers, redirects, TLS expiry, /metrics."""

import pytest

from opsverify.check import expect
from opsverify.probes import http, httpexpect

pytestmark = [pytest.mark.smoke, pytest.mark.readiness]


@pytest.mark.opsverify("http", severity="critical", where=lambda t: t.expect.redirect is None)
def test_http_status(target, facts):
    expect(http.status(target, facts))


@pytest.mark.opsverify("http", severity="critical", where=lambda t: t.expect.json or t.expect.json_match)
def test_http_json(target, facts):
    expect(http.json_fields(target, facts))


@pytest.mark.opsverify("http", severity="warning", where=lambda t: t.expect.max_time is not None)
def test_http_response_time(target, facts):
    expect(http.response_time(target, facts))


@pytest.mark.opsverify("http", severity="critical", where=lambda t: bool(t.expect.body_regex))
def test_http_body(target, facts):
    expect(httpexpect.body_regex(target, facts))


@pytest.mark.opsverify("http", severity="warning", where=lambda t: bool(t.expect.headers))
def test_http_headers(target, facts):
    expect(httpexpect.headers(target, facts))


@pytest.mark.opsverify("http", severity="critical", where=lambda t: t.expect.redirect is not None)
def test_http_redirect(target, facts):
    expect(httpexpect.redirect(target, facts))


@pytest.mark.opsverify("http", severity="critical", where=lambda t: t.expect.cert_days is not None)
def test_http_tls_certificate(target, facts):
    expect(httpexpect.cert_expiry(target, facts))


@pytest.mark.opsverify("http", severity="critical", where=lambda t: bool(t.expect.metrics))
def test_http_metrics_exposed(target, facts):
    expect(httpexpect.metrics_exposed(target, facts))
