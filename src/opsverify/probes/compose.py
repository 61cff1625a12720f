"""Compose projects, found through the ``com.docker.compose.*`` labels docker-compose puts on containers."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..adapters import docker
from ..errors import OpsverifyError
from ..inventory import ComposeEntry, ContainerEntry
from ..kinds import Context, Kind
from ..verdict import Verdict
from .eventually import poll, waits

PROJECT = "com.docker.compose.project"
SERVICE = "com.docker.compose.service"


@dataclass(frozen=True)
class Member:
    name: str
    service: str
    status: str
    exit_code: int


@dataclass
class ComposeFacts:
    project: str
    error: str | None = None
    members: list[Member] = field(default_factory=list)
    attempts: int = 1  # with `eventually`: listings made
    polled: float = 0.0


def gather(project: str, timeout: float) -> ComposeFacts:
    try:
        with docker.docker_errors(f"compose project {project}"):
            found = docker.client(timeout).api.containers(all=True, filters={"label": f"{PROJECT}={project}"})
    except OpsverifyError as exc:
        return ComposeFacts(project, error=str(exc))
    members = [
        Member(
            name=str((c.get("Names") or ["?"])[0]).lstrip("/"),
            service=str((c.get("Labels") or {}).get(SERVICE, "?")),
            status=str(c.get("State", "")),
            exit_code=exit_code(str(c.get("Status", ""))),
        )
        for c in found
    ]
    return ComposeFacts(project, members=sorted(members, key=lambda m: m.name))


def exit_code(status: str) -> int:
    # `docker ps` Status reads "Exited (137) 2 minutes ago"
    if "(" in status and ")" in status:
        inside = status[status.index("(") + 1 : status.index(")")]
        if inside.lstrip("-").isdigit():
            return int(inside)
    return 0


@waits
def services_running(entry: ComposeEntry, facts: ComposeFacts) -> Verdict:
    if facts.error:
        return Verdict.failed(entry.project, facts.error)
    if not facts.members and not entry.services:
        return Verdict.failed(
            entry.project, "no containers carry this compose project label, expected the stack to be up"
        )
    wanted = entry.services if entry.services is not None else sorted({m.service for m in facts.members})
    missing = []
    for service in wanted:
        mine = [m for m in facts.members if m.service == service]
        if not any(m.status == "running" for m in mine):
            got = ", ".join(f"{m.status} ({m.exit_code})" if m.status == "exited" else m.status for m in mine)
            missing.append(f"{service} ({got or 'no container'})")
    if missing:
        return Verdict.failed(
            entry.project,
            f"{len(missing)} of {len(wanted)} services have no running container: {', '.join(missing)}; expected all running",
        )
    return Verdict.passed(entry.project, f"all {len(wanted)} services running")


def container_entries(entry: ComposeEntry, facts: ComposeFacts) -> list[ContainerEntry]:
    """One container entry per container of the project, carrying the compose entry's options."""
    return [
        ContainerEntry(
            name=m.name,
            host=entry.host,
            severity=entry.severity,
            environments=entry.environments,
            description=f"service {m.service} of compose project {entry.project}",
            max_restarts=entry.max_restarts,
            allow_oom=entry.allow_oom,
            eventually=entry.eventually,
        )
        for m in facts.members
        if m.service not in entry.exclude
    ]


def cached(project: str, ctx: Context, host: str | None = None) -> ComposeFacts:
    """Compose membership is needed at collection time (to parametrize containers); ask the engine (of ``host``,
    over its session, when given) once per run."""
    key = ("compose", project) if host is None else ("compose", project, host)
    if key not in ctx.cache:
        if host is not None:
            from . import remote_docker

            ctx.cache[key] = remote_docker.project(project, host, ctx)
        else:
            ctx.cache[key] = gather(project, ctx.timeout)
    facts: ComposeFacts = ctx.cache[key]
    return facts


def _gather(entry: ComposeEntry, ctx: Context) -> ComposeFacts:
    """The membership listed at collection, then (with ``eventually``) listings again until every service runs."""
    first = [cached(entry.project, ctx, entry.host)]

    def once() -> ComposeFacts:
        if first:
            return first.pop()
        if entry.host is not None:  # on a host: listed again over its session
            from . import remote_docker

            return remote_docker.project(entry.project, entry.host, ctx)
        return gather(entry.project, ctx.timeout)

    return poll(once, lambda f: services_running(entry, f).ok, entry.eventually)


KIND: Kind[ComposeEntry] = Kind("compose", gather=_gather)
