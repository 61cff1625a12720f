"""Runbook: `curl -m 5 /health` answers 200, says healthy, quickly; body, headers, redirects, TLS expiry, /metrics."""

import pytest

from opsverify.inventory.http import HttpEntry
from opsverify.probes import http_judges
from opsverify.probes.http_facts import HttpFacts
from opsverify.verdict import expect

pytestmark = [pytest.mark.smoke, pytest.mark.readiness]


@pytest.mark.opsverify("http", severity="critical", where=lambda t: t.expect.redirect is None)
def test_http_status(target: HttpEntry, facts: HttpFacts) -> None:
    expect(http_judges.status(target, facts))


@pytest.mark.opsverify("http", severity="critical", where=lambda t: t.expect.json or t.expect.json_match)
def test_http_json(target: HttpEntry, facts: HttpFacts) -> None:
    expect(http_judges.json_fields(target, facts))


@pytest.mark.opsverify("http", severity="warning", where=lambda t: t.expect.max_time is not None)
def test_http_response_time(target: HttpEntry, facts: HttpFacts) -> None:
    expect(http_judges.response_time(target, facts))


@pytest.mark.opsverify("http", severity="critical", where=lambda t: bool(t.expect.body_regex))
def test_http_body(target: HttpEntry, facts: HttpFacts) -> None:
    expect(http_judges.body_regex(target, facts))


@pytest.mark.opsverify("http", severity="warning", where=lambda t: bool(t.expect.headers))
def test_http_headers(target: HttpEntry, facts: HttpFacts) -> None:
    expect(http_judges.headers(target, facts))


@pytest.mark.opsverify("http", severity="critical", where=lambda t: t.expect.redirect is not None)
def test_http_redirect(target: HttpEntry, facts: HttpFacts) -> None:
    expect(http_judges.redirect(target, facts))


@pytest.mark.opsverify("http", severity="critical", where=lambda t: t.expect.cert_days is not None)
def test_http_tls_certificate(target: HttpEntry, facts: HttpFacts) -> None:
    expect(http_judges.cert_expiry(target, facts))


@pytest.mark.opsverify("http", severity="critical", where=lambda t: bool(t.expect.metrics))
def test_http_metrics_exposed(target: HttpEntry, facts: HttpFacts) -> None:
    expect(http_judges.metrics_exposed(target, facts))
