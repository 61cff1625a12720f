"""Runbook: Grafana answers, its datasources and dashboards are there and work, admin/admin no longer logs in."""

import pytest

from opsverify.inventory.grafana import GrafanaEntry
from opsverify.probes import grafana
from opsverify.probes.grafana import GrafanaFacts
from opsverify.verdict import expect

pytestmark = [pytest.mark.readiness]


@pytest.mark.smoke
@pytest.mark.opsverify("grafana", severity="critical")
def test_grafana_healthy(target: GrafanaEntry, facts: GrafanaFacts) -> None:
    expect(grafana.healthy(target, facts))


@pytest.mark.opsverify("grafana", severity="critical")
def test_grafana_datasources(target: GrafanaEntry, facts: GrafanaFacts) -> None:
    expect(grafana.datasources(target, facts))


@pytest.mark.opsverify("grafana", severity="warning", where=lambda t: bool(t.dashboards))
def test_grafana_dashboards(target: GrafanaEntry, facts: GrafanaFacts) -> None:
    expect(grafana.dashboards(target, facts))


@pytest.mark.opsverify("grafana", severity="critical", where=lambda t: t.default_admin_refused)
def test_grafana_default_admin_refused(target: GrafanaEntry, facts: GrafanaFacts) -> None:
    expect(grafana.default_admin_refused(target, facts))
