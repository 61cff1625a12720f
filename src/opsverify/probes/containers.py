"""Containers through the Docker engine: gather one inspect per container, then judge it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..adapters import docker
from ..errors import OpsverifyError
from ..inventory import ContainerEntry
from ..kinds import Context, Kind, active
from ..verdict import Verdict, quote, shorten
from . import compose


@dataclass
class ContainerFacts:
    name: str
    error: str | None = None  # engine unreachable, or "not found"
    found: bool = False
    status: str = ""  # created, running, restarting, exited, paused, dead
    health: str | None = None  # healthy, unhealthy, starting; None without HEALTHCHECK
    health_log: list[str] = field(default_factory=list)  # output of the last health probes, oldest first
    restart_count: int = 0
    oom_killed: bool = False
    exit_code: int = 0
    image: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict, repr=False)  # the raw inspect, for deeper checks


def gather(name: str, timeout: float) -> ContainerFacts:
    """Inspect ``name``; a missing container or an unreachable engine is recorded, never raised."""
    try:
        with docker.docker_errors(f"container {name}"):
            attrs = docker.client(timeout).api.inspect_container(name)
    except docker.NotFound:
        return ContainerFacts(name, found=False)
    except OpsverifyError as exc:
        return ContainerFacts(name, error=str(exc))
    return from_inspect(name, attrs)


def from_inspect(name: str, attrs: dict[str, Any]) -> ContainerFacts:
    state = attrs.get("State") or {}
    health = state.get("Health") or {}
    log = [shorten(str(h.get("Output", ""))) for h in health.get("Log") or []]
    return ContainerFacts(
        name=name,
        found=True,
        status=str(state.get("Status", "")),
        health=health.get("Status"),
        health_log=log,
        restart_count=int(attrs.get("RestartCount") or 0),
        oom_killed=bool(state.get("OOMKilled")),
        exit_code=int(state.get("ExitCode") or 0),
        image=str((attrs.get("Config") or {}).get("Image", "")),
        labels=dict((attrs.get("Config") or {}).get("Labels") or {}),
        attrs=attrs,
    )


def _unusable(entry: ContainerEntry, facts: ContainerFacts) -> Verdict | None:
    if facts.error:
        return Verdict.failed(entry.name, facts.error)
    if not facts.found:
        return Verdict.failed(entry.name, "container not found, expected it to exist (docker ps -a shows no such name)")
    return None


def exists(entry: ContainerEntry, facts: ContainerFacts) -> Verdict:
    bad = _unusable(entry, facts)  # a failed Verdict is falsy: test for None, never truthiness
    return bad if bad is not None else Verdict.passed(entry.name, f"exists ({facts.status})")


def running(entry: ContainerEntry, facts: ContainerFacts) -> Verdict:
    bad = _unusable(entry, facts)
    if bad is not None:
        return bad
    if facts.status == "running":
        return Verdict.passed(entry.name, "running")
    got = f"{quote(facts.status)} (exit code {facts.exit_code}{', OOM-killed' if facts.oom_killed else ''})"
    return Verdict.failed(entry.name, f'status is {got}, expected "running"')


def healthy(entry: ContainerEntry, facts: ContainerFacts) -> Verdict:
    bad = _unusable(entry, facts)
    if bad is not None:
        return bad
    if facts.health is None:
        if entry.healthy:
            return Verdict.failed(entry.name, 'has no HEALTHCHECK, expected one reporting "healthy"')
        return Verdict.passed(entry.name, "no HEALTHCHECK defined; status only")
    if facts.health == "healthy":
        return Verdict.passed(entry.name, "healthy")
    last = facts.health_log[-1] if facts.health_log else "(no probe has run yet)"
    earlier = [f"earlier probe: {line}" for line in dict.fromkeys(facts.health_log[:-1]) if line != last]
    return Verdict.failed(
        entry.name, f'health is {quote(facts.health)}, expected "healthy"; last probe: {last}', earlier
    )


def restarts(entry: ContainerEntry, facts: ContainerFacts) -> Verdict:
    bad = _unusable(entry, facts)
    if bad is not None:
        return bad
    if facts.status == "restarting":
        return Verdict.failed(
            entry.name,
            f"is restarting (restart count {facts.restart_count}, last exit code {facts.exit_code}), expected it stable",
        )
    if facts.restart_count > entry.max_restarts:
        return Verdict.failed(entry.name, f"restart count is {facts.restart_count}, expected <= {entry.max_restarts}")
    return Verdict.passed(entry.name, f"restart count {facts.restart_count} <= {entry.max_restarts}")


def not_oom_killed(entry: ContainerEntry, facts: ContainerFacts) -> Verdict:
    bad = _unusable(entry, facts)
    if bad is not None:
        return bad
    if entry.allow_oom or not (facts.oom_killed or (facts.exit_code == 137 and facts.status != "running")):
        return Verdict.passed(entry.name, "last exit was not an OOM kill")
    limit = ((facts.attrs.get("HostConfig") or {}).get("Memory")) or 0
    limit_text = f" (memory limit {limit // 1048576} MiB)" if limit else ""
    how = "OOMKilled=true" if facts.oom_killed else "exit code 137 (SIGKILL)"
    return Verdict.failed(entry.name, f"was OOM-killed: {how}{limit_text}, expected no out-of-memory kill")


def _targets(ctx: Context) -> list[ContainerEntry]:
    """The ``containers:`` entries, plus every container of the ``compose:`` projects not named there."""
    found = list(ctx.inventory.containers)
    for project in active(ctx, ctx.inventory.compose):
        named = {c.name for c in found}
        members = compose.cached(project.project, ctx, project.host)
        found.extend(c for c in compose.container_entries(project, members) if c.name not in named)
    return active(ctx, found)


def _depth(entry: ContainerEntry, ctx: Context) -> object:
    from . import containers_depth, remote_docker

    return remote_docker.depth(entry, ctx) if entry.host else containers_depth.gather(entry, ctx.timeout_for(entry))


def _gather(entry: ContainerEntry, ctx: Context) -> ContainerFacts:
    from . import remote_docker

    return remote_docker.container(entry, ctx) if entry.host else gather(entry.name, ctx.timeout_for(entry))


KIND: Kind[ContainerEntry] = Kind(
    "containers",
    gather=_gather,
    targets=_targets,
    probes={"depth": _depth},
)
