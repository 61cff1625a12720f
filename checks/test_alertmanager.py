"""Runbook: Alertmanager is healthy, each severity reaches someone, no catch-all or endless silence, and (opt-in)
a test alert really arrives."""

import pytest

from opsverify.check import expect
from opsverify.probes import alertmanager, promtool, testalert

pytestmark = [pytest.mark.readiness, pytest.mark.alerts]


@pytest.mark.smoke
@pytest.mark.opsverify("alertmanager", severity="critical")
def test_alertmanager_healthy(target, facts):
    expect(alertmanager.healthy(target, facts))


@pytest.mark.opsverify("alertmanager", severity="critical", where=lambda t: t.severities != [])
def test_alertmanager_routes_every_severity(target, facts):
    expect(alertmanager.routing(target, facts))


@pytest.mark.opsverify("alertmanager", severity="warning")
def test_alertmanager_silences(target, facts):
    expect(alertmanager.silences(target, facts))


@pytest.mark.opsverify("alertmanager_test_alert", severity="critical", where=lambda t: t.send_test_alert)
def test_alertmanager_test_alert_round_trip(target, facts):
    expect(testalert.round_trip(target, facts))


@pytest.mark.opsverify("alertmanager_files", severity="critical", where=lambda t: t.config_file is not None)
def test_alertmanager_config_valid(target, facts):
    expect(promtool.files_valid(target, facts))
