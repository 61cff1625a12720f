"""Containers in depth against the lab: memory vs limit, a limit at all, pinned images, exec, reaching a port."""

from __future__ import annotations

import time

from opsverify.inventory import ContainerEntry
from opsverify.probes import containers, containers_depth

from .conftest import build

TIMEOUT = 5.0


def depth(**data):
    entry = build(ContainerEntry, **data)
    return entry, containers_depth.gather(entry, TIMEOUT)


def test_the_healthy_api_passes_every_depth_check(lab):
    entry, facts = depth(
        name="lab-api",
        memory_limit=True,
        pinned_image=True,
        max_memory_percent=80,
        exec=[{"command": "cat /www/health", "output_match": '"status": "healthy"'}],
        reaches=["127.0.0.1:16379"],
    )
    base = containers.gather("lab-api", TIMEOUT)
    assert containers_depth.memory_limit_set(entry, base).message == "lab-api: memory limit 64.0 MiB"
    assert containers_depth.image_pinned(entry, base).message == "lab-api: image pinned to tag 1.0 (opsverify-lab/api)"
    for judge in (containers_depth.memory_usage, containers_depth.exec_commands, containers_depth.reaches):
        verdict = judge(entry, facts)
        assert verdict.ok, verdict.message
    assert "of its 64.0 MiB memory limit" in containers_depth.memory_usage(entry, facts).message


def test_redis_cli_ping_answers_pong_inside_the_container(lab):
    entry, facts = depth(
        name="lab-redis", exec=[{"command": ["redis-cli", "-p", "16379", "ping"], "output_match": "^PONG"}]
    )
    assert containers_depth.exec_commands(entry, facts).ok
    bad, facts = depth(name="lab-redis", exec=[{"command": ["redis-cli", "-p", "16380", "ping"]}])
    message = containers_depth.exec_commands(bad, facts).message
    assert message.startswith("lab-redis: `redis-cli -p 16380 ping` exited 1, expected 0; output: Could not connect")


def test_the_sloppy_container_is_unpinned_and_unlimited(lab):
    entry = build(ContainerEntry, name="lab-sloppy", memory_limit=True, pinned_image=True, max_memory_percent=80)
    base = containers.gather("lab-sloppy", TIMEOUT)
    assert containers_depth.image_pinned(entry, base).message == (
        'lab-sloppy: image is "opsverify-lab/base:latest", expected a pinned tag or digest, not :latest'
    )
    assert containers_depth.memory_limit_set(entry, base).message == (
        "lab-sloppy: has no memory limit (HostConfig.Memory is 0), expected one (mem_limit)"
    )
    verdict = containers_depth.memory_usage(entry, containers_depth.gather(entry, TIMEOUT))
    assert not verdict.ok and "with no memory limit set" in verdict.message


def test_a_container_near_its_memory_limit_fails_with_the_figures(lab):
    entry = build(ContainerEntry, name="lab-hog", max_memory_percent=80)
    deadline = time.monotonic() + 15
    while True:  # the hog fills its tmpfs right after start
        verdict = containers_depth.memory_usage(entry, containers_depth.gather(entry, TIMEOUT))
        if not verdict.ok or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert not verdict.ok, verdict.message
    assert "of its 24.0 MiB memory limit (" in verdict.message and verdict.message.endswith("expected <= 80%")


def test_a_port_nobody_listens_on_is_not_reached(lab):
    entry, facts = depth(name="lab-api", reaches=["127.0.0.1:16379", "127.0.0.1:5432"])
    verdict = containers_depth.reaches(entry, facts)
    assert not verdict.ok
    assert verdict.message.startswith("lab-api: cannot connect to 127.0.0.1:5432 from inside (")
    assert "Connection refused" in verdict.message and "16379" not in verdict.message


def test_a_stopped_container_cannot_be_looked_into(lab):
    entry, facts = depth(name="lab-stopped", exec=[{"command": "true"}])
    assert containers_depth.exec_commands(entry, facts).message == (
        'lab-stopped: status is "exited", expected "running" to look inside it'
    )
