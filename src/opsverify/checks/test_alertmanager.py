"""Runbook: Alertmanager is healthy, each severity reaches someone, no catch-all or endless silence, and (opt-in)
a test alert really arrives."""

import pytest

from opsverify.inventory.alertmanager import AlertmanagerEntry
from opsverify.probes import alertmanager, alertmanager_coverage, alertmanager_testalert, prometheus_promtool
from opsverify.probes.alertmanager import AlertmanagerFacts
from opsverify.probes.alertmanager_coverage import CoverageFacts
from opsverify.probes.alertmanager_testalert import RoundTripFacts
from opsverify.probes.prometheus_promtool import ValidationFacts
from opsverify.verdict import expect

pytestmark = [pytest.mark.readiness, pytest.mark.alerts]


@pytest.mark.smoke
@pytest.mark.opsverify("alertmanager", severity="critical")
def test_alertmanager_healthy(target: AlertmanagerEntry, facts: AlertmanagerFacts) -> None:
    expect(alertmanager.healthy(target, facts))


@pytest.mark.opsverify("alertmanager", severity="critical", where=lambda t: t.severities != [])
def test_alertmanager_routes_every_severity(target: AlertmanagerEntry, facts: AlertmanagerFacts) -> None:
    expect(alertmanager.routing(target, facts))


@pytest.mark.opsverify("alertmanager", severity="warning")
def test_alertmanager_silences(target: AlertmanagerEntry, facts: AlertmanagerFacts) -> None:
    expect(alertmanager.silences(target, facts))


@pytest.mark.opsverify("alertmanager", probe="test_alert", severity="critical", where=lambda t: t.send_test_alert)
def test_alertmanager_test_alert_round_trip(target: AlertmanagerEntry, facts: RoundTripFacts) -> None:
    expect(alertmanager_testalert.round_trip(target, facts))


@pytest.mark.opsverify("alertmanager", probe="files", severity="critical", where=lambda t: t.config_file is not None)
def test_alertmanager_config_valid(target: AlertmanagerEntry, facts: ValidationFacts) -> None:
    expect(prometheus_promtool.files_valid(target, facts))


@pytest.mark.opsverify("alertmanager", probe="coverage", severity="warning", where=lambda t: t.coverage is not None)
def test_alertmanager_oncall_coverage(target: AlertmanagerEntry, facts: CoverageFacts) -> None:
    expect(alertmanager_coverage.oncall_covered(target, facts))
