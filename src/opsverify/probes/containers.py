"""Containers through the Docker engine: gather one inspect per container, then judge it."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from typing import Any

from ..adapters import docker
from ..errors import OpsverifyError
from ..inventory import ContainerEntry
from ..kinds import Context, Kind, active
from ..verdict import Verdict, quote, shorten
from . import compose
from .eventually import poll, waits


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
    exit_cause: str | None = None  # after an exit 137: "oom", "docker stop", "docker kill (signal 9)", or unknown
    image: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict, repr=False)  # the raw inspect, for deeper checks
    attempts: int = 1  # with `eventually`: inspections made
    polled: float = 0.0


def gather(name: str, timeout: float) -> ContainerFacts:
    """Inspect ``name``; a missing container or an unreachable engine is recorded, never raised."""
    try:
        with docker.docker_errors(f"container {name}"):
            attrs = docker.client(timeout).api.inspect_container(name)
    except docker.NotFound:
        return ContainerFacts(name, found=False)
    except OpsverifyError as exc:
        return ContainerFacts(name, error=str(exc))
    facts = from_inspect(name, attrs)
    if facts.exit_code == 137 and not facts.oom_killed and facts.status != "running":
        facts.exit_cause = _exit_cause(name, attrs, timeout)
    return facts


def _exit_cause(name: str, attrs: dict[str, Any], timeout: float) -> str | None:
    """Exit 137 is any SIGKILL: ask the engine's events whether it was the OOM killer or a docker stop/kill."""
    started = str((attrs.get("State") or {}).get("StartedAt") or "")
    try:
        since = datetime.datetime.fromisoformat(started[:19]).replace(tzinfo=datetime.UTC).timestamp()
    except ValueError:
        since = time.time() - 86400
    try:
        return docker.exit_cause(name, since - 1, timeout)
    except OpsverifyError:
        return None


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


@waits
def exists(entry: ContainerEntry, facts: ContainerFacts) -> Verdict:
    bad = _unusable(entry, facts)  # a failed Verdict is falsy: test for None, never truthiness
    return bad if bad is not None else Verdict.passed(entry.name, f"exists ({facts.status})")


@waits
def running(entry: ContainerEntry, facts: ContainerFacts) -> Verdict:
    bad = _unusable(entry, facts)
    if bad is not None:
        return bad
    if facts.status == "running":
        return Verdict.passed(entry.name, "running")
    cause = ", OOM-killed" if _oom(facts) else f", {facts.exit_cause}" if facts.exit_cause else ""
    got = f"{quote(facts.status)} (exit code {facts.exit_code}{cause})"
    return Verdict.failed(entry.name, f'status is {got}, expected "running"')


@waits
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
    if entry.allow_oom or not _oom(facts):
        return Verdict.passed(entry.name, _not_oom(facts))
    limit = ((facts.attrs.get("HostConfig") or {}).get("Memory")) or 0
    limit_text = f" (memory limit {limit // 1048576} MiB)" if limit else ""
    how = "OOMKilled=true" if facts.oom_killed else "exit code 137 and an oom event (OOMKilled=false)"
    return Verdict.failed(entry.name, f"was OOM-killed: {how}{limit_text}, expected no out-of-memory kill")


def _oom(facts: ContainerFacts) -> bool:
    """OOMKilled, or an exit 137 the engine's events attribute to the OOM killer. Exit 137 alone is any SIGKILL
    (a `docker stop` past its grace period, a `docker kill`): not an OOM kill."""
    return facts.oom_killed or (facts.exit_code == 137 and facts.status != "running" and facts.exit_cause == "oom")


def _not_oom(facts: ContainerFacts) -> str:
    if facts.exit_code != 137 or facts.status == "running":
        return "last exit was not an OOM kill"
    by = facts.exit_cause or "no oom event from the engine"
    return f"last exit was SIGKILL (exit code 137, OOMKilled=false; {by}), not an OOM kill"


def _targets(ctx: Context) -> list[ContainerEntry]:
    """The ``containers:`` entries, plus every container of the ``compose:`` projects not named there."""
    found = list(ctx.inventory.containers)
    for project in active(ctx, ctx.inventory.compose):
        named = {c.name for c in found}
        members = compose.cached(project.project, ctx, project.host)
        found.extend(c for c in compose.container_entries(project, members) if c.name not in named)
    return active(ctx, found)


def ready(entry: ContainerEntry, facts: ContainerFacts) -> bool:
    """What waiting can fix: the container exists, runs, and its health is no longer "starting" (nor unhealthy)."""
    wanted = [exists(entry, facts)]
    if entry.expect_running:
        wanted.append(running(entry, facts))
    if entry.healthy is not False:
        wanted.append(healthy(entry, facts))
    return all(v.ok for v in wanted)


def gather_entry(entry: ContainerEntry, timeout: float) -> ContainerFacts:
    """:func:`gather`, again until :func:`ready` with the entry's ``eventually``."""
    return poll(lambda: gather(entry.name, timeout), lambda f: ready(entry, f), entry.eventually)


def _depth(entry: ContainerEntry, ctx: Context) -> object:
    from . import containers_depth, remote_docker

    return remote_docker.depth(entry, ctx) if entry.host else containers_depth.gather(entry, ctx.timeout_for(entry))


def _gather(entry: ContainerEntry, ctx: Context) -> ContainerFacts:
    from . import remote_docker

    if entry.host:  # on a host: over its session, waiting the same way
        return poll(lambda: remote_docker.container(entry, ctx), lambda f: ready(entry, f), entry.eventually)
    return gather_entry(entry, ctx.timeout_for(entry))


KIND: Kind[ContainerEntry] = Kind(
    "containers",
    gather=_gather,
    targets=_targets,
    probes={"depth": _depth},
)
