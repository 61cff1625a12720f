"""Target kinds: for an inventory section, how to list its targets and gather their facts.

A check module names its kind (``@pytest.mark.opsverify("http")``); the plugin parametrizes over
``targets(...)`` and prefetches ``gather(...)`` for every selected item, concurrently. The table of kinds is in
:mod:`opsverify.kindtable`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from .inventory import Inventory


@dataclass(frozen=True)
class Context:
    """What probes may know of the run: the inventory, and a per-run cache (e.g. compose membership)."""

    inventory: Inventory
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

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

    def budget(self, entry: Any, ctx: Context) -> float:
        """How long a check waits for this probe before failing: generous, but never forever."""
        waits = getattr(getattr(entry, "eventually", None), "within", None) or 0.0
        return 4 * ctx.timeout_for(entry) + float(waits) + 30.0


def active(ctx: Context, entries: list[Any]) -> list[Any]:
    """The entries that apply in the selected environment."""
    env = ctx.inventory.environment
    return [e for e in entries if not e.environments or env in e.environments]
