"""Runbook: `docker ps -a` shows every service Up, healthy, not restarting, not OOM-killed."""

import pytest

from opsverify.inventory.compose import ComposeEntry
from opsverify.inventory.containers import ContainerEntry
from opsverify.probes import compose, containers, containers_depth
from opsverify.probes.compose import ComposeFacts
from opsverify.probes.containers import ContainerFacts
from opsverify.probes.containers_depth import DepthFacts
from opsverify.verdict import expect

pytestmark = [pytest.mark.smoke, pytest.mark.readiness]


@pytest.mark.opsverify("containers", severity="critical")
def test_container_exists(target: ContainerEntry, facts: ContainerFacts) -> None:
    expect(containers.exists(target, facts))


@pytest.mark.opsverify("containers", severity="critical", where=lambda t: t.expect_running)
def test_container_running(target: ContainerEntry, facts: ContainerFacts) -> None:
    expect(containers.running(target, facts))


@pytest.mark.opsverify("containers", severity="critical", where=lambda t: t.healthy is not False)
def test_container_healthy(target: ContainerEntry, facts: ContainerFacts) -> None:
    expect(containers.healthy(target, facts))


@pytest.mark.opsverify("containers", severity="warning")
def test_container_not_restarting(target: ContainerEntry, facts: ContainerFacts) -> None:
    expect(containers.restarts(target, facts))


@pytest.mark.opsverify("containers", severity="critical", where=lambda t: not t.allow_oom)
def test_container_not_oom_killed(target: ContainerEntry, facts: ContainerFacts) -> None:
    expect(containers.not_oom_killed(target, facts))


@pytest.mark.opsverify("compose", severity="critical")
def test_compose_services_running(target: ComposeEntry, facts: ComposeFacts) -> None:
    expect(compose.services_running(target, facts))


# --- in depth: opt-in per container entry ---


@pytest.mark.opsverify("containers", severity="warning", where=lambda t: t.memory_limit)
def test_container_memory_limit_set(target: ContainerEntry, facts: ContainerFacts) -> None:
    expect(containers_depth.memory_limit_set(target, facts))


@pytest.mark.opsverify("containers", severity="warning", where=lambda t: t.pinned_image)
def test_container_image_pinned(target: ContainerEntry, facts: ContainerFacts) -> None:
    expect(containers_depth.image_pinned(target, facts))


@pytest.mark.opsverify(
    "containers", probe="depth", severity="warning", where=lambda t: t.max_memory_percent is not None
)
def test_container_memory_usage(target: ContainerEntry, facts: DepthFacts) -> None:
    expect(containers_depth.memory_usage(target, facts))


@pytest.mark.opsverify("containers", probe="depth", severity="critical", where=lambda t: t.exec)
def test_container_exec(target: ContainerEntry, facts: DepthFacts) -> None:
    expect(containers_depth.exec_commands(target, facts))


@pytest.mark.opsverify("containers", probe="depth", severity="critical", where=lambda t: t.reaches)
def test_container_reaches(target: ContainerEntry, facts: DepthFacts) -> None:
    expect(containers_depth.reaches(target, facts))


@pytest.mark.opsverify("containers", probe="depth", severity="critical", where=lambda t: bool(t.volumes))
def test_container_volumes(target: ContainerEntry, facts: DepthFacts) -> None:
    expect(containers_depth.volumes(target, facts))
