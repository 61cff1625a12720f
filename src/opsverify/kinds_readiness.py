"""Target kinds for hosts, containers in depth, logs, backups, secrets (issue 5)."""

from __future__ import annotations

from .kinds import Context, Kind, active
from .probes import hostfacts

KINDS: dict[str, Kind] = {
    "hosts": Kind(
        "hosts",
        lambda ctx: active(ctx, ctx.inventory.hosts),
        lambda e, ctx: hostfacts.gather(e, ctx.timeout_for(e)),
    ),
}

__all__ = ["KINDS", "Context"]
