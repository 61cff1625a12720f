"""Check kinds: an inventory section, how to list its targets, and the probes that gather their facts.

Each kind is registered by its probe module, ``opsverify.probes.<section>``, as ``KIND``; :mod:`opsverify.registry`
finds it there by name. A check module names its kind (``@pytest.mark.opsverify("http")``, or
``@opsverify.check("http")``); the plugin parametrizes over :meth:`Kind.entries` and prefetches the probe for
every selected item, concurrently. A kind may have extra named probes (``probe="depth"``) so that each check waits
only for the facts it needs.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from .inventory import Inventory

E = TypeVar("E")


@dataclass(frozen=True)
class Context:
    """What probes may know of the run: the inventory, and a per-run cache (e.g. compose membership)."""

    inventory: Inventory
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def timeout(self) -> float:
        return float(self.inventory.defaults.timeout)

    def timeout_for(self, entry: object) -> float:
        own = getattr(entry, "timeout", None)
        return float(own) if own is not None else self.timeout


Probe = Callable[[E, Context], object]


@dataclass(frozen=True)
class Kind(Generic[E]):
    """``gather`` is the kind's main probe; ``probes`` adds named ones; ``targets`` defaults to the section's
    entries that apply in the selected environment."""

    section: str
    gather: Callable[[E, Context], object]
    targets: Callable[[Context], Sequence[E]] | None = None
    probes: Mapping[str, Callable[[E, Context], object]] = field(default_factory=dict)
    # True when, in a full run, some check of every active entry uses ``gather``: `opsverify run` may then start
    # those probes before pytest has collected (:mod:`opsverify.headstart`)
    head_start: bool = False
    # True when its probes share nothing per place (no SSH session, no engine connection): big runs may then
    # split them over several probe processes (:mod:`opsverify.childprobes`)
    spread: bool = False

    @property
    def name(self) -> str:
        return self.section

    def entries(self, ctx: Context) -> list[E]:
        if self.targets is not None:
            return list(self.targets(ctx))
        found: list[E] = getattr(ctx.inventory, self.section)
        return active(ctx, found)

    def probe(self, name: str | None = None) -> Callable[[E, Context], object]:
        if not name:
            return self.gather
        try:
            return self.probes[name]
        except KeyError:
            known = ", ".join(sorted(self.probes)) or "none"
            raise ValueError(f"kind {self.section!r} has no probe {name!r} (named probes: {known})") from None

    def key(self, entry: E, probe: str | None = None) -> Hashable:
        return (self.section, probe or "", getattr(entry, "name", id(entry)))

    def budget(self, entry: E, ctx: Context) -> float:
        """How long a check waits for this probe before failing: generous, but never forever."""
        waits = getattr(getattr(entry, "eventually", None), "within", None) or 0.0
        return 4 * ctx.timeout_for(entry) + float(waits) + 30.0


def active(ctx: Context, entries: Sequence[E]) -> list[E]:
    """The entries that apply in the selected environment."""
    env = ctx.inventory.environment
    return [e for e in entries if not getattr(e, "environments", None) or env in getattr(e, "environments", [])]
