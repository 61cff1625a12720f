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


@pytest.mark.parametrize(
    ("wanted", "limit", "message"),
    [
        (">= 512MiB", 256 << 20, "web: memory limit is 256.0 MiB, expected >= 512MiB"),
        (">= 512MiB", 512 << 20, "web: memory limit 512.0 MiB (>= 512MiB)"),
        ("<= 1GiB", 2 << 30, "web: memory limit is 2.0 GiB, expected <= 1GiB"),
        (">= 512MiB", 0, "web: has no memory limit (HostConfig.Memory is 0), expected one >= 512MiB"),
        (True, 64 << 20, "web: memory limit 64.0 MiB"),
    ],
)
def test_memory_limit_value(wanted, limit, message):
    entry = ContainerEntry(name="web", memory_limit=wanted)
    assert containers_depth.memory_limit_set(entry, _facts(memory=limit)).message == message


def test_memory_limit_must_be_a_comparison():
    with pytest.raises(ValueError, match="must be true or a comparison with a size"):
        ContainerEntry(name="web", memory_limit="lots")


def test_volumes_exist_mounted_and_in_budget():
    from opsverify.inventory.containers import VolumeCheck

    base = _facts()
    base.attrs["Mounts"] = [{"Type": "volume", "Name": "pgdata"}, {"Type": "bind", "Name": ""}]
    entry = ContainerEntry(name="db", volumes=[VolumeCheck(name="pgdata", max_size="1GiB"), VolumeCheck(name="logs")])
    facts = DepthFacts(base, volumes={"pgdata": 2 << 30, "logs": 4096})
    assert containers_depth.volumes(entry, facts).message == (
        "db: volume pgdata holds 2.0 GiB, expected <= 1.0 GiB; volume logs exists but is not mounted by db"
    )
    facts.volumes = {"pgdata": 1 << 20, "logs": "does not exist (docker volume ls shows no such name)"}
    assert containers_depth.volumes(entry, facts).message == (
        "db: volume logs does not exist (docker volume ls shows no such name)"
    )


def test_reach_script_uses_nc_then_bash_and_explains_names():
    script = containers_depth.reach_script("calendar-redis:6379", 3.0)
    assert "nc -z -w 3 calendar-redis 6379" in script and "/dev/tcp/" in script
    assert 'echo "calendar-redis resolves to $a inside"' in script
    assert "getent" not in containers_depth.reach_script("127.0.0.1:6379", 3.0)  # an address needs no resolving
