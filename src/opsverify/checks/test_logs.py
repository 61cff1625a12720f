"""Runbook: `docker logs --since 24h app | grep -c ERROR` is small; `grep ERROR /var/log/app.log` the same."""

import pytest

from opsverify.inventory.logs import LogEntry
from opsverify.probes import logs
from opsverify.probes.logs import LogFacts
from opsverify.verdict import expect

pytestmark = [pytest.mark.readiness]


@pytest.mark.opsverify("logs", severity="warning")
def test_no_error_storm(target: LogEntry, facts: LogFacts) -> None:
    expect(logs.error_rate(target, facts))


@pytest.mark.opsverify("logs", severity="warning", where=lambda t: t.must_match is not None)
def test_log_required_line(target: LogEntry, facts: LogFacts) -> None:
    expect(logs.required_line(target, facts))
