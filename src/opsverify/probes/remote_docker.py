"""Facts of containers on a remote host (``host: web1``): the same facts as locally, gathered with the ``docker``
CLI over that host's session (:mod:`opsverify.adapters.remote_docker`), so the judges and their one-line failures
are the same. Entry names are host-qualified (``web1/calendar-redis``); the container's own name is the part after
the first ``/`` (docker names cannot hold one)."""

from __future__ import annotations

import shlex

from ..adapters.docker import NotFound
from ..adapters.remote_docker import RemoteDocker
from ..adapters.sessions import connector
from ..errors import OpsverifyError
from ..inventory import ContainerEntry
from ..inventory.logs import LogEntry
from ..inventory.secrets import SecretsEntry
from ..kinds import Context
from ..masking import scrub
from ..verdict import shorten
from . import compose
from .containers import ContainerFacts, from_inspect
from .containers_depth import DepthFacts, ExecResult, command_text, reach_script, volume_facts
from .hosts_facts import access_for
from .logs import MAX_LINES, LogFacts, count_lines, register_env_secrets
from .secrets import SecretsFacts, env_from_inspect


def bare(name: str, host: str | None) -> str:
    """The container's own name inside a host-qualified entry name."""
    prefix = f"{host}/"
    return name[len(prefix) :] if host and name.startswith(prefix) else name


def engine(host: str, ctx: Context, timeout: float) -> RemoteDocker | str:
    """The docker CLI of ``host`` over its session, or why the host cannot be used."""
    access = access_for(host, ctx)
    if isinstance(access, str):
        return access
    try:
        return RemoteDocker(connector(ctx)(access, timeout), host)
    except OpsverifyError as exc:
        return str(exc)


def container(entry: ContainerEntry, ctx: Context) -> ContainerFacts:
    assert entry.host is not None
    name = bare(entry.name, entry.host)
    docker = engine(entry.host, ctx, ctx.timeout_for(entry))
    if isinstance(docker, str):
        return ContainerFacts(name, error=docker)
    try:
        attrs = docker.inspect(name, f"container {name} on {entry.host}")
    except NotFound:
        return ContainerFacts(name, found=False)
    except OpsverifyError as exc:
        return ContainerFacts(name, error=str(exc))
    return from_inspect(name, attrs)


def depth(entry: ContainerEntry, ctx: Context) -> DepthFacts:
    facts = DepthFacts(container(entry, ctx))
    if facts.base.error or not facts.base.found or facts.base.status != "running":
        return facts
    assert entry.host is not None
    name, timeout = facts.base.name, ctx.timeout_for(entry)
    docker = engine(entry.host, ctx, timeout)
    if isinstance(docker, str):
        facts.base.error = docker
        return facts
    if entry.max_memory_percent is not None:
        try:
            facts.memory_used, facts.memory_limit = docker.memory(name, f"container {name} on {entry.host}: stats")
        except OpsverifyError as exc:
            facts.stats_error = str(exc)
    if entry.volumes:
        _volumes(docker, entry, facts)
    for check in entry.exec:
        argv = ["/bin/sh", "-c", check.command] if isinstance(check.command, str) else check.command
        facts.execs[command_text(check)] = _exec(docker, name, argv, timeout)
    for target in entry.reaches:
        facts.reaches[target] = _exec(docker, name, ["/bin/sh", "-c", reach_script(target, timeout)], timeout)
    return facts


def _volumes(docker: RemoteDocker, entry: ContainerEntry, facts: DepthFacts) -> None:
    """As locally (:func:`containers_depth.volume_facts`), through the docker CLI on the host."""
    volume_facts(
        entry,
        facts,
        lambda: docker.volume_sizes(f"volume sizes (docker system df) on {docker.host}"),
        lambda name: docker.volume(name, f"volume {name} on {docker.host}"),
    )


def _exec(docker: RemoteDocker, name: str, argv: list[str], timeout: float) -> ExecResult | str:
    what = f"container {name} on {docker.host}: exec {shorten(scrub(shlex.join(argv)), 60)}"
    try:
        result = docker.exec(name, argv)
    except OpsverifyError as exc:
        return str(exc)
    if result.timed_out:
        return f"did not finish within {timeout:g}s"
    if result.rc in (1, 125, 126, 127) and result.stdout.startswith(("Error response from daemon", "Cannot connect")):
        return f"{what}: Docker error on {docker.host}: {shorten(scrub(result.stdout), 120)}"
    return ExecResult(result.rc, result.stdout)


def project(qualified: str, host: str, ctx: Context) -> compose.ComposeFacts:
    project_name = bare(qualified, host)
    docker = engine(host, ctx, ctx.timeout)
    if isinstance(docker, str):
        return compose.ComposeFacts(project_name, error=docker)
    try:
        found = docker.ps(f"{compose.PROJECT}={project_name}", f"compose project {project_name} on {host}")
    except OpsverifyError as exc:
        return compose.ComposeFacts(project_name, error=str(exc))
    members = [
        compose.Member(p.name.lstrip("/"), p.service or "?", p.state, compose.exit_code(p.status)) for p in found
    ]
    return compose.ComposeFacts(project_name, members=sorted(members, key=lambda m: m.name))


def logs(entry: LogEntry, ctx: Context) -> LogFacts:
    assert entry.host is not None and entry.container is not None
    name = entry.container
    facts = LogFacts(f"the log of container {name} on {entry.host}")
    docker = engine(entry.host, ctx, ctx.timeout_for(entry))
    if isinstance(docker, str):
        facts.error = docker
        return facts
    try:
        register_env_secrets(docker.inspect(name, f"container {name} on {entry.host}: logs"))
        text = docker.logs(name, entry.since, MAX_LINES, f"container {name} on {entry.host}: logs")
    except OpsverifyError as exc:  # NotFound included: the container is not on that host
        facts.error = str(exc)
        return facts
    count_lines(entry, facts, text.splitlines())
    return facts


def secrets(entry: SecretsEntry, ctx: Context) -> SecretsFacts:
    assert entry.host is not None and entry.container is not None
    name = entry.container
    facts = SecretsFacts(f"the environment of container {name} on {entry.host}")
    docker = engine(entry.host, ctx, ctx.timeout_for(entry))
    if isinstance(docker, str):
        facts.error = docker
        return facts
    try:
        attrs = docker.inspect(name, f"container {name} on {entry.host}")
    except OpsverifyError as exc:
        facts.error = str(exc)
        return facts
    env_from_inspect(entry, facts, attrs)
    return facts
