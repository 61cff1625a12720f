"""Container-in-depth judges on hand-made inspect/stats facts."""

from __future__ import annotations

import pytest

from opsverify.inventory import ContainerEntry
from opsverify.inventory.containers import ContainerExec
from opsverify.probes import containers, containers_depth
from opsverify.probes.containers_depth import DepthFacts, ExecResult


def _facts(image="app:1.0", memory=0, status="running"):
    attrs = {"State": {"Status": status}, "Config": {"Image": image}, "HostConfig": {"Memory": memory}}
    return containers.from_inspect("web", attrs)


@pytest.mark.parametrize(
    ("image", "ok"),
    [
        ("app:1.0", True),
        ("registry:5000/team/app:2024.1", True),
        ("app@sha256:" + "a" * 64, True),
        ("app:latest", False),
        ("app", False),
        ("registry:5000/team/app", False),
    ],
)
def test_image_pinned(image, ok):
    verdict = containers_depth.image_pinned(ContainerEntry(name="web"), _facts(image))
    assert verdict.ok is ok, verdict.message


def test_memory_limit_and_usage():
    entry = ContainerEntry(name="web", max_memory_percent=80)
    assert not containers_depth.memory_limit_set(entry, _facts()).ok
    facts = DepthFacts(_facts(memory=100 << 20), memory_used=90 << 20, memory_limit=100 << 20)
    assert containers_depth.memory_usage(entry, facts).message == (
        "web: uses 90.0 MiB of its 100.0 MiB memory limit (90.0%), expected <= 80%"
    )
    facts.memory_used = 10 << 20
    assert containers_depth.memory_usage(entry, facts).ok


def test_missing_container_fails_every_judge_including_exists():
    entry = ContainerEntry(name="ghost", exec=[ContainerExec(command="true")])
    missing = containers.ContainerFacts("ghost", found=False)
    assert not containers.exists(entry, missing).ok  # a failed Verdict is falsy: judges must not use `or`
    assert "container not found" in containers_depth.exec_commands(entry, DepthFacts(missing)).message
    assert "container not found" in containers_depth.image_pinned(entry, missing).message


def test_exec_expectations():
    entry = ContainerEntry(name="db", exec=[ContainerExec(command=["pg_isready"], output_match="accepting")])
    facts = DepthFacts(_facts(), execs={"pg_isready": ExecResult(2, "/tmp:5432 - no response\n")})
    assert containers_depth.exec_commands(entry, facts).message == (
        "db: `pg_isready` exited 2, expected 0; output: /tmp:5432 - no response"
    )
    facts.execs["pg_isready"] = ExecResult(0, "/tmp:5432 - accepting connections\n")
    assert containers_depth.exec_commands(entry, facts).ok
