"""Runbook: `curl -m 5 /health` answers 200, says healthy, and quickly."""

import pytest

from opsverify.check import expect
from opsverify.probes import http

pytestmark = [pytest.mark.smoke, pytest.mark.readiness]


@pytest.mark.opsverify("http", severity="critical")
def test_http_status(target, facts):
    expect(http.status(target, facts))


@pytest.mark.opsverify("http", severity="critical", where=lambda t: t.expect.json or t.expect.json_match)
def test_http_json(target, facts):
    expect(http.json_fields(target, facts))


@pytest.mark.opsverify("http", severity="warning", where=lambda t: t.expect.max_time is not None)
def test_http_response_time(target, facts):
    expect(http.response_time(target, facts))
