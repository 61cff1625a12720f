"""Target kinds for hosts, containers in depth, logs, backups, secrets (issue 5)."""

from __future__ import annotations

from typing import Any

from .kinds import Context, Kind, active
from .probes import backups, containerdepth, hostfacts, logs, secrets
from .probes.hostapi import Access, HostUnavailable


def _depth_targets(ctx: Context) -> list[Any]:
    return [c for c in active(ctx, ctx.inventory.containers) if c.max_memory_percent is not None or c.exec or c.reaches]


def _access(ref: str | None, ctx: Context) -> Access | str:
    """Where an entry's files are; a reference to an unknown host becomes that entry's failure, not an error."""
    try:
        return hostfacts.resolve(ref, ctx.inventory.hosts)
    except HostUnavailable as exc:
        return str(exc)


def _logs(entry: Any, ctx: Context) -> logs.LogFacts:
    timeout = ctx.timeout_for(entry)
    if entry.container is not None:
        return logs.gather_container(entry, timeout)
    return logs.gather_file(entry, _access(entry.host, ctx), timeout)


def _secrets(entry: Any, ctx: Context) -> secrets.SecretsFacts:
    timeout = ctx.timeout_for(entry)
    if entry.container is not None:
        return secrets.gather_container(entry, timeout)
    return secrets.gather_file(entry, _access(entry.host, ctx), timeout)


KINDS: dict[str, Kind] = {
    "hosts": Kind(
        "hosts",
        lambda ctx: active(ctx, ctx.inventory.hosts),
        lambda e, ctx: hostfacts.gather(e, ctx.timeout_for(e)),
    ),
    "container-depth": Kind(
        "container-depth", _depth_targets, lambda e, ctx: containerdepth.gather(e, ctx.timeout_for(e))
    ),
    "logs": Kind("logs", lambda ctx: active(ctx, ctx.inventory.logs), _logs),
    "backups": Kind(
        "backups",
        lambda ctx: active(ctx, ctx.inventory.backups),
        lambda e, ctx: backups.gather(e, _access(e.host, ctx), ctx.timeout_for(e)),
    ),
    "secrets": Kind("secrets", lambda ctx: active(ctx, ctx.inventory.secrets), _secrets),
}
