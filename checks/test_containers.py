"""Runbook: `docker ps -a` shows every service Up, healthy, not restarting, not OOM-killed."""

import pytest

from opsverify.check import expect
from opsverify.probes import compose, containers

pytestmark = [pytest.mark.smoke, pytest.mark.readiness]


@pytest.mark.opsverify("containers", severity="critical")
def test_container_exists(target, facts):
    expect(containers.exists(target, facts))


@pytest.mark.opsverify("containers", severity="critical", where=lambda t: t.expect_running)
def test_container_running(target, facts):
    expect(containers.running(target, facts))


@pytest.mark.opsverify("containers", severity="critical", where=lambda t: t.healthy is not False)
def test_container_healthy(target, facts):
    expect(containers.healthy(target, facts))


@pytest.mark.opsverify("containers", severity="warning")
def test_container_not_restarting(target, facts):
    expect(containers.restarts(target, facts))


@pytest.mark.opsverify("containers", severity="critical", where=lambda t: not t.allow_oom)
def test_container_not_oom_killed(target, facts):
    expect(containers.not_oom_killed(target, facts))


@pytest.mark.opsverify("compose", severity="critical")
def test_compose_services_running(target, facts):
    expect(compose.services_running(target, facts))
