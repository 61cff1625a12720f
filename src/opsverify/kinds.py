"""The table of target kinds: for each inventory section, how to list its targets and gather their facts.

A check module names its kind (``@pytest.mark.opsverify("http")``); the plugin parametrizes over
``targets(...)`` and prefetches ``gather(...)`` for every selected item, concurrently.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from .inventory import Inventory
from .probes import compose, containers, http


@dataclass(frozen=True)
class Context:
    inventory: Inventory

    @property
    def timeout(self) -> float:
        return float(self.inventory.defaults.timeout)

    def timeout_for(self, entry: Any) -> float:
        own = getattr(entry, "timeout", None)
        return float(own) if own is not None else self.timeout


@dataclass(frozen=True)
class Kind:
    name: str
    targets: Callable[[Context], list[Any]]
    gather: Callable[[Any, Context], Any]

    def key(self, entry: Any) -> Hashable:
        return (self.name, entry.name)


def _active(ctx: Context, entries: list[Any]) -> list[Any]:
    env = ctx.inventory.environment
    return [e for e in entries if not e.environments or env in e.environments]


def _container_targets(ctx: Context) -> list[Any]:
    found = list(ctx.inventory.containers)
    for project in _active(ctx, ctx.inventory.compose):
        facts = compose_facts(project.project, ctx)
        named = {c.name for c in found}
        found.extend(c for c in compose.container_entries(project, facts) if c.name not in named)
    return _active(ctx, found)


_compose_cache: dict[tuple[str, float], compose.ComposeFacts] = {}


def compose_facts(project: str, ctx: Context) -> compose.ComposeFacts:
    """Compose membership is needed at collection time (to parametrize); ask the engine once per run."""
    key = (project, ctx.timeout)
    if key not in _compose_cache:
        _compose_cache[key] = compose.gather(project, ctx.timeout)
    return _compose_cache[key]


KINDS: dict[str, Kind] = {
    "containers": Kind("containers", _container_targets, lambda e, ctx: containers.gather(e.name, ctx.timeout_for(e))),
    "compose": Kind(
        "compose", lambda ctx: _active(ctx, ctx.inventory.compose), lambda e, ctx: compose_facts(e.project, ctx)
    ),
    "http": Kind(
        "http",
        lambda ctx: _active(ctx, ctx.inventory.http),
        lambda e, ctx: http.gather(e, ctx.timeout_for(e), ctx.inventory.defaults.max_body_bytes),
    ),
    "hosts": Kind("hosts", lambda ctx: _active(ctx, ctx.inventory.hosts), lambda e, ctx: None),
}


def kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown check kind {name!r} (known: {', '.join(sorted(KINDS))})") from None
