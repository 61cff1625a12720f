"""Runbook: `docker logs --since 24h app | grep -c ERROR` is small; `grep ERROR /var/log/app.log` the same."""

import pytest

from opsverify.check import expect
from opsverify.probes import logs

pytestmark = [pytest.mark.readiness]


@pytest.mark.opsverify("logs", severity="warning")
def test_no_error_storm(target, facts):
    expect(logs.error_rate(target, facts))
