"""Target kinds for hosts, containers in depth, logs, backups, secrets (issue 5)."""

from __future__ import annotations

from typing import Any

from .kinds import Context, Kind, active
from .probes import containerdepth, hostfacts


def _depth_targets(ctx: Context) -> list[Any]:
    return [c for c in active(ctx, ctx.inventory.containers) if c.max_memory_percent is not None or c.exec or c.reaches]


KINDS: dict[str, Kind] = {
    "hosts": Kind(
        "hosts",
        lambda ctx: active(ctx, ctx.inventory.hosts),
        lambda e, ctx: hostfacts.gather(e, ctx.timeout_for(e)),
    ),
    "container-depth": Kind(
        "container-depth", _depth_targets, lambda e, ctx: containerdepth.gather(e, ctx.timeout_for(e))
    ),
}
