"""Runbook: `docker ps -a` shows every service Up, healthy, not restarting, not OOM-killed."""

import pytest

from opsverify.check import expect
from opsverify.probes import compose, containerdepth, containers

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


# --- in depth (issue 5): opt-in per container entry ---


@pytest.mark.opsverify("containers", severity="warning", where=lambda t: t.memory_limit)
def test_container_memory_limit_set(target, facts):
    expect(containerdepth.memory_limit_set(target, facts))


@pytest.mark.opsverify("containers", severity="warning", where=lambda t: t.pinned_image)
def test_container_image_pinned(target, facts):
    expect(containerdepth.image_pinned(target, facts))


@pytest.mark.opsverify("container-depth", severity="warning", where=lambda t: t.max_memory_percent is not None)
def test_container_memory_usage(target, facts):
    expect(containerdepth.memory_usage(target, facts))


@pytest.mark.opsverify("container-depth", severity="critical", where=lambda t: t.exec)
def test_container_exec(target, facts):
    expect(containerdepth.exec_commands(target, facts))


@pytest.mark.opsverify("container-depth", severity="critical", where=lambda t: t.reaches)
def test_container_reaches(target, facts):
    expect(containerdepth.reaches(target, facts))
