"""The table of target kinds, by inventory section. Families of checks add theirs in their own module."""

from __future__ import annotations

from typing import Any

from .kinds import Context, Kind, active
from .kinds_monitoring import KINDS as MONITORING
from .kinds_readiness import KINDS as READINESS
from .probes import compose, containers, http


def _container_targets(ctx: Context) -> list[Any]:
    found = list(ctx.inventory.containers)
    for project in active(ctx, ctx.inventory.compose):
        facts = compose_facts(project.project, ctx)
        named = {c.name for c in found}
        found.extend(c for c in compose.container_entries(project, facts) if c.name not in named)
    return active(ctx, found)


def compose_facts(project: str, ctx: Context) -> compose.ComposeFacts:
    """Compose membership is needed at collection time (to parametrize); ask the engine once per run."""
    key = ("compose", project)
    if key not in ctx.cache:
        ctx.cache[key] = compose.gather(project, ctx.timeout)
    facts: compose.ComposeFacts = ctx.cache[key]
    return facts


KINDS: dict[str, Kind] = {
    "containers": Kind("containers", _container_targets, lambda e, ctx: containers.gather(e.name, ctx.timeout_for(e))),
    "compose": Kind(
        "compose", lambda ctx: active(ctx, ctx.inventory.compose), lambda e, ctx: compose_facts(e.project, ctx)
    ),
    "http": Kind(
        "http",
        lambda ctx: active(ctx, ctx.inventory.http),
        lambda e, ctx: http.gather(e, ctx.timeout_for(e), ctx.inventory.defaults.max_body_bytes),
    ),
    **READINESS,
    **MONITORING,
}


def kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown check kind {name!r} (known: {', '.join(sorted(KINDS))})") from None
