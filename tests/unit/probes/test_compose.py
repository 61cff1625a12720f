"""Judges of kind `compose` and how a project's containers become container entries (no engine)."""

from __future__ import annotations

from opsverify.inventory.compose import ComposeEntry
from opsverify.probes import compose
from opsverify.probes.compose import ComposeFacts, Member

FACTS = ComposeFacts(
    "shop",
    members=[
        Member("shop-api-1", "api", "running", 0),
        Member("shop-worker-1", "worker", "exited", 137),
        Member("shop-worker-2", "worker", "restarting", 0),
        Member("shop-db-1", "db", "running", 0),
    ],
)


def test_every_service_needs_a_running_container() -> None:
    verdict = compose.services_running(ComposeEntry(project="shop"), FACTS)
    assert verdict.message == (
        "shop: 1 of 3 services have no running container: worker (exited (137), restarting); expected all running"
    )
    assert compose.services_running(ComposeEntry(project="shop", services=["api", "db"]), FACTS).message == (
        "shop: all 2 services running"
    )


def test_a_listed_service_without_any_container_and_an_empty_project() -> None:
    verdict = compose.services_running(ComposeEntry(project="shop", services=["api", "cache"]), FACTS)
    assert verdict.message.endswith(
        "1 of 2 services have no running container: cache (no container); expected all running"
    )
    empty = compose.services_running(ComposeEntry(project="gone"), ComposeFacts("gone"))
    assert empty.message == "gone: no containers carry this compose project label, expected the stack to be up"
    down = compose.services_running(ComposeEntry(project="shop"), ComposeFacts("shop", error="engine down"))
    assert down.message == "shop: engine down"


def test_exit_code_is_read_from_docker_ps_status() -> None:
    assert compose.exit_code("Exited (137) 2 minutes ago") == 137
    assert compose.exit_code("Up 3 hours (healthy)") == 0


def test_project_containers_become_entries_with_the_projects_options() -> None:
    entry = ComposeEntry(project="shop", exclude=["db"], max_restarts=1, allow_oom=True, severity="warning")
    made = compose.container_entries(entry, FACTS)
    assert [c.name for c in made] == ["shop-api-1", "shop-worker-1", "shop-worker-2"]
    assert {(c.max_restarts, c.allow_oom, c.severity) for c in made} == {(1, True, "warning")}
    assert made[0].description == "service api of compose project shop"
